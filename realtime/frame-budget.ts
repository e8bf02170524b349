// The frames one socket may send: a token bucket (`perSecond` on average, at most `burst` at once)
// checked before a frame is even decoded, and what happens past it. The first frame over the
// budget is answered with RATE_LIMITED and ignored, the following ones are ignored silently; a
// socket that keeps sending while refused (`burst` refused frames without an accepted one in
// between) is closed. Synchronous, one per socket, so frames are judged in the order they came.

export type FrameVerdict =
  /** Within the budget: handle the frame. */
  | 'accept'
  /** Over it, the first time since the last accepted frame: tell the client, ignore the frame. */
  | 'refuse-and-tell'
  /** Over it again: ignore the frame. */
  | 'refuse'
  /** Over it `burst` times in a row: close the socket. */
  | 'close';

export class FrameBudget {
  private tokens: number;
  private last: number;
  private refusedInARow = 0;

  constructor(private readonly perSecond: number, private readonly burst: number, now: number) {
    if (!(perSecond > 0) || !(burst >= 1)) throw new Error(`frame budget: ${perSecond}/s, burst ${burst} is not a budget`);
    this.tokens = burst;
    this.last = now;
  }

  /** Judges one frame arriving at `now` (milliseconds, monotonic). */
  take(now: number): FrameVerdict {
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perSecond) / 1000);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.refusedInARow = 0;
      return 'accept';
    }
    this.refusedInARow += 1;
    if (this.refusedInARow >= this.burst) return 'close';
    return this.refusedInARow === 1 ? 'refuse-and-tell' : 'refuse';
  }
}
