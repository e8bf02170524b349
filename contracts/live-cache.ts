// The live cache's contract between the cache projector (its writer) and the realtime nodes (its
// readers): an auction's public state as the cache holds it, the change it publishes, where both
// live in Redis (keys, channel, how long), and the port a realtime node reads it through.
import * as t from 'io-ts';
import { AuctionUpdated, PublicAuction } from '../domain/index.js';

/**
 * An auction's public state as the live cache holds it: the domain's PublicAuction, as it is
 * (folded by `evolvePublicAuction`; a realtime node's snapshot is its `publicAuctionView`).
 */
export const LiveAuction = PublicAuction;
export type LiveAuction = PublicAuction;

/**
 * One change as the cache publishes it on the auction's channel: the state after the change, and
 * the `auction.updated` frame that realtime nodes forward to subscribers as it is.
 */
export const LiveChange = t.type({ auction: LiveAuction, frame: AuctionUpdated }, 'LiveChange');
export type LiveChange = t.TypeOf<typeof LiveChange>;

// An auction's keys and channel carry its id as their hash tag (`{<id>}`), so that on a Redis
// Cluster the script that stores a change and the transaction that reads the frames find the hash
// and the frames in one slot (any id works: the tag is the same text in every name).

/** Redis pub/sub channel of one auction's changes (LiveChange JSON), in version order. */
export const auctionChannel = (auctionId: string): string => `gs:auction:{${auctionId}}:updates`;
/** Redis hash with the auction's current public state: one field per LiveAuction field, each value JSON. */
export const auctionCacheKey = (auctionId: string): string => `gs:auction:{${auctionId}}`;
/** Redis sorted set of the auction's latest frames (member: AuctionUpdated JSON, score: version). */
export const auctionFramesKey = (auctionId: string): string => `gs:auction:{${auctionId}}:frames`;
/**
 * The layout of the keys above, named in the cache projector's checkpoint keys: a projector whose
 * layout has no checkpoint yet (an upgrade from `gs:auction:<id>`, untagged) projects the log from
 * its start into the new keys, as a rebuild would.
 */
export const LIVE_CACHE_LAYOUT = 'tagged';
/** How many of the latest frames the cache keeps per auction, for clients resuming with `sinceVersion`. */
export const LIVE_HISTORY_LENGTH = 256;
/** How long the frames of an ended auction are kept (seconds): nobody resumes a finished contest for long. */
export const ENDED_FRAMES_TTL_SECONDS = 24 * 60 * 60;

const liveAuctionFields = Object.keys(LiveAuction.props) as readonly (keyof LiveAuction)[];

/** The fields a hash cached before auction formats lacks, as such an auction has them (an English auction has no clock). */
const cachedBeforeFormats: Readonly<Partial<Record<keyof LiveAuction, string>>> = { format: '"english"', clock: 'null' };

/** The cache hash of an auction: one field per LiveAuction field, each value the field's JSON. */
export const encodeLiveAuctionHash = (auction: LiveAuction): Record<string, string> => {
  const hash: Record<string, string> = {};
  for (const field of liveAuctionFields) hash[field] = JSON.stringify(auction[field]);
  return hash;
};

/**
 * Reads a cache hash back (HGETALL's answer): undefined for an empty hash (an auction the cache has
 * never seen); a string saying what is wrong for a hash that is not a LiveAuction.
 */
export const decodeLiveAuctionHash = (hash: Readonly<Record<string, string>>): { ok: true; auction: LiveAuction | undefined } | { ok: false; reason: string } => {
  if (Object.keys(hash).length === 0) return { ok: true, auction: undefined };
  const object: Record<string, unknown> = {};
  for (const field of liveAuctionFields) {
    const raw = hash[field] ?? cachedBeforeFormats[field];
    if (raw === undefined) return { ok: false, reason: `field ${field} is missing` };
    try {
      object[field] = JSON.parse(raw) as unknown;
    } catch {
      return { ok: false, reason: `field ${field} is not JSON` };
    }
  }
  const decoded = LiveAuction.decode(object);
  if (decoded._tag === 'Left') {
    const paths = decoded.left.map((e) => e.context.map((c) => c.key).filter((k) => k !== '').join('.')).join(', ');
    return { ok: false, reason: `not a LiveAuction (${paths})` };
  }
  return { ok: true, auction: decoded.right };
};

/** What a realtime node reads from the live cache (Redis, or in memory in embedded mode). */
export interface LiveFeed {
  /** The auction's current public state, or undefined when the cache has never seen the auction. */
  current(auctionId: string): Promise<LiveAuction | undefined>;
  /**
   * The frames after `version`, in version order (empty when none); undefined when the kept history
   * no longer reaches back to `version + 1`.
   */
  framesAfter(auctionId: string, version: number): Promise<readonly AuctionUpdated[] | undefined>;
  /**
   * Every change of the auction from now on, in version order; resolves once the subscription is
   * active, with the function that ends it. Delivery is at most once (Redis pub/sub): `onGap` is
   * called when changes may have been lost (the feed's connection dropped and is back, subscribed
   * again), so the subscriber re-reads what it missed (`current`, `framesAfter`).
   */
  subscribe(auctionId: string, onChange: (change: LiveChange) => void, onGap?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
