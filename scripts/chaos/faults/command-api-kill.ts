// Fault: SIGKILL of a command-api node at random moments, several times. A node of the two behind
// the balancer, picked at random each time, is killed with requests in flight, stays down a moment
// while the load goes on, and is started again (back in the balancer's rotation).
// What it costs: the requests the dead node held get the balancer's 502 (it never sends a request
// that reached a node again: a POST would run twice) or a reset; the clients retry with the same
// Idempotency-Key; the key's claim of the dead node lapses within one lease (3 s), so a retry may
// wait for it (409 IDEMPOTENCY_KEY_IN_PROGRESS), then takes it over; the command id derives from
// (user, key), so a bid the dead node appended is found, not appended again, and answered as the
// first time. New connections go to the other node at once (HAProxy retries a refused connection
// elsewhere) and, after two failed checks, the dead node is out of rotation.
// Must hold: every acknowledged bid is in the log exactly once; no bid applied twice; clients'
// retries get the first answer.
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fault } from './fault.js';
import { nodesWithRole, pickOne, since } from './nodes.js';

export const commandApiKill = (kills = 3): Fault => ({
  name: 'command-api-kill',
  title: `SIGKILL of a command-api node at random moments, ${kills} times, each restarted`,
  mustHold: "every acknowledged bid is in the log exactly once; no bid applied twice; clients' retries get the first answer",
  balancerErrorsExpected: true,
  unavailable: (target) => (nodesWithRole(target, 'command-api').length < 2 ? 'needs two command-api nodes behind the balancer' : undefined),
  inject: async ({ target, say }) => {
    for (let i = 1; i <= kills; i++) {
      await sleep(randomInt(0, 2_000));
      const node = pickOne(nodesWithRole(target, 'command-api'));
      const killedAt = Date.now();
      await target.kill(node.name, 'SIGKILL');
      say(`kill ${i}/${kills}: ${node.name} killed (SIGKILL)`);
      await sleep(randomInt(200, 1_500));
      await target.restart(node.name);
      say(`kill ${i}/${kills}: ${node.name} ready and back in rotation ${since(killedAt)} after the kill`);
    }
  },
});
