// The analytics role end to end: bids placed through the HTTP API of a running system reach
// analytics_auctions, analytics_price_points and analytics_bids_per_minute (the embedded system runs
// every role, the analytics one included); and a process running ROLES=analytics alone, beside a
// system without it on the same PostgreSQL, keeps the figures from its own source (its own Kafka
// consumer group with KAFKA_BROKERS, its own consumer of the stream with RABBITMQ_URL, else the log)
// and shows its role on /health. Embedded mode always; PostgreSQL and Redis when DATABASE_URL and
// REDIS_URL are set; with Kafka too when KAFKA_BROKERS is; with RabbitMQ instead when RABBITMQ_URL is.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createLogger, loadConfig } from '../../infra/index.js';
import { ANALYTICS_PROJECTION } from '../../projections/index.js';
import { startSystem } from '../../scripts/compose/system.js';
import type { RunningSystem } from '../../scripts/compose/system.js';
import { onEverySystem, type VariantOptions } from '../support/every-system.js';
import type { Backend, TestSystem } from '../support/system.js';
import { eventually, startTestSystem } from '../support/system.js';

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

/** Every role but analytics. */
const WITHOUT_ANALYTICS = 'command-api,publisher,projector,read-api,realtime,scheduler';

interface Figures {
  readonly version: number;
  readonly bids: number;
  readonly distinct_bidders: number;
  readonly status: string;
  readonly final_price: string | null;
  readonly points: number;
}

onEverySystem('analytics over HTTP', (backend: () => Backend, variant: () => VariantOptions, onServices: boolean) => {
  let sys: TestSystem;
  const tokens: Record<string, string> = {};

  const start = (roles?: string) => {
    const v = variant();
    return startTestSystem(backend(), { ...v, env: { ...v.env, ...(roles !== undefined ? { ROLES: roles } : {}) } });
  };
  const create = (body: Record<string, unknown>) =>
    sys.call('POST', '/v1/auctions', { token: tokens.seller, body: { title: 'Analytics lot', currency: 'USD', startingPrice: 1000, endsAt: inSeconds(3600), ...body } });
  const bid = async (auctionId: string, user: string, maxAmount: number): Promise<number> => {
    const placed = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, { token: tokens[user], body: { maxAmount }, headers: { 'Idempotency-Key': randomUUID() } });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    return placed.body.version as number;
  };
  /** The auction's figures once the analytics projection has reached `version`. */
  const figuresAt = (s: RunningSystem, auctionId: string, version: number) => eventually(async () => {
    const { rows } = await s.resources.sql.query<Figures>(
      `SELECT version, bids, distinct_bidders, status, final_price::text,
              (SELECT count(*)::integer FROM analytics_price_points p WHERE p.auction_id = a.auction_id) AS points
       FROM analytics_auctions a WHERE auction_id = $1`,
      [auctionId],
    );
    return rows[0] !== undefined && rows[0].version >= version ? rows[0] : undefined;
  }, `analytics of ${auctionId} at version ${version}`, 30_000);

  const signIn = async () => {
    tokens.seller = await sys.token(`seller-${randomUUID().slice(0, 8)}`, 'seller');
    for (const user of ['alice', 'bob']) tokens[user] = await sys.token(user, 'bidder');
  };

  describe('every role in one process', () => {
    before(async () => {
      sys = await start();
      await signIn();
    });
    after(async () => sys?.stop());

    it('projects bids placed through the HTTP API into the analytics tables', async () => {
      const auction = await create({ softClose: { windowSeconds: 60, extensionSeconds: 60 } });
      assert.equal(auction.status, 201, JSON.stringify(auction.body));
      const { auctionId } = auction.body as { auctionId: string };
      await bid(auctionId, 'alice', 2000);
      await bid(auctionId, 'bob', 1500);
      const last = await bid(auctionId, 'alice', 3000);
      // the opening price and one point per bid; alice twice, bob once
      assert.deepEqual(await figuresAt(sys, auctionId, last), { version: 4, bids: 3, distinct_bidders: 2, status: 'open', final_price: null, points: 4 });

      const bought = await create({ buyNowPrice: 9000 });
      const boughtId = (bought.body as { auctionId: string }).auctionId;
      const sold = await sys.call('POST', `/v1/auctions/${boughtId}/buy-now`, { token: tokens.bob });
      assert.equal(sold.status, 200, JSON.stringify(sold.body));
      assert.deepEqual(await figuresAt(sys, boughtId, 2), { version: 2, bids: 0, distinct_bidders: 0, status: 'sold', final_price: '9000', points: 2 });

      const { rows } = await sys.resources.sql.query<{ bids: number }>('SELECT sum(bids)::integer AS bids FROM analytics_bids_per_minute');
      assert.equal(rows[0]?.bids, 3);
      const health = await fetch(`${sys.url}/health`).then((r) => r.json()) as { roles: string[] };
      assert.ok(health.roles.includes('analytics'), JSON.stringify(health));
    });
  });

  // PGlite in memory belongs to one process: two processes need PostgreSQL (registered only there).
  if (onServices) describe('ROLES=analytics in a process of its own', () => {
    let analytics: RunningSystem | undefined;
    before(async function () {
      sys = await start(WITHOUT_ANALYTICS);
      await signIn();
      const v = variant();
      const config = loadConfig({
        DATABASE_URL: sys.config.databaseUrl!,
        ...(backend().redisUrl !== undefined ? { REDIS_URL: backend().redisUrl! } : {}),
        ...v.env,
        ROLES: 'analytics',
        OPS_PORT: '0',
        LOG_LEVEL: 'silent',
        DATA_DIR: 'memory',
        AUTH_JWT_SECRET: sys.config.jwtSecret,
      });
      analytics = await startSystem(config, createLogger('silent'), v.kafka !== undefined ? { kafka: v.kafka } : {});
    });
    after(async () => {
      await analytics?.stop();
      await sys?.stop();
    });

    it('keeps the figures current from its own source, and shows its role on /health', async () => {
      assert.equal(analytics!.url, undefined, 'the analytics role serves no API');
      const health = await fetch(`${analytics!.opsUrl!}/health`).then((r) => r.json()) as Record<string, unknown>;
      assert.deepEqual([health.status, health.roles, health.parkedStreams], ['ok', ['analytics'], []]);
      const auction = await create({});
      const { auctionId } = auction.body as { auctionId: string };
      const last = await bid(auctionId, 'alice', 2500);
      assert.deepEqual(await figuresAt(analytics!, auctionId, last), { version: 2, bids: 1, distinct_bidders: 1, status: 'open', final_price: null, points: 2 });
      // the system without the role keeps no analytics checkpoint of its own making: the one there is the analytics process's
      const { rows } = await sys.resources.sql.query<{ source: string }>('SELECT source FROM projection_checkpoints WHERE projection = $1', [ANALYTICS_PROJECTION]);
      assert.ok(rows.length > 0);
      const env = variant().env;
      const sourceOf = env?.KAFKA_BROKERS !== undefined ? 'kafka:' : env?.RABBITMQ_URL !== undefined ? `rabbitmq:${env.RABBITMQ_STREAM ?? ''}` : 'log';
      assert.ok(rows.every((r) => r.source.startsWith(sourceOf)), JSON.stringify(rows));
    });
  });
}, { rabbitmq: true });
