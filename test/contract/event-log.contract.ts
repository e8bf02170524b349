// The contract every EventLog adapter passes (PGlite, PostgreSQL, EventStoreDB). A spec calls
// `eventLogContract(name, open)`; `open` may skip the suite (serviceUrl) when its service is absent.
// Each test writes to fresh streams, and reads the whole log only after positions it produced, so
// the suite also runs against a shared server. Waits are bounded polls for a condition, never
// assertions about time.
import assert from 'node:assert/strict';
import type { Context } from 'mocha';
import type { EventLog, EventMetadata, JsonObject, LogPosition, NewEvent, RecordedEvent } from '../../domain/index.js';
import { START, hashEvent, verifyChain } from '../../domain/index.js';
import { createPostgresEventLog, eventLogMigrations } from '../../commands/event-log/index.js';
import { migrate } from '../../infra/index.js';
import type { SqlExecutor } from '../../infra/index.js';

export interface EventLogUnderTest {
  readonly log: EventLog;
  /** Alters a stored event's data behind the log's back, where the storage allows it (not ESDB). */
  readonly tamper?: (streamId: string, version: number) => Promise<void>;
  close(): Promise<void>;
}

/**
 * For the SQL adapters' `tamper`: alters a stored event behind the log's back, switching the
 * append-only trigger off for the change as a database owner could. The chain must expose it.
 */
const tamperWithStoredPgEvent = (sql: SqlExecutor, streamId: string, version: number): Promise<void> =>
  sql.transaction(async (tx) => {
    await tx.exec('ALTER TABLE events DISABLE TRIGGER events_append_only');
    await tx.query(`UPDATE events SET data = data || '{"tampered": true}'::jsonb WHERE stream_id = $1 AND stream_version = $2`, [streamId, version]);
    await tx.exec('ALTER TABLE events ENABLE TRIGGER events_append_only');
  });

/** The SQL log (PGlite or PostgreSQL) on `sql`, migrated there; closing it closes `sql`, then runs `afterClose`. */
export const sqlEventLogUnderTest = async (sql: SqlExecutor, afterClose: () => Promise<void> = async () => undefined): Promise<EventLogUnderTest> => {
  await migrate(sql, eventLogMigrations);
  const log = await createPostgresEventLog(sql, { pollIntervalMs: 200 });
  return {
    log,
    tamper: (streamId, version) => tamperWithStoredPgEvent(sql, streamId, version),
    close: async () => {
      await log.close();
      await sql.close();
      await afterClose();
    },
  };
};

const WAIT_LIMIT_MS = 20_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value, or fails after a generous bound (a hang, not a slowness check). */
export const eventually = async <T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> => {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(10);
  }
};

export const metadataFor = (commandId: string, overrides: Partial<EventMetadata> = {}): EventMetadata => ({
  commandId,
  idempotencyKey: null,
  userId: 'user-1',
  correlationId: `corr-${commandId}`,
  causationId: commandId,
  serverTime: '2030-01-02T03:04:05.678Z',
  schemaVersion: 1,
  ...overrides,
});

export const newEvent = (commandId: string, index = 0, data: JsonObject = { amount: 1_000 + index }, type = 'BidPlaced'): NewEvent => ({
  eventId: `${commandId}:${index}`,
  type,
  data,
  metadata: metadataFor(commandId),
});

/** Every event after `after`, page by page (limit 50). */
const readAllFrom = async (log: EventLog, after: LogPosition): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  let position = after;
  for (;;) {
    const page = await log.readAll({ after: position, limit: 50 });
    assert.ok(page.length <= 50, 'readAll returned more than its limit');
    events.push(...page);
    const last = page[page.length - 1];
    if (page.length < 50 || last === undefined) return events;
    position = last.position;
  }
};

/** The events of `streams` after `after`, once at least `count` of them are readable. */
const readOurs = (log: EventLog, after: LogPosition, streams: readonly string[], count: number): Promise<RecordedEvent[]> =>
  eventually(`${count} events of ${streams.join(', ')} in readAll`, async () => {
    const ours = (await readAllFrom(log, after)).filter((e) => streams.includes(e.streamId));
    return ours.length >= count ? ours : undefined;
  });

const ids = (events: readonly { eventId: string }[]) => events.map((e) => e.eventId);

const appended = async (log: EventLog, streamId: string, expected: number, events: readonly NewEvent[]): Promise<readonly RecordedEvent[]> => {
  const result = await log.appendToStream(streamId, expected, events);
  assert.equal(result.kind, 'appended', `append to ${streamId} at ${expected}: ${JSON.stringify(result)}`);
  return result.kind === 'appended' ? result.events : [];
};

export const eventLogContract = (name: string, open: (ctx: Context) => Promise<EventLogUnderTest>): void => {
  describe(`event log contract: ${name}`, function () {
    let subject: EventLogUnderTest | undefined;
    const run = `${process.pid}-${Date.now().toString(36)}`;
    let counter = 0;
    const stream = (label: string) => `auction-${label}-${run}-${++counter}`;
    const command = (label: string) => `cmd-${label}-${run}-${++counter}`;
    const log = (): EventLog => {
      if (subject === undefined) throw new Error('event log not opened');
      return subject.log;
    };

    before(async function () {
      subject = await open(this);
    });
    after(async () => {
      await subject?.close();
    });

    describe('append', () => {
      it('creates a stream at expected version 0 and numbers, positions and chains its events', async () => {
        const s = stream('create');
        const c = command('create');
        const events = [newEvent(c, 0), newEvent(c, 1), newEvent(c, 2)];
        const result = await log().appendToStream(s, 0, events);
        assert.equal(result.kind, 'appended');
        if (result.kind !== 'appended') return;
        assert.equal(result.nextVersion, 3);
        assert.deepEqual(ids(result.events), ids(events));
        assert.deepEqual(
          result.events.map((e) => [e.streamId, e.streamVersion]),
          [[s, 1], [s, 2], [s, 3]],
        );
        for (let i = 1; i < result.events.length; i++) {
          assert.ok(log().compareLogPositions(result.events[i - 1]!.position, result.events[i]!.position) < 0, 'positions increase within an append');
        }
        assert.ok(log().compareLogPositions(START, result.events[0]!.position) < 0, 'START precedes every event');
        assert.equal(result.events[0]!.prevHash, '');
        result.events.forEach((e, i) => {
          assert.equal(e.hash, hashEvent(e.prevHash, e));
          if (i > 0) assert.equal(e.prevHash, result.events[i - 1]!.hash);
        });
        assert.deepEqual(await log().readStream(s), result.events);
      });

      it('refuses expected version 0 when the stream exists, with its actual version', async () => {
        const s = stream('exists');
        await appended(log(), s, 0, [newEvent(command('a'), 0), newEvent(command('b'), 0)]);
        assert.deepEqual(await log().appendToStream(s, 0, [newEvent(command('c'))]), { kind: 'conflict', actualVersion: 2 });
        assert.equal((await log().readStream(s)).length, 2);
      });

      it('refuses a stale or a future expected version', async () => {
        const s = stream('stale');
        await appended(log(), s, 0, [newEvent(command('a'))]);
        await appended(log(), s, 1, [newEvent(command('b'))]);
        assert.deepEqual(await log().appendToStream(s, 1, [newEvent(command('c'))]), { kind: 'conflict', actualVersion: 2 });
        assert.deepEqual(await log().appendToStream(s, 5, [newEvent(command('d'))]), { kind: 'conflict', actualVersion: 2 });
        assert.deepEqual(await log().appendToStream(stream('missing'), 3, [newEvent(command('e'))]), { kind: 'conflict', actualVersion: 0 });
        assert.equal((await log().readStream(s)).length, 2);
      });

      it('lets exactly one of many concurrent appends at the same expected version win', async () => {
        const s = stream('race');
        await appended(log(), s, 0, [newEvent(command('first'))]);
        const contenders = Array.from({ length: 8 }, (_, i) => [newEvent(command(`contender${i}`), 0), newEvent(command(`contender${i}`), 1)]);
        const results = await Promise.all(contenders.map((events) => log().appendToStream(s, 1, events)));
        const winners = results.filter((r) => r.kind === 'appended');
        assert.equal(winners.length, 1, JSON.stringify(results.map((r) => r.kind)));
        for (const r of results) if (r.kind !== 'appended') assert.deepEqual(r, { kind: 'conflict', actualVersion: 3 });
        const stored = await log().readStream(s);
        assert.equal(stored.length, 3);
        assert.deepEqual(verifyChain(stored), { valid: true, events: 3 });
      });

      it('answers concurrent appends to many streams each on its own, as if each ran alone', async () => {
        // Fresh streams, streams with history, stale and future expected versions, retried commands
        // and a race on one stream, all at once (a log may put them in one statement).
        const fresh = Array.from({ length: 12 }, (_, i) => ({ s: stream(`many-fresh${i}`), c: command(`many-fresh${i}`) }));
        const older = Array.from({ length: 6 }, (_, i) => ({ s: stream(`many-old${i}`), c: command(`many-old${i}`) }));
        for (const o of older) await appended(log(), o.s, 0, [newEvent(command('seed'), 0), newEvent(command('seed2'), 0)]);
        const retried = stream('many-retried');
        const retriedEvents = [newEvent(command('many-retried'), 0)];
        const first = await log().appendToStream(retried, 0, retriedEvents);
        const raced = stream('many-raced');
        const results = await Promise.all([
          ...fresh.map((f) => log().appendToStream(f.s, 0, [newEvent(f.c, 0), newEvent(f.c, 1)])),
          ...older.map((o, i) => log().appendToStream(o.s, i % 3 === 0 ? 1 : i % 3 === 1 ? 2 : 7, [newEvent(o.c, 0)])),
          log().appendToStream(retried, 0, retriedEvents),
          ...Array.from({ length: 4 }, (_, i) => log().appendToStream(raced, 0, [newEvent(command(`many-race${i}`), 0)])),
        ]);
        fresh.forEach((f, i) => {
          const r = results[i]!;
          assert.equal(r.kind, 'appended', f.s);
          if (r.kind === 'appended') assert.deepEqual(r.events.map((e) => [e.streamId, e.streamVersion]), [[f.s, 1], [f.s, 2]]);
        });
        older.forEach((o, i) => {
          const r = results[fresh.length + i]!;
          if (i % 3 === 1) assert.equal(r.kind, 'appended', o.s);
          else assert.deepEqual(r, { kind: 'conflict', actualVersion: 2 }, o.s);
        });
        assert.equal(first.kind, 'appended');
        if (first.kind === 'appended') assert.deepEqual(results[fresh.length + older.length], { kind: 'duplicate', nextVersion: 1, events: first.events });
        const race = results.slice(fresh.length + older.length + 1);
        assert.equal(race.filter((r) => r.kind === 'appended').length, 1, JSON.stringify(race.map((r) => r.kind)));
        for (const id of [...fresh.map((f) => f.s), ...older.map((o) => o.s), retried, raced]) {
          const stored = await log().readStream(id);
          assert.deepEqual(verifyChain(stored), { valid: true, events: stored.length }, id);
          assert.deepEqual(stored.map((e) => e.streamVersion), stored.map((_, i) => i + 1), id);
        }
        const appendedPositions = results.flatMap((r) => (r.kind === 'appended' ? r.events.map((e) => e.position) : []));
        assert.equal(new Set(appendedPositions).size, appendedPositions.length, 'every event has its own position');
      });

      it('recognises a retried command by its event ids and writes nothing', async () => {
        const s = stream('retry');
        const c = command('retry');
        const events = [newEvent(c, 0), newEvent(c, 1)];
        const first = await log().appendToStream(s, 0, events);
        assert.equal(first.kind, 'appended');
        if (first.kind !== 'appended') return;
        assert.deepEqual(await log().appendToStream(s, 0, events), { kind: 'duplicate', nextVersion: 2, events: first.events });
        await appended(log(), s, 2, [newEvent(command('later'))]);
        // The same command retried after a reload (newer expected version) is still a duplicate.
        assert.deepEqual(await log().appendToStream(s, 3, events), { kind: 'duplicate', nextVersion: 2, events: first.events });
        assert.deepEqual(
          (await log().readStream(s)).map((e) => e.streamVersion),
          [1, 2, 3],
        );
      });

      it('appends nothing for an empty batch at the right version, and reports a conflict otherwise', async () => {
        const s = stream('empty');
        await appended(log(), s, 0, [newEvent(command('a'))]);
        assert.deepEqual(await log().appendToStream(s, 1, []), { kind: 'appended', nextVersion: 1, events: [] });
        assert.deepEqual(await log().appendToStream(s, 0, []), { kind: 'conflict', actualVersion: 1 });
      });
    });

    describe('readStream', () => {
      it('reads a stream from a version, and nothing from a missing stream', async () => {
        const s = stream('read');
        const c = command('read');
        await appended(log(), s, 0, [0, 1, 2, 3, 4].map((i) => newEvent(c, i)));
        assert.deepEqual(
          (await log().readStream(s, 3)).map((e) => [e.streamVersion, e.eventId]),
          [[3, `${c}:2`], [4, `${c}:3`], [5, `${c}:4`]],
        );
        assert.deepEqual(await log().readStream(s, 6), []);
        assert.deepEqual(await log().readStream(stream('never-written')), []);
        assert.equal((await log().readStream(s)).length, 5);
      });

      it('reads several streams at once (readStreams, where the adapter has it), each from its version, as readStream does', async function () {
        const l = log();
        if (l.readStreams === undefined) this.skip();
        const [a, b, missing] = [stream('many-a'), stream('many-b'), stream('many-missing')];
        const c = command('many');
        await appended(l, a, 0, [0, 1, 2].map((i) => newEvent(c, i)));
        await appended(l, b, 0, [3, 4].map((i) => newEvent(c, i)));
        const read = await l.readStreams!([{ streamId: b, fromVersion: 2 }, { streamId: missing, fromVersion: 1 }, { streamId: a, fromVersion: 1 }]);
        const byStream = (id: string) => read.filter((e) => e.streamId === id);
        assert.deepEqual(byStream(a), await l.readStream(a, 1));
        assert.deepEqual(byStream(b), await l.readStream(b, 2));
        assert.equal(read.length, 4);
        assert.deepEqual(await l.readStreams!([]), []);
      });
    });

    describe('readAll', () => {
      it('returns events after a position in commit order, with stream order kept', async () => {
        const a = stream('all-a');
        const b = stream('all-b');
        const [marker] = await appended(log(), a, 0, [newEvent(command('a1'))]);
        const b1 = await appended(log(), b, 0, [newEvent(command('b1'))]);
        const a23 = await appended(log(), a, 1, [newEvent(command('a2')), newEvent(command('a3'))]);
        const written = [...b1, ...a23];
        const ours = await readOurs(log(), marker!.position, [a, b], 3);
        assert.deepEqual(ours, written);
        for (let i = 1; i < ours.length; i++) assert.ok(log().compareLogPositions(ours[i - 1]!.position, ours[i]!.position) < 0);
        assert.ok(log().compareLogPositions(marker!.position, ours[0]!.position) < 0);

        // From the position of an event in the middle: only what follows it.
        const rest = (await readAllFrom(log(), ours[0]!.position)).filter((e) => e.streamId === a || e.streamId === b);
        assert.deepEqual(ids(rest), ids(a23));

        // Paging with a small limit yields the same sequence.
        const paged: RecordedEvent[] = [];
        let position = marker!.position;
        for (;;) {
          const page = await log().readAll({ after: position, limit: 1 });
          assert.ok(page.length <= 1);
          const only = page[0];
          if (only === undefined) break;
          if (only.streamId === a || only.streamId === b) paged.push(only);
          position = only.position;
        }
        assert.deepEqual(paged, written);
      });
    });

    describe('subscribeToAll', () => {
      it('catches up, then delivers new events live, in order, until stopped', async () => {
        const s = stream('sub');
        const [marker] = await appended(log(), stream('sub-marker'), 0, [newEvent(command('marker'))]);
        await appended(log(), s, 0, [newEvent(command('c1')), newEvent(command('c2'))]);
        const received: RecordedEvent[] = [];
        const batches: number[] = [];
        const subscription = log().subscribeToAll({
          after: marker!.position,
          batchSize: 2,
          onEvents: async (events) => {
            batches.push(events.length);
            received.push(...events.filter((e) => e.streamId === s));
          },
        });
        try {
          await eventually('catch-up', () => (received.length >= 2 ? true : undefined));
          await appended(log(), s, 2, [newEvent(command('l1'))]);
          await appended(log(), s, 3, [newEvent(command('l2')), newEvent(command('l3'))]);
          await eventually('live events', () => (received.length >= 5 ? true : undefined));
        } finally {
          await subscription.stop();
        }
        assert.deepEqual(
          received.map((e) => e.streamVersion),
          [1, 2, 3, 4, 5],
        );
        assert.ok(batches.every((n) => n >= 1 && n <= 2), `batch sizes ${batches.join(',')}`);
        for (let i = 1; i < received.length; i++) assert.ok(log().compareLogPositions(received[i - 1]!.position, received[i]!.position) < 0);
        assert.deepEqual(received, await log().readStream(s));
      });

      it('redelivers a batch whose handler failed, after reporting the error', async () => {
        const s = stream('sub-retry');
        const [marker] = await appended(log(), stream('sub-retry-marker'), 0, [newEvent(command('marker'))]);
        await appended(log(), s, 0, [newEvent(command('x'))]);
        const errors: unknown[] = [];
        const deliveries: string[] = [];
        let failOnce = true;
        const subscription = log().subscribeToAll({
          after: marker!.position,
          onError: (error) => errors.push(error),
          onEvents: async (events) => {
            const ours = events.filter((e) => e.streamId === s);
            if (ours.length === 0) return;
            deliveries.push(...ids(ours));
            if (failOnce) {
              failOnce = false;
              throw new Error('handler failed');
            }
          },
        });
        try {
          await eventually('redelivery', () => (deliveries.length >= 2 ? true : undefined));
        } finally {
          await subscription.stop();
        }
        assert.equal(errors.length, 1);
        assert.equal(deliveries[0], deliveries[1]);
      });
    });

    describe('hash chain', () => {
      it('verifies a stored stream and detects an altered, removed or reordered event', async () => {
        const s = stream('chain');
        const c = command('chain');
        await appended(log(), s, 0, [newEvent(c, 0), newEvent(c, 1)]);
        await appended(log(), s, 2, [newEvent(command('more'), 0, { amount: 5_000, note: 'x' })]);
        await appended(log(), s, 3, [newEvent(command('last'))]);
        const stored = await log().readStream(s);
        assert.deepEqual(verifyChain(stored), { valid: true, events: 4 });

        const altered = stored.map((e) => (e.streamVersion === 3 ? { ...e, data: { ...e.data, amount: 5_001 } } : e));
        assert.deepEqual(verifyChain(altered), { valid: false, events: 4, brokenAt: 3 });
        assert.deepEqual(verifyChain(stored.filter((e) => e.streamVersion !== 2)), { valid: false, events: 3, brokenAt: 2 });
        assert.deepEqual(verifyChain([stored[1]!, stored[0]!, stored[2]!, stored[3]!]), { valid: false, events: 4, brokenAt: 1 });
      });

      it('detects an event altered in storage', async function () {
        if (subject?.tamper === undefined) this.skip();
        const s = stream('tamper');
        await appended(log(), s, 0, [newEvent(command('t1')), newEvent(command('t2')), newEvent(command('t3'))]);
        await subject.tamper(s, 2);
        assert.deepEqual(verifyChain(await log().readStream(s)), { valid: false, events: 3, brokenAt: 2 });
      });
    });

    describe('metadata and data', () => {
      it('keeps type, data and metadata exactly, including the schema version', async () => {
        const s = stream('exact');
        const c = command('exact');
        const data: JsonObject = {
          amount: 9_007_199_254_740_991,
          negative: -250,
          fraction: 0.5,
          text: 'Zürich – 日本 – \u{1f528} "quoted" \\ back\nslash',
          flags: [true, false, null],
          nested: { empty: {}, list: [], deep: { a: [1, { b: 'c' }] } },
          zero: 0,
        };
        const withKey: NewEvent = {
          eventId: `${c}:0`,
          type: 'AuctionCreated',
          data,
          metadata: metadataFor(c, { idempotencyKey: 'key-\u00e9', schemaVersion: 3, userId: 'seller@example', serverTime: '2031-12-31T23:59:59.999Z' }),
        };
        const withoutKey: NewEvent = { eventId: `${c}:1`, type: 'BidPlaced', data: { amount: 100 }, metadata: metadataFor(c, { schemaVersion: 1 }) };
        const [first, second] = await appended(log(), s, 0, [withKey, withoutKey]);
        const strip = (e: RecordedEvent) => ({ eventId: e.eventId, type: e.type, data: e.data, metadata: e.metadata });
        assert.deepEqual(strip(first!), withKey);
        assert.deepEqual(strip(second!), withoutKey);
        const stored = await log().readStream(s);
        assert.deepEqual(stored.map(strip), [withKey, withoutKey]);
        assert.deepEqual(stored, [first, second]);
        const all = await readOurs(log(), stored[0]!.position, [s], 1);
        assert.deepEqual(strip(all[0]!), withoutKey);
        assert.deepEqual(verifyChain(stored), { valid: true, events: 2 });
      });
    });
  });
};
