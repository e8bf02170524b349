// kafkajs's per-connection request queue, as infra/ fixes it: no timer while nothing is queued
// and the broker does not throttle (kafkajs 2.2.4 ran a 1 ms timer loop for every idle connection),
// and still a later look when requests wait or the broker throttles.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import '../../infra/index.js';

interface Queue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
}

const proto = (createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as { prototype: { scheduleCheckPendingRequests(this: Queue): void } }).prototype;

const queue = (pending: unknown[], throttledUntil: number, onCheck: () => void = () => undefined): Queue => ({
  pending,
  throttledUntil,
  throttleCheckTimeoutId: null,
  checkPendingRequests: onCheck,
});

describe('Kafka request queue (kafkajs, as infra/ loads it)', () => {
  it('arms no timer when nothing waits and the broker does not throttle', () => {
    const idle = queue([], -1);
    proto.scheduleCheckPendingRequests.call(idle);
    assert.equal(idle.throttleCheckTimeoutId, null);
  });

  it('looks again later when a request waits', async () => {
    let checked!: () => void;
    const looked = new Promise<void>((resolve) => (checked = resolve));
    const waiting = queue(['request'], -1, () => checked());
    proto.scheduleCheckPendingRequests.call(waiting);
    assert.notEqual(waiting.throttleCheckTimeoutId, null);
    await looked;
    assert.equal(waiting.throttleCheckTimeoutId, null);
  });

  it('looks again when a throttle ends, even with nothing queued yet', () => {
    const throttled = queue([], Date.now() + 60_000);
    proto.scheduleCheckPendingRequests.call(throttled);
    assert.notEqual(throttled.throttleCheckTimeoutId, null);
    clearTimeout(throttled.throttleCheckTimeoutId ?? undefined);
  });
});
