-- Bids per minute from $1 (a whole minute, inclusive) to $2 (exclusive): every minute of the range,
-- a minute without bids as zeros, oldest first. Minutes are UTC.
SELECT to_char(m.minute, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS minute,
       coalesce(b.bids, 0) AS bids,
       coalesce(b.last_minute_bids, 0) AS last_minute_bids
FROM generate_series(date_trunc('minute', $1::timestamptz AT TIME ZONE 'UTC'), ($2::timestamptz AT TIME ZONE 'UTC') - interval '1 microsecond', interval '1 minute') AS m(minute)
LEFT JOIN analytics_bids_per_minute b ON b.minute = m.minute AT TIME ZONE 'UTC'
ORDER BY m.minute
