-- Up Migration
-- Ids of commands already applied, written in the same transaction as their effect, so a
-- redelivered command is recognised and changes nothing the second time.
CREATE TABLE processed_commands (
  command_id   uuid PRIMARY KEY,
  topic        text        NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE processed_commands;
