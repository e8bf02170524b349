// Fault: SIGKILL of the projector mid-batch, several times. The projector applies each batch of
// events in one PostgreSQL transaction (the read models and its checkpoint together), and the live
// cache's changes in Redis with a checkpoint of their own. Each time, after a random pause, the
// suite watches pg_stat_activity for a transaction of the projector's (a write to, or a row lock on,
// a read-model table or the checkpoints) and sends SIGKILL while it is open (if none opens within
// 5 s it kills all the same), then starts the projector again.
// What it costs: the dead process's transaction is rolled back (PostgreSQL notices the closed
// connection); the new process joins the consumer group (the group waits for the dead member's
// session to lapse before handing its partitions over) and resumes from its checkpoints, so the
// read models and the live cache lag the log meanwhile, and catch up.
// Must hold: read models equal a clean rebuild; the read API, the live cache and the subscribers
// converge on the log.
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SqlExecutor } from '../../../infra/index.js';
import type { Fault } from './fault.js';
import { nodesWithRole, since } from './nodes.js';

/** A transaction of the projector's in flight: nothing else locks or writes these tables. */
const BATCH_IN_FLIGHT = `
  SELECT count(*)::int AS n FROM pg_stat_activity
  WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
    AND state IN ('active', 'idle in transaction')
    AND query ~* '(auction_view|bid_history|bidder_activity|parked_streams|projection_checkpoints)'
    AND query ~* '(for update|^\\s*(insert|update|delete))'`;

/** Polls until a batch transaction is open; whether one was seen within `timeoutMs`. */
const batchInFlight = async (sql: SqlExecutor, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await sql.query<{ n: number }>(BATCH_IN_FLIGHT).catch(() => ({ rows: [{ n: 0 }] }));
    if ((rows[0]?.n ?? 0) > 0) return true;
    await sleep(5);
  }
  return false;
};

export const projectorKill = (kills = 3): Fault => {
  let midBatch = 0;
  return {
    name: 'projector-kill',
    title: `SIGKILL of the projector mid-batch, ${kills} times, each restarted`,
    mustHold: 'read models equal a clean rebuild; the live cache and the subscribers converge',
    unavailable: (target) => (nodesWithRole(target, 'projector').length === 0 ? 'needs a projector node' : undefined),
    inject: async ({ target, sql, say }) => {
      const projector = nodesWithRole(target, 'projector')[0]!;
      for (let i = 1; i <= kills; i++) {
        await sleep(randomInt(500, 2_000));
        const open = await batchInFlight(sql, 5_000);
        if (open) midBatch += 1;
        const killedAt = Date.now();
        await target.kill(projector.name, 'SIGKILL');
        say(`kill ${i}/${kills}: ${projector.name} killed (SIGKILL) ${open ? 'with a batch transaction open' : 'with no batch transaction seen in 5 s'}`);
        await target.restart(projector.name);
        say(`kill ${i}/${kills}: ${projector.name} ready ${since(killedAt)} after the kill`);
      }
    },
    check: async () => ({ problems: [], summary: `${midBatch} of ${kills} kills landed while a batch transaction was open` }),
  };
};
