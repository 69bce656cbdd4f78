BEGIN;
DROP VIEW IF EXISTS api.push_subscriptions;
DELETE FROM kassa.messages WHERE channel = 'push';
DELETE FROM kassa.message_preferences WHERE channel = 'push';
ALTER TABLE kassa.messages DROP CONSTRAINT messages_channel_known,
  ADD CONSTRAINT messages_channel_known CHECK (channel = ANY (ARRAY['email', 'sms']));
ALTER TABLE kassa.message_preferences DROP CONSTRAINT message_preferences_channel_known,
  ADD CONSTRAINT message_preferences_channel_known CHECK (channel = ANY (ARRAY['email', 'sms']));
DROP TABLE kassa.push_subscriptions;
COMMIT;
