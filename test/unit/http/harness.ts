// Test harness for the HTTP gateway suites: a real server on an ephemeral port, plain fetch.
import type { Express } from 'express';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../../infra/index.js';
import type { Logger } from '../../../infra/index.js';

export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1, port 0; `close` also drops kept-alive connections. */
export const serve = (app: Express): Promise<Served> =>
  new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (err?: Error) => {
      if (err !== undefined) return reject(err);
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });

export interface CallOptions {
  readonly method?: string;
  readonly token?: string;
  /** Sent as JSON. */
  readonly json?: unknown;
  /** Sent as is, with Content-Type application/json unless headers say otherwise. */
  readonly raw?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON when the answer is JSON, else the text. */
  readonly body: unknown;
}

export const call = async (base: string, path: string, options: CallOptions = {}): Promise<Answer> => {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.json !== undefined || options.raw !== undefined) {
    body = options.raw ?? JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${base}${path}`, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  return { status: response.status, headers: response.headers, body: isJson && text !== '' ? (JSON.parse(text) as unknown) : text };
};

/** The error body's code and fields, for assertions. */
export const errorOf = (answer: Answer): { code: string; message: string; details?: unknown } =>
  (answer.body as { error: { code: string; message: string; details?: unknown } }).error;

/** A logger whose records are kept in memory. */
export const memoryLogger = (): { logger: Logger; records: Record<string, unknown>[] } => {
  const records: Record<string, unknown>[] = [];
  const logger = createLogger('debug', { destination: { write: (line: string) => void records.push(JSON.parse(line) as Record<string, unknown>) } });
  return { logger, records };
};

export const SECRET = 'test-secret-for-the-gateway-suites-0123456789';
