-- Migration analytics/002-parked-streams: the streams the analytics projection parked at an event
-- it cannot project (projections/runtime/parked-streams.ts), one row per auction, with the columns
-- of the read models' parked_streams. Written in the same transaction as the checkpoint; the
-- auction's analytics rows stay as they were before that event. A rebuild fills it afresh.
CREATE TABLE analytics_parked_streams (
  auction_id        text PRIMARY KEY,
  stream_id         text NOT NULL,
  stream_version    integer NOT NULL,       -- the event that could not be projected
  log_position      text NOT NULL,          -- its log position
  event_id          text NOT NULL,
  event_type        text NOT NULL,
  reason            text NOT NULL
);
