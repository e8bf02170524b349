// Fault: PostgreSQL stopped and restarted. The target's own server (never the machine's shared one)
// is stopped with pg_ctl's fast stop (clients disconnected, transactions in flight aborted) for a
// few seconds, then started again. No role is restarted.
// Must hold: no acknowledged bid lost; commands answer 503 (or fail to connect) while it is down,
// never 500 and never accepted twice; full recovery without restarting any role.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fault } from './fault.js';

export const postgresRestart = (downMs = 5_000): Fault => ({
  name: 'postgres-restart',
  title: `PostgreSQL stopped (pg_ctl -m fast) for ${downMs / 1000} s and restarted`,
  mustHold: 'no acknowledged bid lost; 503s while it is down; full recovery without restarting any role',
  unavailable: (target) => (target.services.postgres === undefined ? 'the target does not own its PostgreSQL' : undefined),
  inject: async ({ target, say }) => {
    const postgres = target.services.postgres!;
    say('stopping PostgreSQL');
    await postgres.stop();
    await sleep(downMs);
    say('starting PostgreSQL again');
    await postgres.start();
  },
});
