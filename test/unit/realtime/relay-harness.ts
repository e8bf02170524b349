// A harness for the auction relay without sockets: members that record what they receive (direct
// sends and what is published on the topics they joined, like uWS topics), and a live feed over the
// in-memory cache whose reads and deliveries a test can hold back, drop or reorder.
import { randomUUID } from 'node:crypto';
import type { AuctionUpdated, RecordedEvent } from '../../../domain/index.js';
import type { LiveAuction, LiveChange, LiveFeed } from '../../../contracts/index.js';
import { createLogger } from '../../../infra/index.js';
import { MemoryLiveCache } from '../../../projections/index.js';
import type { ErrorCode } from '../../../realtime/server-frames.js';
import { AuctionRelay } from '../../../realtime/auction-relay.js';
import type { RelayMember, RelayOptions } from '../../../realtime/auction-relay.js';
import { AuctionStream } from '../../support/live-events.js';
import { pseudonym } from '../../contract/live-cache.contract.js';

export type Received =
  | { readonly kind: 'snapshot'; readonly version: number }
  | { readonly kind: 'update'; readonly version: number }
  | { readonly kind: 'joined'; readonly sinceVersion: number | undefined };

export class FakeMember implements RelayMember {
  readonly received: Received[] = [];
  readonly errors: { auctionId: string; code: ErrorCode }[] = [];
  readonly topics = new Set<string>();

  constructor(readonly name: string) {}

  send(texts: readonly string[]): void {
    for (const text of texts) this.receive(text);
  }

  receive(text: string): void {
    const frame = JSON.parse(text) as { type: string; version?: number; auction?: { version: number } };
    if (frame.type === 'snapshot') this.received.push({ kind: 'snapshot', version: frame.auction!.version });
    else if (frame.type === 'auction.updated') this.received.push({ kind: 'update', version: frame.version! });
    else throw new Error(`unexpected frame ${text}`);
  }

  joinTopic(topic: string): void {
    this.topics.add(topic);
  }

  leaveTopic(topic: string): void {
    this.topics.delete(topic);
  }

  failed(auctionId: string, code: ErrorCode): void {
    this.errors.push({ auctionId, code });
  }

  /** What it received, compactly: 's5' for a snapshot at 5, 'u6' for an update to 6. */
  get trace(): string[] {
    return this.received.filter((r) => r.kind !== 'joined').map((r) => (r.kind === 'snapshot' ? `s${r.version}` : `u${(r as { version: number }).version}`));
  }

  /** The version this member holds after its latest join (undefined when it has received nothing since). */
  get heldVersion(): number | undefined {
    let held: number | undefined;
    for (const r of this.received) {
      if (r.kind === 'joined') held = r.sinceVersion;
      else held = r.version;
    }
    return held;
  }
}

/** Resolves a read either now or when the test releases it. */
type Defer = <T>(read: () => T) => Promise<T>;

export class ControlledFeed implements LiveFeed {
  /** Reads wait for `releaseReads` while held. */
  private held: (() => void)[] | undefined;
  /** When set, every async step goes through this (fast-check's scheduler in property tests). */
  defer: Defer | undefined;
  /** Changes to drop before they reach the relay (a lost pub/sub message). */
  dropNext = 0;
  subscribeFails = false;
  /** Reads take their value when called (true) or when released (false): both happen with Redis. */
  readAtCall = false;
  readsFail = false;
  /** Reads asked for so far, by method. */
  readonly calls = { current: 0, framesAfter: 0 };
  private readonly gaps = new Set<() => void>();

  constructor(readonly cache: MemoryLiveCache) {}

  holdReads(): void {
    this.held ??= [];
  }

  releaseReads(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const release of held) release();
  }

  private read<T>(read: () => T): Promise<T> {
    if (this.readsFail) return Promise.reject(new Error('feed down'));
    if (this.defer !== undefined) return this.defer(read);
    if (this.held !== undefined) {
      const held = this.held;
      return new Promise<T>((resolve) => held.push(() => resolve(read())));
    }
    return Promise.resolve().then(read);
  }

  current(auctionId: string): Promise<LiveAuction | undefined> {
    this.calls.current += 1;
    const now = this.readAtCall ? this.cache.current(auctionId) : undefined;
    return this.read(() => undefined).then(() => now ?? this.cache.current(auctionId));
  }

  framesAfter(auctionId: string, version: number): Promise<readonly AuctionUpdated[] | undefined> {
    this.calls.framesAfter += 1;
    const now = this.readAtCall ? this.cache.framesAfter(auctionId, version) : undefined;
    return this.read(() => undefined).then(() => now ?? this.cache.framesAfter(auctionId, version));
  }

  async subscribe(auctionId: string, onChange: (change: LiveChange) => void, onGap?: () => void): Promise<() => Promise<void>> {
    if (this.subscribeFails) throw new Error('cannot subscribe');
    const stop = await this.cache.subscribe(auctionId, (change) => {
      if (this.dropNext > 0) {
        this.dropNext -= 1;
        return;
      }
      onChange(change);
    });
    if (onGap !== undefined) this.gaps.add(onGap);
    return async () => {
      if (onGap !== undefined) this.gaps.delete(onGap);
      await stop();
    };
  }

  /** Tells the subscribers that messages may have been lost (as after a reconnection). */
  reportGap(): void {
    for (const gap of this.gaps) gap();
  }

  close(): Promise<void> {
    return this.cache.close();
  }
}

export interface HarnessOptions extends Partial<Omit<RelayOptions, 'feed' | 'auctionId' | 'publish' | 'onStopped'>> {
  readonly historyLength?: number;
}

export class RelayHarness {
  readonly cache: MemoryLiveCache;
  readonly feed: ControlledFeed;
  readonly stream = new AuctionStream(`relay-${randomUUID()}`);
  readonly relay: AuctionRelay;
  readonly members: FakeMember[] = [];
  stopped = false;

  constructor(options: HarnessOptions = {}) {
    this.cache = new MemoryLiveCache({ pseudonym, historyLength: options.historyLength ?? 256 });
    this.feed = new ControlledFeed(this.cache);
    this.relay = new AuctionRelay({
      auctionId: this.stream.auctionId,
      feed: this.feed,
      publish: (topic, text) => {
        for (const member of this.members) if (member.topics.has(topic)) member.receive(text);
      },
      now: () => Date.parse('2026-03-01T10:30:00.000Z'),
      logger: createLogger('silent'),
      ringLength: options.ringLength ?? 256,
      notFoundGraceMs: options.notFoundGraceMs ?? 60_000,
      aheadWaitMs: options.aheadWaitMs ?? 60_000,
      lingerMs: options.lingerMs ?? 0,
      retryDelayMs: options.retryDelayMs ?? 1,
      onStopped: () => {
        this.stopped = true;
      },
    });
  }

  get auctionId(): string {
    return this.stream.auctionId;
  }

  member(name = `m${this.members.length}`): FakeMember {
    const member = new FakeMember(name);
    this.members.push(member);
    return member;
  }

  join(member: FakeMember, sinceVersion?: number): void {
    member.received.push({ kind: 'joined', sinceVersion });
    this.relay.join(member, sinceVersion);
  }

  /** Projects events into the cache (its subscribers hear of each change as it is stored). */
  apply(events: readonly RecordedEvent[]): Promise<void> {
    return this.cache.apply(events, 'log', events[events.length - 1]!.position);
  }

  async version(): Promise<number> {
    return (await this.cache.current(this.auctionId))?.version ?? 0;
  }
}

/** Lets pending promise callbacks and immediate timers run. */
export const settle = async (rounds = 5): Promise<void> => {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
};
