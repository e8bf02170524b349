// The bidding load: N bidder clients over HTTP, each in a loop: pick one of the run's auctions, send
// a bid with its own Idempotency-Key and a maximum above what it last saw of the auction (and above
// its own last maximum there, so a refused bid stays refused however late it is retried), and
// RETRY the same key with the same body on a network failure, a 5xx, 408, 429 or 409
// IDEMPOTENCY_KEY_IN_PROGRESS, with a short backoff (Retry-After honoured up to 1 s), until a final
// answer. Every attempt is recorded (records.ts). After the load, `confirm` sends some keys once
// more to see their first answer replayed.
import { randomInt, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isFinal } from '../checks/answers.js';
import { postJson } from './http.js';
import type { Attempt, KeyRecord } from './records.js';

export interface Bidder {
  readonly userId: string;
  readonly token: string;
}

export interface BidLoadOptions {
  readonly url: string;
  readonly bidders: readonly Bidder[];
  readonly auctionIds: readonly string[];
  readonly startingPrice: number;
  /** Pause between one bidder's bids, in ms (random in [min, max]). */
  readonly paceMs: readonly [number, number];
  /** One attempt's timeout (then it counts as a network failure and is retried). */
  readonly requestTimeoutMs: number;
}

const backoffMs = (retry: number, retryAfterMs: number | undefined): number =>
  Math.min(retryAfterMs ?? Number.POSITIVE_INFINITY, Math.min(100 * 2 ** Math.min(retry, 4), 1_000));

export class BidLoad {
  readonly records: KeyRecord[] = [];
  private stopping = false;
  /** Retries stop here (set when the load stops): keys still unanswered then stay unresolved. */
  private retryDeadline = Number.POSITIVE_INFINITY;
  /** Per auction, the least maximum the answers suggest could be accepted. */
  private readonly floor = new Map<string, number>();
  /** Per bidder and auction, its last maximum. */
  private readonly ownLast = new Map<string, number>();
  private loops: Promise<void>[] = [];

  constructor(private readonly options: BidLoadOptions) {}

  start(): void {
    this.loops = this.options.bidders.map((bidder) => this.bidderLoop(bidder));
  }

  /** No new bids; keys in flight keep retrying for up to `boundMs`, then are left unresolved. */
  async stop(boundMs: number): Promise<void> {
    this.stopping = true;
    this.retryDeadline = Date.now() + boundMs;
    await Promise.all(this.loops);
  }

  /**
   * Sends again, once each (retried until a final answer, for up to `boundMs`), every key that was
   * retried during the load and a random sample of `sample` other answered keys.
   */
  async confirm(sample: number, boundMs: number, concurrency = 16): Promise<number> {
    const answered = this.records.filter((r) => r.attempts.some((a) => isFinal(a.answer)));
    const retried = answered.filter((r) => r.attempts.length > 1);
    const others = answered.filter((r) => r.attempts.length === 1);
    for (let i = others.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [others[i], others[j]] = [others[j]!, others[i]!];
    }
    const chosen = [...retried, ...others.slice(0, sample)];
    this.retryDeadline = Date.now() + boundMs;
    const tokens = new Map(this.options.bidders.map((b) => [b.userId, b.token]));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < chosen.length) {
        const record = chosen[next++]!;
        await this.sendUntilFinal(record, tokens.get(record.userId)!, 'confirm');
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return chosen.length;
  }

  private async bidderLoop(bidder: Bidder): Promise<void> {
    const { auctionIds, paceMs } = this.options;
    while (!this.stopping) {
      const auctionId = auctionIds[randomInt(auctionIds.length)]!;
      const ownKey = `${bidder.userId}\u0000${auctionId}`;
      const least = Math.max(this.floor.get(auctionId) ?? this.options.startingPrice, (this.ownLast.get(ownKey) ?? 0) + 1);
      const maxAmount = least + randomInt(0, 400);
      this.ownLast.set(ownKey, maxAmount);
      const record: KeyRecord = { userId: bidder.userId, key: randomUUID(), auctionId, maxAmount, attempts: [] };
      this.records.push(record);
      await this.sendUntilFinal(record, bidder.token, 'load');
      await sleep(randomInt(paceMs[0], paceMs[1] + 1));
    }
  }

  private async sendUntilFinal(record: KeyRecord, token: string, phase: Attempt['phase']): Promise<void> {
    const url = `${this.options.url}/v1/auctions/${record.auctionId}/bids`;
    for (let retry = 0; ; retry++) {
      const sentAt = Date.now();
      const { answer, retryAfterMs } = await postJson(url, { token, key: record.key, body: { maxAmount: record.maxAmount }, timeoutMs: this.options.requestTimeoutMs });
      record.attempts.push({ sentAt, at: Date.now(), answer, phase });
      if (isFinal(answer)) {
        this.learn(record.auctionId, answer.status, answer.body);
        return;
      }
      if (Date.now() >= this.retryDeadline) return;
      await sleep(backoffMs(retry, retryAfterMs));
    }
  }

  /** Raises the auction's floor from an answer: the price after a 201, the minimum of a BID_TOO_LOW. */
  private learn(auctionId: string, status: number, body: unknown): void {
    const b = body as { currentPrice?: unknown; error?: { details?: { minimumAmount?: unknown } } } | undefined;
    const seen = status === 201 ? b?.currentPrice : b?.error?.details?.minimumAmount;
    if (typeof seen === 'number' && seen > (this.floor.get(auctionId) ?? 0)) this.floor.set(auctionId, seen + (status === 201 ? 1 : 0));
  }
}
