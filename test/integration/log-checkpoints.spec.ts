// The checkpoint archive on PGlite and PostgreSQL: writers racing for the next sequence number each
// store a distinct, consecutive checkpoint (the primary key fences them), each incremental
// checkpoint equals one computed from scratch, and periodic checkpoints are taken only when due.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createLogCheckpoints, startPeriodicCheckpoints } from '../../commands/index.js';
import type { EventLog } from '../../domain/index.js';
import { START, compareStreamIds, leafHash, merkleRoot, verifyCheckpointSignature } from '../../domain/index.js';
import { newEvent } from '../contract/event-log.contract.js';
import type { Scratch, ScratchServer } from '../support/scratch-database.js';
import { pgliteServer, postgresServer } from '../support/scratch-database.js';
import { serviceUrl } from '../support/services.js';

const fromScratch = async (log: EventLog) => {
  const heads = new Map<string, { streamId: string; version: number; hash: string }>();
  let events = 0;
  let after = START;
  for (;;) {
    const page = await log.readAll({ after, limit: 100 });
    if (page.length === 0) break;
    for (const e of page) heads.set(e.streamId, { streamId: e.streamId, version: e.streamVersion, hash: e.hash });
    events += page.length;
    after = page[page.length - 1]!.position;
  }
  const sorted = [...heads.values()].sort((a, b) => compareStreamIds(a.streamId, b.streamId));
  return { events, streams: sorted.length, root: merkleRoot(sorted.map(leafHash)), lastPosition: after };
};

const archiveContract = (server: () => ScratchServer) => {
  let scratch: Scratch;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  beforeEach(async () => {
    scratch = await server().open();
    appended = 0;
  });
  afterEach(async () => scratch?.close());

  let appended = 0;
  /** Appends, then waits until a reader in commit order sees it (every older transaction on the server has ended). */
  const append = async (stream: string, from: number, n: number) => {
    const r = await scratch.log.appendToStream(stream, from, Array.from({ length: n }, (_, i) => newEvent(`${stream}-${from + i}`)));
    assert.equal(r.kind, 'appended');
    appended += n;
    for (let i = 0; (await fromScratch(scratch.log)).events < appended; i++) {
      if (i > 3_000) assert.fail(`${appended} events never became readable in commit order`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('stores one checkpoint per sequence number when writers race, each equal to one computed from scratch', async () => {
    const a = createLogCheckpoints({ sql: scratch.sql, log: scratch.log, signingKey: privateKey });
    const b = createLogCheckpoints({ sql: scratch.sql, log: scratch.log, signingKey: privateKey });
    await append('auction-1', 0, 3);
    await append('auction-2', 0, 1);
    const taken = await Promise.all([a.create(), b.create(), a.create(), b.create()]);
    assert.deepEqual(taken.map((c) => c.sequence).sort(), [1, 2, 3, 4]);
    for (const c of taken) assert.deepEqual(verifyCheckpointSignature(c, publicPem), { ok: true });
    await append('auction-0', 0, 2);
    await append('auction-1', 3, 1);
    const next = await b.create();
    assert.equal(next.sequence, 5);
    const expected = await fromScratch(scratch.log);
    assert.deepEqual({ events: next.events, streams: next.streams, root: next.root, lastPosition: next.lastPosition }, expected);
    // a took no part in sequence 5: it reloads the heads from the table and still agrees.
    await append('auction-3', 0, 1);
    const sixth = await a.create();
    assert.deepEqual({ events: sixth.events, streams: sixth.streams, root: sixth.root, lastPosition: sixth.lastPosition }, await fromScratch(scratch.log));
    assert.deepEqual(await a.proof(5, 'auction-3'), { leaf: undefined, headsRoot: next.root });
    assert.equal((await a.proof(6, 'auction-3')).leaf?.head.version, 1);
    assert.deepEqual((await a.list({ limit: 2 })).map((c) => c.sequence), [6, 5]);
  });

  it('takes a periodic checkpoint only when the latest is at least an interval old and the log has grown', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const archive = createLogCheckpoints({ sql: scratch.sql, log: scratch.log, signingKey: privateKey, clock: () => new Date(now) });
    await append('auction-1', 0, 1);
    assert.equal((await archive.createIfDue(60_000))?.sequence, 1);
    now += 59_000;
    assert.equal(await archive.createIfDue(60_000), undefined);
    now += 1_000;
    assert.equal(await archive.createIfDue(60_000), undefined, 'the log has not grown');
    await append('auction-1', 1, 1);
    assert.equal((await archive.createIfDue(60_000))?.sequence, 2);
    await append('auction-2', 0, 1);

    const later = () => new Date((now += 1_000));
    const running = startPeriodicCheckpoints(createLogCheckpoints({ sql: scratch.sql, log: scratch.log, signingKey: privateKey, clock: later }), { intervalMs: 20, onError: (e) => assert.fail(String(e)) });
    try {
      for (let i = 0; i < 500 && (await archive.latest())!.sequence < 3; i++) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await running.stop();
    }
    assert.ok((await archive.latest())!.sequence >= 3);
  });
};

describe('log checkpoint archive: PGlite', function () {
  this.timeout(60_000);
  let server: ScratchServer;
  before(async () => {
    server = await pgliteServer();
  });
  after(async () => server?.close());
  archiveContract(() => server);
});

describe('log checkpoint archive: PostgreSQL', function () {
  this.timeout(60_000);
  let server: ScratchServer;
  before(async function () {
    server = await postgresServer(serviceUrl(this, 'DATABASE_URL', 'log checkpoints on PostgreSQL'));
  });
  after(async () => server?.close());
  archiveContract(() => server);
});
