// The HTTP error model (DESIGN.md section 5): every error is `{error: {code, message, details?}}`.
// Handlers throw ApiError; `errorHandler` writes it. Bad input is never a 500.
import * as t from 'io-ts';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from '../logger.js';

export const ErrorBodyCodec = t.type({
  error: t.intersection([t.type({ code: t.string, message: t.string }), t.partial({ details: t.unknown })]),
});
export type ErrorBody = t.TypeOf<typeof ErrorBodyCodec>;

/** A failing field of a request: `path` such as `body.maxAmount` or `headers.Idempotency-Key`. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** An error meant for the client: its status, stable code, message, and optional details and headers. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. WWW-Authenticate or Retry-After. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details !== undefined ? { details: this.details } : {}) } };
  }
}

export const isApiError = (u: unknown): u is ApiError => u instanceof ApiError;

/** 400 INVALID_REQUEST; `fields` lists each failing field as `details.fields`. */
export const invalidRequest = (message: string, fields?: readonly FieldError[]): ApiError =>
  new ApiError(400, 'INVALID_REQUEST', message, fields === undefined ? undefined : { fields });

/**
 * 401 UNAUTHENTICATED with `WWW-Authenticate: Bearer` (RFC 6750); when a token was presented
 * but refused, `error="invalid_token"` says so.
 */
export const unauthenticated = (message = 'authentication required', invalidToken = false): ApiError =>
  new ApiError(401, 'UNAUTHENTICATED', message, undefined, {
    'WWW-Authenticate': invalidToken
      ? `Bearer realm="gavelstream", error="invalid_token", error_description="${message.replace(/["\\]/g, '')}"`
      : 'Bearer realm="gavelstream"',
  });

/** 403 FORBIDDEN (authenticated, but not allowed). */
export const forbidden = (message = 'not allowed', details?: unknown): ApiError => new ApiError(403, 'FORBIDDEN', message, details);

/** 404 NOT_FOUND, or another code such as AUCTION_NOT_FOUND. */
export const notFound = (message = 'not found', code = 'NOT_FOUND'): ApiError => new ApiError(404, code, message);

/** 409 with a rule's code (BID_TOO_LOW, AUCTION_NOT_OPEN, IDEMPOTENCY_KEY_REUSED, ...). */
export const conflict = (code: string, message: string, details?: unknown): ApiError => new ApiError(409, code, message, details);

/** 429 RATE_LIMITED with `Retry-After` in whole seconds (at least 1). */
export const tooManyRequests = (retryAfterSeconds: number, message = 'too many requests', headers: Readonly<Record<string, string>> = {}): ApiError => {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new ApiError(429, 'RATE_LIMITED', message, { retryAfterSeconds: seconds }, { ...headers, 'Retry-After': String(seconds) });
};

/** Writes an ApiError as the JSON error body, with its headers. */
export const sendApiError = (res: Response, err: ApiError): void => {
  for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
  res.status(err.status).json(err.toBody());
};

/** The stable code for an HTTP status that no handler named (body-parser and other library errors). */
export const codeForStatus = (status: number): string =>
  ({
    400: 'INVALID_REQUEST',
    401: 'UNAUTHENTICATED',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    405: 'METHOD_NOT_ALLOWED',
    406: 'NOT_ACCEPTABLE',
    408: 'REQUEST_TIMEOUT',
    409: 'CONFLICT',
    413: 'PAYLOAD_TOO_LARGE',
    415: 'UNSUPPORTED_MEDIA_TYPE',
    429: 'RATE_LIMITED',
    431: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
    503: 'UNAVAILABLE',
  })[status] ?? (status >= 500 ? 'INTERNAL' : 'INVALID_REQUEST');

/** The shape of errors from body-parser / http-errors: a 4xx status meant to be shown. */
interface HttpLibraryError {
  readonly status: number;
  readonly expose?: boolean;
  readonly type?: string;
  readonly message: string;
}

const isHttpLibraryError = (u: unknown): u is HttpLibraryError => {
  if (typeof u !== 'object' || u === null) return false;
  const status = (u as { status?: unknown; statusCode?: unknown }).status ?? (u as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 500;
};

/** Messages for body-parser's error types; its own messages are fine but name internals. */
const bodyParserMessages: Readonly<Record<string, string>> = {
  'entity.parse.failed': 'the request body is not valid JSON',
  'entity.too.large': 'the request body is too large',
  'entity.verify.failed': 'the request body was refused',
  'encoding.unsupported': 'unsupported content encoding',
  'charset.unsupported': 'unsupported charset',
  'request.aborted': 'the request was aborted',
  'request.size.invalid': 'the request body does not match its Content-Length',
  'parameters.too.many': 'too many parameters',
};

/** zlib's error codes (a compressed body that does not decompress); their messages name internals. */
const isDecompressionError = (err: unknown): boolean => {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^(?:Z_|ERR_ZLIB|ERR__?BROTLI)/.test(code);
};

/** Turns any thrown value into the ApiError the client sees (INTERNAL for unexpected ones). */
export const toApiError = (err: unknown): ApiError => {
  if (isApiError(err)) return err;
  if (isHttpLibraryError(err) && err.expose !== false) {
    const status = (err as { status?: number }).status ?? (err as unknown as { statusCode: number }).statusCode;
    const message = (err.type !== undefined ? bodyParserMessages[err.type] : undefined)
      ?? (isDecompressionError(err) ? 'the request body does not decompress as its Content-Encoding says' : err.message);
    return new ApiError(status, codeForStatus(status), message);
  }
  return new ApiError(500, 'INTERNAL', 'internal error');
};

export interface ErrorHandlerOptions {
  /**
   * Unexpected errors (500 INTERNAL, or any error once the response has begun) are logged here at
   * error level, with the request's method and path; a 5xx a handler answers on purpose (an
   * ApiError such as 503 READ_MODEL_BEHIND or BUSY: an expected, temporary condition) at warn.
   */
  readonly logger?: Logger;
}

/**
 * The last middleware of the app: ApiError -> its status and body; body-parser failures
 * (malformed JSON, too large, bad charset) -> 400 INVALID_REQUEST / 413 / 415; anything else
 * -> 500 INTERNAL, logged, with no detail leaked to the client.
 */
export const errorHandler = (options: ErrorHandlerOptions = {}): ErrorRequestHandler =>
  (err: unknown, req, res, _next) => {
    const apiError = toApiError(err);
    const where = { method: req.method, path: req.originalUrl };
    if (res.headersSent || (apiError.status >= 500 && !isApiError(err))) {
      options.logger?.error({ err, ...where }, 'unexpected error while handling a request');
    } else if (apiError.status >= 500) {
      options.logger?.warn({ ...where, status: apiError.status, code: apiError.code }, `answered ${apiError.status} ${apiError.code}: ${apiError.message}`);
    }
    if (res.headersSent) {
      // Too late for an error body: cut the connection so the client sees the answer is broken
      // (what Express's final handler would do, without its second report on stderr).
      req.socket.destroy();
      return;
    }
    sendApiError(res, apiError);
  };

/** For requests that matched no route: 404 NOT_FOUND in the error model (mount after all routes). */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(notFound(`no route for ${req.method} ${req.path}`));
};
