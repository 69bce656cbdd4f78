-- Message preferences: which event kinds a customer wants on which channel, and the quiet hours
-- their messages wait out; the kinds a tenant makes mandatory (transactional: they ignore the
-- opt-out on e-mail and the quiet hours). Applied by the fan-out (db/functions/505_preferences.sql,
-- docs/messages.md#preferences).
BEGIN;
ALTER TABLE kassa.tenants
  ADD COLUMN mandatory_message_kinds text[] NOT NULL DEFAULT ARRAY['invoice_issued']
    CONSTRAINT tenants_mandatory_message_kinds_max_length
      CHECK (cardinality(mandatory_message_kinds) <= 64 AND char_length(array_to_string(mandatory_message_kinds, ',')) <= 4000);

-- Messages go by e-mail and SMS; each channel's worker claims its own.
ALTER TABLE kassa.messages DROP CONSTRAINT messages_channel_known,
  ADD CONSTRAINT messages_channel_known CHECK (channel = ANY (ARRAY['email', 'sms']));
DROP INDEX kassa.messages_due;
CREATE INDEX messages_due ON kassa.messages (channel, next_attempt_at) WHERE status IN ('queued', 'sending');

-- A row says yes or no to one kind on one channel; without one a customer gets the channel's
-- default (e-mail on, SMS off: SMS costs the tenant per segment, so customers opt in).
CREATE TABLE kassa.message_preferences (
  tenant_id   uuid NOT NULL,
  customer_id uuid NOT NULL,
  kind        text NOT NULL CONSTRAINT message_preferences_kind_max_length CHECK (char_length(kind) <= 64),
  channel     text NOT NULL CONSTRAINT message_preferences_channel_known CHECK (channel = ANY (ARRAY['email', 'sms'])),
  enabled     boolean NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, customer_id, kind, channel),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id)
);

-- From starts to ends (local times in the tenant's time zone; ends before starts: over midnight)
-- a customer's messages wait.
CREATE TABLE kassa.quiet_hours (
  tenant_id   uuid NOT NULL,
  customer_id uuid NOT NULL,
  starts      time NOT NULL,
  ends        time NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, customer_id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id),
  CONSTRAINT quiet_hours_not_empty CHECK (starts <> ends)
);
COMMIT;
