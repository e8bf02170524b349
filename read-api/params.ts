// Every path and query parameter of the read API, as io-ts codecs: a bad one is a 400 naming it
// (`query.limit`, `params.id`). Unknown query parameters are refused too, so typos do not pass
// silently as defaults.
import * as t from 'io-ts';
import { AuctionId, UserId } from '../domain/index.js';
import { closedObject, integerFromString, isIsoUtcTimestamp } from '../infra/index.js';
import { opaqueCursor } from './cursor.js';

export const AuctionParams = t.type({ id: AuctionId }, 'AuctionParams');

/** Stream versions are PostgreSQL integers. */
export const MAX_VERSION = 2_147_483_647;
const MinVersion = integerFromString(1, MAX_VERSION);

export const ListingStatus = t.keyof({ scheduled: null, open: null, sold: null, unsold: null, cancelled: null }, '"scheduled" | "open" | "sold" | "unsold" | "cancelled"');
export type ListingStatus = t.TypeOf<typeof ListingStatus>;

/** `ending-soon`: ends_at ascending; `newly-listed`: created_at descending (ties by auction id). */
export const ListingSort = t.keyof({ 'ending-soon': null, 'newly-listed': null }, '"ending-soon" | "newly-listed"');
export type ListingSort = t.TypeOf<typeof ListingSort>;

/** Public bid history order: newest first (default) or oldest first. */
export const BidOrder = t.keyof({ newest: null, oldest: null }, '"newest" | "oldest"');
export type BidOrder = t.TypeOf<typeof BidOrder>;

/** How an auditor's answer is written: a JSON page, or a streamed export of everything. */
export const ExportFormat = t.keyof({ json: null, ndjson: null, csv: null }, '"json" | "ndjson" | "csv"');
export type ExportFormat = t.TypeOf<typeof ExportFormat>;

const microIso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const CursorTime = new t.Type<string, string, unknown>(
  'CursorTime',
  (u): u is string => typeof u === 'string' && microIso.test(u) && isIsoUtcTimestamp(u),
  (u, c) => (typeof u === 'string' && microIso.test(u) && isIsoUtcTimestamp(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);
const PositiveInt = new t.Type<number, number, unknown>(
  'PositiveInt',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 1 && u <= MAX_VERSION,
  (u, c) => (typeof u === 'number' && Number.isSafeInteger(u) && u >= 1 && u <= MAX_VERSION ? t.success(u) : t.failure(u, c)),
  t.identity,
);
/** PostgreSQL's largest bigint (a bigserial id). */
const MAX_BIGINT = 9_223_372_036_854_775_807n;
const isRowId = (u: unknown): u is string => typeof u === 'string' && /^\d{1,19}$/.test(u) && BigInt(u) <= MAX_BIGINT;
/** A bigserial row id as decimal text, within bigint's range (beyond it, the query itself would fail). */
const RowId = new t.Type<string, string, unknown>('RowId', isRowId, (u, c) => (isRowId(u) ? t.success(u) : t.failure(u, c)), t.identity);

/** The longest title search (`q`), in characters; titles are at most 200. */
export const MAX_SEARCH_LENGTH = 100;
const isSearchText = (u: unknown): u is string =>
  typeof u === 'string' && u.trim().length > 0 && [...u].length <= MAX_SEARCH_LENGTH && ![...u].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
/**
 * `q`: text a title must contain (case-insensitive; `%`, `_` and `\` match themselves), 1 to
 * MAX_SEARCH_LENGTH characters, not only spaces, no control characters; decoded trimmed.
 */
export const SearchText = new t.Type<string, string, unknown>(
  'SearchText',
  isSearchText,
  (u, c) => (isSearchText(u) ? t.success(u.trim())
    : t.failure(u, c, `expected 1 to ${MAX_SEARCH_LENGTH} characters of title text (not only spaces, no control characters)`)),
  t.identity,
);

/** Where a listing page ended: the filter it belongs to and the last item's sort key. */
export const listingCursor = opaqueCursor('ListingCursor', t.intersection([
  t.type({
    st: ListingStatus,
    so: ListingSort,
    se: t.union([UserId, t.null]),
    /** The last item's sort column, with microseconds. */
    k: CursorTime,
    i: AuctionId,
  }),
  /** The title search, when the listing had one. */
  t.partial({ q: t.string }),
]));
export type ListingCursor = t.TypeOf<typeof listingCursor.codec>;

export const bidsCursor = opaqueCursor('BidsCursor', t.type({ o: BidOrder, v: PositiveInt }));
export type BidsCursor = t.TypeOf<typeof bidsCursor.codec>;

export const auditBidsCursor = opaqueCursor('AuditBidsCursor', t.type({ av: PositiveInt }));
export const attemptsCursor = opaqueCursor('AttemptsCursor', t.type({ at: RowId }));

/** A signed-in user's own lists (GET /v1/me/bids, /won, /watchlist). */
export const MyList = t.keyof({ bids: null, won: null, watchlist: null }, '"bids" | "won" | "watchlist"');
export type MyList = t.TypeOf<typeof MyList>;

/** Where a page of one's own list ended: which list, and the last item's sort key and id. */
export const myListCursor = opaqueCursor('MyListCursor', t.type({ l: MyList, k: CursorTime, i: AuctionId }));

export const MyListQuery = closedObject('MyListQuery', {}, { limit: integerFromString(1, 100), cursor: myListCursor.codec });

/** Where a page of one's notifications ended: the last one's time and id. */
export const notificationsCursor = opaqueCursor('NotificationsCursor', t.type({ k: CursorTime, i: t.refinement(t.string, (s) => s.length > 0 && s.length <= 64, 'NotificationId') }));

export const NotificationsQuery = closedObject('NotificationsQuery', {}, { limit: integerFromString(1, 100), cursor: notificationsCursor.codec });

export const AuctionQuery = closedObject('AuctionQuery', {}, { minVersion: MinVersion });

export const ListingQuery = closedObject('ListingQuery', {}, {
  status: ListingStatus,
  sort: ListingSort,
  sellerId: UserId,
  q: SearchText,
  limit: integerFromString(1, 100),
  cursor: listingCursor.codec,
});

export const BidsQuery = closedObject('BidsQuery', {}, {
  order: BidOrder,
  limit: integerFromString(1, 100),
  cursor: bidsCursor.codec,
  minVersion: MinVersion,
});

export const AuditBidsQuery = closedObject('AuditBidsQuery', {}, {
  limit: integerFromString(1, 1_000),
  cursor: auditBidsCursor.codec,
  minVersion: MinVersion,
  format: ExportFormat,
});

export const AttemptsQuery = closedObject('AttemptsQuery', {}, {
  limit: integerFromString(1, 1_000),
  cursor: attemptsCursor.codec,
  format: ExportFormat,
});

export const NoQuery = closedObject('NoQuery', {}, {});

/** Checkpoint sequence numbers: 1, 2, 3, ... */
const CheckpointSequence = integerFromString(1, Number.MAX_SAFE_INTEGER);
export const CheckpointParams = t.type({ sequence: CheckpointSequence }, 'CheckpointParams');
export const CheckpointListQuery = closedObject('CheckpointListQuery', {}, { before: CheckpointSequence, limit: integerFromString(1, 500) });
export const VerifyQuery = closedObject('VerifyQuery', {}, { checkpoint: CheckpointSequence });
export const DEFAULT_CHECKPOINT_PAGE = 50;

export const DEFAULT_PAGE = 20;
export const DEFAULT_AUDIT_PAGE = 100;
