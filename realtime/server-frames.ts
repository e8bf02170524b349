// What the server sends (DESIGN.md section 6), as io-ts codecs: the snapshot (the domain's public
// view of the cached auction, as GET /v1/auctions/:id shows it, status at the server's now),
// `auction.updated` (the cache's frame, forwarded as it is), errors, the server's time, and to a
// signed-in socket `authenticated` and its user's notifications.
import * as t from 'io-ts';
import { AuctionUpdated, PublicAuctionView, UtcTimestamp, publicAuctionView } from '../domain/index.js';
import type { LiveAuction } from '../contracts/index.js';
import { NotificationFrame } from '../contracts/index.js';

/** The public view of an auction: the fields GET /v1/auctions/:id shows a caller without a token. */
export const AuctionSnapshotView = PublicAuctionView;
export type AuctionSnapshotView = PublicAuctionView;

export const SnapshotFrame = t.type({ type: t.literal('snapshot'), auction: AuctionSnapshotView }, 'SnapshotFrame');
export type SnapshotFrame = t.TypeOf<typeof SnapshotFrame>;

export const ErrorCode = t.keyof({
  /** The text is not JSON. */
  INVALID_JSON: null,
  /** JSON, but not a valid frame (with the failing fields; a malformed auction id is one). */
  INVALID_FRAME: null,
  UNKNOWN_FRAME_TYPE: null,
  /** Over the frame size limit (larger still, beyond the transport's limit, closes the socket). */
  FRAME_TOO_LARGE: null,
  /** Binary frames are not part of the protocol. */
  BINARY_NOT_SUPPORTED: null,
  AUCTION_NOT_FOUND: null,
  /** Over the per-socket subscription limit. */
  TOO_MANY_SUBSCRIPTIONS: null,
  /** The live feed (Redis) failed for this auction: subscribe again later. */
  LIVE_FEED_UNAVAILABLE: null,
  /** Over the per-socket frame rate: the frame was ignored (keep sending and the socket is closed, 1008). */
  RATE_LIMITED: null,
  /** An auth frame's token was refused (the message says why); the socket gets no notifications. */
  UNAUTHENTICATED: null,
  /** The token the socket signed in with expired: no more notifications until another auth frame. */
  TOKEN_EXPIRED: null,
  /** The notification feed (Redis) failed: send the auth frame again later. */
  NOTIFICATIONS_UNAVAILABLE: null,
}, 'ErrorCode');
export type ErrorCode = t.TypeOf<typeof ErrorCode>;

/** The close codes the server sends (README, WebSocket protocol). */
export const CloseCode = {
  /** The server is shutting down. */
  GOING_AWAY: 1001,
  /** The socket kept sending frames over its rate after RATE_LIMITED. */
  POLICY_VIOLATION: 1008,
} as const;

/** An error; `auctionId` names the subscription it concerns, when it concerns one. */
export const ErrorFrame = t.intersection([
  t.type({ type: t.literal('error'), code: ErrorCode, message: t.string }),
  t.partial({ auctionId: t.string }),
], 'ErrorFrame');
export type ErrorFrame = t.TypeOf<typeof ErrorFrame>;

export const TimeFrame = t.type({ type: t.literal('time'), serverTime: UtcTimestamp }, 'TimeFrame');
export type TimeFrame = t.TypeOf<typeof TimeFrame>;

/** The answer to an accepted auth frame: the user's notifications follow until `expiresAt`. */
export const AuthenticatedFrame = t.type({ type: t.literal('authenticated'), userId: t.string, expiresAt: UtcTimestamp }, 'AuthenticatedFrame');
export type AuthenticatedFrame = t.TypeOf<typeof AuthenticatedFrame>;

export const ServerFrame = t.union([SnapshotFrame, AuctionUpdated, ErrorFrame, TimeFrame, AuthenticatedFrame, NotificationFrame], 'ServerFrame');
export type ServerFrame = t.TypeOf<typeof ServerFrame>;

/** The snapshot of a cached auction: its public view at `nowMs` (its status depends on the clock). */
export const snapshotText = (auction: LiveAuction, nowMs: number): string =>
  JSON.stringify({ type: 'snapshot', auction: publicAuctionView(auction, nowMs) } satisfies SnapshotFrame);

export const timeText = (now: Date): string => JSON.stringify({ type: 'time', serverTime: now.toISOString() });

export const errorText = (error: ErrorFrame): string => JSON.stringify(error);
