// Which real services a suite may use. A suite that needs one calls `serviceUrl` in its
// `before` hook: the URL when the variable is set; otherwise, one line saying what was skipped
// and why, then the suite is skipped. Under REQUIRE_SERVICES=1 (CI) a missing service fails instead.
// `requireProgram` does the same for a program the suite runs (HAProxy).
import type { Context } from 'mocha';

export type ServiceVariable = 'DATABASE_URL' | 'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'KAFKA_BROKERS' | 'RABBITMQ_URL' | 'EVENTSTORE_URL' | 'CHROMIUM_PATH';

/** Variables that CI must provide; EventStoreDB cannot run on CI's machine, so it may always skip. */
const optionalEvenInCi: ReadonlySet<ServiceVariable> = new Set(['EVENTSTORE_URL']);

const missing = (ctx: Context, suite: string, what: string, optional: boolean): never => {
  if (process.env.REQUIRE_SERVICES === '1' && !optional) throw new Error(`${suite}: ${what}, and REQUIRE_SERVICES=1 forbids skipping`);
  console.log(`  skipped: ${suite} (${what})`);
  ctx.skip();
};

export const serviceUrl = (ctx: Context, variable: ServiceVariable, suite: string): string => {
  const value = process.env[variable];
  if (value !== undefined && value !== '') return value;
  return missing(ctx, suite, `${variable} is not set`, optionalEvenInCi.has(variable));
};

/** The path of a program the suite runs, when it was found; else the suite is skipped (fails under REQUIRE_SERVICES=1) with `what` is missing. */
export const requireProgram = (ctx: Context, found: string | undefined, suite: string, what: string): string =>
  found ?? missing(ctx, suite, `${what} is not installed`, false);

/**
 * The environment of a child process a suite runs (a CLI, a role): the runner's, with `overrides`
 * on top (an undefined value removes a variable). REDIS_CLUSTER_NODES is dropped unless given: CI
 * sets it beside REDIS_URL for the cluster variants, and a process refuses both. RABBITMQ_URL is
 * dropped unless given too: CI sets it for the RabbitMQ variants, and a child without KAFKA_BROKERS
 * would otherwise take RabbitMQ as its bus.
 */
export const childEnv = (overrides: Readonly<Record<string, string | undefined>> = {}): Record<string, string> => {
  const env: Record<string, string | undefined> = { ...process.env, REDIS_CLUSTER_NODES: undefined, RABBITMQ_URL: undefined, ...overrides };
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
};
