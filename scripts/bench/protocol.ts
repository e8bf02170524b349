// The messages between the benchmark and its child processes (Node's IPC channel), as io-ts codecs.
import * as t from 'io-ts';

/** Child -> parent. */
export const ChildMessage = t.union([
  /** Started: its HTTP base URL ('' when its roles serve no HTTP) and its realtime node's WebSocket URL. */
  t.intersection([t.type({ type: t.literal('ready'), url: t.string }), t.partial({ realtimeUrl: t.string })]),
  t.type({ type: t.literal('failed'), message: t.string }),
  /** The sum of the stream versions of the auctions asked about, and how many streams exist. */
  t.type({ type: t.literal('versions'), streams: t.number, total: t.number }),
  t.type({ type: t.literal('stopped') }),
  /** Per lot asked about (in order): its AuctionClosed count and end-to-close delay; whether the closes are in that order in the log. */
  t.type({ type: t.literal('closes'), lots: t.array(t.type({ lotNumber: t.number, closes: t.number, delayMs: t.union([t.number, t.null]) })), inOrder: t.boolean }),
  /** A CPU profile was started, or written to `file`. */
  t.type({ type: t.literal('profiling') }),
  t.type({ type: t.literal('profiled'), file: t.string }),
  /** The CPU time the process has used so far (process.cpuUsage()), in microseconds. */
  t.type({ type: t.literal('cpu'), userMicros: t.number, systemMicros: t.number }),
]);
export type ChildMessage = t.TypeOf<typeof ChildMessage>;

/** Parent -> child. */
export const ParentMessage = t.union([
  t.type({ type: t.literal('versions'), auctionIds: t.array(t.string) }),
  t.type({ type: t.literal('closes'), auctionIds: t.array(t.string) }),
  t.type({ type: t.literal('stop') }),
  /** Start the V8 CPU profiler; stop it and write the profile (Chrome .cpuprofile JSON) to `file`. */
  t.type({ type: t.literal('profile-start') }),
  t.type({ type: t.literal('profile-stop'), file: t.string }),
  t.type({ type: t.literal('cpu') }),
]);
export type ParentMessage = t.TypeOf<typeof ParentMessage>;
