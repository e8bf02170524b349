// `npm run verify-chain -- <auctionId>` re-verifies the hash chain of stream `auction-<auctionId>`
// and prints {valid, events, brokenAt?}; `--all` verifies every stream in the log. Exit status:
// 0 valid, 1 broken, 2 usage error or no such stream.
import { openEventLog } from '../commands/event-log/index.js';
import type { ChainCheck, EventLog, LogPosition } from '../domain/index.js';
import { START, chainCheckResult, checkNextLink, startChainCheck, verifyChain } from '../domain/index.js';
import { loadConfig } from '../infra/index.js';

const usage = 'usage: npm run verify-chain -- <auctionId> | --all';

const verifyOne = async (log: EventLog, auctionId: string): Promise<number> => {
  const events = await log.readStream(`auction-${auctionId}`);
  const result = verifyChain(events);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (events.length === 0) {
    process.stderr.write(`verify-chain: stream auction-${auctionId} has no events\n`);
    return 2;
  }
  return result.valid ? 0 : 1;
};

/** Pages through the whole log once, checking each stream's links as its events come by. */
const verifyAll = async (log: EventLog): Promise<number> => {
  const checks = new Map<string, ChainCheck>();
  let after: LogPosition = START;
  let total = 0;
  for (;;) {
    const page = await log.readAll({ after, limit: 1_000 });
    for (const event of page) {
      checks.set(event.streamId, checkNextLink(checks.get(event.streamId) ?? startChainCheck, event));
    }
    total += page.length;
    const last = page[page.length - 1];
    if (last === undefined) break;
    after = last.position;
  }
  const broken = [...checks.entries()]
    .map(([streamId, check]) => ({ streamId, ...chainCheckResult(check) }))
    .filter((r) => !r.valid)
    .map(({ streamId, brokenAt }) => ({ streamId, brokenAt }));
  process.stdout.write(`${JSON.stringify({ valid: broken.length === 0, streams: checks.size, events: total, broken })}\n`);
  return broken.length === 0 ? 0 : 1;
};

const main = async (): Promise<number> => {
  const args = process.argv.slice(2);
  const target = args[0];
  if (args.length !== 1 || target === undefined || target === '' || target === '-h' || target === '--help') {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const config = loadConfig();
  const { log, close } = await openEventLog(config);
  try {
    return target === '--all' ? await verifyAll(log) : await verifyOne(log, target);
  } finally {
    await close();
  }
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`verify-chain: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
