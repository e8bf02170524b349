// The Ed25519 key that signs the log's checkpoints (CHECKPOINT_SIGNING_KEY): parsing, and the key an
// embedded installation generates for itself under DATA_DIR.
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The file under DATA_DIR that keeps an embedded installation's generated key. */
export const EMBEDDED_KEY_FILE = 'checkpoint-signing-key.pem';

/**
 * An Ed25519 private key from PKCS#8 PEM (newlines may be written as `\n`) or base64 of the PKCS#8
 * DER; throws an Error saying what is wrong.
 */
export const parseEd25519PrivateKey = (text: string): KeyObject => {
  const trimmed = text.trim().replace(/\\n/g, '\n');
  let key: KeyObject;
  try {
    key = trimmed.startsWith('-----BEGIN')
      ? createPrivateKey({ key: trimmed, format: 'pem' })
      : createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    throw new Error('expected an Ed25519 private key as PKCS#8 PEM (-----BEGIN PRIVATE KEY-----) or base64 of its DER (e.g. openssl genpkey -algorithm ed25519)');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`expected an Ed25519 private key, got a ${key.asymmetricKeyType ?? 'non-asymmetric'} key`);
  return key;
};

/** The public key (SPKI PEM) of a private key. */
export const publicKeyPemOf = (privateKey: KeyObject): string => createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();

export type SigningKeySource = 'configured' | 'data-dir' | 'ephemeral';

export interface CheckpointKeyOptions {
  /** CHECKPOINT_SIGNING_KEY, already validated by the configuration. */
  readonly configured: string | undefined;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
}

/**
 * The signing key: the configured one; else, embedded (no DATABASE_URL), one generated once and
 * kept in DATA_DIR/checkpoint-signing-key.pem (mode 0600), or for DATA_DIR=memory a new one per
 * process; else (distributed without a key) none: checkpoints are disabled, since a key generated
 * by one process or kept in the database would either differ between processes or be readable by
 * the very attacker checkpoints must expose.
 */
export const loadCheckpointKey = (options: CheckpointKeyOptions): { readonly key: KeyObject; readonly source: SigningKeySource } | undefined => {
  if (options.configured !== undefined) return { key: parseEd25519PrivateKey(options.configured), source: 'configured' };
  if (options.databaseUrl !== undefined) return undefined;
  if (options.dataDir === 'memory') return { key: generateKeyPairSync('ed25519').privateKey, source: 'ephemeral' };
  const dir = resolve(options.dataDir);
  const file = join(dir, EMBEDDED_KEY_FILE);
  if (existsSync(file)) return { key: parseEd25519PrivateKey(readFileSync(file, 'utf8')), source: 'data-dir' };
  mkdirSync(dir, { recursive: true });
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { key: parseEd25519PrivateKey(pem), source: 'data-dir' };
};
