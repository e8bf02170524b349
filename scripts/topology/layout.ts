// The local topology's plan: which processes run, with which roles and ports (all from one base
// port), and each one's environment; the HAProxy servers each node stands behind
// (scripts/haproxy/gavelstream.cfg). Pure: nothing is started here.
import type { ProcessRole } from '../../infra/index.js';

/** The ports a node listens on: HTTP (command and read API, the page), WebSockets, operations. */
export interface NodePorts {
  readonly http?: number;
  readonly realtime?: number;
  readonly ops: number;
}

export interface NodePlan {
  readonly name: string;
  readonly roles: readonly ProcessRole[];
  readonly ports: NodePorts;
  /** `backend/server` of the balancer's servers this node is (none for background roles). */
  readonly servers: readonly string[];
  /** The variables that make this process this node (ROLES, ports, ...), over the shared ones. */
  readonly env: Readonly<Record<string, string>>;
}

export interface GatewayPlan {
  /** Clients connect here: HTTP, and WebSockets on /v1/realtime. */
  readonly port: number;
  /** HAProxy's statistics page (`/`, `/;csv`) and Prometheus `/metrics`. */
  readonly statsPort: number;
  /** The variables gavelstream.cfg reads. */
  readonly env: Readonly<Record<string, string>>;
}

export interface TopologyPlan {
  readonly host: string;
  readonly nodes: readonly NodePlan[];
  readonly gateway: GatewayPlan;
}

/**
 * Offsets from the base port: the balancer at +0 (its statistics at +1), the API nodes at
 * +10/+11 and +12/+13 (PORT/OPS_PORT), the realtime nodes at +20/+21 and +22/+23
 * (REALTIME_PORT/OPS_PORT), the background roles' OPS_PORT at +30, +31, +32.
 */
export const PORT_OFFSETS = {
  gateway: 0,
  stats: 1,
  api: [10, 12],
  realtime: [20, 22],
  background: { publisher: 30, projector: 31, scheduler: 32 },
} as const;

/** How many ports from the base the topology uses. */
export const PORT_SPAN = 33;

const apiNode = (base: number, index: 0 | 1, gatewayPort: number): NodePlan => {
  const name = `api-${index + 1}`;
  const http = base + PORT_OFFSETS.api[index];
  const ops = http + 1;
  return {
    name,
    roles: ['command-api', 'read-api'],
    ports: { http, ops },
    servers: [`commands/${name}`, `reads/${name}`],
    env: {
      ROLES: 'command-api,read-api',
      PORT: String(http),
      OPS_PORT: String(ops),
      // The page's WebSocket goes to this port of the page's host: the balancer's.
      REALTIME_PORT: String(gatewayPort),
      // One proxy in front: the address it appends to X-Forwarded-For is the client's.
      TRUST_PROXY: '1',
    },
  };
};

const realtimeNode = (base: number, index: 0 | 1): NodePlan => {
  const name = `realtime-${index + 1}`;
  const realtime = base + PORT_OFFSETS.realtime[index];
  const ops = realtime + 1;
  return {
    name,
    roles: ['realtime'],
    ports: { realtime, ops },
    servers: [`realtime/${name}`],
    env: {
      ROLES: 'realtime',
      REALTIME_PORT: String(realtime),
      OPS_PORT: String(ops),
      // Every socket comes from the balancer's address: the limit per client is the balancer's.
      REALTIME_MAX_CONNECTIONS_PER_ADDRESS: '0',
    },
  };
};

const backgroundNode = (base: number, role: keyof typeof PORT_OFFSETS.background): NodePlan => {
  const ops = base + PORT_OFFSETS.background[role];
  return { name: role, roles: [role], ports: { ops }, servers: [], env: { ROLES: role, OPS_PORT: String(ops) } };
};

/** Two command-api+read-api nodes, two realtime nodes, one publisher, one projector, one scheduler, HAProxy in front. */
export const planTopology = (basePort: number, host = '127.0.0.1'): TopologyPlan => {
  if (!Number.isInteger(basePort) || basePort < 1024 || basePort + PORT_SPAN > 65535) {
    throw new Error(`the base port must be an integer from 1024 to ${65535 - PORT_SPAN}, got ${basePort}`);
  }
  const gatewayPort = basePort + PORT_OFFSETS.gateway;
  const nodes = [
    apiNode(basePort, 0, gatewayPort),
    apiNode(basePort, 1, gatewayPort),
    realtimeNode(basePort, 0),
    realtimeNode(basePort, 1),
    backgroundNode(basePort, 'publisher'),
    backgroundNode(basePort, 'projector'),
    backgroundNode(basePort, 'scheduler'),
  ];
  const at = (port: number | undefined) => `${host}:${port ?? 0}`;
  const [api1, api2, realtime1, realtime2] = nodes as [NodePlan, NodePlan, NodePlan, NodePlan];
  const statsPort = basePort + PORT_OFFSETS.stats;
  return {
    host,
    nodes,
    gateway: {
      port: gatewayPort,
      statsPort,
      env: {
        GATEWAY_BIND: at(gatewayPort),
        GATEWAY_STATS_BIND: at(statsPort),
        GATEWAY_COMMANDS_1: at(api1.ports.http),
        GATEWAY_COMMANDS_2: at(api2.ports.http),
        GATEWAY_READS_1: at(api1.ports.http),
        GATEWAY_READS_2: at(api2.ports.http),
        GATEWAY_REALTIME_1: at(realtime1.ports.realtime),
        GATEWAY_REALTIME_2: at(realtime2.ports.realtime),
      },
    },
  };
};

/** Every port of the plan, for the check that they are free before anything starts. */
export const portsOf = (plan: TopologyPlan): number[] => [
  plan.gateway.port,
  plan.gateway.statsPort,
  ...plan.nodes.flatMap((n) => [n.ports.http, n.ports.realtime, n.ports.ops].filter((p): p is number => p !== undefined)),
];

/** The variables a HAProxy configuration reads ("${NAME}"), those without a default ("${NAME-default}") apart. */
export const haproxyVariables = (cfg: string): { readonly required: readonly string[]; readonly optional: readonly string[] } => {
  const uncommented = cfg.split('\n').map((line) => line.replace(/(^|\s)#.*$/, '')).join('\n');
  const found = [...uncommented.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(-[^}]*)?\}/g)];
  const names = (withDefault: boolean) => [...new Set(found.filter((m) => (m[2] !== undefined) === withDefault).map((m) => m[1]!))].sort();
  return { required: names(false), optional: names(true) };
};
