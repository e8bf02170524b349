// Where the read paths stand per auction, against the log's head: the read API
// (GET /v1/auctions/:id, the PostgreSQL read model), the live cache (the Redis hash
// gs:auction:<id>, on the single Redis or the cluster), and each subscriber's last frame. Used to
// time the recovery (everything caught up with the log as it was when the fault ended) and to
// wait for the system to settle before the checks.
import { setTimeout as sleep } from 'node:timers/promises';
import { auctionCacheKey } from '../../../contracts/index.js';
import type { RedisClient } from '../../../infra/index.js';
import { getJson } from '../load/index.js';
import type { Subscriber } from '../load/index.js';

export interface LiveReaders {
  readonly url: string;
  readonly redis: RedisClient | undefined;
  readonly subscribers: readonly Subscriber[];
}

const readApiVersion = async (url: string, auctionId: string): Promise<number | undefined> => {
  const view = (await getJson(`${url}/v1/auctions/${auctionId}`)) as { version?: unknown } | undefined;
  return typeof view?.version === 'number' ? view.version : undefined;
};

const cacheVersion = async (redis: RedisClient, auctionId: string): Promise<number | undefined> => {
  try {
    // Bounded: a cluster client queues commands while a slot's master is failing over.
    const raw = await Promise.race([redis.hget(auctionCacheKey(auctionId), 'version'), sleep(2_000).then(() => null)]);
    const version = raw === null ? undefined : (JSON.parse(raw) as unknown);
    return typeof version === 'number' ? version : undefined;
  } catch {
    return undefined;
  }
};

/** What is not yet at (or past) `heads`, one line each; empty once everything has caught up. */
export const laggards = async (readers: LiveReaders, heads: ReadonlyMap<string, number>): Promise<string[]> => {
  const out: string[] = [];
  await Promise.all([...heads].map(async ([auctionId, head]) => {
    const api = await readApiVersion(readers.url, auctionId);
    if (api === undefined || api < head) out.push(`read API of ${auctionId} at ${api ?? 'nothing'}, log at ${head}`);
    if (readers.redis !== undefined) {
      const cached = await cacheVersion(readers.redis, auctionId);
      if (cached === undefined || cached < head) out.push(`live cache of ${auctionId} at ${cached ?? 'nothing'}, log at ${head}`);
    }
    for (const s of readers.subscribers) {
      if (!s.auctionIds.includes(auctionId)) continue;
      const last = s.last(auctionId);
      if (last === undefined || last < head) out.push(`${s.name} on ${auctionId} at ${last ?? 'nothing'}, log at ${head}`);
    }
  }));
  return out.sort();
};
