import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, EMBEDDED_KEY_FILE, loadCheckpointKey, loadConfig, parseEd25519PrivateKey, publicKeyPemOf } from '../../infra/index.js';

describe('configuration: TRUST_PROXY', () => {
  it('defaults to loopback', () => {
    assert.equal(loadConfig({}).trustProxy, 'loopback');
  });

  it('reads a hop count, true/false, or a list of names and ranges', () => {
    assert.equal(loadConfig({ TRUST_PROXY: '1' }).trustProxy, 1);
    assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true);
    assert.equal(loadConfig({ TRUST_PROXY: 'false' }).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: 'loopback, uniquelocal,10.0.0.0/8,fd00::/8' }).trustProxy, 'loopback,uniquelocal,10.0.0.0/8,fd00::/8');
  });

  it('stops on anything else, naming the variable', () => {
    assert.throws(() => loadConfig({ TRUST_PROXY: 'everyone' }), (e: unknown) => e instanceof ConfigError && /TRUST_PROXY/.test(e.message));
    assert.throws(() => loadConfig({ TRUST_PROXY: 'loopback,;rm' }), ConfigError);
  });
});

describe('configuration: signed checkpoints', () => {
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  it('defaults to a 60 s interval and no configured key', () => {
    const config = loadConfig({});
    assert.deepEqual([config.checkpointIntervalSeconds, config.checkpointSigningKey], [60, undefined]);
  });

  it('reads an Ed25519 key as PKCS#8 PEM (also with \\n escapes) or base64 DER', () => {
    assert.equal(loadConfig({ CHECKPOINT_SIGNING_KEY: pem }).checkpointSigningKey, pem);
    assert.ok(loadConfig({ CHECKPOINT_SIGNING_KEY: pem.replace(/\n/g, '\\n') }).checkpointSigningKey !== undefined);
    const der = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
    assert.equal(parseEd25519PrivateKey(der).asymmetricKeyType, 'ed25519');
    assert.equal(loadConfig({ CHECKPOINT_INTERVAL_SECONDS: '0' }).checkpointIntervalSeconds, 0);
  });

  it('stops on a key that is not Ed25519 or not a key, without showing it', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const value of [rsa, 'not-a-key-but-a-secret-value']) {
      assert.throws(
        () => loadConfig({ CHECKPOINT_SIGNING_KEY: value }),
        (e: unknown) => e instanceof ConfigError && /CHECKPOINT_SIGNING_KEY=\(secret, not shown\): expected an Ed25519 private key/.test(e.message) && !e.message.includes('secret-value'),
      );
    }
    assert.throws(() => loadConfig({ CHECKPOINT_INTERVAL_SECONDS: 'soon' }), /CHECKPOINT_INTERVAL_SECONDS/);
  });
});

describe('checkpoint signing key when none is configured', () => {
  it('embedded: generates one under DATA_DIR once and keeps it (mode 0600); memory: a new one; distributed: none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-key-'));
    try {
      const first = loadCheckpointKey({ configured: undefined, databaseUrl: undefined, dataDir: dir });
      const again = loadCheckpointKey({ configured: undefined, databaseUrl: undefined, dataDir: dir });
      assert.equal(first?.source, 'data-dir');
      assert.equal(publicKeyPemOf(first!.key), publicKeyPemOf(again!.key));
      assert.equal(statSync(join(dir, EMBEDDED_KEY_FILE)).mode & 0o777, 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(loadCheckpointKey({ configured: undefined, databaseUrl: undefined, dataDir: 'memory' })?.source, 'ephemeral');
    assert.equal(loadCheckpointKey({ configured: undefined, databaseUrl: 'postgres://db/x', dataDir: './data' }), undefined);
  });
});
