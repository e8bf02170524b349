// The run's starting point: auctions in every state, made by valid commands of plain users, so
// the hostile requests meet open, scheduled, sold, cancelled and closing auctions, with and
// without bids, reserves and buy-now prices.
import type { AuthSpec, RequestSpec } from './http-arbitraries.js';
import type { FuzzWorld } from './fuzz-world.js';

const inSeconds = (s: number): string => new Date(Date.now() + s * 1000).toISOString();

const seller: AuthSpec = { kind: 'token', sub: 'fz-sam', roles: ['seller', 'bidder'] };
const alice: AuthSpec = { kind: 'token', sub: 'fz-alice', roles: ['bidder'] };
const bob: AuthSpec = { kind: 'token', sub: 'fz-bob', roles: ['bidder'] };
const admin: AuthSpec = { kind: 'token', sub: 'fz-root', roles: ['admin'] };

const command = (path: string, auth: AuthSpec, body: Record<string, unknown> | undefined, pick = 0, key?: string): RequestSpec => ({
  intent: `setup:${path}`,
  method: 'POST',
  path,
  id: { kind: 'known', pick, suffix: '' },
  query: [],
  auth,
  idempotencyKey: key,
  contentType: body === undefined ? undefined : 'application/json',
  accept: undefined,
  requestId: undefined,
  body: body === undefined ? { kind: 'none' } : { kind: 'json', value: body },
});

let keys = 0;

export const setUpAuctionsInEveryState = async (world: FuzzWorld): Promise<void> => {
  const create = async (extra: Record<string, unknown> = {}): Promise<number> => {
    await world.must(command('/v1/auctions', seller, { title: 'Setup lot', currency: 'USD', startingPrice: 1_000, endsAt: inSeconds(3_600), ...extra }));
    return world.auctionIds.length - 1;
  };
  const bid = (pick: number, auth: AuthSpec, maxAmount: number) => world.must(command('/v1/auctions/:id/bids', auth, { maxAmount }, pick, `fz-setup-${++keys}`));

  await create(); // open, no bids
  const contested = await create({ softClose: { windowSeconds: 60, extensionSeconds: 60 } });
  await bid(contested, alice, 2_000);
  await bid(contested, bob, 1_500);
  const reserve = await create({ reservePrice: 4_000 });
  await bid(reserve, alice, 2_000); // reserve not met
  await create({ buyNowPrice: 20_000 }); // buy-now offered
  await create({ startsAt: inSeconds(3_600), endsAt: inSeconds(7_200) }); // scheduled
  const sold = await create({ buyNowPrice: 9_000 });
  await world.must(command('/v1/auctions/:id/buy-now', bob, undefined, sold));
  const cancelled = await create();
  await world.must(command('/v1/auctions/:id/cancel', seller, { reason: 'listed by mistake' }, cancelled));
  const cancelledByAdmin = await create();
  await bid(cancelledByAdmin, alice, 3_000);
  await world.must(command('/v1/auctions/:id/cancel', admin, { reason: 'fraud suspected' }, cancelledByAdmin));
  await create({ endsAt: inSeconds(3) }); // closes unsold during the run
  const closesSold = await create({ endsAt: inSeconds(3) }); // closes sold during the run
  await bid(closesSold, bob, 2_500);
};
