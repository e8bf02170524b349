// The HTTP gateway pieces both sides use: the error model, io-ts request validation, JSON bodies,
// bearer-token authentication (HS256, and an identity provider's RS256/ES256 tokens against its
// JWKS), rate limits, metrics, the server with its client timeouts and its graceful stop, the process's probes (/health, /ready) and the operations port that serves them.
export * from './errors.js';
export * from './validate.js';
export * from './json-body.js';
export * from './server.js';
export * from './graceful-http.js';
export * from './probes.js';
export * from './ops-server.js';
export * from './auth.js';
export * from './identity-provider.js';
export * from './token-verifier.js';
export * from './authenticate.js';
export * from './rate-limit.js';
export * from './metrics.js';
