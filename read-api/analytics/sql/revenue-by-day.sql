-- Revenue by UTC day and currency: the auctions sold (by ended_at) from $1 (inclusive) to $2
-- (exclusive) and the prices paid in minor units; only days with a sale, oldest first, then by currency.
SELECT to_char(date_trunc('day', ended_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
       currency,
       count(*)::int AS sold,
       coalesce(sum(final_price), 0)::text AS revenue
FROM analytics_auctions
WHERE status = 'sold' AND ended_at >= $1::timestamptz AND ended_at < $2::timestamptz
GROUP BY 1, currency
ORDER BY 1, currency
