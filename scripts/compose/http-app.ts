// The HTTP server's Express app: the gateway (metrics, JSON bodies, authentication, rate limits)
// in front of whichever routers this process's roles contribute, then the error model.
import express from 'express';
import type { ErrorRequestHandler, Router } from 'express';
import type { Config, Logger, RedisClient } from '../../infra/index.js';
import {
  ApiError, authenticate, createHttpMetrics, createProcessProbes, errorHandler, isDatabaseUnavailable, jsonBody, notFoundHandler, probePaths, rateLimit, sendApiError, tokenVerifierFor,
} from '../../infra/index.js';
import { ConcurrencyExhaustedError, CorruptStreamError, claimsIdempotencyKey } from '../../commands/index.js';
import type { HttpMetrics, Probes, TokenVerifier } from '../../infra/index.js';

export interface HttpAppOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly routers: readonly Router[];
  /** The live bidding page (`/`, its files, `/config.json`, `/dev/token`), after the API routers. */
  readonly page?: Router;
  readonly redis?: RedisClient;
  readonly metrics?: HttpMetrics;
  /** What GET /health and GET /ready answer: the process's probes; absent, always ready. */
  readonly probes?: Probes;
  /** Verifies bearer tokens; absent, one is built from the configuration (AUTH_JWT_SECRET, AUTH_JWKS_URL ...). */
  readonly tokenVerifier?: TokenVerifier;
}

/**
 * Transient conditions the client may retry (503 with Retry-After): a command that kept losing the
 * append race (BUSY), and a database that cannot be reached or is going away (UNAVAILABLE).
 */
const transientHandler: ErrorRequestHandler = (err: unknown, _req, _res, next) => {
  const retry = { 'Retry-After': '1' };
  if (err instanceof ConcurrencyExhaustedError) return next(new ApiError(503, 'BUSY', 'the auction is too busy right now; retry shortly', undefined, retry));
  if (isDatabaseUnavailable(err)) return next(new ApiError(503, 'UNAVAILABLE', 'the database cannot be reached right now; retry shortly (a retried command with the same Idempotency-Key is never applied twice)', undefined, retry));
  next(err);
};

/** Distinct streams reported at error level, at most (then the memory starts over). */
const REPORTED_STREAMS_LIMIT = 10_000;

/**
 * A command on an auction whose stream holds an event that cannot be read: 503
 * AUCTION_UNAVAILABLE, logged at error level once per stream and version (not per request).
 */
const unreadableStreamHandler = (logger: Logger): ErrorRequestHandler => {
  const reported = new Set<string>();
  return (err: unknown, _req, res, next) => {
    if (!(err instanceof CorruptStreamError) || res.headersSent) return next(err);
    const key = `${err.streamId}@${err.streamVersion}`;
    if (!reported.has(key)) {
      if (reported.size >= REPORTED_STREAMS_LIMIT) reported.clear();
      reported.add(key);
      logger.error(
        { streamId: err.streamId, streamVersion: err.streamVersion, reason: err.reason },
        `commands on stream ${err.streamId} are refused: its event at version ${err.streamVersion} cannot be read (${err.reason}); see README, "Events that cannot be read"`,
      );
    }
    sendApiError(res, new ApiError(503, 'AUCTION_UNAVAILABLE', `this auction cannot take commands right now: its event at version ${err.streamVersion} cannot be read; operators are alerted`));
  };
};

export const buildHttpApp = (options: HttpAppOptions): express.Express => {
  const { config, logger } = options;
  const metrics = options.metrics ?? createHttpMetrics({ labels: { roles: config.roles.join(',') } });
  const perMinute = config.rateLimitPerMinute;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(metrics.middleware);
  const probes = options.probes ?? createProcessProbes({ roles: config.roles, state: 'ready' });
  for (const [path, probe] of Object.entries(probePaths)) {
    app.get(path, (_req, res, next) => {
      probe(probes).then(({ status, body }) => res.status(status).json(body), next);
    });
  }
  app.get('/metrics', metrics.handler);
  // A timed sale lists up to 1,000 lots in one body (README "Timed sales").
  app.use('/v1/sales', jsonBody({ limit: '512kb' }));
  app.use(jsonBody({ limit: '32kb' }));
  app.use(authenticate({ verifier: options.tokenVerifier ?? tokenVerifierFor(config, logger), required: false }));
  app.use(rateLimit({
    ...(options.redis !== undefined ? { redis: options.redis } : {}),
    perUser: { points: perMinute, durationSeconds: 60 },
    perIp: { points: perMinute, durationSeconds: 60 },
    // A keyed command's point is counted by its idempotency claim, in the same Redis script.
    countWithClaim: claimsIdempotencyKey,
    logger,
  }));
  for (const router of options.routers) app.use(router);
  if (options.page !== undefined) app.use(options.page);
  app.use(notFoundHandler);
  app.use(transientHandler);
  app.use(unreadableStreamHandler(logger));
  app.use(errorHandler({ logger }));
  return app;
};
