import assert from 'node:assert/strict';
import express from 'express';
import { errorHandler } from '../../../infra/http/errors.js';
import { writeExport } from '../../../read-api/index.js';
import { call, memoryLogger, serve } from '../http/harness.js';
import type { Served } from '../http/harness.js';

interface Row {
  readonly id: string;
  readonly who: string;
}

/** Pages of rows; the page numbered `failAt` throws instead (a query that fails mid-export). */
async function* pages(count: number, failAt?: number): AsyncGenerator<readonly Row[]> {
  for (let page = 0; page < count; page++) {
    await Promise.resolve();
    if (page === failAt) throw new Error(`the database went away at page ${page}`);
    yield [{ id: String(page * 2), who: 'alice' }, { id: String(page * 2 + 1), who: '=1+2' }];
  }
}

describe('streamed exports: what is checked before the headers, and a failure after them', () => {
  let served: Served;
  const { logger, records } = memoryLogger();

  before(async () => {
    const app = express();
    app.get('/export', async (req, res) => {
      const failAt = req.query.failAt === undefined ? undefined : Number(req.query.failAt);
      await writeExport(res, 'csv', ['id', 'who'], pages(3, failAt), () => {
        res.status(200).setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.flushHeaders();
      });
    });
    app.get('/health', (_req, res) => {
      res.json({ ok: true });
    });
    app.use(errorHandler({ logger }));
    served = await serve(app);
  });
  after(() => served.close());

  it('writes every page after a header row, formulas neutralised', async () => {
    const r = await call(served.url, '/export');
    assert.equal(r.status, 200);
    assert.equal(r.body, `id,who\r\n0,alice\r\n1,"'=1+2"\r\n2,alice\r\n3,"'=1+2"\r\n4,alice\r\n5,"'=1+2"\r\n`);
  });

  it('a failure fetching the first page is still an error-model answer: no 200 was sent', async () => {
    const r = await call(served.url, '/export?failAt=0');
    assert.equal(r.status, 500);
    assert.deepEqual(r.body, { error: { code: 'INTERNAL', message: 'internal error' } });
  });

  it('a failure after the headers is logged and breaks the transfer off (never a complete-looking file), and the server goes on', async () => {
    const logged = records.length;
    const response = await fetch(`${served.url}/export?failAt=2`);
    assert.equal(response.status, 200);
    await assert.rejects(response.text(), 'the chunked body ends without its final chunk: the client sees an error');
    assert.ok(records.slice(logged).some((r) => r.level === 'error' && JSON.stringify(r).includes('the database went away at page 2')));
    assert.equal((await call(served.url, '/health')).status, 200);
  });
});
