// Request rate limits with rate-limiter-flexible: per user for authenticated requests, per client
// IP for anonymous ones. Shared across processes through Redis when a client is given; in memory
// otherwise. While Redis is unreachable an in-memory "insurance" limiter (per process) takes over,
// so the API neither stops nor goes unlimited.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../logger.js';
import type { Redis } from '../redis.js';
import { sendApiError, tooManyRequests } from './errors.js';
import { currentUser } from './auth.js';

/** `points` requests per `durationSeconds` window. */
export interface RateLimitWindow {
  readonly points: number;
  readonly durationSeconds: number;
}

export interface RateLimitOptions {
  /** Shared counters in Redis (all processes see one limit); in memory (per process) when absent. */
  readonly redis?: Redis;
  /** Limit for an authenticated user (keyed by user id). Default 120 per 60 s. */
  readonly perUser?: RateLimitWindow;
  /** Limit for anonymous requests (keyed by client IP). Default 60 per 60 s. */
  readonly perIp?: RateLimitWindow;
  /**
   * 'user-or-ip' (default): authenticated requests count against their user only, anonymous ones
   * against their IP (many users behind one NAT do not share a budget). 'ip': every request counts
   * against its IP, e.g. a coarse limit mounted before `authenticate`.
   */
  readonly by?: 'user-or-ip' | 'ip';
  /** Redis key prefix; one per limiter when several are mounted. Default 'gs:rl'. */
  readonly keyPrefix?: string;
  /** The client address; default `req.ip` (set Express's 'trust proxy' behind a load balancer). */
  readonly clientIp?: (req: Request) => string;
  /**
   * A failure of the limiter itself (not a Redis outage: that is the insurance limiter's job, and
   * the Redis client logs its own connection errors) is logged here at warn level, at most every 10 s.
   */
  readonly logger?: Logger;
}

interface Limiter {
  readonly limiter: RateLimiterAbstract;
  readonly window: RateLimitWindow;
  readonly policy: string;
}

const checkWindow = (w: RateLimitWindow, name: string): RateLimitWindow => {
  if (!Number.isSafeInteger(w.points) || w.points < 1 || !Number.isSafeInteger(w.durationSeconds) || w.durationSeconds < 1) {
    throw new Error(`rate limit ${name}: points and durationSeconds must be positive integers`);
  }
  return w;
};

const makeLimiter = (name: string, window: RateLimitWindow, options: RateLimitOptions): Limiter => {
  const base = { points: window.points, duration: window.durationSeconds, keyPrefix: `${options.keyPrefix ?? 'gs:rl'}:${name}` };
  const limiter =
    options.redis === undefined
      ? new RateLimiterMemory(base)
      : new RateLimiterRedis({
          ...base,
          storeClient: options.redis,
          // Do not queue behind a dead connection: go straight to the insurance limiter.
          rejectIfRedisNotReady: true,
          // Once a key is over its limit, refuse it from memory until its window ends, sparing Redis under a flood.
          inMemoryBlockOnConsumed: window.points + 1,
          insuranceLimiter: new RateLimiterMemory({ ...base, keyPrefix: `${base.keyPrefix}:insurance` }),
        });
  return { limiter, window, policy: `${window.points};w=${window.durationSeconds}` };
};

const setHeaders = (res: Response, l: Limiter, r: RateLimiterRes): void => {
  res.setHeader('RateLimit-Limit', String(l.window.points));
  res.setHeader('RateLimit-Remaining', String(Math.max(0, r.remainingPoints)));
  res.setHeader('RateLimit-Reset', String(Math.max(0, Math.ceil(r.msBeforeNext / 1000))));
  res.setHeader('RateLimit-Policy', l.policy);
};

/**
 * Middleware consuming one point per request. Over the limit: 429 RATE_LIMITED with
 * `Retry-After` (seconds); every answer carries `RateLimit-Limit`, `-Remaining`, `-Reset`
 * (seconds) and `-Policy` (IETF draft-ietf-httpapi-ratelimit-headers). Mount after
 * `authenticate` so authenticated requests count per user. If even the in-memory limiter fails,
 * the request passes (logged): a limiter fault must not take the API down.
 */
export const rateLimit = (options: RateLimitOptions = {}): RequestHandler => {
  const perUser = makeLimiter('user', checkWindow(options.perUser ?? { points: 120, durationSeconds: 60 }, 'perUser'), options);
  const perIp = makeLimiter('ip', checkWindow(options.perIp ?? { points: 60, durationSeconds: 60 }, 'perIp'), options);
  const clientIp = options.clientIp ?? ((req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown');
  let warnedAt = 0;
  return async (req, res, next) => {
    const user = options.by === 'ip' ? undefined : currentUser(res);
    const [l, key] = user !== undefined ? [perUser, user.userId] : [perIp, clientIp(req)];
    try {
      setHeaders(res, l, await l.limiter.consume(key));
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        setHeaders(res, l, rejection);
        sendApiError(
          res,
          tooManyRequests(rejection.msBeforeNext / 1000, `too many requests; limit ${l.window.points} per ${l.window.durationSeconds} s`),
        );
        return;
      }
      const now = Date.now();
      if (now - warnedAt > 10_000) {
        warnedAt = now;
        options.logger?.warn({ err: rejection }, 'rate limiter failed; letting the request through');
      }
    }
    next();
  };
};
