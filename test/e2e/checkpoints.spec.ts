// Signed checkpoints of the log (issue 8, item 9): the hash chain alone cannot see a deleted last
// event, nor a rewrite that recomputes every later hash. Against a checkpoint taken before the
// tamper, both are reported invalid and named; an intact stream is valid; a stream created after
// the checkpoint is "not covered"; a forged checkpoint or one of another key is refused.
// Embedded (PGlite) always; PostgreSQL when DATABASE_URL is set (there also `npm run verify-chain`).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLeft } from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import type { SignedCheckpoint } from '../../domain/index.js';
import { START, compareStreamIds, hashEvent, leafHash, merkleRoot, streamIdOf, verifyCheckpointSignature } from '../../domain/index.js';
import type { SqlExecutor } from '../../infra/index.js';
import { ChainReportCodec, CheckpointPageCodec, CheckpointPublicKeyCodec, CheckpointViewCodec } from '../../read-api/index.js';
import { childEnv, serviceUrl } from '../support/services.js';
import type { Backend, TestSystem } from '../support/system.js';
import { embedded, eventually, startTestSystem } from '../support/system.js';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'verify-chain.js');
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

const decoded = <A>(codec: t.Decoder<unknown, A>, body: unknown): A => {
  const result = codec.decode(body);
  if (isLeft(result)) assert.fail(`not a ${codec.name}: ${PathReporter.report(result).join('; ')}\n${JSON.stringify(body)}`);
  return result.right;
};

/** What an attacker with database access does: switch the append-only trigger off for a moment. */
const tampering = (sql: SqlExecutor, statements: (tx: SqlExecutor) => Promise<void>): Promise<void> =>
  sql.transaction(async (tx) => {
    await tx.exec('ALTER TABLE events DISABLE TRIGGER events_append_only');
    await statements(tx);
    await tx.exec('ALTER TABLE events ENABLE TRIGGER events_append_only');
  });

const deleteLastEvent = (sys: TestSystem, auctionId: string) =>
  tampering(sys.resources.sql, async (tx) => {
    await tx.query('DELETE FROM events WHERE stream_id = $1 AND stream_version = (SELECT max(stream_version) FROM events WHERE stream_id = $1)', [streamIdOf(auctionId)]);
  });

/** Changes the data of `version` and recomputes that event's hash and every later one, so the chain verifies. */
const rewriteWithRecomputedHashes = async (sys: TestSystem, auctionId: string, version: number) => {
  const events = await sys.resources.log.readStream(streamIdOf(auctionId));
  await tampering(sys.resources.sql, async (tx) => {
    let prevHash = events[version - 2]?.hash ?? '';
    for (const event of events.filter((e) => e.streamVersion >= version)) {
      const data = event.streamVersion === version ? { ...event.data, maxAmount: 1 } : event.data;
      const hash = hashEvent(prevHash, { ...event, data });
      await tx.query('UPDATE events SET data = $1::jsonb, prev_hash = $2, hash = $3 WHERE event_id = $4', [JSON.stringify(data), prevHash, hash, event.eventId]);
      prevHash = hash;
    }
  });
};

/** The whole log as a checkpoint of it must state (from scratch, not incrementally). */
const wholeLog = async (sys: TestSystem) => {
  const heads = new Map<string, { streamId: string; version: number; hash: string }>();
  let events = 0;
  let position = START;
  for (;;) {
    const page = await sys.resources.log.readAll({ after: position, limit: 500 });
    if (page.length === 0) break;
    for (const e of page) heads.set(e.streamId, { streamId: e.streamId, version: e.streamVersion, hash: e.hash });
    events += page.length;
    position = page[page.length - 1]!.position;
  }
  const sorted = [...heads.values()].sort((a, b) => compareStreamIds(a.streamId, b.streamId));
  return { events, streams: sorted.length, root: merkleRoot(sorted.map(leafHash)), lastPosition: position };
};

/**
 * Waits until the whole log reads every event appended so far: a reader in commit order (and so a
 * checkpoint) sees an event only once every older transaction on the server has ended.
 */
const allVisible = async (sys: TestSystem): Promise<void> => {
  const { rows } = await sys.resources.sql.query<{ n: number }>('SELECT count(*)::integer AS n FROM events');
  const appended = rows[0]?.n ?? 0;
  await eventually(async () => ((await wholeLog(sys)).events >= appended ? true : undefined), `${appended} events readable in commit order`, 60_000);
};

const checkpointSuite = (backend: () => Backend, env: () => Record<string, string>, withScript: boolean) => {
  let sys: TestSystem;
  const tokens: Record<string, string> = {};

  before(async () => {
    sys = await startTestSystem(backend(), { env: { CHECKPOINT_INTERVAL_SECONDS: '0', ...env() } });
    tokens.seller = await sys.token(`seller-${randomUUID().slice(0, 8)}`, 'seller');
    tokens.alice = await sys.token('alice', 'bidder');
    tokens.bob = await sys.token('bob', 'bidder');
    tokens.auditor = await sys.token('audrey', 'auditor');
    tokens.admin = await sys.token('root', 'admin');
  });
  after(async () => sys?.stop());

  const auctionWithBids = async (bids: number): Promise<string> => {
    const created = await sys.call('POST', '/v1/auctions', { token: tokens.seller, body: { title: 'Leica M6', currency: 'EUR', startingPrice: 1000, endsAt: inAnHour() } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const auctionId = (created.body as { auctionId: string }).auctionId;
    for (let i = 0; i < bids; i++) {
      const r = await sys.call('POST', `/v1/auctions/${auctionId}/bids`, {
        token: i % 2 === 0 ? tokens.alice : tokens.bob, body: { maxAmount: 2000 + 1000 * i }, headers: { 'Idempotency-Key': randomUUID() },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    return auctionId;
  };
  const takeCheckpoint = async (): Promise<SignedCheckpoint> => {
    const r = await sys.call('POST', '/v1/audit/checkpoints', { token: tokens.auditor });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return decoded(CheckpointViewCodec, r.body);
  };
  const verify = async (auctionId: string, sequence?: number) => {
    const r = await sys.call('GET', `/v1/audit/auctions/${auctionId}/verify${sequence === undefined ? '' : `?checkpoint=${sequence}`}`, { token: tokens.auditor });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return decoded(ChainReportCodec, r.body);
  };
  const publicKey = async (): Promise<string> => decoded(CheckpointPublicKeyCodec, (await sys.call('GET', '/v1/audit/checkpoints/public-key', { token: tokens.auditor })).body).publicKey;

  it('publishes signed checkpoints to auditors, taken on demand by auditors and admins only', async () => {
    await auctionWithBids(1);
    assert.equal((await sys.call('POST', '/v1/audit/checkpoints', { token: tokens.alice })).status, 403);
    assert.equal((await sys.call('GET', '/v1/audit/checkpoints/latest', { token: tokens.admin })).status, 403);
    assert.equal((await sys.call('GET', '/v1/audit/checkpoints/latest')).status, 401);
    const byAdmin = await sys.call('POST', '/v1/audit/checkpoints', { token: tokens.admin });
    assert.equal(byAdmin.status, 201);
    const first = decoded(CheckpointViewCodec, byAdmin.body);
    const second = await takeCheckpoint();
    assert.equal(second.sequence, first.sequence + 1);
    assert.deepEqual(verifyCheckpointSignature(second, await publicKey()), { ok: true });
    assert.deepEqual(decoded(CheckpointViewCodec, (await sys.call('GET', '/v1/audit/checkpoints/latest', { token: tokens.auditor })).body), second);
    assert.deepEqual(decoded(CheckpointViewCodec, (await sys.call('GET', `/v1/audit/checkpoints/${first.sequence}`, { token: tokens.auditor })).body), first);
    const page = decoded(CheckpointPageCodec, (await sys.call('GET', '/v1/audit/checkpoints?limit=1', { token: tokens.auditor })).body);
    assert.deepEqual([page.items.map((c) => c.sequence), page.nextBefore], [[second.sequence], second.sequence]);
    const rest = decoded(CheckpointPageCodec, (await sys.call('GET', `/v1/audit/checkpoints?before=${second.sequence}`, { token: tokens.auditor })).body);
    assert.deepEqual(rest.items, [first]);
    const missing = await sys.call('GET', '/v1/audit/checkpoints/999999', { token: tokens.auditor });
    assert.deepEqual([missing.status, missing.body.error.code], [404, 'CHECKPOINT_NOT_FOUND']);
    assert.equal((await sys.call('GET', '/v1/audit/checkpoints/first', { token: tokens.auditor })).status, 400);
    assert.equal((await sys.call('GET', '/v1/audit/checkpoints?limit=0', { token: tokens.auditor })).status, 400);
  });

  it('covers the whole log incrementally: the root over every stream head, the event count, the last position', async () => {
    await auctionWithBids(2);
    await allVisible(sys);
    const before = await takeCheckpoint();
    await auctionWithBids(1);
    await allVisible(sys);
    const after = await takeCheckpoint();
    const expected = await wholeLog(sys);
    assert.deepEqual({ events: after.events, streams: after.streams, root: after.root, lastPosition: after.lastPosition }, expected);
    assert.equal(after.events, before.events + 2);
  });

  it('reports a deleted last event and a rewrite with recomputed hashes against a checkpoint taken before', async () => {
    const truncated = await auctionWithBids(3);
    const rewritten = await auctionWithBids(3);
    const intact = await auctionWithBids(2);
    await allVisible(sys);
    const checkpoint = await takeCheckpoint();
    const later = await auctionWithBids(1);

    await deleteLastEvent(sys, truncated);
    await rewriteWithRecomputedHashes(sys, rewritten, 2);

    // The hash chain alone sees nothing wrong with either: the reason for checkpoints.
    assert.equal((await verify(truncated)).valid, true);
    assert.equal((await verify(rewritten)).valid, true);

    const t1 = await verify(truncated, checkpoint.sequence);
    assert.equal(t1.valid, false);
    assert.equal(t1.events, 3);
    assert.equal(t1.checkpoint?.problem, 'truncated');
    assert.equal(t1.checkpoint?.knownVersion, 4);
    assert.equal(t1.checkpoint?.message, `events after version 3 are missing (checkpoint ${checkpoint.sequence} knew version 4)`);

    const r1 = await verify(rewritten, checkpoint.sequence);
    assert.equal(r1.valid, false);
    assert.equal(r1.checkpoint?.problem, 'rewritten');
    assert.match(r1.checkpoint?.message ?? '', /^event at version 4 differs from the checkpoint's head hash/);

    const ok = await verify(intact, checkpoint.sequence);
    assert.deepEqual([ok.valid, ok.checkpoint?.covered, ok.checkpoint?.problem, ok.checkpoint?.knownVersion], [true, true, undefined, 3]);
    assert.ok(ok.checkpoint?.leaf !== undefined && ok.checkpoint.leaf.head.hash === ok.headHash);

    const uncovered = await verify(later, checkpoint.sequence);
    assert.deepEqual([uncovered.valid, uncovered.checkpoint?.covered, uncovered.checkpoint?.problem], [true, false, 'not-covered']);

    // Later checkpoints keep the heads they knew: the tamper still shows against them.
    const afterwards = await takeCheckpoint();
    assert.equal((await verify(truncated, afterwards.sequence)).checkpoint?.problem, 'truncated');

    // A stream whose every event is gone is still named, not "not found".
    await tampering(sys.resources.sql, async (tx) => {
      await tx.query('DELETE FROM events WHERE stream_id = $1', [streamIdOf(intact)]);
    });
    const gone = await verify(intact, checkpoint.sequence);
    assert.deepEqual([gone.valid, gone.events, gone.checkpoint?.problem], [false, 0, 'truncated']);
    assert.equal(gone.checkpoint?.message, `events after version 0 are missing (checkpoint ${checkpoint.sequence} knew version 3)`);

    const bad = await sys.call('GET', `/v1/audit/auctions/${intact}/verify?checkpoint=abc`, { token: tokens.auditor });
    assert.equal(bad.status, 400);
    const unknown = await sys.call('GET', `/v1/audit/auctions/${later}/verify?checkpoint=999999`, { token: tokens.auditor });
    assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'CHECKPOINT_NOT_FOUND']);

    if (withScript) await scriptChecks(sys, checkpoint, await publicKey(), { truncated, rewritten, later, gone: intact });
  });

  it('refuses a stored checkpoint whose signed content was altered', async () => {
    const auctionId = await auctionWithBids(1);
    const checkpoint = await takeCheckpoint();
    const { rows } = await sys.resources.sql.query<{ document: string }>('SELECT document FROM log_checkpoints WHERE sequence = $1', [checkpoint.sequence]);
    const document = JSON.parse(rows[0]!.document) as Record<string, unknown>;
    await sys.resources.sql.query('UPDATE log_checkpoints SET document = $1 WHERE sequence = $2', [JSON.stringify({ ...document, events: 1 }), checkpoint.sequence]);
    const report = await verify(auctionId, checkpoint.sequence);
    assert.deepEqual([report.valid, report.checkpoint?.problem], [false, 'signature-invalid']);
    assert.match(report.checkpoint?.message ?? '', /does not verify/);
  });

  it("refuses to call a stream \"not covered\" when its stored head was deleted", async () => {
    const auctionId = await auctionWithBids(1);
    await allVisible(sys);
    const checkpoint = await takeCheckpoint();
    assert.equal((await verify(auctionId, checkpoint.sequence)).checkpoint?.covered, true);
    await sys.resources.sql.query('DELETE FROM log_checkpoint_heads WHERE stream_id = $1', [streamIdOf(auctionId)]);
    const report = await verify(auctionId, checkpoint.sequence);
    assert.deepEqual([report.valid, report.checkpoint?.problem], [false, 'proof-mismatch']);
  });
};

const run = (env: Record<string, string>, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env: childEnv(env) }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });

/** `npm run verify-chain -- <auctionId> --checkpoint <file> --public-key <file>` on the same database. */
const scriptChecks = async (sys: TestSystem, checkpoint: SignedCheckpoint, publicKeyPem: string, ids: { truncated: string; rewritten: string; later: string; gone: string }) => {
  const dir = mkdtempSync(join(tmpdir(), 'gs-checkpoint-'));
  try {
    const env = { DATABASE_URL: sys.config.databaseUrl!, LOG_LEVEL: 'silent' };
    const file = (name: string, content: string) => {
      writeFileSync(join(dir, name), content);
      return join(dir, name);
    };
    const kept = file('checkpoint.json', JSON.stringify(checkpoint));
    const key = file('public.pem', publicKeyPem);
    const truncated = await run(env, [ids.truncated, '--checkpoint', kept, '--public-key', key]);
    assert.equal(truncated.code, 1, truncated.stderr);
    assert.equal(JSON.parse(truncated.stdout).checkpoint.problem, 'truncated');
    assert.match(truncated.stderr, /events after version 3 are missing \(checkpoint \d+ knew version 4\)/);
    const rewritten = await run(env, [ids.rewritten, '--checkpoint', kept, '--public-key', key]);
    assert.equal(rewritten.code, 1, rewritten.stderr);
    assert.match(rewritten.stderr, /event at version 4 differs from the checkpoint's head hash/);
    const whole = await run(env, ['--all', '--checkpoint', kept, '--public-key', key]);
    assert.equal(whole.code, 1, whole.stderr);
    const report = JSON.parse(whole.stdout) as { valid: boolean; broken: unknown[]; checkpoint: { storedHeadsMatchRoot: boolean; changed: { streamId: string; problem: string }[] } };
    assert.deepEqual([report.valid, report.broken, report.checkpoint.storedHeadsMatchRoot], [false, [], true]);
    assert.deepEqual(
      report.checkpoint.changed.map((c) => [c.streamId, c.problem]).sort(),
      [[streamIdOf(ids.truncated), 'truncated'], [streamIdOf(ids.rewritten), 'rewritten'], [streamIdOf(ids.gone), 'truncated']].sort(),
    );
    const later = await run(env, [ids.later, '--checkpoint', kept, '--public-key', key]);
    assert.equal(later.code, 0, later.stderr);
    assert.equal(JSON.parse(later.stdout).checkpoint.problem, 'not-covered');

    const forged = file('forged.json', JSON.stringify({ ...checkpoint, events: checkpoint.events + 1 }));
    const refused = await run(env, [ids.later, '--checkpoint', forged, '--public-key', key]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /checkpoint refused: the signature of checkpoint \d+ does not verify/);
    const otherKey = file('other.pem', generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const foreign = await run(env, [ids.later, '--checkpoint', kept, '--public-key', otherKey]);
    assert.equal(foreign.code, 2, foreign.stderr);
    assert.match(foreign.stderr, /checkpoint refused: checkpoint \d+ was signed by another key/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe('signed log checkpoints: embedded (PGlite)', function () {
  this.timeout(120_000);
  checkpointSuite(() => embedded, () => ({}), false);
});

describe('signed log checkpoints: PostgreSQL', function () {
  this.timeout(120_000);
  let backend: Backend;
  const signingKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  before(function () {
    backend = { name: 'PostgreSQL', databaseUrl: serviceUrl(this, 'DATABASE_URL', 'signed checkpoints on PostgreSQL') };
  });
  checkpointSuite(() => backend, () => ({ CHECKPOINT_SIGNING_KEY: signingKey }), true);

  it('disables checkpoints, saying so, when no signing key is configured', async () => {
    const sys = await startTestSystem(backend, { env: { ROLES: 'read-api' } });
    try {
      const token = await sys.token('audrey', 'auditor');
      const r = await sys.call('GET', '/v1/audit/checkpoints/public-key', { token });
      assert.deepEqual([r.status, r.body.error.code], [404, 'CHECKPOINTS_DISABLED']);
      assert.equal(sys.checkpoints, undefined);
    } finally {
      await sys.stop();
    }
  });
});
