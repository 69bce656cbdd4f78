-- E-mail polish: the tenant's sender name and reply-to address on its mail, and the addresses
-- that bounced hard (an SMTP 5xx for the recipient): no more mail goes to a customer's address
-- once it bounced, until their address changes (db/functions/500_messages.sql,
-- docs/messages.md#bounces).
BEGIN;
ALTER TABLE kassa.tenants
  ADD COLUMN mail_sender_name text
    CONSTRAINT tenants_mail_sender_name_max_length CHECK (char_length(mail_sender_name) <= 100),
  ADD COLUMN mail_reply_to text
    CONSTRAINT tenants_mail_reply_to_max_length CHECK (char_length(mail_reply_to) <= 254)
    CONSTRAINT tenants_mail_reply_to_format CHECK (mail_reply_to ~* '^[^@\s]+@[^@\s]+\.[^@\s]+$');

CREATE TABLE kassa.message_suppressions (
  tenant_id   uuid NOT NULL,
  customer_id uuid NOT NULL,
  channel     text NOT NULL CONSTRAINT message_suppressions_channel_known CHECK (channel = ANY (ARRAY['email', 'sms'])),
  recipient   text NOT NULL CONSTRAINT message_suppressions_recipient_max_length CHECK (char_length(recipient) <= 254),
  reason      text NOT NULL CONSTRAINT message_suppressions_reason_max_length CHECK (char_length(reason) <= 4000),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, customer_id, channel),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id)
);
COMMIT;
