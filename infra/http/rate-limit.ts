// Request rate limits with rate-limiter-flexible: per user for authenticated requests, per client
// IP for anonymous ones. Shared across processes through Redis when a client is given; in memory
// otherwise. While Redis is unreachable an in-memory "insurance" limiter (per process) takes over,
// so the API neither stops nor goes unlimited.
//
// A keyed command (a request that will claim an Idempotency-Key in Redis) does not pay a round trip
// of its own: its point is deferred to the claim, which counts it in the same script, on the same
// counter (see `DeferredPoint`). Every answer stays what it was: the script counts the point before
// it claims, and only claims under the limit; an answer sent before the claim (a 401, 403 or 400 of
// the route) counts the point alone first and becomes the 429 when over the limit. A user's counter
// carries the user's hash tag (`gs:rl:user:{<user>}`), as the user's idempotency keys do, so on a
// Redis Cluster the script's two keys share a slot.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../logger.js';
import type { RedisClient } from '../redis.js';
import { userHashTag } from '../redis-slots.js';
import type { ApiError } from './errors.js';
import { sendApiError, tooManyRequests } from './errors.js';
import { currentUser } from './auth.js';

/** `points` requests per `durationSeconds` window. */
export interface RateLimitWindow {
  readonly points: number;
  readonly durationSeconds: number;
}

export interface RateLimitOptions {
  /** Shared counters in Redis, one server or a cluster (all processes see one limit); in memory (per process) when absent. */
  readonly redis?: RedisClient;
  /** Limit for an authenticated user (keyed by the user's hash tag). Default 120 per 60 s. */
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
  /**
   * Requests whose point the route counts together with its idempotency claim (`takeDeferredPoint`),
   * in one Redis round trip (on a cluster too: both keys carry the user's hash tag). Only
   * authenticated requests are deferred. Name exactly the routes that claim.
   */
  readonly countWithClaim?: (req: Request) => boolean;
}

/** A request's point that the middleware left for the idempotency claim to count (one script for both). */
export interface DeferredPoint {
  /** The Redis connection and key of the counter, shared with the middleware's own counting. */
  readonly redis: RedisClient;
  readonly key: string;
  readonly points: number;
  readonly durationSeconds: number;
  /** The count the script returned: sets the RateLimit headers; returns the 429 to answer when over the limit. */
  counted(consumed: number, msBeforeNext: number): ApiError | undefined;
  /** Counts the point alone, as the middleware would have (the script could not run); the 429 to answer, if any. */
  countAlone(): Promise<ApiError | undefined>;
}

const DEFERRED_POINT = 'gsDeferredRateLimitPoint';

/** The request's deferred point, if the middleware left one that is not counted yet. */
export const takeDeferredPoint = (res: Response): DeferredPoint | undefined => {
  const point: unknown = res.locals[DEFERRED_POINT];
  return point instanceof Deferred && !point.settled ? point : undefined;
};

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

/**
 * A rate-limiter-flexible limiter as the request limits build theirs: in Redis (one budget across
 * processes) with an in-memory insurance limiter while Redis is unreachable, or in memory alone.
 * For other budgets than requests (the sign-in lockout counts failed attempts with it).
 */
export const createRateLimiter = (name: string, window: RateLimitWindow, options: Pick<RateLimitOptions, 'redis' | 'keyPrefix'>): RateLimiterAbstract =>
  makeLimiter(name, checkWindow(window, name), options).limiter;

const makeLimiter = (name: string, window: RateLimitWindow, options: Pick<RateLimitOptions, 'redis' | 'keyPrefix'>): Limiter => {
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

const setHeaders = (res: Response, l: Limiter, r: Pick<RateLimiterRes, 'remainingPoints' | 'msBeforeNext'>): void => {
  res.setHeader('RateLimit-Limit', String(l.window.points));
  res.setHeader('RateLimit-Remaining', String(Math.max(0, r.remainingPoints)));
  res.setHeader('RateLimit-Reset', String(Math.max(0, Math.ceil(r.msBeforeNext / 1000))));
  res.setHeader('RateLimit-Policy', l.policy);
};

/** Keys over their limit, refused from memory until their window ends (as `inMemoryBlockOnConsumed` does for the limiter). */
class BlockedKeys {
  private readonly until = new Map<string, number>();

  msLeft(key: string, now: number): number {
    const until = this.until.get(key);
    if (until === undefined) return 0;
    if (until > now) return until - now;
    this.until.delete(key);
    return 0;
  }

  block(key: string, ms: number, now: number): void {
    if (this.until.size >= 10_000) for (const [k, u] of this.until) if (u <= now) this.until.delete(k);
    if (this.until.size < 10_000) this.until.set(key, now + ms);
  }
}

type Check = (l: Limiter, key: string, res: Response) => Promise<ApiError | undefined>;

class Deferred implements DeferredPoint {
  settled = false;

  constructor(
    readonly redis: RedisClient,
    readonly key: string,
    private readonly l: Limiter,
    private readonly userKey: string,
    private readonly res: Response,
    private readonly check: Check,
    private readonly blocked: BlockedKeys,
  ) {}

  get points(): number {
    return this.l.window.points;
  }

  get durationSeconds(): number {
    return this.l.window.durationSeconds;
  }

  counted(consumed: number, msBeforeNext: number): ApiError | undefined {
    this.settled = true;
    const { points } = this.l.window;
    // rate-limiter-flexible's rule, as the limiter applies it to its own script's answer.
    if (consumed > points) this.blocked.block(this.key, msBeforeNext, Date.now());
    setHeaders(this.res, this.l, { remainingPoints: Math.max(points - consumed, 0), msBeforeNext });
    return consumed > points ? overLimit(this.l, msBeforeNext) : undefined;
  }

  countAlone(): Promise<ApiError | undefined> {
    this.settled = true;
    return this.check(this.l, this.userKey, this.res);
  }
}

const overLimit = (l: Limiter, msBeforeNext: number): ApiError =>
  tooManyRequests(msBeforeNext / 1000, `too many requests; limit ${l.window.points} per ${l.window.durationSeconds} s`);

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
  const redis = options.redis;
  const countWithClaim = redis !== undefined ? options.countWithClaim : undefined;
  const blocked = new BlockedKeys();
  let warnedAt = 0;

  /** Counts one point for `key`; sets the headers; the 429 to answer when over the limit. */
  const check: Check = async (l, key, res) => {
    try {
      setHeaders(res, l, await l.limiter.consume(key));
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        setHeaders(res, l, rejection);
        return overLimit(l, rejection.msBeforeNext);
      }
      const now = Date.now();
      if (now - warnedAt > 10_000) {
        warnedAt = now;
        options.logger?.warn({ err: rejection }, 'rate limiter failed; letting the request through');
      }
    }
    return undefined;
  };

  return async (req, res, next) => {
    const user = options.by === 'ip' ? undefined : currentUser(res);
    const userKey = user === undefined ? undefined : userHashTag(user.userId);
    if (userKey !== undefined && redis !== undefined && countWithClaim?.(req) === true) {
      const key = perUser.limiter.getKey(userKey);
      const msLeft = blocked.msLeft(key, Date.now());
      if (msLeft > 0) {
        setHeaders(res, perUser, { remainingPoints: 0, msBeforeNext: msLeft });
        sendApiError(res, overLimit(perUser, msLeft));
        return;
      }
      deferPoint(res, new Deferred(redis, key, perUser, userKey, res, check, blocked));
      next();
      return;
    }
    const [l, key] = userKey !== undefined ? [perUser, userKey] : [perIp, clientIp(req)];
    const refusal = await check(l, key, res);
    if (refusal !== undefined) {
      sendApiError(res, refusal);
      return;
    }
    next();
  };
};

/**
 * Leaves the point on the request for the claim. An answer sent while it is still uncounted (the
 * route refused the request before its claim) counts it alone first, and is the 429 when over the
 * limit, as if the middleware had counted it; a response that ends some other way counts it after.
 */
const deferPoint = (res: Response, point: Deferred): void => {
  res.locals[DEFERRED_POINT] = point;
  const json = res.json.bind(res);
  res.json = (body?: unknown) => {
    if (point.settled) return json(body);
    point.countAlone().then(
      (refusal) => {
        if (refusal === undefined) {
          json(body);
          return;
        }
        for (const [name, value] of Object.entries(refusal.headers)) res.setHeader(name, value);
        res.status(refusal.status);
        json(refusal.toBody());
      },
      () => json(body),
    );
    return res;
  };
  res.on('finish', () => {
    if (!point.settled) void point.countAlone();
  });
};
