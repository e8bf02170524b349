// IPC between the realtime benchmark and its realtime node (a child process), as io-ts codecs.
import * as t from 'io-ts';

/** Node -> benchmark. */
export const NodeMessage = t.union([
  t.type({ type: t.literal('ready'), port: t.number }),
  /** The auction the embedded node created in its own in-memory cache. */
  t.type({ type: t.literal('created'), auctionId: t.string }),
  t.type({ type: t.literal('applied'), version: t.number }),
  t.type({ type: t.literal('stats'), connections: t.number, subscriptions: t.number }),
  t.type({ type: t.literal('failed'), message: t.string }),
]);
export type NodeMessage = t.TypeOf<typeof NodeMessage>;

/** Benchmark -> node. */
export const BenchMessage = t.union([
  /** Embedded mode: create an auction in the node's in-memory cache. */
  t.type({ type: t.literal('create') }),
  /** Embedded mode: project `count` bids on it (each one change, published as it is stored). */
  t.type({ type: t.literal('apply'), count: t.number, batch: t.number }),
  t.type({ type: t.literal('stats') }),
  t.type({ type: t.literal('stop') }),
]);
export type BenchMessage = t.TypeOf<typeof BenchMessage>;
