// `npm run -s replay -- ...`: the event log as NDJSON or Parquet (all of it, or filtered by
// auction, server time, log position and event type), an analytics table by time range, or one
// auction's state as of a position or a moment. Read-only. `--help` explains; exit status 0 done,
// 1 the log or table could not be read, 2 bad arguments.
import { createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { isatty } from 'node:tty';
import type { EventLogReader } from '../commands/index.js';
import type { SqlExecutor } from '../infra/index.js';
import { ConfigError, loadConfig } from '../infra/index.js';
import { NoSuchAuctionError, openEventSource } from './replay/event-source.js';
import { ParquetEventSink } from './replay/event-parquet.js';
import { NdjsonSink, isReaderGone } from './replay/ndjson-sink.js';
import { UsageError, parseReplayArgs, usage } from './replay/options.js';
import type { ExportOutput, ReplayRequest } from './replay/options.js';
import { createProgress, noProgress } from './replay/progress.js';
import { replayLog } from './replay/replay-log.js';
import type { EventSink } from './replay/replay-log.js';
import { NdjsonRowSink, TableUnavailableError, describeTable, exportTable, parquetRowSink } from './replay/table-export.js';
import { stateAt } from './replay/state-at.js';

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

/** Where the output goes: stdout, or a file written beside its target and renamed when complete. */
interface Output {
  readonly stream: Writable;
  /** The output is a terminal (stdout, or --out /dev/tty): no place for a Parquet file. */
  readonly terminal: boolean;
  readonly owned: boolean;
  commit(): void;
  discard(): void;
}

const stdoutOutput = (): Output => ({ stream: process.stdout, terminal: process.stdout.isTTY === true, owned: false, commit: () => undefined, discard: () => undefined });

const fileOutput = (path: string): Promise<Output> => {
  let special = false;
  try {
    special = !statSync(path).isFile(); // a FIFO or a device (/dev/stdout) is written in place
  } catch {
    // absent: created below
  }
  const target = special ? path : `${path}.partial`;
  const stream = createWriteStream(target, { flags: 'w' });
  return new Promise((resolve, reject) => {
    stream.once('error', (error) => reject(new UsageError(`--out ${path}: ${error.message}`)));
    stream.once('open', (fd: number) =>
      resolve({
        stream,
        terminal: isatty(fd),
        owned: true,
        commit: () => {
          if (!special) renameSync(target, path);
        },
        discard: () => {
          stream.destroy();
          if (!special) rmSync(target, { force: true });
        },
      }),
    );
  });
};

const openOutput = (out: string | undefined): Promise<Output> => (out === undefined ? Promise.resolve(stdoutOutput()) : fileOutput(out));

/** Parquet goes to a file: refuse a terminal before anything is read. */
const checkDestination = (request: ExportOutput, output: Output): void => {
  if (request.format === 'parquet' && output.terminal) throw new UsageError(`--out ${request.out ?? ''}: a terminal; --format parquet writes a binary file: name a file`);
};

/** Exports a file's key-value metadata records: what was exported (the arguments). */
const exportMetadata = (what: Record<string, unknown>): { key: string; value: string }[] => [{ key: 'gavelstream.export', value: JSON.stringify(what) }];

const replayEvents = async (reader: EventLogReader, request: Extract<ReplayRequest, { kind: 'log' }>, output: Output, signal: AbortSignal): Promise<number> => {
  const { after, until } = request.filter;
  if (after !== undefined && until !== undefined && reader.log.compareLogPositions(after, until) >= 0) {
    throw new UsageError(`--after ${after} must be before --until ${until}`);
  }
  const showProgress = request.progress && process.stderr.isTTY === true;
  const source = await openEventSource(reader.log, request.filter, {
    pageSize: request.pageSize,
    ...(showProgress ? { countEvents: (after, until) => reader.countEvents(after, until) } : {}),
  });
  const progress = showProgress ? createProgress(process.stderr, source.total) : noProgress;
  const bytes = new NdjsonSink(output.stream, output.owned);
  const sink: EventSink = request.format === 'parquet' ? new ParquetEventSink(bytes, request.rowGroupRows, exportMetadata({ log: request.filter })) : bytes;
  const outcome = await replayLog(source, sink, progress, signal);
  if (outcome.aborted) {
    output.discard();
    process.stderr.write('\nreplay: interrupted\n');
    return 130;
  }
  output.commit();
  progress.done();
  return EXIT_OK;
};

const printState = async (reader: EventLogReader, request: Extract<ReplayRequest, { kind: 'state' }>, output: Output): Promise<number> => {
  const report = await stateAt(reader.log, request.auctionId, request.at);
  const sink = new NdjsonSink(output.stream, output.owned);
  await sink.writeText(`${JSON.stringify(report, null, 2)}\n`);
  await sink.finish();
  output.commit();
  if (report.unreadable === undefined) return EXIT_OK;
  const u = report.unreadable;
  process.stderr.write(
    `replay: auction ${request.auctionId}: the event at stream version ${u.streamVersion} (${u.type}, log position ${u.position}) cannot be read: ${u.reason}; the state shown is the one before it (see README, "Events that cannot be read")\n`,
  );
  return EXIT_FAILED;
};

const exportTableRows = async (sql: SqlExecutor, description: string, request: Extract<ReplayRequest, { kind: 'table' }>, output: Output, signal: AbortSignal): Promise<number> => {
  const columns = await describeTable(sql, request.table, description);
  const bytes = new NdjsonSink(output.stream, output.owned);
  const range = { table: request.table, ...(request.fromMs !== undefined ? { fromMs: request.fromMs } : {}), ...(request.toMs !== undefined ? { toMs: request.toMs } : {}) };
  const sink =
    request.format === 'parquet'
      ? parquetRowSink(bytes, columns, request.rowGroupRows, exportMetadata({ table: request.table, from: iso(request.fromMs), to: iso(request.toMs) }))
      : new NdjsonRowSink(bytes, columns);
  const outcome = await exportTable(sql, range, columns, sink, { pageSize: request.pageSize, signal });
  if (outcome.aborted) {
    output.discard();
    process.stderr.write('\nreplay: interrupted\n');
    return 130;
  }
  output.commit();
  if (request.progress && process.stderr.isTTY === true) process.stderr.write(`replay: ${outcome.written.toLocaleString('en-US')} rows of ${request.table} written\n`);
  return EXIT_OK;
};

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

const run = async (argv: readonly string[], signal: AbortSignal): Promise<number> => {
  const request = parseReplayArgs(argv);
  if (request.kind === 'help') {
    process.stdout.write(`${usage}\n`);
    return EXIT_OK;
  }
  const config = loadConfig();
  const output = await openOutput(request.out);
  if (request.kind === 'table') {
    let opened: { readonly sql: SqlExecutor; readonly description: string } | undefined;
    try {
      checkDestination(request, output);
      const { openSqlReader } = await import('../commands/event-log/index.js');
      opened = await openSqlReader(config);
      return await exportTableRows(opened.sql, opened.description, request, output, signal);
    } catch (error) {
      output.discard();
      throw error;
    } finally {
      await opened?.sql.close();
    }
  }
  let reader: EventLogReader | undefined;
  try {
    if (request.kind === 'log') checkDestination(request, output);
    // Loaded only now, so that --help and bad arguments answer at once.
    const { openEventLogReader } = await import('../commands/event-log/index.js');
    reader = await openEventLogReader(config);
    return request.kind === 'state' ? await printState(reader, request, output) : await replayEvents(reader, request, output, signal);
  } catch (error) {
    output.discard();
    throw error;
  } finally {
    await reader?.close();
  }
};

const main = async (): Promise<void> => {
  // A reader that closes the pipe early (`| head`) ends the output; it is not an error.
  process.stdout.on('error', (error) => {
    if (!isReaderGone(error)) throw error;
  });
  const abort = new AbortController();
  const interrupt = () => abort.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    process.exitCode = await run(process.argv.slice(2), abort.signal);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError) {
      process.stderr.write(`replay: ${message}\n(npm run replay -- --help for usage)\n`);
      process.exitCode = EXIT_USAGE;
    } else if (error instanceof NoSuchAuctionError) {
      process.stderr.write(`replay: ${message}\n`);
      process.exitCode = EXIT_USAGE;
    } else if (error instanceof ConfigError || error instanceof TableUnavailableError || (error instanceof Error && error.name === 'EventLogUnavailableError')) {
      process.stderr.write(`replay: ${message}\n`);
      process.exitCode = EXIT_FAILED;
    } else {
      process.stderr.write(`replay: could not read the event log or table: ${message}\n`);
      process.exitCode = EXIT_FAILED;
    }
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
};

await main();
