-- Migration read-models/004-retractions: bid retractions (BidRetracted) in the read models.
-- - bid_history takes one row per retraction, in stream order like the bids: outcome 'retracted',
--   `retracted_bid_ids` the bids it took back (space-separated, oldest first; null on a bid's row),
--   `bid_id` the most recent of them, `max_amount` the highest maximum retracted (private), and
--   `price_after`/`leader_pseudonym` the price and leader after it (no leader when no bid is left).
-- - bidder_activity counts each bidder's retractions in the auction; `highest_max` is its highest
--   maximum still standing (0 once none is).
ALTER TABLE bid_history DROP CONSTRAINT bid_history_outcome_check;
ALTER TABLE bid_history ADD CONSTRAINT bid_history_outcome_check CHECK (outcome IN ('new-leader', 'outbid', 'raised-maximum', 'retracted'));
ALTER TABLE bid_history ALTER COLUMN leader_pseudonym DROP NOT NULL;
ALTER TABLE bid_history ADD COLUMN retracted_bid_ids text;
ALTER TABLE bidder_activity ADD COLUMN retraction_count integer NOT NULL DEFAULT 0;
