-- Web push: a customer's browsers and devices, each subscribed with the push service's endpoint
-- and the keys its messages are encrypted for (db/functions/530_push.sql, docs/messages.md).
-- Messages of channel `push` name their subscription (its public id) as the recipient.
BEGIN;
CREATE TABLE kassa.push_subscriptions (
  tenant_id      uuid NOT NULL REFERENCES kassa.tenants (id),
  id             bigint GENERATED ALWAYS AS IDENTITY,
  public_id      uuid NOT NULL DEFAULT gen_random_uuid(),
  customer_id    uuid NOT NULL,
  endpoint       text NOT NULL CONSTRAINT push_subscriptions_endpoint_max_length CHECK (char_length(endpoint) <= 2048),
  p256dh         text NOT NULL CONSTRAINT push_subscriptions_p256dh_max_length CHECK (char_length(p256dh) <= 100),
  auth           text NOT NULL CONSTRAINT push_subscriptions_auth_max_length CHECK (char_length(auth) <= 50),
  user_agent     text CONSTRAINT push_subscriptions_user_agent_max_length CHECK (char_length(user_agent) <= 500),
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_pushed_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT push_subscriptions_public_id_unique UNIQUE (tenant_id, public_id),
  CONSTRAINT push_subscriptions_one_per_endpoint UNIQUE (tenant_id, endpoint),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id)
);
CREATE INDEX push_subscriptions_customer ON kassa.push_subscriptions (tenant_id, customer_id);
ALTER TABLE kassa.push_subscriptions ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.messages DROP CONSTRAINT messages_channel_known,
  ADD CONSTRAINT messages_channel_known CHECK (channel = ANY (ARRAY['email', 'sms', 'push']));
ALTER TABLE kassa.message_preferences DROP CONSTRAINT message_preferences_channel_known,
  ADD CONSTRAINT message_preferences_channel_known CHECK (channel = ANY (ARRAY['email', 'sms', 'push']));
COMMIT;
