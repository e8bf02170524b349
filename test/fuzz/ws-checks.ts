// One WebSocket fuzz step against a running system: hostile sockets send their frames at once; then
// each of them must have been answered (an error frame for every refused frame, RATE_LIMITED once
// for a socket over its frame budget, or a close), every
// frame the server sent must be a frame of the protocol, the node must still serve, a fresh honest
// client must still get its snapshot, and once every socket is gone the node holds none of them.
import { isRight } from 'fp-ts/lib/Either.js';
import { ServerFrame } from '../../realtime/index.js';
import type { TestSystem } from '../support/system.js';
import { eventually } from '../support/system.js';
import type { TestClient } from '../support/ws-client.js';
import { connect } from '../support/ws-client.js';
import type { FrameSpec } from './ws-arbitraries.js';
import { framesOf } from './ws-arbitraries.js';

/** How long a check waits for what must happen (generous: the machine is shared and slow). */
const PATIENCE_MS = 20_000;

const describeFrames = (specs: readonly FrameSpec[]): string =>
  specs.map((s) => JSON.stringify(s, (_k, v: unknown) => (typeof v === 'string' && v.length > 60 ? `${v.slice(0, 60)}…(${v.length})` : v))).join(', ');

const answered = async (client: TestClient, refusals: number): Promise<string | undefined> => {
  try {
    // A socket over its frame budget is told once (RATE_LIMITED), then its frames are ignored until
    // it slows down or is closed: that one error frame answers every frame it sent after it.
    const done = () => {
      const errors = client.frames.filter((f) => f.type === 'error');
      return client.closed !== undefined || errors.length >= refusals || errors.some((f) => f.code === 'RATE_LIMITED');
    };
    await eventually(async () => (done() ? true : undefined), 'answers', PATIENCE_MS);
    return undefined;
  } catch {
    const errors = client.frames.filter((f) => f.type === 'error');
    return `got ${errors.length} error frames for ${refusals} refused frames and the socket stayed open (codes: ${errors.map((f) => String(f.code)).join(',') || 'none'})`;
  }
};

/** Runs one step; throws naming every broken expectation. */
export const hostileSocketsStep = async (sys: TestSystem, auctionIds: readonly string[], honestAuctionId: string, sockets: readonly (readonly FrameSpec[])[]): Promise<void> => {
  const realtimeUrl = sys.realtimeUrl!;
  const clients = await Promise.all(sockets.map(() => connect(realtimeUrl)));
  const problems: string[] = [];
  try {
    const refusals = sockets.map((specs, i) => {
      const client = clients[i]!;
      let count = 0;
      for (const spec of specs) {
        const { wire, refusals: n } = framesOf(spec, auctionIds);
        count += n;
        for (const frame of wire) {
          if (client.closed !== undefined) break;
          client.sendRaw(frame.data, { binary: frame.binary });
        }
      }
      return count;
    });
    for (const [i, client] of clients.entries()) {
      const late = await answered(client, refusals[i]!);
      if (late !== undefined) problems.push(`socket ${i}: ${late}; it sent ${describeFrames(sockets[i]!)}`);
      const foreign = client.frames.filter((f) => !isRight(ServerFrame.decode(f)));
      if (foreign.length > 0) problems.push(`socket ${i}: frames outside the protocol: ${JSON.stringify(foreign.slice(0, 2)).slice(0, 300)}`);
    }
    const health = await fetch(realtimeUrl.replace(/^ws/, 'http').replace(/\/v1\/realtime$/, '/health')).then((r) => r.status, (err: unknown) => String(err));
    if (health !== 200) problems.push(`the realtime node's /health answered ${health}`);
    const honest = await connect(realtimeUrl);
    try {
      honest.send({ type: 'subscribe', auctionId: honestAuctionId });
      await honest.waitFor((f) => f.type === 'snapshot', `a snapshot of ${honestAuctionId}`).catch(() => problems.push(`a fresh honest client got no snapshot of ${honestAuctionId} (frames: ${JSON.stringify(honest.frames).slice(0, 200)})`));
    } finally {
      await honest.close();
    }
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
  const stats = sys.live.realtime!.stats;
  await eventually(async () => (stats().connections === 0 && stats().subscriptions === 0 ? true : undefined), 'the node to drop closed sockets', PATIENCE_MS).catch(() =>
    problems.push(`after every socket closed the node still holds ${stats().connections} connections and ${stats().subscriptions} subscriptions`),
  );
  if (problems.length > 0) throw new Error(problems.join('\n  '));
};
