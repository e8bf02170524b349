// Bearer JWT (HS256) tokens and role checks (DESIGN.md section 5): claim `sub` is the user id,
// claim `roles` an array from bidder, seller, auditor, admin, analyst. The middleware that reads the
// Authorization header is authenticate.ts; tokens of an identity provider (RS256/ES256 against its
// JWKS) are identity-provider.ts; token-verifier.ts holds both behind one object.
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { webcrypto } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { RequestHandler, Response } from 'express';
import { UserId } from '../../domain/index.js';
import { forbidden, unauthenticated } from './errors.js';

export const RoleCodec = t.keyof({ bidder: null, seller: null, auditor: null, admin: null, analyst: null }, 'Role');
export type Role = t.TypeOf<typeof RoleCodec>;
export const allUserRoles: readonly Role[] = ['bidder', 'seller', 'auditor', 'admin', 'analyst'];

/**
 * The claims this service relies on (others, such as iat and exp, are checked by jose). `sub` is
 * decoded by the domain's one subject codec, so every user id the gateway lets in can be stored
 * and read back everywhere.
 */
export const TokenClaimsCodec = t.type({ sub: UserId, roles: t.readonlyArray(RoleCodec) }, 'TokenClaims');

/** Who made the request, as `authenticate` puts it on `res.locals.user`. */
export interface AuthenticatedUser {
  readonly userId: string;
  readonly roles: readonly Role[];
}

const encoder = new TextEncoder();
const keyOf = (secret: string | Uint8Array): Uint8Array => (typeof secret === 'string' ? encoder.encode(secret) : secret);

/** A secret, or an HMAC key imported once (jose would otherwise import the raw bytes on every verification). */
export type VerificationKey = string | Uint8Array | webcrypto.CryptoKey;

/** Imports an HS256 secret once, for verifying many tokens. */
export const importVerificationKey = (secret: string | Uint8Array): Promise<webcrypto.CryptoKey> =>
  webcrypto.subtle.importKey('raw', keyOf(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);

const verificationKeyOf = (key: VerificationKey): Uint8Array | webcrypto.CryptoKey => (typeof key === 'string' || key instanceof Uint8Array ? keyOf(key) : key);

/** Why a token was refused (the message of the 401). */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;

export interface VerifyOptions {
  /** Seconds of clock skew tolerated for exp/nbf/iat. Default 5. */
  readonly clockToleranceSeconds?: number;
  /** The current time, for tests. */
  readonly now?: Date;
}

/**
 * What is wrong with one claim, naming the claim and the problem but never the claim's value:
 * the message also goes into the WWW-Authenticate header.
 */
export const claimProblem = (error: t.ValidationError): string => {
  const claim = error.context[1]?.key ?? 'claims';
  if (error.value === undefined && error.context.length <= 2) return `claim ${claim} is required`;
  if (claim === 'sub') return `claim sub ${error.message ?? 'must be a string'}`;
  return `claim roles must be an array of roles from ${allUserRoles.join(', ')}`;
};

/** A verified token's user and its `exp` claim (seconds since the epoch). */
export interface VerifiedToken {
  readonly user: AuthenticatedUser;
  readonly exp: number;
}

/** Verifies an HS256 token (signature, exp required, nbf) and decodes its claims: its user and `exp`; throws InvalidTokenError. */
export const verifyTokenClaims = async (token: string, secret: VerificationKey, options: VerifyOptions = {}): Promise<VerifiedToken> => {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, verificationKeyOf(secret), {
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
      clockTolerance: options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
      ...(options.now !== undefined ? { currentDate: options.now } : {}),
    }));
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new InvalidTokenError(
      code === 'ERR_JWT_EXPIRED'
        ? 'the token has expired'
        : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED'
          ? `the token was refused: ${(err as Error).message}`
          : 'the token is not valid',
    );
  }
  const claims = TokenClaimsCodec.decode(payload);
  if (isLeft(claims)) throw new InvalidTokenError(`the token was refused: ${[...new Set(claims.left.map(claimProblem))].join('; ')}`);
  // jose required `exp` and checked it is a number.
  const exp = (payload as { exp: number }).exp;
  // Frozen: one verified user is shared by every request carrying the same token.
  return { user: Object.freeze({ userId: claims.right.sub, roles: Object.freeze([...new Set(claims.right.roles)]) }), exp };
};

/** Verifies an HS256 token (signature, exp required, nbf) and decodes its claims; throws InvalidTokenError. */
export const verifyToken = async (token: string, secret: VerificationKey, options: VerifyOptions = {}): Promise<AuthenticatedUser> =>
  (await verifyTokenClaims(token, secret, options)).user;

export interface MintTokenOptions {
  readonly secret: string | Uint8Array;
  readonly sub: string;
  readonly roles: readonly Role[];
  /** Lifetime: seconds (a number; negative mints an already expired token, for tests) or a jose span such as '24h', '15m', '7d'. */
  readonly expiresIn: number | string;
  /** The issue time, for tests. */
  readonly now?: Date;
}

/** Mints an HS256 token with `sub`, `roles`, `iat` and `exp`. */
export const mintToken = async (options: MintTokenOptions): Promise<string> => {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const exp = typeof options.expiresIn === 'number' ? now + Math.trunc(options.expiresIn) : options.expiresIn;
  return new SignJWT({ roles: [...options.roles] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub)
    .setIssuedAt(now)
    .setExpirationTime(typeof exp === 'number' ? exp : new Date(now * 1000 + spanMs(exp)))
    .sign(keyOf(options.secret));
};

const spanUnits: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** Milliseconds in a span such as '90s', '15m', '24h', '7d', '2w' or plain seconds '3600'; throws on anything else. */
export const spanMs = (span: string): number => {
  const m = /^(\d{1,9})\s*([smhdw]?)$/.exec(span.trim());
  if (m === null) throw new Error(`invalid time span ${JSON.stringify(span)}; expected e.g. 90s, 15m, 24h, 7d`);
  return Number(m[1]) * (spanUnits[m[2] || 's'] ?? 1) * 1000;
};

/** The user `authenticate` found, or undefined for an anonymous request. */
export const currentUser = (res: Response): AuthenticatedUser | undefined => {
  const user: unknown = res.locals.user;
  return typeof user === 'object' && user !== null && 'userId' in user ? (user as AuthenticatedUser) : undefined;
};

/** The user `authenticate` found; throws 401 for an anonymous request. */
export const requireUser = (res: Response): AuthenticatedUser => {
  const user = currentUser(res);
  if (user === undefined) throw unauthenticated('a bearer token is required');
  return user;
};

/** Lets the request on only if the user holds at least one of `roles`: 401 when anonymous, 403 otherwise. */
export const requireRole = (...roles: readonly Role[]): RequestHandler => (_req, res, next) => {
  const user = requireUser(res);
  if (!user.roles.some((r) => roles.includes(r))) {
    throw forbidden(`requires the role ${roles.join(' or ')}`, { requiredRoles: roles });
  }
  next();
};
