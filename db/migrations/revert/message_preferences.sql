BEGIN;
DROP VIEW IF EXISTS api.message_preferences, api.quiet_hours, api.tenants;
DROP TABLE kassa.quiet_hours, kassa.message_preferences;
ALTER TABLE kassa.tenants DROP COLUMN mandatory_message_kinds;
DROP INDEX kassa.messages_due;
CREATE INDEX messages_due ON kassa.messages (next_attempt_at) WHERE status IN ('queued', 'sending');
DELETE FROM kassa.messages WHERE channel <> 'email';
ALTER TABLE kassa.messages DROP CONSTRAINT messages_channel_known,
  ADD CONSTRAINT messages_channel_known CHECK (channel = ANY (ARRAY['email']));
COMMIT;
