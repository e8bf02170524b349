// The local topology's plan (scripts/topology/layout.ts), checked without starting anything: the
// processes and their roles, distinct ports from one base port, each node's environment accepted
// by the configuration, and every variable the balancer's configuration reads set to a node of
// the role its backend serves.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../infra/index.js';
import { haproxyConfig, haproxyVariables, planTopology, portsOf } from '../../scripts/topology/index.js';

describe('topology: the plan', () => {
  const plan = planTopology(18000);

  it('runs two API nodes, two realtime nodes and one of each background role, on distinct ports from the base port', () => {
    assert.deepEqual(plan.nodes.map((n) => [n.name, n.roles.join(',')]), [
      ['api-1', 'command-api,read-api'],
      ['api-2', 'command-api,read-api'],
      ['realtime-1', 'realtime'],
      ['realtime-2', 'realtime'],
      ['publisher', 'publisher'],
      ['projector', 'projector'],
      ['scheduler', 'scheduler'],
    ]);
    const ports = portsOf(plan);
    assert.equal(new Set(ports).size, ports.length, 'no port used twice');
    assert.ok(ports.every((p) => p >= 18000 && p < 18100));
    assert.equal(plan.gateway.port, 18000);
    assert.throws(() => planTopology(65530), /base port/);
  });

  it('gives each node an environment the configuration accepts: its roles, its ports, behind one proxy', () => {
    for (const node of plan.nodes) {
      const config = loadConfig({ ...node.env });
      assert.deepEqual(config.roles, node.roles, node.name);
      assert.equal(config.opsPort, node.ports.ops, node.name);
      if (node.ports.http !== undefined) {
        assert.equal(config.port, node.ports.http);
        assert.equal(config.trustProxy, 1, `${node.name} trusts the balancer's X-Forwarded-For`);
        assert.equal(config.realtimePort, plan.gateway.port, `${node.name}'s page opens its WebSocket through the balancer`);
      }
      if (node.ports.realtime !== undefined) {
        assert.equal(config.realtimePort, node.ports.realtime);
        assert.equal(config.realtime.maxConnectionsPerAddress, 0, 'the balancer limits sockets per client');
      }
    }
  });

  it('sets every variable the balancer reads, each server to a node of its backend\'s role', () => {
    const { required } = haproxyVariables(readFileSync(haproxyConfig, 'utf8'));
    assert.deepEqual([...required].sort(), Object.keys(plan.gateway.env).sort());
    const nodeAt = (address: string | undefined) => plan.nodes.find((n) => [n.ports.http, n.ports.realtime].some((p) => address === `127.0.0.1:${p}`));
    for (const [variable, role] of [['COMMANDS', 'command-api'], ['READS', 'read-api'], ['REALTIME', 'realtime']] as const) {
      const nodes = [1, 2].map((n) => nodeAt(plan.gateway.env[`GATEWAY_${variable}_${n}`]));
      assert.ok(nodes.every((n) => n?.roles.includes(role)), `${variable}: ${role} nodes`);
      assert.notEqual(nodes[0]?.name, nodes[1]?.name);
      nodes.forEach((n, i) => assert.ok(n?.servers.some((s) => s.endsWith(`/${n.name}`)) && n.name.endsWith(String(i + 1))));
    }
  });

  it('reads the configuration\'s variables, those with a default apart, ignoring comments', () => {
    assert.deepEqual(haproxyVariables('bind "${A}"\n  server s "${B}" # "${C}"\n acl x { v gt "${D-100}" }\n'), { required: ['A', 'B'], optional: ['D'] });
  });
});
