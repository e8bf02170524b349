-- Migration read-models/001-tables: the first read models (DESIGN.md sections 5 and 9), the
-- contract between the projectors, which alone write these tables, and the read API, which only
-- reads them. Times are timestamptz, money bigint minor units. Real bidder ids and maximums are
-- here for auditors and for a bidder's own views; the read API never puts them in a public answer.
--
-- A rebuild creates the same tables under suffixed names (readModelDdl in schema.ts: each table's
-- name, and every name starting with it, suffixed) and renames them into place, so every index is
-- named after its table.

-- One row per auction: the listing and where it stands.
CREATE TABLE auction_view (
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
CREATE INDEX auction_view_live_ending ON auction_view (ends_at, auction_id) WHERE outcome = 'live';
CREATE INDEX auction_view_outcome_ending ON auction_view (outcome, ends_at, auction_id);
CREATE INDEX auction_view_seller ON auction_view (seller_id, created_at);

-- One row per accepted bid, in stream order.
CREATE TABLE bid_history (
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
CREATE INDEX bid_history_bidder ON bid_history (bidder_id, placed_at);

-- Per bidder and auction: what the bidder did and where it stands.
CREATE TABLE bidder_activity (
  bidder_id         text NOT NULL,
  auction_id        text NOT NULL,
  bid_count         integer NOT NULL,
  highest_max       bigint NOT NULL,        -- private to the bidder and auditors
  first_bid_at      timestamptz NOT NULL,
  last_bid_at       timestamptz NOT NULL,
  is_leading        boolean NOT NULL,       -- whether this bidder leads (won, once sold)
  PRIMARY KEY (bidder_id, auction_id)
);
CREATE INDEX bidder_activity_auction ON bidder_activity (auction_id);
