// The page's live connection (DESIGN.md section 6): one WebSocket to the realtime server, any number
// of watched auctions. A snapshot on subscribe, then `auction.updated` frames in version order; a
// frame that skips a version, or a reconnect, resubscribes with `sinceVersion` so nothing is missed,
// and frames already seen are dropped so nothing is applied twice. A lost connection is retried with
// exponential backoff and jitter, and the page shows that it is reconnecting.
// Signed in, the socket also carries the user's notifications: the page sends `{"type":"auth"}` with
// its token on every (re)connection and whenever the token changes, and hears `authenticated`,
// `notification` frames, and the sign-in errors (UNAUTHENTICATED, TOKEN_EXPIRED,
// NOTIFICATIONS_UNAVAILABLE, which is retried).

/**
 * @typedef {{ auctionId: string, version: number, currentPrice: number, leader: string | null, bidCount: number, endsAt: string, status: string }} AuctionUpdate
 * @typedef {Record<string, any> & { auctionId: string, version: number }} AuctionSnapshot
 * @typedef {{ state: 'idle' | 'connecting' | 'open' | 'reconnecting' | 'offline' | 'unavailable', attempt: number, retryInMs?: number, message?: string }} LiveStatus
 * @typedef {{ onSnapshot: (auction: AuctionSnapshot) => void, onUpdate: (update: AuctionUpdate) => void, onError: (code: string, message: string) => void }} Watcher
 * @typedef {{ version: number | undefined, watchers: Set<Watcher>, resyncSince: number | undefined, resyncAt: number }} Subscription
 * @typedef {{ state: 'signed-out' | 'pending' | 'authenticated' | 'refused' | 'expired' | 'unavailable', userId?: string, message?: string }} AuthStatus
 * @typedef {Record<string, any> & { id: string, kind: string, auctionId: string }} NotificationFrame
 */

/** The error codes about the socket's sign-in, not about an auction. */
const AUTH_ERRORS = new Set(['UNAUTHENTICATED', 'TOKEN_EXPIRED', 'NOTIFICATIONS_UNAVAILABLE']);
/** How long after NOTIFICATIONS_UNAVAILABLE the page signs the socket in again. */
const AUTH_RETRY_MS = 5_000;
/**
 * The server takes 20 frames a second per socket (bursts of 40) and ignores the rest: the page
 * sends at most SEND_PER_SECOND, in bursts of SEND_BURST, and queues the others in order (a list
 * of 40 auctions, or a reconnection resubscribing them all, is paced, never refused).
 */
const SEND_BURST = 30;
const SEND_PER_SECOND = 15;

/**
 * What to do with an `auction.updated` frame, given the version already applied.
 * @param {number | undefined} known the version applied so far (undefined before the snapshot)
 * @param {number} version the frame's version
 * @returns {'apply' | 'duplicate' | 'gap' | 'early'}
 */
export function classifyFrame(known, version) {
  if (known === undefined) return 'early';
  if (version <= known) return 'duplicate';
  return version === known + 1 ? 'apply' : 'gap';
}

/**
 * The wait before reconnect attempt `attempt` (0, 1, 2, ...): exponential from `baseMs`, capped at
 * `capMs`, with "equal jitter" (half fixed, half random) so many clients do not return in step.
 * @param {number} attempt
 * @param {number} random a number in [0, 1)
 * @param {{ baseMs?: number, capMs?: number }} [options]
 * @returns {number}
 */
export function backoffDelay(attempt, random, options = {}) {
  const base = options.baseMs ?? 500;
  const cap = options.capMs ?? 15_000;
  const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/** How long a resubscription may stay unanswered before a later gap asks again. */
const RESYNC_PATIENCE_MS = 5_000;
/** The server sends `time` frames periodically; this long without any frame means a dead connection. */
const SILENCE_LIMIT_MS = 90_000;

export class LiveConnection {
  /**
   * @param {{
   *   url: string | undefined, onStatus: (status: LiveStatus) => void, onTime: (serverTime: string) => void,
   *   onAuth?: (status: AuthStatus) => void, onNotification?: (frame: NotificationFrame) => void,
   * }} options
   *   `url` undefined: the server named no realtime endpoint; the connection reports `unavailable`.
   */
  constructor(options) {
    this.url = options.url;
    this.onStatus = options.onStatus;
    this.onTime = options.onTime;
    this.onAuth = options.onAuth ?? (() => undefined);
    this.onNotification = options.onNotification ?? (() => undefined);
    /** @type {string | undefined} the token the socket signs in with */
    this.authToken = undefined;
    /** @type {AuthStatus} */
    this.auth = { state: 'signed-out' };
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.authRetryTimer = undefined;
    /** @type {string[]} frames waiting for the send rate */
    this.outbox = [];
    this.sendTokens = SEND_BURST;
    this.sendRefilledAt = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.drainTimer = undefined;
    /** @type {Map<string, Subscription>} */
    this.subscriptions = new Map();
    /** @type {WebSocket | undefined} */
    this.socket = undefined;
    this.attempt = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retryTimer = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.silenceTimer = undefined;
    this.started = false;
    /** @type {LiveStatus} */
    this.status = { state: 'idle', attempt: 0 };
    window.addEventListener('offline', () => this.goOffline());
    window.addEventListener('online', () => this.reconnectNow());
  }

  /**
   * Watches an auction: `onSnapshot` with its state, then `onUpdate` for each change in version
   * order. Returns the function that stops watching.
   * @param {string} auctionId
   * @param {Watcher} watcher
   * @returns {() => void}
   */
  watch(auctionId, watcher) {
    let sub = this.subscriptions.get(auctionId);
    if (sub === undefined) {
      sub = { version: undefined, watchers: new Set(), resyncSince: undefined, resyncAt: 0 };
      this.subscriptions.set(auctionId, sub);
      this.sendSubscribe(auctionId, undefined);
    }
    sub.watchers.add(watcher);
    this.start();
    const watched = sub;
    return () => {
      watched.watchers.delete(watcher);
      if (watched.watchers.size === 0 && this.subscriptions.get(auctionId) === watched) {
        this.subscriptions.delete(auctionId);
        this.send({ type: 'unsubscribe', auctionId });
      }
    };
  }

  /**
   * Signs the socket in with `token` (sent now when connected, and again on every reconnection), or
   * out with undefined (the server has no sign-out frame: the socket is replaced by a fresh one).
   * @param {string | undefined} token
   */
  authenticate(token) {
    if (token === this.authToken) return;
    const wasSignedIn = this.authToken !== undefined;
    this.authToken = token;
    clearTimeout(this.authRetryTimer);
    if (token === undefined) {
      this.setAuth({ state: 'signed-out' });
      if (wasSignedIn && this.socket !== undefined) {
        const socket = this.socket;
        this.socket = undefined;
        clearTimeout(this.silenceTimer);
        socket.close(1000, 'signed out');
        this.attempt = 0;
        this.connect();
      }
      return;
    }
    this.sendAuth();
    this.start();
  }

  sendAuth() {
    if (this.authToken === undefined) return;
    const socket = this.socket;
    if (socket === undefined || socket.readyState !== WebSocket.OPEN) return;
    this.setAuth({ state: 'pending' });
    this.send({ type: 'auth', token: this.authToken });
  }

  /** @param {AuthStatus} status */
  setAuth(status) {
    this.auth = status;
    this.onAuth(status);
  }

  start() {
    if (this.started) return;
    this.started = true;
    if (this.url === undefined) {
      this.setStatus({ state: 'unavailable', attempt: 0, message: 'This server names no realtime endpoint: prices update only when you reload.' });
      return;
    }
    this.connect();
  }

  connect() {
    if (this.url === undefined) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (!navigator.onLine) {
      this.goOffline();
      return;
    }
    this.setStatus({ state: this.attempt === 0 ? 'connecting' : 'reconnecting', attempt: this.attempt });
    /** @type {WebSocket} */
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch (error) {
      this.scheduleReconnect(`cannot open ${this.url}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.socket = socket;
    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.setStatus({ state: 'open', attempt: 0 });
      this.heard();
      // A fresh socket has a fresh rate allowance; what waited for the old one is sent again below.
      this.outbox = [];
      this.sendTokens = SEND_BURST;
      this.sendRefilledAt = Date.now();
      // Signed in again first, so no notification waits behind the subscriptions.
      this.sendAuth();
      // Every watched auction, resuming after the last version applied (a snapshot when none yet).
      for (const [auctionId, sub] of this.subscriptions) {
        sub.resyncSince = undefined;
        this.sendSubscribe(auctionId, sub.version);
      }
    });
    socket.addEventListener('message', (event) => {
      if (this.socket !== socket) return;
      this.heard();
      this.receive(event.data);
    });
    // Every close reconnects (unless the browser is offline): 1001 Going Away, a node shutting
    // down, included; the balancer sends the new connection to another node, and the 'open'
    // handler resumes each auction from the last version applied.
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      clearTimeout(this.silenceTimer);
      if (this.status.state === 'offline') return;
      this.scheduleReconnect(event.reason !== '' ? event.reason : undefined);
    });
    // An 'error' is always followed by 'close', which reconnects.
  }

  /** @param {string | undefined} message */
  scheduleReconnect(message) {
    const delay = backoffDelay(this.attempt, Math.random());
    this.attempt += 1;
    this.setStatus({ state: 'reconnecting', attempt: this.attempt, retryInMs: delay, ...(message !== undefined ? { message } : {}) });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  goOffline() {
    if (this.url === undefined || !this.started) return;
    clearTimeout(this.retryTimer);
    this.setStatus({ state: 'offline', attempt: this.attempt });
    const socket = this.socket;
    this.socket = undefined;
    socket?.close(1000, 'offline');
  }

  reconnectNow() {
    if (this.url === undefined || !this.started) return;
    if (this.socket !== undefined && this.socket.readyState <= WebSocket.OPEN) return;
    this.attempt = Math.max(this.attempt, 1);
    this.connect();
  }

  /** Any frame: the connection is alive; silence for too long closes it, and the close reconnects. */
  heard() {
    clearTimeout(this.silenceTimer);
    const socket = this.socket;
    this.silenceTimer = setTimeout(() => {
      if (this.socket === socket) socket?.close(4000, 'no frame for too long');
    }, SILENCE_LIMIT_MS);
  }

  /** @param {unknown} data */
  receive(data) {
    /** @type {any} */
    let frame;
    try {
      frame = JSON.parse(String(data));
    } catch {
      return;
    }
    if (frame === null || typeof frame !== 'object') return;
    switch (frame.type) {
      case 'time':
        if (typeof frame.serverTime === 'string') this.onTime(frame.serverTime);
        return;
      case 'snapshot':
        if (frame.auction !== null && typeof frame.auction === 'object') this.applySnapshot(frame.auction);
        return;
      case 'auction.updated':
        this.applyUpdate(frame);
        return;
      case 'error':
        if (typeof frame.auctionId !== 'string' && AUTH_ERRORS.has(frame.code)) this.authError(frame.code, String(frame.message ?? ''));
        else this.reportError(frame);
        return;
      case 'authenticated':
        if (typeof frame.userId === 'string') this.setAuth({ state: 'authenticated', userId: frame.userId });
        return;
      case 'notification':
        if (typeof frame.id === 'string' && typeof frame.kind === 'string' && typeof frame.auctionId === 'string') this.onNotification(frame);
        return;
      default:
        return;
    }
  }

  /** @param {AuctionSnapshot} auction */
  applySnapshot(auction) {
    const sub = this.subscriptions.get(auction.auctionId);
    if (sub === undefined || typeof auction.version !== 'number') return;
    if (sub.version !== undefined && auction.version < sub.version) return;
    sub.version = auction.version;
    sub.resyncSince = undefined;
    for (const w of sub.watchers) w.onSnapshot(auction);
  }

  /** @param {AuctionUpdate} update */
  applyUpdate(update) {
    const sub = this.subscriptions.get(update.auctionId);
    if (sub === undefined || typeof update.version !== 'number') return;
    const verdict = classifyFrame(sub.version, update.version);
    if (verdict === 'apply') {
      sub.version = update.version;
      sub.resyncSince = undefined;
      for (const w of sub.watchers) w.onUpdate(update);
    } else if (verdict === 'gap' && sub.version !== undefined) {
      // Missed a change: ask again from the last version applied (once, until answered or stale).
      const now = Date.now();
      if (sub.resyncSince !== sub.version || now - sub.resyncAt > RESYNC_PATIENCE_MS) {
        sub.resyncSince = sub.version;
        sub.resyncAt = now;
        this.send({ type: 'unsubscribe', auctionId: update.auctionId });
        this.sendSubscribe(update.auctionId, sub.version);
      }
    }
    // 'duplicate': seen already; 'early': before the snapshot, which will include it.
  }

  /**
   * @param {string} code
   * @param {string} message
   */
  authError(code, message) {
    if (code === 'NOTIFICATIONS_UNAVAILABLE') {
      this.setAuth({ state: 'unavailable', message });
      clearTimeout(this.authRetryTimer);
      this.authRetryTimer = setTimeout(() => this.sendAuth(), AUTH_RETRY_MS);
    } else {
      this.setAuth({ state: code === 'TOKEN_EXPIRED' ? 'expired' : 'refused', message });
    }
  }

  /** @param {{ code?: unknown, message?: unknown, auctionId?: unknown }} frame */
  reportError(frame) {
    const code = typeof frame.code === 'string' ? frame.code : 'ERROR';
    const message = typeof frame.message === 'string' ? frame.message : 'the realtime server reported an error';
    const targets = typeof frame.auctionId === 'string'
      ? [this.subscriptions.get(frame.auctionId)]
      : [...this.subscriptions.values()];
    for (const sub of targets) for (const w of sub?.watchers ?? []) w.onError(code, message);
  }

  /**
   * @param {string} auctionId
   * @param {number | undefined} sinceVersion
   */
  sendSubscribe(auctionId, sinceVersion) {
    this.send(sinceVersion === undefined ? { type: 'subscribe', auctionId } : { type: 'subscribe', auctionId, sinceVersion });
  }

  /**
   * Asks again for an auction's snapshot (after an error frame such as an unknown auction that the
   * live cache has not seen yet).
   * @param {string} auctionId
   */
  resubscribe(auctionId) {
    const sub = this.subscriptions.get(auctionId);
    if (sub === undefined) return;
    this.send({ type: 'unsubscribe', auctionId });
    this.sendSubscribe(auctionId, sub.version);
  }

  /** @param {Record<string, unknown>} message */
  send(message) {
    const socket = this.socket;
    // Not open: the 'open' handler signs in and subscribes to every watched auction.
    if (socket === undefined || socket.readyState !== WebSocket.OPEN) return;
    this.outbox.push(JSON.stringify(message));
    this.drain();
  }

  /** Sends queued frames within the send rate; schedules itself for the rest. */
  drain() {
    const socket = this.socket;
    if (socket === undefined || socket.readyState !== WebSocket.OPEN) {
      this.outbox = [];
      return;
    }
    const now = Date.now();
    this.sendTokens = Math.min(SEND_BURST, this.sendTokens + ((now - this.sendRefilledAt) * SEND_PER_SECOND) / 1000);
    this.sendRefilledAt = now;
    while (this.outbox.length > 0 && this.sendTokens >= 1) {
      socket.send(/** @type {string} */ (this.outbox.shift()));
      this.sendTokens -= 1;
    }
    if (this.outbox.length > 0 && this.drainTimer === undefined) {
      this.drainTimer = setTimeout(() => {
        this.drainTimer = undefined;
        this.drain();
      }, Math.ceil(1000 / SEND_PER_SECOND));
    }
  }

  /** @param {LiveStatus} status */
  setStatus(status) {
    this.status = status;
    this.onStatus(status);
  }
}
