// The seller of each fault's auctions: creates them over HTTP (each with an Idempotency-Key, retried
// until created), open at once, soft close off, ending when the plan says (by default well after
// the run, so that every bid the run sends is decided by price alone).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { postJson } from './http.js';

export interface AuctionPlan {
  readonly count: number;
  readonly startingPrice: number;
  /** From now until auction `index` ends. */
  readonly lastsMs: (index: number) => number;
  readonly title: string;
}

export interface CreatedAuction {
  readonly auctionId: string;
  /** When it ends (ms since the epoch). */
  readonly endsAt: number;
}

export const createAuctions = async (url: string, sellerToken: string, plan: AuctionPlan): Promise<CreatedAuction[]> => {
  const now = Date.now();
  const create = async (index: number): Promise<CreatedAuction> => {
    const key = randomUUID();
    const endsAt = now + plan.lastsMs(index);
    const body = { title: `${plan.title} #${index + 1}`, currency: 'USD', startingPrice: plan.startingPrice, endsAt: new Date(endsAt).toISOString() };
    for (let retry = 0; retry < 100; retry++) {
      const { answer } = await postJson(`${url}/v1/auctions`, { token: sellerToken, key, body, timeoutMs: 10_000 });
      if (answer.kind === 'http' && answer.status === 201) return { auctionId: (answer.body as { auctionId: string }).auctionId, endsAt };
      if (answer.kind === 'http' && answer.status >= 400 && answer.status < 500 && answer.status !== 409 && answer.status !== 429) {
        throw new Error(`creating an auction was refused: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
      await sleep(200);
    }
    throw new Error('could not create an auction within 100 attempts');
  };
  return Promise.all(Array.from({ length: plan.count }, (_, i) => create(i)));
};
