// The publisher's checkpoint (sql/001-publisher-checkpoints.sql): the last log position it has
// published, one row per topic, with a fencing epoch. Taking the lease bumps the epoch; a
// checkpoint is saved only under the epoch its writer took, so a publisher that lost its lease (a
// "zombie") can never move the checkpoint.
import type { LogPosition } from '../../domain/index.js';
import type { Migration } from '../../infra/index.js';
import { migrationFromFile } from '../../infra/index.js';

export const publisherMigrations: readonly Migration[] = [migrationFromFile(import.meta.url, 'publisher/001-publisher-checkpoints')];

/** Any query runner: a dedicated pg connection (the lock's session) or a SqlExecutor. */
export type RunQuery = (sql: string, params: readonly (string | number)[]) => Promise<readonly Record<string, unknown>[]>;

export interface TakenCheckpoint {
  readonly position: LogPosition;
  readonly epoch: string;
}

const TAKE_SQL = `
  INSERT INTO publisher_checkpoints AS c (name, position, epoch, holder, acquired_at)
  VALUES ($1, '0', 1, $2, now())
  ON CONFLICT (name) DO UPDATE SET epoch = c.epoch + 1, holder = EXCLUDED.holder, acquired_at = now()
  RETURNING c.position, c.epoch::text AS epoch`;

const SAVE_SQL = `
  UPDATE publisher_checkpoints SET position = $3, updated_at = now()
  WHERE name = $1 AND epoch = $2::bigint
  RETURNING 1 AS saved`;

/** Bumps the epoch (fencing out every earlier holder) and returns it with the stored position. */
export const takeCheckpoint = async (run: RunQuery, name: string, holder: string): Promise<TakenCheckpoint> => {
  const rows = await run(TAKE_SQL, [name, holder]);
  const row = rows[0];
  if (row === undefined || typeof row.position !== 'string' || typeof row.epoch !== 'string') {
    throw new Error(`publisher_checkpoints returned no usable row for ${name}`);
  }
  return { position: row.position, epoch: row.epoch };
};

/** Saves `position` if `epoch` is still the current one; false means another publisher took over. */
export const saveCheckpoint = async (run: RunQuery, name: string, epoch: string, position: LogPosition): Promise<boolean> =>
  (await run(SAVE_SQL, [name, epoch, position])).length === 1;

/** The stored position, without taking anything (status, tests). */
export const readPublisherCheckpoint = async (run: RunQuery, name: string): Promise<LogPosition | undefined> => {
  const rows = await run('SELECT position FROM publisher_checkpoints WHERE name = $1', [name]);
  const position = rows[0]?.position;
  return typeof position === 'string' ? position : undefined;
};
