-- One stream's events ($1) from version $2 on, in stream order. Prepared: the command side loads
-- an auction's events through it. (The casts alias the column names, hence events.stream_version.)
SELECT transaction_id::text AS transaction_id, global_position::text AS global_position, stream_id, stream_version,
  event_id, type, data, metadata, prev_hash, hash FROM events WHERE stream_id = $1 AND stream_version >= $2 ORDER BY events.stream_version
