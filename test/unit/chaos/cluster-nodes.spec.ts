// The chaos suite's reading of CLUSTER NODES (the Redis Cluster master kill): each node's port,
// role, whether it is marked failing, and a master's slot ranges.
import assert from 'node:assert/strict';
import { parseClusterNodes } from '../../../scripts/chaos/services/redis-cluster.js';

describe('chaos: CLUSTER NODES', () => {
  it('reads ports, roles, failure flags and slot ranges, migrating slots left out', () => {
    const text = [
      'a1 127.0.0.1:15501@25501 master,fail - 1700000000000 1700000000000 1 disconnected',
      'b2 127.0.0.1:15502@25502 myself,master - 0 1700000000000 2 connected 5461-10922',
      'c3 127.0.0.1:15504@25504 master - 0 1700000000000 7 connected 0-5460 [5461->-b2]',
      'd4 127.0.0.1:15505@25505 slave b2 0 1700000000000 2 connected',
      'e5 127.0.0.1:15506@25506 slave,fail? c3 0 1700000000000 7 connected',
      '',
    ].join('\n');
    assert.deepEqual(parseClusterNodes(text), [
      { port: 15501, role: 'master', failing: true, slots: [] },
      { port: 15502, role: 'master', failing: false, slots: ['5461-10922'] },
      { port: 15504, role: 'master', failing: false, slots: ['0-5460'] },
      { port: 15505, role: 'replica', failing: false, slots: [] },
      { port: 15506, role: 'replica', failing: true, slots: [] },
    ]);
  });
});
