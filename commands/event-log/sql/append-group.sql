-- Group append (multi-stream-append.ts): appends to many streams in ONE statement (one
-- transaction, one round trip), each stream only if it is at its expected version; returns the
-- rows it inserted, in global order, each with the log's last position in commit order before
-- the statement's rows (log_head). Prepared. Only PGlite uses log_head: nothing else commits there
-- in between, so the statement's events continue the log from that position and go straight into
-- the shared tail (log-tail.ts); on PostgreSQL it is one index probe, and ignored.
--
-- $1: the group as a JSON array of {req, streamId, expected, ord, eventId, type, canonical}; the
-- stored data and metadata are read from the canonical JSON (it holds both), so each event
-- travels once. Per stream: its head (last version, and the hash at the expected version), then the
-- chain over its new events and the insert, for the streams at their expected version only.

WITH RECURSIVE
input AS (
  SELECT (x.e->>'req')::integer AS req, x.e->>'streamId' AS stream_id, (x.e->>'expected')::integer AS expected,
         (x.e->>'ord')::integer AS ord, x.e->>'eventId' AS event_id, x.e->>'type' AS type,
         x.e->>'canonical' AS canonical, (x.e->>'canonical')::jsonb AS content
  FROM json_array_elements($1::json) AS x(e)
),
head AS (
  SELECT i.req, i.ord, i.expected, i.canonical,
         coalesce((SELECT max(e.stream_version) FROM events e WHERE e.stream_id = i.stream_id), 0) AS version,
         coalesce((SELECT e.hash FROM events e WHERE e.stream_id = i.stream_id AND e.stream_version = i.expected), '') AS hash
  FROM input i WHERE i.ord = 1
),
-- The first event of each stream comes from its head row itself (no join back to input: that
-- join's plan was quadratic in the group's size).
chain AS (
  SELECT h.req, h.ord, h.hash AS prev_hash, encode(sha256(convert_to(h.hash || h.canonical, 'UTF8')), 'hex') AS hash
  FROM head h
  WHERE h.version = h.expected
  UNION ALL
  SELECT i.req, i.ord, c.hash, encode(sha256(convert_to(c.hash || i.canonical, 'UTF8')), 'hex')
  FROM chain c JOIN input i ON i.req = c.req AND i.ord = c.ord + 1
),
inserted AS (
  INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata, prev_hash, hash)
  SELECT i.stream_id, i.expected + c.ord, i.event_id, i.type, i.content->'data', i.content->'metadata', c.prev_hash, c.hash
  FROM chain c JOIN input i ON i.req = c.req AND i.ord = c.ord
  ORDER BY c.req, c.ord
  RETURNING stream_id, transaction_id, global_position, stream_version, prev_hash, hash
),
-- The log's last row in commit order as this statement sees it (its own rows are not visible here).
log_head AS (
  SELECT transaction_id::text AS transaction_id, global_position::text AS global_position FROM events
  ORDER BY events.transaction_id DESC, events.global_position DESC LIMIT 1
)
SELECT stream_id, transaction_id::text AS transaction_id, global_position::text AS global_position, stream_version, prev_hash, hash,
  (SELECT transaction_id FROM log_head) AS head_transaction_id, (SELECT global_position FROM log_head) AS head_global_position
FROM inserted ORDER BY inserted.global_position
