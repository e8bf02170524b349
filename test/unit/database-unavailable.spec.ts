// Which database errors are an outage (503 UNAVAILABLE, retry) rather than a defect (500): the
// errors `pg` really gives for a server that refuses connections, and the SQLSTATEs and messages
// of a server going away, also when wrapped as a cause.
import assert from 'node:assert/strict';
import pg from 'pg';
import { isDatabaseUnavailable } from '../../infra/index.js';

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it('is true for the error pg gives when nothing listens on the port', async () => {
    const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:1/postgres', connectionTimeoutMillis: 2_000 });
    const error = await client.connect().then(() => undefined, (e: unknown) => e);
    assert.ok(error !== undefined, 'connecting to port 1 should fail');
    assert.equal(isDatabaseUnavailable(error), true, String(error));
  });

  it('is true for a server shutting down or starting, a lost connection, a pool timeout, and as a cause', () => {
    for (const error of [
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('the database system is starting up', '57P03'),
      withCode('connection failure', '08006'),
      withCode('sorry, too many clients already', '53300'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('the append failed', { cause: withCode('read ECONNRESET', 'ECONNRESET') }),
    ]) {
      assert.equal(isDatabaseUnavailable(error), true, error.message);
    }
  });

  it('is false for a statement the server refused and for errors that are not the database\'s', () => {
    for (const error of [
      withCode('duplicate key value violates unique constraint', '23505'),
      withCode('syntax error at or near "SELEC"', '42601'),
      withCode('events are append-only: UPDATE refused', '42501'),
      new Error('cannot read properties of undefined'),
      'ECONNREFUSED',
      undefined,
    ]) {
      assert.equal(isDatabaseUnavailable(error), false, String(error));
    }
  });
});
