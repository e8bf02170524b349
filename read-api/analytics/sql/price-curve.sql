-- One auction's price curve ($1): each point that set its visible price, in stream order.
SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, price::text AS price
FROM analytics_price_points
WHERE auction_id = $1
ORDER BY stream_version
