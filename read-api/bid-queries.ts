// Queries over `bid_history` (accepted bids) and the write side's `bid_attempts` (refused bids).
// The public query selects a maximum only for the caller's own rows, so no other bidder's maximum
// or real id is even read for a public answer. A sealed bid's row (outcome 'sealed') is left out of
// both the public and the auditors' histories until the auction has closed (the reveal).
import * as t from 'io-ts';
import { IntFromText, NullableIntFromText, isoMs } from '../infra/index.js';
import type { Pseudonymiser, SqlExecutor } from '../infra/index.js';
import { bidAttemptPage } from '../contracts/index.js';
import type { BidRow } from '../projections/index.js';
import { bidHistoryColumns, decodeStoredRows, selectList, storedRowCodec } from '../projections/index.js';
import type { BidOrder } from './params.js';
import type { AuditBid, BidAttemptView, PublicBid } from './responses.js';
import { AuditBidCodec } from './responses.js';
import { decodeRow } from './rows.js';

/** A sealed auction before its close (sold or unsold; a cancelled one never reveals): `$1` is the auction. */
const sealedUntilClose = `EXISTS (SELECT 1 FROM auction_view v WHERE v.auction_id = $1 AND v.format LIKE 'sealed-%' AND v.outcome NOT IN ('sold', 'unsold'))`;

/** The condition that keeps a sealed bid's row out until its auction has closed. */
const revealedOnly = `(outcome <> 'sealed' OR NOT ${sealedUntilClose})`;

const PublicBidRow = t.type({
  stream_version: t.number,
  bid_id: t.string,
  bidder_pseudonym: t.string,
  outcome: t.string,
  price_after: IntFromText,
  leader_pseudonym: t.union([t.string, t.null]),
  placed_at: t.string,
  ends_at_after: t.string,
  extended: t.boolean,
  mine: t.boolean,
  own_max: NullableIntFromText,
  retracted_bid_ids: t.union([t.string, t.null]),
  retracted: t.boolean,
});

/** One page of the public history; `limit + 1` rows so the caller knows whether more follow. */
export const publicBidPage = async (
  sql: SqlExecutor,
  auctionId: string,
  options: { readonly order: BidOrder; readonly afterVersion: number | undefined; readonly limit: number; readonly userId: string | undefined },
): Promise<{ readonly items: PublicBid[]; readonly more: boolean }> => {
  const newest = options.order === 'newest';
  const bound = options.afterVersion === undefined ? '' : `AND stream_version ${newest ? '<' : '>'} $4`;
  const { rows } = await sql.query(
    `SELECT stream_version, bid_id, bidder_pseudonym, outcome, price_after::text AS price_after, leader_pseudonym,
            ${isoMs('placed_at')} AS placed_at, ${isoMs('ends_at_after')} AS ends_at_after, extended,
            coalesce(bidder_id = $2::text, false) AS mine,
            CASE WHEN bidder_id = $2::text THEN max_amount::text END AS own_max,
            retracted_bid_ids,
            (outcome <> 'retracted' AND EXISTS (
              SELECT 1 FROM bid_history r WHERE r.auction_id = $1 AND r.outcome = 'retracted'
                AND r.stream_version > bid_history.stream_version AND bid_history.bid_id = ANY (string_to_array(r.retracted_bid_ids, ' '))
            )) AS retracted
     FROM bid_history WHERE auction_id = $1 AND ${revealedOnly} ${bound}
     ORDER BY stream_version ${newest ? 'DESC' : 'ASC'} LIMIT $3`,
    [auctionId, options.userId ?? null, options.limit + 1, ...(options.afterVersion === undefined ? [] : [options.afterVersion])],
  );
  const items = rows.slice(0, options.limit).map((raw): PublicBid => {
    const r = decodeRow(PublicBidRow, raw, 'bid_history');
    return {
      version: r.stream_version,
      bidId: r.bid_id,
      bidder: r.bidder_pseudonym,
      price: r.price_after,
      tookLead: r.outcome === 'new-leader',
      leader: r.leader_pseudonym,
      placedAt: r.placed_at,
      endsAt: r.ends_at_after,
      extended: r.extended,
      ...(r.mine && r.own_max !== null && r.outcome !== 'retracted' ? { mine: true as const, maxAmount: r.own_max } : {}),
      ...(r.mine && r.outcome === 'retracted' ? { mine: true as const } : {}),
      ...(r.retracted_bid_ids !== null ? { retraction: true as const, retractedBidIds: r.retracted_bid_ids.split(' ') } : {}),
      ...(r.retracted ? { retracted: true as const } : {}),
      ...(r.outcome === 'sealed' ? { sealed: true as const } : {}),
    };
  });
  return { items, more: rows.length > options.limit };
};

const BidHistoryStored = storedRowCodec(bidHistoryColumns, 'bid_history');

/** The answers' names for the read model's fields they name otherwise; every other field keeps its name. */
const auditNames: { readonly [K in keyof BidRow]?: keyof AuditBid } = { streamVersion: 'version', priceAfter: 'price', endsAtAfter: 'endsAt' };

/** A stored bid as auditors see it: every field, in column order, checked by the answer's codec. */
const auditBid = (row: BidRow): AuditBid =>
  decodeRow(AuditBidCodec, Object.fromEntries(Object.entries(row).map(([field, value]) => [auditNames[field as keyof BidRow] ?? field, value])), 'bid_history');

/** Accepted bids in stream order, after a stream version: the auditors' pages and export batches. */
export const auditBidPage = async (sql: SqlExecutor, auctionId: string, afterVersion: number, limit: number): Promise<AuditBid[]> => {
  const { rows } = await sql.query(
    `SELECT ${selectList(bidHistoryColumns)} FROM bid_history WHERE auction_id = $1 AND stream_version > $2 AND ${revealedOnly} ORDER BY stream_version LIMIT $3`,
    [auctionId, afterVersion, limit],
    { prepare: true },
  );
  return decodeStoredRows<BidRow>(bidHistoryColumns, BidHistoryStored, rows).map(auditBid);
};

/** Refused bids in the order they were stored, after an attempt id ('0' for the first page). */
export const attemptPage = async (sql: SqlExecutor, pseudonym: Pseudonymiser, auctionId: string, afterId: string, limit: number): Promise<BidAttemptView[]> =>
  (await bidAttemptPage(sql, auctionId, afterId, limit)).map(({ id, auctionId: auction, bidderId, ...rest }) => ({
    id,
    auctionId: auction,
    bidderId,
    bidderPseudonym: pseudonym(auction, bidderId),
    ...rest,
  }));

/**
 * Whether an auction's refused attempts stay hidden: a sealed auction's, until it has closed (an
 * attempt's amount and message would tell a sealed bid, as its accepted bids' rows would).
 */
export const attemptsSealed = async (sql: SqlExecutor, auctionId: string): Promise<boolean> => {
  const { rows } = await sql.query<{ sealed: boolean }>(
    `SELECT ${sealedUntilClose} AS sealed`,
    [auctionId],
  );
  return rows[0]?.sealed === true;
};

/** Whether anything is known of an auction: its read-model row, a bid, or a refused attempt. */
export const auditKnows = async (sql: SqlExecutor, auctionId: string): Promise<boolean> => {
  const { rows } = await sql.query<{ known: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM auction_view WHERE auction_id = $1)
         OR EXISTS (SELECT 1 FROM bid_history WHERE auction_id = $1)
         OR EXISTS (SELECT 1 FROM bid_attempts WHERE auction_id = $1) AS known`,
    [auctionId],
  );
  return rows[0]?.known === true;
};
