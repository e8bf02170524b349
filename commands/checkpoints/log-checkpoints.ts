// Takes, signs and serves the log's checkpoints (domain/event-log/checkpoint.ts). Incremental: the
// archive keeps every stream's head (and its leaf hash) in memory as of the last checkpoint, reads
// only the events after that checkpoint's position, and stores only the heads that changed. The
// Merkle root is then recomputed in memory (one hash per stream and per inner node).
//
// Any number of processes may take checkpoints: each takes the next sequence number, and the
// number is the table's primary key, so exactly one checkpoint is stored per number; a process
// that lost the race reloads the winner's heads and carries on from there.
import { sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { CheckpointArchive, CheckpointBody, EventLog, LogPosition, SignedCheckpoint, StoredLeaf, StreamHead } from '../../domain/index.js';
import { CHECKPOINT_FORMAT, START, checkpointSigningInput, compareStreamIds, leafHash, merkleRoot, publicKeyId, storedLeafOf } from '../../domain/index.js';
import type { SqlExecutor } from '../../infra/index.js';
import { UNIQUE_VIOLATION, publicKeyPemOf, sqlErrorCode } from '../../infra/index.js';
import { insertCheckpoint, listCheckpoints, readCheckpoint, readHeadsAt, readLatestCheckpoint } from './checkpoint-tables.js';

export interface LogCheckpointsOptions {
  readonly sql: SqlExecutor;
  readonly log: EventLog;
  /** The Ed25519 private key that signs. */
  readonly signingKey: KeyObject;
  readonly clock?: () => Date;
  /** Events per page read from the log (default 1000). */
  readonly pageSize?: number;
}

export interface LogCheckpoints extends CheckpointArchive {
  /** Takes a checkpoint unless the latest one is younger than `intervalMs` or the log has not grown since; returns the new one, if any. */
  createIfDue(intervalMs: number): Promise<SignedCheckpoint | undefined>;
}

interface Leaf {
  readonly version: number;
  readonly hash: string;
  readonly leaf: string;
}

interface Known {
  readonly sequence: number;
  readonly heads: Map<string, Leaf>;
}

const toLeaf = (head: StreamHead): Leaf => ({ version: head.version, hash: head.hash, leaf: leafHash(head) });

/** Lost the race for a sequence number to another writer this many times in a row: give up this round. */
const MAX_RACES = 5;

class SqlLogCheckpoints implements LogCheckpoints {
  readonly publicKeyPem: string;
  readonly keyId: string;
  private known: Known | undefined;
  /** One checkpoint at a time in this process. */
  private tail: Promise<unknown> = Promise.resolve();
  private readonly clock: () => Date;
  private readonly pageSize: number;

  constructor(private readonly options: LogCheckpointsOptions) {
    if (options.signingKey.asymmetricKeyType !== 'ed25519') throw new Error('checkpoints are signed with an Ed25519 key');
    this.publicKeyPem = publicKeyPemOf(options.signingKey);
    this.keyId = publicKeyId(this.publicKeyPem);
    this.clock = options.clock ?? (() => new Date());
    this.pageSize = options.pageSize ?? 1_000;
  }

  create(): Promise<SignedCheckpoint> {
    return this.serially(async () => (await this.take(undefined))!);
  }

  createIfDue(intervalMs: number): Promise<SignedCheckpoint | undefined> {
    return this.serially(() => this.take(intervalMs));
  }

  latest(): Promise<SignedCheckpoint | undefined> {
    return readLatestCheckpoint(this.options.sql);
  }

  get(sequence: number): Promise<SignedCheckpoint | undefined> {
    return readCheckpoint(this.options.sql, sequence);
  }

  list(options: { readonly before?: number; readonly limit: number }): Promise<readonly SignedCheckpoint[]> {
    return listCheckpoints(this.options.sql, options.before, options.limit);
  }

  async proof(sequence: number, streamId: string): Promise<StoredLeaf> {
    return storedLeafOf(await readHeadsAt(this.options.sql, sequence), streamId);
  }

  private serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Takes the next checkpoint (when due, if `intervalMs` is given), retrying a lost race. */
  private async take(intervalMs: number | undefined): Promise<SignedCheckpoint | undefined> {
    for (let race = 0; ; race++) {
      const previous = await readLatestCheckpoint(this.options.sql);
      if (intervalMs !== undefined && previous !== undefined && this.clock().getTime() - Date.parse(previous.createdAt) < intervalMs) return undefined;
      const known = await this.knownAt(previous?.sequence ?? 0);
      const { changed, events, lastPosition } = await this.changesAfter(previous?.lastPosition ?? START);
      // A periodic checkpoint of a log that did not grow would say nothing new.
      if (intervalMs !== undefined && previous !== undefined && events === 0) return undefined;
      const heads = new Map(known.heads);
      for (const [streamId, leaf] of changed) heads.set(streamId, leaf);
      const leaves = [...heads.keys()].sort(compareStreamIds).map((id) => heads.get(id)!.leaf);
      const body: CheckpointBody = {
        format: CHECKPOINT_FORMAT,
        sequence: known.sequence + 1,
        createdAt: this.clock().toISOString(),
        events: (previous?.events ?? 0) + events,
        lastPosition: events > 0 ? lastPosition : previous?.lastPosition ?? START,
        streams: leaves.length,
        root: merkleRoot(leaves),
        keyId: this.keyId,
      };
      const signed: SignedCheckpoint = { ...body, signature: sign(null, checkpointSigningInput(body), this.options.signingKey).toString('base64') };
      try {
        await insertCheckpoint(this.options.sql, signed, [...changed].map(([streamId, l]) => ({ streamId, version: l.version, hash: l.hash })));
      } catch (error) {
        // Another process stored this sequence number first: start again from its checkpoint.
        if (sqlErrorCode(error) === UNIQUE_VIOLATION && race < MAX_RACES) continue;
        throw error;
      }
      this.known = { sequence: body.sequence, heads };
      return signed;
    }
  }

  /** The heads as of checkpoint `sequence`: from memory when this process took it, else from the table. */
  private async knownAt(sequence: number): Promise<Known> {
    if (this.known?.sequence === sequence) return this.known;
    const heads = new Map<string, Leaf>();
    if (sequence > 0) for (const head of await readHeadsAt(this.options.sql, sequence)) heads.set(head.streamId, toLeaf(head));
    this.known = { sequence, heads };
    return this.known;
  }

  /** Every stream's new head after `after`, with how many events there were and the last one's position. */
  private async changesAfter(after: LogPosition): Promise<{ changed: Map<string, Leaf>; events: number; lastPosition: LogPosition }> {
    const latest = new Map<string, StreamHead>();
    let position = after;
    let events = 0;
    for (;;) {
      const page = await this.options.log.readAll({ after: position, limit: this.pageSize });
      const last = page[page.length - 1];
      if (last === undefined) break;
      for (const e of page) latest.set(e.streamId, { streamId: e.streamId, version: e.streamVersion, hash: e.hash });
      events += page.length;
      position = last.position;
    }
    const changed = new Map<string, Leaf>();
    for (const [streamId, head] of latest) changed.set(streamId, toLeaf(head));
    return { changed, events, lastPosition: position };
  }
}

export const createLogCheckpoints = (options: LogCheckpointsOptions): LogCheckpoints => new SqlLogCheckpoints(options);
