// Fault: the Kafka broker killed (SIGKILL) and restarted. The suite's single broker dies without a
// clean shutdown, stays down a few seconds, and starts again on its log directory
// (KAFKA_KEEP_DATA=1: the topic, its messages and the consumer groups' offsets survive).
// What it costs: the publisher cannot publish (it keeps its checkpoint in PostgreSQL and publishes
// from there again), the projector's consumer loses its broker and group coordinator, so the read
// models, the live cache and the subscribers stop moving until the broker is back and the group has
// settled; commands are not affected (they need PostgreSQL and Redis only).
// Must hold: nothing lost; read models and live cache converge after it returns; the publisher and
// the projector recover without a restart (the suite repairs nothing after it).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fault } from './fault.js';
import { since } from './nodes.js';

export const kafkaKill = (downMs = 3_000): Fault => ({
  name: 'kafka-kill',
  title: `Kafka broker killed (SIGKILL), down ${downMs / 1000} s, restarted on its data`,
  mustHold: 'nothing lost; read models and live cache converge after it returns; publisher and projectors recover without a restart',
  unavailable: (target) => (target.services.kafka === undefined ? 'the target does not own its Kafka broker' : undefined),
  inject: async ({ target, say }) => {
    const kafka = target.services.kafka!;
    const killedAt = Date.now();
    await kafka.kill();
    say('Kafka broker killed (SIGKILL)');
    await sleep(downMs);
    say('starting the broker again (KAFKA_KEEP_DATA=1)');
    await kafka.start();
    say(`Kafka broker answers again ${since(killedAt)} after the kill`);
  },
});
