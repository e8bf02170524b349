// The replay command's arguments: parsed with node:util parseArgs, each value validated by an
// io-ts codec, then the combinations checked. Bad arguments become a UsageError (exit code 2).
import { parseArgs } from 'node:util';
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import type { AuctionEventType, LogPosition } from '../../domain/index.js';
import { AuctionId, currentSchemaVersion } from '../../domain/index.js';
import type { AnalyticsTable } from '../../projections/index.js';
import { analyticsTables } from '../../projections/index.js';
import type { EventFilter } from './filter.js';
import { DEFAULT_ROW_GROUP_ROWS } from './parquet-sink.js';
import { tableTimeColumns } from './table-export.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const DEFAULT_PAGE_SIZE = 1_000;
export const eventTypes = Object.keys(currentSchemaVersion) as AuctionEventType[];

/** Where a `--state-of` query stops: after the event at a log position, or at a moment. */
export type StatePoint = { readonly kind: 'position'; readonly position: LogPosition } | { readonly kind: 'time'; readonly ms: number; readonly iso: string };

export type ExportFormat = 'ndjson' | 'parquet';

/** How the log or a table is written: NDJSON lines, or a Parquet file of row groups of `rowGroupRows`. */
export interface ExportOutput {
  readonly format: ExportFormat;
  readonly out: string | undefined;
  readonly rowGroupRows: number;
  readonly progress: boolean;
  readonly pageSize: number;
}

export type ReplayRequest =
  | { readonly kind: 'help' }
  | ({
      readonly kind: 'log';
      readonly filter: EventFilter;
    } & ExportOutput)
  | ({
      readonly kind: 'table';
      readonly table: AnalyticsTable;
      readonly fromMs?: number;
      readonly toMs?: number;
    } & ExportOutput)
  | {
      readonly kind: 'state';
      readonly auctionId: string;
      readonly at: StatePoint;
      readonly out: string | undefined;
    };

const refined = <A>(name: string, parse: (s: string) => A | undefined, expected: string) =>
  new t.Type<A, string, unknown>(
    name,
    (u): u is A => parse(String(u)) !== undefined,
    (u, c) => {
      const value = typeof u === 'string' ? parse(u) : undefined;
      return value === undefined ? t.failure(u, c, `expected ${expected}`) : t.success(value);
    },
    String,
  );

// ISO 8601 with a zone (Z or ±hh:mm), or a plain date meaning midnight UTC. A date-time without
// a zone is refused: it would silently mean the analyst's local time.
const isoPattern = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;
export const IsoInstant = refined<{ ms: number; iso: string }>(
  'IsoInstant',
  (s) => {
    if (!isoPattern.test(s)) return undefined;
    const ms = Date.parse(s);
    return Number.isFinite(ms) ? { ms, iso: new Date(ms).toISOString() } : undefined;
  },
  'an ISO 8601 time with a zone (2025-06-01T12:00:00Z, 2025-06-01T14:00:00+02:00) or a date (2025-06-01, midnight UTC)',
);

/** A log position as printed in the `position` field of replayed events; 0 is the log's start. */
export const PositionArg = refined<LogPosition>('LogPosition', (s) => (/^(?:0|\d{1,20}:\d{1,20})$/.test(s) ? s : undefined), "a log position as printed in an event's \"position\" field (e.g. 7412:1043), or 0 for the start");

const EventTypeList = refined<readonly AuctionEventType[]>(
  'EventTypes',
  (s) => {
    const list = s.split(',').map((x) => x.trim()).filter((x) => x !== '');
    return list.length > 0 && list.every((x) => (eventTypes as string[]).includes(x)) ? (list as AuctionEventType[]) : undefined;
  },
  `event types from ${eventTypes.join(', ')} (comma-separated or --type repeated)`,
);

const PageSize = refined<number>('PageSize', (s) => (/^\d{1,5}$/.test(s) && Number(s) >= 1 && Number(s) <= 10_000 ? Number(s) : undefined), 'a whole number from 1 to 10000');

const RowGroupSize = refined<number>('RowGroupSize', (s) => (/^\d{1,7}$/.test(s) && Number(s) >= 1 && Number(s) <= 1_000_000 ? Number(s) : undefined), 'a whole number of rows from 1 to 1000000');

const Format = refined<ExportFormat>('Format', (s) => (s === 'ndjson' || s === 'parquet' ? s : undefined), 'ndjson or parquet');

const Table = refined<AnalyticsTable>('Table', (s) => (analyticsTables as readonly string[]).includes(s) ? (s as AnalyticsTable) : undefined, `one of ${analyticsTables.join(', ')}`);

const NonEmptyPath = refined<string>('Path', (s) => (s.trim() !== '' ? s : undefined), 'a file path');

const AuctionIdArg = refined<string>('AuctionId', (s) => (AuctionId.is(s) ? s : undefined), 'an auction id (1-128 letters, digits or ._:@-)');

/** The options as parseArgs returns them, each decoded by its codec. */
const ArgsCodec = t.partial({
  auction: AuctionIdArg,
  from: IsoInstant,
  to: IsoInstant,
  after: PositionArg,
  until: PositionArg,
  type: t.array(EventTypeList),
  out: NonEmptyPath,
  'state-of': AuctionIdArg,
  'at-position': PositionArg,
  'at-time': IsoInstant,
  'page-size': PageSize,
  'no-progress': t.boolean,
  format: Format,
  table: Table,
  'row-group-size': RowGroupSize,
  help: t.boolean,
});

const parseOptions = {
  auction: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  after: { type: 'string' },
  until: { type: 'string' },
  type: { type: 'string', multiple: true },
  out: { type: 'string', short: 'o' },
  'state-of': { type: 'string' },
  'at-position': { type: 'string' },
  'at-time': { type: 'string' },
  'page-size': { type: 'string' },
  'no-progress': { type: 'boolean' },
  format: { type: 'string' },
  table: { type: 'string' },
  'row-group-size': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const describeErrors = (errors: t.Errors): string =>
  errors
    .map((e) => {
      const option = e.context[1]?.key ?? '?';
      return `--${option} ${JSON.stringify(e.value)}: ${e.message ?? 'invalid'}`;
    })
    .join('; ');

/** Turns argv (without node and the script) into a request, or throws a UsageError. */
export const parseReplayArgs = (argv: readonly string[]): ReplayRequest => {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: parseOptions, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const decoded = ArgsCodec.decode(values);
  if (isLeft(decoded)) throw new UsageError(describeErrors(decoded.left));
  const a = decoded.right;
  if (a.help === true) return { kind: 'help' };

  const stateOf = a['state-of'];
  const atPosition = a['at-position'];
  const atTime = a['at-time'];
  if (stateOf !== undefined) {
    const logOnly = (['auction', 'from', 'to', 'after', 'until', 'type', 'page-size', 'no-progress', 'format', 'table', 'row-group-size'] as const).filter((k) => a[k] !== undefined);
    if (logOnly.length > 0) throw new UsageError(`--state-of cannot be combined with ${logOnly.map((k) => `--${k}`).join(', ')}`);
    if ((atPosition === undefined) === (atTime === undefined)) throw new UsageError('--state-of needs exactly one of --at-position <position> or --at-time <iso>');
    return {
      kind: 'state',
      auctionId: stateOf,
      at: atPosition !== undefined ? { kind: 'position', position: atPosition } : { kind: 'time', ms: atTime!.ms, iso: atTime!.iso },
      out: a.out,
    };
  }
  if (atPosition !== undefined || atTime !== undefined) throw new UsageError('--at-position and --at-time go with --state-of <auctionId>');
  if (a.from !== undefined && a.to !== undefined && a.from.ms >= a.to.ms) throw new UsageError(`--from ${a.from.iso} must be before --to ${a.to.iso} (the end is exclusive)`);
  const format = a.format ?? 'ndjson';
  if (format === 'parquet' && a.out === undefined) {
    throw new UsageError('--format parquet needs --out <file>: a Parquet file is binary and read by seeking, so it is never written to stdout');
  }
  if (a['row-group-size'] !== undefined && format !== 'parquet') throw new UsageError('--row-group-size goes with --format parquet');
  const output: ExportOutput = {
    format,
    out: a.out,
    rowGroupRows: a['row-group-size'] ?? DEFAULT_ROW_GROUP_ROWS,
    progress: a['no-progress'] !== true,
    pageSize: a['page-size'] ?? DEFAULT_PAGE_SIZE,
  };
  if (a.table !== undefined) {
    const logOnly = (['auction', 'after', 'until', 'type'] as const).filter((k) => a[k] !== undefined);
    if (logOnly.length > 0) throw new UsageError(`--table ${a.table} is exported by time (--from/--to) only: it cannot be combined with ${logOnly.map((k) => `--${k}`).join(', ')}`);
    return {
      kind: 'table',
      table: a.table,
      ...(a.from !== undefined ? { fromMs: a.from.ms } : {}),
      ...(a.to !== undefined ? { toMs: a.to.ms } : {}),
      ...output,
    };
  }
  const types = a.type === undefined ? undefined : [...new Set(a.type.flat())];
  return {
    kind: 'log',
    filter: {
      ...(a.auction !== undefined ? { auctionId: a.auction } : {}),
      ...(a.from !== undefined ? { fromMs: a.from.ms } : {}),
      ...(a.to !== undefined ? { toMs: a.to.ms } : {}),
      ...(a.after !== undefined ? { after: a.after } : {}),
      ...(a.until !== undefined ? { until: a.until } : {}),
      ...(types !== undefined ? { types } : {}),
    },
    ...output,
  };
};

export const usage = `usage: npm run -s replay -- [filters] [--format ndjson|parquet] [--out <file>]
       npm run -s replay -- --table <table> [--from <iso>] [--to <iso>] [--format ndjson|parquet] [--out <file>]
       npm run -s replay -- --state-of <auctionId> (--at-position <position> | --at-time <iso>)

Writes the event log as NDJSON: one event per line, in commit order, each line the same JSON as
the value of a Kafka message on auction-events (eventId, type, data, metadata, streamId,
streamVersion, position, prevHash, hash); or as Parquet (--format parquet): one row per event,
columns position, stream_id, stream_version, event_id, type, schema_version, server_time
(TIMESTAMP UTC), auction_id, data and metadata (JSON text), prev_hash, hash. Reads the log that
DATABASE_URL, DATA_DIR or EVENTSTORE_URL name, and never writes to it.

Filters (all optional; an event must pass every one):
  --auction <id>          one auction's stream (auction-<id>)
  --from <iso>            events whose server time is at or after this moment
  --to <iso>              ... and before this moment (the end is exclusive)
  --after <position>      events after this log position (exclusive)
  --until <position>      ... up to and including this position
  --type <types>          only these event types (comma-separated, or --type repeated):
                          ${eventTypes.join(', ')}

Analytics tables (--table, read from DATABASE_URL or DATA_DIR):
  --table <table>         export this table instead of the log, its rows whose time is in
                          [--from, --to): ${analyticsTables.map((table) => `${table} (${tableTimeColumns[table]})`).join(',\n                          ')}
                          (as NDJSON objects keyed by column, or Parquet with typed columns)

Output:
  --format <format>       ndjson (default) or parquet (needs --out)
  -o, --out <file>        write to a file (written to <file>.partial, renamed when complete)
                          instead of stdout
  --row-group-size <n>    Parquet rows per row group (default ${DEFAULT_ROW_GROUP_ROWS}): at most this many
                          rows are held in memory
  --page-size <n>         events read per query (default ${DEFAULT_PAGE_SIZE}, at most 10000)
  --no-progress           no progress bar (it is drawn on stderr only when stderr is a terminal)

State of one auction:
  --state-of <auctionId>  prints the auction's state as JSON, folded from its events (old
                          shapes upcast) up to a point, with its public status at that point:
  --at-position <p>       after every event of the auction at or before log position p
  --at-time <iso>         after every event stamped at or before this moment

Times are ISO 8601 with a zone (2025-06-01T12:00:00Z, 2025-06-01T14:00:00+02:00) or a date
(2025-06-01 = midnight UTC). Positions are as printed in the events' "position" field; 0 is
the start of the log.

Exit status: 0 done (also when a reader such as head closes the pipe early), 1 the log or the
table could not be read (with --state-of: an event of the auction cannot be decoded; the report names it under
"unreadable" and shows the state before it), 2 bad arguments or no such auction.

Examples:
  npm run -s replay > log.ndjson                                   # the whole log
  npm run -s replay -- --auction 6f1c2a --type BidPlaced | jq -c '.data | {bidderId, maxAmount}'
  npm run -s replay -- --from 2025-06-01 --to 2025-06-02 --out june-1.ndjson
  npm run -s replay -- --from 2025-06-01 --to 2025-07-01 --format parquet --out june.parquet
  npm run -s replay -- --table analytics_auctions --from 2025-06-01 --format parquet --out auctions.parquet
  npm run -s replay -- --after 7412:1043 | head -n 100              # the next 100 events
  npm run -s replay -- --state-of 6f1c2a --at-time 2025-06-01T18:30:00Z
  npm run -s replay -- --state-of 6f1c2a --at-position 7412:1043
  DATABASE_URL=postgres://... npm run -s replay -- --type AuctionClosed`;
