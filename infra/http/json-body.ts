// Request bodies: JSON only (RFC 8259: UTF-8), at most `limit` bytes after decompression. Every
// way a body can be wrong is a 4xx in the error model, before any route sees it:
// - a body that is not `application/json` (text/plain, a form, XML...): 415 UNSUPPORTED_MEDIA_TYPE;
// - a charset other than UTF-8: 415; bytes that are not valid UTF-8: 400 INVALID_REQUEST;
// - an unknown Content-Encoding: 415; a compressed body that does not decompress: 400;
// - malformed JSON, or a top-level value that is not an object or array: 400;
// - more than `limit` bytes: 413 PAYLOAD_TOO_LARGE.
// JSON.parse makes `__proto__` an own property (no prototype pollution); the routes' closed codecs
// then refuse it as an unknown field. A request without a body gets `{}`.
import { isUtf8 } from 'node:buffer';
import express from 'express';
import type { RequestHandler } from 'express';
import { ApiError, invalidRequest } from './errors.js';

export interface JsonBodyOptions {
  /** The largest body accepted, in bytes or as '32kb'. */
  readonly limit: number | string;
}

const JSON_TYPE = 'application/json';

/** Whether the request carries body bytes (a `Content-Length: 0` body carries none). */
const carriesBody = (headers: { readonly 'transfer-encoding'?: string | undefined; readonly 'content-length'?: string | undefined }): boolean =>
  headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');

const refuseOtherMediaTypes: RequestHandler = (req, _res, next) => {
  if (carriesBody(req.headers) && req.is(JSON_TYPE) === false) {
    next(new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `request bodies must be ${JSON_TYPE}`, { expected: JSON_TYPE }));
    return;
  }
  next();
};

/** body-parser's `verify`: the raw bytes, before they are decoded. */
const utf8Only = (_req: unknown, _res: unknown, body: Buffer, encoding: string): void => {
  if (encoding !== 'utf-8' && encoding !== 'utf8') {
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `unsupported charset ${JSON.stringify(encoding)}: JSON bodies are UTF-8`, { expected: `${JSON_TYPE}; charset=utf-8` });
  }
  if (!isUtf8(body)) throw invalidRequest('the request body is not valid UTF-8', [{ path: 'body', message: 'is not valid UTF-8' }]);
};

const emptyBodyIsAnObject: RequestHandler = (req, _res, next) => {
  req.body ??= {};
  next();
};

/** The gateway's body handling, as middleware to mount before the routes. */
export const jsonBody = (options: JsonBodyOptions): RequestHandler[] => [
  refuseOtherMediaTypes,
  express.json({ limit: options.limit, type: JSON_TYPE, verify: utf8Only }),
  emptyBodyIsAnObject,
];
