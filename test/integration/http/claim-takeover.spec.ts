// A command whose process died after its append but before its answer was stored (issue 11): its
// Idempotency-Key's claim lapses within one lease, a retry takes it over and runs the command
// again, the log refuses the second append (the command id derives from the user and the key),
// and the retry gets the first attempt's answer. On the in-process store (its clock moved by
// hand), and on Redis when REDIS_URL is set.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import express from 'express';
import { streamIdOf } from '../../../domain/index.js';
import { authenticate, closeRedis, errorHandler, jsonBody, openRedis, pseudonymiser } from '../../../infra/index.js';
import type { Redis } from '../../../infra/index.js';
import { AuctionRepository, CommandHandler, InProcessLock, MemoryIdempotencyStore, RedisIdempotencyStore, commandRoutes, openEventLog, scopedIdempotencyKey } from '../../../commands/index.js';
import type { DoneRecord, IdempotencyRecord, IdempotencyStore, OpenedEventLog, StoredResponse } from '../../../commands/index.js';
import { serviceUrl } from '../../support/services.js';
import { eventually } from '../../support/system.js';
import { SECRET, call, serve } from '../../unit/http/harness.js';
import type { Answer, Served } from '../../unit/http/harness.js';
import { tokenFor } from '../../unit/http/suites.js';

/**
 * The store as a process sees it that dies once its command is appended: the answer for
 * `dyingKey` is handed to `lost` and never stored (the request never answers), and its owner
 * renews, completes and releases nothing more. It also tells of every claim's answer.
 */
class ProcessDeath implements IdempotencyStore {
  dyingKey: string | undefined;
  lost: (response: StoredResponse) => void = () => undefined;
  claimSeen: (key: string, found: IdempotencyRecord | null) => void = () => undefined;
  private readonly dead = new Set<string>();

  constructor(private readonly inner: IdempotencyStore) {}

  async claim(key: string, fingerprint: string, owner: string, leaseMs: number): Promise<IdempotencyRecord | null> {
    const found = await this.inner.claim(key, fingerprint, owner, leaseMs);
    this.claimSeen(key, found);
    return found;
  }

  renew(key: string, owner: string, leaseMs: number): Promise<boolean> {
    return this.dead.has(owner) ? Promise.resolve(false) : this.inner.renew(key, owner, leaseMs);
  }

  complete(key: string, owner: string, record: DoneRecord, ttlMs: number): Promise<boolean> {
    if (key !== this.dyingKey) return this.inner.complete(key, owner, record, ttlMs);
    this.dyingKey = undefined;
    this.dead.add(owner);
    this.lost(record.response);
    return new Promise<boolean>(() => undefined);
  }

  release(key: string, owner: string): Promise<void> {
    return this.dead.has(owner) ? Promise.resolve() : this.inner.release(key, owner);
  }
}

interface Variant {
  readonly store: IdempotencyStore;
  readonly leaseMs: number;
  /** Returns once the dead owner's claim on the (scoped) key has lapsed (at once if a retry has taken it over). */
  lapse(key: string): Promise<void>;
  close(): Promise<void>;
}

/** `log` gives the event log both variants share (opening PGlite takes a while). */
const takeoverSuite = (open: () => Promise<Variant>, log: () => OpenedEventLog) => {
  let variant: Variant;
  let opened: OpenedEventLog;
  let served: Served;
  let store: ProcessDeath;
  const users = { sam: `sam-${randomUUID()}`, alice: `alice-${randomUUID()}`, bob: `bob-${randomUUID()}`, carol: `carol-${randomUUID()}` };
  const tokens: Record<string, string> = {};
  const scoped = scopedIdempotencyKey;

  before(async () => {
    variant = await open();
    opened = log();
    const handler = new CommandHandler({ log: opened.log, repository: new AuctionRepository(opened.log), lock: new InProcessLock() });
    store = new ProcessDeath(variant.store);
    const app = express();
    app.use(jsonBody({ limit: '32kb' }));
    app.use(authenticate({ secret: SECRET, required: false }));
    // The wait's clock stands still: a retry waits until the claim resolves, however long the lease takes to lapse.
    app.use(commandRoutes({ handler, pseudonym: pseudonymiser('p'.repeat(32)), idempotencyStore: store, idempotency: { leaseMs: variant.leaseMs, now: () => 0 } }));
    app.use(errorHandler());
    served = await serve(app);
    tokens.sam = await tokenFor(users.sam, ['seller']);
    for (const name of ['alice', 'bob', 'carol'] as const) tokens[name] = await tokenFor(users[name]);
  });
  after(async () => {
    await served?.close();
    await variant?.close();
  });

  const post = (path: string, who: keyof typeof users, json: unknown, key?: string): Promise<Answer> =>
    call(served.url, path, { token: tokens[who]!, json, ...(key !== undefined ? { headers: { 'Idempotency-Key': key } } : {}) });
  const createBody = () => ({ title: 'Omega Seamaster', currency: 'USD', startingPrice: 1000, endsAt: new Date(Date.now() + 3_600_000).toISOString() });
  /** Sends the request whose process dies once its command is appended; resolves with the answer it would have sent. */
  const dyingRequest = (path: string, who: keyof typeof users, json: unknown, key: string): Promise<StoredResponse> => {
    store.dyingKey = scoped(users[who], key);
    const lost = new Promise<StoredResponse>((resolve) => (store.lost = resolve));
    post(path, who, json, key).catch(() => undefined); // never answered; cut when the server closes
    return lost;
  };
  /** Resolves once a request has found the live claim on `key`. */
  const liveClaimSeen = (key: string): Promise<void> =>
    new Promise((resolve) => {
      store.claimSeen = (k, found) => {
        if (k === key && found?.state === 'in-flight') resolve();
      };
    });

  it('a retry waiting on a dead claim takes it over when its lease lapses, and gets the first answer from the log', async () => {
    const created = await post('/v1/auctions', 'sam', createBody());
    const { auctionId } = created.body as { auctionId: string };
    assert.equal((await post(`/v1/auctions/${auctionId}/bids`, 'alice', { maxAmount: 2000 }, randomUUID())).status, 201);
    const key = randomUUID();
    const path = `/v1/auctions/${auctionId}/bids`;
    const first = await dyingRequest(path, 'bob', { maxAmount: 1500 }, key);
    assert.equal(first.status, 201);
    // the auction moves on before the retry: its answer must still be the first one's
    const later = await post(path, 'carol', { maxAmount: 3000 }, randomUUID());
    assert.equal(later.status, 201);

    const looked = liveClaimSeen(scoped(users.bob, key));
    const retrying = post(path, 'bob', { maxAmount: 1500 }, key);
    await Promise.race([looked, retrying]); // (on Redis the lease may have lapsed before the retry came)
    await variant.lapse(scoped(users.bob, key));
    const retry = await retrying;
    assert.equal(retry.status, first.status);
    assert.deepEqual(retry.body, first.body, 'bidId, leading, currentPrice, bidderPseudonym, endsAt, version: as the first attempt answered');
    assert.deepEqual(
      [(first.body as { leading: boolean }).leading, (first.body as { version: number }).version, (later.body as { version: number }).version],
      [false, 3, 4],
    );
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');

    const events = await opened.log.readStream(streamIdOf(auctionId));
    assert.deepEqual(events.map((e) => e.type), ['AuctionCreated', 'BidPlaced', 'BidPlaced', 'BidPlaced'], 'appended once');
    const again = await post(path, 'bob', { maxAmount: 1500 }, key);
    assert.deepEqual([again.status, again.body, again.headers.get('idempotent-replayed')], [201, first.body, 'true']);
  });

  it('a retry arriving after the lease lapsed takes the claim at once, and gets the first answer (a create: the same auction)', async () => {
    const key = randomUUID();
    const body = createBody();
    const first = await dyingRequest('/v1/auctions', 'sam', body, key);
    assert.equal(first.status, 201);
    await variant.lapse(scoped(users.sam, key));
    const retry = await post('/v1/auctions', 'sam', body, key);
    assert.deepEqual([retry.status, retry.body, retry.headers.get('location')], [first.status, first.body, first.headers.location]);
    const { auctionId } = retry.body as { auctionId: string };
    assert.deepEqual((await opened.log.readStream(streamIdOf(auctionId))).map((e) => e.type), ['AuctionCreated']);
  });
};

describe("idempotency: a dead process's claim is taken over", () => {
  let opened: OpenedEventLog | undefined;
  before(async () => {
    opened = await openEventLog({ dataDir: 'memory' });
  });
  after(async () => opened?.close());
  const log = () => opened!;

  describe('on the in-process store', () => {
    takeoverSuite(() => {
      let clock = 0;
      const leaseMs = 3_000;
      return Promise.resolve({
        store: new MemoryIdempotencyStore({ now: () => clock }),
        leaseMs,
        lapse: () => {
          clock += leaseMs;
          return Promise.resolve();
        },
        close: () => Promise.resolve(),
      });
    }, log);
  });

  describe('on Redis', function () {
    let url = '';
    before(function () {
      url = serviceUrl(this, 'REDIS_URL', 'claim takeover on Redis');
    });
    takeoverSuite(async () => {
      const redis: Redis = await openRedis(url, 'test-claim-takeover');
      const keyPrefix = `gs:test:takeover:${randomUUID()}`;
      return {
        store: new RedisIdempotencyStore(redis, { keyPrefix }),
        leaseMs: 300,
        lapse: async (key) => {
          // The claim held now (the dead one, or a retry's that took it over already) gives way.
          const held = await redis.get(`${keyPrefix}:${key}`);
          if (held === null || (JSON.parse(held) as { state?: unknown }).state !== 'in-flight') return;
          await eventually(async () => ((await redis.get(`${keyPrefix}:${key}`)) !== held ? true : undefined), `the claim on ${key} to lapse`);
        },
        close: async () => {
          const keys = await redis.keys(`${keyPrefix}:*`);
          if (keys.length > 0) await redis.del(...keys);
          await closeRedis(redis);
        },
      };
    }, log);
  });
});
