// The operations port (OPS_PORT) of a process, whatever its roles: GET /health, GET /ready (the
// process's probes, probes.ts) and GET /metrics (its whole prom-client registry: every role's
// metrics, the background roles' included), on a plain node:http server. It stays open until
// the process's last resource is closed, so readiness answers 503 all through a shutdown.
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import type { ErrorBody } from './errors.js';
import type { Probes } from './probes.js';
import { probeAt } from './probes.js';

export interface OpsServerOptions {
  /** 0 picks a free port (see `port` on the result). */
  readonly port: number;
  /** Interface to listen on; all of them when absent. */
  readonly host?: string;
  readonly probes: Probes;
  readonly registry: Registry;
  readonly logger: Logger;
}

export interface OpsServer {
  readonly port: number;
  /** http://127.0.0.1:port */
  readonly url: string;
  close(): Promise<void>;
}

const send = (res: ServerResponse, status: number, contentType: string, body: string, headers: Readonly<Record<string, string>> = {}): void => {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store', ...headers });
  res.end(body);
};

const sendJson = (res: ServerResponse, status: number, body: unknown, headers?: Readonly<Record<string, string>>): void =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);

const errorBody = (code: string, message: string): ErrorBody => ({ error: { code, message } });

export const startOpsServer = async (options: OpsServerOptions): Promise<OpsServer> => {
  const { probes, registry, logger } = options;
  const server = createServer((req, res) => {
    // The request target up to its query, as sent: `new URL` would throw on a hostile one (`//[`).
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const probe = probeAt(probes, path);
    if (probe === undefined && path !== '/metrics') {
      sendJson(res, 404, errorBody('NOT_FOUND', 'the operations port serves GET /health, /ready and /metrics'));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, errorBody('METHOD_NOT_ALLOWED', `${path} answers GET only`), { Allow: 'GET, HEAD' });
      return;
    }
    const answer = probe !== undefined
      ? probe().then(({ status, body }) => sendJson(res, status, body))
      : registry.metrics().then((text) => send(res, 200, registry.contentType, text));
    answer.catch((err: unknown) => {
      logger.error({ err, path }, 'operations port: answering failed');
      if (!res.headersSent) sendJson(res, 500, errorBody('INTERNAL', 'internal error'));
      else res.destroy();
    });
  });
  // Probes come every few seconds from the same checker: no reason to keep its connections.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const listening = () => {
      server.off('error', reject);
      resolve();
    };
    if (options.host === undefined) server.listen(options.port, listening);
    else server.listen(options.port, options.host, listening);
  }).catch((error: unknown) => {
    throw new Error(`operations port: cannot listen on ${options.host ?? '*'}:${options.port} (OPS_PORT): ${error instanceof Error ? error.message : String(error)}`);
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ port }, 'serving /health, /ready and /metrics on the operations port');
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
