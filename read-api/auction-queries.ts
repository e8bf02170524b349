// Queries over `auction_view` (joined with the caller's `bidder_activity` row), and what a caller
// may see of a row: the domain's public view of the row's public state (the same as the WebSocket
// snapshot's), plus the caller's own fields. Private columns (leader_id, winner_id, reserve_price)
// are used only to answer "is this you" questions and the seller's own reserve; they never leave.
import * as t from 'io-ts';
import type { Pseudonymiser, SqlExecutor } from '../infra/index.js';
import { AuctionFormat, Outcome, PublicAuction, publicAuctionView, publicBuyNowPrice, publicLeader, publicPrice, isSealedFormat } from '../domain/index.js';
import { IntFromText, NullableIntFromText, isoMs, isoUs } from '../infra/index.js';
import type { AuthenticatedUser } from '../infra/index.js';
import type { ListingCursor, ListingSort, ListingStatus, MyList } from './params.js';
import type { AuctionSummary, AuctionView } from './responses.js';
import { NullableNumber, NullableString, decodeRow } from './rows.js';

const AuctionRow = t.type({
  auction_id: t.string,
  seller_id: t.string,
  format: AuctionFormat,
  title: t.string,
  description: t.string,
  currency: t.string,
  starting_price: IntFromText,
  current_price: IntFromText,
  reserve_price: NullableIntFromText,
  buy_now_price: NullableIntFromText,
  buy_now_available: t.boolean,
  bid_count: t.number,
  leader_id: NullableString,
  leader_pseudonym: NullableString,
  reserve_met: t.boolean,
  outcome: Outcome,
  winner_id: NullableString,
  winner_pseudonym: NullableString,
  final_price: NullableIntFromText,
  starts_at: t.string,
  ends_at: t.string,
  soft_close_window_seconds: NullableNumber,
  soft_close_extension_seconds: NullableNumber,
  clock_decrement_amount: NullableIntFromText,
  clock_decrement_every_seconds: NullableNumber,
  clock_floor_price: NullableIntFromText,
  created_at: t.string,
  ended_at: NullableString,
  version: t.number,
  your_max: NullableIntFromText,
  your_bid_count: NullableNumber,
  sort_key: t.string,
});
export type AuctionRow = t.TypeOf<typeof AuctionRow>;

/** The sort column and direction of each listing order; ties are broken by auction id in the same direction. */
const sortSpecs: Readonly<Record<ListingSort, { readonly column: string; readonly descending: boolean }>> = {
  'ending-soon': { column: 'ends_at', descending: false },
  'newly-listed': { column: 'created_at', descending: true },
};

/**
 * $1 is the caller's user id (null when anonymous); `sortExpression` (a column, chosen by the
 * caller, never by a request) becomes `sort_key`; `join` adds a table to the FROM.
 */
const selectView = (sortExpression: string, join = '') => `
SELECT av.auction_id, av.seller_id, av.format, av.title, av.description, av.currency,
       av.starting_price::text AS starting_price, av.current_price::text AS current_price,
       av.reserve_price::text AS reserve_price, av.buy_now_price::text AS buy_now_price, av.buy_now_available,
       av.bid_count, av.leader_id, av.leader_pseudonym, av.reserve_met, av.outcome, av.winner_id, av.winner_pseudonym,
       av.final_price::text AS final_price,
       ${isoMs('av.starts_at')} AS starts_at, ${isoMs('av.ends_at')} AS ends_at,
       av.soft_close_window_seconds, av.soft_close_extension_seconds,
       av.clock_decrement_amount::text AS clock_decrement_amount, av.clock_decrement_every_seconds,
       av.clock_floor_price::text AS clock_floor_price,
       ${isoMs('av.created_at')} AS created_at, ${isoMs('av.ended_at')} AS ended_at,
       av.version,
       NULLIF(ba.highest_max, 0)::text AS your_max, ba.bid_count AS your_bid_count,
       ${isoUs(sortExpression)} AS sort_key
FROM auction_view av
LEFT JOIN bidder_activity ba ON ba.auction_id = av.auction_id AND ba.bidder_id = $1::text
${join}`;

const BY_ID_SQL = `${selectView('av.ends_at')} WHERE av.auction_id = $2`;

export const findAuction = async (sql: SqlExecutor, auctionId: string, userId: string | undefined): Promise<AuctionRow | undefined> => {
  const { rows } = await sql.query(BY_ID_SQL, [userId ?? null, auctionId], { prepare: true });
  return rows[0] === undefined ? undefined : decodeRow(AuctionRow, rows[0], 'auction_view');
};

const SALE_LOTS_SQL = `${selectView('av.ends_at')} WHERE av.sale_id = $2 ORDER BY av.lot_number`;

/** The rows of a timed sale's lots (those projected so far), in lot order. */
export const findSaleLots = async (sql: SqlExecutor, saleId: string, userId: string | undefined): Promise<AuctionRow[]> => {
  const { rows } = await sql.query(SALE_LOTS_SQL, [userId ?? null, saleId], { prepare: true });
  return rows.map((row) => decodeRow(AuctionRow, row, 'auction_view'));
};

/** The stream version the read model reflects for an auction, or undefined when it has no row yet. */
export const auctionVersion = async (sql: SqlExecutor, auctionId: string): Promise<number | undefined> => {
  const { rows } = await sql.query<{ version: number }>('SELECT version FROM auction_view WHERE auction_id = $1', [auctionId], { prepare: true });
  return rows[0]?.version;
};

export const auctionExists = async (sql: SqlExecutor, auctionId: string): Promise<boolean> => (await auctionVersion(sql, auctionId)) !== undefined;

export interface ListingRequest {
  readonly status: ListingStatus;
  readonly sort: ListingSort;
  readonly sellerId: string | undefined;
  /** Text the title must contain, case-insensitive and literal (LIKE's wildcards are escaped). */
  readonly search?: string | undefined;
  readonly after: ListingCursor | undefined;
  readonly limit: number;
  readonly userId: string | undefined;
  readonly now: Date;
}

/**
 * One page of the listing, in a stable keyset order: (sort column, auction id). A live auction is
 * `scheduled` while now < starts_at, then `open` (as `publicStatus` says). Fetches `limit + 1`
 * rows so the caller knows whether another page follows.
 */
export const listAuctions = async (sql: SqlExecutor, request: ListingRequest): Promise<AuctionRow[]> => {
  const spec = sortSpecs[request.sort];
  const params: (string | number | null)[] = [request.userId ?? null];
  const where: string[] = [];
  const param = (value: string | number | null): string => {
    params.push(value);
    return `$${params.length}`;
  };
  switch (request.status) {
    case 'scheduled':
      where.push(`av.outcome = 'live'`, `av.starts_at > ${param(request.now.toISOString())}::timestamptz`);
      break;
    case 'open':
      where.push(`av.outcome = 'live'`, `av.starts_at <= ${param(request.now.toISOString())}::timestamptz`);
      break;
    default:
      where.push(`av.outcome = ${param(request.status)}`);
  }
  if (request.sellerId !== undefined) where.push(`av.seller_id = ${param(request.sellerId)}`);
  if (request.search !== undefined) where.push(`lower(av.title) LIKE lower(${param(`%${escapeLike(request.search)}%`)}) ESCAPE '\\'`);
  const direction = spec.descending ? 'DESC' : 'ASC';
  if (request.after !== undefined) {
    where.push(`(av.${spec.column}, av.auction_id) ${spec.descending ? '<' : '>'} (${param(request.after.k)}::timestamptz, ${param(request.after.i)}::text)`);
  }
  const text = `${selectView(`av.${spec.column}`)}
WHERE ${where.join(' AND ')}
ORDER BY av.${spec.column} ${direction}, av.auction_id ${direction}
LIMIT ${param(request.limit + 1)}`;
  const { rows } = await sql.query(text, params);
  return rows.map((row) => decodeRow(AuctionRow, row, 'auction_view'));
};

/** `text` as a LIKE pattern that matches itself only: `\`, `%` and `_` escaped with `\`. */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Each list's rows (with $1 the user) and order, newest first: latest bid, latest end, latest added. */
const myLists: Readonly<Record<MyList, { readonly sort: string; readonly join: string; readonly where: string }>> = {
  bids: { sort: 'ba.last_bid_at', join: '', where: 'ba.bidder_id IS NOT NULL' },
  won: { sort: 'av.ended_at', join: '', where: `av.outcome = 'sold' AND av.winner_id = $1::text` },
  watchlist: { sort: 'w.added_at', join: 'JOIN watchlist w ON w.auction_id = av.auction_id AND w.user_id = $1::text', where: 'TRUE' },
};

/** One page of a user's own list after `after` (the last item's sort key and id), `limit + 1` rows. */
export const listMine = async (
  sql: SqlExecutor, list: MyList, userId: string, after: { readonly k: string; readonly i: string } | undefined, limit: number,
): Promise<AuctionRow[]> => {
  const spec = myLists[list];
  const params: (string | number)[] = [userId];
  const param = (value: string | number): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = [spec.where];
  if (after !== undefined) where.push(`(${spec.sort}, av.auction_id) < (${param(after.k)}::timestamptz, ${param(after.i)}::text)`);
  const text = `${selectView(spec.sort, spec.join)}
WHERE ${where.join(' AND ')}
ORDER BY ${spec.sort} DESC, av.auction_id DESC
LIMIT ${param(limit + 1)}`;
  const { rows } = await sql.query(text, params);
  return rows.map((row) => decodeRow(AuctionRow, row, 'auction_view'));
};

/**
 * The auction's public state: the row's facts through the domain's public choices (the winner and
 * the final price once sold, buy-now only while offered), checked against the domain's codec.
 */
const publicAuctionOf = (row: AuctionRow): PublicAuction =>
  decodeRow(PublicAuction, {
    auctionId: row.auction_id,
    title: row.title,
    description: row.description,
    sellerId: row.seller_id,
    format: row.format,
    currency: row.currency,
    startingPrice: row.starting_price,
    currentPrice: publicPrice(row.outcome, row.current_price, row.final_price),
    bidCount: row.bid_count,
    leader: publicLeader(row.outcome, row.leader_pseudonym, row.winner_pseudonym),
    reserveMet: row.reserve_met,
    buyNowPrice: publicBuyNowPrice(row.outcome, row.buy_now_available, row.buy_now_price),
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    softClose:
      row.soft_close_window_seconds !== null && row.soft_close_extension_seconds !== null
        ? { windowSeconds: row.soft_close_window_seconds, extensionSeconds: row.soft_close_extension_seconds }
        : null,
    clock:
      row.clock_decrement_amount !== null && row.clock_decrement_every_seconds !== null && row.clock_floor_price !== null
        ? { decrementAmount: row.clock_decrement_amount, decrementEverySeconds: row.clock_decrement_every_seconds, floorPrice: row.clock_floor_price }
        : null,
    createdAt: row.created_at,
    endedAt: row.ended_at,
    outcome: row.outcome,
    version: row.version,
  }, 'auction_view');

/** What a caller may see of an auction: the public view (as the WebSocket snapshot shows it), plus its own fields when it is authenticated. */
export const toView = (row: AuctionRow, now: Date, caller: AuthenticatedUser | undefined, pseudonym: Pseudonymiser): AuctionView => {
  const view: AuctionView = publicAuctionView(publicAuctionOf(row), now.getTime());
  if (caller === undefined) return view;
  return {
    ...view,
    yourPseudonym: pseudonym(row.auction_id, caller.userId),
    ...(row.your_max !== null
      ? {
        yourMaxAmount: row.your_max,
        yourBidCount: row.your_bid_count ?? 0,
        // A sealed auction has no leader while it is live: nobody is told whether it leads.
        ...(isSealedFormat(row.format) && row.outcome === 'live' ? {} : { youLead: publicLeader(row.outcome, row.leader_id, row.winner_id) === caller.userId }),
      }
      : {}),
    ...(caller.userId === row.seller_id ? { reservePrice: row.reserve_price } : {}),
  };
};

/** What a listing shows of an auction: its view without the description. */
export const toSummary = (row: AuctionRow, now: Date, caller: AuthenticatedUser | undefined, pseudonym: Pseudonymiser): AuctionSummary => {
  const { description: _description, ...summary } = toView(row, now, caller, pseudonym);
  return summary;
};
