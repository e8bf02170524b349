// Operations (README, Operations): the operations port of a process (OPS_PORT: GET /health, /ready,
// /metrics with every role's metrics, background roles included), and the graceful stop:
// readiness 503 at once, no new work, the command in flight finished and answered, WebSockets
// closed with 1001, and a real `npm start` process that exits 0 on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createLogger, loadConfig, mintToken } from '../../infra/index.js';
import { startSystem } from '../../scripts/compose/system.js';
import type { RunningSystem } from '../../scripts/compose/system.js';
import { serviceUrl } from '../support/services.js';
import { embedded, eventually, freshDatabase, startTestSystem } from '../support/system.js';
import { connect as connectWs } from '../support/ws-client.js';
import { deleteTopics, testKafka, uniqueName } from '../support/kafka.js';
import { openConnection } from '../support/raw-http.js';

const SECRET = 'test-secret-test-secret-test-secret-0123';
const startScript = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'start.js');

/** A system of `roles` with the operations port on a free port (quiet, its own Redis and Kafka names). */
const startWithOps = (env: Record<string, string>, kafka?: { topic: string; groupIdPrefix: string }): Promise<RunningSystem> => {
  const config = loadConfig({ PORT: '0', REALTIME_PORT: '0', OPS_PORT: '0', DATA_DIR: 'memory', LOG_LEVEL: 'silent', AUTH_JWT_SECRET: SECRET, ...env });
  return startSystem(config, createLogger('silent'), {
    schedulerNamespace: `gs:test:${randomUUID()}`,
    liveCacheNamespace: `gs:test:${randomUUID()}:live-cache`,
    ...(kafka !== undefined ? { kafka } : {}),
  });
};

const getJson = async (url: string): Promise<{ status: number; body: Record<string, unknown> }> => {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/** The `# TYPE` lines' metric names on a Prometheus page. */
const metricNames = async (opsUrl: string): Promise<Set<string>> => {
  const response = await fetch(`${opsUrl}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
  return new Set([...(await response.text()).matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
};

const assertHas = (names: Set<string>, expected: readonly string[]) => {
  for (const name of expected) assert.ok(names.has(name), `/metrics has ${name}`);
};

describe('operations: the operations port of background roles (PostgreSQL)', function () {
  this.timeout(60_000);
  let databaseUrl: string;
  const drops: (() => Promise<void>)[] = [];

  before(function () {
    databaseUrl = serviceUrl(this, 'DATABASE_URL', 'operations port');
  });
  after(async () => {
    for (const drop of drops) await drop().catch(() => undefined);
  });

  it('serves /health, /ready and the scheduler\'s and projectors\' metrics for ROLES=scheduler,projector', async () => {
    const database = await freshDatabase(databaseUrl);
    drops.push(database.drop);
    const sys = await startWithOps({ ROLES: 'scheduler,projector', DATABASE_URL: database.url });
    try {
      assert.equal(sys.url, undefined, 'no API port for these roles');
      const opsUrl = sys.opsUrl!;
      assert.deepEqual(await getJson(`${opsUrl}/health`), {
        status: 200,
        body: { status: 'ok', roles: ['scheduler', 'projector'], state: 'ready', resources: { database: 'up' }, parkedStreams: [] },
      });
      assert.deepEqual(await getJson(`${opsUrl}/ready`), { status: 200, body: { ready: true } });
      assertHas(await metricNames(opsUrl), [
        'gavelstream_schedule_feed_skipped_events_total',
        'gavelstream_projector_parked_streams',
        'gavelstream_projector_skipped_events_total',
        'gavelstream_process_cpu_seconds_total',
      ]);
      assert.equal((await fetch(`${opsUrl}/elsewhere`)).status, 404);
      assert.equal((await fetch(`${opsUrl}/ready`, { method: 'POST' })).status, 405);
    } finally {
      await sys.stop();
    }
  });

  it('serves the publisher\'s and the Kafka projectors\' metrics for ROLES=publisher,projector (Kafka)', async function () {
    const brokers = serviceUrl(this, 'KAFKA_BROKERS', 'operations port of the publisher');
    const database = await freshDatabase(databaseUrl);
    drops.push(database.drop);
    const topic = uniqueName('ops');
    drops.push(() => deleteTopics(testKafka(brokers), [topic]));
    const sys = await startWithOps({ ROLES: 'publisher,projector', DATABASE_URL: database.url, KAFKA_BROKERS: brokers }, { topic, groupIdPrefix: `${uniqueName('ops')}.` });
    try {
      assert.deepEqual(await getJson(`${sys.opsUrl!}/ready`), { status: 200, body: { ready: true } });
      assertHas(await metricNames(sys.opsUrl!), [
        'gavelstream_publisher_events_total',
        'gavelstream_publisher_active',
        'gavelstream_publisher_lag_seconds',
        'gavelstream_projector_kafka_lag_messages',
        'gavelstream_projector_parked_streams',
      ]);
    } finally {
      await sys.stop();
    }
  });
});

const bidRequest = (auctionId: string, token: string, key: string, maxAmount: number, bodyBytes?: number): { head: string; body: string } => {
  const body = JSON.stringify({ maxAmount });
  return {
    head: `POST /v1/auctions/${auctionId}/bids HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\nAuthorization: Bearer ${token}\r\n`
      + `Content-Type: application/json\r\nIdempotency-Key: ${key}\r\nContent-Length: ${bodyBytes ?? Buffer.byteLength(body)}\r\n\r\n`,
    body,
  };
};

const createAuction = async (url: string): Promise<string> => {
  const seller = await mintToken({ secret: SECRET, sub: 'sam', roles: ['seller'], expiresIn: '1h' });
  const created = await fetch(`${url}/v1/auctions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${seller}` },
    body: JSON.stringify({ title: 'Lamp', currency: 'USD', startingPrice: 1000, endsAt: new Date(Date.now() + 3_600_000).toISOString() }),
  });
  assert.equal(created.status, 201);
  return ((await created.json()) as { auctionId: string }).auctionId;
};

describe('operations: graceful stop with a command in flight (PostgreSQL)', function () {
  this.timeout(60_000);
  let database: { url: string; drop: () => Promise<void> } | undefined;
  let holder: pg.Client | undefined;

  after(async () => {
    await holder?.end().catch(() => undefined);
    await database?.drop();
  });

  it('answers /ready 503 at once, takes no new request, and still answers the command in flight, whose event is in the log', async function () {
    database = await freshDatabase(serviceUrl(this, 'DATABASE_URL', 'graceful stop'));
    const sys = await startWithOps({ ROLES: 'command-api', DATABASE_URL: database.url });
    const url = sys.url!;
    const auctionId = await createAuction(url);
    const alice = await mintToken({ secret: SECRET, sub: 'alice', roles: ['bidder'], expiresIn: '1h' });

    // The log's table locked against writes: the bid's append waits for the lock, in flight.
    holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE events IN EXCLUSIVE MODE');
    const inFlightKey = randomUUID();
    const connection = await openConnection(url);
    const first = bidRequest(auctionId, alice, inFlightKey, 2000);
    connection.socket.write(first.head + first.body);
    const h = holder;
    await eventually(async () => {
      const { rows } = await h.query<{ waiting: string }>(
        `SELECT count(*)::text AS waiting FROM pg_locks l JOIN pg_database d ON d.oid = l.database
         WHERE d.datname = current_database() AND l.relation = 'events'::regclass AND NOT l.granted`,
      );
      return rows[0]!.waiting !== '0' ? true : undefined;
    }, 'the append to wait for the lock');

    const stopped = sys.stop();
    assert.equal(sys.probes.state, 'stopping');
    assert.deepEqual(await getJson(`${sys.opsUrl!}/ready`), { status: 503, body: { ready: false, reasons: ['the process is shutting down'] } });
    assert.equal((await getJson(`${sys.opsUrl!}/health`)).status, 200, 'still alive');
    // No new work: a new connection is refused; a request behind the one in flight is never run.
    await assert.rejects(fetch(`${url}/health`));
    const refusedKey = randomUUID();
    const second = bidRequest(auctionId, alice, refusedKey, 3000);
    connection.socket.write(second.head + second.body);

    await holder.query('COMMIT');
    await stopped;
    await eventually(async () => (connection.closed() ? true : undefined), 'the connection to be closed');
    const answers = connection.received();
    const statuses = [...answers.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    assert.equal(statuses[0], 201, answers);
    assert.match(answers, /"leading":true/);
    // The request behind it: refused (503) or cut with its connection, never run.
    assert.ok(statuses.length === 1 || statuses[1] === 503, answers);

    const { rows } = await holder.query<{ key: string; type: string }>(
      "SELECT metadata->>'idempotencyKey' AS key, type FROM events WHERE stream_id = $1 ORDER BY stream_version",
      [`auction-${auctionId}`],
    );
    assert.deepEqual(rows, [{ key: null, type: 'AuctionCreated' }, { key: inFlightKey, type: 'BidPlaced' }]);
  });
});

describe('operations: WebSockets on shutdown', () => {
  it('closes every socket with 1001 (Going Away), which clients answer by reconnecting', async () => {
    const sys = await startTestSystem(embedded);
    let stopped = false;
    try {
      const client = await connectWs(sys.realtimeUrl!);
      await client.waitFor((f) => f.type === 'time', 'the time frame');
      await sys.stop();
      stopped = true;
      assert.equal(await client.waitClosed(), 1001);
    } finally {
      if (!stopped) await sys.stop();
    }
  });
});

/** A port free now (taken and released). */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe('operations: `npm start` on SIGTERM (embedded, a child process)', function () {
  this.timeout(120_000);
  let child: ChildProcess | undefined;

  after(() => {
    if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
  });

  it('turns /ready 503, finishes the request in flight, closes WebSockets with 1001, and exits 0', async () => {
    const [port, realtimePort, opsPort] = [await freePort(), await freePort(), await freePort()];
    const env = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && !['DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS', 'EVENTSTORE_URL', 'ROLES'].includes(k)));
    const started = spawn(process.execPath, [startScript], {
      env: {
        ...env, DATA_DIR: 'memory', PORT: String(port), REALTIME_PORT: String(realtimePort), OPS_PORT: String(opsPort),
        AUTH_JWT_SECRET: SECRET, LOG_LEVEL: 'warn', SHUTDOWN_TIMEOUT_MS: '60000',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child = started;
    const exited = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));
    const ops = `http://127.0.0.1:${opsPort}`;
    const url = `http://127.0.0.1:${port}`;
    await eventually(async () => ((await fetch(`${ops}/ready`).then((r) => r.status, () => 0)) === 200 ? true : undefined), 'the process to be ready', 60_000);
    assert.equal((await fetch(`${url}/ready`)).status, 200, 'the API port answers readiness too');
    const auctionId = await createAuction(url);
    const alice = await mintToken({ secret: SECRET, sub: 'alice', roles: ['bidder'], expiresIn: '1h' });
    const socket = await connectWs(`ws://127.0.0.1:${realtimePort}/v1/realtime`);
    await socket.waitFor((f) => f.type === 'time', 'the time frame');

    // A bid in flight: its headers are in, its body is not (yet).
    const connection = await openConnection(url);
    const bid = bidRequest(auctionId, alice, randomUUID(), 2000);
    connection.socket.write(bid.head);
    await eventually(async () => {
      const metrics = await fetch(`${ops}/metrics`).then((r) => r.text());
      return /^gavelstream_http_requests_in_flight\{[^}]*\} 1$/m.test(metrics) ? true : undefined;
    }, 'the bid to be in flight');

    started.kill('SIGTERM');
    await eventually(async () => ((await fetch(`${ops}/ready`).then((r) => r.status, () => 0)) === 503 ? true : undefined), 'readiness to turn 503');
    assert.equal(started.exitCode, null, 'still running while the bid is in flight');
    connection.socket.write(bid.body);
    await eventually(async () => (connection.closed() ? true : undefined), 'the bid\'s answer');
    assert.match(connection.received(), /^HTTP\/1\.1 201 /);
    assert.equal(await socket.waitClosed(), 1001);
    assert.equal(await exited, 0);
  });
});
