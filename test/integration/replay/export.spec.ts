// The replay's exports for analysts, read back by an independent reader: DuckDB reads the Parquet
// export of a real log (written over HTTP) and of seeded analytics tables, and every row and column
// is compared with the source and with the NDJSON export of the same range. On PGlite (a data
// folder) always, and on PostgreSQL when DATABASE_URL is set. Also: row groups are written as the
// pages arrive (in process), and time ranges at their boundaries.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Context } from 'mocha';
import { DuckDBInstance, DuckDBTimestampTZValue } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { EventLog, RecordedEvent } from '../../../domain/index.js';
import { RecordedEventCodec, START, auctionIdOfStream } from '../../../domain/index.js';
import { openEventLogReader, openSqlReader } from '../../../commands/index.js';
import type { SqlExecutor } from '../../../infra/index.js';
import { isoMs, openPglite, openPostgres } from '../../../infra/index.js';
import { analyticsTables } from '../../../projections/index.js';
import type { AnalyticsTable } from '../../../projections/index.js';
import { ParquetEventSink } from '../../../scripts/replay/event-parquet.js';
import { openEventSource } from '../../../scripts/replay/event-source.js';
import { NdjsonSink } from '../../../scripts/replay/ndjson-sink.js';
import { NdjsonRowSink, describeTable, exportTable } from '../../../scripts/replay/table-export.js';
import { replayLog } from '../../../scripts/replay/replay-log.js';
import { childEnv, serviceUrl } from '../../support/services.js';
import { freshDatabase } from '../../support/system.js';
import { writeLogFixture } from './log-fixture.js';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'scripts', 'replay.js');

interface Target {
  readonly systemEnv: Record<string, string>;
  readonly cliEnv: Record<string, string | undefined>;
  readonly readerOptions: { readonly databaseUrl?: string; readonly dataDir: string };
  /** A writable connection (to seed and read the tables); closed before the CLI runs (PGlite holds its folder). */
  openSql(): Promise<SqlExecutor>;
  cleanup(): Promise<void>;
}

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const runCli = (args: readonly string[], env: Record<string, string | undefined>): Promise<CliResult> =>
  new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env: childEnv(env), maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });

type Row = Record<string, unknown>;

/** DuckDB's reading of a Parquet file: column types, and rows in file order (times as ms since the epoch). */
const duckRead = async (duck: DuckDBConnection, file: string): Promise<{ types: Record<string, string>; rows: Row[]; rowGroups: number }> => {
  const path = file.replace(/'/g, "''");
  const described = await duck.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
  const types = Object.fromEntries(described.getRowObjectsJson().map((r) => [String(r.column_name), String(r.column_type)]));
  const read = await duck.runAndReadAll(`SELECT * EXCLUDE (file_row_number) FROM read_parquet('${path}', file_row_number = true) ORDER BY file_row_number`);
  const rows = read.getRowObjects().map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof DuckDBTimestampTZValue ? Number(v.micros / 1000n) : v])),
  );
  const groups = await duck.runAndReadAll(`SELECT count(DISTINCT row_group_id)::INTEGER AS n FROM parquet_metadata('${path}')`);
  return { types, rows, rowGroups: Number(groups.getRowObjects()[0]?.n ?? 0) };
};

const parseNdjson = (text: string): unknown[] =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);

const decodeEvents = (text: string): RecordedEvent[] =>
  parseNdjson(text).map((value) => {
    const decoded = RecordedEventCodec.decode(value);
    if (decoded._tag === 'Left') throw new Error('a line does not decode as a RecordedEvent');
    return decoded.right;
  });

/** What a Parquet row of the log holds for an event, with data and metadata parsed. */
const expectedEventRow = (e: RecordedEvent): Row => ({
  position: e.position,
  stream_id: e.streamId,
  stream_version: e.streamVersion,
  event_id: e.eventId,
  type: e.type,
  schema_version: e.metadata.schemaVersion,
  server_time: Date.parse(e.metadata.serverTime),
  auction_id: auctionIdOfStream(e.streamId) ?? null,
  data: e.data,
  metadata: e.metadata,
  prev_hash: e.prevHash,
  hash: e.hash,
});

const parsedEventRow = (row: Row): Row => ({ ...row, data: JSON.parse(String(row.data)), metadata: JSON.parse(String(row.metadata)) });

// ---- the seeded analytics tables: 2025-06-01, far from the fixture's own times ----

const T0 = Date.parse('2025-06-01T12:00:00.000Z');
const MIN = 60_000;
const at = (ms: number) => new Date(ms).toISOString();

/** The rows seeded, as the export should give them (times in ms, money as bigint). */
const seeded: Record<AnalyticsTable, Row[]> = {
  analytics_auctions: [
    {
      auction_id: 'seed-a1', version: 9, seller_id: 'sam', format: 'english', currency: 'USD', starting_price: 1000n, reserve_price: 5000n,
      created_at: T0, starts_at: T0, ends_at: T0 + 60 * MIN + 120_000, first_bid_at: T0 + 1_234, bids: 3, distinct_bidders: 2, extensions: 1,
      last_minute_bids: 1, status: 'sold', final_price: 12_345_678_901n, reserve_met: true, ended_at: T0 + 62 * MIN,
    },
    {
      auction_id: 'seed-a2', version: 2, seller_id: 'sue', format: 'sealed-first-price', currency: 'EUR', starting_price: 1500n, reserve_price: null,
      created_at: T0 + MIN, starts_at: T0 + 2 * MIN, ends_at: T0 + 90 * MIN, first_bid_at: null, bids: 1, distinct_bidders: 1, extensions: 0,
      last_minute_bids: 0, status: 'open', final_price: null, reserve_met: false, ended_at: null,
    },
    {
      auction_id: 'seed-a3', version: 2, seller_id: 'sam', format: 'dutch', currency: 'JPY', starting_price: 900_000n, reserve_price: null,
      created_at: T0 + 2 * MIN, starts_at: T0 + 2 * MIN, ends_at: T0 + 30 * MIN, first_bid_at: null, bids: 0, distinct_bidders: 0, extensions: 0,
      last_minute_bids: 0, status: 'cancelled', final_price: null, reserve_met: false, ended_at: T0 + 3 * MIN + 1,
    },
  ],
  analytics_auction_bidders: [
    { auction_id: 'seed-a1', bidder_id: 'alice' },
    { auction_id: 'seed-a1', bidder_id: 'bob' },
    { auction_id: 'seed-a2', bidder_id: 'carol' },
  ],
  analytics_price_points: [
    { auction_id: 'seed-a1', stream_version: 1, at: T0, price: 1000n },
    { auction_id: 'seed-a1', stream_version: 2, at: T0 + MIN, price: 2000n },
    { auction_id: 'seed-a2', stream_version: 1, at: T0 + MIN, price: 1500n },
    { auction_id: 'seed-a1', stream_version: 3, at: T0 + 2 * MIN, price: 12_345_678_901n },
  ],
  analytics_bids_per_minute: [
    { minute: T0, bids: 3, last_minute_bids: 1 },
    { minute: T0 + MIN, bids: 1, last_minute_bids: 0 },
    { minute: T0 + 2 * MIN, bids: 0, last_minute_bids: 0 },
  ],
};

const timestampColumns = new Set(['created_at', 'starts_at', 'ends_at', 'first_bid_at', 'ended_at', 'at', 'minute']);
const int64Columns = new Set(['starting_price', 'reserve_price', 'final_price', 'price']);

const seed = async (sql: SqlExecutor): Promise<void> => {
  for (const table of analyticsTables) {
    for (const row of seeded[table]) {
      const names = Object.keys(row);
      const values = names.map((k) => {
        const v = row[k];
        if (v === null) return null;
        if (timestampColumns.has(k)) return at(Number(v));
        if (typeof v === 'bigint') return v.toString();
        return v as string | number | boolean;
      });
      await sql.query(`INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`, values);
    }
  }
};

/** The whole table read through SQL, in the export's order and its JS shapes: the source to compare with. */
const readTable = async (sql: SqlExecutor, table: AnalyticsTable): Promise<Row[]> => {
  const { rows: columns } = await sql.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  const select = columns.map(({ column_name: c }) => (timestampColumns.has(c) ? `${isoMs(c)} AS ${c}` : int64Columns.has(c) ? `${c}::text AS ${c}` : c));
  const order: Record<AnalyticsTable, string> = {
    analytics_auctions: 'created_at, auction_id',
    analytics_auction_bidders: 'auction_id, bidder_id',
    analytics_price_points: 'at, auction_id, stream_version',
    analytics_bids_per_minute: 'minute',
  };
  const { rows } = await sql.query<Row>(`SELECT ${select.join(', ')} FROM ${table} ORDER BY ${order[table]}`);
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [k, v === null ? null : timestampColumns.has(k) ? Date.parse(String(v)) : int64Columns.has(k) ? BigInt(String(v)) : v]),
    ),
  );
};

/** A table row as its NDJSON export writes it: times ISO 8601 UTC, money a JSON number. */
const asJson = (row: Row): Row =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : timestampColumns.has(k) ? at(Number(v)) : typeof v === 'bigint' ? Number(v) : v]));

// ---- the suite, per backend ----

const exportSuite = (name: string, onPostgres: boolean, open: (ctx: Context) => Promise<Target>) =>
  describe(`replay exports (Parquet, NDJSON): ${name}`, function () {
    this.timeout(240_000);
    let target: Target | undefined;
    let all: readonly RecordedEvent[];
    let tables: Record<AnalyticsTable, Row[]>;
    let dir: string;
    let instance: DuckDBInstance;
    let duck: DuckDBConnection;

    before(async function () {
      target = await open(this);
      await writeLogFixture(target.systemEnv);
      const sql = await target.openSql();
      try {
        await seed(sql);
        tables = Object.fromEntries(await Promise.all(analyticsTables.map(async (t) => [t, await readTable(sql, t)] as const))) as Record<AnalyticsTable, Row[]>;
      } finally {
        await sql.close();
      }
      const reader = await openEventLogReader(target.readerOptions);
      try {
        all = await reader.log.readAll({ after: START, limit: 100_000 });
      } finally {
        await reader.close();
      }
      dir = mkdtempSync(join(tmpdir(), 'gs-export-'));
      instance = await DuckDBInstance.create(':memory:');
      duck = await instance.connect();
    });
    after(async () => {
      duck?.closeSync();
      instance?.closeSync();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      await target?.cleanup();
    });

    const file = (name: string) => join(dir, name);
    const ms = (e: RecordedEvent) => Date.parse(e.metadata.serverTime);

    it('the log as Parquet: DuckDB reads every event back, column by column, with the documented types', async () => {
      const out = await runCli(['--format', 'parquet', '--out', file('log.parquet'), '--row-group-size', '50', '--page-size', '17'], target!.cliEnv);
      assert.equal(out.code, 0, out.stderr);
      assert.equal(out.stdout + out.stderr, '');
      const read = await duckRead(duck, file('log.parquet'));
      assert.deepEqual(read.types, {
        position: 'VARCHAR', stream_id: 'VARCHAR', stream_version: 'INTEGER', event_id: 'VARCHAR', type: 'VARCHAR', schema_version: 'INTEGER',
        server_time: 'TIMESTAMP WITH TIME ZONE', auction_id: 'VARCHAR', data: 'VARCHAR', metadata: 'VARCHAR', prev_hash: 'VARCHAR', hash: 'VARCHAR',
      });
      assert.equal(read.rows.length, all.length);
      assert.deepEqual(read.rows.map(parsedEventRow), all.map(expectedEventRow));
      assert.equal(read.rowGroups, Math.ceil(all.length / 50), 'one row group per 50 rows');
      assert.ok(all.some((e) => e.metadata.schemaVersion === 1), 'the legacy event is in');

      // The NDJSON export of the same range says the same.
      const ndjson = await runCli([], target!.cliEnv);
      assert.equal(ndjson.code, 0, ndjson.stderr);
      assert.deepEqual(decodeEvents(ndjson.stdout).map(expectedEventRow), read.rows.map(parsedEventRow));
      // And DuckDB answers the README's question from it.
      const counted = await duck.runAndReadAll(`SELECT type, count(*)::INTEGER AS n FROM '${file('log.parquet')}' GROUP BY 1 ORDER BY 1`);
      const byType = new Map<string, number>();
      for (const e of all) byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
      assert.deepEqual(counted.getRowObjectsJson(), [...byType.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => ({ type, n })));
    });

    it('the log by time range (from inclusive, to exclusive) and other filters: Parquet equals NDJSON equals the source', async () => {
      const from = all[10]!.metadata.serverTime;
      const to = all[40]!.metadata.serverTime;
      const expected = all.filter((e) => ms(e) >= Date.parse(from) && ms(e) < Date.parse(to));
      assert.ok(expected.some((e) => e.eventId === all[10]!.eventId), 'the event at --from is in');
      assert.ok(!expected.some((e) => e.eventId === all[40]!.eventId), 'the event at --to is out');
      const cases: { args: string[]; expected: readonly RecordedEvent[] }[] = [
        { args: ['--from', from, '--to', to], expected },
        { args: ['--from', from, '--to', to, '--type', 'BidPlaced'], expected: expected.filter((e) => e.type === 'BidPlaced') },
        { args: ['--from', at(ms(all.at(-1)!) + 1)], expected: [] },
      ];
      for (const [i, { args, expected: want }] of cases.entries()) {
        const parquet = await runCli([...args, '--format', 'parquet', '--out', file(`range-${i}.parquet`)], target!.cliEnv);
        assert.equal(parquet.code, 0, parquet.stderr);
        const ndjson = await runCli(args, target!.cliEnv);
        assert.equal(ndjson.code, 0, ndjson.stderr);
        const read = await duckRead(duck, file(`range-${i}.parquet`));
        assert.deepEqual(read.rows.map(parsedEventRow), want.map(expectedEventRow), args.join(' '));
        assert.deepEqual(decodeEvents(ndjson.stdout).map(expectedEventRow), want.map(expectedEventRow), args.join(' '));
        if (want.length === 0) assert.equal(read.types.server_time, 'TIMESTAMP WITH TIME ZONE', 'an empty export keeps its schema');
      }
    });

    it('each analytics table as Parquet: typed columns, every row equal to the table', async () => {
      const expectedTypes: Record<AnalyticsTable, Record<string, string>> = {
        analytics_auctions: {
          auction_id: 'VARCHAR', version: 'INTEGER', seller_id: 'VARCHAR', format: 'VARCHAR', currency: 'VARCHAR', starting_price: 'BIGINT', reserve_price: 'BIGINT',
          created_at: 'TIMESTAMP WITH TIME ZONE', starts_at: 'TIMESTAMP WITH TIME ZONE', ends_at: 'TIMESTAMP WITH TIME ZONE', first_bid_at: 'TIMESTAMP WITH TIME ZONE',
          bids: 'INTEGER', distinct_bidders: 'INTEGER', extensions: 'INTEGER', last_minute_bids: 'INTEGER', status: 'VARCHAR', final_price: 'BIGINT',
          reserve_met: 'BOOLEAN', ended_at: 'TIMESTAMP WITH TIME ZONE',
        },
        analytics_auction_bidders: { auction_id: 'VARCHAR', bidder_id: 'VARCHAR' },
        analytics_price_points: { auction_id: 'VARCHAR', stream_version: 'INTEGER', at: 'TIMESTAMP WITH TIME ZONE', price: 'BIGINT' },
        analytics_bids_per_minute: { minute: 'TIMESTAMP WITH TIME ZONE', bids: 'INTEGER', last_minute_bids: 'INTEGER' },
      };
      for (const table of analyticsTables) {
        const out = await runCli(['--table', table, '--format', 'parquet', '--out', file(`${table}.parquet`), '--row-group-size', '2', '--page-size', '3'], target!.cliEnv);
        assert.equal(out.code, 0, out.stderr);
        const read = await duckRead(duck, file(`${table}.parquet`));
        // (columns the projector's schema adds later export too; these are the ones documented)
        assert.deepEqual(Object.fromEntries(Object.keys(expectedTypes[table]).map((c) => [c, read.types[c]])), expectedTypes[table], table);
        assert.deepEqual(read.rows, tables[table], table);
        for (const row of seeded[table]) assert.ok(read.rows.some((r) => JSON.stringify(asJson(r)) === JSON.stringify(asJson(row))), `${table}: a seeded row`);
        const ndjson = await runCli(['--table', table], target!.cliEnv);
        assert.equal(ndjson.code, 0, ndjson.stderr);
        assert.deepEqual(parseNdjson(ndjson.stdout), tables[table].map(asJson), `${table} as NDJSON`);
      }
      const money = await duck.runAndReadAll(`SELECT sum(final_price)::BIGINT AS total FROM '${file('analytics_auctions.parquet')}' WHERE auction_id LIKE 'seed-%'`);
      assert.equal(money.getRowObjects()[0]?.total, 12_345_678_901n);
    });

    it('the analytics tables by time range, at the boundaries (from inclusive, to exclusive; bidders by their auction)', async () => {
      const from = at(T0 + MIN);
      const to = at(T0 + 2 * MIN);
      const expected: Record<AnalyticsTable, Row[]> = {
        analytics_auctions: seeded.analytics_auctions.filter((r) => r.auction_id === 'seed-a2'),
        analytics_auction_bidders: [{ auction_id: 'seed-a2', bidder_id: 'carol' }],
        analytics_price_points: [
          { auction_id: 'seed-a1', stream_version: 2, at: T0 + MIN, price: 2000n },
          { auction_id: 'seed-a2', stream_version: 1, at: T0 + MIN, price: 1500n },
        ],
        analytics_bids_per_minute: [{ minute: T0 + MIN, bids: 1, last_minute_bids: 0 }],
      };
      // [rows in T0+1min-1ms .. T0+2min+1ms, rows in T0+1min+1ms .. T0+2min] (seed-a3 has no bidders)
      const widerAndInner: Record<AnalyticsTable, [number, number]> = {
        analytics_auctions: [2, 0],
        analytics_auction_bidders: [1, 0],
        analytics_price_points: [3, 0],
        analytics_bids_per_minute: [2, 0],
      };
      // The Parquet files through the command; the NDJSON and the millisecond edges in process, on
      // the same reader and export function the command uses (each command run opens the database,
      // which on PGlite takes seconds).
      for (const table of analyticsTables) {
        const out = await runCli(['--table', table, '--from', from, '--to', to, '--format', 'parquet', '--out', file(`${table}-range.parquet`)], target!.cliEnv);
        assert.equal(out.code, 0, out.stderr);
        const read = await duckRead(duck, file(`${table}-range.parquet`));
        const shown = (rows: Row[]) => rows.map((r) => Object.fromEntries(Object.keys(expected[table][0]!).map((k) => [k, r[k]])));
        assert.deepEqual(shown(read.rows), expected[table], table);
      }
      const opened = await openSqlReader(target!.readerOptions);
      try {
        const ndjsonOf = async (table: AnalyticsTable, fromMs: number, toMs: number): Promise<Row[]> => {
          const chunks: Buffer[] = [];
          const columns = await describeTable(opened.sql, table, opened.description);
          const out = new Writable({ write: (chunk: Buffer, _encoding, done) => { chunks.push(chunk); done(); } });
          await exportTable(opened.sql, { table, fromMs, toMs }, columns, new NdjsonRowSink(new NdjsonSink(out, false), columns), { pageSize: 2 });
          return parseNdjson(Buffer.concat(chunks).toString('utf8')) as Row[];
        };
        for (const table of analyticsTables) {
          const shown = (rows: Row[]) => rows.map((r) => Object.fromEntries(Object.keys(expected[table][0]!).map((k) => [k, r[k]])));
          assert.deepEqual(shown(await ndjsonOf(table, T0 + MIN, T0 + 2 * MIN)), expected[table].map(asJson), `${table} as NDJSON`);
          // A millisecond either way moves the rows at the ends in or out.
          const wider = await ndjsonOf(table, T0 + MIN - 1, T0 + 2 * MIN + 1);
          const inner = await ndjsonOf(table, T0 + MIN + 1, T0 + 2 * MIN);
          assert.deepEqual([wider.length, inner.length], widerAndInner[table], table);
        }
      } finally {
        await opened.sql.close();
      }
      const none = await runCli(['--table', 'analytics_auctions', '--from', '2000-01-01', '--to', '2000-01-02', '--format', 'parquet', '--out', file('none.parquet')], target!.cliEnv);
      assert.equal(none.code, 0, none.stderr);
      const empty = await duckRead(duck, file('none.parquet'));
      assert.deepEqual([empty.rows.length, empty.types.created_at, empty.types.final_price], [0, 'TIMESTAMP WITH TIME ZONE', 'BIGINT']);
      assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.partial')), [], 'no .partial file is left');
    });

    it('in process: row groups are written while the log is still being read, a page at a time', async () => {
      const reader = await openEventLogReader(target!.readerOptions);
      try {
        let bytes = 0;
        const chunks: Buffer[] = [];
        const out = new Writable({
          write(chunk: Buffer, _encoding, callback) {
            bytes += chunk.length;
            chunks.push(chunk);
            callback();
          },
        });
        const seen: number[] = [];
        const log: EventLog = {
          appendToStream: (...args) => reader.log.appendToStream(...args),
          readStream: (...args) => reader.log.readStream(...args),
          readAll: (options) => {
            seen.push(bytes);
            return reader.log.readAll(options);
          },
          subscribeToAll: (options) => reader.log.subscribeToAll(options),
          compareLogPositions: (a, b) => reader.log.compareLogPositions(a, b),
          close: () => reader.log.close(),
        };
        const source = await openEventSource(log, {}, { pageSize: 20 });
        const outcome = await replayLog(source, new ParquetEventSink(new NdjsonSink(out, true), 40));
        assert.equal(outcome.written, all.length);
        // Before the last page was read, most of the file had been handed to the output already.
        assert.ok(seen.at(-1)! > bytes / 2, `bytes out when the last page was read: ${seen.at(-1)} of ${bytes}`);
        const path = file('in-process.parquet');
        writeFileSync(path, Buffer.concat(chunks));
        const read = await duckRead(duck, path);
        assert.deepEqual(read.rows.map(parsedEventRow), all.map(expectedEventRow));
        assert.equal(read.rowGroups, Math.ceil(all.length / 40));
        assert.equal(readFileSync(path).subarray(0, 4).toString(), 'PAR1');
      } finally {
        await reader.close();
      }
    });

    // On PostgreSQL only (PGlite: every data folder is migrated on start), registered only there.
    if (onPostgres) it('a database without the analytics tables: exit 1 naming the table', async function () {
      const url = serviceUrl(this, 'DATABASE_URL', 'replay exports on PostgreSQL');
      const empty = await freshDatabase(url);
      try {
        const out = await runCli(['--table', 'analytics_auctions'], { DATABASE_URL: empty.url, EVENTSTORE_URL: undefined });
        assert.equal(out.code, 1);
        assert.match(out.stderr, /holds no analytics_auctions table/);
        assert.equal(out.stdout, '');
      } finally {
        await empty.drop();
      }
    });
  });

exportSuite('PGlite (DATA_DIR)', false, () => {
  const root = mkdtempSync(join(tmpdir(), 'gs-export-pglite-'));
  const dataDir = join(root, 'data');
  return Promise.resolve({
    systemEnv: { DATA_DIR: dataDir },
    cliEnv: { DATA_DIR: dataDir, DATABASE_URL: undefined, EVENTSTORE_URL: undefined },
    readerOptions: { dataDir },
    openSql: () => openPglite(dataDir),
    cleanup: () => Promise.resolve(rmSync(root, { recursive: true, force: true })),
  });
});

exportSuite('PostgreSQL (DATABASE_URL)', true, async (ctx) => {
  const url = serviceUrl(ctx, 'DATABASE_URL', 'replay exports on PostgreSQL');
  const database = await freshDatabase(url);
  return {
    systemEnv: { DATABASE_URL: database.url },
    cliEnv: { DATABASE_URL: database.url, EVENTSTORE_URL: undefined },
    readerOptions: { databaseUrl: database.url, dataDir: 'memory' },
    openSql: () => openPostgres(database.url),
    cleanup: () => database.drop(),
  };
});
