// The HTTP server's graceful stop (README, Operations): first the intake stops (the listener
// closes, idle kept-alive connections are closed, a request that still arrives on an open
// connection is answered 503 with `Connection: close` before any handler sees it, answers in
// flight are sent with `Connection: close`); then the requests in flight are awaited, up to a
// deadline; then whatever is left is cut off.
import type { RequestListener, Server, ServerResponse } from 'node:http';
import type { HttpServerTimeouts } from '../config.js';
import type { Logger } from '../logger.js';
import type { ErrorBody } from './errors.js';
import { createHttpServer } from './server.js';

export interface GracefulHttpServer {
  readonly server: Server;
  /** Requests being answered now. */
  inFlight(): number;
  /** Requests refused (503) since the intake stopped. */
  refused(): number;
  /** Stops taking requests (see the top of this file). */
  stopIntake(): void;
  /** Resolves true once no request is in flight, or false when `deadline` aborts first. */
  drained(deadline: AbortSignal): Promise<boolean>;
  /** Closes every connection left and the server. */
  close(): Promise<void>;
}

const shuttingDown: ErrorBody = { error: { code: 'UNAVAILABLE', message: 'this node is shutting down; retry the request (it was not processed)' } };

/** Answers a request that arrived after the intake stopped, without running it. */
const refuse = (res: ServerResponse): void => {
  const body = JSON.stringify(shuttingDown);
  res.writeHead(503, {
    Connection: 'close',
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Retry-After': '1',
  });
  res.end(body);
};

/** An HTTP server (createHttpServer) for `listener` that can stop gracefully. */
export const createGracefulHttpServer = (listener: RequestListener, timeouts: HttpServerTimeouts, logger?: Logger): GracefulHttpServer => {
  const active = new Set<ServerResponse>();
  const idle: (() => void)[] = [];
  let intakeStopped = false;
  let refused = 0;
  const settle = (res: ServerResponse) => {
    active.delete(res);
    if (!intakeStopped) return;
    // Its connection is idle now (after this tick): close it rather than wait for another request.
    setImmediate(() => server.closeIdleConnections());
    if (active.size === 0) for (const resolve of idle.splice(0)) resolve();
  };
  const server = createHttpServer((req, res) => {
    if (intakeStopped) {
      refused += 1;
      refuse(res);
      return;
    }
    active.add(res);
    res.once('close', () => settle(res));
    listener(req, res);
  }, timeouts, logger);
  let closed: Promise<void> | undefined;
  return {
    server,
    inFlight: () => active.size,
    refused: () => refused,
    stopIntake: () => {
      if (intakeStopped) return;
      intakeStopped = true;
      closed = new Promise((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      for (const res of active) if (!res.headersSent) res.setHeader('Connection', 'close');
    },
    drained: (deadline) =>
      new Promise<boolean>((resolve) => {
        if (active.size === 0) return resolve(true);
        if (deadline.aborted) return resolve(false);
        const done = () => {
          deadline.removeEventListener('abort', late);
          resolve(true);
        };
        const late = () => {
          const i = idle.indexOf(done);
          if (i >= 0) idle.splice(i, 1);
          resolve(false);
        };
        idle.push(done);
        deadline.addEventListener('abort', late, { once: true });
      }),
    close: async () => {
      if (!intakeStopped) {
        intakeStopped = true;
        closed = new Promise((resolve) => server.close(() => resolve()));
      }
      server.closeAllConnections();
      await closed;
    },
  };
};
