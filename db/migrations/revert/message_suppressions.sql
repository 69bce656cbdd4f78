BEGIN;
DROP VIEW IF EXISTS api.message_suppressions, api.tenants;
DROP TRIGGER IF EXISTS lift_email_suppression ON kassa.customers;
DROP TABLE kassa.message_suppressions;
ALTER TABLE kassa.tenants DROP COLUMN mail_sender_name, DROP COLUMN mail_reply_to;
COMMIT;
