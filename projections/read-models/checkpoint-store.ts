// `projection_checkpoints`: where each projection has applied up to in each source, written in the
// same transaction as the read-model change it covers. The write is a compare-and-set against the
// position this instance last read or wrote, so two instances on one source cannot both advance it,
// and a stale one cannot move it backwards (positions are opaque here: only the source orders them).
import type { SqlExecutor } from '../../infra/index.js';
import { CheckpointMovedError } from '../runtime/index.js';

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
