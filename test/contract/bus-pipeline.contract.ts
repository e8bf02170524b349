// The pipeline on each bus (Kafka, RabbitMQ), end to end with every real service:
// - issue 4's "done when": bids sent over HTTP travel command API -> PostgreSQL event log ->
//   publisher -> the bus -> the projectors' consumer -> PostgreSQL read models (seen through the read
//   API), the Redis hash, and the Redis channel (LiveChange messages, in version order) -> a realtime
//   node's WebSocket frames;
// - a projector killed (SIGKILL) and restarted mid-stream, twice, while bids keep coming through the
//   publisher and the bus, leaves the read models equal to a rebuild (`npm run rebuild`), compared by dump.
// A spec per bus calls `busPipelineContract(bus)` (test/integration/bus/*.spec.ts).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { isRight } from 'fp-ts/lib/Either.js';
import type { RunningPublisher } from '../../commands/index.js';
import { LiveChange, auctionCacheKey, auctionChannel, decodeLiveAuctionHash } from '../../contracts/index.js';
import type { Redis, SqlExecutor } from '../../infra/index.js';
import { closeRedis, createLogger, loadConfig, openRedis } from '../../infra/index.js';
import { READ_MODEL_PROJECTION } from '../../projections/index.js';
import { openResources } from '../../scripts/compose/resources.js';
import type { Resources } from '../../scripts/compose/resources.js';
import { startPublisherRole } from '../../scripts/compose/publisher.js';
import { AuctionWriter, runTraffic } from '../support/auction-traffic.js';
import type { BusNames, BusUnderTest } from '../support/bus.js';
import { uniqueName } from '../support/kafka.js';
import { dumpReadModels, misledBidders, settledHead } from '../support/read-model-dump.js';
import { serviceUrl } from '../support/services.js';
import { rebuildScript, spawnProjector } from '../support/spawn-projector.js';
import type { TestSystem } from '../support/system.js';
import { eventually, freshDatabase, startTestSystem } from '../support/system.js';
import type { TestClient } from '../support/ws-client.js';
import { connect, versions } from '../support/ws-client.js';

/** Auction streams whose auction_view row is behind the stream's last version (or missing). */
const streamsBehind = async (sql: SqlExecutor): Promise<number> => {
  const { rows } = await sql.query<{ n: number }>(`
    SELECT count(*)::int AS n
    FROM (SELECT stream_id, max(stream_version) AS v FROM events WHERE stream_id LIKE 'auction-%' GROUP BY stream_id) e
    LEFT JOIN auction_view a ON 'auction-' || a.auction_id = e.stream_id
    WHERE a.version IS DISTINCT FROM e.v`);
  return rows[0]!.n;
};

export const busPipelineContract = (bus: BusUnderTest): void => {
  describe(`the whole pipeline through ${bus.name}: HTTP -> log -> publisher -> ${bus.name} -> read models, Redis hash, Redis channel, WebSocket`, function () {
    this.timeout(90_000);
    let names: BusNames;
    let sys: TestSystem;
    let subscriber: Redis;
    let socket: TestClient | undefined;
    const published: { channel: string; message: string }[] = [];

    before(async function () {
      const suite = `pipeline through ${bus.name}`;
      const databaseUrl = serviceUrl(this, 'DATABASE_URL', suite);
      const redisUrl = serviceUrl(this, 'REDIS_URL', suite);
      bus.connect(this, suite);
      names = bus.fresh('pipeline');
      sys = await startTestSystem({ name: 'services', databaseUrl, redisUrl }, { env: bus.env(names), ...bus.systemOptions(names) });
      subscriber = await openRedis(redisUrl, 'test-pipeline-subscriber', { maxRetriesPerRequest: null });
      subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => published.push({ channel, message }));
      await subscriber.psubscribe(auctionChannel('*'));
    });
    after(async () => {
      await socket?.close();
      if (subscriber !== undefined) await closeRedis(subscriber);
      await sys?.stop();
      await bus.cleanup();
    });

    it(`delivers every bid to the read API, the Redis hash and the Redis channel, in version order, fed by ${bus.name}`, async () => {
      const seller = await sys.token('sam', 'seller');
      const bidders = await Promise.all(['alice', 'bob', 'carol'].map((name) => sys.token(name, 'bidder')));
      const created = await sys.call('POST', '/v1/auctions', {
        token: seller,
        body: { title: 'Leica M3', currency: 'EUR', startingPrice: 10_000, reservePrice: 30_000, endsAt: new Date(Date.now() + 3_600_000).toISOString() },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const auctionId = created.body.auctionId as string;

      socket = await connect(sys.realtimeUrl!);
      socket.send({ type: 'subscribe', auctionId });
      await socket.waitFor((f) => f.type === 'snapshot', 'the snapshot');

      const answers: { version: number; currentPrice: number; bidderPseudonym: string; leading: boolean }[] = [];
      for (const [i, maxAmount] of [20_000, 15_000, 32_000, 40_000, 36_000].entries()) {
        const r = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, {
          token: bidders[i % 3], body: { maxAmount }, headers: { 'Idempotency-Key': randomUUID() },
        });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        answers.push(r.body);
      }
      const last = answers[answers.length - 1]!;
      const leader = answers.filter((a) => a.leading).pop()!;

      // The read API, once its read model reflects the last bid.
      const view = await sys.call('GET', `/v1/auctions/${auctionId}?minVersion=${last.version}`);
      assert.equal(view.status, 200, JSON.stringify(view.body));
      assert.equal(view.body.version, last.version);
      assert.equal(view.body.currentPrice, last.currentPrice);
      assert.equal(view.body.bidCount, 5);
      assert.equal(view.body.reserveMet, true);
      assert.equal(view.body.leader, leader.bidderPseudonym);
      const history = await sys.call('GET', `/v1/auctions/${auctionId}/bids?order=oldest`);
      assert.deepEqual(history.body.items.map((b: { version: number }) => b.version), answers.map((a) => a.version));

      // The Redis hash.
      const redis = sys.resources.redis!;
      const hash = await eventually(async () => {
        const decoded = decodeLiveAuctionHash(await redis.hgetall(auctionCacheKey(auctionId)));
        return decoded.ok && decoded.auction?.version === last.version ? decoded.auction : undefined;
      }, 'the Redis hash to reach the last version');
      assert.equal(hash.currentPrice, last.currentPrice);
      assert.equal(hash.leader, leader.bidderPseudonym);
      assert.equal(hash.bidCount, 5);

      // The Redis channel: one LiveChange per version, in order, each frame matching the bid's answer.
      const changes = await eventually(async () => {
        const mine = published.filter((p) => p.channel === auctionChannel(auctionId));
        return mine.length >= 6 ? mine : undefined;
      }, 'six changes on the channel');
      const decoded = changes.map((p) => LiveChange.decode(JSON.parse(p.message)));
      assert.ok(decoded.every(isRight), 'every message is a LiveChange');
      const frames = decoded.map((d) => (isRight(d) ? d.right.frame : undefined)!);
      assert.deepEqual(frames.map((f) => f.version), [1, ...answers.map((a) => a.version)]);
      assert.deepEqual(frames.slice(1).map((f) => f.currentPrice), answers.map((a) => a.currentPrice));
      assert.ok(!changes.some((p) => /alice|bob|carol|maxAmount/.test(p.message)), 'no real id or maximum is published');

      // The WebSocket: the same frames after the snapshot.
      await socket.waitFor((f) => f.type === 'auction.updated' && f.version === last.version, 'the last frame');
      assert.deepEqual(versions(socket.updates(auctionId)), answers.map((a) => a.version));

      // Fed by the bus: both projectors' checkpoints are the test topic's or stream's.
      const { rows } = await sys.resources.sql.query<{ source: string }>('SELECT source FROM projection_checkpoints WHERE projection = $1', [READ_MODEL_PROJECTION]);
      assert.ok(rows.length > 0 && rows.every((r) => r.source.startsWith(bus.sourcePrefix(names))), JSON.stringify(rows));
      const liveCheckpoints = await redis.keys(`*:checkpoint:*:${bus.sourcePrefix(names)}*`);
      assert.ok(liveCheckpoints.length > 0, `the live cache has ${bus.name} checkpoints`);
    });
  });

  describe(`projector killed and restarted mid-stream, fed through ${bus.name} (PostgreSQL, publisher, ${bus.name})`, function () {
    this.timeout(180_000);
    let names: BusNames;
    let database: { url: string; drop: () => Promise<void> };
    let resources: Resources;
    let publisher: RunningPublisher | undefined;
    let env: NodeJS.ProcessEnv;
    const children = new Set<ChildProcess>();

    before(async function () {
      const suite = `projector restart through ${bus.name}`;
      const url = serviceUrl(this, 'DATABASE_URL', suite);
      bus.connect(this, suite);
      names = bus.fresh('restart');
      database = await freshDatabase(url);
      const config = loadConfig({ DATABASE_URL: database.url, ...bus.env(names), DATA_DIR: 'memory', LOG_LEVEL: 'silent' });
      resources = await openResources(config, createLogger('silent'));
      publisher = await startPublisherRole(resources, { topic: names.name, stream: names.name, partitions: 4 });
      env = {
        ...process.env, KAFKA_BROKERS: '', RABBITMQ_URL: '', DATABASE_URL: database.url, ...bus.env(names),
        TEST_KAFKA_TOPIC: names.name, TEST_KAFKA_GROUP_PREFIX: `${uniqueName('restart-group')}.`,
        PSEUDONYM_SECRET: 'restart-test-pseudonym-secret-0123456789', LOG_LEVEL: 'silent', REDIS_URL: '', REDIS_CLUSTER_NODES: '',
      };
    });
    after(async () => {
      for (const child of children) child.kill('SIGKILL');
      await publisher?.stop();
      await resources?.close();
      await database?.drop();
      await bus.cleanup();
    });

    const startProjector = () => spawnProjector(env, children);
    /** Every bus checkpoint of the read models, as one comparable string. */
    const checkpoints = async (): Promise<string> => {
      const { rows } = await resources.sql.query<{ c: string | null }>(
        `SELECT string_agg(source || '=' || position, ',' ORDER BY source) AS c FROM projection_checkpoints WHERE projection = $1 AND source LIKE $2`,
        [READ_MODEL_PROJECTION, `${bus.sourcePrefix(names)}%`],
      );
      return rows[0]?.c ?? '';
    };

    it(`a projector killed and restarted mid-stream, fed through ${bus.name}, leaves the read models equal to a rebuild`, async () => {
      const writer = new AuctionWriter(resources.log);
      for (let round = 0; round < 2; round++) {
        // Traffic flows through the publisher into the topic while the projector runs, and goes on after it is killed.
        const traffic = runTraffic(writer, { auctions: 20, commands: 300, seed: 71 + round, prefix: `kafka${round}`, closeAll: round === 1 });
        const before = await checkpoints();
        const child = await startProjector();
        await eventually(async () => ((await checkpoints()) !== before ? true : undefined), `the projector to commit a batch from ${bus.name}`, 60_000);
        child.kill('SIGKILL');
        await once(child, 'exit');
        await traffic;
        assert.ok((await streamsBehind(resources.sql)) > 0, 'the projector was killed before the read models caught up');
      }

      const child = await startProjector();
      await settledHead(resources.sql, resources.log);
      await eventually(async () => ((await streamsBehind(resources.sql)) === 0 ? true : undefined), `the restarted projector to catch up through ${bus.name}`, 90_000);
      child.kill('SIGTERM');
      await once(child, 'exit');
      assert.ok((await checkpoints()).startsWith(bus.sourcePrefix(names)), `the projector was fed by ${bus.name}`);
      const projected = await dumpReadModels(resources.sql);
      assert.ok(projected.bidHistory.length > 100, `bids projected: ${projected.bidHistory.length}`);
      assert.equal(await misledBidders(resources.sql), 0);

      const rebuild = spawn(process.execPath, [rebuildScript], { env: { ...env, KAFKA_BROKERS: '', RABBITMQ_URL: '' }, stdio: ['ignore', 'ignore', 'pipe'] });
      const [code] = (await once(rebuild, 'exit')) as [number];
      assert.equal(code, 0);
      assert.deepEqual(await dumpReadModels(resources.sql), projected);
    });
  });
};
