-- Migration read-models/003-parked-streams: the streams the read-model projection parked at an
-- event it cannot project (projections/runtime/parked-streams.ts), one row per auction. Written in
-- the same transaction as the checkpoint; the auction's other tables stay as they were before that
-- event. A rebuild fills it afresh (under a suffixed name, as 001-tables.sql).
CREATE TABLE parked_streams (
  auction_id        text PRIMARY KEY,
  stream_id         text NOT NULL,
  stream_version    integer NOT NULL,       -- the event that could not be projected
  log_position      text NOT NULL,          -- its log position
  event_id          text NOT NULL,
  event_type        text NOT NULL,
  reason            text NOT NULL
);
