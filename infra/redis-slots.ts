// Redis Cluster slots: a script, a transaction or a pipeline runs on one node, so on a cluster its
// keys must share a slot. A key's slot is the CRC16 of its hash tag, the text between its first
// `{` and the next `}` (the whole key without one), so keys that carry the same tag share a slot:
//   the live cache, per auction      gs:auction:{<id>}, gs:auction:{<id>}:frames   (contracts/live-cache.ts)
//   the closing queue, whole         {gs:closing}:due, :claims, :sched, :done:<id> (commands/scheduler)
//   one user's budget and claims     gs:rl:user:{<user>}, gs:idem:{<user>}:<key>   (userHashTag)
// The tags cost nothing on a single Redis, where the same names are used.
import calculateSlot from 'cluster-key-slot';
import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './redis.js';

/** The cluster slot (0..16383) of a key. */
export const slotOf = (key: string): number => calculateSlot(key);

/**
 * The hash tag of one user's keys: the user's rate-limit counter and idempotency keys, which one
 * script counts and claims together. URI-encoded, so no id can end the tag early (`}`) or differ
 * between the two.
 */
export const userHashTag = (userId: string): string => `{${encodeURIComponent(userId)}}`;

/** A pipeline's replies, as ioredis gives them: per command, its error or its result. */
export type PipelineReplies = [error: Error | null, result: unknown][];

/**
 * One command per item, pipelined: on a single Redis in one pipeline, as ever; on a Cluster in one
 * pipeline per slot of the items' keys (a cluster pipeline must stay on one node), sent together.
 * `add` queues exactly one command, whose keys lie in the slot of `slotKey(item)`. The replies come
 * back in item order. Items with one slot key keep their order (one pipeline, one connection).
 */
export const pipelinePerSlot = async <T>(
  redis: RedisClient,
  items: readonly T[],
  slotKey: (item: T) => string,
  add: (pipeline: ChainableCommander, item: T) => void,
): Promise<PipelineReplies> => {
  if (items.length === 0) return [];
  const groups = new Map<number, number[]>();
  items.forEach((item, i) => {
    const slot = redis.isCluster ? slotOf(slotKey(item)) : 0;
    const group = groups.get(slot);
    if (group === undefined) groups.set(slot, [i]);
    else group.push(i);
  });
  const replies: PipelineReplies = new Array<[Error | null, unknown]>(items.length);
  await Promise.all([...groups.values()].map(async (indexes) => {
    const pipeline = redis.pipeline();
    for (const i of indexes) add(pipeline, items[i]!);
    const answered = (await pipeline.exec()) ?? [];
    indexes.forEach((itemIndex, j) => {
      replies[itemIndex] = answered[j] ?? [new Error('no reply'), undefined];
    });
  }));
  return replies;
};
