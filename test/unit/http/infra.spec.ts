import assert from 'node:assert/strict';
import { createLogger, openRedis, reconnectDelayMs, redactUrl } from '../../../infra/index.js';
import { memoryLogger } from './harness.js';

describe('infra: logger and Redis factory (no services)', () => {
  it('createLogger writes JSON with ISO times, censors credentials, refuses unknown levels', () => {
    const { logger, records } = memoryLogger();
    logger.info({ req: { headers: { authorization: 'Bearer abc' } }, secret: 's3', user: 'alice' }, 'hello');
    const r = records[0] ?? {};
    assert.equal(r.msg, 'hello');
    assert.equal(r.level, 'info');
    assert.match(String(r.time), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.deepEqual(r.req, { headers: { authorization: '[redacted]' } });
    assert.equal(r.secret, '[redacted]');
    assert.equal(r.user, 'alice');
    assert.throws(() => createLogger('verbose'), /unknown log level "verbose"/);
    assert.equal(createLogger('silent').level, 'silent');
  });

  it('redactUrl hides the password', () => {
    assert.equal(redactUrl('redis://user:hunter2@host:6379/5'), 'redis://user:***@host:6379/5');
    assert.equal(redactUrl('redis://host:6379'), 'redis://host:6379');
  });

  it('reconnectDelayMs backs off to 2 s', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 50].map(reconnectDelayMs), [50, 100, 200, 400, 800, 1600, 2000, 2000]);
  });

  it('openRedis fails at once with a clear message for a refused connection or a bad URL', async () => {
    await assert.rejects(openRedis('redis://:pw@127.0.0.1:1/5', 'probe'), (err: Error) => {
      assert.match(err.message, /^Redis \(probe\): cannot connect to redis:\/\/:\*\*\*@127\.0\.0\.1:1\/5: .*ECONNREFUSED/);
      assert.doesNotMatch(err.message, /pw/);
      return true;
    });
    await assert.rejects(openRedis('http://127.0.0.1:6379', 'probe'), /expected a redis: or rediss: URL/);
    await assert.rejects(openRedis('not a url', 'probe'), /not a valid URL/);
  });
});
