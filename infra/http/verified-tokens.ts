// The gateway's memory of tokens it verified: their exact text -> the user, until a deadline.
import type { AuthenticatedUser } from './auth.js';

/**
 * Tokens verified recently, by their exact text (signature included), until a deadline: a client
 * sends the same token with every request, and the HMAC check through WebCrypto was the gateway's
 * largest single cost. What jose checked once (signature, algorithm, claims) cannot change for the
 * same text; only time can, so the deadline is checked on every hit. For an HS256 token the deadline
 * is its `exp` plus the clock tolerance (where jose would start refusing it); for an identity
 * provider's token it is also at most the key set's cache age, so a key the provider withdrew stops
 * letting its tokens in when jose would. Bounded: beyond `max` entries the oldest is dropped.
 * Failures are never kept.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, { readonly user: AuthenticatedUser; readonly untilMs: number }>();

  constructor(private readonly max: number) {}

  /** The user of `token` when it was verified and `nowMs` is before its deadline. */
  get(token: string, nowMs: number): AuthenticatedUser | undefined {
    const hit = this.entries.get(token);
    if (hit === undefined) return undefined;
    if (hit.untilMs > nowMs) return hit.user;
    this.entries.delete(token);
    return undefined;
  }

  /** Remembers a verified token until `untilMs` (ms since the epoch, exclusive). */
  set(token: string, user: AuthenticatedUser, untilMs: number): void {
    if (this.max === 0) return;
    if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { user, untilMs });
  }
}
