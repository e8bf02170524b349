// Fault: SIGKILL of a realtime node. The balancer sends a client address to one realtime node
// (sticky by source address), so the suite's subscribers, all from 127.0.0.1, share one: that node
// (the one with the most open sockets, from its gavelstream_realtime_connections gauge) is killed,
// stays down while its clients reconnect, and is started again.
// What it costs: every socket of the dead node is cut; the clients reconnect through the balancer,
// which cannot reach the dead node (a refused connection is retried on the other one at once, and
// after two failed checks the dead node is out of rotation), and resume each auction with
// `sinceVersion`: the new node sends what they missed from the live cache, then follows the live
// feed (Redis pub/sub), which every realtime node gets.
// Must hold: every subscriber reconnected through the balancer to the other node and resumed with
// sinceVersion: every version seen once, in order (the frame check), none missed.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fault } from './fault.js';
import { metricOf, nodesWithRole, since } from './nodes.js';

const CONNECTIONS = 'gavelstream_realtime_connections';

export const realtimeKill = (downMs = 3_000): Fault => {
  let killed: { node: string; sockets: number } | undefined;
  return {
    name: 'realtime-kill',
    title: `SIGKILL of the realtime node holding the subscribers, down ${downMs / 1000} s, restarted`,
    mustHold: 'its clients reconnect through the balancer to the other node and resume with sinceVersion: every version seen once, in order',
    unavailable: (target) => (nodesWithRole(target, 'realtime').length < 2 ? 'needs two realtime nodes behind the balancer' : undefined),
    inject: async ({ target, say }) => {
      const counted = await Promise.all(nodesWithRole(target, 'realtime').map(async (node) => ({ node, sockets: (await metricOf(node, CONNECTIONS)) ?? 0 })));
      const busiest = counted.reduce((a, b) => (b.sockets > a.sockets ? b : a));
      say(`open sockets: ${counted.map((c) => `${c.node.name} ${c.sockets}`).join(', ')}`);
      killed = { node: busiest.node.name, sockets: busiest.sockets };
      const killedAt = Date.now();
      await target.kill(busiest.node.name, 'SIGKILL');
      say(`${busiest.node.name} killed (SIGKILL) with ${busiest.sockets} sockets`);
      await sleep(downMs);
      const others = await Promise.all(counted.filter((c) => c !== busiest).map(async (c) => `${c.node.name} ${(await metricOf(c.node, CONNECTIONS)) ?? '?'}`));
      say(`open sockets ${since(killedAt)} after the kill: ${others.join(', ')}`);
      await target.restart(busiest.node.name);
      say(`${busiest.node.name} ready and back in rotation ${since(killedAt)} after the kill`);
    },
    check: async ({ subscribers }) => {
      const reconnected = subscribers.filter((s) => s.connections > 1).length;
      const problems: string[] = [];
      if (killed === undefined || killed.sockets === 0) problems.push('no subscriber was on the realtime node killed: the fault did not reach them');
      else if (reconnected < subscribers.length) problems.push(`${subscribers.length - reconnected} of ${subscribers.length} subscribers never reconnected after ${killed.node} was killed`);
      return { problems, summary: `${killed?.node ?? 'no node'} killed with ${killed?.sockets ?? 0} sockets; ${reconnected} of ${subscribers.length} subscribers reconnected and resumed` };
    },
  };
};
