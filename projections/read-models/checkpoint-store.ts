// `projection_checkpoints`: where each projection has applied up to in each source, written in the
// same transaction as the read-model change it covers. The write is a compare-and-set against the
// position this instance last read or wrote, so two instances on one source cannot both advance it,
// and a stale one cannot move it backwards (positions are opaque here: only the source orders them).
// CheckpointedTransactions runs a projector's batches with it (the read models', the analytics').
import type { SqlExecutor } from '../../infra/index.js';
import { sqlErrorCode } from '../../infra/index.js';
import { CheckpointMovedError } from '../runtime/index.js';
import { AuctionRowConflictError } from './auction-row-store.js';

const PREPARED = { prepare: true } as const;

const LOAD_SQL = 'SELECT position FROM projection_checkpoints WHERE projection = $1 AND source = $2';

// Inserts when absent and nothing was expected; updates only from the expected position. The row
// lock serialises concurrent writers: the second re-reads the row after the first commits.
const SAVE_SQL = `
INSERT INTO projection_checkpoints (projection, source, position) VALUES ($1, $2, $3)
ON CONFLICT (projection, source) DO UPDATE SET position = excluded.position, updated_at = now()
  WHERE projection_checkpoints.position = $4::text
RETURNING position`;

export const loadCheckpoint = async (sql: SqlExecutor, projection: string, source: string): Promise<string | null> => {
  const { rows } = await sql.query<{ position: string }>(LOAD_SQL, [projection, source], PREPARED);
  return rows[0]?.position ?? null;
};

/** Moves the checkpoint from `expected` (null: none stored) to `position`, or throws CheckpointMovedError. */
export const saveCheckpoint = async (tx: SqlExecutor, projection: string, source: string, expected: string | null, position: string): Promise<void> => {
  const { rows } = await tx.query(SAVE_SQL, [projection, source, position, expected], PREPARED);
  if (rows.length === 1) return;
  throw new CheckpointMovedError(projection, source, expected, await loadCheckpoint(tx, projection, source));
};

/** Sets a checkpoint unconditionally (a rebuild's swap, which holds the read models locked). */
export const resetCheckpoint = async (tx: SqlExecutor, projection: string, source: string, position: string): Promise<void> => {
  await tx.query(
    `INSERT INTO projection_checkpoints (projection, source, position) VALUES ($1, $2, $3)
     ON CONFLICT (projection, source) DO UPDATE SET position = excluded.position, updated_at = now()`,
    [projection, source, position],
  );
};

/** SQLSTATE of a deadlock PostgreSQL broke by aborting this transaction: retrying is safe. */
const DEADLOCK_DETECTED = '40P01';

/** Marks a source whose checkpoint another instance moved: refuse until the source reloads it. */
const STALE = Symbol('stale');

/**
 * A projector's transactions over its SQL tables, each applying one delivered batch and moving the
 * checkpoint of its source from where this instance last read or wrote it (a compare-and-set, last
 * in the transaction, so that tables are locked before the checkpoint, in a rebuild's swap's order).
 * A batch that lost a race for an auction row (AuctionRowConflictError) or a deadlock is retried
 * (it reloads the rows and finds the events already reflected); a moved checkpoint refuses every
 * later batch of that source (CheckpointMovedError) until the source reloads it.
 */
export class CheckpointedTransactions {
  /** Per source: the checkpoint as this instance last read or wrote it (null: none stored). */
  private readonly known = new Map<string, string | null | typeof STALE>();

  constructor(private readonly sql: SqlExecutor, private readonly projection: string, private readonly conflictRetries = 3) {}

  async load(source: string): Promise<string | undefined> {
    const position = await loadCheckpoint(this.sql, this.projection, source);
    this.known.set(source, position);
    return position ?? undefined;
  }

  /** Runs `project` and the checkpoint's move to `position` in one transaction; resolves to what `project` returned. */
  async apply<T>(source: string, position: string, project: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.sql.transaction(async (tx) => {
          let expected = this.known.get(source);
          if (expected === STALE) throw new CheckpointMovedError(this.projection, source, null, await loadCheckpoint(tx, this.projection, source));
          // A source that never loaded the checkpoint: take the stored one as the expected one.
          if (expected === undefined) expected = await loadCheckpoint(tx, this.projection, source);
          const projected = await project(tx);
          await saveCheckpoint(tx, this.projection, source, expected, position);
          return projected;
        });
        this.known.set(source, position);
        return result;
      } catch (error) {
        if (error instanceof CheckpointMovedError) {
          this.known.set(source, STALE);
          throw error;
        }
        if ((error instanceof AuctionRowConflictError || sqlErrorCode(error) === DEADLOCK_DETECTED) && attempt <= this.conflictRetries) continue;
        throw error;
      }
    }
  }
}
