// The PostgreSQL read models (DESIGN.md sections 5 and 9): the contract between the projectors,
// which alone write these tables, and the read API, which only reads them. Times are timestamptz,
// money bigint minor units. Real bidder ids and maximums are here for auditors and for a bidder's
// own views; the read API never puts them in a public answer.
import type { Migration } from '../../infra/index.js';

/** Every read-model table, in the order a rebuild creates them. */
export const readModelTables = ['auction_view', 'bid_history', 'bidder_activity', 'parked_streams'] as const;
export type ReadModelTable = (typeof readModelTables)[number];

/** The CREATE statements of the first read models (migration 001, as it was applied). */
const firstTablesDdl = (suffix = ''): string => `
CREATE TABLE auction_view${suffix} (
  auction_id        text PRIMARY KEY,
  seller_id         text NOT NULL,
  title             text NOT NULL,
  description       text NOT NULL,
  currency          text NOT NULL,
  starting_price    bigint NOT NULL,
  current_price     bigint NOT NULL,
  reserve_price     bigint,                 -- private: auditors only
  buy_now_price     bigint,
  buy_now_available boolean NOT NULL,
  bid_count         integer NOT NULL,
  leader_id         text,                   -- private: real id of the leader
  leader_pseudonym  text,
  reserve_met       boolean NOT NULL,
  outcome           text NOT NULL CHECK (outcome IN ('live', 'sold', 'unsold', 'cancelled')),
  winner_id         text,                   -- private
  winner_pseudonym  text,
  final_price       bigint,
  starts_at         timestamptz NOT NULL,
  ends_at           timestamptz NOT NULL,
  soft_close_window_seconds    integer,
  soft_close_extension_seconds integer,
  created_at        timestamptz NOT NULL,
  ended_at          timestamptz,
  version           integer NOT NULL,       -- stream version this row reflects
  log_position      text NOT NULL           -- log position of that event
);
CREATE INDEX auction_view${suffix}_live_ending ON auction_view${suffix} (ends_at, auction_id) WHERE outcome = 'live';
CREATE INDEX auction_view${suffix}_outcome_ending ON auction_view${suffix} (outcome, ends_at, auction_id);
CREATE INDEX auction_view${suffix}_seller ON auction_view${suffix} (seller_id, created_at);

-- One row per accepted bid, in stream order.
CREATE TABLE bid_history${suffix} (
  auction_id        text NOT NULL,
  stream_version    integer NOT NULL,
  bid_id            text NOT NULL,
  bidder_id         text NOT NULL,          -- private
  bidder_pseudonym  text NOT NULL,
  max_amount        bigint NOT NULL,        -- private
  outcome           text NOT NULL CHECK (outcome IN ('new-leader', 'outbid', 'raised-maximum')),
  price_after       bigint NOT NULL,        -- the visible price after this bid
  leader_pseudonym  text NOT NULL,          -- the leader after this bid
  placed_at         timestamptz NOT NULL,
  ends_at_after     timestamptz NOT NULL,
  extended          boolean NOT NULL,
  event_id          text NOT NULL,
  command_id        text NOT NULL,
  log_position      text NOT NULL,
  prev_hash         text NOT NULL,
  hash              text NOT NULL,
  PRIMARY KEY (auction_id, stream_version)
);
CREATE INDEX bid_history${suffix}_bidder ON bid_history${suffix} (bidder_id, placed_at);

-- Per bidder and auction: what the bidder did and where it stands.
CREATE TABLE bidder_activity${suffix} (
  bidder_id         text NOT NULL,
  auction_id        text NOT NULL,
  bid_count         integer NOT NULL,
  highest_max       bigint NOT NULL,        -- private to the bidder and auditors
  first_bid_at      timestamptz NOT NULL,
  last_bid_at       timestamptz NOT NULL,
  is_leading        boolean NOT NULL,       -- whether this bidder leads (won, once sold)
  PRIMARY KEY (bidder_id, auction_id)
);
CREATE INDEX bidder_activity${suffix}_auction ON bidder_activity${suffix} (auction_id);
`;

/**
 * Streams the read-model projection parked at an event it cannot project (see
 * projections/runtime/parked-streams.ts): written in the same transaction as the checkpoint; the
 * auction's other tables stay as they were before that event. A rebuild fills it afresh.
 */
const parkedStreamsDdl = (suffix = ''): string => `
CREATE TABLE parked_streams${suffix} (
  auction_id        text PRIMARY KEY,
  stream_id         text NOT NULL,
  stream_version    integer NOT NULL,       -- the event that could not be projected
  log_position      text NOT NULL,          -- its log position
  event_id          text NOT NULL,
  event_type        text NOT NULL,
  reason            text NOT NULL
);
`;

/** The CREATE statements of every read-model table, parameterised by table-name suffix for rebuilds. */
export const readModelDdl = (suffix = ''): string => `${firstTablesDdl(suffix)}${parkedStreamsDdl(suffix)}`;

export const readModelMigrations: readonly Migration[] = [
  { id: 'read-models/001-tables', sql: firstTablesDdl() },
  {
    id: 'read-models/002-checkpoints',
    sql: `
-- Where each projection has read up to in each source ('log', or 'kafka:<topic>:<partition>'),
-- written in the same transaction as the read-model change it covers.
CREATE TABLE projection_checkpoints (
  projection text NOT NULL,
  source     text NOT NULL,
  position   text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (projection, source)
);`,
  },
  { id: 'read-models/003-parked-streams', sql: parkedStreamsDdl() },
];
