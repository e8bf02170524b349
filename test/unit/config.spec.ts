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

describe('configuration: the operations port and the graceful stop', () => {
  it('has no operations port unless OPS_PORT is set (0: any free port); no drain, 10 s for work in flight', () => {
    const config = loadConfig({});
    assert.equal(config.opsPort, undefined);
    assert.deepEqual(config.shutdown, { drainMs: 0, timeoutMs: 10_000 });
    assert.equal(loadConfig({ OPS_PORT: '0' }).opsPort, 0);
    assert.equal(loadConfig({ OPS_PORT: '9400' }).opsPort, 9400);
    assert.deepEqual(loadConfig({ SHUTDOWN_DRAIN_MS: '5000', SHUTDOWN_TIMEOUT_MS: '30000' }).shutdown, { drainMs: 5_000, timeoutMs: 30_000 });
  });

  it('stops on a bad value, naming the variable', () => {
    for (const [name, value] of [['OPS_PORT', '65536'], ['OPS_PORT', 'ops'], ['SHUTDOWN_DRAIN_MS', '-1'], ['SHUTDOWN_TIMEOUT_MS', '600001']] as const) {
      assert.throws(() => loadConfig({ [name]: value }), (e: unknown) => e instanceof ConfigError && e.message.includes(name), `${name}=${value}`);
    }
  });
});

describe('configuration: HTTP server timeouts', () => {
  it('defaults to 30 s for a whole request, 10 s for its headers, 5 s for an idle kept-alive connection', () => {
    assert.deepEqual(loadConfig({}).httpTimeouts, { requestMs: 30_000, headersMs: 10_000, keepAliveMs: 5_000 });
  });

  it('reads each variable; the headers wait defaults to no more than the request wait', () => {
    assert.deepEqual(
      loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '60000', HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000' }).httpTimeouts,
      { requestMs: 60_000, headersMs: 20_000, keepAliveMs: 65_000 },
    );
    assert.equal(loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '500' }).httpTimeouts.headersMs, 500);
  });

  it('stops on a bad value or a headers wait longer than the request wait, naming the variable', () => {
    for (const env of [{ HTTP_REQUEST_TIMEOUT_MS: '0' }, { HTTP_REQUEST_TIMEOUT_MS: 'soon' }, { HTTP_KEEP_ALIVE_TIMEOUT_MS: '-1' }, { HTTP_HEADERS_TIMEOUT_MS: '3600001' }]) {
      const name = Object.keys(env)[0]!;
      assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && e.message.includes(name), name);
    }
    assert.throws(
      () => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '2000' }),
      (e: unknown) => e instanceof ConfigError && /HTTP_HEADERS_TIMEOUT_MS/.test(e.message) && /HTTP_REQUEST_TIMEOUT_MS/.test(e.message),
    );
  });
});

describe('configuration: realtime limits', () => {
  it('has defaults', () => {
    assert.deepEqual(loadConfig({}).realtime, {
      maxConnectionsPerAddress: 100, maxSubscriptionsPerSocket: 50, framesPerSecond: 20, frameBurst: 40,
      maxFrameBytes: 4096, maxPayloadBytes: 65_536, maxBackpressureBytes: 1_048_576, idleTimeoutSeconds: 60,
    });
  });

  it('reads each REALTIME_* variable (0 connections per address: no limit)', () => {
    assert.deepEqual(loadConfig({
      REALTIME_MAX_CONNECTIONS_PER_ADDRESS: '0', REALTIME_MAX_SUBSCRIPTIONS_PER_SOCKET: '10', REALTIME_FRAMES_PER_SECOND: '5',
      REALTIME_FRAME_BURST: '8', REALTIME_MAX_FRAME_BYTES: '1024', REALTIME_MAX_PAYLOAD_BYTES: '2048',
      REALTIME_MAX_BACKPRESSURE_BYTES: '65536', REALTIME_IDLE_TIMEOUT_SECONDS: '120',
    }).realtime, {
      maxConnectionsPerAddress: 0, maxSubscriptionsPerSocket: 10, framesPerSecond: 5, frameBurst: 8,
      maxFrameBytes: 1024, maxPayloadBytes: 2048, maxBackpressureBytes: 65_536, idleTimeoutSeconds: 120,
    });
  });

  it('stops on a value out of range or a frame limit above the transport limit, naming the variable', () => {
    for (const [name, value] of [
      ['REALTIME_FRAMES_PER_SECOND', '0'], ['REALTIME_FRAME_BURST', '-1'], ['REALTIME_MAX_SUBSCRIPTIONS_PER_SOCKET', 'many'],
      ['REALTIME_IDLE_TIMEOUT_SECONDS', '4'], ['REALTIME_MAX_BACKPRESSURE_BYTES', '1.5'], ['REALTIME_MAX_CONNECTIONS_PER_ADDRESS', '1e3'],
    ] as const) {
      assert.throws(() => loadConfig({ [name]: value }), (e: unknown) => e instanceof ConfigError && e.message.includes(name), `${name}=${value}`);
    }
    assert.throws(() => loadConfig({ REALTIME_MAX_FRAME_BYTES: '8192', REALTIME_MAX_PAYLOAD_BYTES: '4096' }), /REALTIME_MAX_FRAME_BYTES/);
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

describe('configuration: idempotency', () => {
  it("leaves the claim's lease to the command API unless IDEMPOTENCY_LEASE_MS sets it (300 to 60000)", () => {
    assert.equal(loadConfig({}).idempotencyLeaseMs, undefined);
    assert.equal(loadConfig({ IDEMPOTENCY_LEASE_MS: '5000' }).idempotencyLeaseMs, 5000);
    for (const value of ['299', '60001', '3s']) {
      assert.throws(() => loadConfig({ IDEMPOTENCY_LEASE_MS: value }), (e: unknown) => e instanceof ConfigError && e.message.includes('IDEMPOTENCY_LEASE_MS'), value);
    }
  });
});

describe('configuration: Redis', () => {
  it('none, one server (REDIS_URL) or a cluster from its seeds (REDIS_CLUSTER_NODES)', () => {
    assert.equal(loadConfig({}).redis, undefined);
    assert.deepEqual(loadConfig({ REDIS_URL: 'redis://cache:6379/2' }).redis, { kind: 'standalone', url: 'redis://cache:6379/2' });
    assert.deepEqual(loadConfig({ REDIS_CLUSTER_NODES: ' 10.0.0.1:7000, redis-b:7001 ' }).redis, { kind: 'cluster', nodes: ['10.0.0.1:7000', 'redis-b:7001'] });
    assert.deepEqual(loadConfig({ REDIS_URL: '', REDIS_CLUSTER_NODES: 'a:1' }).redis, { kind: 'cluster', nodes: ['a:1'] }, 'an empty variable is an unset one');
  });

  it('stops on a seed that is not host:port, or on both variables set, naming them', () => {
    for (const value of ['redis://a:1', 'a', 'a:port', ',']) {
      assert.throws(() => loadConfig({ REDIS_CLUSTER_NODES: value }), (e: unknown) => e instanceof ConfigError && e.message.includes('REDIS_CLUSTER_NODES'), value);
    }
    assert.throws(
      () => loadConfig({ REDIS_URL: 'redis://a:1', REDIS_CLUSTER_NODES: 'b:2' }),
      (e: unknown) => e instanceof ConfigError && e.message.includes('REDIS_URL') && e.message.includes('REDIS_CLUSTER_NODES') && e.message.includes('not both'),
    );
  });
});

describe('configuration: the Kafka topic and consumer group prefix', () => {
  it('leaves both to the roles\' defaults unless KAFKA_TOPIC and KAFKA_GROUP_ID_PREFIX are set', () => {
    const config = loadConfig({});
    assert.equal(config.kafkaTopic, undefined);
    assert.equal(config.kafkaGroupIdPrefix, undefined);
    const named = loadConfig({ KAFKA_TOPIC: 'auction-events-staging', KAFKA_GROUP_ID_PREFIX: 'staging.projector.' });
    assert.equal(named.kafkaTopic, 'auction-events-staging');
    assert.equal(named.kafkaGroupIdPrefix, 'staging.projector.');
  });

  it('leaves the consumer session timeout to the client unless KAFKA_SESSION_TIMEOUT_MS is set, within the broker\'s bounds', () => {
    assert.equal(loadConfig({}).kafkaSessionTimeoutMs, undefined);
    assert.equal(loadConfig({ KAFKA_SESSION_TIMEOUT_MS: '6000' }).kafkaSessionTimeoutMs, 6_000);
    for (const value of ['5999', '1800001', 'soon']) {
      assert.throws(() => loadConfig({ KAFKA_SESSION_TIMEOUT_MS: value }), (e: unknown) => e instanceof ConfigError && e.message.includes('KAFKA_SESSION_TIMEOUT_MS'), value);
    }
  });

  it('stops on a name Kafka would refuse, naming the variable', () => {
    for (const [name, value] of [['KAFKA_TOPIC', 'auction events'], ['KAFKA_TOPIC', 'a/b'], ['KAFKA_GROUP_ID_PREFIX', 'x'.repeat(201)]] as const) {
      assert.throws(() => loadConfig({ [name]: value }), (e: unknown) => e instanceof ConfigError && e.message.includes(name), `${name}=${value}`);
    }
  });
});

describe('configuration: RabbitMQ as the bus', () => {
  it('has no RabbitMQ unless RABBITMQ_URL is set; RABBITMQ_STREAM names the stream', () => {
    const none = loadConfig({});
    assert.equal(none.rabbitmqUrl, undefined);
    assert.equal(none.rabbitmqStream, undefined);
    assert.equal(none.rabbitmqIgnored, false);
    const named = loadConfig({ RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672', RABBITMQ_STREAM: 'auction-events-staging' });
    assert.equal(named.rabbitmqUrl, 'amqp://guest:guest@127.0.0.1:5672');
    assert.equal(named.rabbitmqStream, 'auction-events-staging');
    assert.equal(loadConfig({ RABBITMQ_URL: 'amqps://user:secret@rabbit.example:5671/vhost' }).rabbitmqUrl, 'amqps://user:secret@rabbit.example:5671/vhost');
  });

  it('with KAFKA_BROKERS also set, Kafka is the bus and RabbitMQ is not used (the process warns)', () => {
    const both = loadConfig({ KAFKA_BROKERS: '127.0.0.1:19092', RABBITMQ_URL: 'amqp://127.0.0.1:5672' });
    assert.deepEqual(both.kafkaBrokers, ['127.0.0.1:19092']);
    assert.equal(both.rabbitmqUrl, undefined);
    assert.equal(both.rabbitmqIgnored, true);
  });

  it('stops on a URL that is not amqp(s) or a stream name RabbitMQ would refuse, naming the variable', () => {
    for (const [name, value] of [
      ['RABBITMQ_URL', 'http://127.0.0.1:15672'], ['RABBITMQ_URL', 'not a url'], ['RABBITMQ_URL', 'amqp://'],
      ['RABBITMQ_STREAM', 'auction events'], ['RABBITMQ_STREAM', 'amq.events'], ['RABBITMQ_STREAM', 'x'.repeat(201)],
    ] as const) {
      assert.throws(() => loadConfig({ [name]: value }), (e: unknown) => e instanceof ConfigError && e.message.includes(name), `${name}=${value}`);
    }
  });
});

describe('configuration: accounts', () => {
  it('issues 15-minute access tokens and 30-day refresh tokens, and locks sign-in after 5 failures, by default', () => {
    assert.deepEqual(loadConfig({}).accounts, { accessTokenTtlSeconds: 900, refreshTokenTtlDays: 30, signInMaxFailures: 5 });
    assert.deepEqual(loadConfig({ ACCESS_TOKEN_TTL_SECONDS: '300', REFRESH_TOKEN_TTL_DAYS: '7', SIGN_IN_MAX_FAILURES: '10' }).accounts, { accessTokenTtlSeconds: 300, refreshTokenTtlDays: 7, signInMaxFailures: 10 });
  });

  it('stops on a value out of range, naming the variable', () => {
    for (const [name, value] of [['ACCESS_TOKEN_TTL_SECONDS', '10'], ['REFRESH_TOKEN_TTL_DAYS', '0'], ['SIGN_IN_MAX_FAILURES', 'many']] as const) {
      assert.throws(() => loadConfig({ [name]: value }), (e: unknown) => e instanceof ConfigError && e.message.includes(name), `${name}=${value}`);
    }
  });
});

describe('configuration: second-chance offers', () => {
  it('an offer stays open 72 hours by default; SECOND_CHANCE_OFFER_SECONDS sets it from 1 hour to 7 days', () => {
    assert.equal(loadConfig({}).secondChanceOfferSeconds, 259_200);
    assert.equal(loadConfig({ SECOND_CHANCE_OFFER_SECONDS: '3600' }).secondChanceOfferSeconds, 3600);
    assert.equal(loadConfig({ SECOND_CHANCE_OFFER_SECONDS: '604800' }).secondChanceOfferSeconds, 604_800);
    for (const value of ['3599', '604801', 'a day']) {
      assert.throws(() => loadConfig({ SECOND_CHANCE_OFFER_SECONDS: value }), (e: unknown) => e instanceof ConfigError && e.message.includes('SECOND_CHANCE_OFFER_SECONDS'), value);
    }
  });
});
