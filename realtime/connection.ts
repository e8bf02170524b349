// One WebSocket connection: its frames in (within a frame budget), its subscriptions (at most a
// limit), the user it signed in as (an auth frame: that user's notifications until the token
// expires), and the sending side the relays use. Whatever a client sends is answered, never
// thrown; a client that keeps sending over its budget is closed.
import type { WebSocket } from 'uWebSockets.js';
import type { AuctionRelay, RelayMember } from './auction-relay.js';
import { parseClientFrame } from './client-frames.js';
import { FrameBudget } from './frame-budget.js';
import type { AuthenticatedFrame, ErrorCode, ErrorFrame } from './server-frames.js';
import { CloseCode, errorText } from './server-frames.js';
import type { RealtimeMetrics } from './metrics.js';
import { UserRelays } from './user-relays.js';

/** A verified token: whose it is and until when (epoch ms). Refusals throw, with a message for the client. */
export type SocketTokenVerifier = (token: string) => Promise<{ readonly userId: string; readonly expiresAtMs: number }>;

/** How sockets sign in: absent on a node without notifications (auth frames are then refused). */
export interface SocketAuth {
  readonly verify: SocketTokenVerifier;
  readonly users: UserRelays;
  /** Wall-clock milliseconds (tokens expire by it). */
  readonly now: () => number;
}

export interface ConnectionContext {
  readonly maxFrameBytes: number;
  readonly maxSubscriptions: number;
  readonly framesPerSecond: number;
  readonly frameBurst: number;
  /** Monotonic milliseconds (the frame budget's clock). */
  readonly now: () => number;
  readonly relayFor: (auctionId: string) => AuctionRelay;
  readonly metrics: RealtimeMetrics;
  readonly auth?: SocketAuth;
}

/** Longest wait setTimeout takes (about 24.8 days); a later expiry is checked again then. */
const MAX_TIMER_MS = 2_147_483_647;

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
  /** The signed-in user, and the timer that signs it out when its token expires. */
  private user: { readonly userId: string; readonly timer: NodeJS.Timeout } | undefined;
  /** Increases with each auth frame: an answer to an older one is dropped. */
  private authAttempt = 0;

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
      case 'auth':
        this.authenticate(frame.token);
        return;
    }
  }

  /**
   * Signs the socket in as the token's user (signing out whoever it was): the user's notifications
   * follow from the `authenticated` answer on. A refused token signs the socket out.
   */
  private authenticate(token: string): void {
    const auth = this.context.auth;
    const attempt = ++this.authAttempt;
    this.signOut();
    if (auth === undefined) {
      this.error({ type: 'error', code: 'NOTIFICATIONS_UNAVAILABLE', message: 'this node serves no personal notifications' });
      return;
    }
    const current = () => !this.closed && attempt === this.authAttempt;
    auth.verify(token).then(
      async ({ userId, expiresAtMs }) => {
        if (!current()) return;
        try {
          await auth.users.join(userId);
        } catch {
          if (current()) this.error({ type: 'error', code: 'NOTIFICATIONS_UNAVAILABLE', message: 'notifications cannot be followed now; send the auth frame again later' });
          return;
        }
        if (!current()) {
          auth.users.leave(userId);
          return;
        }
        const wait = Math.min(Math.max(expiresAtMs - auth.now(), 0), MAX_TIMER_MS);
        const timer = setTimeout(() => this.expire(), wait);
        timer.unref();
        this.user = { userId, timer };
        this.ws.subscribe(UserRelays.topicOf(userId));
        const answer: AuthenticatedFrame = { type: 'authenticated', userId, expiresAt: new Date(expiresAtMs).toISOString() as AuthenticatedFrame['expiresAt'] };
        this.send([JSON.stringify(answer)]);
      },
      (err: unknown) => {
        if (current()) this.error({ type: 'error', code: 'UNAUTHENTICATED', message: err instanceof Error ? err.message : 'the token was refused' });
      },
    );
  }

  private expire(): void {
    if (this.user === undefined || this.closed) return;
    this.signOut();
    this.error({ type: 'error', code: 'TOKEN_EXPIRED', message: 'the token expired: send an auth frame with a fresh token to go on getting notifications' });
  }

  private signOut(): void {
    const user = this.user;
    if (user === undefined) return;
    this.user = undefined;
    clearTimeout(user.timer);
    if (!this.closed) this.ws.unsubscribe(UserRelays.topicOf(user.userId));
    this.context.auth?.users.leave(user.userId);
  }

  onClose(code: number): void {
    this.closed = true;
    this.signOut();
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
