// Turns a generated `RequestSpec` into bytes on the wire against a running system (tokens minted
// with its secret, `:id` resolved against the auctions the run knows) and describes it as a curl
// command line, so a failure message is a reproduction.
import { createHmac } from 'node:crypto';
import { mintToken } from '../../infra/index.js';
import type { RawRequest, RawResponse } from '../support/raw-http.js';
import { rawRequest } from '../support/raw-http.js';
import type { AuthSpec, BodySpec, RequestSpec } from './http-arbitraries.js';
import { jsonText, percentEncode } from './hostile-values.js';

/** What the sender needs from the run: the system's secret and the auctions it knows. */
export interface SendContext {
  readonly url: string;
  readonly secret: string;
  /** Known auction ids, in the order they became known (never empty once the world is set up). */
  readonly auctionIds: readonly string[];
  /**
   * Appended to every non-blank Idempotency-Key: keys live in Redis beyond one system (under a
   * prefix no test can change), so without it a later run would meet an earlier run's keys.
   */
  readonly keySalt: string;
}

export interface ResolvedRequest {
  readonly spec: RequestSpec;
  readonly raw: RawRequest;
  /** The auction id the path names, decoded as the server decodes it (undefined when the path has none or it does not decode). */
  readonly auctionId: string | undefined;
  /** A readable form of the Authorization header (tokens as their claims). */
  readonly authLabel: string;
}

const base64url = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');

const authHeader = async (auth: AuthSpec, secret: string): Promise<{ value: string | undefined; label: string }> => {
  switch (auth.kind) {
    case 'none':
      return { value: undefined, label: 'none' };
    case 'raw':
      return { value: auth.value, label: JSON.stringify(auth.value.length > 80 ? `${auth.value.slice(0, 80)}…(${auth.value.length} chars)` : auth.value) };
    case 'claims': {
      // Signed by hand: a JWT library would refuse to sign some of these claims.
      const unsigned = `${base64url('{"alg":"HS256","typ":"JWT"}')}.${base64url(jsonText({ exp: Math.floor(Date.now() / 1000) + 3_600, ...auth.claims }))}`;
      const token = `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
      return { value: `Bearer ${token}`, label: `Bearer <HS256 token with claims ${JSON.stringify(auth.claims).slice(0, 120)}>` };
    }
    default: {
      const claims = `sub=${JSON.stringify(auth.sub.length > 60 ? `${auth.sub.slice(0, 20)}…(${auth.sub.length} chars)` : auth.sub)} roles=[${auth.roles.join(',')}]`;
      if (auth.kind === 'alg-none') {
        const token = `${base64url('{"alg":"none","typ":"JWT"}')}.${base64url(JSON.stringify({ sub: auth.sub, roles: auth.roles, exp: Math.floor(Date.now() / 1000) + 3_600 }))}.`;
        return { value: `Bearer ${token}`, label: `Bearer <alg:none token ${claims}>` };
      }
      const token = await mintToken({
        secret: auth.kind === 'wrong-secret' ? `${secret}-not-it` : secret,
        sub: auth.sub,
        roles: auth.roles,
        expiresIn: auth.kind === 'expired' ? -3_600 : '1h',
      });
      const scheme = auth.kind === 'lowercase-scheme' ? 'bearer' : 'Bearer';
      return { value: `${scheme} ${token}`, label: `${scheme} <${auth.kind === 'token' || auth.kind === 'lowercase-scheme' ? 'token' : `${auth.kind} token`} ${claims}>` };
    }
  }
};

const bodyBytes = (body: BodySpec): Buffer | undefined => {
  switch (body.kind) {
    case 'none':
      return undefined;
    case 'json':
      return Buffer.from(jsonText(body.value), 'utf8');
    case 'text':
      return Buffer.from(body.text, 'utf8');
    case 'bytes':
      return Buffer.from(body.bytes);
  }
};

const decodeSegment = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
};

export const resolveRequest = async (spec: RequestSpec, ctx: SendContext): Promise<ResolvedRequest> => {
  let segment: string;
  if (spec.id.kind === 'known') {
    const known = ctx.auctionIds[spec.id.pick % Math.max(1, ctx.auctionIds.length)] ?? 'none-known';
    segment = `${percentEncode(known)}${spec.id.suffix}`;
  } else {
    segment = spec.id.segment;
  }
  const hasId = spec.path.includes(':id');
  const path = spec.path.replace(':id', segment);
  const query = spec.query.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
  const auth = await authHeader(spec.auth, ctx.secret);
  const headers: [string, string][] = [];
  if (auth.value !== undefined) headers.push(['Authorization', auth.value]);
  if (spec.idempotencyKey !== undefined) headers.push(['Idempotency-Key', spec.idempotencyKey.trim() === '' ? spec.idempotencyKey : `${spec.idempotencyKey}.${ctx.keySalt}`]);
  if (spec.contentType !== undefined && spec.body.kind !== 'none') headers.push(['Content-Type', spec.contentType]);
  if (spec.accept !== undefined) headers.push(['Accept', spec.accept]);
  if (spec.requestId !== undefined) headers.push(['X-Request-Id', spec.requestId]);
  const body = bodyBytes(spec.body);
  return {
    spec,
    raw: { method: spec.method, target: query === '' ? path : `${path}?${query}`, headers, ...(body !== undefined ? { body } : {}) },
    auctionId: hasId ? decodeSegment(segment) : undefined,
    authLabel: auth.label,
  };
};

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const shorten = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max)}…(${s.length} chars)` : s);

/** The request as a curl command line (tokens shown by their claims; long values shortened; JSON escapes kept). */
export const describeRequest = (r: ResolvedRequest, baseUrl = 'http://127.0.0.1:3000'): string => {
  const parts = [`curl -X ${r.raw.method} ${quote(`${baseUrl}${shorten(r.raw.target, 300)}`)}`];
  for (const [name, value] of r.raw.headers) {
    parts.push(`-H ${quote(`${name}: ${name === 'Authorization' ? r.authLabel : JSON.stringify(shorten(value, 120)).slice(1, -1)}`)}`);
  }
  if (r.raw.body !== undefined) {
    const text = r.spec.body.kind === 'bytes' ? `<bytes ${r.raw.body.toString('hex').slice(0, 80)}>` : r.spec.body.kind === 'json' ? jsonText(r.spec.body.value) : JSON.stringify(r.spec.body.kind === 'text' ? r.spec.body.text : '').slice(1, -1);
    parts.push(`--data-binary ${quote(shorten(text, 300))}`);
  }
  return parts.join(' ');
};

export const sendRequest = async (r: ResolvedRequest, url: string): Promise<RawResponse> => rawRequest(url, r.raw);
