// The bus contracts (test/contract/bus-*.contract.ts) on RabbitMQ (RABBITMQ_URL), on streams of
// their own; plus what only RabbitMQ does: the stream queue's declaration, the message properties,
// and reconnecting when the broker closes the publisher's and the consumer's connections (as a
// RabbitMQ restart does), which needs `rabbitmqctl` on this machine.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import amqp from 'amqplib';
import { startPublisher, embeddedLeases, openEventLog, rabbitSink } from '../../../commands/index.js';
import { KAFKA_HEADERS } from '../../../contracts/index.js';
import { createLogger } from '../../../infra/index.js';
import { rabbitEventSource } from '../../../projections/index.js';
import { busPipelineContract } from '../../contract/bus-pipeline.contract.js';
import { busSourceContract } from '../../contract/bus-source.contract.js';
import { publisherTakeoverContract } from '../../contract/publisher-takeover.contract.js';
import { rabbitBus } from '../../support/bus.js';
import { appendRounds, uniqueName, waitUntilCarried } from '../../support/kafka.js';
import { MemoryProjector } from '../../support/memory-projector.js';
import { requireProgram } from '../../support/services.js';
import { eventually } from '../../support/system.js';

busSourceContract(rabbitBus());
busPipelineContract(rabbitBus());
publisherTakeoverContract(rabbitBus());

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

/** `rabbitmqctl` when it runs here (it needs the broker's Erlang cookie: the same machine, as root or the rabbitmq user). */
const findRabbitmqctl = (): string | undefined => {
  try {
    execFileSync('rabbitmqctl', ['-q', 'list_connections', 'name'], { stdio: 'ignore', timeout: 20_000 });
    return 'rabbitmqctl';
  } catch {
    return undefined;
  }
};

/** Closes the broker's connections whose client named itself `name` (as a broker restart would, for those only). */
const closeConnectionsNamed = (rabbitmqctl: string, name: string): number => {
  const lines = execFileSync(rabbitmqctl, ['-q', 'list_connections', 'pid', 'client_properties'], { encoding: 'utf8' }).split('\n');
  const pids = lines.filter((line) => line.includes(`"${name}"`)).map((line) => line.split('\t')[0]!);
  for (const pid of pids) execFileSync(rabbitmqctl, ['-q', 'close_connection', pid, 'closed by a test'], { stdio: 'ignore' });
  return pids.length;
};

describe('RabbitMQ only: the stream, the message properties, reconnecting', function () {
  this.timeout(60_000);
  const bus = rabbitBus();
  before(function () {
    bus.connect(this, 'RabbitMQ only');
  });
  after(() => bus.cleanup());

  it('declares one durable stream queue that keeps everything, and sends persistent messages with the Kafka contract\'s headers', async () => {
    const names = bus.fresh('declared');
    const opened = await openEventLog({ dataDir: 'memory' });
    const publisher = await startPublisher({
      log: opened.log, sink: rabbitSink({ url: bus.url, logger, stream: names.name }), logger,
      leases: embeddedLeases({ sql: opened.sql, name: `rabbitmq:${names.name}`, holder: 'test', retryMs: 20 }),
    });
    const connection = await amqp.connect(bus.url);
    try {
      const appended = await appendRounds(opened.log, ['declared-1', 'declared-2'], 2, 1);
      const collector = await bus.collect(names);
      await waitUntilCarried(opened.log, collector.messages, 'published');
      await collector.stop();
      // A passive declaration with other arguments would fail; asserting the same ones succeeds.
      const channel = await connection.createChannel();
      await channel.assertQueue(names.name, { durable: true, arguments: { 'x-queue-type': 'stream' } });
      // The first message's properties, as any AMQP client sees them.
      await channel.prefetch(1);
      const first = await new Promise<amqp.ConsumeMessage>((resolve) => {
        void channel.consume(names.name, (message) => message !== null && resolve(message), { arguments: { 'x-stream-offset': 'first' } });
      });
      const event = appended[0]!;
      assert.equal(first.properties.deliveryMode, 2, 'persistent');
      assert.equal(first.properties.contentType, 'application/json');
      assert.equal(first.properties.messageId, event.eventId);
      assert.equal(first.properties.type, event.type);
      assert.equal(first.properties.headers?.[KAFKA_HEADERS.streamId], event.streamId);
      assert.equal(first.properties.headers?.[KAFKA_HEADERS.logPosition], event.position);
      assert.equal(first.properties.headers?.['x-stream-offset'], 0);
      assert.deepEqual(JSON.parse(first.content.toString('utf8')), JSON.parse(JSON.stringify(event)));
    } finally {
      await connection.close();
      await publisher.stop();
      await opened.close();
    }
  });

  it('the publisher and the consumer reconnect when the broker closes their connections, and nothing is lost', async function () {
    const rabbitmqctl = requireProgram(this, findRabbitmqctl(), 'RabbitMQ reconnection', 'a working rabbitmqctl');
    const names = bus.fresh('reconnect');
    const tag = uniqueName('conn');
    const opened = await openEventLog({ dataDir: 'memory' });
    const publisher = await startPublisher({
      log: opened.log, sink: rabbitSink({ url: bus.url, logger, stream: names.name, connectionName: `${tag}-publisher` }), logger,
      leases: embeddedLeases({ sql: opened.sql, name: `rabbitmq:${names.name}`, holder: 'test', retryMs: 20 }),
    });
    const projector = new MemoryProjector('reconnect');
    const errors: unknown[] = [];
    const running = await rabbitEventSource({
      url: bus.url, logger, stream: names.name, connectionName: `${tag}-consumer`, retryDelayMs: { initial: 20, max: 200 }, onError: (error) => errors.push(error),
    }).run(projector);
    try {
      const auctions = ['reconnect-1', 'reconnect-2', 'reconnect-3'];
      const before = await appendRounds(opened.log, auctions, 3, 2);
      await eventually(async () => (projector.applied >= before.length ? true : undefined), 'the first events applied', 30_000);
      assert.equal(closeConnectionsNamed(rabbitmqctl, `${tag}-publisher`), 1, "the publisher's connection was found and closed");
      assert.equal(closeConnectionsNamed(rabbitmqctl, `${tag}-consumer`), 1, "the consumer's connection was found and closed");
      const after = await appendRounds(opened.log, auctions, 3, 2);
      await eventually(async () => (projector.applied >= before.length + after.length ? true : undefined), 'the events after the reconnection applied', 30_000);
      assert.deepEqual(projector.gaps, []);
      assert.deepEqual(projector.eventIds(), [...before, ...after].map((e) => e.eventId).sort());
      assert.ok(errors.length >= 1, "the consumer reported its connection's loss");
    } finally {
      await running.stop();
      await publisher.stop();
      await opened.close();
    }
  });
});
