// Deterministic identifiers: a command's id derives from who sent it and its Idempotency-Key, and
// each event's id from the command's id, so a retried command can never append twice.
import { createHash, randomUUID } from 'node:crypto';

/**
 * A UUID-shaped (version 8, RFC 9562) digest of the given parts. The parts are joined with NUL,
 * which is unambiguous because no part can hold one: user ids (the domain's UserId codec) and
 * Idempotency-Keys (visible ASCII) refuse NUL and lone surrogates (which UTF-8 hashing would
 * otherwise fold into one U+FFFD).
 */
export const uuidFrom = (...parts: readonly string[]): string => {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/** The command id: stable for a (user, Idempotency-Key) pair, random without a key. */
export const commandIdFor = (userId: string, idempotencyKey: string | null): string =>
  idempotencyKey === null ? randomUUID() : uuidFrom('command', userId, idempotencyKey);

export const eventIdFor = (commandId: string, index: number): string => uuidFrom('event', commandId, String(index));
