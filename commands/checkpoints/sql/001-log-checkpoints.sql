-- Migration checkpoints/001-log-checkpoints: where signed checkpoints of the event log are kept.
--
-- log_checkpoints: one row per checkpoint, its signed body exactly as signed (document) and its
-- signature. The sequence is the primary key, so of two writers that took the same next number
-- exactly one succeeds.
--
-- log_checkpoint_heads: the stream heads (version and hash) each checkpoint changed. The leaves of
-- checkpoint S are, per stream, its head in the latest checkpoint at or before S, so storage grows
-- with what changed, not with the number of streams.
CREATE TABLE log_checkpoints (
  sequence   bigint      PRIMARY KEY CHECK (sequence > 0),
  document   text        NOT NULL,
  signature  text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE log_checkpoint_heads (
  stream_id text    NOT NULL,
  sequence  bigint  NOT NULL REFERENCES log_checkpoints (sequence),
  version   integer NOT NULL,
  hash      text    NOT NULL,
  PRIMARY KEY (stream_id, sequence)
);
