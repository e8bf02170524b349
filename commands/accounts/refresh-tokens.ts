// Refresh tokens in PostgreSQL (sql/001-accounts.sql): 256 random bits, kept only as their
// sha256. Each use rotates the token (the old one is marked used, a new one of the same family
// issued); a used or revoked token presented again revokes its whole family, since someone holds a
// copy. Signing out revokes the family.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { SqlExecutor } from '../../infra/index.js';

export const hashRefreshToken = (token: string): string => createHash('sha256').update(token).digest('hex');
const newToken = (): string => randomBytes(32).toString('base64url');

export interface IssuedRefreshToken {
  readonly token: string;
  readonly expiresAt: Date;
}

export type Rotation =
  | { readonly kind: 'rotated'; readonly userId: string; readonly familyId: string; readonly next: IssuedRefreshToken }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'expired' }
  | { readonly kind: 'revoked' }
  /** The token had been used already: its family is revoked now. */
  | { readonly kind: 'reused' };

interface TokenRow {
  readonly user_id: string;
  readonly family_id: string;
  readonly expired: boolean;
  readonly used: boolean;
  readonly revoked: boolean;
}

export class RefreshTokens {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly ttlMs: number,
  ) {}

  /** A new token, of a new family unless `familyId` is given. */
  async issue(userId: string, now: Date, familyId: string = randomUUID(), sql: SqlExecutor = this.sql): Promise<IssuedRefreshToken> {
    const token = newToken();
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    await sql.query(
      'INSERT INTO refresh_tokens (token_hash, family_id, user_id, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [hashRefreshToken(token), familyId, userId, now.toISOString(), expiresAt.toISOString()],
    );
    return { token, expiresAt };
  }

  /** Uses `token` once: a fresh token of its family, or why not (a reuse revokes the family). */
  async rotate(token: string, now: Date): Promise<Rotation> {
    const hash = hashRefreshToken(token);
    return this.sql.transaction(async (tx) => {
      // Marking it used is the claim: of two concurrent uses of one token, one row update wins.
      const claimed = await tx.query<{ user_id: string; family_id: string }>(
        `UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
         RETURNING user_id, family_id`,
        [hash, now.toISOString()],
      );
      const row = claimed.rows[0];
      if (row !== undefined) return { kind: 'rotated', userId: row.user_id, familyId: row.family_id, next: await this.issue(row.user_id, now, row.family_id, tx) };
      const found = await tx.query<TokenRow>(
        'SELECT user_id, family_id, expires_at <= $2 AS expired, used_at IS NOT NULL AS used, revoked_at IS NOT NULL AS revoked FROM refresh_tokens WHERE token_hash = $1',
        [hash, now.toISOString()],
      );
      const known = found.rows[0];
      if (known === undefined) return { kind: 'unknown' };
      if (known.used) {
        await this.revokeFamilyWithin(tx, known.family_id, now);
        return { kind: 'reused' };
      }
      return known.revoked ? { kind: 'revoked' } : { kind: 'expired' };
    });
  }

  /** Revokes the family of `token` (sign-out); false when the token is unknown. */
  async revokeFamilyOf(token: string, now: Date): Promise<boolean> {
    const { rows } = await this.sql.query<{ family_id: string }>('SELECT family_id FROM refresh_tokens WHERE token_hash = $1', [hashRefreshToken(token)]);
    const family = rows[0]?.family_id;
    if (family === undefined) return false;
    await this.revokeFamilyWithin(this.sql, family, now);
    return true;
  }

  /** Revokes every token of the user (a suspension). */
  async revokeUser(userId: string, now: Date): Promise<void> {
    await this.sql.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL', [userId, now.toISOString()]);
  }

  private async revokeFamilyWithin(sql: SqlExecutor, familyId: string, now: Date): Promise<void> {
    await sql.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL', [familyId, now.toISOString()]);
  }
}
