-- The share of bids placed in an auction's last minute, by period: the minutes from $1 (its
-- minute, inclusive) to $2 (exclusive), summed in UTC periods of $3 ('minute', 'hour' or 'day');
-- every period of the range, one without bids as zeros, oldest first. Sums come back as text.
WITH periods AS (
  SELECT p FROM generate_series(date_trunc($3::text, $1::timestamptz AT TIME ZONE 'UTC'), ($2::timestamptz AT TIME ZONE 'UTC') - interval '1 microsecond', ('1 ' || $3::text)::interval) AS s(p)
), counted AS (
  SELECT date_trunc($3::text, minute AT TIME ZONE 'UTC') AS p,
         sum(bids)::bigint AS bids,
         sum(last_minute_bids)::bigint AS last_minute_bids
  FROM analytics_bids_per_minute
  WHERE minute >= date_trunc('minute', $1::timestamptz) AND minute < $2::timestamptz
  GROUP BY 1
)
SELECT to_char(periods.p, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS period,
       coalesce(counted.bids, 0)::text AS bids,
       coalesce(counted.last_minute_bids, 0)::text AS last_minute_bids
FROM periods LEFT JOIN counted ON counted.p = periods.p
ORDER BY periods.p
