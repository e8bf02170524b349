// The HTTP server around the Express app, with bounded waits for slow clients (Node's defaults
// hold a request body for 300 s): a request whose headers or body are still arriving after
// HTTP_HEADERS_TIMEOUT_MS / HTTP_REQUEST_TIMEOUT_MS is cut off with 408, an idle kept-alive
// connection is closed after HTTP_KEEP_ALIVE_TIMEOUT_MS. Answers that Node gives before Express
// sees the request (408, 431 headers too large, 400 malformed HTTP) are in the error model too.
import { createServer } from 'node:http';
import type { RequestListener, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HttpServerTimeouts } from '../config.js';
import type { Logger } from '../logger.js';
import { codeForStatus } from './errors.js';
import type { ErrorBody } from './errors.js';

/** How often Node looks for expired requests: every second, or a quarter of the shorter timeout if that is sooner. */
export const checkingIntervalMs = (timeouts: HttpServerTimeouts): number =>
  Math.max(10, Math.min(1_000, Math.floor(Math.min(timeouts.requestMs, timeouts.headersMs) / 4)));

const clientErrors: Readonly<Record<string, readonly [number, string, string]>> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'the request did not arrive in time'],
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'the request headers are too large'],
};
const malformed = [400, 'Bad Request', 'the request is not valid HTTP/1.1'] as const;

/** The raw HTTP answer to a client error, with an error-model body. */
export const clientErrorResponse = (code: string | undefined): string => {
  const [status, reason, message] = (code !== undefined ? clientErrors[code] : undefined) ?? malformed;
  const body: ErrorBody = { error: { code: codeForStatus(status), message } };
  const json = JSON.stringify(body);
  return `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
};

/** What Node's own 'clientError' default does, with an error-model body. */
const answerClientError = (logger: Logger | undefined) => (err: Error & { code?: string }, socket: Duplex): void => {
  logger?.debug({ code: err.code, message: err.message }, 'HTTP client error');
  // A response this socket has begun cannot be followed by another one (Node checks the same field).
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  socket.end(clientErrorResponse(err.code), () => socket.destroy());
};

/** An HTTP server for `listener` with the given timeouts. */
export const createHttpServer = (listener: RequestListener, timeouts: HttpServerTimeouts, logger?: Logger): Server => {
  const server = createServer(
    { requestTimeout: timeouts.requestMs, headersTimeout: timeouts.headersMs, connectionsCheckingInterval: checkingIntervalMs(timeouts) },
    listener,
  );
  server.keepAliveTimeout = timeouts.keepAliveMs;
  server.on('clientError', answerClientError(logger));
  return server;
};
