// The HTTP gateway pieces both sides use: the error model, io-ts request validation, JSON bodies,
// bearer-token authentication, rate limits, metrics, and the server with its client timeouts.
export * from './errors.js';
export * from './validate.js';
export * from './json-body.js';
export * from './server.js';
export * from './auth.js';
export * from './rate-limit.js';
export * from './metrics.js';
