// The idempotency store contract on the in-process store, its clock moved by hand.
import { MemoryIdempotencyStore } from '../../commands/index.js';
import { idempotencyStoreContract } from './idempotency-store.contract.js';

idempotencyStoreContract('MemoryIdempotencyStore', () => {
  let clock = 0;
  const shortLeaseMs = 3_000;
  return Promise.resolve({
    store: new MemoryIdempotencyStore({ now: () => clock }),
    shortLeaseMs,
    outlive: () => {
      clock += shortLeaseMs;
      return Promise.resolve();
    },
    cleanup: () => Promise.resolve(),
  });
});
