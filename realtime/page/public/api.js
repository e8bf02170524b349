// The page's HTTP calls: the command API (bid, create), the read API (auction, listing, bid
// history), the page's configuration and the development sign-in. Every answer comes back as
// { ok, status, body } or { ok: false, status, error }, never as an exception; status 0 means the
// server could not be reached.

/**
 * @typedef {{ code: string, message: string, details?: any }} ApiErrorBody
 * @typedef {{ ok: true, status: number, body: any, headers: Headers } | { ok: false, status: number, error: ApiErrorBody, headers?: Headers }} ApiAnswer
 */

/** @type {((header: string | null) => void) | undefined} */
let onDateHeader;

/**
 * Hands every answer's `Date` header to `listener` (the server clock's coarse estimate).
 * @param {(header: string | null) => void} listener
 */
export function watchDateHeaders(listener) {
  onDateHeader = listener;
}

/**
 * @param {string} method
 * @param {string} path
 * @param {{ token?: string | undefined, body?: unknown, headers?: Record<string, string>, signal?: AbortSignal }} [options]
 * @returns {Promise<ApiAnswer>}
 */
export async function request(method, path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  /** @type {Response} */
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      cache: 'no-store',
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    return { ok: false, status: 0, error: { code: 'NETWORK', message: 'the server could not be reached' } };
  }
  onDateHeader?.(response.headers.get('date'));
  /** @type {any} */
  let body;
  try {
    const text = await response.text();
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.ok) return { ok: true, status: response.status, body, headers: response.headers };
  const error = body !== null && typeof body === 'object' && body.error !== null && typeof body.error === 'object'
    && typeof body.error.code === 'string' && typeof body.error.message === 'string'
    ? /** @type {ApiErrorBody} */ (body.error)
    : { code: `HTTP_${response.status}`, message: `the server answered ${response.status} ${response.statusText}` };
  return { ok: false, status: response.status, error, headers: response.headers };
}

/** @param {string} id */
const auctionPath = (id) => `/v1/auctions/${encodeURIComponent(id)}`;

export const api = {
  config: () => request('GET', '/config.json'),

  /**
   * @param {string} sub
   * @param {string[]} roles
   */
  devToken: (sub, roles) => request('POST', '/dev/token', { body: { sub, roles } }),

  /**
   * @param {{ limit?: number, token?: string | undefined }} [options]
   */
  openAuctions: (options = {}) => request('GET', `/v1/auctions?status=open&sort=ending-soon&limit=${options.limit ?? 20}`, { token: options.token }),

  /**
   * @param {string} id
   * @param {string | undefined} token
   */
  auction: (id, token) => request('GET', auctionPath(id), { token }),

  /**
   * Newest first; with `minVersion`, the read API waits until its read model has reached it.
   * @param {string} id
   * @param {{ token?: string | undefined, limit?: number, minVersion?: number | undefined }} [options]
   */
  bids: (id, options = {}) => {
    const query = new URLSearchParams({ order: 'newest', limit: String(options.limit ?? 25) });
    if (options.minVersion !== undefined && options.minVersion > 0) query.set('minVersion', String(options.minVersion));
    return request('GET', `${auctionPath(id)}/bids?${query}`, { token: options.token });
  },

  /**
   * @param {string} id
   * @param {number} maxAmount integer minor units
   * @param {string} idempotencyKey
   * @param {string} token
   */
  bid: (id, maxAmount, idempotencyKey, token) =>
    request('POST', `${auctionPath(id)}/bids`, { token, body: { maxAmount }, headers: { 'Idempotency-Key': idempotencyKey } }),

  /**
   * @param {Record<string, unknown>} body
   * @param {string} idempotencyKey
   * @param {string} token
   */
  createAuction: (body, idempotencyKey, token) => request('POST', '/v1/auctions', { token, body, headers: { 'Idempotency-Key': idempotencyKey } }),
};
