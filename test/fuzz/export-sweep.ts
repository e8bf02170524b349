// After a fuzz run, every auction it knows is read the way an auditor reads it: both exports as CSV
// and NDJSON, and the chain verification; and the analysts' figures as CSV (the whole per-auction
// listing, the summary). Each answer must be a complete 2xx (hostile values that were accepted
// must be readable back), and no CSV cell may start a spreadsheet formula.
import type { RequestSpec } from './http-arbitraries.js';
import type { FuzzWorld } from './fuzz-world.js';
import { describeRequest } from './http-sender.js';

/** At most this many auctions are swept, the oldest first (bounds the time on a long run). */
const MAX_SWEPT = 300;

const auditorRead = (path: string, pick: number, format: string | undefined, auth: RequestSpec['auth'] = { kind: 'token', sub: 'fz-audrey', roles: ['auditor'] }): RequestSpec => ({
  intent: 'sweep',
  method: 'GET',
  path,
  id: { kind: 'known', pick, suffix: '' },
  query: format === undefined ? [] : [['format', format]],
  auth,
  idempotencyKey: undefined,
  contentType: undefined,
  accept: undefined,
  requestId: undefined,
  body: { kind: 'none' },
});

const reads: readonly (readonly [string, string | undefined])[] = [
  ['/v1/audit/auctions/:id/bids', 'csv'],
  ['/v1/audit/auctions/:id/bids', 'ndjson'],
  ['/v1/audit/auctions/:id/attempts', 'csv'],
  ['/v1/audit/auctions/:id/attempts', 'ndjson'],
  ['/v1/audit/auctions/:id/verify', undefined],
];

export const exportProblems = async (world: FuzzWorld): Promise<string[]> => {
  const problems: string[] = [];
  const collect = (exchanges: readonly Awaited<ReturnType<FuzzWorld['exchange']>>[]): void => {
    for (const e of exchanges) {
      const notOk = e.response.status < 200 || e.response.status >= 300 ? [`answered ${e.response.status} ${e.response.body.toString('utf8').slice(0, 200)}`] : [];
      for (const p of [...e.problems, ...notOk]) problems.push(`${p}\n    to: ${describeRequest(e.request)}`);
    }
  };
  const analyst = { kind: 'token', sub: 'fz-ann', roles: ['analyst'] } as const;
  collect(await Promise.all(['/v1/analytics/auctions', '/v1/analytics/summary'].map((path) => world.exchange(auditorRead(path, 0, 'csv', analyst)))));
  const count = Math.min(world.auctionIds.length, MAX_SWEPT);
  for (let pick = 0; pick < count; pick++) collect(await Promise.all(reads.map(([path, format]) => world.exchange(auditorRead(path, pick, format)))));
  return problems;
};
