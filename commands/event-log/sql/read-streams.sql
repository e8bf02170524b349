-- Several streams' events at once: stream $1[i] from version $2[i] on, grouped by stream, each in
-- stream order. Prepared: the command side catches up the account streams a batch of commands
-- needs (commands/handler/account-repository.ts) in one round trip; each pair is one range scan
-- of events_stream_version_key.
SELECT e.transaction_id::text AS transaction_id, e.global_position::text AS global_position, e.stream_id, e.stream_version,
  e.event_id, e.type, e.data, e.metadata, e.prev_hash, e.hash
FROM unnest($1::text[], $2::integer[]) AS r(stream_id, from_version)
JOIN events e ON e.stream_id = r.stream_id AND e.stream_version >= r.from_version
ORDER BY e.stream_id, e.stream_version
