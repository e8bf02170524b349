// Reading and storing signed checkpoints and the stream heads each one changed (the tables, and
// which heads are a checkpoint's leaves: sql/001-log-checkpoints.sql).
import * as t from 'io-ts';
import type { SignedCheckpoint, StreamHead } from '../../domain/index.js';
import { CheckpointBodyCodec, SignedCheckpointCodec, checkpointSigningInput, compareStreamIds } from '../../domain/index.js';
import type { Migration, SqlExecutor } from '../../infra/index.js';
import { decodeOrThrow, migrationFromFile } from '../../infra/index.js';

export const checkpointMigrations: readonly Migration[] = [migrationFromFile(import.meta.url, 'checkpoints/001-log-checkpoints')];

const CheckpointRow = t.type({ document: t.string, signature: t.string });
const HeadRow = t.type({ stream_id: t.string, version: t.number, hash: t.string });

const toSigned = (row: unknown): SignedCheckpoint => {
  const r = decodeOrThrow(CheckpointRow, row, 'log_checkpoints row');
  const body = decodeOrThrow(CheckpointBodyCodec, JSON.parse(r.document), 'stored checkpoint');
  return decodeOrThrow(SignedCheckpointCodec, { ...body, signature: r.signature }, 'stored checkpoint');
};

export const readLatestCheckpoint = async (sql: SqlExecutor): Promise<SignedCheckpoint | undefined> => {
  const { rows } = await sql.query('SELECT document, signature FROM log_checkpoints ORDER BY sequence DESC LIMIT 1');
  return rows[0] === undefined ? undefined : toSigned(rows[0]);
};

export const readCheckpoint = async (sql: SqlExecutor, sequence: number): Promise<SignedCheckpoint | undefined> => {
  const { rows } = await sql.query('SELECT document, signature FROM log_checkpoints WHERE sequence = $1', [sequence]);
  return rows[0] === undefined ? undefined : toSigned(rows[0]);
};

export const listCheckpoints = async (sql: SqlExecutor, before: number | undefined, limit: number): Promise<SignedCheckpoint[]> => {
  const { rows } = await sql.query(
    'SELECT document, signature FROM log_checkpoints WHERE sequence < $1 ORDER BY sequence DESC LIMIT $2',
    [String(before ?? Number.MAX_SAFE_INTEGER), limit],
  );
  return rows.map(toSigned);
};

/** Every stream's head at checkpoint `sequence`, sorted by stream id (the Merkle leaves' order). */
export const readHeadsAt = async (sql: SqlExecutor, sequence: number): Promise<StreamHead[]> => {
  const { rows } = await sql.query(
    `SELECT DISTINCT ON (stream_id) stream_id, version, hash FROM log_checkpoint_heads
     WHERE sequence <= $1 ORDER BY stream_id, sequence DESC`,
    [sequence],
  );
  return rows
    .map((row) => decodeOrThrow(HeadRow, row, 'log_checkpoint_heads row'))
    .map((r) => ({ streamId: r.stream_id, version: r.version, hash: r.hash }))
    .sort((a, b) => compareStreamIds(a.streamId, b.streamId));
};

const HEADS_PER_STATEMENT = 5_000;

/**
 * Stores a signed checkpoint and the heads it changed, in one transaction. The sequence is the
 * primary key, so of two writers that took the same next number exactly one succeeds; the other
 * gets the database's unique violation (SQLSTATE 23505).
 */
export const insertCheckpoint = (sql: SqlExecutor, checkpoint: SignedCheckpoint, changed: readonly StreamHead[]): Promise<void> => {
  const checked = decodeOrThrow(SignedCheckpointCodec, checkpoint, 'checkpoint to store');
  return sql.transaction(async (tx) => {
    await tx.query('INSERT INTO log_checkpoints (sequence, document, signature) VALUES ($1, $2, $3)', [
      checked.sequence,
      checkpointSigningInput(checked).toString('utf8'),
      checked.signature,
    ]);
    for (let i = 0; i < changed.length; i += HEADS_PER_STATEMENT) {
      const chunk = changed.slice(i, i + HEADS_PER_STATEMENT);
      await tx.query(
        `INSERT INTO log_checkpoint_heads (stream_id, sequence, version, hash)
         SELECT s, $2::bigint, v, h FROM unnest($1::text[], $3::integer[], $4::text[]) AS x(s, v, h)`,
        [chunk.map((h) => h.streamId), checked.sequence, chunk.map((h) => h.version), chunk.map((h) => h.hash)],
      );
    }
  });
};
