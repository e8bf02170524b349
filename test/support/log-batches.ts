// The whole event log as a test reads it, and a projector fed with it in batches: what the
// projector contracts (the read models', the analytics') and the rebuild's tests do alike.
import type { RecordedEvent } from '../../domain/index.js';
import { START } from '../../domain/index.js';
import type { Projector } from '../../projections/index.js';
import { LOG_SOURCE } from '../../projections/index.js';
import { settledHead } from './read-model-dump.js';
import type { Scratch } from './scratch-database.js';

/** Every event after `after`, once every stored event is visible to the log's reads. */
export const readAllEvents = async (db: Scratch, after = START): Promise<RecordedEvent[]> => {
  await settledHead(db.sql, db.log);
  const out: RecordedEvent[] = [];
  let position = after;
  for (;;) {
    const page = await db.log.readAll({ after: position, limit: 1_000 });
    const last = page[page.length - 1];
    if (last === undefined) return out;
    out.push(...page);
    position = last.position;
  }
};

/** `list` cut into consecutive pieces of `size` (the last may be shorter). */
export const chunks = <T>(list: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
};

/** Applies `events` in batches of `size`, each with its last position as the checkpoint. */
export const applyInBatches = async (
  projector: Pick<Projector, 'loadCheckpoint' | 'apply'>, events: readonly RecordedEvent[], size: number, source = LOG_SOURCE,
): Promise<void> => {
  await projector.loadCheckpoint(source);
  for (const batch of chunks(events, size)) await projector.apply(batch, source, batch[batch.length - 1]!.position);
};
