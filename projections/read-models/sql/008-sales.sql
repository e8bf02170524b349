-- Migration read-models/008-sales: the timed sale an auction is a lot of, and its lot number
-- (AuctionCreated schema version 4 `lot`; both null for an auction sold on its own). A sale's lots,
-- in lot order, are one index range (GET /v1/sales/:id).
ALTER TABLE auction_view ADD COLUMN sale_id text;
ALTER TABLE auction_view ADD COLUMN lot_number integer;
CREATE INDEX auction_view_sale_lots ON auction_view (sale_id, lot_number) WHERE sale_id IS NOT NULL;
