// The product files one bid runs through, measured: V8's precise coverage, reset right before one
// bid's request and taken once its `auction.updated` frame has reached a WebSocket subscriber.
// Used by `npm run walk` and by the test that keeps the README's walk true.
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { mintToken } from '../../infra/index.js';

/** The folders of the product (the compiled tree mirrors the source tree). */
const PRODUCT = ['commands', 'contracts', 'domain', 'infra', 'projections', 'read-api', 'realtime', 'scripts/compose'];
const compiledRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface WalkTarget {
  /** The command API's base URL. */
  readonly url: string;
  /** The realtime server's WebSocket URL. */
  readonly realtimeUrl: string;
  readonly jwtSecret: string;
}

/** The source path (e.g. `domain/evolve.ts`) of a compiled product script, or undefined for anything else. */
const productFile = (url: string): string | undefined => {
  if (!url.startsWith('file://')) return undefined;
  const file = path.relative(compiledRoot, fileURLToPath(url)).split(path.sep).join('/').replace(/\.js$/, '.ts');
  return PRODUCT.some((folder) => file.startsWith(`${folder}/`)) ? file : undefined;
};

/** Every product file whose code ran for one bid, from its request to its frame, sorted. */
export const traceOneBid = async (target: WalkTarget): Promise<string[]> => {
  const token = (sub: string, role: 'seller' | 'bidder') => mintToken({ secret: target.jwtSecret, sub, roles: [role], expiresIn: '1h' });
  const [seller, alice, bob] = await Promise.all([token('walk-seller', 'seller'), token('walk-alice', 'bidder'), token('walk-bob', 'bidder')]);
  const post = async (route: string, bearer: string, body: unknown): Promise<{ auctionId?: string; version?: number }> => {
    const response = await fetch(`${target.url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}`, 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`${route} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as { auctionId?: string; version?: number };
  };

  const { auctionId } = await post('/v1/auctions', seller, { title: 'Walk', currency: 'USD', startingPrice: 1000, endsAt: new Date(Date.now() + 3_600_000).toISOString() });
  const socket = new WebSocket(target.realtimeUrl);
  const versions = new Set<number>();
  const waiters: (() => void)[] = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { type?: string; auctionId?: string; version?: number };
    if (frame.type === 'auction.updated' && frame.auctionId === auctionId && frame.version !== undefined) versions.add(frame.version);
    waiters.splice(0).forEach((wake) => wake());
  });
  const frameOf = async (version: number | undefined): Promise<void> => {
    if (version === undefined) throw new Error('the bid answered no version');
    while (!versions.has(version)) await new Promise<void>((wake) => waiters.push(wake));
  };
  const session = new Session();
  try {
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(JSON.stringify({ type: 'subscribe', auctionId }));
    const bid = (bearer: string, maxAmount: number) => post(`/v1/auctions/${auctionId}/bids`, bearer, { maxAmount });
    await frameOf((await bid(alice, 2000)).version); // warms every path up: the traced bid is an ordinary one

    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
    await session.post('Profiler.takePreciseCoverage'); // resets the counts: what follows is one bid
    await frameOf((await bid(bob, 3000)).version);
    const { result } = await session.post('Profiler.takePreciseCoverage');
    await session.post('Profiler.stopPreciseCoverage');
    const ran = new Set<string>();
    for (const script of result) {
      const file = productFile(script.url);
      if (file !== undefined && script.functions.some((f) => f.ranges.some((r) => r.count > 0))) ran.add(file);
    }
    return [...ran].sort();
  } finally {
    session.disconnect();
    socket.close();
  }
};
