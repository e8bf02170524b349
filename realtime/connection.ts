// One WebSocket connection: its frames in (within a frame budget), its subscriptions (at most a
// limit), and the sending side the auction relays use. Whatever a client sends is answered, never
// thrown; a client that keeps sending over its budget is closed.
import type { WebSocket } from 'uWebSockets.js';
import type { AuctionRelay, RelayMember } from './auction-relay.js';
import { parseClientFrame } from './client-frames.js';
import { FrameBudget } from './frame-budget.js';
import type { ErrorCode, ErrorFrame } from './server-frames.js';
import { CloseCode, errorText } from './server-frames.js';
import type { RealtimeMetrics } from './metrics.js';

export interface ConnectionContext {
  readonly maxFrameBytes: number;
  readonly maxSubscriptions: number;
  readonly framesPerSecond: number;
  readonly frameBurst: number;
  /** Monotonic milliseconds (the frame budget's clock). */
  readonly now: () => number;
  readonly relayFor: (auctionId: string) => AuctionRelay;
  readonly metrics: RealtimeMetrics;
}

export interface SocketData {
  /** The remote address as uWS saw it at the upgrade (the per-address connection limit's key). */
  address: string;
  connection?: Connection;
}

const SEND_DROPPED = 2;

export class Connection implements RelayMember {
  private closed = false;
  private readonly subscriptions = new Map<string, AuctionRelay>();
  private readonly budget: FrameBudget;

  constructor(private readonly ws: WebSocket<SocketData>, private readonly context: ConnectionContext) {
    this.budget = new FrameBudget(context.framesPerSecond, context.frameBurst, context.now());
  }

  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  onMessage(message: ArrayBuffer, isBinary: boolean): void {
    if (this.closed) return;
    // Every frame costs, before anything is decoded; over the budget it does nothing more.
    switch (this.budget.take(this.context.now())) {
      case 'accept':
        break;
      case 'refuse':
        return;
      case 'refuse-and-tell':
        this.error({ type: 'error', code: 'RATE_LIMITED', message: this.rateMessage('this frame was ignored; slow down or the connection is closed') });
        return;
      case 'close':
        this.error({ type: 'error', code: 'RATE_LIMITED', message: this.rateMessage('the connection is closed') });
        this.context.metrics.rateLimitCloses.inc();
        this.closed = true;
        this.ws.end(CloseCode.POLICY_VIOLATION, 'frame rate limit exceeded');
        return;
    }
    if (isBinary) {
      this.error({ type: 'error', code: 'BINARY_NOT_SUPPORTED', message: 'frames are JSON text; binary frames are not understood' });
      return;
    }
    const bytes = message.byteLength;
    // Over the limit, the text is not even decoded.
    const text = bytes > this.context.maxFrameBytes ? '' : Buffer.from(message).toString('utf8');
    const parsed = parseClientFrame(text, bytes, this.context.maxFrameBytes);
    if (!parsed.ok) {
      this.error(parsed.error);
      return;
    }
    const frame = parsed.frame;
    switch (frame.type) {
      case 'subscribe': {
        const existing = this.subscriptions.get(frame.auctionId);
        if (existing === undefined && this.subscriptions.size >= this.context.maxSubscriptions) {
          this.error({
            type: 'error',
            code: 'TOO_MANY_SUBSCRIPTIONS',
            message: `a connection may follow at most ${this.context.maxSubscriptions} auctions; unsubscribe from one first`,
            auctionId: frame.auctionId,
          });
          return;
        }
        const relay = existing ?? this.context.relayFor(frame.auctionId);
        this.subscriptions.set(frame.auctionId, relay);
        relay.join(this, frame.sinceVersion);
        return;
      }
      case 'unsubscribe': {
        const relay = this.subscriptions.get(frame.auctionId);
        if (relay === undefined) return;
        this.subscriptions.delete(frame.auctionId);
        relay.leave(this);
        return;
      }
    }
  }

  onClose(code: number): void {
    this.closed = true;
    this.context.metrics.disconnects.inc({ code: String(code) });
    for (const relay of this.subscriptions.values()) relay.leave(this);
    this.subscriptions.clear();
  }

  /** Sends texts in order, in one write; stops at the first one dropped over the backpressure limit. */
  send(texts: readonly string[]): void {
    if (this.closed) return;
    this.ws.cork(() => {
      for (const text of texts) {
        this.context.metrics.frames.inc({ type: frameType(text) });
        if (this.ws.send(text, false, false) === SEND_DROPPED) return;
      }
    });
  }

  joinTopic(topic: string): void {
    if (!this.closed) this.ws.subscribe(topic);
  }

  leaveTopic(topic: string): void {
    if (!this.closed) this.ws.unsubscribe(topic);
  }

  failed(auctionId: string, code: ErrorCode, message: string): void {
    if (this.subscriptions.has(auctionId)) this.subscriptions.delete(auctionId);
    this.error({ type: 'error', code, message, auctionId });
  }

  private rateMessage(outcome: string): string {
    return `at most ${this.context.framesPerSecond} frames per second (${this.context.frameBurst} at once); ${outcome}`;
  }

  private error(frame: ErrorFrame): void {
    this.context.metrics.clientErrors.inc({ code: frame.code });
    this.send([errorText(frame)]);
  }
}

/** The type of a frame we wrote ourselves: `{"type":"…",` always leads. */
const frameType = (text: string): string => {
  const end = text.indexOf('"', 9);
  return text.startsWith('{"type":"') && end > 9 ? text.slice(9, end) : 'other';
};
