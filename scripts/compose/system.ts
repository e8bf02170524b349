// One process's share of the system, by role: opens the resources, builds the sides its roles
// need, serves HTTP when a role has routes and the operations port when OPS_PORT is set, and
// stops gracefully (shutdown.ts). `npm start` and the end-to-end tests both use it.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Router } from 'express';
import type { Config, Logger, ProcessProbes } from '../../infra/index.js';
import type { CommandHandler, LogCheckpoints, RunningPublisher } from '../../commands/index.js';
import { createGracefulHttpServer, createHttpMetrics, createProcessProbes, startOpsServer } from '../../infra/index.js';
import { ParkingMonitor } from '../../projections/index.js';
import { buildHttpApp } from './http-app.js';
import { openResources } from './resources.js';
import type { Resources } from './resources.js';
import { buildCommandSide } from './command-side.js';
import { startScheduler } from './scheduler.js';
import { pageRoutes } from '../../realtime/index.js';
import type { Scheduler } from './scheduler.js';
import { startLive } from './live.js';
import type { LiveSide } from './live.js';
import type { RealtimeLimits } from '../../realtime/index.js';
import { startPublisherRole } from './publisher.js';
import { gatherProjectors } from './kafka-source.js';
import { busSourceFor } from './bus-source.js';
import { READ_MODEL_LINGER_MS, buildReadRouter, logSourceFor, startReadModelProjection } from './read-side.js';
import { checkpointsFor, startCheckpointing } from './checkpoints.js';
import { startAnalyticsRole } from './analytics.js';
import type { ReadRouterOptions } from './read-side.js';
import { createShutdown, within } from './shutdown.js';
import type { Shutdown } from './shutdown.js';

export interface RunningSystem {
  readonly resources: Resources;
  /** The HTTP base URL, when this process serves HTTP. */
  readonly url: string | undefined;
  readonly handler: CommandHandler | undefined;
  readonly scheduler: Scheduler | undefined;
  /** The WebSocket URL, when this process runs the realtime role. */
  readonly realtimeUrl: string | undefined;
  readonly live: LiveSide;
  /** The publisher, when this process has the publisher role and KAFKA_BROKERS or RABBITMQ_URL is set. */
  readonly publisher: RunningPublisher | undefined;
  /** This process's projectors' parked streams (for /health, /metrics and the log). */
  readonly parking: ParkingMonitor;
  /** The log's signed checkpoints, when this process serves or takes them and a signing key is available. */
  readonly checkpoints: LogCheckpoints | undefined;
  /** The operations port's base URL (GET /health, /ready, /metrics), when OPS_PORT is set. */
  readonly opsUrl: string | undefined;
  /** The process's liveness and readiness (served on every port that has HTTP). */
  readonly probes: ProcessProbes;
  /** The graceful stop (README, Operations): readiness false at once, then the phases of shutdown.ts. */
  stop(): Promise<void>;
}

export interface SystemOptions {
  readonly clock?: () => Date;
  /** Redis namespace of the closing queue (tests give each system its own). */
  readonly schedulerNamespace?: string;
  /** Redis key prefix of the sign-in lockout's counters (tests give each system its own). */
  readonly signInLockoutNamespace?: string;
  /** Redis namespace of the live-cache projector's checkpoints (tests give each system its own). */
  readonly liveCacheNamespace?: string;
  /** Redis key prefix of the notifier's checkpoints and ending-soon queue (default 'gs:notifier'). */
  readonly notifierNamespace?: string;
  readonly realtimeLimits?: Partial<RealtimeLimits>;
  /** Kafka topic and consumer group prefix (tests give each system their own); default KAFKA_TOPIC and KAFKA_GROUP_ID_PREFIX. */
  readonly kafka?: { readonly topic?: string; readonly groupIdPrefix?: string };
  /** The RabbitMQ stream (tests give each system its own); default RABBITMQ_STREAM. */
  readonly rabbitmq?: { readonly stream?: string };
  /** The read API's tunables (tests shorten the `?minVersion=` wait). */
  readonly readApi?: ReadRouterOptions;
}

const listen = (server: Server, port: number): Promise<void> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });

/** The command handler's queues, drained before the log closes (up to the deadline). */
const finishCommands = (shutdown: Shutdown, handler: CommandHandler, logger: Logger): void =>
  shutdown.add('in-flight', async (deadline) => {
    if (!(await within(handler.idle(), deadline))) logger.warn('stopping: commands still in flight at SHUTDOWN_TIMEOUT_MS are cut off');
  });

export const startSystem = async (config: Config, logger: Logger, options: SystemOptions = {}): Promise<RunningSystem> => {
  const has = (role: Config['roles'][number]) => config.roles.includes(role);
  const topic = options.kafka?.topic ?? config.kafkaTopic;
  const groupIdPrefix = options.kafka?.groupIdPrefix ?? config.kafkaGroupIdPrefix;
  const stream = options.rabbitmq?.stream ?? config.rabbitmqStream;
  const busNames = {
    ...(topic !== undefined ? { topic } : {}),
    ...(groupIdPrefix !== undefined ? { groupIdPrefix } : {}),
    ...(stream !== undefined ? { stream } : {}),
  };
  const resources = await openResources(config, logger);
  const metrics = createHttpMetrics({ labels: { roles: config.roles.join(',') } });
  const parking = new ParkingMonitor({ logger, registry: metrics.registry });
  const probes = createProcessProbes({
    roles: config.roles,
    resources: resources.checks,
    details: async () => {
      const { parked, unavailable } = await parking.list();
      return { parkedStreams: parked, ...(unavailable.length > 0 ? { parkedStreamsUnavailable: unavailable } : {}) };
    },
  });
  const shutdown = createShutdown(probes, logger);
  shutdown.add('resources', () => resources.close());
  try {
    const ops = config.opsPort === undefined ? undefined : await startOpsServer({ port: config.opsPort, probes, registry: metrics.registry, logger });
    if (ops !== undefined) shutdown.add('resources', () => ops.close());
    const routers: Router[] = [];
    const commandSide = has('command-api') || has('scheduler') ? buildCommandSide(resources, options.clock, options.signInLockoutNamespace !== undefined ? { signInLockoutNamespace: options.signInLockoutNamespace } : {}) : undefined;
    if (commandSide !== undefined) {
      shutdown.add('resources', () => commandSide.close());
      finishCommands(shutdown, commandSide.handler, logger);
    }
    if (commandSide !== undefined && has('command-api')) routers.push(commandSide.router, commandSide.accountRouter);

    const scheduler = commandSide !== undefined && has('scheduler') ? await startScheduler(resources, commandSide.handler, {
      registry: metrics.registry,
      ...(options.clock !== undefined ? { now: options.clock } : {}),
      ...(options.schedulerNamespace !== undefined ? { namespace: options.schedulerNamespace } : {}),
    }) : undefined;
    // Stops claiming, and finishes the closes it claimed.
    if (scheduler !== undefined) shutdown.add('intake', async (deadline) => void (await within(scheduler.stop(), deadline)));

    // Signed checkpoints of the log: served by the read API, taken periodically by the scheduler role.
    const checkpoints = has('read-api') || has('scheduler') ? checkpointsFor(resources, options.clock) : undefined;
    const checkpointing = checkpoints !== undefined && has('scheduler') ? startCheckpointing(resources, checkpoints) : undefined;
    if (checkpointing !== undefined) shutdown.add('pipelines', () => checkpointing.stop());
    const publisher = has('publisher')
      ? await startPublisherRole(resources, { registry: metrics.registry, ...(topic !== undefined ? { topic } : {}), ...(stream !== undefined ? { stream } : {}) })
      : undefined;
    if (publisher !== undefined) shutdown.add('pipelines', () => publisher.stop());

    // The port the page's WebSocket goes to: this process's realtime server once it listens (the
    // realtime wiring sets `realtimeListening.port`), else REALTIME_PORT on the page's host.
    const realtimeListening: { port?: number } = {};
    const realtimePort = (): number | undefined => (has('realtime') ? realtimeListening.port : config.realtimePort);
    // The projectors' events: from the bus (one consumer for the live cache and the read models,
    // started once both are given) when KAFKA_BROKERS or RABBITMQ_URL is set, else from the event log in-process.
    const busSource = has('projector') ? busSourceFor(resources, { consumer: 'projector', ...busNames, registry: metrics.registry }) : undefined;
    const gathered = busSource !== undefined ? gatherProjectors(busSource) : undefined;
    const projectorSource = has('projector') ? gathered?.source ?? logSourceFor(resources) : undefined;
    // The read models' own reader of the log, which lets batches grow while the log is busy.
    const readModelSource = has('projector') ? gathered?.source ?? logSourceFor(resources, { lingerMs: READ_MODEL_LINGER_MS }) : undefined;
    const live = await startLive(resources, shutdown, {
      projectorSource,
      realtime: has('realtime'),
      ...(options.clock !== undefined ? { clock: options.clock } : {}),
      ...(options.liveCacheNamespace !== undefined ? { namespace: options.liveCacheNamespace } : {}),
      ...(options.notifierNamespace !== undefined ? { notifierNamespace: options.notifierNamespace } : {}),
      ...(options.realtimeLimits !== undefined ? { realtimeLimits: options.realtimeLimits } : {}),
      registry: metrics.registry,
      parking,
      probes,
    });
    if (live.realtime !== undefined) realtimeListening.port = live.realtime.port;

    if (readModelSource !== undefined) {
      const projection = await startReadModelProjection(resources, readModelSource, parking);
      shutdown.add('pipelines', () => projection.stop());
    }
    await gathered?.start();
    // The market figures: their own consumer (analytics.ts), beside the projector role's.
    if (has('analytics')) {
      const analytics = await startAnalyticsRole(resources, {
        kafka: { ...(topic !== undefined ? { topic } : {}), ...(groupIdPrefix !== undefined ? { groupIdPrefix } : {}) },
        ...(stream !== undefined ? { stream } : {}),
        registry: metrics.registry,
        parking,
      });
      shutdown.add('pipelines', () => analytics.stop());
    }
    // After the command routes: the two share paths (/v1/auctions/:id/bids) but not methods.
    if (has('read-api')) {
      routers.push(buildReadRouter(resources, { ...(options.clock !== undefined ? { clock: options.clock } : {}), ...options.readApi, checkpoints }));
    }

    let url: string | undefined;
    if (routers.length > 0) {
      const app = buildHttpApp({
        config, logger, routers, metrics, probes, ...(resources.redis !== undefined ? { redis: resources.redis } : {}),
        page: pageRoutes({ config, realtimePort }),
      });
      const http = createGracefulHttpServer(app, config.httpTimeouts, logger);
      await listen(http.server, config.port);
      shutdown.add('intake', () => Promise.resolve(http.stopIntake()));
      shutdown.add('in-flight', async (deadline) => {
        if (!(await http.drained(deadline))) logger.warn({ requests: http.inFlight() }, 'stopping: HTTP requests still in flight at SHUTDOWN_TIMEOUT_MS are cut off');
      });
      shutdown.add('resources', () => http.close());
      url = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}`;
      logger.info({ url, roles: config.roles }, 'serving HTTP');
    }
    probes.markReady();
    return {
      resources, url, handler: commandSide?.handler, scheduler, publisher, checkpoints, realtimeUrl: live.realtime?.url, live, parking,
      opsUrl: ops?.url, probes, stop: () => shutdown.run(config.shutdown),
    };
  } catch (error) {
    await shutdown.run();
    throw error;
  }
};
