// The HTTP server's Express app: the gateway (metrics, JSON bodies, authentication, rate limits)
// in front of whichever routers this process's roles contribute, then the error model.
import express from 'express';
import type { ErrorRequestHandler, Router } from 'express';
import type { Config, Logger, Redis } from '../../infra/index.js';
import { ApiError, authenticate, createHttpMetrics, errorHandler, jsonBody, notFoundHandler, rateLimit } from '../../infra/index.js';
import { ConcurrencyExhaustedError } from '../../commands/index.js';
import type { HttpMetrics } from '../../infra/index.js';

export interface HttpAppOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly routers: readonly Router[];
  /** The live bidding page (`/`, its files, `/config.json`, `/dev/token`), after the API routers. */
  readonly page?: Router;
  readonly redis?: Redis;
  readonly metrics?: HttpMetrics;
}

/** A command that kept losing the append race: a transient condition the client may retry. */
const busyHandler: ErrorRequestHandler = (err: unknown, _req, _res, next) => {
  next(err instanceof ConcurrencyExhaustedError ? new ApiError(503, 'BUSY', 'the auction is too busy right now; retry shortly', undefined, { 'Retry-After': '1' }) : err);
};

export const buildHttpApp = (options: HttpAppOptions): express.Express => {
  const { config, logger } = options;
  const metrics = options.metrics ?? createHttpMetrics({ labels: { roles: config.roles.join(',') } });
  const perMinute = config.rateLimitPerMinute;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(metrics.middleware);
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', roles: config.roles });
  });
  app.get('/metrics', metrics.handler);
  app.use(jsonBody({ limit: '32kb' }));
  app.use(authenticate({ secret: config.jwtSecret, required: false }));
  app.use(rateLimit({
    ...(options.redis !== undefined ? { redis: options.redis } : {}),
    perUser: { points: perMinute, durationSeconds: 60 },
    perIp: { points: perMinute, durationSeconds: 60 },
    logger,
  }));
  for (const router of options.routers) app.use(router);
  if (options.page !== undefined) app.use(options.page);
  app.use(notFoundHandler);
  app.use(busyHandler);
  app.use(errorHandler({ logger }));
  return app;
};
