// One auction's feed on one realtime node: a single subscription to the live feed shared by every
// local socket watching the auction, the sockets joining and leaving it, and the timers and cache
// reads around them. What to publish, and how a socket joins, is decided by the pure sequencer
// (relay-sequencer.ts); this class does the I/O and applies its decisions in order.
//
// The relay publishes each change once to the auction's topic, in version order; its `Sequence`
// holds the state at the last version it published (`latest`, `lastVersion`) and the latest
// frames (`ring`). Its invariant: a socket that has joined has received exactly the versions up to
// `lastVersion` (a snapshot, or the frames after its `sinceVersion`), and receives every later
// version from the topic. A join runs synchronously (send what the socket lacks up to
// `lastVersion`, then subscribe it to the topic), so no publish can fall between the two; when it
// needs history the node does not hold, it fetches it first and completes the join synchronously
// once the fetch returns, from the fetched frames and those published meanwhile. Sockets waiting
// for a version join right after the step that publishes it.
//
// The feed is subscribed before the cache is read (changes arriving meanwhile are held), so no
// change can slip between the read and the subscription. A version that does not follow
// `lastVersion` (pub/sub lost a message), or the feed reconnecting, makes the relay re-read the
// cache, which the sequencer turns into what the topic missed, or a fresh snapshot.
import type { LiveChange, LiveFeed } from '../contracts/index.js';
import type { Logger } from '../infra/index.js';
import type { ErrorCode } from './server-frames.js';
import { snapshotText } from './server-frames.js';
import type { Admission, AfterRead, Publication, Sequence, Step } from './relay-sequencer.js';
import { admission, historyAdmission, needsMissed, newSequence, readStarted, receive, requestSync, subscribed, syncEnded, synced, withoutHeld } from './relay-sequencer.js';

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

/** The state of every joined member: one object for all of them. */
const JOINED: MemberState = { kind: 'joined' };
const RESYNC_RETRY_MAX_MS = 5_000;

export class AuctionRelay {
  readonly auctionId: string;
  readonly topic: string;
  /** Where the relay is in the auction's versions (and the changes it holds back). */
  private seq: Sequence;
  private readonly members = new Map<RelayMember, MemberState>();
  /**
   * The members not joined yet (waiting, fetching, ahead), in the order they got there: what each
   * change or read looks through for sockets to let in, so that a change costs nothing per joined
   * socket (their frame goes out as one publish).
   */
  private readonly notJoined = new Set<RelayMember>();
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
    this.seq = newSequence({ ringLength: options.ringLength });
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
    this.seq = subscribed(this.seq);
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
    return this.seq.lastVersion;
  }

  /** Adds a socket (again, when it already was a member: a resubscription starts over). */
  join(member: RelayMember, sinceVersion: number | undefined): void {
    if (this.stopped) throw new Error('join on a stopped relay');
    if (this.members.has(member)) this.forget(member);
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
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
    this.seq = withoutHeld(this.seq);
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
    const moves = receive(this.seq, change);
    this.take(moves.steps);
    this.seq = moves.state;
    if (moves.resync) void this.resync();
  }

  /** Publishes each step's frames, then lets in the sockets waiting for the version it reached. */
  private take(steps: readonly Step[]): void {
    for (const step of steps) {
      for (const publication of step.publish) this.options.publish(this.topic, this.textOf(publication), publication.kind);
      this.seq = step.state;
      if (step.firstKnown) this.admitWaiting();
      this.admitAhead();
    }
  }

  private textOf(publication: Publication): string {
    return publication.kind === 'snapshot' ? snapshotText(publication.auction, this.options.now()) : publication.text;
  }

  /**
   * Reads the cache and brings the topic up to it: on start, after a gap, after the feed
   * reconnected. One at a time; a request during a run makes it run again.
   */
  private async resync(): Promise<void> {
    if (this.stopped) return;
    const request = requestSync(this.seq);
    this.seq = request.state;
    if (!request.run) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    let next: AfterRead;
    try {
      do {
        this.seq = readStarted(this.seq);
        if (this.readOnce) this.options.onResync?.();
        const before = this.seq.lastVersion;
        const current = await this.read('resync', () => this.options.feed.current(this.auctionId));
        const since = this.seq.lastVersion;
        const missed = needsMissed(this.seq, current)
          ? await this.read('resync', () => this.options.feed.framesAfter(this.auctionId, since))
          : [];
        if (this.stopped) return;
        this.readOnce = true;
        const moves = synced(this.seq, before, current, missed);
        this.take(moves.steps);
        this.seq = moves.state;
        next = moves.next;
      } while (next === 'again' && !this.stopped);
      if (next !== 'retry') this.retryDelayMs = this.options.retryDelayMs ?? 100;
    } catch (err) {
      this.options.logger.warn({ err, auctionId: this.auctionId }, 'realtime: reading the live cache failed');
      if (!this.readOnce) {
        this.seq = syncEnded(this.seq);
        this.failAll('LIVE_FEED_UNAVAILABLE', 'the live feed is unavailable; subscribe again later');
        await this.stop();
        return;
      }
      // The sockets keep what they have; changes keep being buffered until a read succeeds.
      next = 'retry';
    } finally {
      this.seq = syncEnded(this.seq);
    }
    if (this.stopped) return;
    if (next === 'retry') {
      this.retryTimer = setTimeout(() => void this.resync(), this.retryDelayMs);
      this.retryDelayMs = Math.min(this.retryDelayMs * 2, RESYNC_RETRY_MAX_MS);
    }
    if (this.seq.latest !== undefined) this.admitWaiting();
    this.idleCheck();
  }

  // ---- sockets joining ------------------------------------------------------------------------

  /** Joins a socket as the sequencer says: synchronously, unless it waits (for the auction, its version or history). */
  private admit(member: RelayMember, sinceVersion: number | undefined): void {
    const how = admission(this.seq, sinceVersion);
    switch (how.kind) {
      case 'unknown': {
        const timer = setTimeout(() => this.notFound(member), this.options.notFoundGraceMs);
        this.setState(member, { kind: 'waiting', sinceVersion, timer });
        return;
      }
      case 'ahead': {
        const timer = setTimeout(() => this.aheadTimedOut(member), this.options.aheadWaitMs);
        this.setState(member, { kind: 'ahead', sinceVersion: sinceVersion!, timer });
        return;
      }
      case 'history':
        this.setState(member, { kind: 'fetching', sinceVersion: sinceVersion! });
        this.fetchHistory();
        return;
      default:
        this.joinAs(member, how);
    }
  }

  /** Sends a snapshot or the frames the socket lacks, then subscribes it to the topic. */
  private joinAs(member: RelayMember, how: Admission): void {
    const texts = how.kind === 'frames' ? how.texts : [snapshotText(this.seq.latest!, this.options.now())];
    this.setState(member, JOINED);
    if (texts.length > 0) member.send(texts);
    member.joinTopic(this.topic);
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
      const resume = historyAdmission(this.seq, frames);
      for (const [member, state] of this.pendingStates()) {
        if (state.kind !== 'fetching' || state.sinceVersion < since) continue;
        this.joinAs(member, resume(state.sinceVersion));
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
      if (state.kind !== 'ahead' || state.sinceVersion > this.seq.lastVersion) continue;
      clearTimeout(state.timer);
      this.admit(member, state.sinceVersion);
    }
  }

  private aheadTimedOut(member: RelayMember): void {
    if (this.stopped || this.members.get(member)?.kind !== 'ahead') return;
    this.joinAs(member, { kind: 'snapshot' });
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
    const linger = this.seq.latest === undefined ? 0 : this.options.lingerMs;
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
