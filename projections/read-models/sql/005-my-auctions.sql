-- Migration read-models/005-my-auctions: the indexes of a user's own lists (read-api/me-queries.ts):
-- the auctions a bidder bid on, latest bid first, and the auctions it won, latest end first.
CREATE INDEX bidder_activity_bidder_last_bid ON bidder_activity (bidder_id, last_bid_at, auction_id);
CREATE INDEX auction_view_winner_ended ON auction_view (winner_id, ended_at, auction_id) WHERE outcome = 'sold';
