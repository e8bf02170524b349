// On PGlite the log hands each group append's events straight to its shared tail (log-tail.ts
// `offer`, taken only when they continue the tail exactly). Whatever the interleaving of concurrent
// appends (grouped, conflicting, retried), appends made inside a caller's transaction (which hand
// nothing over) and subscriptions at different speeds, every subscription gets the log in commit
// order: exactly what readAll returns, nothing skipped, nothing twice, the same events.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { appendEventsWithin, createPostgresEventLog, eventLogMigrations } from '../../commands/event-log/index.js';
import type { LogPosition, RecordedEvent } from '../../domain/index.js';
import { START } from '../../domain/index.js';
import { migrate, openPglite } from '../../infra/index.js';
import type { SqlExecutor, SqlValue } from '../../infra/index.js';
import { newEvent } from './event-log.contract.js';

/** Counts the reads of the log's head in commit order (the tail's and catch-up reads). */
const countingReads = (sql: SqlExecutor): { sql: SqlExecutor; reads: () => number } => {
  let reads = 0;
  return {
    sql: {
      ...sql,
      query: (text: string, params?: readonly SqlValue[], options?: { readonly prepare?: boolean }) => {
        if (text.includes('(transaction_id, global_position) >')) reads += 1;
        return sql.query(text, params, options);
      },
    } as SqlExecutor,
    reads: () => reads,
  };
};

type Step =
  | { readonly kind: 'appends'; readonly streams: readonly number[] }
  | { readonly kind: 'in-transaction'; readonly stream: number }
  | { readonly kind: 'turn' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('appends' as const), streams: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 10 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('in-transaction' as const), stream: fc.integer({ min: 0, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('turn' as const)}) },
);

/** Every event after `after`, in commit order, as the log's reads return it. */
const readAllFrom = async (log: { readAll(o: { after: LogPosition; limit: number }): Promise<readonly RecordedEvent[]> }, from: LogPosition): Promise<RecordedEvent[]> => {
  const all: RecordedEvent[] = [];
  let after = from;
  for (;;) {
    const page = await log.readAll({ after, limit: 100 });
    if (page.length === 0) return all;
    all.push(...page);
    after = page[page.length - 1]!.position;
  }
};

describe('PostgreSQL event log on PGlite: appends handed to the shared tail', () => {
  let raw: SqlExecutor;
  before(async () => {
    raw = await openPglite('memory');
    await migrate(raw, eventLogMigrations);
  });
  after(async () => {
    await raw.close();
  });

  it('gives every subscription exactly the log in commit order, whatever the appends and their interleaving (property)', async () => {
    let commands = 0;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 25 }), fc.constantFrom(1, 3, 50), async (steps, batchSize) => {
        // One database for every run: each run's streams are its own, its subscriptions start at the log's end.
        run += 1;
        const counted = countingReads(raw);
        const log = await createPostgresEventLog(counted.sql, { pollIntervalMs: 50 });
        const start = (await readAllFrom(log, START)).at(-1)?.position ?? START;
        const readsBefore = counted.reads();
        const delivered: RecordedEvent[][] = [[], []];
        const subscriptions = [batchSize, 7].map((size, i) =>
          log.subscribeToAll({
            after: start,
            batchSize: size,
            onEvents: async (events) => {
              delivered[i]!.push(...events);
              // The slower subscription takes a turn per batch, so appends land while it works.
              if (i === 1) await new Promise<void>((resolve) => setImmediate(resolve));
            },
          }),
        );
        let appends = 0;
        try {
          for (const step of steps) {
            if (step.kind === 'turn') {
              await new Promise<void>((resolve) => setImmediate(resolve));
            } else if (step.kind === 'in-transaction') {
              const streamId = `auction-${run}-${step.stream}`;
              await raw.transaction(async (tx) => {
                const version = (await tx.query<{ v: number }>('SELECT coalesce(max(stream_version), 0)::integer AS v FROM events WHERE stream_id = $1', [streamId])).rows[0]?.v ?? 0;
                await appendEventsWithin(tx, streamId, version, [newEvent(`tx-${++commands}`)]);
              });
            } else {
              // Concurrent appends, some to the same stream (conflicts: one wins per version), grouped by the log.
              await Promise.all(step.streams.map(async (stream) => {
                const streamId = `auction-${run}-${stream}`;
                const version = await log.streamVersion(streamId);
                const command = `c-${++commands}`;
                const result = await log.appendToStream(streamId, version, [newEvent(command, 0), newEvent(command, 1)]);
                if (result.kind === 'appended') appends += 1;
              }));
            }
          }
          const reads = counted.reads() - readsBefore;
          const all = await readAllFrom(log, start);
          // Until both have caught up with the log (or, on a fault, shown more or other events than it holds).
          while (delivered.some((d) => d.length < all.length)) await new Promise((resolve) => setTimeout(resolve, 5));
          for (const d of delivered) {
            assert.deepEqual(d.map((e) => e.position), all.map((e) => e.position), 'the log in commit order, nothing skipped or twice');
            assert.deepEqual(d, all, 'the same events as a read of the log returns');
          }
          if (appends > 10) assert.ok(reads < appends, `${reads} reads of the log for ${appends} appends: appends are handed over`);
        } finally {
          await Promise.all(subscriptions.map((s) => s.stop()));
          await log.close();
        }
      }),
      { numRuns: 25 },
    );
  });
});
