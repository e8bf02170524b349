-- Migration attempts/001-bid-attempts: refused bids, append-only, read by auditors beside the
-- event log. A refusal is not an event (it changes no auction) but it is part of the bidding
-- record. One row per refused bid, written in batches off the request's hot path
-- (attempts-log.ts); `id` orders the attempts as they were stored, per auction through
-- bid_attempts_auction_idx (the read API's pages of an auction's attempts).
CREATE TABLE bid_attempts (
  id              bigserial   PRIMARY KEY,
  auction_id      text        NOT NULL,
  bidder_id       text        NOT NULL,
  max_amount      bigint      NOT NULL,   -- minor units
  code            text        NOT NULL,   -- the rejection's code
  message         text        NOT NULL,
  server_time     timestamptz NOT NULL,
  command_id      text        NOT NULL,
  idempotency_key text,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bid_attempts_auction_idx ON bid_attempts (auction_id, id);
