-- Several streams' events at once: stream $1[i] from version $2[i] on (a stream named twice: its
-- first version), grouped by stream, each in stream order. Prepared: the command side catches up
-- the account streams a batch of commands needs (commands/handler/account-repository.ts) in one
-- round trip. `stream_id = ANY` is one index scan of events_stream_version_key per stream; on PGlite
-- it costs about half of an unnest-and-LATERAL join of the two arrays, and less than two readStreams.
SELECT transaction_id::text AS transaction_id, global_position::text AS global_position, stream_id, stream_version,
  event_id, type, data, metadata, prev_hash, hash
FROM events
WHERE stream_id = ANY($1::text[]) AND stream_version >= ($2::integer[])[array_position($1::text[], stream_id)]
ORDER BY stream_id, stream_version
