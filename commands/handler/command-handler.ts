// The write path: load the auction, decide, append with the expected version; on a conflict,
// reload and decide again. Commands for one auction are serialised by the lock (in-process, and
// across processes by a Redis lease for auctions that saw a conflict, when configured), but the
// expected version is the fence.
// Commands queued behind a busy auction are decided together and share one append (group commit).
import * as E from 'fp-ts/lib/Either.js';
import type { AccountFacts, AuctionEvent, AuctionState, EventLog, NewEvent, RecordedEvent, Rejection, UnstampedCommand, UtcTimestamp } from '../../domain/index.js';
import { accountsToCheck, actingUserOf, currentSchemaVersion, decide, decideWithAccounts, evolve, fromMillis, reject, stamp, streamIdOf, unreadableParts } from '../../domain/index.js';
import type { AccountFactsSource } from './account-repository.js';
import type { AuctionLock } from '../locks/index.js';
import type { AuctionRepository, LoadedAuction } from './auction-repository.js';
import { decodeRecorded } from './auction-repository.js';
import { withLotFacts } from './lot-facts.js';
import { newEventsOf, type EventContext } from './new-events.js';

/** Who sent a command and how it is traced (the context its events carry). */
export type CommandContext = EventContext;

export interface Accepted {
  /** The events the command appended; empty when it was already in effect. */
  readonly events: readonly AuctionEvent[];
  readonly recorded: readonly RecordedEvent[];
  /** The stream version after the command. */
  readonly version: number;
  /** True when this command id had already been appended (a retry); nothing new was written. */
  readonly replayed: boolean;
  /** The auction after the command (as of `version`). */
  readonly state: AuctionState;
}

export interface RefusedAttempt {
  readonly command: UnstampedCommand;
  readonly rejection: Rejection;
  readonly serverTime: UtcTimestamp;
  readonly context: CommandContext;
}

export interface HandlerHooks {
  /** Called off the hot path for every refused command (the attempts log listens). */
  readonly refused?: (attempt: RefusedAttempt) => void;
  readonly conflict?: () => void;
}

export interface CommandHandlerOptions {
  readonly log: EventLog;
  readonly repository: AuctionRepository;
  /** Serialises the batches of one auction (commands/locks/); the append's expected version is the fence. */
  readonly lock: AuctionLock;
  /** The server's clock, stamped on every command. Default: the system clock. */
  readonly clock?: () => Date;
  readonly hooks?: HandlerHooks;
  /** How many times a batch is decided again after a conflict before giving up. Default 8. */
  readonly maxAttempts?: number;
  /** How many queued commands of one auction share one append. Default 64. */
  readonly maxBatch?: number;
  /**
   * The account facts (suspensions, sellers' block lists) the account rules decide with, read
   * from the account streams for each batch. Absent: no account rules (every user active).
   */
  readonly accounts?: AccountFactsSource;
}

export class ConcurrencyExhaustedError extends Error {}

/** An append that threw (as opposed to a conflict, which is an answer): `cause` is what the log threw. */
class AppendFailed extends Error {
  constructor(override readonly cause: unknown) {
    super('the append failed', { cause });
  }
}

type Outcome = E.Either<Rejection, Accepted>;

interface Pending {
  readonly command: UnstampedCommand;
  readonly context: CommandContext;
  readonly resolve: (outcome: Outcome) => void;
  readonly reject: (error: unknown) => void;
}

/** What one command of a batch came to, before the batch's append proves its base state current. */
type Decided =
  | { readonly kind: 'replayed'; readonly versions: readonly number[] }
  | { readonly kind: 'refused'; readonly rejection: Rejection }
  | { readonly kind: 'no-op'; readonly version: number; readonly state: AuctionState }
  | { readonly kind: 'events'; readonly events: readonly AuctionEvent[]; readonly newEvents: readonly NewEvent[]; readonly from: number; readonly state: AuctionState };

/** Default for how many queued commands of one auction share one append. */
const DEFAULT_MAX_BATCH = 64;
/** Default for how many times a batch is decided again after a conflict. */
const DEFAULT_MAX_ATTEMPTS = 8;

/**
 * Group commit per auction: commands for one auction queue up in this process; whoever holds the
 * auction's lock takes every queued command (up to `maxBatch`), decides them one after another,
 * each against the state its predecessors leave, and appends all their events in ONE append with
 * the expected version. A hot auction thus costs one commit per batch instead of one per bid, and
 * answers exactly as if the commands had run one by one in arrival order. A conflict (another
 * process appended) redoes the whole batch on the freshly loaded state.
 */
export class CommandHandler {
  private readonly queues = new Map<string, Pending[]>();
  /** Waiting for the handler to be idle (see `idle`). */
  private readonly idleWaiters: (() => void)[] = [];
  private readonly log: EventLog;
  private readonly repository: AuctionRepository;
  private readonly lock: AuctionLock;
  private readonly clock: () => Date;
  private readonly hooks: HandlerHooks;
  private readonly maxAttempts: number;
  private readonly maxBatch: number;
  private readonly accounts: AccountFactsSource | undefined;

  constructor(options: CommandHandlerOptions) {
    this.log = options.log;
    this.repository = options.repository;
    this.lock = options.lock;
    this.clock = options.clock ?? (() => new Date());
    this.hooks = options.hooks ?? {};
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    this.accounts = options.accounts;
  }

  /**
   * The facts of every account the batch's commands need on `state` that `facts` lacks, added to
   * it (one read for all of them); `facts` itself when none is missing.
   */
  private async withAccounts(batch: readonly Pending[], state: AuctionState, facts: AccountFacts): Promise<AccountFacts> {
    if (this.accounts === undefined) return facts;
    const missing = [...new Set(batch.flatMap((p) => accountsToCheck(p.command, state)))].filter((id) => !facts.has(id));
    if (missing.length === 0) return facts;
    const more = await this.accounts.standings(missing);
    return new Map([...facts, ...more]);
  }

  handle(command: UnstampedCommand, context: CommandContext): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      const pending: Pending = { command, context, resolve, reject };
      const queue = this.queues.get(command.auctionId);
      if (queue !== undefined) {
        queue.push(pending);
        return;
      }
      this.queues.set(command.auctionId, [pending]);
      void this.drain(command.auctionId);
    });
  }

  /**
   * Resolves once no command is queued or being decided and appended (at once when none is): a
   * graceful stop waits for it before closing the log.
   */
  idle(): Promise<void> {
    if (this.queues.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Runs the auction's queue batch by batch until it is empty; the queue's presence marks a drainer. */
  private async drain(auctionId: string): Promise<void> {
    const queue = this.queues.get(auctionId)!;
    while (queue.length > 0) {
      const batch = takeBatch(queue, this.maxBatch);
      try {
        const settled = await this.lock.withLock(auctionId, () => this.runBatch(auctionId, batch));
        batch.forEach((p, i) => {
          const s = settled[i]!;
          if (s.status === 'fulfilled') p.resolve(s.value);
          else p.reject(s.reason);
        });
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.queues.delete(auctionId);
    if (this.queues.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /**
   * Runs a batch as one append. When that append fails with an error (not a conflict: the
   * database refused the events, the connection broke), nothing of the batch was written, so its
   * commands run again one by one (each in its own append): only a command whose own append fails
   * fails, and the others answer exactly as they would alone.
   */
  private async runBatch(auctionId: string, batch: readonly Pending[]): Promise<PromiseSettledResult<Outcome>[]> {
    try {
      return (await this.decideAndAppend(auctionId, batch)).map((value) => ({ status: 'fulfilled', value }));
    } catch (error) {
      if (!(error instanceof AppendFailed)) throw error;
      if (batch.length === 1) throw error.cause;
    }
    const settled: PromiseSettledResult<Outcome>[] = [];
    for (const pending of batch) {
      try {
        settled.push({ status: 'fulfilled', value: (await this.decideAndAppend(auctionId, [pending]))[0]! });
      } catch (error) {
        settled.push({ status: 'rejected', reason: error instanceof AppendFailed ? error.cause : error });
      }
    }
    return settled;
  }

  private async decideAndAppend(auctionId: string, batch: readonly Pending[]): Promise<Outcome[]> {
    const streamId = streamIdOf(auctionId);
    // Optimistic: a cached auction is used as is; the append's expected version catches staleness.
    let current = this.repository.peek(auctionId);
    let fresh = current === undefined;
    // The account facts: read once per batch, caught up with the account streams. For an auction
    // not cached, the actors' accounts are read beside the auction (the seller's, once known, after).
    let facts: AccountFacts = new Map();
    if (current === undefined) {
      const actors = this.accounts === undefined ? [] : [...new Set(batch.flatMap((p) => actingUserOf(p.command) ?? []))];
      [current, facts] = await Promise.all([this.repository.load(auctionId), actors.length === 0 ? facts : this.accounts!.standings(actors)]);
    }

    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      facts = await this.withAccounts(batch, current.state, facts);
      // A hold-back lot's close carries whether the previous lot has ended, read from the log.
      const stamped = await withLotFacts(batch, current.state, this.repository);
      const now = fromMillis(this.clock().getTime());
      const decided = decideInTurn(stamped, current, now, this.accounts === undefined ? undefined : facts);
      const newEvents = decided.flatMap((d) => (d.kind === 'events' ? d.newEvents : []));

      if (newEvents.length === 0) {
        // Nothing to append proves the state current: refusals decided on a cached state are
        // checked against the latest one first.
        if (!fresh && decided.some((d) => d.kind === 'refused')) {
          current = await this.repository.load(auctionId);
          fresh = true;
          continue;
        }
        return this.settle(streamId, batch, decided, [], current, now);
      }

      let result;
      try {
        result = await this.log.appendToStream(streamId, current.version, newEvents);
      } catch (error) {
        throw new AppendFailed(error);
      }
      switch (result.kind) {
        case 'appended':
          // The append succeeded at the expected version: every decision of the batch was made on current state.
          this.repository.appended(auctionId, current, result.events);
          return this.settle(streamId, batch, decided, result.events, current, now);
        case 'duplicate':
        case 'conflict':
          // Another process appended (possibly these very commands): decide again on the latest state,
          // where a command already appended is answered from the log.
          if (result.kind === 'conflict') this.hooks.conflict?.();
          this.lock.contended?.(auctionId);
          current = await this.repository.load(auctionId);
          fresh = true;
      }
    }
    throw new ConcurrencyExhaustedError(`auction ${auctionId}: still conflicting after ${this.maxAttempts} attempts`);
  }

  /** Each command's answer once the batch's decisions stand. */
  private async settle(
    streamId: string, batch: readonly Pending[], decided: readonly Decided[], appended: readonly RecordedEvent[], base: LoadedAuction, now: UtcTimestamp,
  ): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for (const [i, d] of decided.entries()) {
      const { command, context } = batch[i]!;
      switch (d.kind) {
        case 'replayed':
          outcomes.push(E.right(await this.replay(streamId, d.versions, base)));
          break;
        case 'refused':
          this.hooks.refused?.({ command, rejection: d.rejection, serverTime: now, context });
          outcomes.push(E.left(d.rejection));
          break;
        case 'no-op':
          outcomes.push(E.right({ events: [], recorded: [], version: d.version, replayed: false, state: d.state }));
          break;
        case 'events': {
          const recorded = appended.filter((e) => e.streamVersion > d.from && e.streamVersion <= d.from + d.events.length);
          outcomes.push(E.right({ events: d.events, recorded, version: d.from + d.events.length, replayed: false, state: d.state }));
        }
      }
    }
    return outcomes;
  }

  private async replay(streamId: string, versions: readonly number[], current: LoadedAuction): Promise<Accepted> {
    const recorded = (await this.log.readStream(streamId, versions[0])).filter((e) => versions.includes(e.streamVersion));
    return { events: recorded.map(decodeRecorded), recorded, version: Math.max(...versions), replayed: true, state: current.state };
  }
}

/**
 * Takes up to `max` commands off the queue, stopping before a command id already in the batch
 * (a concurrent retry of the same command waits for the next batch, where it is answered from the log).
 */
const takeBatch = (queue: Pending[], max: number): Pending[] => {
  const ids = new Set<string>();
  let n = 0;
  while (n < queue.length && n < max && !ids.has(queue[n]!.context.commandId)) ids.add(queue[n++]!.context.commandId);
  return queue.splice(0, n);
};

/** Decides the batch's commands in order, each on the state the previous ones leave (pure). */
const decideInTurn = (batch: readonly Pending[], base: LoadedAuction, now: UtcTimestamp, facts: AccountFacts | undefined): Decided[] => {
  let state = base.state;
  let version = base.version;
  return batch.map(({ command, context }): Decided => {
    const earlier = base.commands.get(context.commandId);
    if (earlier !== undefined) return { kind: 'replayed', versions: earlier };
    const decision = facts === undefined ? decide(stamp(command, now), state) : decideWithAccounts(stamp(command, now), state, facts);
    if (E.isLeft(decision)) return { kind: 'refused', rejection: decision.left };
    if (decision.right.length === 0) return { kind: 'no-op', version, state };
    const newEvents = toNewEvents(decision.right, context, now);
    const unreadable = unreadableEvents(newEvents);
    if (unreadable !== null) return { kind: 'refused', rejection: unreadable };
    const from = version;
    state = decision.right.reduce(evolve, state);
    version += decision.right.length;
    return { kind: 'events', events: decision.right, newEvents, from, state };
  });
};

/**
 * What is written can always be read: a command whose events the readers' codecs would refuse
 * is refused (INVALID_REQUEST, naming each failing path as `events[i].data.title`), and none of
 * its events is appended.
 */
const unreadableEvents = (events: readonly NewEvent[]): Rejection | null => {
  const fields = events.flatMap((event, i) => unreadableParts(event).map((p) => ({ path: `events[${i}].${p.path}`, message: p.message })));
  if (fields.length === 0) return null;
  return reject('INVALID_REQUEST', `the command's events could not be stored: ${fields.map((f) => `${f.path} ${f.message}`).join('; ')}`, { fields });
};

const toNewEvents = (events: readonly AuctionEvent[], context: CommandContext, now: UtcTimestamp): NewEvent[] => newEventsOf(events, context, now, currentSchemaVersion);
