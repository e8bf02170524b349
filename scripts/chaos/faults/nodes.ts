// What the faults ask about the target's nodes: which run a role, one of them at random, and a
// gauge of a node's Prometheus metrics (GET /metrics on its operations port).
import { randomInt } from 'node:crypto';
import type { ChaosNode, ChaosTarget } from '../target/index.js';

export const nodesWithRole = (target: ChaosTarget, role: string): ChaosNode[] => target.nodes.filter((n) => n.roles.includes(role));

export const pickOne = <T>(items: readonly T[]): T => {
  if (items.length === 0) throw new Error('nothing to pick from');
  return items[randomInt(items.length)]!;
};

/** The value of a metric of the node (its one series: the process's own `roles` label aside), or undefined when the node or the metric does not answer. */
export const metricOf = async (node: ChaosNode, metric: string): Promise<number | undefined> => {
  try {
    const response = await fetch(`${node.opsUrl}/metrics`, { signal: AbortSignal.timeout(2_000) });
    const text = await response.text();
    const line = text.split('\n').find((l) => l.startsWith(`${metric} `) || l.startsWith(`${metric}{`));
    const value = line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

/** Seconds since `from`, one decimal, for the progress lines. */
export const since = (from: number): string => `${((Date.now() - from) / 1000).toFixed(1)} s`;
