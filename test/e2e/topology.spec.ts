// The local topology (scripts/topology/; README, "Running distributed without Docker"): HAProxy
// with scripts/haproxy/gavelstream.cfg in front of two API nodes and two realtime nodes, with a
// publisher, a projector and a scheduler, each a `node dist/scripts/start.js` process on
// PostgreSQL, Redis and Kafka. Requests spread over both API nodes; a WebSocket through the
// balancer gets the frames of a bid placed through it; a client's reconnects land on its node and
// client addresses spread over both; sockets past the per-address limit get 429 from the
// balancer; an API node stopped (SIGTERM) under traffic is out of rotation while it still serves,
// so no request fails, and it comes back on restart; a realtime node stopped closes its sockets
// with 1001, and its clients get their frames through the other node.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { mintToken } from '../../infra/index.js';
import type { Role } from '../../infra/index.js';
import { findHaproxy, startTopology } from '../../scripts/topology/index.js';
import type { Topology } from '../../scripts/topology/index.js';
import { deleteTopics, testKafka, uniqueName } from '../support/kafka.js';
import { requireProgram, serviceUrl } from '../support/services.js';
import { eventually, freshDatabase } from '../support/system.js';
import { connect, refusedUpgrade } from '../support/ws-client.js';
import type { TestClient } from '../support/ws-client.js';

const SUITE = 'topology behind HAProxy';
const SECRET = 'topology-test-secret-topology-test-0123';
/** The suite's ports: 18000 to 18032 (layout.ts). */
const BASE_PORT = 18000;
/** Sockets per client address the balancer allows here (GATEWAY_REALTIME_CONNECTIONS_PER_CLIENT). */
const SOCKETS_PER_CLIENT = 3;

const token = (sub: string, roles: Role[]) => mintToken({ secret: SECRET, sub, roles, expiresIn: '1h' });

interface Answer {
  readonly status: number;
  readonly servedBy: string | null;
  readonly body: Record<string, unknown>;
}

describe('topology: HAProxy in front of two API nodes and two realtime nodes (PostgreSQL, Redis, Kafka)', function () {
  this.timeout(60_000);
  let topology: Topology | undefined;
  let database: { url: string; drop: () => Promise<void> } | undefined;
  let brokers: string | undefined;
  let logsDir: string | undefined;
  const topic = uniqueName('topology');
  let failed = false;

  const top = (): Topology => topology!;

  const call = async (method: 'GET' | 'POST', path: string, options: { token?: string; body?: unknown; key?: string } = {}): Promise<Answer> => {
    const response = await fetch(`${top().url}${path}`, {
      method,
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token !== undefined ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.key !== undefined ? { 'idempotency-key': options.key } : {}),
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    return { status: response.status, servedBy: response.headers.get('x-served-by'), body: (await response.json()) as Record<string, unknown> };
  };

  const createAuction = async (): Promise<Answer> =>
    call('POST', '/v1/auctions', {
      token: await token('sam', ['seller']),
      body: { title: 'Lamp', currency: 'USD', startingPrice: 1000, endsAt: new Date(Date.now() + 3_600_000).toISOString() },
    });

  const newAuction = async (): Promise<string> => {
    const created = await createAuction();
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body.auctionId as string;
  };

  const bid = async (auctionId: string, bidder: string, maxAmount: number): Promise<Answer> =>
    call('POST', `/v1/auctions/${auctionId}/bids`, { token: await token(bidder, ['bidder']), body: { maxAmount }, key: randomUUID() });

  /** A socket through the balancer from `address` (a loopback address: a client of its own to the balancer). */
  const socketFrom = (address: string): Promise<TestClient> => connect(top().realtimeUrl, { localAddress: address });
  const nodeOf = (client: TestClient): string => String(client.upgradeHeaders['x-served-by']);

  const follow = async (client: TestClient, auctionId: string): Promise<void> => {
    const from = client.frames.length;
    client.send({ type: 'subscribe', auctionId });
    await client.waitFor((f) => f.type === 'snapshot', 'the snapshot', from);
  };

  before(async function () {
    this.timeout(150_000);
    const haproxy = requireProgram(this, findHaproxy(), SUITE, 'HAProxy (haproxy)');
    const databaseUrl = serviceUrl(this, 'DATABASE_URL', SUITE);
    const redisUrl = serviceUrl(this, 'REDIS_URL', SUITE);
    brokers = serviceUrl(this, 'KAFKA_BROKERS', SUITE);
    database = await freshDatabase(databaseUrl);
    logsDir = mkdtempSync(join(tmpdir(), 'gavelstream-topology-'));
    topology = await startTopology({
      basePort: BASE_PORT,
      haproxy,
      databaseUrl: database.url,
      redisUrl,
      kafkaBrokers: brokers,
      startKafka: false,
      kafkaTopic: topic,
      kafkaGroupIdPrefix: `${topic}.`,
      logsDir,
      nodeEnv: { AUTH_JWT_SECRET: SECRET, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '1000000', CHECKPOINT_INTERVAL_SECONDS: '0' },
      gatewayEnv: { GATEWAY_REALTIME_CONNECTIONS_PER_CLIENT: String(SOCKETS_PER_CLIENT) },
    });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') failed = true;
  });

  after(async function () {
    this.timeout(60_000);
    await topology?.stop();
    await database?.drop().catch(() => undefined);
    if (brokers !== undefined) await deleteTopics(testKafka(brokers), [topic]).catch(() => undefined);
    if (logsDir !== undefined) {
      if (failed) console.log(`  the topology's logs: ${logsDir}`);
      else rmSync(logsDir, { recursive: true, force: true });
    }
  });

  it('spreads reads and commands round-robin over both API nodes, naming the node in X-Served-By', async () => {
    const commands = await Promise.all([0, 1, 2, 3].map(() => createAuction()));
    assert.deepEqual(commands.map((c) => c.status), [201, 201, 201, 201]);
    assert.deepEqual(new Set(commands.map((c) => c.servedBy)), new Set(['api-1', 'api-2']));
    const auctionId = commands[0]!.body.auctionId as string;
    const reads: Answer[] = [];
    for (let i = 0; i < 4; i++) reads.push(await call('GET', `/v1/auctions/${auctionId}?minVersion=1`));
    assert.deepEqual(reads.map((r) => r.status), [200, 200, 200, 200]);
    assert.deepEqual(new Set(reads.map((r) => r.servedBy)), new Set(['api-1', 'api-2']));
    // The page, served by an API node, opens its WebSocket on the balancer's port.
    const page = await call('GET', '/config.json');
    assert.deepEqual(page.body.realtime, { port: BASE_PORT, path: '/v1/realtime' });
  });

  it('delivers the frame of a bid placed through the balancer to a WebSocket opened through it', async () => {
    const auctionId = await newAuction();
    const client = await connect(top().realtimeUrl);
    try {
      assert.match(nodeOf(client), /^realtime-[12]$/);
      await follow(client, auctionId);
      const placed = await bid(auctionId, 'alice', 2000);
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
      const frame = await client.waitFor((f) => f.type === 'auction.updated' && f.auctionId === auctionId && f.version === 2, 'the bid\'s frame', 0);
      assert.equal(frame.bidCount, 1);
    } finally {
      await client.close();
    }
  });

  it('keeps each client address on one realtime node, spreads addresses over both, and limits sockets per address', async () => {
    const nodes = new Map<string, string>();
    for (let i = 2; i <= 9; i++) {
      const address = `127.0.0.${i}`;
      const first = await socketFrom(address);
      await first.close();
      const again = await socketFrom(address);
      await again.close();
      assert.equal(nodeOf(again), nodeOf(first), `${address} reconnects to the same node`);
      nodes.set(address, nodeOf(first));
    }
    assert.deepEqual(new Set(nodes.values()), new Set(['realtime-1', 'realtime-2']), 'addresses spread over both nodes');

    const address = '127.0.0.30';
    const open = await Promise.all(Array.from({ length: SOCKETS_PER_CLIENT }, () => socketFrom(address)));
    const refused = await refusedUpgrade(top().realtimeUrl, { localAddress: address });
    assert.equal(refused.status, 429);
    assert.equal(refused.retryAfter, '10');
    assert.equal((refused.body as { error: { code: string } }).error.code, 'TOO_MANY_CONNECTIONS');
    const other = await socketFrom('127.0.0.31');
    await other.close();
    await Promise.all(open.map((c) => c.close()));
    // Once its sockets are closed, the address may open one again.
    const reopened = await eventually(async () => socketFrom(address).catch(() => undefined), 'a socket once the others closed');
    await reopened.close();
  });

  it('takes an API node stopped under traffic out of rotation while it still serves: no request fails; it comes back on restart', async () => {
    const auctionId = await newAuction();
    assert.equal((await call('GET', `/v1/auctions/${auctionId}?minVersion=1`)).status, 200, 'the auction is in the read models');
    interface Outcome { readonly started: number; readonly servedBy: string | null; readonly status: number | undefined; readonly error?: string }
    const outcomes: Outcome[] = [];
    let running = true;
    const loop = async (request: () => Promise<Answer>): Promise<void> => {
      while (running) {
        const started = performance.now();
        try {
          const answer = await request();
          outcomes.push({ started, servedBy: answer.servedBy, status: answer.status });
        } catch (error) {
          outcomes.push({ started, servedBy: null, status: undefined, error: error instanceof Error ? `${error.message} ${String(error.cause)}` : String(error) });
        }
        await sleep(20);
      }
    };
    let amount = 2000;
    const traffic = Promise.all([
      loop(() => call('GET', `/v1/auctions/${auctionId}`)),
      loop(() => call('GET', `/v1/auctions/${auctionId}/bids`)),
      loop(() => bid(auctionId, 'alice', (amount += 100))),
    ]);
    try {
      const servedBy = (node: string, after = 0) => outcomes.some((o) => o.servedBy === node && o.started > after);
      await eventually(async () => (servedBy('api-1') && servedBy('api-2') ? true : undefined), 'traffic on both API nodes');

      const exited = top().kill('api-1', 'SIGTERM');
      await top().waitForGateway('api-1', 'out');
      const outAt = performance.now();
      assert.notEqual(top().node('api-1').pid, undefined, 'api-1 was still running (draining) when the balancer took it out');
      assert.deepEqual(await exited, { code: 0, signal: null }, 'api-1 stopped gracefully');
      const exitedAt = performance.now();
      await eventually(async () => (outcomes.filter((o) => o.started > exitedAt).length >= 10 ? true : undefined), 'requests after api-1 stopped');

      const restartAt = performance.now();
      await top().restart('api-1');
      const backAt = performance.now();
      await eventually(async () => (servedBy('api-1', backAt) ? true : undefined), 'requests on api-1 again', 15_000);

      const whileOut = outcomes.filter((o) => o.started > outAt && o.started < restartAt);
      assert.ok(whileOut.length > 0);
      assert.deepEqual(new Set(whileOut.map((o) => o.servedBy)), new Set(['api-2']), 'while api-1 was out, api-2 served everything');
    } finally {
      running = false;
      await traffic;
    }
    const failures = outcomes.filter((o) => o.status === undefined || o.status >= 500);
    assert.deepEqual(failures, [], 'no request failed');
    assert.ok(outcomes.every((o) => o.status === 200 || o.status === 201), JSON.stringify(outcomes.filter((o) => o.status !== 200 && o.status !== 201)));
  });

  it('closes the sockets of a realtime node stopped with 1001; its clients reconnect through the other node and get their frames', async () => {
    const auctionId = await newAuction();
    const address = '127.0.0.2';
    const client = await socketFrom(address);
    const node = nodeOf(client);
    const other = node === 'realtime-1' ? 'realtime-2' : 'realtime-1';
    await follow(client, auctionId);

    const exited = top().kill(node, 'SIGTERM');
    assert.equal(await client.waitClosed('the socket to close', 20_000), 1001);
    await top().waitForGateway(node, 'out');
    const moved = await socketFrom(address);
    try {
      assert.equal(nodeOf(moved), other, 'the client lands on the other node');
      await follow(moved, auctionId);
      assert.equal((await bid(auctionId, 'bob', 3000)).status, 201);
      await moved.waitFor((f) => f.type === 'auction.updated' && f.auctionId === auctionId && f.version === 2, 'the bid\'s frame on the other node');
    } finally {
      await moved.close();
    }
    assert.deepEqual(await exited, { code: 0, signal: null });

    await top().restart(node);
    const back = await socketFrom(address);
    await back.close();
    assert.equal(nodeOf(back), node, 'with its node back, the address returns to it');
  });
});
