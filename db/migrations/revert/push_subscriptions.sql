BEGIN;
DROP VIEW IF EXISTS api.push_subscriptions;
DELETE FROM kassa.messages WHERE channel = 'push';
ALTER TABLE kassa.messages DROP CONSTRAINT messages_channel_known,
  ADD CONSTRAINT messages_channel_known CHECK (channel = ANY (ARRAY['email']));
DROP TABLE kassa.push_subscriptions;
COMMIT;
