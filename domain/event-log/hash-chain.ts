// Tamper evidence (DESIGN.md section 8): every event stores
//   hash = hex sha256(prevHash + RFC 8785 canonical JSON of {streamId, streamVersion, eventId, type, data, metadata})
// with prevHash = '' for a stream's first event. Pure: a function of its arguments only.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { EventMetadata, JsonObject, NewEvent, RecordedEvent } from './port.js';

/** The hash of "no previous event". */
export const GENESIS_HASH = '';

/** The parts of an event that its hash covers. */
export interface HashedContent {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly eventId: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
}

/** The RFC 8785 (JCS) canonical JSON of exactly the hashed fields (other properties are ignored). */
export const canonicalEventJson = (event: HashedContent): string => {
  const json = canonicalize({
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    eventId: event.eventId,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
  });
  if (json === undefined) throw new Error(`event ${event.eventId} cannot be written as JSON`);
  return json;
};

/** hex sha256 of `prevHash` followed by the event's canonical JSON (UTF-8). */
export const hashEvent = (prevHash: string, event: HashedContent): string =>
  createHash('sha256').update(prevHash + canonicalEventJson(event), 'utf8').digest('hex');

/** A new event with its place in the stream and its chain link; the log adds the position. */
export type SealedEvent = Omit<RecordedEvent, 'position'>;

/** Where a stream stands: its last version (0 when empty) and that event's hash ('' when empty). */
export interface ChainHead {
  readonly version: number;
  readonly hash: string;
}

export const EMPTY_CHAIN: ChainHead = { version: 0, hash: GENESIS_HASH };

/** Numbers and links a batch of new events that follows `head` in `streamId`. */
export const sealEvents = (streamId: string, head: ChainHead, events: readonly NewEvent[]): SealedEvent[] => {
  const sealed: SealedEvent[] = [];
  let prevHash = head.hash;
  events.forEach((event, index) => {
    const content: HashedContent = {
      streamId,
      streamVersion: head.version + index + 1,
      eventId: event.eventId,
      type: event.type,
      data: event.data,
      metadata: event.metadata,
    };
    const hash = hashEvent(prevHash, content);
    sealed.push({ ...content, prevHash, hash });
    prevHash = hash;
  });
  return sealed;
};

/** What a link check needs from a stored event. */
export type ChainLink = HashedContent & { readonly prevHash: string; readonly hash: string };

export interface ChainVerification {
  readonly valid: boolean;
  /** How many events were checked. */
  readonly events: number;
  /** The first stream version whose link does not verify (altered, missing, moved or reordered event). */
  readonly brokenAt?: number;
}

/** The state of a verification that reads a stream event by event (e.g. while paging through the whole log). */
export interface ChainCheck {
  readonly streamId: string | undefined;
  readonly head: ChainHead;
  readonly events: number;
  readonly brokenAt: number | undefined;
}

export const startChainCheck: ChainCheck = { streamId: undefined, head: EMPTY_CHAIN, events: 0, brokenAt: undefined };

/** Checks the next event of a stream (in stream order) against everything checked before it. */
export const checkNextLink = (check: ChainCheck, event: ChainLink): ChainCheck => {
  const events = check.events + 1;
  if (check.brokenAt !== undefined) return { ...check, events };
  const expectedVersion = check.head.version + 1;
  const linked =
    (check.streamId === undefined || event.streamId === check.streamId) &&
    event.streamVersion === expectedVersion &&
    event.prevHash === check.head.hash &&
    event.hash === hashEvent(event.prevHash, event);
  return linked
    ? { streamId: event.streamId, head: { version: event.streamVersion, hash: event.hash }, events, brokenAt: undefined }
    : { ...check, events, brokenAt: expectedVersion };
};

export const chainCheckResult = (check: ChainCheck): ChainVerification =>
  check.brokenAt === undefined ? { valid: true, events: check.events } : { valid: false, events: check.events, brokenAt: check.brokenAt };

/** Re-verifies a whole stream, given in stream order from version 1. An empty stream is valid. */
export const verifyChain = (events: readonly ChainLink[]): ChainVerification => chainCheckResult(events.reduce(checkNextLink, startChainCheck));
