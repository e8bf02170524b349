// One WebSocket connection: its frames in, its subscriptions (at most a limit), and the sending
// side the auction relays use. Whatever a client sends is answered, never thrown.
import type { WebSocket } from 'uWebSockets.js';
import type { AuctionRelay, RelayMember } from './auction-relay.js';
import { parseClientFrame } from './client-frames.js';
import type { ErrorCode, ErrorFrame } from './server-frames.js';
import { errorText } from './server-frames.js';
import type { RealtimeMetrics } from './metrics.js';

export interface ConnectionContext {
  readonly maxFrameBytes: number;
  readonly maxSubscriptions: number;
  readonly relayFor: (auctionId: string) => AuctionRelay;
  readonly metrics: RealtimeMetrics;
}

export interface SocketData {
  connection?: Connection;
}

const SEND_DROPPED = 2;

export class Connection implements RelayMember {
  private closed = false;
  private readonly subscriptions = new Map<string, AuctionRelay>();

  constructor(private readonly ws: WebSocket<SocketData>, private readonly context: ConnectionContext) {}

  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  onMessage(message: ArrayBuffer, isBinary: boolean): void {
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
