// Issue 4's "done when": a projector killed (SIGKILL) and restarted mid-stream, twice, while bids
// keep coming, leaves the read models equal to a rebuild (`npm run rebuild`), compared by dump.
// Needs PostgreSQL: the projector runs in a process of its own. Fed by the log here; through each
// bus in test/contract/bus-pipeline.contract.ts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { EventLog } from '../../domain/index.js';
import type { SqlExecutor } from '../../infra/index.js';
import { openEventLog } from '../../commands/index.js';
import { LOG_SOURCE, READ_MODEL_PROJECTION, readModelMigrations } from '../../projections/index.js';
import { AuctionWriter, runTraffic } from '../support/auction-traffic.js';
import { checkpointOf, dumpReadModels, misledBidders, settledHead } from '../support/read-model-dump.js';
import { serviceUrl } from '../support/services.js';
import { rebuildScript, spawnProjector } from '../support/spawn-projector.js';
import { eventually, freshDatabase } from '../support/system.js';

describe('projector killed and restarted mid-stream (PostgreSQL)', function () {
  this.timeout(120_000);
  let database: { url: string; drop: () => Promise<void> };
  let sql: SqlExecutor;
  let log: EventLog;
  let closeLog: () => Promise<void>;
  let env: NodeJS.ProcessEnv;
  const children = new Set<ChildProcess>();

  before(async function () {
    database = await freshDatabase(serviceUrl(this, 'DATABASE_URL', 'projector restart on PostgreSQL'));
    const opened = await openEventLog({ databaseUrl: database.url, dataDir: 'memory', migrations: readModelMigrations });
    ({ sql, log } = opened);
    closeLog = () => opened.close();
    env = { ...process.env, DATABASE_URL: database.url, PSEUDONYM_SECRET: 'restart-test-pseudonym-secret-0123456789', LOG_LEVEL: 'silent', PROJECTOR_BATCH_SIZE: '3', REDIS_URL: '', REDIS_CLUSTER_NODES: '', KAFKA_BROKERS: '', RABBITMQ_URL: '' };
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await closeLog?.();
    await database?.drop();
  });

  const startProjector = () => spawnProjector(env, children);
  const checkpoint = () => checkpointOf(sql, READ_MODEL_PROJECTION, LOG_SOURCE);

  it('leaves the read models equal to a rebuild', async () => {
    const writer = new AuctionWriter(log);
    await runTraffic(writer, { auctions: 30, commands: 600, seed: 91, prefix: 'k1', closeAll: false });

    for (let round = 0; round < 2; round++) {
      const before = await checkpoint();
      const child = await startProjector();
      // kill it as soon as it has committed a batch beyond where it started
      await eventually(async () => {
        const now = await checkpoint();
        return now !== undefined && now !== before ? true : undefined;
      }, 'the projector to commit a batch', 30_000);
      child.kill('SIGKILL');
      await once(child, 'exit');
      const stoppedAt = await checkpoint();
      assert.ok(stoppedAt !== undefined && log.compareLogPositions(stoppedAt, await settledHead(sql, log)) < 0, `killed mid-stream (at ${stoppedAt})`);
      // the log moves on while no projector runs
      await runTraffic(writer, { auctions: 5, commands: 80, seed: 92 + round, prefix: `k${round + 2}`, closeAll: round === 1 });
    }

    const child = await startProjector();
    const head = await settledHead(sql, log);
    await eventually(async () => ((await checkpoint()) === head ? true : undefined), 'the restarted projector to reach the head', 60_000);
    child.kill('SIGTERM');
    await once(child, 'exit');
    const projected = await dumpReadModels(sql);
    assert.ok(projected.bidHistory.length > 100, `bids projected: ${projected.bidHistory.length}`);
    assert.equal(await misledBidders(sql), 0);

    const rebuild = spawn(process.execPath, [rebuildScript], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    rebuild.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(rebuild, 'exit')) as [number];
    assert.equal(code, 0);
    const report = JSON.parse(output) as { position: string };
    assert.equal(report.position, head);
    assert.deepEqual(await dumpReadModels(sql), projected);
  });
});
