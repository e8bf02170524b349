// The closing-queue contract: every ClosingQueue adapter passes these (see closing-queue.ts).
// A fixture gives two handles on one queue: for Redis, two clients, as two worker processes.
import assert from 'node:assert/strict';
import type { Context } from 'mocha';
import type { ClosingQueue } from '../../commands/scheduler/index.js';

export interface ClosingQueueFixture {
  readonly queue: ClosingQueue;
  /** Another handle on the same queue, as another process would have. */
  readonly other: ClosingQueue;
  cleanup(): Promise<void>;
}

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);
const at = (ms: number): Date => new Date(T0 + ms);
const LEASE = 10_000;

/** `prepare` runs once before the suite (e.g. serviceUrl, which may skip it). */
export const closingQueueContract = (
  name: string,
  makeFixture: () => Promise<ClosingQueueFixture>,
  prepare?: (ctx: Context) => void,
): void => {
  describe(`ClosingQueue contract: ${name}`, function () {
    before(function () {
      prepare?.(this);
    });

    let fixture: ClosingQueueFixture | undefined;
    let q: ClosingQueue;
    let other: ClosingQueue;

    beforeEach(async () => {
      fixture = await makeFixture();
      q = fixture.queue;
      other = fixture.other;
    });

    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    it('returns nothing before the end time, then due auctions earliest first, up to the limit', async () => {
      await q.schedule('c', at(3000), 1);
      await q.schedule('a', at(1000), 1);
      await q.schedule('b', at(2000), 1);
      await q.schedule('d', at(9000), 1);
      assert.deepEqual(await q.claimDue(at(999), 10, LEASE), []);
      assert.deepEqual(await q.claimDue(at(3000), 2, LEASE), ['a', 'b'], 'an end time equal to now is due');
      assert.deepEqual(await q.claimDue(at(3000), 10, LEASE), ['c']);
      assert.deepEqual(await q.claimDue(at(3000), 10, LEASE), [], 'claimed auctions are not offered again during the lease');
    });

    it('moves an auction when a newer version changes its end time, later or earlier', async () => {
      assert.equal(await q.schedule('a', at(1000), 1), true);
      assert.equal(await q.schedule('a', at(5000), 4), true, 'a soft-close extension');
      assert.deepEqual(await q.claimDue(at(4999), 10, LEASE), []);
      assert.equal(await q.schedule('b', at(5000), 1), true);
      assert.equal(await q.schedule('b', at(2000), 2), true, 'the newest event decides, even when earlier');
      assert.deepEqual(await q.claimDue(at(5000), 10, LEASE), ['b', 'a']);
    });

    it('ignores a schedule for an older or equal version, whatever order the calls arrive in', async () => {
      assert.equal(await q.schedule('a', at(5000), 7), true);
      assert.equal(await other.schedule('a', at(1000), 1), false, 'the creation call arriving after the extension');
      assert.equal(await q.schedule('a', at(1000), 7), false, 'the same version again');
      assert.deepEqual(await q.claimDue(at(4999), 10, LEASE), []);
      assert.deepEqual(await q.nextDueAt(), at(5000));
      assert.deepEqual(await q.claimDue(at(5000), 10, LEASE), ['a']);
    });

    it('never hands one auction to two concurrent workers', async () => {
      const ids = Array.from({ length: 120 }, (_, i) => `auction-${String(i).padStart(3, '0')}`);
      await Promise.all(ids.map((id, i) => q.schedule(id, at(i), 1)));
      const drain = async (queue: ClosingQueue): Promise<string[]> => {
        const got: string[] = [];
        for (;;) {
          const batch = await queue.claimDue(at(10_000), 7, LEASE);
          if (batch.length === 0) return got;
          got.push(...batch);
        }
      };
      const [one, two, three] = await Promise.all([drain(q), drain(other), drain(q)]);
      const all = [...one!, ...two!, ...three!];
      assert.equal(new Set(all).size, all.length, 'no auction claimed twice');
      assert.deepEqual([...all].sort(), ids);
    });

    it('offers an expired claim again, and only then', async () => {
      await q.schedule('a', at(1000), 1);
      assert.deepEqual(await q.claimDue(at(2000), 10, 1000), ['a']);
      assert.deepEqual(await other.claimDue(at(2999), 10, 1000), []);
      assert.deepEqual(await q.nextDueAt(), at(3000), 'the claim expiry');
      assert.deepEqual(await other.claimDue(at(3000), 10, 1000), ['a']);
      assert.deepEqual(await q.claimDue(at(3999), 10, 1000), []);
    });

    it('keeps a claim when a schedule arrives meanwhile, and offers it again at the new end time', async () => {
      await q.schedule('a', at(1000), 1);
      assert.deepEqual(await q.claimDue(at(1000), 10, 1000), ['a']);
      assert.equal(await other.schedule('a', at(60_000), 2), true);
      assert.deepEqual(await other.claimDue(at(1500), 10, 1000), [], 'still claimed');
      assert.deepEqual(await other.claimDue(at(2000), 10, 1000), [], 'claim expired, but the end moved');
      assert.deepEqual(await q.nextDueAt(), at(60_000));
      assert.deepEqual(await other.claimDue(at(60_000), 10, 1000), ['a']);
    });

    it('release puts an auction back at its new end time, or at retryAt when the end has not moved', async () => {
      await q.schedule('moved', at(1000), 1);
      await q.schedule('stale', at(1000), 1);
      assert.deepEqual(await q.claimDue(at(1000), 10, LEASE), ['moved', 'stale']);
      await other.schedule('moved', at(1200), 3);
      await q.release('moved', at(1001), at(2001));
      await q.release('stale', at(1001), at(2001));
      assert.deepEqual(await q.claimDue(at(1200), 10, LEASE), ['moved']);
      assert.deepEqual(await q.claimDue(at(2000), 10, LEASE), []);
      assert.deepEqual(await q.claimDue(at(2001), 10, LEASE), ['stale']);
    });

    it('release of an auction that is not claimed changes nothing', async () => {
      await q.schedule('a', at(1000), 1);
      await q.release('a', at(0), at(50_000));
      await q.release('unknown', at(0), at(50_000));
      assert.deepEqual(await q.claimDue(at(1000), 10, LEASE), ['a']);
      assert.deepEqual(await q.claimDue(at(10_999), 10, LEASE), [], 'still claimed, not moved to retryAt');
    });

    it('complete forgets the auction and ignores later schedules for it', async () => {
      await q.schedule('a', at(1000), 1);
      await q.schedule('b', at(1000), 1);
      assert.deepEqual(await q.claimDue(at(1000), 10, 1000), ['a', 'b']);
      await q.complete('a');
      await other.complete('b');
      assert.equal(await q.nextDueAt(), undefined);
      assert.deepEqual(await q.claimDue(at(10_000), 10, 1000), [], 'nothing to offer again');
      assert.equal(await other.schedule('a', at(20_000), 5), false, 'a late schedule does not revive it');
      assert.deepEqual(await q.claimDue(at(30_000), 10, 1000), []);
    });

    it('remove drops an unclaimed auction, which later schedules do not revive', async () => {
      await q.schedule('a', at(1000), 1);
      await q.schedule('b', at(2000), 1);
      await q.remove('a');
      await q.remove('never-scheduled');
      assert.equal(await q.schedule('a', at(1500), 3), false);
      assert.equal(await q.schedule('never-scheduled', at(1500), 1), false);
      assert.deepEqual(await q.nextDueAt(), at(2000));
      assert.deepEqual(await q.claimDue(at(5000), 10, LEASE), ['b']);
    });

    it('nextDueAt is the earliest end time or claim expiry, or undefined when empty', async () => {
      assert.equal(await q.nextDueAt(), undefined);
      await q.schedule('a', at(5000), 1);
      await q.schedule('b', at(1000), 1);
      assert.deepEqual(await q.nextDueAt(), at(1000));
      assert.deepEqual(await q.claimDue(at(1000), 10, 7000), ['b']);
      assert.deepEqual(await q.nextDueAt(), at(5000));
      assert.deepEqual(await q.claimDue(at(5000), 10, 500), ['a']);
      assert.deepEqual(await q.nextDueAt(), at(5500));
    });

    it('rejects malformed arguments', async () => {
      await assert.rejects(q.schedule('', at(0), 1));
      await assert.rejects(q.schedule('a', new Date(Number.NaN), 1));
      await assert.rejects(q.schedule('a', at(0), -1));
      await assert.rejects(q.schedule('a', at(0), 1.5));
      await assert.rejects(q.claimDue(at(0), 0, LEASE));
      await assert.rejects(q.claimDue(at(0), 10, 0));
      assert.equal(await q.nextDueAt(), undefined, 'nothing was stored');
    });
  });
};
