-- Migration read-models/002-checkpoints: where each projection has read up to in each source
-- ('log', or 'kafka:<topic>:<partition>'), written in the same transaction as the read-model
-- change it covers, so a crash leaves rows and checkpoint alike. A rebuild keeps this table and
-- sets the projection's 'log' row in its swap.
CREATE TABLE projection_checkpoints (
  projection text NOT NULL,
  source     text NOT NULL,
  position   text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (projection, source)
);
