// compose.yaml, checked without Docker: each role's environment (with the file's defaults) passes
// the real configuration codec, dependencies name services that exist and can satisfy their
// condition, the files it mounts or runs exist, and the gateway is HAProxy with the configuration
// the local topology uses, every variable it reads set to a node of the right role and port.
// (Docker itself cannot run on CI's machine.)
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { EnvironmentCodec, allRoles, loadConfig } from '../../infra/index.js';
import type { ProcessRole } from '../../infra/index.js';
import { haproxyVariables } from '../../scripts/topology/index.js';

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

/** The nodes behind the gateway: two services of each of these roles, `<role>` and `<role>-2`. */
const balancedRoles: readonly ProcessRole[] = ['command-api', 'read-api', 'realtime'];
/** Every service running a role: one per role, and the second node of each balanced role. */
const roleServices = [...allRoles, ...balancedRoles.map((role) => `${role}-2`)];

describe('compose.yaml', () => {
  it('runs each role as its own service of the image built from this repository', () => {
    for (const role of allRoles) {
      const service = services[role];
      assert.ok(service !== undefined, `service ${role}`);
      assert.equal(service.build, '.');
      assert.equal(service.image, 'gavelstream:local');
      assert.equal(service.environment?.ROLES, role);
    }
    for (const role of balancedRoles) assert.deepEqual(services[`${role}-2`], services[role], `${role}-2 is a second ${role} node`);
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
    for (const role of [...roleServices, 'migrate']) {
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
      if (role !== 'migrate') assert.deepEqual(config.roles, [role.replace(/-2$/, '')]);
    }
  });

  it('puts HAProxy in front, with the configuration the local topology uses and every variable it reads set', () => {
    const gateway = services.gateway!;
    assert.match(gateway.image ?? '', /^haproxy:2\.\d+-alpine$/);
    assert.ok(gateway.volumes?.includes('./scripts/haproxy/gavelstream.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro'));
    const cfg = readFileSync(join(root, 'scripts', 'haproxy', 'gavelstream.cfg'), 'utf8');
    const env = Object.fromEntries(Object.entries(gateway.environment ?? {}).map(([k, v]) => [k, String(v)]));
    const { required, optional } = haproxyVariables(cfg);
    assert.deepEqual(required.filter((name) => env[name] === undefined), [], 'variables the configuration reads without a default');
    assert.deepEqual(Object.keys(env).filter((name) => !required.includes(name) && !optional.includes(name)), [], 'variables the configuration does not read');
    // Each server address names a node of the role its backend serves, on that role's port.
    const expected: Readonly<Record<string, readonly [ProcessRole, number]>> = { COMMANDS: ['command-api', 3000], READS: ['read-api', 3000], REALTIME: ['realtime', 3001] };
    for (const [kind, [role, port]] of Object.entries(expected)) {
      const nodes = [1, 2].map((n) => env[`GATEWAY_${kind}_${n}`] ?? '');
      assert.deepEqual(nodes.map((address) => address.split(':')[1]), [String(port), String(port)], `${kind}: ${nodes.join(', ')}`);
      const names = nodes.map((address) => address.split(':')[0]!);
      assert.equal(new Set(names).size, 2, `${kind}: two different nodes`);
      for (const name of names) assert.equal(services[name]?.environment?.ROLES, role, `${kind}: ${name} runs ${role}`);
    }
    assert.equal(env.GATEWAY_BIND, ':3000');
    assert.deepEqual(gateway.ports?.filter((p) => p.endsWith(':3000')).map((p) => p.split(':')[0]), ['3000', '3001'], 'host ports 3000 and 3001 (WebSockets) reach the gateway');
    for (const role of balancedRoles) assert.equal(services[role]?.ports, undefined, `${role} is reached through the gateway only`);
  });

  it('drains a stopping node for longer than the gateway takes to notice (a check every second, two failures)', () => {
    const cfg = readFileSync(join(root, 'scripts', 'haproxy', 'gavelstream.cfg'), 'utf8');
    const server = /^\s*default-server .*\binter (\d+)s\b.*\bfall (\d+)\b/m.exec(cfg);
    assert.ok(server !== null, 'default-server inter Ns fall N');
    const detectionMs = Number(server[1]) * 1000 * Number(server[2]);
    for (const role of balancedRoles) {
      const config = loadConfig(Object.fromEntries(Object.entries(services[role]?.environment ?? {}).map(([k, v]) => [k, String(v)])));
      assert.ok(config.shutdown.drainMs > detectionMs, `${role}: SHUTDOWN_DRAIN_MS ${config.shutdown.drainMs} > ${detectionMs}`);
      assert.equal(config.trustProxy, 1, `${role}: trusts the one proxy in front`);
    }
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
