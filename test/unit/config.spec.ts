import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../infra/index.js';

describe('configuration: TRUST_PROXY', () => {
  it('defaults to loopback', () => {
    assert.equal(loadConfig({}).trustProxy, 'loopback');
  });

  it('reads a hop count, true/false, or a list of names and ranges', () => {
    assert.equal(loadConfig({ TRUST_PROXY: '1' }).trustProxy, 1);
    assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true);
    assert.equal(loadConfig({ TRUST_PROXY: 'false' }).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: 'loopback, uniquelocal,10.0.0.0/8,fd00::/8' }).trustProxy, 'loopback,uniquelocal,10.0.0.0/8,fd00::/8');
  });

  it('stops on anything else, naming the variable', () => {
    assert.throws(() => loadConfig({ TRUST_PROXY: 'everyone' }), (e: unknown) => e instanceof ConfigError && /TRUST_PROXY/.test(e.message));
    assert.throws(() => loadConfig({ TRUST_PROXY: 'loopback,;rm' }), ConfigError);
  });
});
