// compose.yaml, checked without Docker: each role's environment (with the file's defaults) passes
// the real configuration codec, dependencies name services that exist and can satisfy their
// condition, and the files it mounts or runs exist. (Docker itself cannot run on CI's machine.)
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { EnvironmentCodec, allRoles, loadConfig } from '../../infra/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string; required?: boolean }>;
  healthcheck?: { test: string[] };
  ports?: string[];
  volumes?: string[];
  restart?: string;
  profiles?: string[];
  stop_grace_period?: string;
}

/** `${NAME:-default}` and `${NAME}` in string values, as Compose interpolates them with nothing set in the shell. */
const interpolate = (value: unknown): unknown => {
  if (typeof value === 'string') return value.replace(/\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g, (_m, _name: string, fallback: string | undefined) => fallback ?? '');
  if (Array.isArray(value)) return value.map(interpolate);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v)]));
  return value;
};

const compose = interpolate(parse(readFileSync(join(root, 'compose.yaml'), 'utf8'), { merge: true })) as { services: Record<string, Service> };
const services = compose.services;

describe('compose.yaml', () => {
  it('runs each role as its own service of the image built from this repository', () => {
    for (const role of allRoles) {
      const service = services[role];
      assert.ok(service !== undefined, `service ${role}`);
      assert.equal(service.build, '.');
      assert.equal(service.image, 'gavelstream:local');
      assert.equal(service.environment?.ROLES, role);
    }
    assert.deepEqual(services.migrate?.command, ['node', 'dist/scripts/migrate.js']);
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /npm ci/);
    assert.match(dockerfile, /npm run build/);
    assert.match(dockerfile, /CMD \["node", "dist\/scripts\/start\.js"\]/);
    // The page is served from its source folder (realtime/page/page-routes.ts), which dist/ lacks.
    assert.match(dockerfile, /^COPY --from=build .*\/app\/realtime\/page\/public \.\/realtime\/page\/public$/m);
  });

  it("gives every role an environment the configuration accepts: PostgreSQL, Redis, Kafka, ports 3000 and 3001, the operations port 3002", () => {
    const known = new Set(Object.keys(EnvironmentCodec.props));
    for (const role of [...allRoles, 'migrate']) {
      const env = Object.fromEntries(Object.entries(services[role]?.environment ?? {}).map(([k, v]) => [k, String(v)]));
      const unknown = Object.keys(env).filter((k) => !known.has(k));
      assert.deepEqual(unknown, [], `${role}: variables the configuration does not know`);
      const config = loadConfig(env);
      assert.equal(config.databaseUrl, 'postgres://gavelstream:gavelstream@postgres:5432/gavelstream');
      assert.deepEqual(config.redis, { kind: 'standalone', url: 'redis://redis:6379/0' });
      assert.deepEqual(config.kafkaBrokers, ['kafka:9092']);
      assert.equal(config.eventstoreUrl, undefined, 'EventStoreDB only when EVENTSTORE_URL is set');
      assert.deepEqual([config.port, config.realtimePort, config.opsPort], [3000, 3001, 3002]);
      if (role !== 'migrate') {
        assert.ok(config.shutdown.timeoutMs > 0, 'work in flight is given time to finish');
        const grace = /^(\d+)s$/.exec(services[role]?.stop_grace_period ?? '');
        assert.ok(grace !== null && Number(grace[1]) * 1000 > config.shutdown.drainMs + config.shutdown.timeoutMs, `${role}: Docker waits for the graceful stop before SIGKILL`);
      }
      if (role !== 'migrate') assert.deepEqual(config.roles, [role]);
    }
    assert.ok(services.gateway?.ports?.some((p) => p.endsWith(':3000')));
    assert.ok(services.realtime?.ports?.some((p) => p.endsWith(':3001')));
  });

  it('depends only on services that exist and can meet the condition', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [target, { condition, required }] of Object.entries(service.depends_on ?? {})) {
        const dependency = services[target];
        assert.ok(dependency !== undefined, `${name} depends on unknown ${target}`);
        if (condition === 'service_healthy') assert.ok(dependency.healthcheck !== undefined, `${name} waits for ${target} to be healthy, which has no health check`);
        if (condition === 'service_completed_successfully') assert.equal(dependency.restart, 'no', `${name} waits for ${target} to complete`);
        if (dependency.profiles !== undefined && service.profiles === undefined) assert.equal(required, false, `${name} must not require ${target}, which runs only with a profile`);
      }
    }
    // Every role, background roles included: the health check asks the operations port for readiness.
    for (const role of allRoles) {
      assert.deepEqual(services[role]?.healthcheck?.test, ['CMD', 'node', 'dist/scripts/healthcheck.js']);
    }
    assert.ok(existsSync(join(root, 'dist', 'scripts', 'healthcheck.js')));
  });

  it('runs Kafka as one KRaft node whose consumer groups work', () => {
    const env = services.kafka?.environment ?? {};
    assert.equal(env.KAFKA_PROCESS_ROLES, 'broker,controller');
    assert.equal(String(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR), '1');
    assert.ok(String(env.KAFKA_ADVERTISED_LISTENERS).includes('PLAINTEXT://kafka:9092'));
    assert.ok(services['kafka-init']?.command?.includes('--topic=auction-events'));
    assert.ok(services['kafka-init']?.command?.includes('--config=retention.ms=-1'));
  });

  it('mounts files that exist', () => {
    for (const service of Object.values(services)) {
      for (const volume of service.volumes ?? []) {
        if (volume.startsWith('./')) assert.ok(existsSync(join(root, volume.split(':')[0]!)), volume);
      }
    }
  });
});
