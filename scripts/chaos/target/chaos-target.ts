// What a fault acts on and the load and checks talk to: the system under test. The suite's target
// is the topology launcher's processes behind HAProxy (topology-target.ts) on the suite's own
// services: a fault kills and restarts nodes by name, and stops, kills and starts the services.
import type { RedisTarget } from '../../../infra/index.js';
import type { ControllableService, RabbitmqServer, RedisClusterService, RedisServer } from '../services/index.js';

export interface ChaosNode {
  /** The node's name, as `kill` and `restart` take it (api-1, realtime-2, projector, ...). */
  readonly name: string;
  /** Its roles (command-api, realtime, projector, ...). */
  readonly roles: readonly string[];
  /** Its operations port's base URL (/health, /ready, /metrics). */
  readonly opsUrl: string;
}

/** The services a fault can stop, kill and start again; absent when the target does not use one. */
export interface ChaosServices {
  readonly postgres?: ControllableService;
  /** The single Redis (absent on a Redis Cluster target). */
  readonly redis?: RedisServer;
  /** The Kafka broker (absent on a RabbitMQ target). */
  readonly kafka?: ControllableService;
  /** The RabbitMQ node (present on a RabbitMQ target only). */
  readonly rabbitmq?: RabbitmqServer;
  /** The Redis Cluster (absent on a single-Redis target). */
  readonly redisCluster?: RedisClusterService;
}

export interface ChaosTarget {
  /** What it is, for the report. */
  readonly description: string;
  /** The HTTP base URL the clients use (the balancer's). */
  readonly url: string;
  /** The WebSocket URL the subscribers use (the balancer's ws://.../v1/realtime). */
  readonly realtimeUrl: string;
  /** The PostgreSQL database the roles use: the event log and the read models (the checks read both). */
  readonly databaseUrl: string;
  /** The Redis the roles use, one server or a cluster (the live-cache check reads it). */
  readonly redis: RedisTarget;
  /** The secrets the roles use: tokens are minted with `jwt`, pseudonyms derive from `pseudonym`. */
  readonly secrets: { readonly jwt: string; readonly pseudonym: string };
  readonly nodes: readonly ChaosNode[];
  readonly services: ChaosServices;
  /** Sends `signal` (default SIGKILL) to a node's process and waits for its exit. */
  kill(node: string, signal?: NodeJS.Signals): Promise<void>;
  /**
   * Starts a node again (stopping it first if it runs); resolves once it is ready and back in the
   * balancer's rotation. `env`: variables for this start only (a clock skew).
   */
  restart(node: string, env?: Readonly<Record<string, string>>): Promise<void>;
  /**
   * Puts the target back into its normal state after a fault: every service running, every node
   * running and ready (restarted when it is not), every server in the balancer's rotation.
   * Returns what it had to repair; empty when the fault left everything healthy.
   */
  heal(): Promise<string[]>;
  /** Stops every process of the target (not the services: they belong to the suite). */
  stop(): Promise<void>;
}
