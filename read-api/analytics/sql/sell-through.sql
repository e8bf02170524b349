-- Sell-through by period: the auctions that ended sold or unsold from $1 (inclusive) to $2
-- (exclusive), counted in UTC periods of $3 ('minute', 'hour' or 'day'); every period of the
-- range, one without endings as zeros, oldest first. Cancelled auctions are not sales offered to
-- the end, so they count in neither.
WITH periods AS (
  SELECT p FROM generate_series(date_trunc($3::text, $1::timestamptz AT TIME ZONE 'UTC'), ($2::timestamptz AT TIME ZONE 'UTC') - interval '1 microsecond', ('1 ' || $3::text)::interval) AS s(p)
), ended AS (
  SELECT date_trunc($3::text, ended_at AT TIME ZONE 'UTC') AS p,
         count(*) FILTER (WHERE status = 'sold')::int AS sold,
         count(*) FILTER (WHERE status = 'unsold')::int AS unsold
  FROM analytics_auctions
  WHERE status IN ('sold', 'unsold') AND ended_at >= $1::timestamptz AND ended_at < $2::timestamptz
  GROUP BY 1
)
SELECT to_char(periods.p, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS period,
       coalesce(ended.sold, 0) AS sold,
       coalesce(ended.unsold, 0) AS unsold
FROM periods LEFT JOIN ended ON ended.p = periods.p
ORDER BY periods.p
