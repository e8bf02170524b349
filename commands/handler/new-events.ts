// Decided events as the log stores them, said once for every stream kind (auctions, sales,
// accounts): each event's id derived from the command's (so a retry cannot append twice), the
// command's context as metadata, the server's time, and the schema version its type is written with.
import type { NewEvent, UtcTimestamp } from '../../domain/index.js';
import { eventIdFor } from './ids.js';

/** Who sent the command and how it is traced: what every event it decides carries. */
export interface EventContext {
  readonly commandId: string;
  readonly userId: string;
  readonly idempotencyKey: string | null;
  readonly correlationId: string;
}

export const newEventsOf = <T extends string>(
  events: readonly { readonly type: T; readonly data: NewEvent['data'] }[],
  context: EventContext,
  now: UtcTimestamp,
  schemaVersions: Readonly<Record<T, number>>,
): NewEvent[] =>
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
      schemaVersion: schemaVersions[event.type],
    },
  }));
