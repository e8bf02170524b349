// Steps every rebuild takes (the read models', the analytics'): dropping what an interrupted one
// left, and catching the fresh tables up to the log's head page by page inside the swap.
import type { EventLog, LogPosition, RecordedEvent } from '../../domain/index.js';
import type { SqlExecutor } from '../../infra/index.js';

type LogReader = Pick<EventLog, 'readAll'>;

/**
 * Drops what an interrupted rebuild may have left under the fresh tables' names: the tables (made
 * and partly filled, never swapped), and a row type whose table is gone (a damaged catalog), which
 * would make CREATE TABLE fail with 'type … already exists'. Run in the preparation's transaction.
 */
export const dropLeftovers = async (tx: SqlExecutor, tables: readonly string[]): Promise<void> => {
  for (const name of tables) {
    const { rows } = await tx.query<{ kind: string }>('SELECT relkind::text AS kind FROM pg_class WHERE oid = to_regclass($1)', [name]);
    const kind = rows[0]?.kind;
    if (kind === 'r') await tx.exec(`DROP TABLE ${name}`);
    else if (kind === 'c') await tx.exec(`DROP TYPE ${name}`);
    else if (kind !== undefined) throw new Error(`${name} exists and is not a table of an earlier rebuild (relkind ${kind}): drop it by hand`);
  }
};

/** Projects pages of the log after `from` until an empty page, each through `applyPage`. */
export const catchUp = async (
  reader: LogReader,
  from: LogPosition,
  batchSize: number,
  applyPage: (events: readonly RecordedEvent[]) => Promise<void>,
  progress: (read: number, position: LogPosition) => void,
): Promise<{ readonly position: LogPosition; readonly events: number }> => {
  let position = from;
  let events = 0;
  for (;;) {
    const page = await reader.readAll({ after: position, limit: batchSize });
    const last = page[page.length - 1];
    if (last === undefined) return { position, events };
    await applyPage(page);
    position = last.position;
    events += page.length;
    progress(events, position);
  }
};

