-- Migration analytics/001-analytics: the market figures the analytics projector keeps current from
-- the event log (projections/analytics). Every column is a fact copied from an event; the figures
-- across auctions (sell-through, sniping share, average extensions, revenue by currency and day)
-- are queries over these tables (read-api/analytics). Times are UTC; money is integer minor units
-- in the auction's currency. The projector's checkpoint is its row in projection_checkpoints,
-- written in the same transaction as these rows; a rebuild from the log gives identical tables.

-- One row per auction: what happened to it, as far as the projector has read.
CREATE TABLE analytics_auctions (
  auction_id       text        PRIMARY KEY,
  version          integer     NOT NULL,            -- the last stream version applied (drops redeliveries)
  seller_id        text        NOT NULL,
  format           text        NOT NULL,            -- english | sealed-first-price | sealed-second-price | dutch
  currency         text        NOT NULL,
  starting_price   bigint      NOT NULL,
  reserve_price    bigint,
  created_at       timestamptz NOT NULL,
  starts_at        timestamptz NOT NULL,
  ends_at          timestamptz NOT NULL,            -- the end in force (moved by soft-close extensions)
  first_bid_at     timestamptz,
  bids             integer     NOT NULL DEFAULT 0,  -- accepted bids, open and sealed
  distinct_bidders integer     NOT NULL DEFAULT 0,
  extensions       integer     NOT NULL DEFAULT 0,  -- bids that moved the end (soft close)
  last_minute_bids integer     NOT NULL DEFAULT 0,  -- bids placed within 60 s of the end in force when placed
  status           text        NOT NULL,            -- open | sold | unsold | cancelled
  final_price      bigint,                          -- the price paid, when sold
  reserve_met      boolean     NOT NULL DEFAULT false,
  ended_at         timestamptz                      -- when it closed, was bought or was cancelled
);
CREATE INDEX analytics_auctions_ended_at ON analytics_auctions (ended_at) WHERE ended_at IS NOT NULL;
CREATE INDEX analytics_auctions_created_at ON analytics_auctions (created_at);

-- Who has bid on each auction (the distinct-bidder count's memory).
CREATE TABLE analytics_auction_bidders (
  auction_id text NOT NULL,
  bidder_id  text NOT NULL,
  PRIMARY KEY (auction_id, bidder_id)
);

-- Each auction's price curve: one point per event that set its visible price (the opening price,
-- each open bid, a retraction's new price, the price paid).
CREATE TABLE analytics_price_points (
  auction_id     text        NOT NULL,
  stream_version integer     NOT NULL,
  at             timestamptz NOT NULL,
  price          bigint      NOT NULL,
  PRIMARY KEY (auction_id, stream_version)
);

-- Bids per minute across the market (UTC minutes), and how many of them came in an auction's last minute.
CREATE TABLE analytics_bids_per_minute (
  minute           timestamptz PRIMARY KEY,
  bids             integer     NOT NULL,
  last_minute_bids integer     NOT NULL
);
