-- Revenue by currency over a time range ($1 from, $2 to: timestamptz or null for unbounded, `to`
-- exclusive): the auctions sold (by ended_at) and the prices paid, in minor units, one row a currency.
SELECT currency, count(*)::int AS sold, coalesce(sum(final_price), 0)::text AS revenue
FROM analytics_auctions
WHERE status = 'sold'
  AND ($1::timestamptz IS NULL OR ended_at >= $1::timestamptz)
  AND ($2::timestamptz IS NULL OR ended_at < $2::timestamptz)
GROUP BY currency
ORDER BY currency
