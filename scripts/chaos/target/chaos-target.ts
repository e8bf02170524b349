// What a fault acts on and the load and checks talk to: the system under test, however it was
// started. Today the suite's own local target (local-target.ts: its own services and role
// processes); later the topology launcher's processes behind HAProxy (scripts/topology/), whose
// `Topology` (url, realtimeUrl, nodes with name and roles, kill(name, signal), restart(name),
// stop()) fits this shape once the services and the database are added.
import type { ControllableService } from '../services/index.js';

export interface ChaosNode {
  /** The node's name, as `kill` and `restart` take it. */
  readonly name: string;
  /** Its roles (command-api, realtime, projector, ...). */
  readonly roles: readonly string[];
}

/** The services a fault can stop, kill and start again; absent when the target does not own one. */
export interface ChaosServices {
  readonly postgres?: ControllableService;
  readonly redis?: ControllableService;
  readonly kafka?: ControllableService;
}

export interface ChaosTarget {
  /** What it is, for the report. */
  readonly description: string;
  /** The HTTP base URL the clients use (the balancer's, with a topology). */
  readonly url: string;
  /** The WebSocket URL the subscribers use (ws://.../v1/realtime). */
  readonly realtimeUrl: string;
  /** The PostgreSQL the roles use: the event log and the read models (the checks read both). */
  readonly databaseUrl: string;
  /** The single Redis the roles use, when there is one (the live-cache check reads it). */
  readonly redisUrl: string | undefined;
  /** The secrets the roles use: tokens are minted with `jwt`, pseudonyms derive from `pseudonym`. */
  readonly secrets: { readonly jwt: string; readonly pseudonym: string };
  readonly nodes: readonly ChaosNode[];
  readonly services: ChaosServices;
  /** Sends `signal` (default SIGKILL) to a node's process. */
  kill(node: string, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a node again (after `kill`); resolves once it is ready. */
  restart(node: string): Promise<void>;
  /** Stops every process and service of the target. */
  stop(): Promise<void>;
}
