// The suite over one target (ChaosTarget): mints the participants' tokens with the roles' secret,
// opens the probes (the target's database for the log and the read models; its Redis, one server
// or the cluster, for the live cache), runs each fault in turn (one skipped, with its reason, when
// the target cannot take it) and returns one report per fault run.
import { randomUUID } from 'node:crypto';
import { openEventLog } from '../../commands/index.js';
import { closeRedis, mintToken, openRedisTarget } from '../../infra/index.js';
import { readModelMigrations } from '../../projections/index.js';
import type { Fault } from './faults/index.js';
import type { FaultReport } from './report.js';
import { formatDetails } from './report.js';
import { runFault } from './run-fault.js';
import type { Participants, RunSettings } from './run-fault.js';
import type { ChaosTarget } from './target/index.js';

export interface SuiteSettings extends RunSettings {
  readonly bidders: number;
}

export const defaultSettings: SuiteSettings = {
  bidders: 16,
  auctions: 12,
  subscribers: 8,
  follow: 4,
  warmupMs: 3_000,
  afterMs: 4_000,
  drainMs: 20_000,
  confirmSample: 100,
  settleMs: 30_000,
  paceMs: [150, 300],
  requestTimeoutMs: 10_000,
};

const participants = async (target: ChaosTarget, bidders: number): Promise<Participants> => {
  const run = randomUUID().slice(0, 8);
  const token = (sub: string, role: 'seller' | 'bidder') => mintToken({ secret: target.secrets.jwt, sub, roles: [role], expiresIn: '2h' });
  return {
    sellerToken: await token(`chaos-seller-${run}`, 'seller'),
    bidders: await Promise.all(Array.from({ length: bidders }, async (_, i) => {
      const userId = `chaos-bidder-${run}-${i + 1}`;
      return { userId, token: await token(userId, 'bidder') };
    })),
  };
};

/** A fault the target could not take, and why. */
export interface Skipped {
  readonly fault: string;
  readonly reason: string;
}

export const runSuite = async (
  target: ChaosTarget,
  faults: readonly Fault[],
  settings: SuiteSettings,
  say: (line: string) => void,
): Promise<{ reports: FaultReport[]; skipped: Skipped[] }> => {
  const opened = await openEventLog({ databaseUrl: target.databaseUrl, dataDir: 'memory', migrations: readModelMigrations });
  const redis = await openRedisTarget(target.redis, 'chaos-probe');
  const people = await participants(target, settings.bidders);
  const reports: FaultReport[] = [];
  const skipped: Skipped[] = [];
  try {
    for (const fault of faults) {
      const reason = fault.unavailable(target);
      if (reason !== undefined) {
        say(`skipping ${fault.name}: ${reason}`);
        skipped.push({ fault: fault.name, reason });
        continue;
      }
      const started = Date.now();
      say(`== ${fault.name}: ${fault.title}; must hold: ${fault.mustHold}`);
      const report = await runFault(target, fault, settings, people, { sql: opened.sql, log: opened.log, redis }, (line) => say(`  ${fault.name}: ${line}`));
      reports.push(report);
      say(`${formatDetails(report)}\n  (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
  } finally {
    await closeRedis(redis).catch(() => undefined);
    await opened.close().catch(() => undefined);
  }
  return { reports, skipped };
};
