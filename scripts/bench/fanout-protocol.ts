// IPC of the fan-out suite: its server under test and its WebSocket client processes, as io-ts codecs.
import * as t from 'io-ts';

const Entries = t.array(t.tuple([t.number, t.number]));

/** Server or client process -> benchmark. */
export const FanoutChildMessage = t.union([
  /** The server: its HTTP and WebSocket URLs. */
  t.type({ type: t.literal('server-ready'), url: t.string, realtimeUrl: t.string }),
  /** A client process: every socket has its snapshot. */
  t.type({ type: t.literal('subscribed'), sockets: t.number }),
  /** The server's memory (bytes). */
  t.type({ type: t.literal('memory'), rss: t.number, heapUsed: t.number }),
  /**
   * A client process: latencies (0.1 ms bins) on every socket and on the sampled ones, and from
   * each bid's 201 rather than its request (a frame before the 201 counts as 0), bids no frame
   * reached, sockets closed early, `auction.updated` frames received, sockets that received
   * something wrong (a gap, a frame out of order, an error) and the first such thing.
   */
  t.type({
    type: t.literal('delivered'), entries: Entries, sampleEntries: Entries, afterAnswerEntries: Entries, missing: t.number, closed: t.number, frames: t.number, problems: t.number, firstProblem: t.string,
  }),
  /** The CPU time the process has used so far (process.cpuUsage()), in microseconds. */
  t.type({ type: t.literal('cpu'), userMicros: t.number, systemMicros: t.number }),
  /** The server's CPU profiler started, or its profile written to `file`. */
  t.type({ type: t.literal('profiling') }),
  t.type({ type: t.literal('profiled'), file: t.string }),
  t.type({ type: t.literal('failed'), message: t.string }),
  t.type({ type: t.literal('stopped') }),
]);
export type FanoutChildMessage = t.TypeOf<typeof FanoutChildMessage>;

/** Benchmark -> server or client process. */
export const FanoutParentMessage = t.union([
  /** The server's memory; after a full garbage collection when `collect` (only before the bids: it pauses the server). */
  t.intersection([t.type({ type: t.literal('memory') }), t.partial({ collect: t.boolean })]),
  /** A client process: open `sockets` sockets to `url`, each following `auctionId`, `sampled` of them decoding every frame in full. */
  t.type({ type: t.literal('subscribe'), url: t.string, auctionId: t.string, sockets: t.number, sampled: t.number }),
  /** A client process: the bids made (version, sent at, on the shared clock), sorted by version, and when each 201 came (version, answered at). */
  t.type({ type: t.literal('deliveries'), bids: Entries, answers: Entries }),
  t.type({ type: t.literal('stop') }),
  t.type({ type: t.literal('cpu') }),
  /** The server: start the V8 CPU profiler; stop it and write the profile to `file`. */
  t.type({ type: t.literal('profile-start') }),
  t.type({ type: t.literal('profile-stop'), file: t.string }),
]);
export type FanoutParentMessage = t.TypeOf<typeof FanoutParentMessage>;
