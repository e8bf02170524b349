// The state file of a topology started by `npm run topology -- start` (.topology/state.json):
// what `stop` and `status`, run later by another process, need to find it again: every process's
// pid, roles, ports and log, the balancer's URLs, and whether Kafka was started for it.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as t from 'io-ts';
import { decodeOrThrow } from '../../infra/index.js';

const NodeState = t.type({
  name: t.string,
  roles: t.array(t.string),
  pid: t.number,
  ports: t.intersection([t.type({ ops: t.number }), t.partial({ http: t.number, realtime: t.number })]),
  log: t.string,
});

export const TopologyStateCodec = t.type({
  version: t.literal(1),
  startedAt: t.string,
  url: t.string,
  realtimeUrl: t.string,
  statsUrl: t.string,
  logsDir: t.string,
  /** How long a node may take to stop on SIGTERM before it is killed. */
  stopBoundMs: t.number,
  /** The broker the topology started (local-kafka.sh), to be stopped with it; null: one that was running already. */
  kafkaStarted: t.union([t.type({ host: t.string, port: t.number }), t.null]),
  gateway: t.type({ pid: t.number, port: t.number, statsPort: t.number, log: t.string }),
  nodes: t.array(NodeState),
}, 'TopologyState');
export type TopologyState = t.TypeOf<typeof TopologyStateCodec>;

/** The state in `path`, undefined when there is none; throws when the file is not a topology's state. */
export const readState = (path: string): TopologyState | undefined => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  return decodeOrThrow(TopologyStateCodec, JSON.parse(text), `topology state (${path})`);
};

export const writeState = (path: string, state: TopologyState): void => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(TopologyStateCodec.encode(state), null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
};

export const removeState = (path: string): void => rmSync(path, { force: true });
