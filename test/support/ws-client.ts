// A real WebSocket client (the `ws` package) for tests: it keeps every frame it receives, in order,
// and waits for frames by predicate (polling, never fixed sleeps).
import type { IncomingHttpHeaders } from 'node:http';
import WebSocket from 'ws';
import type { ClientOptions } from 'ws';
import { eventually } from './system.js';

/** A server frame as received (parsed JSON). */
export type Frame = { readonly type: string; readonly [key: string]: unknown };

export interface TestClient {
  readonly socket: WebSocket;
  /** Every frame received so far, in order. */
  readonly frames: Frame[];
  /** The headers of the server's 101 answer (behind the balancer: X-Served-By). */
  readonly upgradeHeaders: IncomingHttpHeaders;
  /** Set once the socket closed, with its close code. */
  readonly closed: { code: number } | undefined;
  send(frame: unknown): void;
  sendRaw(data: string | Buffer, options?: { binary?: boolean }): void;
  /** The first frame (at or after index `from`) matching `match`; waits for it. */
  waitFor(match: (frame: Frame) => boolean, what: string, from?: number): Promise<Frame>;
  /** The frames of one auction's updates (type auction.updated) received so far. */
  updates(auctionId: string): Frame[];
  waitClosed(what?: string, timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

/** Opens a socket; `options` as the ws package takes them (a `localAddress`, to connect from another loopback address). */
export const connect = async (url: string, options: ClientOptions = {}): Promise<TestClient> => {
  const socket = new WebSocket(url, options);
  const frames: Frame[] = [];
  let closed: { code: number } | undefined;
  let upgradeHeaders: IncomingHttpHeaders = {};
  socket.once('upgrade', (response) => {
    upgradeHeaders = response.headers;
  });
  socket.on('message', (data, isBinary) => {
    if (!isBinary) frames.push(JSON.parse(data.toString()) as Frame);
  });
  socket.on('close', (code) => {
    closed = { code };
  });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const client: TestClient = {
    socket,
    frames,
    upgradeHeaders,
    get closed() {
      return closed;
    },
    send: (frame) => socket.send(JSON.stringify(frame)),
    sendRaw: (data, options = {}) => socket.send(data, { binary: options.binary ?? false }),
    waitFor: (match, what, from = 0) =>
      eventually(async () => frames.slice(from).find(match), what),
    updates: (auctionId) => frames.filter((f) => f.type === 'auction.updated' && f.auctionId === auctionId),
    waitClosed: (what = 'the socket to close', timeoutMs = 10_000) => eventually(async () => closed?.code, what, timeoutMs),
    close: async () => {
      if (closed !== undefined) return;
      socket.close();
      await eventually(async () => (closed !== undefined ? true : undefined), 'the socket to close').catch(() => socket.terminate());
    },
  };
  return client;
};

/** Versions of the frames, for order assertions. */
export const versions = (frames: readonly Frame[]): number[] => frames.map((f) => f.version as number);

/** Opens a socket the server is expected to refuse at the upgrade: its HTTP status, Retry-After and JSON body. */
export const refusedUpgrade = (url: string, options: ClientOptions = {}): Promise<{ status: number; retryAfter: string | undefined; body: unknown }> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options);
    socket.on('unexpected-response', (request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        request.destroy();
        try {
          resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'] as string | undefined, body: JSON.parse(Buffer.concat(chunks).toString()) });
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    socket.on('open', () => {
      socket.terminate();
      reject(new Error('the server accepted the connection'));
    });
    socket.on('error', () => undefined);
  });
