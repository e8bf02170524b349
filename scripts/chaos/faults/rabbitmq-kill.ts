// Fault: the RabbitMQ node killed (SIGKILL) and restarted, on the topology whose bus is RabbitMQ
// (RABBITMQ_URL at the suite's own node, the event log in a stream queue of its own, no Kafka).
// The node's Erlang VM dies without a clean shutdown, stays down a few seconds, and starts again on
// its Mnesia folder: the stream comes back with every message it had confirmed.
// What it costs: the publisher loses its connection and cannot publish (it keeps its checkpoint in
// PostgreSQL and publishes from there again: what it sent unconfirmed comes again, which the
// projectors' checkpoints absorb); the projectors lose their consumers, so the read models, the
// live cache and the subscribers stop moving until the node is back and they have consumed again
// from their checkpoints (x-stream-offset); commands are not affected (PostgreSQL and Redis only).
// Must hold: nothing lost; read models equal a rebuild; the live cache and the subscribers
// converge; the publisher and the projectors recover without a restart (the suite repairs nothing
// after it).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fault } from './fault.js';
import { since } from './nodes.js';

export const rabbitmqKill = (downMs = 3_000): Fault => {
  let outcome: string | undefined;
  return {
    name: 'rabbitmq-kill',
    title: `RabbitMQ node killed (SIGKILL), down ${downMs / 1000} s, restarted on its data`,
    mustHold: 'nothing lost; read models equal a rebuild; live cache and subscribers converge; publisher and projectors recover without a restart',
    bus: 'rabbitmq',
    unavailable: (target) => (target.services.rabbitmq === undefined ? 'needs the topology on the suite\'s RabbitMQ node' : undefined),
    inject: async ({ target, say }) => {
      const rabbitmq = target.services.rabbitmq!;
      const killedAt = Date.now();
      await rabbitmq.kill();
      say('RabbitMQ node killed (SIGKILL)');
      await sleep(downMs);
      say('starting the node again on its data');
      const restartedAt = Date.now();
      await rabbitmq.start();
      outcome = `the node answering again ${since(killedAt)} after its kill (its start took ${since(restartedAt)})`;
      say(outcome);
    },
    check: async () => ({ problems: [], summary: outcome ?? 'the node was never killed' }),
  };
};
