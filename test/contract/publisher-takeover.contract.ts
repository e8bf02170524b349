// One active publisher at a time, and takeover without a gap: a second publisher stands by while
// the first holds the lease, and continues from the checkpoint when the first dies (its process
// killed, or its process hung), while bids keep coming in. When only the first's lease connection
// dies, both compete for the lease again and either may win (the design does not say which):
// what holds is that a replaced holder's checkpoint writes are refused (fencing by epoch) and
// that the topic (or stream) carries every event, by version per stream exactly once, in order.
// The same on each bus: a spec per bus calls `publisherTakeoverContract(bus)` (test/integration/bus/).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { LeaseProvider, RunningPublisher } from '../../commands/index.js';
import { LeaseLostError, postgresLeases, startPublisher } from '../../commands/index.js';
import { createLogger } from '../../infra/index.js';
import type { BusUnderTest } from '../support/bus.js';
import { eventually } from '../support/system.js';
import { appendRounds, uniqueName, waitUntilCarried } from '../support/kafka.js';
import type { Collector } from '../support/kafka.js';
import { publisherSuite } from '../support/publisher-suite.js';

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
const childScript = join(dirname(fileURLToPath(import.meta.url)), '..', 'support', 'publisher-process.js');

interface ChildPublisher {
  readonly process: ChildProcess;
  readonly output: string[];
  saw(message: string): boolean;
}

export const publisherTakeoverContract = (bus: BusUnderTest): void => {
  describe(`publisher takeover: one active at a time, no gap (PostgreSQL, ${bus.name})`, function () {
    this.timeout(90_000);
    const children: ChildProcess[] = [];
    const auctions = Array.from({ length: 12 }, (_, i) => `takeover-${i}-${uniqueName('a')}`);

    // Registered before publisherSuite's hooks: the children are killed before the publishers and readers stop.
    afterEach(() => {
      for (const child of children.splice(0)) {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGCONT');
          child.kill('SIGKILL');
        }
      }
    });
    const suite = publisherSuite(`publisher takeover on ${bus.name}`, logger, bus);
    const { publishers, topic, collect } = suite;

    /** The leases' lives as they happen: each taken, and each checkpoint save that succeeded. */
    interface LeaseEvent {
      readonly kind: 'taken' | 'saved';
      readonly holder: string;
      readonly epoch: bigint;
      readonly position: string;
    }

    const recording = (leases: LeaseProvider, holder: string, record: LeaseEvent[]): LeaseProvider => ({
      acquire: async (signal) => {
        const lease = await leases.acquire(signal);
        if (lease === undefined) return undefined;
        const epoch = BigInt(lease.epoch);
        record.push({ kind: 'taken', holder, epoch, position: lease.checkpoint });
        return {
          ...lease,
          save: async (position) => {
            await lease.save(position);
            record.push({ kind: 'saved', holder, epoch, position });
          },
        };
      },
    });

    const inProcess = async (name: string, holder: string, record?: LeaseEvent[], retryMs = 50): Promise<RunningPublisher> => {
      // A live holder keeps its lease (even when this busy process is slow): only the faults a test
      // makes end it (a terminated connection, a killed or paused process).
      const leases = postgresLeases({ databaseUrl: suite.databaseUrl, name, holder, applicationName: holder, retryMs, heartbeatMs: 200, idleTimeoutMs: 10_000 });
      const p = await startPublisher({
        log: suite.opened.log,
        sink: suite.sink(name, 3),
        leases: record === undefined ? leases : recording(leases, holder, record),
        logger,
      });
      publishers.push(p);
      return p;
    };

    /** `idleTimeoutMs`: how long the server lets its lease's session be silent (short to test a hung holder). */
    const childProcess = (name: string, holder: string, idleTimeoutMs: number): ChildPublisher => {
      const child = spawn(process.execPath, [childScript], {
        env: { ...process.env, KAFKA_BROKERS: '', RABBITMQ_URL: '', DATABASE_URL: suite.databaseUrl, ...suite.childEnv(name), TEST_TOPIC: name, TEST_HOLDER: holder, TEST_IDLE_TIMEOUT_MS: String(idleTimeoutMs) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      const output: string[] = [];
      let partial = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        output.push(...lines);
      });
      return { process: child, output, saw: (message) => output.some((line) => line.includes(`"msg":"${message}"`)) };
    };

    /** Waits until the topic carries the whole log: every event, each auction's first copies in order. */
    const allPublished = async (collector: Collector, what: string) => (await waitUntilCarried(suite.opened.log, collector.messages, what)).whole;

    const terminateBackend = async (applicationName: string): Promise<number> => {
      const client = new pg.Client({ connectionString: suite.databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ terminated: boolean }>(
          'SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE application_name = $1',
          [applicationName],
        );
        return rows.filter((r) => r.terminated).length;
      } finally {
        await client.end();
      }
    };

    // The same guarantees whichever wins: B polling as often as A (either may win), and B polling
    // seldom (A most likely takes the lease back). Neither outcome is asserted.
    for (const [race, bRetryMs] of [['either may win', 50], ['A most likely wins', 2_000]] as const) {
      it(`a publisher whose lease connection dies stops; whichever then takes the lease continues from the checkpoint: never two holders writing, nothing lost or doubled (${race})`, async () => {
        const name = topic('conn');
        const record: LeaseEvent[] = [];
        const a = await inProcess(name, `A-${name}`, record);
        await eventually(async () => (a.status().active ? true : undefined), 'A holds the lease');
        const b = await inProcess(name, `B-${name}`, record, bRetryMs);
        const collector = await collect(name);
        await appendRounds(suite.opened.log, auctions, 2, 2);
        await allPublished(collector, 'published by A');
        assert.equal(b.status().active, false, 'B stands by while A holds the lease');
        assert.equal(b.status().published, 0);
        const firstEpoch = BigInt(a.status().epoch ?? '0');

        const writing = appendRounds(suite.opened.log, auctions, 4, 2); // bids keep coming during the takeover
        assert.equal(await terminateBackend(`A-${name}`), 1, "A's lease connection was found and closed");
        // A (on a new connection) and B compete for the lease again; either may win.
        const next = await eventually(async () => record.find((e) => e.kind === 'taken' && e.epoch > firstEpoch), 'a publisher takes the lease after the fault');
        await writing;
        await appendRounds(suite.opened.log, auctions, 1, 1);
        await allPublished(collector, 'everything published'); // every event, by version per stream once, in order; repeats only as copies
        await eventually(async () => ([a, b].filter((p) => p.status().active).length === 1 ? true : undefined), 'one publisher active, the other standing by');
        const active = [a, b].find((p) => p.status().active)!;
        assert.ok(BigInt(active.status().epoch ?? '0') >= next.epoch, "the active publisher's lease fenced A's first one");

        // (a batch is on the bus a moment before its checkpoint is saved)
        await eventually(async () => (record.some((e) => e.kind === 'saved' && e.epoch >= next.epoch) ? true : undefined), 'the new holder saves its checkpoint');
        // Fencing: each lease is taken with a newer epoch, and once a checkpoint is saved under an
        // epoch, none is saved under an older one (a replaced holder writes nothing); the checkpoint never moves back.
        const taken = record.filter((e) => e.kind === 'taken').map((e) => e.epoch);
        assert.deepEqual(taken, [...taken].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)), 'epochs grow with each lease taken');
        assert.equal(new Set(taken).size, taken.length, 'no epoch taken twice');
        const saves = record.filter((e) => e.kind === 'saved');
        for (let i = 1; i < saves.length; i++) {
          const [before, after] = [saves[i - 1]!, saves[i]!];
          assert.ok(after.epoch >= before.epoch, `${after.holder} saved under epoch ${after.epoch} after ${before.holder} saved under ${before.epoch}`);
          assert.ok(suite.opened.log.compareLogPositions(after.position, before.position) >= 0, `the checkpoint moved back from ${before.position} to ${after.position}`);
        }
      });
    }

    it('a killed publisher process is replaced by the standby, with no gap', async () => {
      const name = topic('kill');
      const a = childProcess(name, `child-a-${name}`, 10_000);
      await eventually(async () => (a.saw('holding the publisher lease: publishing') ? true : undefined), 'the child holds the lease', 30_000);
      const b = await inProcess(name, `b-${name}`);
      const collector = await collect(name);
      await appendRounds(suite.opened.log, auctions, 2, 2);
      await allPublished(collector, 'published by the child');
      assert.equal(b.status().active, false, 'B stands by');

      const writing = appendRounds(suite.opened.log, auctions, 4, 2);
      a.process.kill('SIGKILL');
      await eventually(async () => (b.status().active ? true : undefined), 'B takes over from the killed process');
      await writing;
      await allPublished(collector, 'everything published');
    });

    it('a hung publisher loses the lease to the standby and, when it wakes, stands down instead of publishing', async () => {
      const name = topic('hung');
      const a = childProcess(name, `child-a-${name}`, 1_000);
      await eventually(async () => (a.saw('holding the publisher lease: publishing') ? true : undefined), 'the child holds the lease', 30_000);
      const b = await inProcess(name, `b-${name}`);
      const collector = await collect(name);
      await appendRounds(suite.opened.log, auctions, 1, 2);
      await allPublished(collector, 'published by the child');

      a.process.kill('SIGSTOP'); // the process is alive but silent: the server ends its idle session
      await eventually(async () => (b.status().active ? true : undefined), 'B takes over from the hung process', 30_000);
      await appendRounds(suite.opened.log, auctions, 2, 2);
      await allPublished(collector, 'published by B');

      const wokeAt = a.output.length;
      a.process.kill('SIGCONT');
      await eventually(async () => (a.saw('lost the publisher lease: standing by') ? true : undefined), 'the woken process notices it lost the lease', 30_000);
      await appendRounds(suite.opened.log, auctions, 2, 1);
      await allPublished(collector, 'everything published');
      assert.equal(b.status().active, true, 'B still publishes');
      assert.equal(a.output.slice(wokeAt).filter((l) => l.includes('"msg":"holding the publisher lease: publishing"')).length, 0, 'the woken process did not take the lease back');
    });

    it("refuses a fenced holder's checkpoint, and a dead connection's", async () => {
      const name = uniqueName('fence');
      const leases = postgresLeases({ databaseUrl: suite.databaseUrl, name, holder: 'first', applicationName: `first-${name}`, retryMs: 50 });
      const controller = new AbortController();
      const first = await leases.acquire(controller.signal);
      assert.ok(first !== undefined);
      await first.save('1:1');
      // A newer holder (here: taking the checkpoint's epoch directly, as a takeover does).
      await suite.opened.sql.query('UPDATE publisher_checkpoints SET epoch = epoch + 1 WHERE name = $1', [name]);
      await assert.rejects(first.save('1:2'), (e: unknown) => e instanceof LeaseLostError && /fenced/.test(e.message));
      assert.ok((await first.lost) instanceof LeaseLostError);

      const second = await postgresLeases({ databaseUrl: suite.databaseUrl, name, holder: 'second', applicationName: `second-${name}`, retryMs: 50 }).acquire(controller.signal);
      assert.ok(second !== undefined, 'the lock was released with the fenced connection');
      assert.equal(second.checkpoint, '1:1');
      await terminateBackend(`second-${name}`);
      assert.ok((await second.lost) instanceof LeaseLostError);
      await assert.rejects(second.save('1:3'), LeaseLostError);
      const { rows } = await suite.opened.sql.query<{ position: string }>('SELECT position FROM publisher_checkpoints WHERE name = $1', [name]);
      assert.equal(rows[0]?.position, '1:1');
    });
  });
};
