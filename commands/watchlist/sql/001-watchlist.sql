-- Migration watchlist/001-watchlist: the auctions each user watches. User data, not a fact of an
-- auction: the command API writes it (watchlist-store.ts), the read API joins it with auction_view
-- (GET /v1/me/watchlist), and whoever tells watchers of an auction's end reads it by auction.
CREATE TABLE watchlist (
  user_id    text        NOT NULL,
  auction_id text        NOT NULL,
  added_at   timestamptz NOT NULL,
  PRIMARY KEY (user_id, auction_id)
);
CREATE INDEX watchlist_user_added ON watchlist (user_id, added_at, auction_id);
CREATE INDEX watchlist_auction ON watchlist (auction_id);
