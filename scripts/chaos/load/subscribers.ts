// WebSocket subscribers (the `ws` client) following a few auctions each, as the README's protocol
// asks a client to: subscribe (a snapshot, then every change); on a close or an error, reconnect
// with a backoff and resume each auction with `sinceVersion` = the last version it holds; on a
// subscription that failed (LIVE_FEED_UNAVAILABLE, AUCTION_NOT_FOUND) subscribe to it again a
// moment later. Every snapshot and update is recorded as received (records.ts); the checks decide
// whether anything was missed or doubled.
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import type { FrameEntry } from './records.js';

interface Received {
  readonly type?: unknown;
  readonly auctionId?: unknown;
  readonly version?: unknown;
  readonly code?: unknown;
  readonly auction?: { readonly auctionId?: unknown; readonly version?: unknown };
}

export class Subscriber {
  /** Per auction, what it received, in order. */
  readonly entries = new Map<string, FrameEntry[]>();
  /** Per auction, the last version it holds. */
  private readonly held = new Map<string, number>();
  private socket: WebSocket | undefined;
  private stopped = false;
  connections = 0;
  readonly errors: string[] = [];

  constructor(readonly name: string, private readonly url: string, readonly auctionIds: readonly string[]) {
    for (const id of auctionIds) this.entries.set(id, []);
  }

  last(auctionId: string): number | undefined {
    return this.held.get(auctionId);
  }

  start(): void {
    void this.connectLoop();
  }

  stop(): void {
    this.stopped = true;
    this.socket?.terminate();
  }

  private async connectLoop(): Promise<void> {
    for (let failures = 0; !this.stopped; ) {
      const closed = await this.connectOnce();
      if (this.stopped) return;
      failures = closed === 'opened' ? 0 : failures + 1;
      await sleep(Math.min(100 * 2 ** Math.min(failures, 4), 1_000));
    }
  }

  /** One connection, until it closes; whether it had opened. */
  private connectOnce(): Promise<'opened' | 'failed'> {
    return new Promise((resolve) => {
      let opened = false;
      const socket = new WebSocket(this.url);
      this.socket = socket;
      socket.on('open', () => {
        opened = true;
        this.connections += 1;
        for (const id of this.auctionIds) {
          this.entries.get(id)!.push({ kind: 'connected' });
          this.subscribe(socket, id);
        }
      });
      socket.on('message', (data, isBinary) => {
        if (!isBinary) this.receive(socket, data.toString());
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(opened ? 'opened' : 'failed'));
    });
  }

  private subscribe(socket: WebSocket, auctionId: string): void {
    if (socket.readyState !== WebSocket.OPEN) return;
    const since = this.held.get(auctionId);
    socket.send(JSON.stringify(since === undefined ? { type: 'subscribe', auctionId } : { type: 'subscribe', auctionId, sinceVersion: since }));
  }

  private receive(socket: WebSocket, text: string): void {
    let frame: Received;
    try {
      frame = JSON.parse(text) as Received;
    } catch {
      this.errors.push(`not JSON: ${text.slice(0, 80)}`);
      return;
    }
    if (frame.type === 'snapshot') {
      const id = frame.auction?.auctionId;
      const version = frame.auction?.version;
      if (typeof id === 'string' && typeof version === 'number') this.record(id, { kind: 'snapshot', version });
    } else if (frame.type === 'auction.updated') {
      if (typeof frame.auctionId === 'string' && typeof frame.version === 'number') this.record(frame.auctionId, { kind: 'update', version: frame.version });
    } else if (frame.type === 'error') {
      this.errors.push(`${String(frame.code)}${typeof frame.auctionId === 'string' ? ` (${frame.auctionId})` : ''}`);
      const id = frame.auctionId;
      if (typeof id === 'string' && this.entries.has(id)) setTimeout(() => this.subscribe(socket, id), 300);
    }
  }

  private record(auctionId: string, entry: FrameEntry & { readonly version: number }): void {
    const list = this.entries.get(auctionId);
    if (list === undefined) return;
    list.push(entry);
    // A snapshot replaces the state; an update moves it on (a late or doubled one is recorded, not held).
    const held = this.held.get(auctionId);
    if (entry.kind === 'snapshot' || held === undefined || entry.version > held) this.held.set(auctionId, entry.version);
  }
}

/** `count` subscribers, subscriber i following `perSubscriber` of the auctions from i on. */
export const startSubscribers = (url: string, auctionIds: readonly string[], count: number, perSubscriber: number): Subscriber[] =>
  Array.from({ length: count }, (_, i) => {
    const followed = Array.from({ length: Math.min(perSubscriber, auctionIds.length) }, (_, j) => auctionIds[(i + j) % auctionIds.length]!);
    const subscriber = new Subscriber(`subscriber-${i + 1}`, url, followed);
    subscriber.start();
    return subscriber;
  });
