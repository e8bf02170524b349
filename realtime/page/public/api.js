// The page's HTTP calls: the command API (bid, buy-now, create), the read API (auction, listing,
// bid history, the caller's own lists, the analysts' figures), the watchlist, the accounts API (register, sign in, refresh,
// sign out, the seller's block list), the page's configuration and the development sign-in. Every answer comes back as
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
   * The listing: `status` (default open), `q` title text, `sellerId`, newest or ending soonest.
   * @param {{ status?: string, sort?: string, q?: string | undefined, sellerId?: string | undefined, limit?: number, token?: string | undefined }} options
   */
  listing: (options) => {
    const query = new URLSearchParams({ status: options.status ?? 'open', sort: options.sort ?? 'ending-soon', limit: String(options.limit ?? 20) });
    if (options.q !== undefined && options.q.trim() !== '') query.set('q', options.q.trim());
    if (options.sellerId !== undefined && options.sellerId !== '') query.set('sellerId', options.sellerId);
    return request('GET', `/v1/auctions?${query}`, { token: options.token });
  },

  /**
   * The caller's own list: `bids` (auctions it bid on), `won`, `watchlist`.
   * @param {'bids' | 'won' | 'watchlist'} list
   * @param {string} token
   */
  mine: (list, token) => request('GET', `/v1/me/${list}?limit=50`, { token }),

  /**
   * @param {string} id
   * @param {boolean} watched
   * @param {string} token
   */
  setWatched: (id, watched, token) => request(watched ? 'PUT' : 'DELETE', `/v1/me/watchlist/${encodeURIComponent(id)}`, { token }),

  /**
   * @param {string} id
   * @param {string} token
   */
  buyNow: (id, token) => request('POST', `${auctionPath(id)}/buy-now`, { token }),

  // ---- accounts (answers 404 on a server without them) ----
  /** @param {{ email: string, password: string, displayName: string, country: string }} body */
  register: (body) => request('POST', '/v1/accounts', { body }),
  /** @param {{ email: string, password: string }} body */
  signIn: (body) => request('POST', '/v1/auth/sign-in', { body }),
  /** The signed-in account's profile (display name, country). @param {string} token */
  profile: (token) => request('GET', '/v1/me', { token }),
  /** @param {string} refreshToken */
  refresh: (refreshToken) => request('POST', '/v1/auth/refresh', { body: { refreshToken } }),
  /** @param {string} refreshToken */
  signOut: (refreshToken) => request('POST', '/v1/auth/sign-out', { body: { refreshToken } }),
  /** @param {string} token */
  blockedBidders: (token) => request('GET', '/v1/me/blocked-bidders', { token }),
  /**
   * @param {string} userId
   * @param {boolean} blocked
   * @param {string} token
   */
  setBlocked: (userId, blocked, token) => request(blocked ? 'PUT' : 'DELETE', `/v1/me/blocked-bidders/${encodeURIComponent(userId)}`, { token }),

  /**
   * @param {string} id
   * @param {string | undefined} token
   */
  auction: (id, token) => request('GET', auctionPath(id), { token }),

  /**
   * A timed sale and its lots (GET /v1/sales/:id).
   * @param {string} id
   * @param {string | undefined} token
   */
  sale: (id, token) => request('GET', `/v1/sales/${encodeURIComponent(id)}`, { token }),

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
   * An analysts' read (`GET /v1/analytics/<path>`), conditional on the ETag of the last answer to
   * it: status 304 (not `ok`) while nothing changed. `Cache-Control: max-age=0` keeps fetch from
   * adding `no-cache`, which would make the server answer in full.
   * @param {string} path e.g. `summary`, `bids-per-minute`, `auctions/<id>`
   * @param {string} token
   * @param {string | undefined} etag
   */
  analytics: (path, token, etag) =>
    request('GET', `/v1/analytics/${path}`, { token, headers: etag === undefined ? {} : { 'If-None-Match': etag, 'Cache-Control': 'max-age=0' } }),

  // ---- second-chance offers (README "Second-chance offers") ----
  /**
   * The seller's bidders, by pseudonym.
   * @param {string} id
   * @param {string} token
   */
  bidders: (id, token) => request('GET', `${auctionPath(id)}/bidders`, { token }),
  /**
   * Every offer (the seller), or the caller's own.
   * @param {string} id
   * @param {string} token
   */
  secondChanceOffers: (id, token) => request('GET', `${auctionPath(id)}/second-chance-offers`, { token }),
  /**
   * @param {string} id
   * @param {string} bidder the bidder's pseudonym
   * @param {string} idempotencyKey
   * @param {string} token
   */
  offerSecondChance: (id, bidder, idempotencyKey, token) =>
    request('POST', `${auctionPath(id)}/second-chance-offers`, { token, body: { bidder }, headers: { 'Idempotency-Key': idempotencyKey } }),
  /**
   * @param {string} id
   * @param {'accept' | 'decline'} answer
   * @param {string} idempotencyKey
   * @param {string} token
   */
  answerSecondChance: (id, answer, idempotencyKey, token) =>
    request('POST', `${auctionPath(id)}/second-chance-offers/${answer}`, { token, body: {}, headers: { 'Idempotency-Key': idempotencyKey } }),
  /**
   * @param {string} id
   * @param {string} idempotencyKey
   * @param {string} token
   */
  reportNonPayment: (id, idempotencyKey, token) => request('POST', `${auctionPath(id)}/non-payment`, { token, body: {}, headers: { 'Idempotency-Key': idempotencyKey } }),

  /**
   * @param {Record<string, unknown>} body
   * @param {string} idempotencyKey
   * @param {string} token
   */
  createAuction: (body, idempotencyKey, token) => request('POST', '/v1/auctions', { token, body, headers: { 'Idempotency-Key': idempotencyKey } }),
};
