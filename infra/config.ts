// The process configuration: one io-ts codec over the environment (DESIGN.md section 4).
// Invalid configuration stops the process at start with a message naming the variable.
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { parseEd25519PrivateKey } from './checkpoint-key.js';
import type { RedisTarget } from './redis-target.js';

/** The accounts' settings (ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_DAYS, SIGN_IN_MAX_FAILURES). */
export interface AccountSettings {
  /** Lifetime of the access tokens the accounts issue. */
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlDays: number;
  /** Failed sign-ins of one account per 15 minutes before it is locked (one address: 4 times as many). */
  readonly signInMaxFailures: number;
}

const roles = ['command-api', 'publisher', 'projector', 'analytics', 'read-api', 'realtime', 'scheduler'] as const;
export type ProcessRole = (typeof roles)[number];
export const allRoles: readonly ProcessRole[] = roles;

const urlWith = (protocols: readonly string[], name: string) =>
  new t.Type<string, string, unknown>(
    name,
    t.string.is,
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c, 'expected a URL');
      try {
        const url = new URL(u);
        return protocols.includes(url.protocol) ? t.success(u) : t.failure(u, c, `expected a ${protocols.join(' or ')} URL`);
      } catch {
        return t.failure(u, c, 'not a valid URL');
      }
    },
    t.identity,
  );

/** A comma-separated list of `host:port` (Kafka brokers, Redis Cluster seeds). */
const HostPorts = (name: string) => new t.Type<readonly string[], string, unknown>(
  name,
  (u): u is readonly string[] => Array.isArray(u) && u.every((b) => typeof b === 'string'),
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'expected host:port[,host:port...]');
    const list = u.split(',').map((s) => s.trim()).filter((s) => s !== '');
    return list.length > 0 && list.every((b) => /^[^\s:]+:\d{1,5}$/.test(b))
      ? t.success(list)
      : t.failure(u, c, 'expected host:port[,host:port...]');
  },
  (a) => a.join(','),
);

const Roles = new t.Type<readonly ProcessRole[], string, unknown>(
  'Roles',
  (u): u is readonly ProcessRole[] => Array.isArray(u),
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, `expected a comma-separated list of ${roles.join(', ')} (or "all")`);
    if (u.trim() === 'all') return t.success(allRoles);
    const list = u.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const unknown = list.filter((r) => !(roles as readonly string[]).includes(r));
    return list.length > 0 && unknown.length === 0
      ? t.success(list as ProcessRole[])
      : t.failure(u, c, `unknown role(s) ${unknown.join(', ') || '(none given)'}; expected ${roles.join(', ')} or "all"`);
  },
  (a) => a.join(','),
);

const IntFromString = (name: string, min: number, max: number) =>
  new t.Type<number, string, unknown>(
    name,
    (u): u is number => typeof u === 'number',
    (u, c) => {
      const n = typeof u === 'string' && /^\d+$/.test(u) ? Number(u) : NaN;
      return Number.isSafeInteger(n) && n >= min && n <= max ? t.success(n) : t.failure(u, c, `expected an integer from ${min} to ${max}`);
    },
    String,
  );

/** A Kafka topic name or consumer group id prefix: Kafka's legal characters, at most 200 of them. */
const KafkaName = (name: string) =>
  new t.Type<string, string, unknown>(
    name,
    t.string.is,
    (u, c) => (typeof u === 'string' && /^[A-Za-z0-9._-]{1,200}$/.test(u) ? t.success(u) : t.failure(u, c, 'expected 1 to 200 of A-Z a-z 0-9 . _ -')),
    t.identity,
  );

/**
 * A RabbitMQ stream (queue) name: the characters of a Kafka name, at most 200 of them (RabbitMQ
 * allows 255 bytes), and not `amq.*` (reserved by the broker).
 */
const StreamName = (name: string) =>
  new t.Type<string, string, unknown>(
    name,
    t.string.is,
    (u, c) => {
      if (typeof u !== 'string' || !/^[A-Za-z0-9._-]{1,200}$/.test(u)) return t.failure(u, c, 'expected 1 to 200 of A-Z a-z 0-9 . _ -');
      return u.startsWith('amq.') ? t.failure(u, c, 'names beginning with amq. are reserved by RabbitMQ') : t.success(u);
    },
    t.identity,
  );

/** An AMQP URL (RABBITMQ_URL): amqp or amqps, with a host. */
const AmqpUrl = new t.Type<string, string, unknown>(
  'RABBITMQ_URL',
  t.string.is,
  (u, c) => {
    const url = urlWith(['amqp:', 'amqps:'], 'RABBITMQ_URL').validate(u, c);
    if (url._tag === 'Left') return url;
    return new URL(url.right).hostname === '' ? t.failure(u, c, 'expected a host, as in amqp://user:password@host:5672') : url;
  },
  t.identity,
);

/** Express's 'trust proxy': a hop count, true/false, or a comma-separated list of names and IP ranges. */
export type TrustProxy = boolean | number | string;
const trustNames = /^(?:loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(?:\/\d{1,3})?)$/;
const TrustProxyCodec = new t.Type<TrustProxy, string, unknown>(
  'TrustProxy',
  (u): u is TrustProxy => typeof u === 'boolean' || typeof u === 'number' || typeof u === 'string',
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'expected a hop count, true, false, or a list of loopback, linklocal, uniquelocal, IPs or CIDRs');
    if (u === 'true' || u === 'false') return t.success(u === 'true');
    if (/^\d{1,2}$/.test(u)) return t.success(Number(u));
    const list = u.split(',').map((s) => s.trim());
    return list.length > 0 && list.every((s) => trustNames.test(s))
      ? t.success(list.join(','))
      : t.failure(u, c, 'expected a hop count, true, false, or a list of loopback, linklocal, uniquelocal, IPs or CIDRs');
  },
  String,
);

/** An Ed25519 private key (PKCS#8 PEM or base64 DER), kept as given once it parses. */
const SigningKey = new t.Type<string, string, unknown>(
  'CheckpointSigningKey',
  t.string.is,
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'expected an Ed25519 private key');
    try {
      parseEd25519PrivateKey(u);
      return t.success(u);
    } catch (error) {
      return t.failure(u, c, error instanceof Error ? error.message : String(error));
    }
  },
  t.identity,
);

/**
 * A value compared exactly with a token's claim (an issuer, an audience, a claim's name): not blank,
 * no control characters, no space at either end (a stray space in an environment file would make
 * every token fail), at most `max` characters.
 */
const ExactText = (name: string, max: number) =>
  new t.Type<string, string, unknown>(
    name,
    t.string.is,
    (u, c) => {
      if (typeof u !== 'string' || u.trim() === '') return t.failure(u, c, 'expected a non-blank text');
      if ([...u].length > max) return t.failure(u, c, `expected at most ${max} characters`);
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f\u007f-\u009f]/.test(u)) return t.failure(u, c, 'must not contain control characters');
      if (u.trim() !== u) return t.failure(u, c, 'must not begin or end with white space');
      return t.success(u);
    },
    t.identity,
  );

/** The JWKS URL: http(s), without credentials (fetch refuses them). */
const JwksUrl = new t.Type<string, string, unknown>(
  'AUTH_JWKS_URL',
  t.string.is,
  (u, c) => {
    const url = urlWith(['http:', 'https:'], 'AUTH_JWKS_URL').validate(u, c);
    if (url._tag === 'Left') return url;
    const parsed = new URL(url.right);
    return parsed.username !== '' || parsed.password !== '' ? t.failure(u, c, 'must not contain a user name or password') : url;
  },
  t.identity,
);

/** A comma-separated list of audiences (each an ExactText). */
const Audiences = new t.Type<readonly string[], string, unknown>(
  'AUTH_AUDIENCE',
  (u): u is readonly string[] => Array.isArray(u) && u.every((a) => typeof a === 'string'),
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'expected one or more audiences, comma-separated');
    const list = u.split(',').map((s) => s.trim());
    if (list.some((a) => a === '')) return t.failure(u, c, 'expected one or more audiences, comma-separated, none empty');
    for (const a of list) {
      const one = ExactText('AUTH_AUDIENCE', 1024).validate(a, c);
      if (one._tag === 'Left') return one;
    }
    return t.success([...new Set(list)]);
  },
  (a) => a.join(','),
);

/** The environment as read: every variable optional, each with its own codec. */
export const EnvironmentCodec = t.partial({
  PORT: IntFromString('PORT', 0, 65535),
  REALTIME_PORT: IntFromString('REALTIME_PORT', 0, 65535),
  OPS_PORT: IntFromString('OPS_PORT', 0, 65535),
  SHUTDOWN_DRAIN_MS: IntFromString('SHUTDOWN_DRAIN_MS', 0, 600_000),
  SHUTDOWN_TIMEOUT_MS: IntFromString('SHUTDOWN_TIMEOUT_MS', 0, 600_000),
  DATABASE_URL: urlWith(['postgres:', 'postgresql:'], 'DATABASE_URL'),
  DATA_DIR: t.string,
  EVENTSTORE_URL: urlWith(['esdb:', 'esdb+discover:', 'kurrentdb:', 'kurrentdb+discover:'], 'EVENTSTORE_URL'),
  REDIS_URL: urlWith(['redis:', 'rediss:'], 'REDIS_URL'),
  REDIS_CLUSTER_NODES: HostPorts('REDIS_CLUSTER_NODES'),
  KAFKA_BROKERS: HostPorts('KAFKA_BROKERS'),
  KAFKA_TOPIC: KafkaName('KAFKA_TOPIC'),
  KAFKA_GROUP_ID_PREFIX: KafkaName('KAFKA_GROUP_ID_PREFIX'),
  // The broker's own bounds by default (group.min/max.session.timeout.ms): 6 s to 30 min.
  KAFKA_SESSION_TIMEOUT_MS: IntFromString('KAFKA_SESSION_TIMEOUT_MS', 6_000, 1_800_000),
  RABBITMQ_URL: AmqpUrl,
  RABBITMQ_STREAM: StreamName('RABBITMQ_STREAM'),
  AUTH_JWT_SECRET: t.string,
  AUTH_JWKS_URL: JwksUrl,
  AUTH_ISSUER: ExactText('AUTH_ISSUER', 1024),
  AUTH_AUDIENCE: Audiences,
  AUTH_ROLES_CLAIM: ExactText('AUTH_ROLES_CLAIM', 255),
  ROLES: Roles,
  PSEUDONYM_SECRET: t.string,
  RATE_LIMIT_PER_MINUTE: IntFromString('RATE_LIMIT_PER_MINUTE', 1, 10_000_000),
  IDEMPOTENCY_LEASE_MS: IntFromString('IDEMPOTENCY_LEASE_MS', 300, 60_000),
  NOTIFY_ENDING_SOON_SECONDS: IntFromString('NOTIFY_ENDING_SOON_SECONDS', 0, 7 * 86_400),
  // The domain's bounds of an offer's life (domain/second-chance.ts): 1 hour to 7 days.
  SECOND_CHANCE_OFFER_SECONDS: IntFromString('SECOND_CHANCE_OFFER_SECONDS', 3_600, 7 * 86_400),
  ACCESS_TOKEN_TTL_SECONDS: IntFromString('ACCESS_TOKEN_TTL_SECONDS', 60, 86_400),
  REFRESH_TOKEN_TTL_DAYS: IntFromString('REFRESH_TOKEN_TTL_DAYS', 1, 365),
  SIGN_IN_MAX_FAILURES: IntFromString('SIGN_IN_MAX_FAILURES', 1, 1_000),
  TRUST_PROXY: TrustProxyCodec,
  CHECKPOINT_SIGNING_KEY: SigningKey,
  CHECKPOINT_INTERVAL_SECONDS: IntFromString('CHECKPOINT_INTERVAL_SECONDS', 0, 86_400),
  LOG_LEVEL: t.keyof({ fatal: null, error: null, warn: null, info: null, debug: null, trace: null, silent: null }),
  HTTP_REQUEST_TIMEOUT_MS: IntFromString('HTTP_REQUEST_TIMEOUT_MS', 1, 3_600_000),
  HTTP_HEADERS_TIMEOUT_MS: IntFromString('HTTP_HEADERS_TIMEOUT_MS', 1, 3_600_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: IntFromString('HTTP_KEEP_ALIVE_TIMEOUT_MS', 1, 3_600_000),
  REALTIME_MAX_CONNECTIONS_PER_ADDRESS: IntFromString('REALTIME_MAX_CONNECTIONS_PER_ADDRESS', 0, 1_000_000),
  REALTIME_MAX_SUBSCRIPTIONS_PER_SOCKET: IntFromString('REALTIME_MAX_SUBSCRIPTIONS_PER_SOCKET', 1, 100_000),
  REALTIME_FRAMES_PER_SECOND: IntFromString('REALTIME_FRAMES_PER_SECOND', 1, 1_000_000),
  REALTIME_FRAME_BURST: IntFromString('REALTIME_FRAME_BURST', 1, 1_000_000),
  REALTIME_MAX_FRAME_BYTES: IntFromString('REALTIME_MAX_FRAME_BYTES', 256, 16 * 1024 * 1024),
  REALTIME_MAX_PAYLOAD_BYTES: IntFromString('REALTIME_MAX_PAYLOAD_BYTES', 256, 16 * 1024 * 1024),
  REALTIME_MAX_BACKPRESSURE_BYTES: IntFromString('REALTIME_MAX_BACKPRESSURE_BYTES', 1024, 1024 * 1024 * 1024),
  REALTIME_IDLE_TIMEOUT_SECONDS: IntFromString('REALTIME_IDLE_TIMEOUT_SECONDS', 8, 960),
});

/** How long the HTTP server waits for a client (slow clients are cut off with 408). */
export interface HttpServerTimeouts {
  /** The whole request, headers and body, must arrive within this (HTTP_REQUEST_TIMEOUT_MS). */
  readonly requestMs: number;
  /** The request's headers must arrive within this; at most `requestMs` (HTTP_HEADERS_TIMEOUT_MS). */
  readonly headersMs: number;
  /** An idle kept-alive connection is closed after this (HTTP_KEEP_ALIVE_TIMEOUT_MS). */
  readonly keepAliveMs: number;
}

/** What one WebSocket client may cost a realtime node (the REALTIME_* variables). */
export interface RealtimeClientLimits {
  /** Open sockets per remote address (the address the node sees; behind a proxy, the proxy's); 0: no limit. */
  readonly maxConnectionsPerAddress: number;
  /** Auctions one socket may follow at once. */
  readonly maxSubscriptionsPerSocket: number;
  /** Client frames per second per socket, on average (a token bucket)... */
  readonly framesPerSecond: number;
  /** ...and at most this many at once. */
  readonly frameBurst: number;
  /** Client frames above this get an error frame (FRAME_TOO_LARGE); the socket stays open. */
  readonly maxFrameBytes: number;
  /** Client frames above this close the socket (uWS maxPayloadLength). */
  readonly maxPayloadBytes: number;
  /** Bytes a socket may have waiting to be sent; past it the socket is dropped (a slow consumer). */
  readonly maxBackpressureBytes: number;
  /** Seconds without traffic before a socket is closed; uWS pings before that. */
  readonly idleTimeoutSeconds: number;
}

/** How a process stops on SIGTERM (README, Operations). */
export interface ShutdownTimings {
  /** Between readiness turning false and the intake stopping, so that a balancer notices (SHUTDOWN_DRAIN_MS). */
  readonly drainMs: number;
  /** The longest wait for in-flight requests and commands before they are cut off (SHUTDOWN_TIMEOUT_MS). */
  readonly timeoutMs: number;
}

export const defaultRealtimeClientLimits: RealtimeClientLimits = {
  maxConnectionsPerAddress: 100,
  maxSubscriptionsPerSocket: 50,
  framesPerSecond: 20,
  frameBurst: 40,
  maxFrameBytes: 4 * 1024,
  maxPayloadBytes: 64 * 1024,
  maxBackpressureBytes: 1024 * 1024,
  idleTimeoutSeconds: 60,
};

/**
 * An external identity provider whose RS256/ES256 tokens are accepted beside the HS256 ones
 * (AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE, AUTH_ROLES_CLAIM; README, "Signing in with your
 * identity provider").
 */
export interface IdentityProviderConfig {
  /** Where the provider publishes its public keys (a JSON Web Key Set), http(s). */
  readonly jwksUrl: string;
  /** The `iss` a token must carry, exactly. */
  readonly issuer: string;
  /** A token's `aud` must name at least one of these, exactly. */
  readonly audience: readonly string[];
  /** The top-level claim that holds the user's roles (default `roles`). */
  readonly rolesClaim: string;
}

export interface Config {
  readonly port: number;
  readonly realtimePort: number;
  /** The operations port (GET /health, /ready, /metrics of the whole process); undefined: none; 0: any free port. */
  readonly opsPort: number | undefined;
  readonly databaseUrl: string | undefined;
  /** PGlite data folder, or 'memory' for an in-memory database. */
  readonly dataDir: string;
  readonly eventstoreUrl: string | undefined;
  /** One Redis server (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES); undefined: no Redis (embedded). */
  readonly redis: RedisTarget | undefined;
  readonly kafkaBrokers: readonly string[] | undefined;
  /** The events topic (KAFKA_TOPIC); undefined: 'auction-events'. */
  readonly kafkaTopic: string | undefined;
  /** The projectors' consumer group id prefix (KAFKA_GROUP_ID_PREFIX); undefined: 'gavelstream.projector.'. */
  readonly kafkaGroupIdPrefix: string | undefined;
  /**
   * The projectors' consumer session timeout (KAFKA_SESSION_TIMEOUT_MS): how long the group waits
   * for a member that stopped heartbeating (a killed process) before handing its partitions on;
   * undefined: the client's default, 30 s.
   */
  readonly kafkaSessionTimeoutMs: number | undefined;
  /**
   * RabbitMQ as the bus (RABBITMQ_URL), when KAFKA_BROKERS is absent; undefined otherwise (with both
   * set, Kafka is the bus and `rabbitmqIgnored` is true: the process warns at start).
   */
  readonly rabbitmqUrl: string | undefined;
  /** The event stream (RABBITMQ_STREAM); undefined: 'auction-events'. */
  readonly rabbitmqStream: string | undefined;
  /** RABBITMQ_URL was set beside KAFKA_BROKERS, and is not used. */
  readonly rabbitmqIgnored: boolean;
  readonly jwtSecret: string;
  /** True when AUTH_JWT_SECRET was absent and the development secret is in use. */
  readonly jwtSecretIsDevelopment: boolean;
  /** Tokens of an external identity provider, also accepted (AUTH_JWKS_URL); undefined: HS256 tokens only. */
  readonly identityProvider: IdentityProviderConfig | undefined;
  readonly pseudonymSecret: string;
  readonly roles: readonly ProcessRole[];
  readonly logLevel: string;
  /** HTTP requests per minute per user (per IP when anonymous). */
  readonly rateLimitPerMinute: number;
  /** An Idempotency-Key claim's lease (IDEMPOTENCY_LEASE_MS); undefined: the command API's default. */
  readonly idempotencyLeaseMs: number | undefined;
  /** How long before an auction's end its bidders and watchers hear it ends soon (NOTIFY_ENDING_SOON_SECONDS; 0: never). */
  readonly endingSoonLeadMs: number;
  /** How long a second-chance offer stays open when the seller names no time (SECOND_CHANCE_OFFER_SECONDS; default 72 h). */
  readonly secondChanceOfferSeconds: number;
  /** The accounts' tokens and sign-in lockout (README, "Accounts"). */
  readonly accounts: AccountSettings;
  /** Which proxies' X-Forwarded-For decides the client address (rate limits per IP); default loopback. */
  readonly trustProxy: TrustProxy;
  readonly httpTimeouts: HttpServerTimeouts;
  /** The realtime node's limits per client (REALTIME_*). */
  readonly realtime: RealtimeClientLimits;
  /** Ed25519 key signing the log's checkpoints (CHECKPOINT_SIGNING_KEY); see checkpoint-key.ts when absent. */
  readonly checkpointSigningKey: string | undefined;
  /** Seconds between periodic checkpoints (the scheduler role); 0: on demand only. */
  readonly checkpointIntervalSeconds: number;
  readonly shutdown: ShutdownTimings;
}

export const DEVELOPMENT_JWT_SECRET = 'gavelstream-development-secret-do-not-use-in-production';
const MIN_SECRET_LENGTH = 32;

export class ConfigError extends Error {}

/** Variables whose value must never appear in a message. */
const secretVariables: ReadonlySet<string> = new Set(['CHECKPOINT_SIGNING_KEY']);

const describe = (errors: t.Errors): string =>
  errors
    .map((e) => {
      const variable = e.context[1]?.key ?? e.context[0]?.key ?? '?';
      const shown = secretVariables.has(variable) ? '(secret, not shown)' : JSON.stringify(e.value);
      return `${variable}=${shown}: ${e.message ?? 'invalid'}`;
    })
    .join('; ');

/**
 * The identity provider, when AUTH_JWKS_URL is set. Issuer and audience are then both required:
 * without the issuer, a key set shared by several tenants would let in every tenant's users;
 * without the audience, a token the provider issued to any other application would be accepted
 * here. AUTH_ISSUER, AUTH_AUDIENCE or AUTH_ROLES_CLAIM without AUTH_JWKS_URL is a mistake (the
 * operator believes provider tokens are accepted), so it stops the process too.
 */
const identityProviderOf = (e: t.TypeOf<typeof EnvironmentCodec>): IdentityProviderConfig | undefined => {
  if (e.AUTH_JWKS_URL === undefined) {
    const orphans = (['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_ROLES_CLAIM'] as const).filter((name) => e[name] !== undefined);
    if (orphans.length > 0) throw new ConfigError(`invalid configuration: ${orphans.join(', ')} ${orphans.length === 1 ? 'is' : 'are'} set but AUTH_JWKS_URL is not; set AUTH_JWKS_URL to accept an identity provider's tokens`);
    return undefined;
  }
  const { AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience } = e;
  if (issuer === undefined || audience === undefined) {
    const missing = [issuer === undefined ? 'AUTH_ISSUER' : '', audience === undefined ? 'AUTH_AUDIENCE' : ''].filter((name) => name !== '');
    throw new ConfigError(`invalid configuration: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} required with AUTH_JWKS_URL (the provider's tokens are checked against both)`);
  }
  return { jwksUrl: e.AUTH_JWKS_URL, issuer, audience, rolesClaim: e.AUTH_ROLES_CLAIM ?? 'roles' };
};

/** Reads the configuration, throwing a ConfigError that names every bad variable. */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const decoded = EnvironmentCodec.decode(present);
  if (isLeft(decoded)) throw new ConfigError(`invalid configuration: ${describe(decoded.left)}`);
  const e = decoded.right;
  for (const name of ['AUTH_JWT_SECRET', 'PSEUDONYM_SECRET'] as const) {
    const value = e[name];
    if (value !== undefined && value.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(`invalid configuration: ${name} must be at least ${MIN_SECRET_LENGTH} characters`);
    }
  }
  const d = defaultRealtimeClientLimits;
  const realtime: RealtimeClientLimits = {
    maxConnectionsPerAddress: e.REALTIME_MAX_CONNECTIONS_PER_ADDRESS ?? d.maxConnectionsPerAddress,
    maxSubscriptionsPerSocket: e.REALTIME_MAX_SUBSCRIPTIONS_PER_SOCKET ?? d.maxSubscriptionsPerSocket,
    framesPerSecond: e.REALTIME_FRAMES_PER_SECOND ?? d.framesPerSecond,
    frameBurst: e.REALTIME_FRAME_BURST ?? d.frameBurst,
    maxFrameBytes: e.REALTIME_MAX_FRAME_BYTES ?? d.maxFrameBytes,
    maxPayloadBytes: e.REALTIME_MAX_PAYLOAD_BYTES ?? d.maxPayloadBytes,
    maxBackpressureBytes: e.REALTIME_MAX_BACKPRESSURE_BYTES ?? d.maxBackpressureBytes,
    idleTimeoutSeconds: e.REALTIME_IDLE_TIMEOUT_SECONDS ?? d.idleTimeoutSeconds,
  };
  if (realtime.maxFrameBytes > realtime.maxPayloadBytes) {
    throw new ConfigError(`invalid configuration: REALTIME_MAX_FRAME_BYTES (${realtime.maxFrameBytes}) must not exceed REALTIME_MAX_PAYLOAD_BYTES (${realtime.maxPayloadBytes})`);
  }
  if (e.REDIS_URL !== undefined && e.REDIS_CLUSTER_NODES !== undefined) {
    throw new ConfigError('invalid configuration: set REDIS_URL (one Redis server) or REDIS_CLUSTER_NODES (a Redis Cluster), not both');
  }
  const redis: RedisTarget | undefined =
    e.REDIS_CLUSTER_NODES !== undefined ? { kind: 'cluster', nodes: e.REDIS_CLUSTER_NODES }
    : e.REDIS_URL !== undefined ? { kind: 'standalone', url: e.REDIS_URL }
    : undefined;
  const jwtSecret = e.AUTH_JWT_SECRET ?? DEVELOPMENT_JWT_SECRET;
  const identityProvider = identityProviderOf(e);
  const requestMs = e.HTTP_REQUEST_TIMEOUT_MS ?? 30_000;
  const headersMs = e.HTTP_HEADERS_TIMEOUT_MS ?? Math.min(10_000, requestMs);
  if (headersMs > requestMs) {
    throw new ConfigError(`invalid configuration: HTTP_HEADERS_TIMEOUT_MS (${headersMs}) must not exceed HTTP_REQUEST_TIMEOUT_MS (${requestMs})`);
  }
  return {
    port: e.PORT ?? 3000,
    realtimePort: e.REALTIME_PORT ?? 3001,
    opsPort: e.OPS_PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR ?? './data',
    eventstoreUrl: e.EVENTSTORE_URL,
    redis,
    kafkaBrokers: e.KAFKA_BROKERS,
    kafkaTopic: e.KAFKA_TOPIC,
    kafkaGroupIdPrefix: e.KAFKA_GROUP_ID_PREFIX,
    kafkaSessionTimeoutMs: e.KAFKA_SESSION_TIMEOUT_MS,
    rabbitmqUrl: e.KAFKA_BROKERS === undefined ? e.RABBITMQ_URL : undefined,
    rabbitmqStream: e.RABBITMQ_STREAM,
    rabbitmqIgnored: e.KAFKA_BROKERS !== undefined && e.RABBITMQ_URL !== undefined,
    jwtSecret,
    jwtSecretIsDevelopment: e.AUTH_JWT_SECRET === undefined,
    identityProvider,
    pseudonymSecret: e.PSEUDONYM_SECRET ?? `pseudonym:${jwtSecret}`,
    roles: e.ROLES ?? allRoles,
    logLevel: e.LOG_LEVEL ?? 'info',
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE ?? 600,
    idempotencyLeaseMs: e.IDEMPOTENCY_LEASE_MS,
    endingSoonLeadMs: (e.NOTIFY_ENDING_SOON_SECONDS ?? 600) * 1000,
    secondChanceOfferSeconds: e.SECOND_CHANCE_OFFER_SECONDS ?? 72 * 3_600,
    accounts: {
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS ?? 900,
      refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS ?? 30,
      signInMaxFailures: e.SIGN_IN_MAX_FAILURES ?? 5,
    },
    trustProxy: e.TRUST_PROXY ?? 'loopback',
    httpTimeouts: { requestMs, headersMs, keepAliveMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS ?? 5_000 },
    realtime,
    checkpointSigningKey: e.CHECKPOINT_SIGNING_KEY,
    checkpointIntervalSeconds: e.CHECKPOINT_INTERVAL_SECONDS ?? 60,
    shutdown: { drainMs: e.SHUTDOWN_DRAIN_MS ?? 0, timeoutMs: e.SHUTDOWN_TIMEOUT_MS ?? 10_000 },
  };
};
