// Which real services a suite may use. A suite that needs one calls `serviceUrl` in its
// `before` hook: the URL when the variable is set; otherwise, one line saying what was skipped
// and why, then the suite is skipped. Under REQUIRE_SERVICES=1 (CI) a missing service fails instead.
import type { Context } from 'mocha';

export type ServiceVariable = 'DATABASE_URL' | 'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'KAFKA_BROKERS' | 'EVENTSTORE_URL' | 'CHROMIUM_PATH';

/** Variables that CI must provide; EventStoreDB cannot run on CI's machine, so it may always skip. */
const optionalEvenInCi: ReadonlySet<ServiceVariable> = new Set(['EVENTSTORE_URL']);

export const serviceUrl = (ctx: Context, variable: ServiceVariable, suite: string): string => {
  const value = process.env[variable];
  if (value !== undefined && value !== '') return value;
  if (process.env.REQUIRE_SERVICES === '1' && !optionalEvenInCi.has(variable)) {
    throw new Error(`${suite}: ${variable} is not set, and REQUIRE_SERVICES=1 forbids skipping`);
  }
  console.log(`  skipped: ${suite} (${variable} is not set)`);
  ctx.skip();
};
