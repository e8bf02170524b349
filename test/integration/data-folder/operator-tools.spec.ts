// The operator tools (compiled scripts, as child processes) against an embedded data folder that a
// running server holds: each refuses with its message and exit status, the server's files stay as
// they were and it keeps serving; once it has stopped, each works. A lock left by a killed holder
// is taken over, a rebuild killed midway can be run again, and a tool interrupted by SIGINT closes
// the folder and releases it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCK_FILE, mintToken, openPglite } from '../../../infra/index.js';
import type { Role } from '../../../infra/index.js';
import { dumpReadModels } from '../../support/read-model-dump.js';
import type { ReadModelDump } from '../../support/read-model-dump.js';

const scripts = fileURLToPath(new URL('../../../scripts/', import.meta.url));
const holderScript = fileURLToPath(new URL('../../support/hold-data-folder.js', import.meta.url));
const SECRET = 'test-secret-test-secret-test-secret-0123';

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface Started {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly exited: Promise<Run>;
}

const env = (dataDir: string): NodeJS.ProcessEnv => {
  const out: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', REALTIME_PORT: '0', LOG_LEVEL: 'info', AUTH_JWT_SECRET: SECRET };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'REDIS_CLUSTER_NODES', 'KAFKA_BROKERS', 'RABBITMQ_URL', 'EVENTSTORE_URL', 'ROLES']) delete out[name];
  return out;
};

const start = (file: string, args: readonly string[], dataDir: string, children: Set<ChildProcess>): Started => {
  const child = spawn(process.execPath, [file, ...args], { env: env(dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Run>((resolve) =>
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, stdout: () => stdout, exited };
};

/** Resolves once `started` has printed a line matching `pattern`; fails if it exits first. */
const printed = async (started: Started, pattern: RegExp, what: string): Promise<string> => {
  for (;;) {
    const line = started.stdout().split('\n').find((l) => pattern.test(l));
    if (line !== undefined) return line;
    const done = await Promise.race([started.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 50))]);
    if (done !== undefined) throw new Error(`${what} exited (${done.code ?? done.signal}) before printing ${pattern}: ${done.stdout}${done.stderr}`);
  }
};

/**
 * Resolves once a rebuild printed that it builds the read models (after its first page); fails at
 * once if it ended first, rather than waiting for the suite's timeout.
 */
const building = (rebuild: Started): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    rebuild.child.stderr!.on('data', (d: Buffer) => /rebuild: read models: building/.test(d.toString()) && resolve());
    void rebuild.exited.then((run) => reject(new Error(`the rebuild ended (${run.code ?? run.signal}) before it said it was building: ${run.stderr}`)));
  });

describe('operator tools on a live embedded data folder', function () {
  this.timeout(600_000); // each child opens PGlite (seconds each on a busy machine)
  const children = new Set<ChildProcess>();
  let dir: string;
  let dataDir: string;
  let auctionId: string;
  let cleanTables: ReadModelDump;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gs-operator-'));
    dataDir = join(dir, 'data');
  });
  after(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const tool = (name: string, ...args: string[]) => start(join(scripts, `${name}.js`), args, dataDir, children).exited;

  const startServer = async () => {
    const server = start(join(scripts, 'start.js'), [], dataDir, children);
    const line = await printed(server, /"msg":"serving HTTP"/, 'the server');
    const url = (JSON.parse(line) as { url: string }).url;
    const call = async (method: string, path: string, userId: string, role: Role, body?: unknown) => {
      const token = await mintToken({ secret: SECRET, sub: userId, roles: [role], expiresIn: '1h' });
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'idempotency-key': randomUUID(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    return { server, call };
  };

  /** What the server keeps in the folder beside the database: its lock and PGlite's postmaster.pid. */
  const holderFiles = () => {
    const read = (name: string) => (existsSync(join(dataDir, name)) ? readFileSync(join(dataDir, name), 'utf8') : undefined);
    return { lock: read(LOCK_FILE), postmaster: read('postmaster.pid') };
  };

  const readTables = async (): Promise<ReadModelDump> => {
    const sql = await openPglite(dataDir);
    try {
      return await dumpReadModels(sql);
    } finally {
      await sql.close();
    }
  };

  it('each tool refuses a folder a running server holds, leaves its files alone while the server keeps serving; once it stops, each works', async () => {
    const { server, call } = await startServer();
    const created = await call('POST', '/v1/auctions', 'sam', 'seller', {
      title: 'Omega Seamaster',
      currency: 'USD',
      startingPrice: 1000,
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    auctionId = created.body.auctionId as string;
    const held = holderFiles();
    assert.ok(held.lock?.includes(`"pid":${server.child.pid}`), held.lock);
    assert.notEqual(held.postmaster, undefined);

    const holderNamed = new RegExp(`open in another process, start\\.js \\(pid ${server.child.pid}, since`);
    const refusals: [name: string, args: string[], code: number][] = [
      ['rebuild', [], 1],
      ['verify-chain', ['--all'], 2],
      ['verify-chain', [auctionId], 2],
      ['replay', [], 1],
      ['migrate', [], 1],
      ['start', [], 1],
    ];
    let bids = 0;
    for (const [name, args, code] of refusals) {
      const run = await tool(name, ...args);
      assert.equal(run.code, code, `${name}: ${run.stdout}${run.stderr}`);
      assert.match(name === 'start' ? run.stdout : run.stderr, holderNamed, name);
      if (name !== 'start') assert.equal(run.stdout, '', name);
      assert.deepEqual(holderFiles(), held, `${name} left the server's files as they were`);
      // the server keeps serving, reads and writes
      bids += 1;
      const bid = await call('POST', `/v1/auctions/${auctionId}/bids`, `bidder-${bids}`, 'bidder', { maxAmount: 1000 + 100 * bids });
      assert.equal(bid.status, 201, `after ${name}: ${JSON.stringify(bid.body)}`);
      assert.equal((await call('GET', `/v1/auctions/${auctionId}`, 'sam', 'seller')).status, 200, `after ${name}`);
    }

    server.child.kill('SIGTERM');
    assert.equal((await server.exited).code, 0);
    assert.deepEqual(holderFiles(), { lock: undefined, postmaster: undefined });

    const verified = await tool('verify-chain', auctionId);
    assert.equal(verified.code, 0, verified.stderr);
    assert.deepEqual(JSON.parse(verified.stdout), { valid: true, events: 1 + bids });
    const replayed = await tool('replay');
    assert.equal(replayed.code, 0, replayed.stderr);
    assert.equal(replayed.stdout.trim().split('\n').length, 1 + bids);
    const before = await readTables();
    const rebuilt = await tool('rebuild');
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.equal((JSON.parse(rebuilt.stdout) as { events: number }).events, 1 + bids);
    cleanTables = await readTables();
    assert.deepEqual(cleanTables, before);
    const migrated = await tool('migrate');
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stdout, /is up to date/);
    assert.deepEqual(holderFiles(), { lock: undefined, postmaster: undefined });
  });

  it('a lock left by a killed server is taken over, and a rebuild killed midway can be run again', async () => {
    const { server } = await startServer();
    server.child.kill('SIGKILL');
    await server.exited;
    const stale = holderFiles();
    assert.ok(stale.lock?.includes(`"pid":${server.child.pid}`), 'the killed server left its lock');

    // killed while building (after its first page), so its fresh tables stay behind
    const killed = start(join(scripts, 'rebuild.js'), ['--batch-size', '1'], dataDir, children);
    await building(killed);
    killed.child.kill('SIGKILL');
    await killed.exited;

    const rebuilt = await tool('rebuild', '--batch-size', '2');
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.deepEqual(await readTables(), cleanTables);
    assert.deepEqual(holderFiles(), { lock: undefined, postmaster: undefined });
    const replayed = await tool('replay', '--auction', auctionId);
    assert.equal(replayed.code, 0, replayed.stderr);
  });

  it('a tool interrupted by SIGINT or SIGTERM closes the folder cleanly and releases it', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const holder = start(holderScript, [], dataDir, children);
      await printed(holder, /^holding$/, 'the holding tool');
      assert.notEqual(holderFiles().lock, undefined);
      const refused = await tool('replay');
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, new RegExp(`open in another process, hold-data-folder\\.js \\(pid ${holder.child.pid}`));
      holder.child.kill(signal);
      assert.equal((await holder.exited).signal, signal);
      assert.deepEqual(holderFiles(), { lock: undefined, postmaster: undefined }, `after ${signal}`);
    }
    // a real tool: a rebuild interrupted while it builds (unless it was done first) ends by the
    // signal once it has closed the folder
    const rebuild = start(join(scripts, 'rebuild.js'), ['--batch-size', '1'], dataDir, children);
    await building(rebuild);
    rebuild.child.kill('SIGINT');
    const interrupted = await rebuild.exited;
    if (interrupted.code !== 0) {
      assert.equal(interrupted.signal, 'SIGINT', interrupted.stderr);
      assert.match(interrupted.stderr, /rebuild\.js: SIGINT: closing the data folder/);
    }
    assert.deepEqual(holderFiles(), { lock: undefined, postmaster: undefined }, 'after the interrupted rebuild');
    const verified = await tool('verify-chain', auctionId);
    assert.equal(verified.code, 0, verified.stderr);
  });
});
