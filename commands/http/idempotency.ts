// Idempotency-Key (Stripe's model; IETF draft-ietf-httpapi-idempotency-key-header): a client
// retrying a command with the same key gets the first response back instead of a second effect.
//
// - Keys are scoped to the authenticated user: two users may use the same key independently.
// - The request is decoded with the route's own codecs (body, path parameters, query) BEFORE the
//   key is claimed: a request the route would refuse is answered 400 INVALID_REQUEST exactly as
//   without a key, and never takes the key. So only decoded, bounded values are fingerprinted.
// - The request's fingerprint is sha256(method, path with query, RFC 8785 canonical JSON of the
//   decoded body). Computing it never throws: a body that has no canonical form (a lone surrogate
//   in a free-text field the route's codec let through) is a 400 INVALID_REQUEST naming `body`.
// - The first response is stored (status, JSON body, Location) and replayed, with the header
//   `Idempotent-Replayed: true`, for the same key and fingerprint, without running the handler.
//   Stored: 2xx, 3xx and 4xx answers of the handler, including refusals by a rule (409
//   BID_TOO_LOW...). Not stored: 5xx, 429, 408, and 400 INVALID_REQUEST (the request was never
//   executed, as at Stripe, so the client may fix its body and retry with the same key).
// - Same key, other fingerprint: 409 IDEMPOTENCY_KEY_REUSED.
// - The in-flight claim is a lease of `leaseMs` (default 3 s) that its request renews every third
//   of it while it runs (idempotency-claim.ts): a slow request keeps its key however long it
//   takes, and the claim of a process that died lapses within one lease.
// - Same key while another attempt's claim is live: the request waits for it, up to `waitMs`
//   (default one lease), looking again with a short backoff; it answers the first response as soon
//   as it is stored, and takes the claim over (runs the command itself) as soon as the lease lapses.
//   Running it again is safe: the command id derives from the user and the key, so the log
//   refuses a second append and the handler answers from the events the first attempt wrote (the
//   same answer). Past `waitMs`, 409 IDEMPOTENCY_KEY_IN_PROGRESS with `Retry-After: 1`. A request
//   that finds no record pays nothing for this: one round trip, as before.
// - When the store itself fails (Redis down), the command is refused with 503 UNAVAILABLE and
//   `Retry-After: 1` rather than run unprotected; a failure to store the final response is logged
//   and the response still sent (the claim is released, so a retry runs the command again, which
//   the command handler's deterministic event ids make harmless).
// - The stored response lasts `ttlMs` (default 24 h). The response is sent only after it is
//   stored, so once a client has seen it, a retry replays it.
import { createHash, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../../infra/index.js';
import type { RequestCodecs } from '../../infra/index.js';
import { conflict, invalidRequest, ApiError, decodeOr400, decodeRequest, IdempotencyKey, requireUser, takeDeferredPoint, userHashTag } from '../../infra/index.js';
import { awaitClaim, claimCounting, renewWhileRunning } from './idempotency-claim.js';
import type { KeyClaim } from './idempotency-claim.js';
import { DEFAULT_IDEMPOTENCY_LEASE_MS, DEFAULT_IDEMPOTENCY_TTL_MS, IDEMPOTENCY_HEADER } from './idempotency-store.js';
import type { DoneRecord, IdempotencyRecord, IdempotencyStore } from './idempotency-store.js';

/** RFC 8785 canonical JSON of a decoded body, or undefined when it has none (canonicalize throws on lone surrogates, non-finite numbers, cycles). */
const canonicalJson = (body: unknown): string | undefined => {
  if (body === undefined) return '';
  try {
    return canonicalize(body) ?? '';
  } catch {
    return undefined;
  }
};

/**
 * sha256 (hex) of the method, the path with its query, and the RFC 8785 canonical JSON of `body`
 * (the route's decoded body); undefined when the body has no canonical form. Never throws.
 */
export const requestFingerprint = (req: Pick<Request, 'method' | 'originalUrl'>, body: unknown): string | undefined => {
  const canonical = canonicalJson(body);
  if (canonical === undefined) return undefined;
  return createHash('sha256').update(`${req.method.toUpperCase()}\n${req.originalUrl}\n${canonical}`).digest('hex');
};

/** The default rule for which responses are kept (see the file's header). */
export const storableStatus = (status: number, body: unknown): boolean => {
  if (status >= 500 || status === 429 || status === 408 || status < 200) return false;
  if (status === 400 && typeof body === 'object' && body !== null) {
    const code = (body as { error?: { code?: unknown } }).error?.code;
    if (code === 'INVALID_REQUEST') return false;
  }
  return true;
};

/**
 * The key as the store holds it: the client's key scoped to its user, behind the user's hash tag,
 * so that on a Redis Cluster the claim lies in the slot of the user's rate-limit counter (one
 * script counts the request and claims the key).
 */
export const scopedIdempotencyKey = (userId: string, key: string): string => `${userHashTag(userId)}:${key}`;

/** The validated Idempotency-Key of this request (unscoped, as the client sent it), or undefined. */
export const idempotencyKeyOf = (res: Response): string | undefined => {
  const key: unknown = res.locals.idempotencyKey;
  return typeof key === 'string' ? key : undefined;
};

export interface IdempotencyOptions {
  readonly store: IdempotencyStore;
  /** When true, a request without the header is refused with 400 naming `headers.Idempotency-Key`. */
  readonly required: boolean;
  /**
   * The route's request codecs (the same the handler decodes with): decoded before the key is
   * claimed, so a request the route refuses is a 400 that takes no key, and the decoded body is
   * what is fingerprinted.
   */
  readonly request: RequestCodecs<unknown, unknown, unknown, unknown>;
  /** How long a stored response is replayed. Default 24 h. */
  readonly ttlMs?: number;
  /** The in-flight claim's lease, renewed every third of it while the request runs. Default 3 s. */
  readonly leaseMs?: number;
  /** How long a request waits on another attempt's live claim before its 409. Default `leaseMs`. */
  readonly waitMs?: number;
  /** The clock that bounds that wait, for tests. Default `Date.now`. */
  readonly now?: () => number;
  /** Which responses are stored; default `storableStatus`. */
  readonly shouldStore?: (status: number, body: unknown) => boolean;
  /** Store failures are logged here (the response is still sent). */
  readonly logger?: Logger;
}

const storedHeaders = ['location', 'content-location'] as const;

/**
 * Express middleware for a command route, mounted after `authenticate` (keys are per user) and
 * before the handler. It puts the validated key on `res.locals.idempotencyKey` (read it with
 * `idempotencyKeyOf(res)`, e.g. to derive the command id) and captures the handler's
 * `res.json(...)` answer, including the error handler's, for replay.
 */
export const idempotency = (options: IdempotencyOptions): RequestHandler => {
  const ttlMs = options.ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
  const leaseMs = options.leaseMs ?? DEFAULT_IDEMPOTENCY_LEASE_MS;
  const waitMs = options.waitMs ?? leaseMs;
  const now = options.now ?? Date.now;
  const shouldStore = options.shouldStore ?? storableStatus;
  const { store, logger } = options;

  return async (req, res, next) => {
    const header = req.get(IDEMPOTENCY_HEADER);
    if (header === undefined) {
      if (options.required) {
        throw invalidRequest(`the ${IDEMPOTENCY_HEADER} header is required`, [{ path: `headers.${IDEMPOTENCY_HEADER}`, message: 'is required' }]);
      }
      next();
      return;
    }
    const key = decodeOr400(IdempotencyKey, header, `headers.${IDEMPOTENCY_HEADER}`);
    const user = requireUser(res);
    const scopedKey = scopedIdempotencyKey(user.userId, key);
    // The route's own validation first: what it would refuse never reaches the store.
    const { body } = decodeRequest(req, options.request);
    const fingerprint = requestFingerprint(req, body);
    if (fingerprint === undefined) {
      const message = 'has no canonical JSON form: it holds text that is not valid Unicode (a lone surrogate) or a number out of range';
      throw invalidRequest(`invalid request: body ${message}`, [{ path: 'body', message }]);
    }
    const claim: KeyClaim = { store, key: scopedKey, fingerprint, owner: randomUUID(), leaseMs };

    let existing: IdempotencyRecord | null;
    // The rate limit's point, when the middleware left it to be counted with the claim.
    const point = takeDeferredPoint(res);
    try {
      existing = await claimCounting(claim, point);
      // Another attempt's live claim: its answer is likely moments away, or its owner gone.
      if (existing?.state === 'in-flight') existing = await awaitClaim(claim, existing, waitMs, now);
    } catch (err) {
      if (err instanceof ApiError) throw err; // the 429
      // Over the limit, the answer is the 429 it would have been had the point been counted first.
      const uncounted = takeDeferredPoint(res);
      const refusal = uncounted === undefined ? undefined : await uncounted.countAlone();
      if (refusal !== undefined) throw refusal;
      // Without the store the command cannot be made safe to retry: refuse it, retryably.
      logger?.error({ err }, 'idempotency: the store is unavailable');
      throw new ApiError(503, 'UNAVAILABLE', 'the service is temporarily unavailable; retry with the same Idempotency-Key', undefined, { 'Retry-After': '1' });
    }
    if (existing !== null) {
      if (existing.fingerprint !== fingerprint) {
        throw conflict('IDEMPOTENCY_KEY_REUSED', `this ${IDEMPOTENCY_HEADER} was already used for a different request`);
      }
      if (existing.state === 'in-flight') {
        throw new ApiError(409, 'IDEMPOTENCY_KEY_IN_PROGRESS', `a request with this ${IDEMPOTENCY_HEADER} is still being processed; retry shortly`, undefined, {
          'Retry-After': '1',
        });
      }
      res.status(existing.response.status);
      for (const [name, value] of Object.entries(existing.response.headers)) res.setHeader(name, value);
      res.setHeader('Idempotent-Replayed', 'true');
      res.json(existing.response.body);
      return;
    }

    res.locals.idempotencyKey = key;
    let settled = false;
    const stopRenewing = renewWhileRunning(claim, logger);
    const release = (): void => {
      stopRenewing();
      store.release(scopedKey, claim.owner).catch((err: unknown) => logger?.warn({ err }, 'idempotency: could not release a key'));
    };
    res.on('close', () => {
      // A client gone before its answer: the claim lapses within a lease, and a retry takes it over.
      stopRenewing();
      // A response finished without res.json (res.end, sendStatus, a stream): nothing to replay.
      if (!settled && res.writableFinished) {
        settled = true;
        release();
      }
    });
    const sendJson = res.json.bind(res);
    res.json = (body?: unknown) => {
      if (settled) return sendJson(body);
      settled = true;
      stopRenewing();
      const status = res.statusCode;
      if (!shouldStore(status, body)) {
        release();
        return sendJson(body);
      }
      const headers: Record<string, string> = {};
      for (const name of storedHeaders) {
        const value = res.getHeader(name);
        if (typeof value === 'string') headers[name] = value;
      }
      // What the client receives is JSON.stringify(body); keep exactly that.
      const text = JSON.stringify(body);
      const record: DoneRecord = { state: 'done', fingerprint, response: { status, body: text === undefined ? null : (JSON.parse(text) as unknown), headers } };
      store
        .complete(scopedKey, claim.owner, record, ttlMs)
        .then((kept) => {
          if (!kept) logger?.warn({ status }, 'idempotency: the claim expired before the response was stored');
        })
        .catch((err: unknown) => {
          logger?.warn({ err }, 'idempotency: could not store a response');
          release();
        })
        .finally(() => sendJson(body));
      return res;
    };
    next();
  };
};
