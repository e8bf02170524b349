-- The stored events with these event ids ($1), in stream order. After a refused append they tell
-- a retried command (exactly these events, already stored) from a conflict. (The casts alias the
-- column names, hence events.stream_version.)
SELECT transaction_id::text AS transaction_id, global_position::text AS global_position, stream_id, stream_version,
  event_id, type, data, metadata, prev_hash, hash FROM events WHERE event_id = ANY($1::text[]) ORDER BY events.stream_version
