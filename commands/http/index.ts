// commands/http/: the command API over HTTP: the routes, their bodies, and Idempotency-Key with
// its two stores.
export { claimsIdempotencyKey, commandRoutes, rejectionToApiError, type CommandRoutesDeps } from './command-routes.js';
export * from './bodies.js';
export { idempotency, idempotencyKeyOf, scopedIdempotencyKey, requestFingerprint, storableStatus, type IdempotencyOptions } from './idempotency.js';
export * from './idempotency-store.js';
export { MemoryIdempotencyStore, type MemoryIdempotencyStoreOptions } from './memory-idempotency-store.js';
export { RedisIdempotencyStore, type RedisIdempotencyStoreOptions } from './redis-idempotency-store.js';
