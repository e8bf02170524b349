// The idempotency store contract: every IdempotencyStore adapter passes these (idempotency-store.ts).
// A claim is its owner's until the owner completes or releases it, or its lease lapses unrenewed
// (the owner is gone); then another attempt takes it over, and the late owner can change nothing.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Context } from 'mocha';
import type { DoneRecord, IdempotencyStore } from '../../commands/index.js';

export interface IdempotencyStoreFixture {
  readonly store: IdempotencyStore;
  /** A lease short enough to outlive in a test. */
  readonly shortLeaseMs: number;
  /** Returns once a claim on `key` last made or renewed with `shortLeaseMs` has lapsed. */
  outlive(key: string): Promise<void>;
  cleanup(): Promise<void>;
}

const LONG_LEASE_MS = 60_000;
const DAY_MS = 86_400_000;
const done = (fingerprint: string): DoneRecord => ({ state: 'done', fingerprint, response: { status: 201, body: { bidId: 'b1', version: 3 }, headers: {} } });

/** `prepare` runs once before the suite (e.g. serviceUrl, which may skip it). */
export const idempotencyStoreContract = (name: string, makeFixture: () => Promise<IdempotencyStoreFixture>, prepare?: (ctx: Context) => void): void => {
  describe(`IdempotencyStore contract: ${name}`, function () {
    let fixture: IdempotencyStoreFixture | undefined;
    let store: IdempotencyStore;
    before(async function () {
      prepare?.(this);
      fixture = await makeFixture();
      store = fixture.store;
    });
    after(async () => fixture?.cleanup());
    const newKey = () => `u:${randomUUID()}`;

    it('claims once; everyone else gets the record; only the owner completes it; the answer is kept', async () => {
      const key = newKey();
      assert.equal(await store.claim(key, 'f', 'o1', LONG_LEASE_MS), null);
      assert.deepEqual(await store.claim(key, 'f', 'o2', LONG_LEASE_MS), { state: 'in-flight', fingerprint: 'f', owner: 'o1' });
      assert.equal(await store.complete(key, 'o2', done('f'), DAY_MS), false);
      assert.equal(await store.complete(key, 'o1', done('f'), DAY_MS), true);
      assert.deepEqual(await store.claim(key, 'f', 'o3', LONG_LEASE_MS), done('f'));
    });

    it('renews a claim for its owner only, and only while it is in flight', async () => {
      const key = newKey();
      assert.equal(await store.renew(key, 'o1', LONG_LEASE_MS), false, 'nothing to renew');
      await store.claim(key, 'f', 'o1', LONG_LEASE_MS);
      assert.equal(await store.renew(key, 'o2', LONG_LEASE_MS), false);
      assert.equal(await store.renew(key, 'o1', LONG_LEASE_MS), true);
      await store.complete(key, 'o1', done('f'), DAY_MS);
      assert.equal(await store.renew(key, 'o1', LONG_LEASE_MS), false, 'a stored answer is no claim');
      assert.deepEqual(await store.claim(key, 'f', 'o2', LONG_LEASE_MS), done('f'));

      const released = newKey();
      await store.claim(released, 'f', 'o1', LONG_LEASE_MS);
      await store.release(released, 'o1');
      assert.equal(await store.renew(released, 'o1', LONG_LEASE_MS), false);
      assert.equal(await store.claim(released, 'f', 'o2', LONG_LEASE_MS), null, 'a renewal does not bring a released claim back');
    });

    it('a renewal sets the lease anew from now', async () => {
      const key = newKey();
      await store.claim(key, 'f', 'o1', LONG_LEASE_MS);
      assert.equal(await store.renew(key, 'o1', fixture!.shortLeaseMs), true);
      await fixture!.outlive(key);
      assert.equal(await store.claim(key, 'f', 'o2', LONG_LEASE_MS), null, 'renewed to a short lease, the claim lapsed with it');
    });

    it('a claim left unrenewed (its owner gone) lapses: another attempt takes it over, and the late owner can change nothing', async () => {
      const key = newKey();
      assert.equal(await store.claim(key, 'f', 'gone', fixture!.shortLeaseMs), null);
      await fixture!.outlive(key);
      assert.equal(await store.claim(key, 'f', 'retry', LONG_LEASE_MS), null, 'taken over');
      assert.equal(await store.renew(key, 'gone', LONG_LEASE_MS), false);
      assert.equal(await store.complete(key, 'gone', done('f'), DAY_MS), false);
      await store.release(key, 'gone');
      assert.deepEqual(await store.claim(key, 'f', 'third', LONG_LEASE_MS), { state: 'in-flight', fingerprint: 'f', owner: 'retry' });
      assert.equal(await store.complete(key, 'retry', done('f'), DAY_MS), true);
      assert.deepEqual(await store.claim(key, 'f', 'third', LONG_LEASE_MS), done('f'));
    });
  });
};
