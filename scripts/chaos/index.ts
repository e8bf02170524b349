// `npm run chaos` (issue 11): a fault suite on real services. Each fault strikes under a steady load
// of bids from clients that retry with the same Idempotency-Key until answered, with WebSocket
// subscribers; afterwards the checks compare what the clients were told and saw with the event log,
// the read models (against a rebuild), the read API and the live cache. Prints per fault: bids
// acknowledged, bids found in the log, duplicates, retries answered differently, frames missed or
// doubled, time to recover; exits 1 on any violation. See `npm run chaos -- --help`.
//
// Today it starts its own target (target/local-target.ts: its own PostgreSQL, Redis and Kafka, the
// roles as child processes) and runs the faults that need no balancer; the topology launcher's
// processes behind HAProxy plug in as another ChaosTarget (target/chaos-target.ts) through
// `runSuite`. This file is also the folder's only way in.
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Cleanup } from './cleanup.js';
import { allFaults } from './faults/index.js';
import { formatTable } from './report.js';
import type { FaultReport } from './report.js';
import { defaultSettings, runSuite } from './suite.js';
import type { SuiteSettings } from './suite.js';
import { startLocalTarget } from './target/index.js';

export { Cleanup } from './cleanup.js';
export type { Removable } from './cleanup.js';
export { allFaults, postgresRestart, redisRestart } from './faults/index.js';
export type { Fault, FaultContext } from './faults/index.js';
export { defaultSettings, runSuite } from './suite.js';
export type { SuiteSettings } from './suite.js';
export { formatDetails, formatTable } from './report.js';
export type { FaultReport } from './report.js';
export { startLocalTarget } from './target/index.js';
export type { ChaosNode, ChaosServices, ChaosTarget, LocalTargetOptions } from './target/index.js';
export * from './services/index.js';
export * from './checks/index.js';
export * from './load/index.js';

const usage = `usage: npm run chaos [-- options]

Starts its own PostgreSQL (initdb/pg_ctl), Redis and Kafka under .chaos/ on ports from the base
(default 15400), runs the roles as child processes, runs each fault under load and checks that no
acknowledged bid was lost or doubled, every retry got the first answer, subscribers missed and
doubled no frame, the read models equal a rebuild and everything converged. Everything it started
is stopped and .chaos/ removed at the end, also on failure or Ctrl-C.

  --faults a,b             faults to run (default all: ${allFaults().map((f) => f.name).join(', ')})
  --bidders N              bidder clients (default ${defaultSettings.bidders})
  --subscribers N          WebSocket subscribers (default ${defaultSettings.subscribers})
  --auctions N             auctions per fault (default ${defaultSettings.auctions})
  --port-base P            first port of the range it uses, P+1..P+13 (default 15400, or CHAOS_PORT_BASE)
  --redis-persistence M    aof (default; compose.yaml's Redis) or none (Redis comes back empty)
  --keep                   leave .chaos/ (logs, data) after the run; the processes are stopped all the same
  -h, --help               this text

Exit status: 0 every fault held, 1 a violation (each printed with what and where) or a failure, 2 bad arguments.`;

const positive = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a whole number above 0`);
  return n;
};

const main = async (): Promise<number> => {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        faults: { type: 'string' }, bidders: { type: 'string' }, subscribers: { type: 'string' }, auctions: { type: 'string' },
        'port-base': { type: 'string' }, 'redis-persistence': { type: 'string' }, keep: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`chaos: ${(error as Error).message}\n\n${usage}\n`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  let settings: SuiteSettings;
  let portBase: number;
  const persistence = (values['redis-persistence'] as string | undefined) ?? 'aof';
  const known = allFaults();
  const names = typeof values.faults === 'string' ? values.faults.split(',').map((n) => n.trim()).filter((n) => n !== '') : known.map((f) => f.name);
  try {
    settings = {
      ...defaultSettings,
      bidders: positive(values.bidders as string | undefined, defaultSettings.bidders, '--bidders'),
      subscribers: positive(values.subscribers as string | undefined, defaultSettings.subscribers, '--subscribers'),
      auctions: positive(values.auctions as string | undefined, defaultSettings.auctions, '--auctions'),
    };
    portBase = positive((values['port-base'] as string | undefined) ?? process.env.CHAOS_PORT_BASE, 15_400, '--port-base');
    if (persistence !== 'aof' && persistence !== 'none') throw new Error('--redis-persistence must be aof or none');
    const unknown = names.filter((n) => !known.some((f) => f.name === n));
    if (unknown.length > 0) throw new Error(`unknown fault ${unknown.join(', ')} (known: ${known.map((f) => f.name).join(', ')})`);
  } catch (error) {
    process.stderr.write(`chaos: ${(error as Error).message}\n\n${usage}\n`);
    return 2;
  }
  const faults = names.map((n) => known.find((f) => f.name === n)!);

  const started = Date.now();
  const say = (line: string) => process.stdout.write(`[chaos ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);
  const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
  const dir = join(root, '.chaos');
  const cleanup = new Cleanup();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const keep = values.keep === true;
  cleanup.add({
    name: '.chaos',
    remove: async () => {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
    removeNow: () => {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  });
  let reports: FaultReport[];
  try {
    const target = await startLocalTarget({ root, dir, portBase, cleanup, redisPersistence: persistence, say });
    say(`target: ${target.description}`);
    try {
      reports = await runSuite(target, faults, settings, say);
    } finally {
      say('stopping the nodes');
      await target.stop();
    }
  } catch (error) {
    say(`FAILED: ${(error as Error).stack ?? String(error)}`);
    await cleanup.removeAll();
    return 1;
  }
  say('stopping the services');
  await cleanup.removeAll();
  const failed = reports.filter((r) => r.violations.length > 0);
  process.stdout.write(`\n${formatTable(reports)}\n\n`);
  process.stdout.write(
    failed.length === 0
      ? `chaos: ${reports.length} faults, every one held (${((Date.now() - started) / 1000).toFixed(0)} s)\n`
      : `chaos: ${failed.length} of ${reports.length} faults broke what must hold: ${failed.map((r) => r.fault).join(', ')}\n`,
  );
  return failed.length === 0 ? 0 : 1;
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`chaos: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
