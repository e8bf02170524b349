-- Each auction's figures, newest listed first (created_at, then auction id, descending): one
-- auction ($1, or null for any), a status ($2 or null), listed from $3 (inclusive) to $4
-- (exclusive; null for unbounded), after the keyset position ($5 created_at with microseconds, $6
-- auction id; null for the first page), at most $7 rows. Money and the milliseconds to the first
-- bid (from starts_at) come back as text; created_us is the cursor's key.
SELECT auction_id, seller_id, format, currency, status,
       starting_price::text AS starting_price,
       reserve_price::text AS reserve_price,
       final_price::text AS final_price,
       reserve_met, bids, distinct_bidders, extensions, last_minute_bids,
       round(extract(epoch FROM first_bid_at - starts_at) * 1000)::bigint::text AS ms_to_first_bid,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
       to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS starts_at,
       to_char(ends_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ends_at,
       to_char(first_bid_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS first_bid_at,
       to_char(ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ended_at,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_us
FROM analytics_auctions
WHERE ($1::text IS NULL OR auction_id = $1::text)
  AND ($2::text IS NULL OR status = $2::text)
  AND ($3::timestamptz IS NULL OR created_at >= $3::timestamptz)
  AND ($4::timestamptz IS NULL OR created_at < $4::timestamptz)
  AND ($5::timestamptz IS NULL OR (created_at, auction_id) < ($5::timestamptz, $6::text))
ORDER BY created_at DESC, auction_id DESC
LIMIT $7
