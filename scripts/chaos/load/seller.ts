// The seller of each fault's auctions: creates them over HTTP (each with an Idempotency-Key, retried
// until created), open at once, ending well after the run, soft close off, so that every bid the
// run sends is decided by price alone.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { postJson } from './http.js';

export interface AuctionPlan {
  readonly count: number;
  readonly startingPrice: number;
  /** From now until the auctions end. */
  readonly lastsMs: number;
  readonly title: string;
}

export const createAuctions = async (url: string, sellerToken: string, plan: AuctionPlan): Promise<string[]> => {
  const endsAt = new Date(Date.now() + plan.lastsMs).toISOString();
  const create = async (index: number): Promise<string> => {
    const key = randomUUID();
    const body = { title: `${plan.title} #${index + 1}`, currency: 'USD', startingPrice: plan.startingPrice, endsAt };
    for (let retry = 0; retry < 100; retry++) {
      const { answer } = await postJson(`${url}/v1/auctions`, { token: sellerToken, key, body, timeoutMs: 10_000 });
      if (answer.kind === 'http' && answer.status === 201) return (answer.body as { auctionId: string }).auctionId;
      if (answer.kind === 'http' && answer.status >= 400 && answer.status < 500 && answer.status !== 409 && answer.status !== 429) {
        throw new Error(`creating an auction was refused: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
      await sleep(200);
    }
    throw new Error('could not create an auction within 100 attempts');
  };
  return Promise.all(Array.from({ length: plan.count }, (_, i) => create(i)));
};
