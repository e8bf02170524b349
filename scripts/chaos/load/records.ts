// What the load records: every answer each Idempotency-Key received, in order, with when it was
// sent and received; and every frame version each subscriber received per auction. The checks
// (checks/) read only these records, the event log and the services' state.

/** One answer to one attempt: an HTTP answer, or a network failure (refused, reset, timed out). */
export type Answer =
  | { readonly kind: 'http'; readonly status: number; readonly code: string | undefined; readonly body: unknown; readonly replayed: boolean }
  | { readonly kind: 'network'; readonly error: string };

export interface Attempt {
  /** When it was sent and answered (ms since the epoch). */
  readonly sentAt: number;
  readonly at: number;
  readonly answer: Answer;
  /** `load`: while the load ran (the client retried until a final answer); `confirm`: the same request sent again after it, to see that the answer is replayed. */
  readonly phase: 'load' | 'confirm';
}

/** One bid, one Idempotency-Key, and every attempt made with it (the same body each time). */
export interface KeyRecord {
  readonly userId: string;
  readonly key: string;
  readonly auctionId: string;
  readonly maxAmount: number;
  readonly attempts: Attempt[];
}

/** What a subscriber saw of one auction, in order; `connected` marks each (re)connection. */
export type FrameEntry =
  | { readonly kind: 'snapshot'; readonly version: number }
  | { readonly kind: 'update'; readonly version: number }
  | { readonly kind: 'connected' };
