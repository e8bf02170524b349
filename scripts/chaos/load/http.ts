// The load's HTTP calls: a JSON POST with a bearer token and an Idempotency-Key, answered as an
// Answer (never thrown), and a GET of an auction's view. Each call has a timeout: a request that
// hangs counts as a network failure, which the client retries with the same key.
import type { Answer } from './records.js';

const errorCodeOf = (body: unknown): string | undefined => {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: { code?: unknown } }).error;
  return typeof error?.code === 'string' ? error.code : undefined;
};

export interface PostOptions {
  readonly token: string;
  readonly key: string;
  readonly body: unknown;
  readonly timeoutMs: number;
}

export const postJson = async (url: string, options: PostOptions): Promise<{ answer: Answer; retryAfterMs: number | undefined }> => {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json', 'idempotency-key': options.key },
      body: JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    const retryAfter = Number(response.headers.get('retry-after'));
    return {
      answer: { kind: 'http', status: response.status, code: errorCodeOf(body), body, replayed: response.headers.get('idempotent-replayed') === 'true' },
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { answer: { kind: 'network', error: cause ?? (error as Error).name }, retryAfterMs: undefined };
  }
};

/** GET a JSON document; undefined on any failure or a status other than 200. */
export const getJson = async (url: string, timeoutMs = 3_000): Promise<unknown> => {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    return response.status === 200 ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
};
