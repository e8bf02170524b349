// One auction's feed on one realtime node: a single subscription to the live feed shared by every
// local socket watching the auction, and the order in which sockets join it.
//
// The relay publishes each change once to the auction's topic, in version order, and remembers
// the state at the last version it published (`latest`, `lastVersion`) and the latest frames
// (`ring`). Its invariant: a socket that has joined has received exactly the versions up to
// `lastVersion` (a snapshot, or the frames after its `sinceVersion`), and receives every later
// version from the topic. A join runs synchronously (send what the socket lacks up to
// `lastVersion`, then subscribe it to the topic), so no publish can fall between the two; when it
// needs history the node does not hold, it fetches it first and completes the join synchronously
// once the fetch returns, from the fetched frames and those published meanwhile.
//
// The feed is subscribed before the cache is read (changes arriving meanwhile are buffered), so no
// change can slip between the read and the subscription. A version that does not follow
// `lastVersion` (pub/sub lost a message, or the feed reconnected) makes the relay re-read the
// cache and publish what the topic missed, or a fresh snapshot when the history is gone.
import type { AuctionUpdated, LiveAuction, LiveChange, LiveFeed } from '../domain/index.js';
import type { Logger } from '../infra/index.js';
import type { ErrorCode } from './server-frames.js';
import { snapshotText } from './server-frames.js';

/** What the relay needs from a socket. Calls after the socket closed are ignored by the socket. */
export interface RelayMember {
  /** Sends these texts, in order, directly to the socket. */
  send(texts: readonly string[]): void;
  /** From now on the socket receives what is published on `topic`. */
  joinTopic(topic: string): void;
  leaveTopic(topic: string): void;
  /** The subscription failed: the socket is told, and forgets it (the relay already did). */
  failed(auctionId: string, code: ErrorCode, message: string): void;
}

export interface RelayOptions {
  readonly auctionId: string;
  readonly feed: LiveFeed;
  /** Publishes a text to every socket on `topic` (uWS app.publish). `kind` is for metrics. */
  readonly publish: (topic: string, text: string, kind: 'auction.updated' | 'snapshot') => void;
  readonly now: () => number;
  readonly logger: Logger;
  /** Frames kept in memory for resuming sockets (beyond them, the cache's history is read). */
  readonly ringLength: number;
  /** How long a subscription to an auction the cache does not know waits for it to appear. */
  readonly notFoundGraceMs: number;
  /** How long a socket that claims a version the node has not reached waits before it gets a snapshot. */
  readonly aheadWaitMs: number;
  /** How long the relay stays subscribed after its last socket left (0: unsubscribe at once). */
  readonly lingerMs: number;
  /** Called once the relay has stopped (the registry forgets it). */
  readonly onStopped: (relay: AuctionRelay) => void;
  /** First delay before reading the cache again after a failed or stale read (doubles up to 5 s). */
  readonly retryDelayMs?: number;
  /** Called each time the relay re-reads the cache after a gap. */
  readonly onResync?: () => void;
  /** Told when a cache read starts and when it has settled (metrics, and the bound on pending reads). */
  readonly reads?: CacheReadObserver;
}

/** What the relay reads from the cache: the auction's state and what the relay missed (start, resync), or the frames history of resuming sockets. */
export type CacheReadKind = 'resync' | 'history';

export interface CacheReadObserver {
  started(kind: CacheReadKind): void;
  settled(kind: CacheReadKind): void;
}

type MemberState =
  /** The relay has no state yet (starting, or the cache does not know the auction). */
  | { readonly kind: 'waiting'; readonly sinceVersion: number | undefined; readonly timer: NodeJS.Timeout }
  /** Fetching the frames after `sinceVersion` from the cache. */
  | { readonly kind: 'fetching'; readonly sinceVersion: number }
  /** The socket holds a version the relay has not published yet: it joins when the relay gets there. */
  | { readonly kind: 'ahead'; readonly sinceVersion: number; readonly timer: NodeJS.Timeout }
  | { readonly kind: 'joined' };

interface RingFrame {
  readonly version: number;
  readonly text: string;
}

/** The state of every joined member: one object for all of them. */
const JOINED: MemberState = { kind: 'joined' };
const RESYNC_RETRY_MAX_MS = 5_000;
const MAX_BUFFERED = 10_000;

export class AuctionRelay {
  readonly auctionId: string;
  readonly topic: string;
  private latest: LiveAuction | undefined;
  private lastVersion = 0;
  private ring: RingFrame[] = [];
  private readonly members = new Map<RelayMember, MemberState>();
  /**
   * The members not joined yet (waiting, fetching, ahead), in the order they got there: what each
   * change or read looks through for sockets to let in, so that a change costs nothing per joined
   * socket (their frame goes out as one publish).
   */
  private readonly notJoined = new Set<RelayMember>();
  /** Changes received while the cache is being read, released in order afterwards. */
  private buffer: LiveChange[] = [];
  private subscribed = false;
  private syncing = false;
  private syncAgain = false;
  /** Whether the cache has been read once (until then, an auction it lacks may just not be read yet). */
  private readOnce = false;
  private retryDelayMs: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;
  private stopped = false;
  /** Until the first read of the cache has settled. */
  private starting = true;
  /** The history read in flight (one at a time; sockets resuming meanwhile wait for it or the next one). */
  private historyFrom: number | undefined;
  /** Cache reads in flight (at most one of each kind). */
  private pending = 0;

  constructor(private readonly options: RelayOptions) {
    this.auctionId = options.auctionId;
    this.topic = `auction:${options.auctionId}`;
    this.retryDelayMs = options.retryDelayMs ?? 100;
  }

  /** Subscribes to the feed, then reads the cache. Never rejects: failures are told to the members. */
  async start(): Promise<void> {
    try {
      const unsubscribe = await this.options.feed.subscribe(this.auctionId, (change) => this.onChange(change), () => void this.resync());
      if (this.stopped) {
        await unsubscribe();
        return;
      }
      this.unsubscribe = unsubscribe;
    } catch (err) {
      this.options.logger.warn({ err, auctionId: this.auctionId }, 'realtime: cannot subscribe to the live feed');
      this.starting = false;
      this.failAll('LIVE_FEED_UNAVAILABLE', 'the live feed is unavailable; subscribe again later');
      await this.stop();
      return;
    }
    this.subscribed = true;
    await this.resync();
    this.starting = false;
    this.idleCheck();
  }

  get memberCount(): number {
    return this.members.size;
  }

  /** Cache reads in flight for this auction: at most 2 (its state, and one frames history). */
  get pendingReads(): number {
    return this.pending;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** The version the relay has published up to (0 before it knows the auction). */
  get version(): number {
    return this.lastVersion;
  }

  /** Adds a socket (again, when it already was a member: a resubscription starts over). */
  join(member: RelayMember, sinceVersion: number | undefined): void {
    if (this.stopped) throw new Error('join on a stopped relay');
    if (this.members.has(member)) this.forget(member);
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    if (this.latest === undefined) {
      const timer = setTimeout(() => this.notFound(member), this.options.notFoundGraceMs);
      this.setState(member, { kind: 'waiting', sinceVersion, timer });
      return;
    }
    this.admit(member, sinceVersion);
  }

  leave(member: RelayMember): void {
    if (!this.members.has(member)) return;
    this.forget(member);
    this.idleCheck();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.lingerTimer);
    clearTimeout(this.retryTimer);
    for (const state of this.members.values()) if (state.kind === 'waiting' || state.kind === 'ahead') clearTimeout(state.timer);
    this.members.clear();
    this.notJoined.clear();
    this.buffer = [];
    this.options.onStopped(this);
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    if (unsubscribe !== undefined) {
      await unsubscribe().catch((err: unknown) => this.options.logger.warn({ err, auctionId: this.auctionId }, 'realtime: unsubscribing failed'));
    }
  }

  // ---- changes from the feed ----------------------------------------------------------------

  private onChange(change: LiveChange): void {
    if (this.stopped) return;
    if (!this.subscribed || this.syncing) {
      this.hold(change);
      return;
    }
    const version = change.frame.version;
    if (version <= this.lastVersion) return;
    if (version === this.lastVersion + 1 && this.buffer.length === 0) {
      this.release(change);
      return;
    }
    // A hole: keep what came, release what follows on, and read the cache for the rest.
    this.hold(change);
    if (this.drainBuffer()) void this.resync();
  }

  /** Buffers a change; the oldest go first past the bound (the resync then recovers them from the cache). */
  private hold(change: LiveChange): void {
    this.buffer.push(change);
    if (this.buffer.length > MAX_BUFFERED) this.buffer.splice(0, this.buffer.length - MAX_BUFFERED);
  }

  /** Publishes the next version to the topic, and lets in the sockets that were waiting for it. */
  private release(change: LiveChange): void {
    const wasUnknown = this.latest === undefined;
    this.latest = change.auction;
    this.lastVersion = change.frame.version;
    const text = JSON.stringify(change.frame);
    this.options.publish(this.topic, text, 'auction.updated');
    this.remember({ version: this.lastVersion, text });
    if (wasUnknown) this.admitWaiting();
    this.admitAhead();
  }

  private remember(frame: RingFrame): void {
    this.ring.push(frame);
    if (this.ring.length > this.options.ringLength) this.ring.splice(0, this.ring.length - this.options.ringLength);
  }

  /**
   * Reads the cache and brings the topic up to it: on start, after a gap, after the feed
   * reconnected. One at a time; a request during a run makes it run again.
   */
  private async resync(): Promise<void> {
    if (this.stopped || !this.subscribed) return;
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    let retry = false;
    try {
      let holeLeft = false;
      do {
        this.syncAgain = false;
        if (this.readOnce) this.options.onResync?.();
        const before = this.lastVersion;
        const current = await this.read('resync', () => this.options.feed.current(this.auctionId));
        const missed = current !== undefined && this.latest !== undefined && current.version > this.lastVersion
          ? await this.read('resync', () => this.options.feed.framesAfter(this.auctionId, this.lastVersion))
          : [];
        if (this.stopped) return;
        this.readOnce = true;
        this.catchUp(current, missed);
        holeLeft = this.drainBuffer();
        // A hole left although this read brought nothing new: the cache is behind what the feed
        // announced (a stale read). Read again later rather than spin.
        if (holeLeft && this.lastVersion === before && !this.syncAgain) {
          retry = true;
          break;
        }
      } while ((this.syncAgain || holeLeft) && !this.stopped);
      if (!retry) this.retryDelayMs = this.options.retryDelayMs ?? 100;
    } catch (err) {
      this.options.logger.warn({ err, auctionId: this.auctionId }, 'realtime: reading the live cache failed');
      if (!this.readOnce) {
        this.syncing = false;
        this.failAll('LIVE_FEED_UNAVAILABLE', 'the live feed is unavailable; subscribe again later');
        await this.stop();
        return;
      }
      // The sockets keep what they have; changes keep being buffered until a read succeeds.
      retry = true;
    } finally {
      this.syncing = false;
    }
    if (this.stopped) return;
    if (retry) {
      this.retryTimer = setTimeout(() => void this.resync(), this.retryDelayMs);
      this.retryDelayMs = Math.min(this.retryDelayMs * 2, RESYNC_RETRY_MAX_MS);
    }
    if (this.latest !== undefined) this.admitWaiting();
    this.idleCheck();
  }

  /** Publishes what the topic lacks up to `current`: the missed frames, or a snapshot when they are gone. */
  private catchUp(current: LiveAuction | undefined, missed: readonly AuctionUpdated[] | undefined): void {
    if (current === undefined || current.version <= this.lastVersion) return;
    if (this.latest !== undefined) {
      const through = (missed ?? []).filter((frame) => frame.version <= current.version);
      const complete = missed !== undefined && through.length === current.version - this.lastVersion
        && through.every((frame, i) => frame.version === this.lastVersion + 1 + i);
      if (complete) {
        for (const frame of through) {
          const text = JSON.stringify(frame);
          this.options.publish(this.topic, text, 'auction.updated');
          this.remember({ version: frame.version, text });
        }
      } else {
        this.options.publish(this.topic, snapshotText(current, this.options.now()), 'snapshot');
        this.ring = [];
      }
    }
    this.latest = current;
    this.lastVersion = current.version;
    this.admitAhead();
  }

  /** Releases buffered changes in order; true when a hole is left (a change was lost: read the cache). */
  private drainBuffer(): boolean {
    const buffered = this.buffer.sort((a, b) => a.frame.version - b.frame.version);
    this.buffer = [];
    for (let i = 0; i < buffered.length; i++) {
      const change = buffered[i]!;
      const version = change.frame.version;
      if (version <= this.lastVersion) continue;
      if (version !== this.lastVersion + 1) {
        this.buffer = buffered.slice(i);
        return true;
      }
      this.release(change);
    }
    return false;
  }

  // ---- sockets joining ------------------------------------------------------------------------

  /** Joins a socket now that the relay has a state. Synchronous unless history must be fetched. */
  private admit(member: RelayMember, sinceVersion: number | undefined): void {
    const latest = this.latest!;
    if (sinceVersion === undefined) {
      this.joinWith(member, [snapshotText(latest, this.options.now())]);
      return;
    }
    if (sinceVersion === this.lastVersion) {
      this.joinWith(member, []);
      return;
    }
    if (sinceVersion > this.lastVersion) {
      const timer = setTimeout(() => this.aheadTimedOut(member), this.options.aheadWaitMs);
      this.setState(member, { kind: 'ahead', sinceVersion, timer });
      return;
    }
    const fromRing = this.framesFrom(sinceVersion, new Map());
    if (fromRing !== undefined) {
      this.joinWith(member, fromRing);
      return;
    }
    this.setState(member, { kind: 'fetching', sinceVersion });
    this.fetchHistory();
  }

  private joinWith(member: RelayMember, texts: readonly string[]): void {
    this.setState(member, JOINED);
    if (texts.length > 0) member.send(texts);
    member.joinTopic(this.topic);
  }

  /** The texts of versions sinceVersion+1..lastVersion from `fetched` and the ring, or undefined when one is missing. */
  private framesFrom(sinceVersion: number, fetched: ReadonlyMap<number, string>): string[] | undefined {
    const first = this.ring[0]?.version;
    const texts: string[] = [];
    for (let version = sinceVersion + 1; version <= this.lastVersion; version++) {
      const text = first !== undefined && version >= first ? this.ring[version - first]?.text : fetched.get(version);
      if (text === undefined) return undefined;
      texts.push(text);
    }
    return texts;
  }

  /**
   * Reads the frames history for the sockets waiting for it: one read per auction at a time, from
   * the oldest version they hold, whatever their number. A socket that asks for older history
   * while a read is in flight waits for the next one; a socket that left is simply not waited for.
   */
  private fetchHistory(): void {
    if (this.historyFrom !== undefined || this.stopped) return;
    let from: number | undefined;
    for (const member of this.notJoined) {
      const state = this.members.get(member)!;
      if (state.kind === 'fetching') from = Math.min(from ?? state.sinceVersion, state.sinceVersion);
    }
    if (from === undefined) return;
    const since = from;
    this.historyFrom = since;
    void this.read('history', () => this.options.feed.framesAfter(this.auctionId, since)).then(
      (frames) => frames,
      (err: unknown) => {
        this.options.logger.warn({ err, auctionId: this.auctionId }, 'realtime: reading the frames history failed');
        return undefined;
      },
    ).then((frames) => {
      this.historyFrom = undefined;
      if (this.stopped) return;
      const fetched = new Map((frames ?? []).map((frame) => [frame.version, JSON.stringify(frame)] as const));
      for (const [member, state] of this.pendingStates()) {
        if (state.kind !== 'fetching' || state.sinceVersion < since) continue;
        const texts = frames === undefined ? undefined : this.framesFrom(state.sinceVersion, fetched);
        this.joinWith(member, texts ?? [snapshotText(this.latest!, this.options.now())]);
      }
      // Sockets that asked for older history meanwhile.
      this.fetchHistory();
      this.idleCheck();
    });
  }

  /** Runs one cache read, counted while it is in flight. */
  private async read<T>(kind: CacheReadKind, run: () => Promise<T>): Promise<T> {
    this.pending += 1;
    this.options.reads?.started(kind);
    try {
      return await run();
    } finally {
      this.pending -= 1;
      this.options.reads?.settled(kind);
    }
  }

  private admitWaiting(): void {
    for (const [member, state] of this.pendingStates()) {
      if (state.kind !== 'waiting') continue;
      clearTimeout(state.timer);
      this.admit(member, state.sinceVersion);
    }
  }

  /** Sockets ahead of the relay join once it reaches their version (after a jump past it, with what they lack). */
  private admitAhead(): void {
    for (const [member, state] of this.pendingStates()) {
      if (state.kind !== 'ahead' || state.sinceVersion > this.lastVersion) continue;
      clearTimeout(state.timer);
      this.admit(member, state.sinceVersion);
    }
  }

  private aheadTimedOut(member: RelayMember): void {
    if (this.stopped || this.members.get(member)?.kind !== 'ahead') return;
    this.joinWith(member, [snapshotText(this.latest!, this.options.now())]);
  }

  private notFound(member: RelayMember): void {
    const state = this.members.get(member);
    if (this.stopped || state?.kind !== 'waiting') return;
    if (!this.readOnce) {
      // The cache has not answered yet: it is not known to lack the auction.
      this.setState(member, { ...state, timer: setTimeout(() => this.notFound(member), this.options.notFoundGraceMs) });
      return;
    }
    this.deleteState(member);
    member.failed(this.auctionId, 'AUCTION_NOT_FOUND', `auction ${this.auctionId} does not exist`);
    this.idleCheck();
  }

  private setState(member: RelayMember, state: MemberState): void {
    this.members.set(member, state);
    if (state.kind === 'joined') this.notJoined.delete(member);
    else this.notJoined.add(member);
  }

  private deleteState(member: RelayMember): void {
    this.members.delete(member);
    this.notJoined.delete(member);
  }

  /** The members not joined yet with their states, copied (letting one in changes the set). */
  private pendingStates(): [RelayMember, MemberState][] {
    return [...this.notJoined].map((member) => [member, this.members.get(member)!]);
  }

  // ---- leaving --------------------------------------------------------------------------------

  private forget(member: RelayMember): void {
    const state = this.members.get(member);
    if (state === undefined) return;
    if (state.kind === 'waiting' || state.kind === 'ahead') clearTimeout(state.timer);
    this.deleteState(member);
    if (state.kind === 'joined') member.leaveTopic(this.topic);
  }

  private failAll(code: ErrorCode, message: string): void {
    const members = [...this.members.keys()];
    for (const member of members) this.forget(member);
    for (const member of members) member.failed(this.auctionId, code, message);
  }

  /**
   * With no socket left, the relay stops: at once when the auction is unknown, else after
   * `lingerMs`, and never while a read of its own is in flight (a socket subscribing again
   * meanwhile finds it, instead of a second relay reading the same auction).
   */
  private idleCheck(): void {
    if (this.members.size > 0 || this.stopped || this.lingerTimer !== undefined) return;
    if (this.starting || this.pending > 0) return; // checked again once the read has settled
    const linger = this.latest === undefined ? 0 : this.options.lingerMs;
    if (linger <= 0) {
      void this.stop();
      return;
    }
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = undefined;
      if (this.members.size === 0) void this.stop();
    }, linger);
  }
}
