// Fault: Redis stopped for 10 s (SIGTERM: a clean shutdown) and started again on the same port.
// With the suite's default Redis (an append-only file, as compose.yaml's) it comes back with its
// data; with `--redis-persistence none`, or as `redis-restart-empty` (its folder wiped while it is
// down: a disk lost), it comes back empty: the live cache, idempotency records, closing queue and
// rate-limit counters are gone, and the live cache fills what it lost from the event log.
// Must hold: commands stay correct (accepted, or refused with a clear 503 UNAVAILABLE: the
// idempotency store is down, so no command runs unprotected; never accepted twice or wrongly);
// realtime clients resume gap-free; rate limits fall back to each process's in-memory limiter
// (README, Command API); everything converges without restarting a role.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fault } from './fault.js';

export const redisRestart = (downMs = 10_000, empty = false): Fault => ({
  name: empty ? 'redis-restart-empty' : 'redis-restart',
  title: `Redis stopped (SIGTERM) for ${downMs / 1000} s and restarted${empty ? ' with its data wiped' : ''}`,
  mustHold: 'commands accepted or refused with a clear 503, never twice or wrongly; realtime clients resume gap-free; recovery without restarts',
  unavailable: (target) => (target.services.redis === undefined ? 'the target does not own its Redis' : undefined),
  inject: async ({ target, say }) => {
    const redis = target.services.redis!;
    say('stopping Redis');
    await redis.stop();
    if (empty) {
      say('wiping its data');
      redis.wipe();
    }
    await sleep(downMs);
    say('starting Redis again');
    await redis.start();
  },
});
