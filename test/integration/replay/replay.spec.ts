// The replay tools against a real log written over HTTP: on PGlite (a data folder) always, and on
// PostgreSQL when DATABASE_URL is set. In process (the replay functions) and as the compiled CLI.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Context } from 'mocha';
import type { EventLog, LogPosition, RecordedEvent } from '../../../domain/index.js';
import { RecordedEventCodec, START, decodeStoredEvent, fold, streamIdOf, verifyChain } from '../../../domain/index.js';
import type { EventLogReader, EventLogReaderOptions } from '../../../commands/index.js';
import { EventLogUnavailableError, openEventLogReader } from '../../../commands/index.js';
import { openPglite } from '../../../infra/index.js';
import type { EventFilter } from '../../../scripts/replay/filter.js';
import { NoSuchAuctionError, openEventSource } from '../../../scripts/replay/event-source.js';
import { NdjsonSink } from '../../../scripts/replay/ndjson-sink.js';
import { replayLog } from '../../../scripts/replay/replay-log.js';
import { stateAt } from '../../../scripts/replay/state-at.js';
import { childEnv, serviceUrl } from '../../support/services.js';
import { freshDatabase } from '../../support/system.js';
import { HOT_BIDS, writeLogFixture } from './log-fixture.js';
import type { LogFixture } from './log-fixture.js';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'scripts', 'replay.js');

interface Target {
  /** What the system that writes the fixture is given. */
  readonly systemEnv: Record<string, string>;
  readonly readerOptions: EventLogReaderOptions;
  /** The CLI's environment (unset variables as undefined). */
  readonly cliEnv: Record<string, string | undefined>;
  cleanup(): Promise<void>;
}

// ---- helpers ----

/** A Writable that keeps what it is given; `delayMs` slows each write down. */
const collector = (options: { highWaterMark?: number; delayMs?: number } = {}) => {
  const chunks: string[] = [];
  const stream = new Writable({
    highWaterMark: options.highWaterMark ?? 16_384,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      if (options.delayMs === undefined) callback();
      else setTimeout(callback, options.delayMs);
    },
  });
  return { stream, text: () => chunks.join('') };
};

const parseNdjson = (text: string): RecordedEvent[] =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const decoded = RecordedEventCodec.decode(JSON.parse(line));
      if (decoded._tag === 'Left') throw new Error(`a line does not decode as a RecordedEvent: ${line.slice(0, 200)}`);
      return decoded.right;
    });

/** The log with every readAll call recorded. */
const spyOn = (log: EventLog, calls: { limit: number; bufferedBytes: number }[], buffered: () => number = () => 0): EventLog => ({
  appendToStream: (...args) => log.appendToStream(...args),
  readStream: (...args) => log.readStream(...args),
  readAll: (options) => {
    calls.push({ limit: options.limit, bufferedBytes: buffered() });
    return log.readAll(options);
  },
  subscribeToAll: (options) => log.subscribeToAll(options),
  compareLogPositions: (a, b) => log.compareLogPositions(a, b),
  close: () => log.close(),
});

const decodeAll = (events: readonly RecordedEvent[]) =>
  events.map((e) => {
    const decoded = decodeStoredEvent(e);
    if (decoded._tag === 'Left') throw new Error(decoded.left);
    return decoded.right;
  });

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const cleanEnv = childEnv;

const runCli = (args: readonly string[], env: Record<string, string | undefined>): Promise<CliResult> =>
  new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env: cleanEnv(env), maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });

/** Runs a shell pipeline (bash, pipefail): its exit status is the first failing command's. */
const runShell = (command: string, env: Record<string, string | undefined>): Promise<CliResult> =>
  new Promise((resolve) => {
    const child = spawn('bash', ['-c', `set -o pipefail; ${command}`], { env: cleanEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

// ---- the suite, per backend ----

const replaySuite = (name: string, open: (ctx: Context) => Promise<Target>, extra?: (t: () => { target: Target; all: readonly RecordedEvent[] }) => void) =>
  describe(`replay tools: ${name}`, function () {
    this.timeout(180_000);
    let target: Target | undefined;
    let fixture: LogFixture;
    let reader: EventLogReader;
    let all: readonly RecordedEvent[];

    before(async function () {
      target = await open(this);
      fixture = await writeLogFixture(target.systemEnv);
      const probe = await openEventLogReader(target.readerOptions);
      try {
        all = await probe.log.readAll({ after: START, limit: 100_000 });
      } finally {
        await probe.close();
      }
    });
    after(async () => {
      await target?.cleanup();
    });

    const streamOf = (auctionId: string) => all.filter((e) => e.streamId === streamIdOf(auctionId));
    const ms = (e: RecordedEvent) => Date.parse(e.metadata.serverTime);

    // In process: the replay functions on a reader opened for this block (PGlite allows one
    // process per folder, so the CLI block below runs with it closed).
    describe('in process', () => {
      before(async () => {
        reader = await openEventLogReader(target!.readerOptions);
      });
      after(async () => {
        await reader?.close();
      });

      const replay = async (filter: EventFilter, pageSize = 1_000, log: EventLog = reader.log) => {
        const out = collector();
        const source = await openEventSource(log, filter, { pageSize });
        const outcome = await replayLog(source, new NdjsonSink(out.stream, false));
        return { events: parseNdjson(out.text()), text: out.text(), outcome };
      };
      it('writes the whole log in commit order, one RecordedEvent per line, chains intact', async () => {
        const { events, outcome } = await replay({});
        assert.ok(all.length > HOT_BIDS + 15, `the fixture wrote ${all.length} events`);
        assert.deepEqual(events, all);
        assert.deepEqual(outcome, { scanned: all.length, written: all.length, readerGone: false, aborted: false });
        for (let i = 1; i < events.length; i++) assert.ok(reader.log.compareLogPositions(events[i - 1]!.position, events[i]!.position) < 0, `commit order at line ${i + 1}`);
        assert.deepEqual(new Set(events.map((e) => e.type)), new Set(['AuctionCreated', 'BidPlaced', 'AuctionBoughtNow', 'AuctionCancelled', 'AuctionClosed']));
        for (const streamId of new Set(events.map((e) => e.streamId))) {
          assert.equal(verifyChain(events.filter((e) => e.streamId === streamId)).valid, true, streamId);
        }
      });

      it('reads a page at a time, never more', async () => {
        const calls: { limit: number; bufferedBytes: number }[] = [];
        const { events } = await replay({}, 7, spyOn(reader.log, calls));
        assert.deepEqual(events, all);
        assert.ok(calls.every((c) => c.limit === 7));
        assert.ok(calls.length >= Math.ceil(all.length / 7) && calls.length <= Math.ceil(all.length / 7) + 1, `${calls.length} reads`);
      });

      it('waits for a slow reader: the next page is read only once the output has drained', async () => {
        const out = collector({ highWaterMark: 1024, delayMs: 1 });
        const calls: { limit: number; bufferedBytes: number }[] = [];
        const log = spyOn(reader.log, calls, () => out.stream.writableLength);
        const source = await openEventSource(log, {}, { pageSize: 5 });
        const outcome = await replayLog(source, new NdjsonSink(out.stream, false));
        assert.equal(outcome.written, all.length);
        assert.deepEqual(parseNdjson(out.text()), all);
        // Each page is several kB, far over the 1 kB mark: reading on regardless would show here.
        assert.ok(calls.every((c) => c.bufferedBytes <= 1024), `buffered at reads: ${calls.map((c) => c.bufferedBytes).join(',')}`);
      });

      it('stops reading when the reader goes away (EPIPE), without an error', async () => {
        let chunks = 0;
        const out = new Writable({
          write(_chunk, _encoding, callback) {
            chunks++;
            callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
          },
        });
        const calls: { limit: number; bufferedBytes: number }[] = [];
        const source = await openEventSource(spyOn(reader.log, calls), {}, { pageSize: 10 });
        const outcome = await replayLog(source, new NdjsonSink(out, false));
        assert.equal(outcome.readerGone, true);
        assert.equal(chunks, 1);
        assert.equal(calls.length, 1, `${calls.length} pages read`);
      });

      it('one auction: its stream, in stream order', async () => {
        for (const auctionId of [fixture.hot, fixture.closed, fixture.legacy]) {
          const { events } = await replay({ auctionId }, 50);
          assert.deepEqual(events, streamOf(auctionId));
          assert.deepEqual(events.map((e) => e.streamVersion), events.map((_, i) => i + 1));
        }
        await assert.rejects(replay({ auctionId: 'no-such-auction' }), NoSuchAuctionError);
      });

      it('event types', async () => {
        const { events } = await replay({ types: ['AuctionClosed', 'AuctionBoughtNow'] }, 13);
        assert.deepEqual(events, all.filter((e) => e.type === 'AuctionClosed' || e.type === 'AuctionBoughtNow'));
        assert.equal(events.length, 2);
      });

      it('a server-time range: from inclusive, to exclusive', async () => {
        const fromMs = ms(all[10]!);
        const toMs = ms(all[40]!);
        const { events } = await replay({ fromMs, toMs }, 9);
        const expected = all.filter((e) => ms(e) >= fromMs && ms(e) < toMs);
        assert.deepEqual(events, expected);
        assert.ok(events.includes(all[10]!) || events.some((e) => e.eventId === all[10]!.eventId), 'the event at --from is in');
        assert.ok(!events.some((e) => e.eventId === all[40]!.eventId), 'the event at --to is out');
        const hot = await replay({ auctionId: fixture.hot, fromMs, toMs, types: ['BidPlaced'] });
        assert.deepEqual(hot.events, expected.filter((e) => e.streamId === streamIdOf(fixture.hot) && e.type === 'BidPlaced'));
      });

      it('a position range: after exclusive, until inclusive', async () => {
        const after = all[5]!.position;
        const until = all[20]!.position;
        const { events } = await replay({ after, until }, 4);
        assert.deepEqual(events, all.slice(6, 21));
        assert.deepEqual((await replay({ after: all[all.length - 1]!.position })).events, []);
        assert.deepEqual((await replay({ until: START })).events, []);
        const hot = streamOf(fixture.hot);
        const inStream = await replay({ auctionId: fixture.hot, after: hot[2]!.position, until: hot[9]!.position }, 3);
        assert.deepEqual(inStream.events, hot.slice(3, 10));
      });

      it('the state at each position equals the fold of the stream up to it', async () => {
        for (const auctionId of Object.values(fixture)) {
          const stream = streamOf(auctionId);
          // every version of the small streams; of the hot one, every 13th and the last
          const versions = stream.map((_, i) => i).filter((i) => stream.length < 30 || i % 13 === 0 || i === stream.length - 1);
          for (const i of versions) {
            const report = await stateAt(reader.log, auctionId, { kind: 'position', position: stream[i]!.position });
            assert.deepEqual(report.state, fold(decodeAll(stream.slice(0, i + 1))), `${auctionId} at version ${i + 1}`);
            assert.equal(report.version, i + 1);
            assert.equal(report.lastEvent?.position, stream[i]!.position);
          }
          // between two of its events (at another stream's event), and before its first
          const first = all.findIndex((e) => e.streamId === streamIdOf(auctionId));
          const before = await stateAt(reader.log, auctionId, { kind: 'position', position: first === 0 ? START : all[first - 1]!.position });
          assert.deepEqual([before.state, before.version, before.status, before.lastEvent], [{ kind: 'none' }, 0, null, null]);
        }
        const hot = streamOf(fixture.hot);
        const between = all.find((e) => e.streamId !== streamIdOf(fixture.hot) && reader.log.compareLogPositions(e.position, hot[0]!.position) > 0);
        if (between !== undefined) {
          const upTo = hot.filter((e) => reader.log.compareLogPositions(e.position, between.position) <= 0);
          assert.deepEqual((await stateAt(reader.log, fixture.hot, { kind: 'position', position: between.position })).state, fold(decodeAll(upTo)));
        }
      });

      it('the state at a time folds the events stamped at or before it', async () => {
        for (const auctionId of [fixture.bidding, fixture.closed, fixture.boughtNow]) {
          const stream = streamOf(auctionId);
          for (const event of stream) {
            const t = ms(event);
            const report = await stateAt(reader.log, auctionId, { kind: 'time', ms: t, iso: new Date(t).toISOString() });
            assert.deepEqual(report.state, fold(decodeAll(stream.filter((e) => ms(e) <= t))));
            assert.deepEqual(report.asOf, { time: event.metadata.serverTime });
          }
        }
      });

      it('the public status then', async () => {
        const at = async (auctionId: string, position: LogPosition) => (await stateAt(reader.log, auctionId, { kind: 'position', position })).status;
        const lastOf = (auctionId: string) => streamOf(auctionId).at(-1)!;
        assert.equal(await at(fixture.bidding, lastOf(fixture.bidding).position), 'open');
        assert.equal(await at(fixture.boughtNow, lastOf(fixture.boughtNow).position), 'sold');
        assert.equal(await at(fixture.cancelled, lastOf(fixture.cancelled).position), 'cancelled');
        const closedStream = streamOf(fixture.closed);
        assert.equal(closedStream.at(-1)!.type, 'AuctionClosed');
        assert.equal(await at(fixture.closed, closedStream.at(-1)!.position), 'sold');
        assert.equal(await at(fixture.closed, closedStream.at(-2)!.position), 'open');
        // Scheduled: not yet open as of its creation; open once the log has passed its start time.
        const created = streamOf(fixture.scheduled)[0]!;
        assert.equal(await at(fixture.scheduled, created.position), 'scheduled');
        assert.equal(await at(fixture.scheduled, closedStream.at(-1)!.position), 'open');
        const startsAt = Date.parse(String(created.data.startsAt));
        const atTime = async (t: number) => (await stateAt(reader.log, fixture.scheduled, { kind: 'time', ms: t, iso: new Date(t).toISOString() })).status;
        assert.equal(await atTime(startsAt - 1), 'scheduled');
        assert.equal(await atTime(startsAt), 'open');
      });

      it('upcasts old event shapes before folding', async () => {
        const legacy = streamOf(fixture.legacy);
        assert.equal(legacy[0]!.metadata.schemaVersion, 1);
        assert.equal('softClose' in legacy[0]!.data, false);
        const report = await stateAt(reader.log, fixture.legacy, { kind: 'position', position: legacy.at(-1)!.position });
        assert.equal(report.state.kind, 'auction');
        if (report.state.kind === 'auction') {
          assert.equal(report.state.softClose, null);
          assert.equal(report.state.bidCount, 1);
        }
        await assert.rejects(stateAt(reader.log, 'no-such-auction', { kind: 'position', position: START }), NoSuchAuctionError);
      });

      it('opens the log read-only: an append is refused by the database', async () => {
        const event = { eventId: 'replay-must-not-write', type: 'AuctionCancelled', data: {}, metadata: all[0]!.metadata };
        await assert.rejects(reader.log.appendToStream('auction-replay-probe', 0, [event]), /read-only/);
        assert.equal(await reader.countEvents(START), all.length);
        assert.equal(await reader.countEvents(all[3]!.position, all[9]!.position), 6);
      });
    });

    // ---- the compiled command ----
    describe('the compiled CLI', () => {
      let wholeLog = '';

      it('CLI: the same NDJSON on stdout and in --out, nothing on stderr off a terminal', async () => {
        const env = target!.cliEnv;
        const out = await runCli([], env);
        wholeLog = out.stdout;
        assert.equal(out.code, 0, out.stderr);
        assert.equal(out.stderr, '');
        assert.deepEqual(parseNdjson(out.stdout), all);
        const dir = mkdtempSync(join(tmpdir(), 'gs-replay-out-'));
        try {
          const file = join(dir, 'log.ndjson');
          const toFile = await runCli(['--out', file, '--page-size', '17'], env);
          assert.equal(toFile.code, 0, toFile.stderr);
          assert.equal(toFile.stdout, '');
          assert.equal(readFileSync(file, 'utf8'), out.stdout);
          assert.deepEqual(readdirSync(dir), ['log.ndjson'], 'no .partial file is left');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

      it('CLI: filters and --state-of', async () => {
        const env = target!.cliEnv;
        const hot = streamOf(fixture.hot);
        const filtered = await runCli(['--auction', fixture.hot, '--type', 'BidPlaced', '--after', hot[3]!.position, '--until', hot[30]!.position], env);
        assert.equal(filtered.code, 0, filtered.stderr);
        assert.deepEqual(parseNdjson(filtered.stdout), hot.slice(4, 31));
        const from = all[10]!.metadata.serverTime;
        const to = all[40]!.metadata.serverTime;
        const timed = await runCli(['--from', from, '--to', to, '--type', 'BidPlaced,AuctionCreated'], env);
        assert.equal(timed.code, 0, timed.stderr);
        assert.deepEqual(parseNdjson(timed.stdout), all.filter((e) => ms(e) >= Date.parse(from) && ms(e) < Date.parse(to) && ['BidPlaced', 'AuctionCreated'].includes(e.type)));

        const bidding = streamOf(fixture.bidding);
        const position = bidding[2]!.position;
        const state = await runCli(['--state-of', fixture.bidding, '--at-position', position], env);
        assert.equal(state.code, 0, state.stderr);
        const report = JSON.parse(state.stdout) as { state: unknown; version: number; status: string; asOf: unknown };
        assert.deepEqual(report.state, JSON.parse(JSON.stringify(fold(decodeAll(bidding.slice(0, 3))))));
        assert.deepEqual([report.version, report.status, report.asOf], [3, 'open', { position }]);
        const timeState = await runCli(['--state-of', fixture.closed, '--at-time', new Date().toISOString()], env);
        assert.equal(timeState.code, 0, timeState.stderr);
        assert.equal(JSON.parse(timeState.stdout).status, 'sold');
      });

      it('CLI: an unknown auction or an empty position range exits 2 with a message, printing nothing', async () => {
        const env = target!.cliEnv;
        // (arguments that are wrong whatever the log holds: test/unit/replay/cli.spec.ts)
        const cases: [string[], RegExp][] = [
          [['--auction', 'no-such-auction'], /no auction no-such-auction/],
          [['--state-of', 'no-such-auction', '--at-position', '0'], /no auction no-such-auction/],
          [['--after', all[9]!.position, '--until', all[3]!.position], /must be before --until/],
          [['--out', join(tmpdir(), 'no-such-dir-gs', 'x.ndjson')], /--out .*ENOENT/],
        ];
        for (const [args, message] of cases) {
          const out = await runCli(args, env);
          assert.equal(out.code, 2, `${args.join(' ')}: ${out.stderr}`);
          assert.match(out.stderr, message);
          assert.equal(out.stdout, '');
        }
      });

      it('CLI: `| head -n 1` ends the replay cleanly', async () => {
        assert.ok(wholeLog.length > 256 * 1024, `the log's NDJSON (${wholeLog.length} bytes) outgrows a pipe's buffer`);
        for (const pageSize of ['1000', '10']) {
          const piped = await runShell(`${quote(process.execPath)} ${quote(script)} --page-size ${pageSize} | head -n 1`, target!.cliEnv);
          assert.equal(piped.code, 0, piped.stderr);
          assert.equal(piped.stderr, '');
          assert.deepEqual(parseNdjson(piped.stdout), [all[0]]);
        }
      });

      it('CLI: the progress bar goes to a terminal on stderr, never into the data', async function () {
        const dir = mkdtempSync(join(tmpdir(), 'gs-replay-tty-'));
        try {
          const file = join(dir, 'out.ndjson');
          // `script` runs the command on a pseudo-terminal: stderr is a TTY, stdout goes to the file.
          const tty = await runShell(`script -qefc ${quote(`${quote(process.execPath)} ${quote(script)} > ${quote(file)}`)} /dev/null`, target!.cliEnv);
          if (tty.code === 127) this.skip();
          assert.equal(tty.code, 0, tty.stdout + tty.stderr);
          assert.match(tty.stdout, /100\.0% replay/);
          assert.match(tty.stdout, new RegExp(`replay: ${all.length.toLocaleString('en-US')} events written`));
          assert.deepEqual(parseNdjson(readFileSync(file, 'utf8')), all);
          const quiet = await runShell(`script -qefc ${quote(`${quote(process.execPath)} ${quote(script)} --no-progress > ${quote(file)}`)} /dev/null`, target!.cliEnv);
          assert.equal(quiet.code, 0);
          assert.doesNotMatch(quiet.stdout, /events/);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

    });

    extra?.(() => ({ target: target!, all }));
  });

// ---- PGlite: a data folder, always ----

replaySuite(
  'PGlite (DATA_DIR)',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-replay-pglite-'));
    const dataDir = join(dir, 'data');
    return Promise.resolve({
      systemEnv: { DATA_DIR: dataDir },
      readerOptions: { dataDir },
      cliEnv: { DATA_DIR: dataDir, DATABASE_URL: undefined, EVENTSTORE_URL: undefined },
      cleanup: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    });
  },
  (current) => {
    it('refuses a data folder another process has open, and a missing one (exit 1, nothing created)', async () => {
      const { target } = current();
      const dataDir = target.readerOptions.dataDir;
      const holder = await openPglite(dataDir);
      try {
        const busy = await runCli([], target.cliEnv);
        assert.equal(busy.code, 1);
        assert.match(busy.stderr, /open in another process/);
        assert.equal(busy.stdout, '');
        await assert.rejects(openEventLogReader({ dataDir }), EventLogUnavailableError);
      } finally {
        await holder.close();
      }
      const missing = join(dataDir, '..', 'missing');
      const none = await runCli([], { ...target.cliEnv, DATA_DIR: missing });
      assert.equal(none.code, 1);
      assert.match(none.stderr, /no PGlite database in/);
      assert.equal(existsSync(missing), false);
      const memory = await runCli([], { ...target.cliEnv, DATA_DIR: 'memory' });
      assert.equal(memory.code, 1);
      assert.match(memory.stderr, /DATA_DIR=memory keeps no event log/);
    });
  },
);

// ---- PostgreSQL, when DATABASE_URL is set ----

replaySuite(
  'PostgreSQL (DATABASE_URL)',
  async (ctx) => {
    const url = serviceUrl(ctx, 'DATABASE_URL', 'replay tools on PostgreSQL');
    const database = await freshDatabase(url);
    return {
      systemEnv: { DATABASE_URL: database.url },
      readerOptions: { databaseUrl: database.url, dataDir: 'memory' },
      cliEnv: { DATABASE_URL: database.url, EVENTSTORE_URL: undefined },
      cleanup: () => database.drop(),
    };
  },
  () => {
    it('an empty database: exit 1, and nothing is created in it', async function () {
      const url = serviceUrl(this, 'DATABASE_URL', 'replay tools on PostgreSQL');
      const empty = await freshDatabase(url);
      try {
        const out = await runCli([], { DATABASE_URL: empty.url, EVENTSTORE_URL: undefined });
        assert.equal(out.code, 1);
        assert.match(out.stderr, /holds no event log/);
        const pgModule = await import('pg');
        const client = new pgModule.default.Client({ connectionString: empty.url });
        await client.connect();
        try {
          const { rows } = await client.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`);
          assert.equal(rows[0].n, 0);
        } finally {
          await client.end();
        }
      } finally {
        await empty.drop();
      }
    });
  },
);
