-- Migration event-log/001-events: the event log itself, one row per event, in every stream.
--
-- A stream's events are numbered 1, 2, ... (stream_version); the unique (stream_id,
-- stream_version) fences concurrent writers of a stream, so of two appends at the same expected
-- version exactly one wins. Each event's hash chains it to the one before it in its stream:
-- hash = hex sha256(prev_hash || the event's canonical JSON), prev_hash '' for a stream's first
-- event (domain/event-log/hash-chain.ts).
--
-- Commit order: each row records its writer's transaction id (xid8). Readers take only rows whose
-- transaction is older than every transaction still running (pg_snapshot_xmin of the current
-- snapshot), ordered by (transaction_id, global_position), which events_commit_order_idx serves.
-- A transaction that commits late holds that horizon back until it ends, so its events are
-- delivered late but never skipped.
CREATE TABLE events (
  global_position bigserial PRIMARY KEY,
  transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
  stream_id       text        NOT NULL,
  stream_version  integer     NOT NULL CHECK (stream_version > 0),
  event_id        text        NOT NULL,
  type            text        NOT NULL,
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL,
  prev_hash       text        NOT NULL,
  hash            text        NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_event_id_key UNIQUE (event_id),
  CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)
);
CREATE INDEX events_commit_order_idx ON events (transaction_id, global_position);

-- Append-only: stored events are never rewritten (upcasting happens on read). The hash chain
-- still exposes anyone who bypasses this (e.g. by disabling the trigger).
CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change();
