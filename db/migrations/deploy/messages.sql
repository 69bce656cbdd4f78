-- Messages: the outbox's events delivered to people, one row per event, channel and recipient
-- (e-mail for now). The unique key makes fanning an event out idempotent; the status, attempts
-- and next_attempt_at drive delivery with retries (db/functions/500_messages.sql,
-- docs/messages.md).
BEGIN;
CREATE TABLE kassa.messages (
  tenant_id       uuid NOT NULL REFERENCES kassa.tenants (id),
  id              bigint GENERATED ALWAYS AS IDENTITY,
  public_id       uuid NOT NULL DEFAULT gen_random_uuid(),
  notification_id uuid NOT NULL,   -- the event: its public id (ids counted by a sequence stay out of the API)
  customer_id     uuid NOT NULL,
  channel         text NOT NULL CONSTRAINT messages_channel_known CHECK (channel = ANY (ARRAY['email'])),
  recipient       text NOT NULL CONSTRAINT messages_recipient_max_length CHECK (char_length(recipient) <= 254),
  locale          text CONSTRAINT messages_locale_max_length CHECK (char_length(locale) <= 35),
  subject         text CONSTRAINT messages_subject_max_length CHECK (char_length(subject) <= 500),
  status          text NOT NULL DEFAULT 'queued'
                  CONSTRAINT messages_status_known CHECK (status = ANY (ARRAY['queued', 'sending', 'sent', 'failed', 'suppressed'])),
  attempts        integer NOT NULL DEFAULT 0 CONSTRAINT messages_attempts_not_negative CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text CONSTRAINT messages_last_error_max_length CHECK (char_length(last_error) <= 4000),
  sent_at         timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT messages_public_id_unique UNIQUE (tenant_id, public_id),
  CONSTRAINT messages_one_per_recipient UNIQUE (tenant_id, notification_id, channel, recipient),
  FOREIGN KEY (tenant_id, notification_id) REFERENCES kassa.notifications (tenant_id, public_id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id),
  CONSTRAINT messages_sent_has_time CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
-- What a worker claims: messages waiting for their (next) attempt, and sends whose lease ran out.
CREATE INDEX messages_due ON kassa.messages (next_attempt_at) WHERE status IN ('queued', 'sending');
CREATE INDEX messages_customer ON kassa.messages (tenant_id, customer_id, id);
COMMIT;
