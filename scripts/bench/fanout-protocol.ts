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
  /** A client process: latencies (0.1 ms bins), bids no frame reached, sockets closed early, frames received. */
  t.type({ type: t.literal('delivered'), entries: Entries, missing: t.number, closed: t.number, frames: t.number }),
  t.type({ type: t.literal('failed'), message: t.string }),
  t.type({ type: t.literal('stopped') }),
]);
export type FanoutChildMessage = t.TypeOf<typeof FanoutChildMessage>;

/** Benchmark -> server or client process. */
export const FanoutParentMessage = t.union([
  t.type({ type: t.literal('memory') }),
  /** A client process: open `sockets` sockets to `url`, each following `auctionId`. */
  t.type({ type: t.literal('subscribe'), url: t.string, auctionId: t.string, sockets: t.number }),
  /** A client process: the bids made (version, sent at, on the shared clock), sorted by version. */
  t.type({ type: t.literal('deliveries'), bids: Entries }),
  t.type({ type: t.literal('stop') }),
]);
export type FanoutParentMessage = t.TypeOf<typeof FanoutParentMessage>;
