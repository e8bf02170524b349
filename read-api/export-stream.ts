// Streamed exports (NDJSON, CSV): rows are fetched a page at a time and each page is written only
// once the client has taken the previous one (backpressure), so an export of any length holds one
// page in memory. A client that goes away stops the fetching.
//
// Everything that can be refused is checked before the status line is sent: the route validates
// its parameters and the auction, and `writeExport` fetches the first page before it calls
// `begin` (which sends 200 and the headers), so a bad request or a failing first query is still an
// answer in the error model. A failure after that (a later page's query) can no longer change the
// status: it is rethrown, and the error handler logs it and cuts the connection without the final
// empty chunk, so the client sees an incomplete chunked transfer (fetch and curl report an error),
// never a truncated file that looks complete.
import type { Request, Response } from 'express';
import { ApiError } from '../infra/index.js';
import { csvLine } from './csv.js';
import type { ExportFormat } from './params.js';

/** What an export writes to: an HTTP response (or any writable stream). */
export interface ExportSink {
  write(chunk: string): boolean;
  end(): unknown;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  removeListener(event: 'drain' | 'close', listener: () => void): unknown;
  readonly destroyed: boolean;
}

export class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError';
}

/** Writes a chunk; resolves at once if the sink has room, else when it drains; rejects if it closes first. */
export const writeWithBackpressure = (sink: ExportSink, chunk: string): Promise<void> =>
  new Promise((resolve, reject) => {
    if (sink.destroyed) {
      reject(new ClientGoneError('the client went away'));
      return;
    }
    if (sink.write(chunk)) {
      resolve();
      return;
    }
    const onDrain = () => {
      sink.removeListener('close', onClose);
      resolve();
    };
    const onClose = () => {
      sink.removeListener('drain', onDrain);
      reject(new ClientGoneError('the client went away'));
    };
    sink.once('drain', onDrain);
    sink.once('close', onClose);
  });

/** Pages of rows in keyset order: `fetch(after, size)` until a short page. */
export async function* keysetPages<R, K>(
  first: K,
  fetch: (after: K, limit: number) => Promise<readonly R[]>,
  keyOf: (row: R) => K,
  pageSize: number,
): AsyncGenerator<readonly R[], void, undefined> {
  let after = first;
  for (;;) {
    const rows = await fetch(after, pageSize);
    const last = rows[rows.length - 1];
    if (last === undefined) return;
    yield rows;
    if (rows.length < pageSize) return;
    after = keyOf(last);
  }
}

export type StreamFormat = Exclude<ExportFormat, 'json'>;

export const exportContentTypes: Readonly<Record<StreamFormat, string>> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
};

/**
 * Fetches the first page, then calls `begin` (status and headers), then writes every page as
 * NDJSON (one JSON object a line) or CSV (a header row of `columns`, then one row each), and ends
 * the sink. A failure before `begin` leaves the response untouched. Resolves 'client-gone' if the
 * client left (nothing more is read).
 */
export const writeExport = async <R extends object>(
  sink: ExportSink,
  format: StreamFormat,
  columns: readonly (keyof R & string)[],
  pages: AsyncIterable<readonly R[]>,
  begin: () => void,
): Promise<'complete' | 'client-gone'> => {
  const iterator = pages[Symbol.asyncIterator]();
  let next = await iterator.next();
  begin();
  const rows = (page: readonly R[]): string => format === 'ndjson'
    ? page.map((row) => `${JSON.stringify(row)}\n`).join('')
    : page.map((row) => csvLine(columns.map((column) => row[column]))).join('');
  try {
    if (format === 'csv') await writeWithBackpressure(sink, csvLine(columns));
    while (next.done !== true) {
      await writeWithBackpressure(sink, rows(next.value));
      next = await iterator.next();
    }
    sink.end();
    return 'complete';
  } catch (error) {
    if (error instanceof ClientGoneError) {
      await iterator.return?.();
      return 'client-gone';
    }
    throw error;
  }
};

const mediaTypes: readonly (readonly [string, ExportFormat])[] = [
  ['application/json', 'json'],
  ['application/x-ndjson', 'ndjson'],
  ['text/csv', 'csv'],
];

const allFormats: readonly ExportFormat[] = ['json', 'ndjson', 'csv'];

/**
 * `?format=` when given, else the Accept header (JSON when absent or `*\/*`), among the formats
 * `offered` (all three unless told); 406 for none of them.
 */
export const negotiateFormat = <F extends ExportFormat>(req: Request, explicit: F | undefined, offered: readonly F[] = allFormats as readonly F[]): F => {
  if (explicit !== undefined) return explicit;
  const types = mediaTypes.filter(([, format]) => (offered as readonly ExportFormat[]).includes(format));
  const accepted = req.accepts(types.map(([type]) => type));
  const format = types.find(([type]) => type === accepted)?.[1] as F | undefined;
  if (format === undefined) {
    const names = types.map(([type]) => type);
    throw new ApiError(406, 'NOT_ACCEPTABLE', `this resource is available as ${names.slice(0, -1).join(', ')}${names.length > 1 ? ' or ' : ''}${names[names.length - 1] ?? ''}`, {
      available: names,
    });
  }
  return format;
};

/** An export's status line and headers, sent at once: 200, its content type, an attachment named `filename` with the format's extension. */
export const startExport = (res: Response, format: StreamFormat, filename: string): void => {
  res.status(200);
  res.setHeader('Content-Type', exportContentTypes[format]);
  res.setHeader('Content-Disposition', `attachment; filename="${filename}.${format === 'csv' ? 'csv' : 'ndjson'}"`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.flushHeaders();
};
