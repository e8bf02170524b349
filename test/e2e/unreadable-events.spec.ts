// Issue 8, item 1, the reader side: an event already in the log that no reader can decode (an
// older version's bug, a manual insert) stops its own auction only. Commands on that auction
// answer 503 AUCTION_UNAVAILABLE, its reads keep the last projected state, every other auction is
// projected as usual, /health and /metrics show the parked stream, and `npm run rebuild` completes
// (exit 0) and lists it. Embedded (PGlite), PostgreSQL + Redis, and through Kafka.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { streamIdOf } from '../../domain/index.js';
import { ANALYTICS_PROJECTION, LIVE_CACHE_PROJECTOR, READ_MODEL_PROJECTION } from '../../projections/index.js';
import type { SystemOptions } from '../../scripts/compose/system.js';
import { deleteTopics, testKafka, uniqueName } from '../support/kafka.js';
import { serviceUrl } from '../support/services.js';
import type { Backend, TestSystem } from '../support/system.js';
import { embedded, eventually, startTestSystem } from '../support/system.js';
import { insertRawEvent, unreadableBid } from '../support/unreadable-event.js';

const rebuildScript = fileURLToPath(new URL('../../scripts/rebuild.js', import.meta.url));
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

interface RebuildRun {
  readonly code: number;
  readonly report: { readonly parked?: readonly { streamId: string; streamVersion: number }[] } | undefined;
  readonly stderr: string;
}

/** `npm run rebuild` in a child process, with the server's configuration. */
const runRebuild = async (sys: TestSystem, env: Record<string, string>): Promise<RebuildRun> => {
  const child = spawn(process.execPath, [rebuildScript], {
    env: {
      ...process.env,
      AUTH_JWT_SECRET: sys.config.jwtSecret,
      PSEUDONYM_SECRET: sys.config.pseudonymSecret,
      LOG_LEVEL: 'silent',
      // never the runner's own service variables: only the system's database
      DATABASE_URL: sys.config.databaseUrl ?? '',
      REDIS_URL: '',
      REDIS_CLUSTER_NODES: '',
      KAFKA_BROKERS: '',
      RABBITMQ_URL: '',
      EVENTSTORE_URL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  return { code, report: stdout.trim() === '' ? undefined : (JSON.parse(stdout) as RebuildRun['report']), stderr };
};

interface SuiteOptions {
  readonly backend: () => Backend;
  readonly system?: () => SystemOptions & { env?: Record<string, string> };
  /** Embedded: the data folder, rebuilt once the server is stopped (PGlite belongs to one process). */
  readonly dataDir?: () => string;
}

const unreadableEventSuite = (o: SuiteOptions) => {
  let sys: TestSystem;
  let stopped = false;
  let seller: string;
  let bidder: string;
  let admin: string;

  before(async () => {
    sys = await startTestSystem(o.backend(), { ...o.system?.(), ...(o.dataDir !== undefined ? { env: { ...o.system?.().env, DATA_DIR: o.dataDir() } } : {}) });
    seller = await sys.token('sam', 'seller');
    bidder = await sys.token('alice', 'bidder');
    admin = await sys.token('root', 'admin');
  });
  after(async () => {
    if (!stopped) await sys?.stop();
  });

  const create = async (): Promise<string> => {
    const r = await sys.call('POST', '/v1/auctions', { token: seller, body: { title: 'Leica M3', currency: 'USD', startingPrice: 1000, endsAt: inSeconds(3600) } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.auctionId as string;
  };
  const bid = (auctionId: string, maxAmount: number) =>
    sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token: bidder, body: { maxAmount }, headers: { 'Idempotency-Key': randomUUID() } });
  const viewAt = (auctionId: string, version: number) =>
    eventually(async () => {
      const r = await sys.call('GET', `/v1/auctions/${auctionId}?minVersion=${version}`);
      return r.status === 200 ? r.body : undefined;
    }, `auction ${auctionId} at version ${version} in the read API`, 30_000);

  it('stops only its own auction: commands on it answer 503, other auctions are projected, /health lists it, and a rebuild completes listing it', async () => {
    const a = await create();
    assert.equal((await bid(a, 1500)).status, 201);
    await viewAt(a, 2);
    await insertRawEvent(sys.resources.sql, a, unreadableBid(a));

    // another auction, created and bid on after the unreadable event: projected as usual
    const b = await create();
    const placed = await bid(b, 2500);
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const viewB = await viewAt(b, placed.body.version as number);
    assert.equal(viewB.bidCount, 1);

    // the unreadable auction: reads keep its last projected state, commands are refused
    const viewA = await sys.call('GET', `/v1/auctions/${a}`);
    assert.equal(viewA.status, 200);
    assert.equal(viewA.body.version, 2);
    for (const refused of [await bid(a, 5000), await sys.call('POST', `/v1/auctions/${a}/cancel`, { token: admin, body: {} })]) {
      assert.equal(refused.status, 503, JSON.stringify(refused.body));
      assert.equal(refused.body.error.code, 'AUCTION_UNAVAILABLE');
      assert.equal(typeof refused.body.error.message, 'string');
    }
    // other auctions still take commands
    assert.equal((await bid(b, 4000)).status, 201);

    // /health: still 200, naming the parked stream for each projector of this process
    const health = await eventually(async () => {
      const r = await sys.call('GET', '/health');
      assert.equal(r.status, 200);
      const projections = (r.body.parkedStreams as { projection: string }[]).map((p) => p.projection).sort();
      return projections.length === 3 ? r.body : undefined;
    }, 'the three projectors (live cache, read models, analytics) to park the stream', 30_000);
    assert.equal(health.status, 'ok');
    for (const projection of [ANALYTICS_PROJECTION, LIVE_CACHE_PROJECTOR, READ_MODEL_PROJECTION]) {
      const parked = (health.parkedStreams as { projection: string; streamId: string; streamVersion: number; position: string; eventType: string }[])
        .find((p) => p.projection === projection);
      assert.ok(parked, `${projection} parked the stream`);
      assert.equal(parked.streamId, streamIdOf(a));
      assert.equal(parked.streamVersion, 3);
      assert.equal(parked.eventType, 'BidPlaced');
      assert.ok(parked.position.length > 0);
    }
    const metrics = await fetch(`${sys.url}/metrics`).then((r) => r.text());
    assert.match(metrics, new RegExp(`gavelstream_projector_parked_streams\\{[^}]*projection="${READ_MODEL_PROJECTION}"[^}]*\\} 1`));
    assert.match(metrics, /gavelstream_projector_skipped_events_total\{[^}]*\} [1-9]/);
    const { rows } = await sys.resources.sql.query<{ stream_id: string; stream_version: number }>('SELECT stream_id, stream_version FROM parked_streams');
    assert.deepEqual(rows, [{ stream_id: streamIdOf(a), stream_version: 3 }]);

    // npm run rebuild: completes (exit 0), parks the stream again in the fresh tables, lists it
    if (o.dataDir !== undefined) {
      stopped = true;
      await sys.stop();
    }
    const rebuilt = await runRebuild(sys, o.dataDir !== undefined ? { DATA_DIR: o.dataDir() } : {});
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.deepEqual(rebuilt.report?.parked?.map((p) => [p.streamId, p.streamVersion]), [[streamIdOf(a), 3]], JSON.stringify(rebuilt.report));
    assert.match(rebuilt.stderr, new RegExp(`parked ${streamIdOf(a)} at version 3`));
    if (o.dataDir === undefined) {
      assert.equal((await sys.call('GET', `/v1/auctions/${b}?minVersion=3`)).body.version, 3);
    }
  });
};

describe('an event that cannot be read: embedded', function () {
  this.timeout(120_000);
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gavelstream-unreadable-'));
  });
  after(async () => {
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });
  unreadableEventSuite({ backend: () => embedded, dataDir: () => dataDir });
});

describe('an event that cannot be read: PostgreSQL and Redis', function () {
  this.timeout(120_000);
  let backend: Backend;
  before(function () {
    const suite = 'unreadable events on PostgreSQL and Redis';
    backend = { name: 'services', databaseUrl: serviceUrl(this, 'DATABASE_URL', suite), redisUrl: serviceUrl(this, 'REDIS_URL', suite) };
  });
  unreadableEventSuite({ backend: () => backend });
});

describe('an event that cannot be read: PostgreSQL, Redis and Kafka (publisher -> topic -> projectors)', function () {
  this.timeout(120_000);
  let backend: Backend;
  let brokers: string;
  const topic = uniqueName('unreadable');
  const groupIdPrefix = `${uniqueName('unreadable-group')}.`;
  before(function () {
    const suite = 'unreadable events through Kafka';
    backend = { name: 'services', databaseUrl: serviceUrl(this, 'DATABASE_URL', suite), redisUrl: serviceUrl(this, 'REDIS_URL', suite) };
    brokers = serviceUrl(this, 'KAFKA_BROKERS', suite);
  });
  after(async () => {
    if (brokers !== undefined) await deleteTopics(testKafka(brokers), [topic]).catch(() => undefined);
  });
  unreadableEventSuite({ backend: () => backend, system: () => ({ env: { KAFKA_BROKERS: brokers }, kafka: { topic, groupIdPrefix } }) });
});
