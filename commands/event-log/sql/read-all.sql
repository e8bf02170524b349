-- The whole log in commit order: up to $3 events after the position ($1 its transaction id, $2
-- its global position), taking only rows below the horizon: rows whose transaction is older than
-- every transaction still running, so no row can commit later before one already read (see
-- 001-events.sql). Prepared: every subscription that reads the log itself runs it.
--
-- The casts alias the column names, so ORDER BY qualifies them (events.x) to sort by the column
-- rather than by its text.
SELECT transaction_id::text AS transaction_id, global_position::text AS global_position, stream_id, stream_version,
  event_id, type, data, metadata, prev_hash, hash FROM events
       WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint) AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY events.transaction_id, events.global_position
       LIMIT $3
