-- Every attempt to send a message (e-mail, SMS, web push), what it came to and why: staff read
-- their tenant's, customers their own (db/functions/500_messages.sql, docs/messages.md).
BEGIN;
CREATE TABLE kassa.message_attempts (
  tenant_id   uuid NOT NULL,
  id          bigint GENERATED ALWAYS AS IDENTITY,
  message_id  uuid NOT NULL,   -- the message's public id
  customer_id uuid NOT NULL,
  attempt     integer NOT NULL CONSTRAINT message_attempts_attempt_positive CHECK (attempt > 0),
  outcome     text NOT NULL CONSTRAINT message_attempts_outcome_known
              CHECK (outcome = ANY (ARRAY['sent', 'retrying', 'failed', 'suppressed', 'lease_expired'])),
  error       text CONSTRAINT message_attempts_error_max_length CHECK (char_length(error) <= 4000),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, message_id) REFERENCES kassa.messages (tenant_id, public_id) ON DELETE CASCADE
);
CREATE INDEX message_attempts_message ON kassa.message_attempts (tenant_id, message_id, attempt);
ALTER TABLE kassa.message_attempts ENABLE ROW LEVEL SECURITY;
COMMIT;
