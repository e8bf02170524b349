// The version order of one auction's relay, as pure functions: given what the relay knows (the last
// version it published, the auction at that version, the latest frames, the changes it holds back)
// and what just happened (a change from the feed, an answer from the cache, a socket asking to
// join), what to publish and in which order, whether to read the cache, and how a socket joins.
// No timers, sockets, feed or logger: `AuctionRelay` (auction-relay.ts) does the I/O and applies
// these decisions; each function takes a `Sequence` and returns a new one.
//
// The rules: each version is published once, right after the one before it. While the feed is
// being subscribed or the cache read, changes are held back, and released in order afterwards. A
// change that does not follow the last version (a lost message) is held too, and asks for a read
// of the cache, which brings the frames the topic missed, or a snapshot when the cache no longer
// has them.
import type { AuctionUpdated } from '../domain/index.js';
import type { LiveAuction, LiveChange } from '../contracts/index.js';

/** A frame the relay published, as sent: what a resuming socket is served from. */
export interface RingFrame {
  readonly version: number;
  readonly text: string;
}

/**
 * The latest frames published, oldest first: `frames[from]` to `frames[to - 1]`, at most
 * `ringLength`. The steps of one batch share one array, each seeing its own window of it.
 */
export interface Ring {
  readonly frames: readonly RingFrame[];
  readonly from: number;
  readonly to: number;
}

/** Changes held back, newest first: holding one more shares the rest (no copy). */
export interface Held {
  readonly change: LiveChange;
  readonly older: Held | undefined;
  readonly count: number;
}

export interface Sequence {
  /**
   * `subscribing`: the feed is being subscribed; `syncing`: the cache is being read (changes are
   * held in both); `live`: each change that follows the last version is published at once.
   */
  readonly phase: 'subscribing' | 'syncing' | 'live';
  /** A read of the cache was asked for while one ran: it runs again once this one settles. */
  readonly syncAgain: boolean;
  /** The auction at the last version published (undefined until the relay knows it). */
  readonly latest: LiveAuction | undefined;
  readonly lastVersion: number;
  readonly ring: Ring;
  readonly ringLength: number;
  /** Changes held back (undefined when none). */
  readonly held: Held | undefined;
  /** How many held changes are kept: past it the oldest go (a read of the cache recovers them). */
  readonly maxHeld: number;
}

/** What to publish on the auction's topic: a frame as it is, or a snapshot of the auction. */
export type Publication =
  | { readonly kind: 'auction.updated'; readonly version: number; readonly text: string }
  | { readonly kind: 'snapshot'; readonly auction: LiveAuction };

/**
 * One move forward: publish `publish` in order, then the relay is at `state`, where the sockets
 * waiting for its version join (and, when `firstKnown`, those waiting for the auction to exist).
 */
export interface Step {
  readonly publish: readonly Publication[];
  readonly state: Sequence;
  /** A change made the auction known (the first read did not find it). */
  readonly firstKnown: boolean;
}

/** A decision: the steps to take in order, and the state after them. */
export interface Moves {
  readonly steps: readonly Step[];
  readonly state: Sequence;
}

/** What to do once the cache's answer is applied: read it again, read it again later (it is behind the feed), or stop reading. */
export type AfterRead = 'again' | 'retry' | 'done';

/** How a socket joins, given the version it holds (`sinceVersion`). */
export type Admission =
  /** The relay does not know the auction yet: the socket waits. */
  | { readonly kind: 'unknown' }
  /** A snapshot of the auction at the last version. */
  | { readonly kind: 'snapshot' }
  /** These frames (the versions after `sinceVersion`, none when it holds the last), then the topic. */
  | { readonly kind: 'frames'; readonly texts: readonly string[] }
  /** The socket holds a version not published yet: it waits for it. */
  | { readonly kind: 'ahead' }
  /** The ring no longer has the frames after `sinceVersion`: read the cache's history. */
  | { readonly kind: 'history' };

export const MAX_HELD = 10_000;

export const newSequence = (options: { readonly ringLength: number; readonly maxHeld?: number }): Sequence => ({
  phase: 'subscribing',
  syncAgain: false,
  latest: undefined,
  lastVersion: 0,
  ring: NO_FRAMES,
  ringLength: options.ringLength,
  held: undefined,
  maxHeld: options.maxHeld ?? MAX_HELD,
});

/** The feed is subscribed: a read of the cache may start. */
export const subscribed = (state: Sequence): Sequence => ({ ...state, phase: 'live' });

/**
 * A read of the cache is asked for (start, gap, reconnection, retry): `run` when it should start
 * now; during a read, it is noted to run again; before the feed is subscribed, it is not needed.
 */
export const requestSync = (state: Sequence): { readonly state: Sequence; readonly run: boolean } => {
  if (state.phase === 'subscribing') return { state, run: false };
  if (state.phase === 'syncing') return { state: { ...state, syncAgain: true }, run: false };
  return { state: { ...state, phase: 'syncing' }, run: true };
};

/** A read of the cache starts (each round of a sync): later requests make it run again. */
export const readStarted = (state: Sequence): Sequence => ({ ...state, syncAgain: false });

/** The sync has settled (or failed): changes flow again. */
export const syncEnded = (state: Sequence): Sequence => ({ ...state, phase: 'live' });

/** Whether to read the frames after the last version too, given the cache's current state. */
export const needsMissed = (state: Sequence, current: LiveAuction | undefined): boolean =>
  current !== undefined && state.latest !== undefined && current.version > state.lastVersion;

/** A change from the feed: published when it follows the last version, else held (a hole asks for a read). */
export const receive = (state: Sequence, change: LiveChange): Moves & { readonly resync: boolean } => {
  if (state.phase !== 'live') return { steps: [], state: hold(state, change), resync: false };
  const version = change.frame.version;
  if (version <= state.lastVersion) return { steps: [], state, resync: false };
  if (version === state.lastVersion + 1 && state.held === undefined) {
    const step = release(state, change);
    return { steps: [step], state: step.state, resync: false };
  }
  // A hole: keep what came, release what follows on, and read the cache for the rest.
  const drained = drain(hold(state, change));
  return { steps: drained.steps, state: drained.state, resync: drained.hole };
};

/**
 * The cache answered a sync round (`before`: the last version when the round started; `missed`:
 * the frames after it, read when `needsMissed`, undefined when the cache no longer has them):
 * publish what the topic lacks up to `current`, then release the held changes that follow.
 */
export const synced = (
  state: Sequence,
  before: number,
  current: LiveAuction | undefined,
  missed: readonly AuctionUpdated[] | undefined,
): Moves & { readonly next: AfterRead } => {
  const caught = catchUp(state, current, missed);
  const drained = drain(caught.state);
  const after = drained.state;
  // A hole left although this read brought nothing new: the cache is behind what the feed
  // announced (a stale read). Read again later rather than spin.
  const next: AfterRead = drained.hole && after.lastVersion === before && !after.syncAgain ? 'retry'
    : after.syncAgain || drained.hole ? 'again' : 'done';
  return { steps: [...caught.steps, ...drained.steps], state: after, next };
};

/** How a socket holding `sinceVersion` (undefined: nothing) joins now. */
export const admission = (state: Sequence, sinceVersion: number | undefined): Admission => {
  if (state.latest === undefined) return UNKNOWN;
  if (sinceVersion === undefined) return SNAPSHOT;
  if (sinceVersion > state.lastVersion) return AHEAD;
  const texts = framesFrom(state, sinceVersion, NOTHING_FETCHED);
  return texts === undefined ? HISTORY : { kind: 'frames', texts };
};

/**
 * Once the cache's history (`frames`, undefined when the read failed) is back: how each socket
 * that waited for it joins, from those frames and the ring (what was published meanwhile), or a
 * snapshot when a version is missing.
 */
export const historyAdmission = (state: Sequence, frames: readonly AuctionUpdated[] | undefined): (sinceVersion: number) => Admission => {
  if (frames === undefined) return () => SNAPSHOT;
  const fetched = new Map(frames.map((frame) => [frame.version, JSON.stringify(frame)] as const));
  return (sinceVersion) => {
    const texts = framesFrom(state, sinceVersion, fetched);
    return texts === undefined ? SNAPSHOT : { kind: 'frames', texts };
  };
};

/** The frames a ring holds, oldest first. */
export const ringFrames = (ring: Ring): readonly RingFrame[] =>
  ring.from === 0 && ring.to === ring.frames.length ? ring.frames : ring.frames.slice(ring.from, ring.to);

/** Drops the held changes (the relay stopped). */
export const withoutHeld = (state: Sequence): Sequence => withHeld(state, undefined);

// ---- inside --------------------------------------------------------------------------------

const UNKNOWN: Admission = { kind: 'unknown' };
const SNAPSHOT: Admission = { kind: 'snapshot' };
const AHEAD: Admission = { kind: 'ahead' };
const HISTORY: Admission = { kind: 'history' };
const NOTHING_FETCHED: ReadonlyMap<number, string> = new Map();
const NO_FRAMES: Ring = { frames: [], from: 0, to: 0 };

/** Holds a change; past `maxHeld`, the oldest go (trimmed in batches, so holding stays O(1) amortised). */
const hold = (state: Sequence, change: LiveChange): Sequence => {
  const held: Held = { change, older: state.held, count: (state.held?.count ?? 0) + 1 };
  return withHeld(state, held.count > 2 * state.maxHeld ? heldOf(newestHeld(held, state.maxHeld)) : held);
};

/** The newest `limit` held changes, oldest first (in the order they were held). */
const newestHeld = (held: Held | undefined, limit: number): LiveChange[] => {
  const changes: LiveChange[] = [];
  for (let h = held; h !== undefined && changes.length < limit; h = h.older) changes.push(h.change);
  return changes.reverse();
};

/** Holds these changes, in this order. */
const heldOf = (changes: readonly LiveChange[]): Held | undefined => {
  let held: Held | undefined;
  for (const change of changes) held = { change, older: held, count: (held?.count ?? 0) + 1 };
  return held;
};

/** Publishes the next version. */
const release = (state: Sequence, change: LiveChange): Step => {
  const frame = updateOf(change.frame);
  return { publish: [frame], state: movedTo(state, change.auction, frame.version, remember(state, frame)), firstKnown: state.latest === undefined };
};

/** Publishes these changes, the versions that follow the last one, one step each (their rings share one array). */
const releaseAll = (state: Sequence, changes: readonly LiveChange[]): Step[] => {
  const frames = changes.map((change) => updateOf(change.frame));
  const all = ringFrames(state.ring).concat(frames);
  const base = all.length - frames.length;
  let at = state;
  return changes.map((change, i) => {
    const to = base + i + 1;
    const ring: Ring = { frames: all, from: Math.max(0, to - state.ringLength), to };
    const step: Step = { publish: [frames[i]!], state: movedTo(at, change.auction, frames[i]!.version, ring), firstKnown: at.latest === undefined };
    at = step.state;
    return step;
  });
};

/** A frame to publish as it is (and to keep in the ring: a publication is a ring frame). */
const updateOf = (frame: AuctionUpdated): Publication & RingFrame => ({ kind: 'auction.updated', version: frame.version, text: JSON.stringify(frame) });

/** The ring with one more frame (one copy of at most `ringLength` frames). */
const remember = (state: Sequence, frame: RingFrame): Ring => {
  const { frames, to } = state.ring;
  if (state.ringLength <= 0) return NO_FRAMES;
  const kept = frames.slice(Math.max(state.ring.from, to + 1 - state.ringLength), to);
  kept.push(frame);
  return { frames: kept, from: 0, to: kept.length };
};

/** Releases the held changes in version order; `hole` when one is missing (a change was lost: read the cache). */
const drain = (state: Sequence): Moves & { readonly hole: boolean } => {
  if (state.held === undefined) return { steps: [], state, hole: false };
  const held = newestHeld(state.held, state.maxHeld).sort((a, b) => a.frame.version - b.frame.version);
  const following: LiveChange[] = [];
  let last = state.lastVersion;
  let left: LiveChange[] = [];
  for (let i = 0; i < held.length; i++) {
    const change = held[i]!;
    const version = change.frame.version;
    if (version <= last) continue;
    if (version !== last + 1) {
      left = held.slice(i);
      break;
    }
    following.push(change);
    last = version;
  }
  const steps = releaseAll(withHeld(state, undefined), following);
  const released = steps[steps.length - 1]?.state ?? state;
  return { steps, state: withHeld(released, heldOf(left)), hole: left.length > 0 };
};

/** What the topic lacks up to `current`: the missed frames, or a snapshot when they are gone. */
const catchUp = (state: Sequence, current: LiveAuction | undefined, missed: readonly AuctionUpdated[] | undefined): Moves => {
  if (current === undefined || current.version <= state.lastVersion) return { steps: [], state };
  let publish: Publication[] = [];
  let ring: Ring = state.ring;
  if (state.latest !== undefined) {
    const through = (missed ?? []).filter((frame) => frame.version <= current.version);
    const complete = missed !== undefined && through.length === current.version - state.lastVersion
      && through.every((frame, i) => frame.version === state.lastVersion + 1 + i);
    if (complete) {
      const frames = through.map(updateOf);
      publish = frames;
      const all = ringFrames(state.ring).concat(frames);
      ring = { frames: all, from: Math.max(0, all.length - state.ringLength), to: all.length };
    } else {
      publish = [{ kind: 'snapshot', auction: current }];
      ring = NO_FRAMES;
    }
  }
  const after = movedTo(state, current, current.version, ring);
  return { steps: [{ publish, state: after, firstKnown: false }], state: after };
};

// The two changes on the path of every change are written out whole: one object shape, and
// cheaper than a spread (which doubled the relay's CPU per change).

/** `state` at a new version. */
const movedTo = (state: Sequence, latest: LiveAuction, lastVersion: number, ring: Ring): Sequence => ({
  phase: state.phase, syncAgain: state.syncAgain, latest, lastVersion, ring, ringLength: state.ringLength, held: state.held, maxHeld: state.maxHeld,
});

/** `state` holding other changes. */
const withHeld = (state: Sequence, held: Held | undefined): Sequence => ({
  phase: state.phase, syncAgain: state.syncAgain, latest: state.latest, lastVersion: state.lastVersion, ring: state.ring,
  ringLength: state.ringLength, held, maxHeld: state.maxHeld,
});

/** The texts of versions sinceVersion+1..lastVersion from `fetched` and the ring, or undefined when one is missing. */
const framesFrom = (state: Sequence, sinceVersion: number, fetched: ReadonlyMap<number, string>): string[] | undefined => {
  const { frames, from, to } = state.ring;
  const first = from < to ? frames[from]!.version : undefined;
  const texts: string[] = [];
  for (let version = sinceVersion + 1; version <= state.lastVersion; version++) {
    const at = first !== undefined && version >= first ? from + version - first : undefined;
    const text = at === undefined ? fetched.get(version) : at < to ? frames[at]!.text : undefined;
    if (text === undefined) return undefined;
    texts.push(text);
  }
  return texts;
};
