-- The market's figures over a time range ($1 from, $2 to: timestamptz or null for unbounded, `to`
-- exclusive), one row. Each figure is counted over the time that fits it: auctions listed (and of
-- those, still open; their time to first bid) by created_at; auctions that ended (sold, unsold;
-- cancelled apart) and their extensions by ended_at; bids by their minute. Sums of bigint come back
-- as text (both engines' way with bigint); the route divides them into rates and averages.
WITH listed AS (
  SELECT count(*)::int AS auctions,
         count(*) FILTER (WHERE status = 'open')::int AS open,
         count(first_bid_at)::int AS with_first_bid,
         coalesce(sum(round(extract(epoch FROM first_bid_at - starts_at) * 1000)), 0)::bigint::text AS ms_to_first_bid
  FROM analytics_auctions
  WHERE ($1::timestamptz IS NULL OR created_at >= $1::timestamptz)
    AND ($2::timestamptz IS NULL OR created_at < $2::timestamptz)
), ended AS (
  SELECT count(*) FILTER (WHERE status = 'sold')::int AS sold,
         count(*) FILTER (WHERE status = 'unsold')::int AS unsold,
         count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
         coalesce(sum(extensions) FILTER (WHERE status IN ('sold', 'unsold')), 0)::bigint::text AS extensions
  FROM analytics_auctions
  WHERE ended_at IS NOT NULL
    AND ($1::timestamptz IS NULL OR ended_at >= $1::timestamptz)
    AND ($2::timestamptz IS NULL OR ended_at < $2::timestamptz)
), minutes AS (
  SELECT coalesce(sum(bids), 0)::bigint::text AS bids,
         coalesce(sum(last_minute_bids), 0)::bigint::text AS last_minute_bids
  FROM analytics_bids_per_minute
  WHERE ($1::timestamptz IS NULL OR minute >= date_trunc('minute', $1::timestamptz))
    AND ($2::timestamptz IS NULL OR minute < $2::timestamptz)
)
SELECT listed.*, ended.*, minutes.* FROM listed, ended, minutes
