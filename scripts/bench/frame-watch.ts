// WebSocket clients (the `ws` package) subscribed to a sample of auctions on a realtime node,
// recording when each `auction.updated` frame arrives (the bid-to-frame figure). A few auctions per
// socket, under the node's per-socket subscription and frame-rate limits.
import { performance } from 'node:perf_hooks';
import { isRight } from 'fp-ts/lib/Either.js';
import WebSocket from 'ws';
import { AuctionUpdated } from '../../domain/index.js';
import { FrameArrivals } from './frame-match.js';

const AUCTIONS_PER_SOCKET = 8;
const SNAPSHOT_TIMEOUT_MS = 30_000;

export interface FrameWatch {
  readonly arrivals: FrameArrivals;
  /** Frames that were not `auction.updated`, snapshots or the server's time (errors), by type. */
  readonly unexpected: Readonly<Record<string, number>>;
  close(): void;
}

/** Opens the sockets and resolves once every sampled auction's snapshot has arrived. */
export const watchFrames = async (realtimeUrl: string, auctionIds: readonly string[]): Promise<FrameWatch> => {
  const arrivals = new FrameArrivals();
  const unexpected: Record<string, number> = {};
  const sockets: WebSocket[] = [];
  const close = () => {
    for (const ws of sockets) ws.terminate();
  };
  const open = (ids: readonly string[]): Promise<void> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(realtimeUrl);
      sockets.push(ws);
      const waiting = new Set(ids);
      const timer = setTimeout(() => reject(new Error(`no snapshot within ${SNAPSHOT_TIMEOUT_MS} ms for ${[...waiting].join(', ')}`)), SNAPSHOT_TIMEOUT_MS);
      // Before the snapshots, an error fails the watch; after them it only ends this socket (its bids then show as unmatched).
      ws.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      ws.on('message', (data: Buffer) => {
        const at = performance.now();
        const value: unknown = JSON.parse(data.toString());
        const frame = AuctionUpdated.decode(value);
        if (isRight(frame)) {
          arrivals.record(frame.right.auctionId, frame.right.version, at);
          return;
        }
        const { type, auction } = (value ?? {}) as { type?: unknown; auction?: { auctionId?: unknown } };
        if (type === 'snapshot' && typeof auction?.auctionId === 'string') {
          waiting.delete(auction.auctionId);
          if (waiting.size === 0) {
            clearTimeout(timer);
            resolve();
          }
          return;
        }
        if (type === 'time') return;
        const key = typeof type === 'string' ? type : '(no type)';
        unexpected[key] = (unexpected[key] ?? 0) + 1;
        if (type === 'error' && waiting.size > 0) {
          clearTimeout(timer);
          reject(new Error(`subscribing: ${data.toString()}`));
        }
      });
      ws.once('open', () => {
        for (const auctionId of ids) ws.send(JSON.stringify({ type: 'subscribe', auctionId }));
      });
    });
  try {
    const groups: string[][] = [];
    for (let i = 0; i < auctionIds.length; i += AUCTIONS_PER_SOCKET) groups.push(auctionIds.slice(i, i + AUCTIONS_PER_SOCKET));
    await Promise.all(groups.map(open));
  } catch (error) {
    close();
    throw error;
  }
  return { arrivals, unexpected, close };
};
