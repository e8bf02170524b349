// The three systems a feature is tested end to end on: embedded; PostgreSQL and Redis (when
// DATABASE_URL and REDIS_URL are set); and those with Kafka carrying the log to the projectors (when
// KAFKA_BROKERS is set too), on a topic and consumer groups of the suite's own, deleted after it;
// and, for the suites that ask (`{ rabbitmq: true }`: each variant costs CI minutes), those with
// RabbitMQ carrying the log instead (RABBITMQ_URL), on a stream of the suite's own, deleted after it.
import type { SystemOptions } from '../../scripts/compose/system.js';
import { rabbitBus } from './bus.js';
import { deleteTopics, testKafka, uniqueName } from './kafka.js';
import { serviceUrl } from './services.js';
import type { Backend } from './system.js';
import { embeddedAndServices } from './system.js';

/** What a suite adds to its startTestSystem options: nothing, or the Kafka variant's topic and brokers. */
export type VariantOptions = Pick<SystemOptions, 'kafka'> & { env?: Record<string, string> };

/**
 * Runs `suite` on every system; it starts its system with `startTestSystem(backend(), { ...variant(), ... })`
 * (merging `variant().env` into its own env, if it sets one). `onServices` is false on the embedded
 * system: a test that needs PostgreSQL is registered only where it runs, so nothing skips.
 */
export const onEverySystem = (
  title: string,
  suite: (backend: () => Backend, variant: () => VariantOptions, onServices: boolean) => void,
  options: { readonly rabbitmq?: boolean } = {},
): void => {
  embeddedAndServices(title, (backend, onServices) => suite(backend, () => ({}), onServices));
  describe(`${title}: PostgreSQL, Redis and Kafka`, function () {
    this.timeout(90_000);
    const topic = uniqueName('topic');
    let backend: Backend;
    let brokers: string | undefined;
    before(function () {
      const what = `${title} through Kafka`;
      backend = { name: 'services', databaseUrl: serviceUrl(this, 'DATABASE_URL', what), redisUrl: serviceUrl(this, 'REDIS_URL', what) };
      brokers = serviceUrl(this, 'KAFKA_BROKERS', what);
    });
    after(async () => {
      if (brokers !== undefined) await deleteTopics(testKafka(brokers), [topic]).catch(() => undefined);
    });
    suite(() => backend, () => ({ env: { KAFKA_BROKERS: brokers! }, kafka: { topic, groupIdPrefix: `${uniqueName('group')}.` } }), true);
  });
  if (options.rabbitmq !== true) return;
  describe(`${title}: PostgreSQL, Redis and RabbitMQ`, function () {
    this.timeout(90_000);
    const bus = rabbitBus();
    let backend: Backend;
    let env: Record<string, string> = {};
    before(function () {
      const what = `${title} through RabbitMQ`;
      backend = { name: 'services', databaseUrl: serviceUrl(this, 'DATABASE_URL', what), redisUrl: serviceUrl(this, 'REDIS_URL', what) };
      bus.connect(this, what);
      env = bus.env(bus.fresh('stream')); // RABBITMQ_URL and RABBITMQ_STREAM: every process of the suite reads the same stream
    });
    after(() => bus.cleanup());
    suite(() => backend, () => ({ env }), true);
  });
};
