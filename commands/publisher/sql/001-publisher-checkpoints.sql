-- Migration publisher/001-publisher-checkpoints: the publisher's checkpoint, one row per topic
-- (name): the last log position it has published to it. The epoch fences: taking the lease bumps
-- it, and a position is saved only under the epoch its writer took, so a publisher that lost its
-- lease can never move the checkpoint (checkpoint-table.ts).
CREATE TABLE publisher_checkpoints (
  name        text        PRIMARY KEY,
  position    text        NOT NULL DEFAULT '0',   -- '0': the start of the log
  epoch       bigint      NOT NULL DEFAULT 0,
  holder      text,                               -- who took the lease last
  acquired_at timestamptz,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
