-- Migration read-models/006-formats: how each auction sells (AuctionCreated schema version 4), and
-- a Dutch auction's clock, all three columns null for every other format.
ALTER TABLE auction_view ADD COLUMN format text NOT NULL DEFAULT 'english'
  CHECK (format IN ('english', 'sealed-first-price', 'sealed-second-price', 'dutch'));
ALTER TABLE auction_view ADD COLUMN clock_decrement_amount bigint;
ALTER TABLE auction_view ADD COLUMN clock_decrement_every_seconds integer;
ALTER TABLE auction_view ADD COLUMN clock_floor_price bigint;
