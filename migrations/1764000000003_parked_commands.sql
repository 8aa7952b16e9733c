-- Up Migration
-- Updates and deletes of a product the writer does not know yet. Commands of one product travel
-- on three topics, so an update can arrive before its create; instead of holding its partition
-- while it waits, the command is parked here (its id recorded as processed, its offset committed)
-- and applied in the transaction that creates the product. A parked command whose create does
-- not come within the parking window is dead-lettered by the writer's sweeper, then deleted.
CREATE TABLE parked_commands (
  -- Arrival order: a product's parked commands are applied in this order.
  sequence         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  command_id       uuid        NOT NULL,
  product_id       uuid        NOT NULL,
  kind             text        NOT NULL CHECK (kind IN ('update', 'delete')),
  -- The validated command fields (name, description, price; empty for a delete).
  payload          jsonb       NOT NULL DEFAULT '{}'::jsonb,
  -- W3C trace context the event continues when the command is finally applied.
  trace_headers    jsonb       NOT NULL DEFAULT '{}'::jsonb,
  -- The Kafka message as received (value and headers) and where it came from, so that a dead
  -- letter looks exactly like one the consumer would have sent.
  message_value    bytea,
  message_headers  jsonb       NOT NULL DEFAULT '{}'::jsonb,
  source_topic     text        NOT NULL,
  source_partition integer     NOT NULL,
  source_offset    bigint      NOT NULL,
  -- When it was first parked; the window counts from here even if it is parked again.
  parked_at        timestamptz NOT NULL DEFAULT now()
);

-- A create takes its product's parked commands, in order.
CREATE INDEX parked_commands_product_idx ON parked_commands (product_id, sequence);
-- The sweeper looks for commands older than the window.
CREATE INDEX parked_commands_parked_at_idx ON parked_commands (parked_at);

-- Down Migration
DROP TABLE parked_commands;
