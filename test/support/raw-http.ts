// A raw HTTP/1.1 client for hostile-input tests: it writes the request line, headers and body as
// given (bytes fetch and node:http refuse to send, such as a NUL in a header or a raw `..` path), one
// request per connection, and reads the answer to the end. `complete` says whether the body arrived
// whole (Content-Length reached, or the chunked encoding's last chunk seen): a server that sends a
// 200 and then drops the connection answers `complete: false`.
import { connect } from 'node:net';
import type { Socket } from 'node:net';

export interface RawRequest {
  readonly method: string;
  /** The request target as written on the request line (already percent-encoded as intended). */
  readonly target: string;
  /** Header lines in order; values are written as UTF-8. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body?: Buffer;
}

export interface RawResponse {
  /** 0 when the server closed the connection without a status line. */
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly complete: boolean;
}

const decodeChunked = (raw: Buffer): { body: Buffer; complete: boolean } => {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd < 0) return { body: Buffer.concat(parts), complete: false };
    const size = parseInt(raw.subarray(at, lineEnd).toString('latin1').split(';')[0]!.trim(), 16);
    if (!Number.isFinite(size)) return { body: Buffer.concat(parts), complete: false };
    if (size === 0) return { body: Buffer.concat(parts), complete: true };
    const start = lineEnd + 2;
    if (raw.length < start + size + 2) {
      parts.push(raw.subarray(start));
      return { body: Buffer.concat(parts), complete: false };
    }
    parts.push(raw.subarray(start, start + size));
    at = start + size + 2;
  }
};

const parseResponse = (raw: Buffer, method: string): RawResponse => {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) return { status: 0, headers: {}, body: raw, complete: false };
  const [statusLine = '', ...lines] = raw.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = raw.subarray(headEnd + 4);
  if (method === 'HEAD' || status === 204 || status === 304) return { status, headers, body: Buffer.alloc(0), complete: true };
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) return { status, headers, ...decodeChunked(rest) };
  const length = headers['content-length'];
  if (length !== undefined) {
    const n = Number(length);
    return { status, headers, body: rest.subarray(0, n), complete: rest.length >= n };
  }
  return { status, headers, body: rest, complete: true };
};

/** Sends one request on its own connection (`Connection: close`) and reads the whole answer. */
export const rawRequest = (baseUrl: string, request: RawRequest, timeoutMs = 60_000): Promise<RawResponse> => {
  const url = new URL(baseUrl);
  const body = request.body ?? Buffer.alloc(0);
  const head = [
    `${request.method} ${request.target} HTTP/1.1`,
    `Host: ${url.host}`,
    'Connection: close',
    ...request.headers.map(([name, value]) => `${name}: ${value}`),
    ...(request.body !== undefined ? [`Content-Length: ${body.length}`] : []),
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms to ${request.method} ${request.target.slice(0, 200)}`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'utf8'), body])));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A reset after (part of) the answer is an answer too: `complete` tells what arrived.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseResponse(Buffer.concat(chunks), request.method));
    });
  });
};

/** A raw kept-alive connection that records everything the server sends (as latin1 text) and whether it closed. */
export interface OpenConnection {
  readonly socket: Socket;
  received(): string;
  closed(): boolean;
}

/** Opens a raw connection to `baseUrl`'s host and port; rejects when it is refused. */
export const openConnection = async (baseUrl: string): Promise<OpenConnection> => {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect({ host: hostname, port: Number(port) });
  let text = '';
  let closed = false;
  socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => text, closed: () => closed };
};
