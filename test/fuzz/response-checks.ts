// What every answer to a fuzzed request must satisfy (DESIGN.md section 5, issue 8): an answer at
// all; never a 5xx, except the two documented retryable 503s (READ_MODEL_BEHIND, BUSY, each with
// Retry-After); every 4xx in the error model `{error:{code,message,details?}}`; every 2xx body
// complete; and no CSV cell that a spreadsheet would run as a formula (OWASP CSV injection).
import { isRight } from 'fp-ts/lib/Either.js';
import { ErrorBodyCodec } from '../../infra/index.js';
import type { RawResponse } from '../support/raw-http.js';

/** 503s the design names as transient (the client retries after Retry-After): not defects. */
export const retryable503Codes: ReadonlySet<string> = new Set(['READ_MODEL_BEHIND', 'BUSY']);

/** Statuses Node's HTTP parser answers by itself (no body) to a request it cannot parse. */
const parserRefusals: ReadonlySet<number> = new Set([400, 414, 431]);

const jsonOf = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
};

/** RFC 4180 cells of a CSV text (quoted cells unquoted). */
export const csvCells = (text: string): string[] => {
  const cells: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      let cell = '';
      i++;
      while (i < text.length) {
        if (text[i] === '"' && text[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else cell += text[i++];
      }
      cells.push(cell);
    } else {
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '\n' && text[end] !== '\r') end++;
      cells.push(text.slice(i, end));
      i = end;
    }
    while (i < text.length && (text[i] === ',' || text[i] === '\n' || text[i] === '\r')) i++;
  }
  return cells;
};

/** Cells a spreadsheet would evaluate (OWASP: leading =, +, -, @, tab, carriage return). */
const formulaLeading = /^[=+\-@\t\r]/;

const errorCodeOf = (body: unknown): string | undefined => (isRight(ErrorBodyCodec.decode(body)) ? (body as { error: { code: string } }).error.code : undefined);

/** The problems with one answer (empty when it is as the design says). */
export const responseProblems = (method: string, response: RawResponse): string[] => {
  const { status, headers, body } = response;
  if (status === 0) return ['no answer: the connection closed before a status line'];
  const problems: string[] = [];
  const text = body.toString('utf8');
  const excerpt = `${status} ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`;
  if (status >= 500) {
    const code = errorCodeOf(jsonOf(body));
    if (!(status === 503 && code !== undefined && retryable503Codes.has(code) && headers['retry-after'] !== undefined)) problems.push(`answered ${excerpt}`);
  } else if (status >= 400 && method !== 'HEAD') {
    const parserRefusal = parserRefusals.has(status) && body.length === 0 && headers['content-type'] === undefined;
    if (!parserRefusal && errorCodeOf(jsonOf(body)) === undefined) problems.push(`a ${status} outside the error model {error:{code,message}}: ${excerpt}`);
  } else if (status >= 200 && status < 300) {
    if (!response.complete) problems.push(`a ${status} whose body was cut off (${body.length} bytes arrived): ${excerpt}`);
    if (/text\/csv/.test(headers['content-type'] ?? '')) {
      const formulas = csvCells(text).filter((cell) => formulaLeading.test(cell));
      if (formulas.length > 0) problems.push(`a CSV export with formula-leading cells: ${formulas.slice(0, 3).map((c) => JSON.stringify(c.slice(0, 60))).join(', ')}`);
    }
  }
  return problems;
};

/** The JSON body of a 2xx answer, when it has one. */
export const acceptedBody = (response: RawResponse): Record<string, unknown> | undefined => {
  if (response.status < 200 || response.status >= 300) return undefined;
  const body = jsonOf(response.body);
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
};
