-- Migration read-models/007-sealed-bids: sealed bids (SealedBidPlaced) in the read models.
-- - bid_history takes one row per sealed bid (a raise is another row): outcome 'sealed',
--   `max_amount` and `price_after` its amount, no leader. While the auction is live the read API
--   shows such a row only to its own bidder; the public and auditors' histories show it once the
--   auction has closed (the reveal).
-- - auction_view: a sealed auction has no leader until its close, which sets the winner as leader.
ALTER TABLE bid_history DROP CONSTRAINT bid_history_outcome_check;
ALTER TABLE bid_history ADD CONSTRAINT bid_history_outcome_check CHECK (outcome IN ('new-leader', 'outbid', 'raised-maximum', 'retracted', 'sealed'));
