// The services the topology runs against, as the machine runs them: PostgreSQL (the database is
// created when missing), Redis (checked), Kafka (used when a broker answers, else started with
// scripts/kafka/local-kafka.sh, and stopped with it only if the topology started it).
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { openRedisTarget, redactUrl } from '../../infra/index.js';
import type { RedisTarget } from '../../infra/index.js';

/** Creates the database of `url` when it does not exist (connecting to the server's `postgres` database). */
export const ensureDatabase = async (url: string): Promise<void> => {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error(`DATABASE_URL names the database "${name}": use letters, digits and _`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`PostgreSQL (${redactUrl(url)}) does not answer: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
};

/** Fails with a message naming the URL when Redis does not answer. */
export const checkRedis = async (target: RedisTarget): Promise<void> => {
  const redis = await openRedisTarget(target, 'gavelstream-topology', { startTimeoutMs: 5_000 });
  try {
    await redis.ping();
  } finally {
    redis.disconnect();
  }
};

/** True when something accepts a TCP connection at `host:port`. */
export const answers = (host: string, port: number, timeoutMs = 1_000): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });

/** The first broker of a KAFKA_BROKERS list. */
export const firstBroker = (brokers: string): { host: string; port: number } => {
  const [first = ''] = brokers.split(',');
  const match = /^([^\s:]+):(\d{1,5})$/.exec(first.trim());
  if (match === null) throw new Error(`KAFKA_BROKERS is not host:port[,host:port...]: ${brokers}`);
  return { host: match[1]!, port: Number(match[2]) };
};

/** Runs scripts/kafka/local-kafka.sh `command` for the broker at `host:port`; rejects with its output when it fails. */
export const localKafka = (root: string, command: 'start' | 'stop', broker: { host: string; port: number }): Promise<void> =>
  new Promise((resolve, reject) => {
    const script = join(root, 'scripts', 'kafka', 'local-kafka.sh');
    const child = spawn(script, [command], {
      cwd: root,
      env: { ...process.env, KAFKA_HOST: broker.host, KAFKA_PORT: String(broker.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${script} ${command} failed (exit ${code}):\n${output.trim()}`))));
  });
