// Passwords: the rule a new password must meet, and scrypt hashes (node:crypto, no native
// package). A hash is `scrypt$N$r$p$<salt>$<key>` (base64url), so stronger parameters later still
// verify old hashes. Verification compares in constant time.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export const PASSWORD_MIN_CHARACTERS = 10;
export const PASSWORD_MAX_CHARACTERS = 200;

/** scrypt's cost (N = 2^14, r = 8, p = 1: 16 MiB, tens of milliseconds), a 16-byte salt, a 32-byte key. */
const PARAMS = { N: 16_384, r: 8, p: 1 } as const;
const KEY_BYTES = 32;

const derive = (password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, { N, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) => (err === null ? resolve(key) : reject(err)));
  });

export const hashPassword = async (password: string): Promise<string> => {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS.N, PARAMS.r, PARAMS.p);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
};

/** Whether `password` matches `stored`; false for a hash in an unknown format. */
export const verifyPassword = async (password: string, stored: string): Promise<boolean> => {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0)) return false;
  const expected = Buffer.from(parts[5]!, 'base64url');
  const key = await derive(password, Buffer.from(parts[4]!, 'base64url'), N, r, p);
  return key.length === expected.length && timingSafeEqual(key, expected);
};

/** A hash no password matches, to spend the same time on an unknown e-mail address as on a known one. */
export const decoyHash = (): Promise<string> => hashPassword(randomBytes(18).toString('base64url'));
