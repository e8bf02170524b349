// The compiled replay command's answers to arguments that are wrong whatever the log holds: exit
// code 2, a message naming the problem, nothing on stdout, and the log never opened.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'scripts', 'replay.js');
// A log that does not exist: reaching it would be exit 1, so exit 2 proves the arguments stopped the run.
const env = Object.fromEntries(
  Object.entries({ ...process.env, DATA_DIR: join(tmpdir(), 'gs-replay-never-opened'), DATABASE_URL: undefined, EVENTSTORE_URL: undefined, REDIS_CLUSTER_NODES: undefined }).filter(([, v]) => v !== undefined),
) as Record<string, string>;

const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });

describe('scripts/replay: arguments', () => {
  it('refuses bad arguments with exit code 2 and a message', async () => {
    const cases: [string[], RegExp][] = [
      [['--from', 'last tuesday'], /--from "last tuesday": expected an ISO 8601 time/],
      [['--to', '2025-06-01T12:00'], /--to "2025-06-01T12:00": expected an ISO 8601 time with a zone/],
      [['--after', 'x:y'], /--after "x:y": expected a log position/],
      [['--type', 'Bid'], /--type "Bid": expected event types from AuctionCreated/],
      [['--to', '2025-01-01', '--from', '2025-02-01'], /--from .* must be before --to/],
      [['--state-of', 'a1'], /exactly one of --at-position/],
      [['--at-time', '2025-01-01'], /go with --state-of/],
      [['--nope'], /Unknown option '--nope'/],
      [['--page-size', 'lots'], /--page-size "lots"/],
      [['--format', 'csv'], /--format "csv": expected ndjson or parquet/],
      [['--format', 'parquet'], /--format parquet needs --out <file>/],
      [['--table', 'analytics_auctions', '--format', 'parquet'], /--format parquet needs --out <file>/],
      [['--row-group-size', '100'], /--row-group-size goes with --format parquet/],
      [['--format', 'parquet', '--out', 'x.parquet', '--row-group-size', '0'], /--row-group-size "0": expected a whole number of rows/],
      [['--table', 'auctions'], /--table "auctions": expected one of analytics_auctions, /],
      [['--table', 'analytics_auctions', '--auction', 'a1'], /--table analytics_auctions is exported by time \(--from\/--to\) only: it cannot be combined with --auction/],
      [['--table', 'analytics_price_points', '--type', 'BidPlaced', '--until', '0'], /cannot be combined with --until, --type/],
      [['--table', 'analytics_auctions', '--from', '2025-02-01', '--to', '2025-01-01'], /--from .* must be before --to/],
      [['--state-of', 'a1', '--at-position', '0', '--format', 'parquet'], /--state-of cannot be combined with --format/],
    ];
    const results = await Promise.all(cases.map(([args]) => run(args)));
    cases.forEach(([args, message], i) => {
      const out = results[i]!;
      assert.equal(out.code, 2, `${args.join(' ')}: ${out.stderr}`);
      assert.match(out.stderr, message);
      assert.match(out.stderr, /--help for usage/);
      assert.equal(out.stdout, '');
    });
  });

  it('refuses to write Parquet to a terminal (exit 2), before opening anything', async function () {
    // `script` gives the command a pseudo-terminal: --out /dev/stdout is that terminal.
    const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile('script', ['-qefc', `${process.execPath} ${script} --format parquet --out /dev/stdout`, '/dev/null'], { env }, (error, stdout) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout });
      });
    });
    if (out.code === 127 || out.code === null) this.skip(); // no `script` here
    assert.equal(out.code, 2, out.stdout);
    assert.match(out.stdout, /--out \/dev\/stdout: a terminal; --format parquet writes a binary file/);
  });

  it('prints usage with examples for --help', async () => {
    const out = await run(['--help']);
    assert.equal(out.code, 0);
    assert.equal(out.stderr, '');
    assert.match(out.stdout, /^usage: npm run -s replay/);
    assert.match(out.stdout, /Examples:\n/);
    assert.match(out.stdout, /--state-of <auctionId>/);
    assert.match(out.stdout, /--format <format> +ndjson \(default\) or parquet/);
    assert.match(out.stdout, /analytics_bids_per_minute \(minute\)/);
  });

  it('stops on invalid configuration with exit code 1, naming the variable', async () => {
    const out = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [script], { env: { ...env, DATABASE_URL: 'mysql://nope' } }, (error, _stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stderr });
      });
    });
    assert.equal(out.code, 1);
    assert.match(out.stderr, /DATABASE_URL/);
  });
});
