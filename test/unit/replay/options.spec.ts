import assert from 'node:assert/strict';
import { DEFAULT_PAGE_SIZE, UsageError, parseReplayArgs } from '../../../scripts/replay/options.js';
import { DEFAULT_ROW_GROUP_ROWS } from '../../../scripts/replay/parquet-sink.js';
import { formatProgress, createProgress, noProgress } from '../../../scripts/replay/progress.js';
import { PassThrough } from 'node:stream';

const refused = (args: string[], message: RegExp) => {
  assert.throws(() => parseReplayArgs(args), (error: unknown) => error instanceof UsageError && message.test(error.message), args.join(' '));
};

describe('replay arguments', () => {
  it('the whole log by default, with progress and the default page size', () => {
    assert.deepEqual(parseReplayArgs([]), { kind: 'log', filter: {}, format: 'ndjson', out: undefined, progress: true, pageSize: DEFAULT_PAGE_SIZE, rowGroupRows: DEFAULT_ROW_GROUP_ROWS });
    assert.deepEqual(parseReplayArgs(['--help']), { kind: 'help' });
    assert.deepEqual(parseReplayArgs(['-h']), { kind: 'help' });
  });

  it('reads every filter', () => {
    const request = parseReplayArgs([
      '--auction', 'a-1', '--from', '2025-06-01', '--to', '2025-06-01T14:00:00+02:00', '--after', '12:3', '--until', '20:9',
      '--type', 'BidPlaced,AuctionClosed', '--type', 'BidPlaced', '--out', 'x.ndjson', '--page-size', '50', '--no-progress',
    ]);
    assert.deepEqual(request, {
      kind: 'log',
      filter: {
        auctionId: 'a-1',
        fromMs: Date.parse('2025-06-01T00:00:00Z'),
        toMs: Date.parse('2025-06-01T12:00:00Z'),
        after: '12:3',
        until: '20:9',
        types: ['BidPlaced', 'AuctionClosed'],
      },
      format: 'ndjson',
      out: 'x.ndjson',
      progress: false,
      pageSize: 50,
      rowGroupRows: DEFAULT_ROW_GROUP_ROWS,
    });
  });

  it('reads an export: Parquet with its row groups, or a table by time range', () => {
    assert.deepEqual(parseReplayArgs(['--from', '2025-06-01', '--format', 'parquet', '--out', 'log.parquet', '--row-group-size', '500']), {
      kind: 'log', filter: { fromMs: Date.parse('2025-06-01T00:00:00Z') }, format: 'parquet', out: 'log.parquet', progress: true, pageSize: DEFAULT_PAGE_SIZE, rowGroupRows: 500,
    });
    assert.deepEqual(parseReplayArgs(['--table', 'analytics_price_points', '--from', '2025-06-01', '--to', '2025-06-02', '--format', 'parquet', '-o', 'p.parquet']), {
      kind: 'table', table: 'analytics_price_points', fromMs: Date.parse('2025-06-01T00:00:00Z'), toMs: Date.parse('2025-06-02T00:00:00Z'),
      format: 'parquet', out: 'p.parquet', progress: true, pageSize: DEFAULT_PAGE_SIZE, rowGroupRows: DEFAULT_ROW_GROUP_ROWS,
    });
    assert.deepEqual(parseReplayArgs(['--table', 'analytics_auctions']), {
      kind: 'table', table: 'analytics_auctions', format: 'ndjson', out: undefined, progress: true, pageSize: DEFAULT_PAGE_SIZE, rowGroupRows: DEFAULT_ROW_GROUP_ROWS,
    });
    refused(['--format', 'parquet'], /--format parquet needs --out/);
    refused(['--table', 'analytics_auctions', '--after', '0'], /cannot be combined with --after/);
  });

  it('reads a state query at a position or at a time', () => {
    assert.deepEqual(parseReplayArgs(['--state-of', 'a-1', '--at-position', '0']), { kind: 'state', auctionId: 'a-1', at: { kind: 'position', position: '0' }, out: undefined });
    assert.deepEqual(parseReplayArgs(['--state-of', 'a-1', '--at-time', '2025-06-01T12:00:00.5Z']), {
      kind: 'state', auctionId: 'a-1', at: { kind: 'time', ms: Date.parse('2025-06-01T12:00:00.500Z'), iso: '2025-06-01T12:00:00.500Z' }, out: undefined,
    });
  });

  it('refuses bad values, naming the option', () => {
    refused(['--from', 'yesterday'], /--from "yesterday": expected an ISO 8601 time/);
    refused(['--to', '2025-06-01T12:00:00'], /--to .*with a zone/); // no zone: ambiguous
    refused(['--from', '2025-13-45'], /--from/);
    refused(['--after', 'abc'], /--after "abc": expected a log position/);
    refused(['--until', '-1'], /--until/);
    refused(['--type', 'BidPlace'], /--type "BidPlace": expected event types from AuctionCreated/);
    refused(['--auction', 'has space'], /--auction .*auction id/);
    refused(['--page-size', '0'], /--page-size/);
    refused(['--page-size', '20000'], /--page-size/);
    refused(['--out', ''], /--out/);
    refused(['--bogus'], /Unknown option '--bogus'/);
    refused(['stray'], /positional/i);
    refused(['--from'], /argument missing/);
  });

  it('refuses combinations that mean nothing', () => {
    refused(['--from', '2025-06-02', '--to', '2025-06-01'], /--from .* must be before --to/);
    refused(['--from', '2025-06-01', '--to', '2025-06-01'], /must be before/);
    refused(['--state-of', 'a'], /exactly one of --at-position/);
    refused(['--state-of', 'a', '--at-position', '0', '--at-time', '2025-06-01'], /exactly one/);
    refused(['--state-of', 'a', '--at-time', '2025-06-01', '--type', 'BidPlaced'], /cannot be combined with --type/);
    refused(['--at-time', '2025-06-01'], /go with --state-of/);
  });
});

describe('replay progress', () => {
  it('shows counts and rate, and a bar with the percentage when the total is known', () => {
    assert.equal(formatProgress({ scanned: 1500, written: 1500, total: undefined, elapsedMs: 500 }), 'replay 1,500 events read, 3,000/s');
    assert.equal(formatProgress({ scanned: 50, written: 10, total: 200, elapsedMs: 1000 }), '[######------------------]  25.0% replay 50/200 events read, 10 written, 50/s');
  });

  it('draws nothing on a stream that is not a terminal', () => {
    assert.equal(createProgress(new PassThrough(), 10), noProgress);
  });

  it('draws on a terminal and closes with a summary line', () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true, columns: 200 });
    let now = 0;
    const progress = createProgress(tty, 4, () => now);
    now = 1000;
    progress.update(2, 2);
    now = 2000;
    progress.done();
    const text = String(tty.read());
    assert.match(text, /50\.0% replay 2\/4 events read, 2\/s/);
    assert.match(text, /replay: 2 events written \(2 read\) in 2\.0 s\n$/);
  });
});
