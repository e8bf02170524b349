// Steps every rebuild takes (the read models', the analytics'): dropping what an interrupted one
// left, catching the fresh tables up to the log's head page by page, and the swap's transaction
// (swapIn); with what a rebuild reports and the errors with which its swap refuses.
import type { EventLog, LogPosition, RecordedEvent, Upcaster } from '../../domain/index.js';
import type { SqlExecutor } from '../../infra/index.js';
import { resetCheckpoint } from '../read-models/index.js';
import type { ParkedStream } from '../runtime/index.js';
import { LOG_SOURCE } from '../runtime/index.js';
import { renameTableWithDependents } from './swap-tables.js';

type LogReader = Pick<EventLog, 'readAll'>;

export interface RebuildProgress {
  readonly phase: 'build' | 'swap';
  /** Events read from the log so far. */
  readonly events: number;
  readonly position: LogPosition;
}

export interface RebuildReport {
  /** Events read from the log (all streams). */
  readonly events: number;
  /** Of which read inside the swap's transaction. */
  readonly caughtUpInSwap: number;
  /** The log position the swapped-in tables reflect; the 'log' checkpoint now. */
  readonly position: LogPosition;
  readonly durationMs: number;
  /** The streams parked in the swapped-in tables (events that cannot be projected), by stream id. */
  readonly parked: readonly ParkedStream[];
}

/** The options every rebuild takes (each adds its own, and says its projection's default name). */
export interface CommonRebuildOptions {
  readonly sql: SqlExecutor;
  /**
   * The log as read inside the swap's transaction. Needed when the log lives in `sql` on PGlite
   * (one connection: the log's own reads would wait for the transaction to end); with PostgreSQL
   * it keeps the catch-up on the swap's connection. Default: `log`.
   */
  readonly logWithin?: (tx: SqlExecutor) => Promise<LogReader>;
  /** Events per page while building, and per transaction while catching up in the swap (default 5000). */
  readonly batchSize?: number;
  /** Suffix of the fresh tables (default '_rebuild'). */
  readonly suffix?: string;
  /** The projection whose 'log' checkpoint the swap resets (default: the projection's own name). */
  readonly projection?: string;
  readonly onProgress?: (progress: RebuildProgress) => void;
  /** How old event shapes are upcast (default the domain's upcasters). */
  readonly upcasters?: readonly Upcaster[];
  /** Refuse the swap (RebuildParkedError) when any stream would be parked (default false). */
  readonly strict?: boolean;
  /** Test hooks: before the swap's transaction, and inside it right after the lock. */
  readonly hooks?: { readonly beforeSwap?: () => Promise<void>; readonly afterLock?: () => Promise<void> };
}

/** The rebuild's page size (`batchSize`, default 5000), refused unless a positive integer. */
export const pageSizeOf = (options: Pick<CommonRebuildOptions, 'batchSize'>): number => {
  const batchSize = options.batchSize ?? 5_000;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  return batchSize;
};

/** A live row whose auction is missing from, or ahead of, the rebuilt tables: the swap refuses. */
export class RebuildBehindError extends Error {
  constructor(readonly auctions: number) {
    super(`${auctions} live auction rows are ahead of the rebuilt tables; nothing was swapped`);
    this.name = 'RebuildBehindError';
  }
}

/** A strict rebuild would park streams: nothing was swapped. */
export class RebuildParkedError extends Error {
  constructor(readonly parked: readonly ParkedStream[]) {
    super(`${parked.length} streams cannot be projected (${parked.slice(0, 5).map((p) => `${p.streamId}@${p.streamVersion}`).join(', ')}${parked.length > 5 ? ', ...' : ''}); nothing was swapped`);
    this.name = 'RebuildParkedError';
  }
}

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


/** One projection's tables as the swap handles them. */
export interface SwapTables {
  /** The live tables, in the order the projector's transactions take them (the lock's order). */
  readonly live: readonly string[];
  /** The fresh tables, in the same order: each is renamed onto the live one at its index. */
  readonly fresh: readonly string[];
  /** The live and fresh per-auction tables (a `version` per auction_id), and the fresh parked streams. */
  readonly liveAuctions: string;
  readonly freshAuctions: string;
  readonly freshParked: string;
}

/** What the swap needs besides the rebuild's own options. */
export interface SwapInOptions {
  readonly batchSize: number;
  /** What the build read: the catch-up starts after its position. */
  readonly built: { readonly position: LogPosition; readonly events: number };
  readonly tables: SwapTables;
  /** Projects one page into the fresh tables inside `tx`. */
  readonly applyPage: (tx: SqlExecutor) => (page: readonly RecordedEvent[]) => Promise<void>;
  /** The streams parked in the fresh tables. */
  readonly listParked: (tx: SqlExecutor) => Promise<readonly ParkedStream[]>;
  /** The projection whose 'log' checkpoint is set to where the rebuild read up to. */
  readonly projection: string;
  /** When the rebuild started (Date.now()), for the report's duration. */
  readonly started: number;
}

/**
 * The swap, in one transaction: lock the live tables, catch the fresh ones up to the log's head,
 * refuse (RebuildParkedError when strict, RebuildBehindError) or drop the live tables, rename the
 * fresh ones into their place and reset the projection's 'log' checkpoint. Returns the report.
 */
export const swapIn = async (rebuild: CommonRebuildOptions & { readonly log: LogReader }, options: SwapInOptions): Promise<RebuildReport> => {
  const { built, tables } = options;
  const swapped = await rebuild.sql.transaction(async (tx) => {
    await tx.query(`LOCK TABLE ${tables.live.join(', ')} IN ACCESS EXCLUSIVE MODE`);
    await rebuild.hooks?.afterLock?.();
    const reader = rebuild.logWithin !== undefined ? await rebuild.logWithin(tx) : rebuild.log;
    const last = await catchUp(
      reader,
      built.position,
      options.batchSize,
      options.applyPage(tx),
      (events, position) => rebuild.onProgress?.({ phase: 'swap', events: built.events + events, position }),
    );
    const parked = await options.listParked(tx);
    if (rebuild.strict === true && parked.length > 0) throw new RebuildParkedError(parked);
    // A stream the rebuild parked is reported, not "behind": the live tables may hold more of it
    // only because an older decoder read what this one refuses.
    const { rows } = await tx.query<{ ahead: number }>(
      `SELECT count(*)::integer AS ahead FROM ${tables.liveAuctions} l LEFT JOIN ${tables.freshAuctions} f ON f.auction_id = l.auction_id
       WHERE (f.version IS NULL OR f.version < l.version)
         AND NOT EXISTS (SELECT 1 FROM ${tables.freshParked} p WHERE p.auction_id = l.auction_id)`,
    );
    const ahead = rows[0]?.ahead ?? 0;
    if (ahead > 0) throw new RebuildBehindError(ahead);
    await tx.exec(`DROP TABLE ${tables.live.join(', ')}`);
    for (let i = 0; i < tables.fresh.length; i++) await renameTableWithDependents(tx, tables.fresh[i]!, tables.live[i]!);
    await resetCheckpoint(tx, options.projection, LOG_SOURCE, last.position);
    return { ...last, parked };
  });
  return {
    events: built.events + swapped.events,
    caughtUpInSwap: swapped.events,
    position: swapped.position,
    durationMs: Date.now() - options.started,
    parked: swapped.parked,
  };
};
