// The accounts: registration, sign-in with the lockout, access and refresh tokens, profile,
// suspension and block lists. Account changes are decided by the pure account decider
// (domain/accounts/) on the folded stream and appended with the expected version, retried on a
// conflict; the e-mail address and the password hash go to the credentials table only.
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { AccountCommand, AccountRejection, AccountRole, AccountState, EventLog } from '../../domain/index.js';
import { accountOf, accountSchemaVersion, accountStreamIdOf, decideAccount, fromMillis } from '../../domain/index.js';
import type { Logger, SqlExecutor } from '../../infra/index.js';
import { ApiError, UNIQUE_VIOLATION, conflict, mintToken, sqlErrorCode, unauthenticated } from '../../infra/index.js';
import type { AccountRepository } from '../handler/index.js';
import { newEventsOf } from '../handler/index.js';
import { decoyHash, hashPassword, verifyPassword } from './password.js';
import type { RefreshTokens } from './refresh-tokens.js';
import type { SignInLockout } from './sign-in-lockout.js';

/** The roles a registered account signs in with. */
export const REGISTERED_ROLES: readonly AccountRole[] = ['bidder', 'seller'];

export interface AccountServiceDeps {
  readonly log: EventLog;
  readonly sql: SqlExecutor;
  readonly accounts: AccountRepository;
  readonly refreshTokens: RefreshTokens;
  readonly lockout: SignInLockout;
  readonly jwtSecret: string | Uint8Array;
  readonly accessTokenTtlSeconds: number;
  readonly clock?: () => Date;
  readonly logger?: Logger;
}

/** Who asks for an account change, for the events' metadata. */
export interface ActorContext {
  readonly userId: string;
  readonly correlationId: string;
}

export interface Tokens {
  readonly userId: string;
  readonly roles: readonly AccountRole[];
  readonly tokenType: 'Bearer';
  readonly accessToken: string;
  /** Seconds the access token lives. */
  readonly expiresIn: number;
  readonly expiresAt: string;
  readonly refreshToken: string;
  readonly refreshTokenExpiresAt: string;
}

export interface Changed {
  readonly state: AccountState;
  readonly version: number;
  /** False when the command was already in effect (nothing appended). */
  readonly changed: boolean;
}

const statusOf: Readonly<Record<AccountRejection['code'], number>> = {
  ACCOUNT_ALREADY_EXISTS: 409,
  ACCOUNT_NOT_FOUND: 404,
  CANNOT_SUSPEND_SELF: 409,
  CANNOT_BLOCK_SELF: 409,
  BLOCK_LIST_FULL: 409,
};

const MAX_ATTEMPTS = 8;

interface CredentialsRow {
  readonly user_id: string;
  readonly password_hash: string;
  readonly roles: string[];
}

const rolesOf = (stored: readonly string[]): AccountRole[] => stored.filter((r): r is AccountRole => ['bidder', 'seller', 'auditor', 'admin', 'analyst'].includes(r));

const suspendedError = (): ApiError => new ApiError(403, 'ACCOUNT_SUSPENDED', 'this account is suspended');

export class AccountService {
  private readonly clock: () => Date;
  private decoy: Promise<string> | undefined;

  constructor(private readonly deps: AccountServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** Decides `command` on its account stream and appends; a rule's refusal is thrown as the API's error. */
  async execute(command: AccountCommand, actor: ActorContext): Promise<Changed> {
    const userId = accountOf(command);
    const streamId = accountStreamIdOf(userId);
    const commandId = randomUUID();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const loaded = await this.deps.accounts.load(userId);
      const decided = decideAccount(command, loaded.state);
      if (E.isLeft(decided)) throw new ApiError(statusOf[decided.left.code], decided.left.code, decided.left.message);
      if (decided.right.length === 0) return { state: loaded.state, version: loaded.version, changed: false };
      const now = fromMillis(this.clock().getTime());
      const events = newEventsOf(decided.right, { commandId, userId: actor.userId, idempotencyKey: null, correlationId: actor.correlationId }, now, accountSchemaVersion);
      const result = await this.deps.log.appendToStream(streamId, loaded.version, events);
      if (result.kind === 'appended') {
        const next = this.deps.accounts.appended(userId, loaded, result.events);
        return { state: next.state, version: next.version, changed: true };
      }
    }
    throw new ApiError(503, 'BUSY', 'this account is changing too often right now; retry shortly', undefined, { 'Retry-After': '1' });
  }

  async register(input: { email: string; password: string; displayName: string; country: string }, correlationId: string): Promise<Tokens> {
    const userId = randomUUID();
    const passwordHash = await hashPassword(input.password);
    try {
      await this.deps.sql.query('INSERT INTO account_credentials (user_id, email, password_hash, roles) VALUES ($1, $2, $3, $4)', [userId, input.email, passwordHash, [...REGISTERED_ROLES]]);
    } catch (error) {
      if (sqlErrorCode(error) === UNIQUE_VIOLATION) throw conflict('EMAIL_TAKEN', 'an account with this e-mail address exists already; sign in instead');
      throw error;
    }
    try {
      await this.execute({ type: 'RegisterAccount', userId, displayName: input.displayName, country: input.country, roles: REGISTERED_ROLES }, { userId, correlationId });
    } catch (error) {
      // Without its stream the account must not sign in: the credentials go again.
      await this.deps.sql.query('DELETE FROM account_credentials WHERE user_id = $1', [userId]).catch(() => undefined);
      throw error;
    }
    return this.tokens(userId, [...REGISTERED_ROLES]);
  }

  async signIn(input: { email: string; password: string }, address: string): Promise<Tokens> {
    await this.deps.lockout.assertOpen(input.email, address);
    const { rows } = await this.deps.sql.query<CredentialsRow>('SELECT user_id, password_hash, roles FROM account_credentials WHERE email = $1', [input.email]);
    const row = rows[0];
    // An unknown address costs the same time as a wrong password, so timing tells nothing.
    const ok = await verifyPassword(input.password, row?.password_hash ?? (await (this.decoy ??= decoyHash())));
    if (row === undefined || !ok) {
      await this.deps.lockout.failed(input.email, address);
      throw unauthenticated('the e-mail address or the password is wrong');
    }
    await this.deps.lockout.succeeded(input.email);
    const account = await this.deps.accounts.load(row.user_id);
    if (account.state.suspended) throw suspendedError();
    return this.tokens(row.user_id, rolesOf(row.roles));
  }

  async refresh(refreshToken: string): Promise<Tokens> {
    const now = this.clock();
    const rotation = await this.deps.refreshTokens.rotate(refreshToken, now);
    switch (rotation.kind) {
      case 'unknown':
        throw new ApiError(401, 'INVALID_REFRESH_TOKEN', 'the refresh token is not known; sign in again');
      case 'expired':
        throw new ApiError(401, 'INVALID_REFRESH_TOKEN', 'the refresh token has expired; sign in again');
      case 'revoked':
        throw new ApiError(401, 'INVALID_REFRESH_TOKEN', 'the refresh token was revoked (signed out, or its account suspended); sign in again');
      case 'reused':
        throw new ApiError(401, 'REFRESH_TOKEN_REUSED', 'this refresh token was used before: every token of its sign-in is revoked now; sign in again');
      case 'rotated':
        break;
    }
    const [account, roles] = await Promise.all([this.deps.accounts.load(rotation.userId), this.rolesOf(rotation.userId)]);
    if (account.state.suspended) {
      await this.deps.refreshTokens.revokeUser(rotation.userId, now);
      throw suspendedError();
    }
    return this.withAccess(rotation.userId, roles, rotation.next, now);
  }

  signOut(refreshToken: string): Promise<boolean> {
    return this.deps.refreshTokens.revokeFamilyOf(refreshToken, this.clock());
  }

  /** The user's e-mail address, if the user registered here. */
  async emailOf(userId: string): Promise<string | null> {
    const { rows } = await this.deps.sql.query<{ email: string }>('SELECT email FROM account_credentials WHERE user_id = $1', [userId]);
    return rows[0]?.email ?? null;
  }

  /** A suspension ends the user's sign-ins too: every refresh token is revoked. */
  async suspend(userId: string, reason: string, actor: ActorContext): Promise<Changed> {
    const changed = await this.execute({ type: 'SuspendAccount', userId, by: actor.userId, reason }, actor);
    await this.deps.refreshTokens.revokeUser(userId, this.clock());
    return changed;
  }

  private async rolesOf(userId: string): Promise<AccountRole[]> {
    const { rows } = await this.deps.sql.query<{ roles: string[] }>('SELECT roles FROM account_credentials WHERE user_id = $1', [userId]);
    return rolesOf(rows[0]?.roles ?? []);
  }

  private async tokens(userId: string, roles: readonly AccountRole[]): Promise<Tokens> {
    const now = this.clock();
    return this.withAccess(userId, roles, await this.deps.refreshTokens.issue(userId, now), now);
  }

  private async withAccess(userId: string, roles: readonly AccountRole[], refresh: { token: string; expiresAt: Date }, now: Date): Promise<Tokens> {
    const ttl = this.deps.accessTokenTtlSeconds;
    const accessToken = await mintToken({ secret: this.deps.jwtSecret, sub: userId, roles, expiresIn: ttl, now });
    return {
      userId,
      roles,
      tokenType: 'Bearer',
      accessToken,
      expiresIn: ttl,
      expiresAt: new Date((Math.floor(now.getTime() / 1000) + ttl) * 1000).toISOString(),
      refreshToken: refresh.token,
      refreshTokenExpiresAt: refresh.expiresAt.toISOString(),
    };
  }
}
