// `npm run bench:realtime`: fan-out of the realtime node. N WebSocket clients (this process)
// follow one auction on a realtime node (a child process); the benchmark makes changes and times
// each frame from the moment the change is handed to the live cache (Redis: the projector's
// script that stores and PUBLISHes it; embedded: the IPC message that makes the node's in-memory
// cache apply it) to the moment a client receives it. Two phases: one change at a time (latency),
// then a burst (frames per second delivered, and latency under load). Prints figures, asserts nothing.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { isLeft } from 'fp-ts/lib/Either.js';
import WebSocket from 'ws';
import { closeRedis, openRedis, pseudonymiser } from '../../infra/index.js';
import type { Redis } from '../../infra/index.js';
import { RedisLiveCache } from '../../projections/index.js';
import { AuctionStream } from '../../test/support/live-events.js';
import { NodeMessage } from './realtime-protocol.js';
import type { BenchMessage } from './realtime-protocol.js';

const usage = `npm run bench:realtime -- [options]

Fan-out of one realtime node: N sockets follow one auction; each change is timed from the moment
it is handed to the live cache to the moment each socket receives its frame (p50/p99), one change at
a time, then in a burst (frames/s delivered). Modes: embedded (in-memory cache in the node's process)
and redis (REDIS_URL: the projector's script in this process, the node on Redis pub/sub).

Options:
  --sockets <n>   sockets following the auction (default 1000)
  --changes <n>   changes made one at a time, each awaited by every socket (default 200)
  --burst <n>     changes made as fast as the cache takes them (default 1000)
  --batch <n>     changes per projector batch in the burst (default 50)
  --mode <m>      embedded, redis or all (default all; redis needs REDIS_URL)
  --quick         100 sockets, 50 changes, a burst of 200
  --help`;

const { values } = parseArgs({
  options: {
    sockets: { type: 'string' },
    changes: { type: 'string' },
    burst: { type: 'string' },
    batch: { type: 'string' },
    mode: { type: 'string' },
    quick: { type: 'boolean' },
    help: { type: 'boolean' },
  },
});
if (values.help === true) {
  console.log(usage);
  process.exit(0);
}
const positive = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`--${name}: expected a positive whole number, got ${value}\n\n${usage}`);
    process.exit(2);
  }
  return n;
};
const quick = values.quick === true;
const sockets = positive(values.sockets, quick ? 100 : 1000, 'sockets');
const changes = positive(values.changes, quick ? 50 : 200, 'changes');
const burst = positive(values.burst, quick ? 200 : 1000, 'burst');
const batch = positive(values.batch, 50, 'batch');
const redisUrl = process.env.REDIS_URL !== undefined && process.env.REDIS_URL !== '' ? process.env.REDIS_URL : undefined;
const modeOption = values.mode ?? 'all';
if (!['embedded', 'redis', 'all'].includes(modeOption)) {
  console.error(`--mode: expected embedded, redis or all\n\n${usage}`);
  process.exit(2);
}
const modes = (modeOption === 'all' ? ['embedded', 'redis'] : [modeOption]).filter((m) => m !== 'redis' || redisUrl !== undefined);
if (modeOption === 'redis' && redisUrl === undefined) {
  console.error('--mode redis needs REDIS_URL');
  process.exit(2);
}

// ---- the node (child process) -----------------------------------------------------------------

interface Node {
  readonly port: number;
  ask(message: BenchMessage): Promise<NodeMessage>;
  stop(): Promise<void>;
}

const startNode = async (mode: string): Promise<Node> => {
  const child: ChildProcess = fork(new URL('./realtime-node.js', import.meta.url), [], {
    env: { REALTIME_MAX_CONNECTIONS_PER_ADDRESS: '0', ...process.env, REDIS_URL: mode === 'redis' ? redisUrl : '', REDIS_CLUSTER_NODES: '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (): Promise<NodeMessage> =>
    new Promise((resolve, reject) => {
      const onMessage = (raw: unknown) => {
        const decoded = NodeMessage.decode(raw);
        if (isLeft(decoded)) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (decoded.right.type === 'failed') reject(new Error(`realtime node: ${decoded.right.message}`));
        else resolve(decoded.right);
      };
      const onExit = () => reject(new Error('realtime node exited'));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ready = await next();
  if (ready.type !== 'ready') throw new Error(`realtime node: expected ready, got ${ready.type}`);
  let queue: Promise<unknown> = Promise.resolve();
  return {
    port: ready.port,
    ask: (message) => {
      const answer = queue.then(() => {
        const reply = next();
        child.send(message);
        return reply;
      });
      queue = answer.catch(() => undefined);
      return answer;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' } satisfies BenchMessage);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
};

// ---- the clients ------------------------------------------------------------------------------

interface Clients {
  /** Resolves once every open socket has received `version`. */
  reached(version: number): Promise<void>;
  /** Every frame's latency (ms). */
  readonly latencies: number[];
  /** Per version: when the first and the last socket received it (ms, performance.now()). */
  readonly arrivals: Map<number, { first: number; last: number }>;
  frames: number;
  closed(): number;
  close(): void;
}

const VERSION = /"version":(\d+)/;

const openClients = async (port: number, auctionId: string, count: number, sentAt: Map<number, number>): Promise<Clients> => {
  const lastVersion = new Array<number>(count).fill(0);
  const open = new Array<boolean>(count).fill(true);
  const waiters: { version: number; resolve: () => void }[] = [];
  const state = { frames: 0, latencies: [] as number[], arrivals: new Map<number, { first: number; last: number }>() };
  const check = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i]!;
      if (lastVersion.every((v, j) => !open[j] || v >= waiter.version)) {
        waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  };
  const behind = new Map<number, number>(); // version -> sockets still waiting for it
  const sockets: WebSocket[] = [];
  const snapshots: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/realtime`);
    sockets.push(ws);
    snapshots.push(new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.on('message', (data: Buffer) => {
        const received = performance.now();
        const text = data.toString();
        if (text.startsWith('{"type":"snapshot"')) {
          lastVersion[i] = Number(VERSION.exec(text)?.[1] ?? 0);
          resolve();
          return;
        }
        if (!text.startsWith('{"type":"auction.updated"')) return;
        const version = Number(VERSION.exec(text)?.[1] ?? 0);
        state.frames += 1;
        const sent = sentAt.get(version);
        if (sent !== undefined) state.latencies.push(received - sent);
        const arrival = state.arrivals.get(version);
        if (arrival === undefined) state.arrivals.set(version, { first: received, last: received });
        else arrival.last = received;
        lastVersion[i] = version;
        const left = (behind.get(version) ?? count) - 1;
        behind.set(version, left);
        if (left <= 0 && waiters.length > 0) check();
      });
      ws.once('open', () => ws.send(JSON.stringify({ type: 'subscribe', auctionId })));
      ws.once('close', () => {
        open[i] = false;
        check();
      });
    }));
    if (i % 100 === 99) await Promise.all(snapshots.slice(i - 99, i + 1));
  }
  await Promise.all(snapshots);
  return {
    reached: (version) => new Promise<void>((resolve) => {
      waiters.push({ version, resolve });
      check();
    }),
    get latencies() {
      return state.latencies;
    },
    get arrivals() {
      return state.arrivals;
    },
    get frames() {
      return state.frames;
    },
    set frames(n: number) {
      state.frames = n;
    },
    closed: () => open.filter((o) => !o).length,
    close: () => {
      for (const ws of sockets) ws.terminate();
    },
  };
};

// ---- the runs ---------------------------------------------------------------------------------

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

interface Result {
  readonly mode: string;
  readonly sockets: number;
  /** Every frame; the first socket per change (the node's path); the last socket per change (the whole fan-out). */
  readonly latency: { p50: number; p99: number; max: number; samples: number; firstP50: number; lastP50: number; lastP99: number };
  readonly burst: { changes: number; seconds: number; framesPerSecond: number; p50: number; p99: number; dropped: number };
}

const run = async (mode: string): Promise<Result> => {
  const node = await startNode(mode);
  let redis: Redis | undefined;
  try {
    const sentAt = new Map<number, number>();
    let apply: (count: number, perBatch: number) => Promise<number>;
    let auctionId: string;
    if (mode === 'redis') {
      redis = await openRedis(redisUrl!, 'bench-realtime');
      const writer = new RedisLiveCache({ redis, pseudonym: pseudonymiser('bench-realtime-secret-0123456789abc'), namespace: `gs:bench:${randomUUID()}` });
      const stream = new AuctionStream(`bench-${randomUUID()}`);
      const created = stream.create();
      await writer.apply(created, 'bench', created[0]!.position);
      auctionId = stream.auctionId;
      apply = async (count, perBatch) => {
        let left = count;
        while (left > 0) {
          const events = stream.bidding(Math.min(left, perBatch));
          left -= events.length;
          const now = performance.now();
          for (const e of events) sentAt.set(e.streamVersion, now);
          await writer.apply(events, 'bench', events[events.length - 1]!.position);
        }
        return stream.events.length;
      };
    } else {
      const created = await node.ask({ type: 'create' });
      if (created.type !== 'created') throw new Error('expected created');
      auctionId = created.auctionId;
      let version = 1;
      apply = async (count, perBatch) => {
        const now = performance.now();
        for (let v = version + 1; v <= version + count; v++) sentAt.set(v, now);
        const applied = await node.ask({ type: 'apply', count, batch: perBatch });
        if (applied.type !== 'applied') throw new Error('expected applied');
        version = applied.version;
        return version;
      };
    }
    const clients = await openClients(node.port, auctionId, sockets, sentAt);

    // One change at a time: each awaited by every socket before the next.
    for (let i = 0; i < changes; i++) {
      const version = await apply(1, 1);
      await clients.reached(version);
    }
    const latency = [...clients.latencies].sort((a, b) => a - b);
    const perChange = [...clients.arrivals].flatMap(([version, a]) => {
      const sent = sentAt.get(version);
      return sent === undefined ? [] : [{ first: a.first - sent, last: a.last - sent }];
    });
    const firsts = perChange.map((c) => c.first).sort((a, b) => a - b);
    const lasts = perChange.map((c) => c.last).sort((a, b) => a - b);
    clients.latencies.length = 0;
    clients.frames = 0;

    // A burst, as fast as the cache takes it.
    const started = performance.now();
    const last = await apply(burst, batch);
    await clients.reached(last);
    const seconds = (performance.now() - started) / 1000;
    const under = [...clients.latencies].sort((a, b) => a - b);
    const result: Result = {
      mode,
      sockets,
      latency: {
        p50: percentile(latency, 50), p99: percentile(latency, 99), max: latency[latency.length - 1] ?? NaN, samples: latency.length,
        firstP50: percentile(firsts, 50), lastP50: percentile(lasts, 50), lastP99: percentile(lasts, 99),
      },
      burst: { changes: burst, seconds, framesPerSecond: clients.frames / seconds, p50: percentile(under, 50), p99: percentile(under, 99), dropped: clients.closed() },
    };
    clients.close();
    return result;
  } finally {
    if (redis !== undefined) await closeRedis(redis);
    await node.stop();
  }
};

const results: Result[] = [];
for (const mode of modes) {
  process.stdout.write(`${mode}: ${sockets} sockets, ${changes} single changes, a burst of ${burst}... `);
  const result = await run(mode);
  console.log('done');
  results.push(result);
}
const f = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
console.log('\none change at a time (ms from the change handed to the cache to the frame in a client)');
console.log('mode       sockets   frame p50  frame p99  frame max   first socket p50   last socket p50  last socket p99');
for (const r of results) {
  const l = r.latency;
  console.log(`${r.mode.padEnd(10)} ${String(r.sockets).padStart(7)}   ${f(l.p50).padStart(9)}  ${f(l.p99).padStart(9)}  ${f(l.max).padStart(9)}   ${f(l.firstP50).padStart(16)}   ${f(l.lastP50).padStart(15)}  ${f(l.lastP99).padStart(15)}`);
}
console.log(`\na burst of ${burst} changes (batches of ${batch})`);
console.log('mode       sockets     frames/s   seconds   frame p50  frame p99   dropped');
for (const r of results) {
  const b = r.burst;
  console.log(`${r.mode.padEnd(10)} ${String(r.sockets).padStart(7)}   ${f(b.framesPerSecond, 0).padStart(10)}   ${f(b.seconds).padStart(7)}   ${f(b.p50).padStart(9)}  ${f(b.p99).padStart(9)}   ${String(b.dropped).padStart(7)}`);
}
console.log(`\n${JSON.stringify({ realtimeBench: results })}`);
if (!modes.includes('redis')) console.log('(redis mode skipped: REDIS_URL is not set)');
