// The sign-in lockout: failed sign-ins are counted per account (the normalised e-mail address,
// hashed: no address is kept in Redis) and per client address, with rate-limiter-flexible as the
// request limits use it (infra/http/rate-limit.ts: Redis when configured, one budget across
// processes, with an in-memory insurance limiter while Redis is away; memory otherwise). Once
// either count reaches its limit, sign-in is refused with 429 SIGN_IN_LOCKED and Retry-After
// until the window ends, even with the right password. A success clears the account's count.
import { createHash } from 'node:crypto';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger, RedisClient } from '../../infra/index.js';
import { ApiError, createRateLimiter } from '../../infra/index.js';

export interface LockoutOptions {
  readonly redis?: RedisClient | undefined;
  /** Failed sign-ins of one account within the window before it is locked. */
  readonly maxFailuresPerAccount: number;
  /** Failed sign-ins from one client address (any accounts) within the window before it is locked. */
  readonly maxFailuresPerAddress: number;
  readonly windowSeconds: number;
  /** Redis key prefix (tests give each system its own). */
  readonly keyPrefix?: string;
  readonly logger?: Logger;
}

const accountKey = (email: string): string => createHash('sha256').update(email).digest('hex').slice(0, 32);

export class SignInLockout {
  private readonly byAccount: RateLimiterAbstract;
  private readonly byAddress: RateLimiterAbstract;

  constructor(private readonly options: LockoutOptions) {
    const base = { ...(options.redis !== undefined ? { redis: options.redis } : {}), keyPrefix: options.keyPrefix ?? 'gs:signin' };
    this.byAccount = createRateLimiter('account', { points: options.maxFailuresPerAccount, durationSeconds: options.windowSeconds }, base);
    this.byAddress = createRateLimiter('address', { points: options.maxFailuresPerAddress, durationSeconds: options.windowSeconds }, base);
  }

  /** Throws 429 SIGN_IN_LOCKED when the account or the address has used up its failures. */
  async assertOpen(email: string, address: string): Promise<void> {
    const [account, from] = await Promise.all([this.safely(this.byAccount.get(accountKey(email))), this.safely(this.byAddress.get(address))]);
    const locks = [
      account !== null && account.consumedPoints >= this.options.maxFailuresPerAccount ? { what: 'this account', ms: account.msBeforeNext } : undefined,
      from !== null && from.consumedPoints >= this.options.maxFailuresPerAddress ? { what: 'this address', ms: from.msBeforeNext } : undefined,
    ].filter((l) => l !== undefined);
    if (locks.length === 0) return;
    const seconds = Math.max(1, Math.ceil(Math.max(...locks.map((l) => l.ms)) / 1000));
    throw new ApiError(
      429,
      'SIGN_IN_LOCKED',
      `too many failed sign-ins for ${locks.map((l) => l.what).join(' and ')}: sign-in is locked for ${seconds} s; try again after that`,
      { retryAfterSeconds: seconds },
      { 'Retry-After': String(seconds) },
    );
  }

  async failed(email: string, address: string): Promise<void> {
    await Promise.all([this.count(this.byAccount, accountKey(email)), this.count(this.byAddress, address)]);
  }

  async succeeded(email: string): Promise<void> {
    await this.safely(this.byAccount.delete(accountKey(email)));
  }

  private async count(limiter: RateLimiterAbstract, key: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) this.options.logger?.warn({ err: error }, 'sign-in lockout: could not count a failure');
    }
  }

  /** A limiter fault (not a refusal) must not stop sign-in: logged, treated as no count. */
  private async safely<T>(p: Promise<T>): Promise<T | null> {
    try {
      return await p;
    } catch (error) {
      this.options.logger?.warn({ err: error }, 'sign-in lockout: the limiter failed');
      return null;
    }
  }
}
