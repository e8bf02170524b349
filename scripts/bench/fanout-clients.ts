// One of the fan-out suite's client processes: opens its share of the subscribers (cheap real
// WebSockets, fanout-subscriber.ts), all following one auction, a sample of them decoding every
// frame in full; at the end tells the benchmark how long each bid took to reach each socket (as
// histograms: every socket, and the sample), and what was missing or wrong.
import { performance } from 'node:perf_hooks';
import { consecutiveDeliveries, LatencyHistogram } from './delivery.js';
import { answerRequests, tell } from './fanout-ipc.js';
import { Subscriber, sampledIndexes } from './fanout-subscriber.js';

const now = () => performance.timeOrigin + performance.now();
/** Handshakes in flight at once, so that the server's accept queue does not overflow. */
const OPENING_AT_ONCE = 200;

const subscribers: Subscriber[] = [];

const subscribe = async (url: string, auctionId: string, count: number, sampled: number): Promise<number> => {
  const { hostname, port, pathname } = new URL(url);
  const target = { host: hostname, port: Number(port), path: pathname, auctionId };
  const sample = sampledIndexes(count, sampled);
  for (let i = 0; i < count; i += OPENING_AT_ONCE) {
    const batch: Subscriber[] = [];
    for (let j = i; j < Math.min(count, i + OPENING_AT_ONCE); j++) batch.push(new Subscriber(target, sample.has(j), now));
    subscribers.push(...batch);
    await Promise.all(batch.map((s) => s.subscribed));
  }
  return subscribers.length;
};

const cpu = () => {
  const { user, system } = process.cpuUsage();
  return { type: 'cpu' as const, userMicros: user, systemMicros: system };
};

answerRequests(async (message) => {
  switch (message.type) {
    case 'subscribe':
      return { type: 'subscribed', sockets: await subscribe(message.url, message.auctionId, message.sockets, message.sampled) };
    case 'deliveries': {
      const all = new LatencyHistogram();
      const sample = new LatencyHistogram();
      const afterAnswer = new LatencyHistogram();
      let missing = 0;
      let closed = 0;
      let frames = 0;
      const problems: string[] = [];
      subscribers.forEach((s) => {
        const d = consecutiveDeliveries(message.bids, s.snapshotVersion ?? 0, s.arrivals);
        for (const ms of d.latencies) all.add(ms);
        if (s.sampled) for (const ms of d.latencies) sample.add(ms);
        for (const ms of consecutiveDeliveries(message.answers, s.snapshotVersion ?? 0, s.arrivals).latencies) afterAnswer.add(ms);
        missing += d.missing;
        frames += s.updates;
        if (s.closed) closed += 1;
        if (s.problem !== undefined) problems.push(s.problem);
      });
      return { type: 'delivered', entries: all.entries(), sampleEntries: sample.entries(), afterAnswerEntries: afterAnswer.entries(), missing, closed, frames, problems: problems.length, firstProblem: problems[0] ?? '' };
    }
    case 'cpu':
      return cpu();
    case 'stop':
      for (const s of subscribers) s.close();
      process.exit(0);
      return undefined;
    default:
      throw new Error(`a client process does not answer ${message.type}`);
  }
});
process.on('disconnect', () => process.exit(0));
void tell({ type: 'subscribed', sockets: 0 });
