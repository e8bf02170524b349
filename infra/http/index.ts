// The HTTP gateway pieces both sides use: the error model, io-ts request validation, bearer-token
// authentication, rate limits and metrics.
export * from './errors.js';
export * from './validate.js';
export * from './auth.js';
export * from './rate-limit.js';
export * from './metrics.js';
