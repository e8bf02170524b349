-- Adds an auction to a user's watchlist, unless the list is full. Answers one row: whether the
-- auction is on the list now (`watching`), when it was added, and whether this call added it.
-- $1 user id, $2 auction id, $3 the time, $4 the most auctions one list may hold.
WITH existing AS (
  SELECT added_at FROM watchlist WHERE user_id = $1 AND auction_id = $2
), added AS (
  INSERT INTO watchlist (user_id, auction_id, added_at)
  SELECT $1, $2, $3::timestamptz
  WHERE NOT EXISTS (SELECT 1 FROM existing)
    AND (SELECT count(*) FROM watchlist WHERE user_id = $1) < $4::integer
  ON CONFLICT (user_id, auction_id) DO NOTHING
  RETURNING added_at
)
SELECT to_char(coalesce((SELECT added_at FROM added), (SELECT added_at FROM existing)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS added_at,
       EXISTS (SELECT 1 FROM added) AS added;
