// The write path: load the auction, decide, append with the expected version; on a conflict,
// reload and decide again. Commands for one auction are serialised by the lock (in-process, and
// across processes by a Redis lease when configured), but the expected version is the fence.
import * as E from 'fp-ts/lib/Either.js';
import type { AuctionCommand, AuctionEvent, AuctionState, EventLog, NewEvent, RecordedEvent, Rejection, UtcTimestamp } from '../../domain/index.js';
import { currentSchemaVersion, decide, fromMillis, streamIdOf } from '../../domain/index.js';
import type { AuctionRepository, LoadedAuction } from './auction-repository.js';
import { decodeRecorded } from './auction-repository.js';
import { eventIdFor } from './ids.js';

/** A command as a client asks for it; the handler stamps `now` from the server's clock. */
export type UnstampedCommand = AuctionCommand extends infer C ? (C extends AuctionCommand ? Omit<C, 'now'> : never) : never;

export interface CommandContext {
  readonly commandId: string;
  readonly userId: string;
  readonly idempotencyKey: string | null;
  readonly correlationId: string;
}

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

export interface LockPort {
  withLock<T>(auctionId: string, fn: () => Promise<T>): Promise<T>;
}

export interface HandlerHooks {
  /** Called off the hot path for every refused command (the attempts log listens). */
  readonly refused?: (attempt: RefusedAttempt) => void;
  readonly conflict?: () => void;
}

export class ConcurrencyExhaustedError extends Error {}

export class CommandHandler {
  constructor(
    private readonly log: EventLog,
    private readonly repository: AuctionRepository,
    private readonly lock: LockPort,
    private readonly clock: () => Date = () => new Date(),
    private readonly hooks: HandlerHooks = {},
    private readonly maxAttempts = 8,
  ) {}

  handle(command: UnstampedCommand, context: CommandContext): Promise<E.Either<Rejection, Accepted>> {
    return this.lock.withLock(command.auctionId, () => this.decideAndAppend(command, context));
  }

  private async decideAndAppend(command: UnstampedCommand, context: CommandContext): Promise<E.Either<Rejection, Accepted>> {
    const streamId = streamIdOf(command.auctionId);
    // Optimistic: a cached auction is used as is; the append's expected version catches staleness.
    let current = this.repository.peek(command.auctionId);
    let fresh = current === undefined;
    current ??= await this.repository.load(command.auctionId);

    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const earlier = current.commands.get(context.commandId);
      if (earlier !== undefined) return E.right(await this.replay(streamId, earlier, current));

      const now = fromMillis(this.clock().getTime());
      const decision = decide({ ...command, now } as AuctionCommand, current.state);
      if (E.isLeft(decision)) {
        if (!fresh) {
          // A refusal must hold against the latest state, not a possibly stale cached one.
          current = await this.repository.load(command.auctionId);
          fresh = true;
          continue;
        }
        this.hooks.refused?.({ command, rejection: decision.left, serverTime: now, context });
        return decision;
      }
      if (decision.right.length === 0) {
        return E.right({ events: [], recorded: [], version: current.version, replayed: false, state: current.state });
      }

      const result = await this.log.appendToStream(streamId, current.version, toNewEvents(decision.right, context, now));
      switch (result.kind) {
        case 'appended': {
          const next = this.repository.appended(command.auctionId, current, result.events);
          return E.right({ events: decision.right, recorded: result.events, version: result.nextVersion, replayed: false, state: next.state });
        }
        case 'duplicate': {
          // Another process appended this very command between our read and our append.
          const latest = await this.repository.load(command.auctionId);
          return E.right({ events: result.events.map(decodeRecorded), recorded: result.events, version: result.nextVersion, replayed: true, state: latest.state });
        }
        case 'conflict':
          this.hooks.conflict?.();
          current = await this.repository.load(command.auctionId);
          fresh = true;
      }
    }
    throw new ConcurrencyExhaustedError(`auction ${command.auctionId}: still conflicting after ${this.maxAttempts} attempts`);
  }

  private async replay(streamId: string, versions: readonly number[], current: LoadedAuction): Promise<Accepted> {
    const recorded = (await this.log.readStream(streamId, versions[0])).filter((e) => versions.includes(e.streamVersion));
    return { events: recorded.map(decodeRecorded), recorded, version: Math.max(...versions), replayed: true, state: current.state };
  }
}

const toNewEvents = (events: readonly AuctionEvent[], context: CommandContext, now: UtcTimestamp): NewEvent[] =>
  events.map((event, index) => ({
    eventId: eventIdFor(context.commandId, index),
    type: event.type,
    data: event.data,
    metadata: {
      commandId: context.commandId,
      idempotencyKey: context.idempotencyKey,
      userId: context.userId,
      correlationId: context.correlationId,
      causationId: context.commandId,
      serverTime: now,
      schemaVersion: currentSchemaVersion[event.type],
    },
  }));
