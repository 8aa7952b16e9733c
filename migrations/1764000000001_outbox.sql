-- Up Migration
-- Transactional outbox: a row is inserted in the same transaction as the product change, and the
-- relay publishes rows in id order. id is the commit order within one product because the row
-- lock on the product serialises its changes.
CREATE TABLE outbox (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  aggregate_id uuid        NOT NULL,
  topic        text        NOT NULL,
  message_type text        NOT NULL,
  payload      bytea       NOT NULL,
  -- Kafka headers to send with the event, including the W3C trace context of the command.
  headers      jsonb       NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);

-- The relay only ever looks for unpublished rows; keep that lookup small as the table grows.
CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;

-- Down Migration
DROP TABLE outbox;
