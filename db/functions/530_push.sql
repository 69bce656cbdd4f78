-- Web push: a customer's browser subscribes (the endpoint and keys its PushManager handed the
-- page, with the platform's VAPID public key from the bridge's GET /push/key), and the outbox's
-- events reach it as `push` messages, one per subscription, sent by the push worker
-- (bridge/pusher.py). A subscription the push service no longer knows (404, 410) is removed,
-- and its messages still waiting are suppressed (docs/messages.md, "Web push").

SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.push_subscriptions');
SELECT internal.allow('customer', 'SELECT', internal.own_rows(), 'kassa.push_subscriptions');
GRANT SELECT ON kassa.push_subscriptions TO customer, staff;

-- The keys stay out: they serve only to encrypt for the device.
CREATE VIEW api.push_subscriptions WITH (security_invoker = true) AS
  SELECT public_id AS id, tenant_id, customer_id, endpoint, user_agent, created_at, last_pushed_at
    FROM kassa.push_subscriptions;
GRANT SELECT ON api.push_subscriptions TO customer, staff;

-- A key as the Push API hands it: base64url (padding optional) of exactly p_bytes bytes.
CREATE OR REPLACE FUNCTION internal.base64url_length(p_text text) RETURNS integer
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT CASE WHEN p_text ~ '^[A-Za-z0-9_-]+={0,2}$' AND char_length(rtrim(p_text, '=')) % 4 <> 1
              THEN octet_length(decode(translate(rtrim(p_text, '='), '-_', '+/')
                                       || repeat('=', (4 - char_length(rtrim(p_text, '=')) % 4) % 4), 'base64')) END
$$;

-- A customer's browser subscribes (again: the same endpoint takes the new keys, and the
-- customer now signed in). The endpoint is the push service's https URL (http only to this
-- machine, for a local push service); p256dh the browser's P-256 key (65 bytes), auth its
-- secret (16 bytes). Answers the subscription's id.
CREATE OR REPLACE FUNCTION internal.subscribe_push(p_tenant uuid, p_customer uuid, p_endpoint text, p_p256dh text,
                                                   p_auth text, p_user_agent text)
RETURNS uuid LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  subscription uuid;
BEGIN
  IF p_endpoint IS NULL OR char_length(p_endpoint) > 2048
     OR p_endpoint !~ '^(https://[A-Za-z0-9.-]+(:[0-9]{1,5})?|http://(127\.0\.0\.1|localhost)(:[0-9]{1,5})?)/[^[:space:]]*$' THEN
    PERFORM internal.raise_error('P0Z11', 'the push endpoint must be the push service''s https URL',
      hint => 'Send what PushSubscription.toJSON() holds: endpoint, keys.p256dh, keys.auth.');
  END IF;
  IF coalesce(internal.base64url_length(p_p256dh), 0) <> 65 OR left(p_p256dh, 1) <> 'B'
     OR coalesce(internal.base64url_length(p_auth), 0) <> 16 THEN
    PERFORM internal.raise_error('P0Z12', 'p256dh must be a P-256 public key (65 bytes) and auth 16 bytes, base64url');
  END IF;
  IF char_length(p_user_agent) > 500 THEN
    PERFORM internal.raise_error('P0Z12', 'the user agent is longer than 500 characters');
  END IF;
  INSERT INTO kassa.push_subscriptions AS s (tenant_id, customer_id, endpoint, p256dh, auth, user_agent)
  VALUES (p_tenant, p_customer, p_endpoint, p_p256dh, p_auth, p_user_agent)
      ON CONFLICT ON CONSTRAINT push_subscriptions_one_per_endpoint DO UPDATE
     SET customer_id = excluded.customer_id, p256dh = excluded.p256dh, auth = excluded.auth,
         user_agent = excluded.user_agent
  RETURNING s.public_id INTO subscription;
  RETURN subscription;
END $$;

-- One subscription ends (a browser signed out): a customer's own (p_customer), or any of the
-- tenant's (p_customer NULL: staff). Its messages still waiting are suppressed.
CREATE OR REPLACE FUNCTION internal.unsubscribe_push(p_tenant uuid, p_customer uuid, p_subscription uuid)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM kassa.push_subscriptions s
                  WHERE s.tenant_id = p_tenant AND s.public_id = p_subscription
                    AND (p_customer IS NULL OR s.customer_id = p_customer)) THEN
    PERFORM internal.raise_error('P0Z13', format('no push subscription %s', p_subscription));
  END IF;
  RETURN internal.end_push_subscription(p_tenant, p_subscription, 'unsubscribed');
END $$;

-- POST /rpc/subscribe_push (customers), POST /rpc/unsubscribe_push (customers: their own; staff).
CREATE OR REPLACE FUNCTION api.subscribe_push(endpoint text, p256dh text, auth text, user_agent text DEFAULT NULL)
RETURNS uuid LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.subscribe_push(internal.jwt_tenant_id(), internal.jwt_customer_id(), endpoint, p256dh, auth, user_agent)
$$;
GRANT EXECUTE ON FUNCTION api.subscribe_push(text, text, text, text) TO customer;
CREATE OR REPLACE FUNCTION api.unsubscribe_push(subscription_id uuid) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.unsubscribe_push(internal.jwt_tenant_id(),
                                   CASE WHEN current_setting('role') = 'customer' THEN internal.jwt_customer_id() END,
                                   subscription_id)
$$;
GRANT EXECUTE ON FUNCTION api.unsubscribe_push(uuid) TO customer, staff;

-- The subscription is gone (unsubscribed, or its push service answered 404/410): removed, and
-- its messages not sent yet suppressed with the reason. False when it was gone already.
CREATE OR REPLACE FUNCTION internal.end_push_subscription(p_tenant uuid, p_subscription uuid, p_reason text)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  UPDATE kassa.messages m SET status = 'suppressed', last_error = p_reason
   WHERE m.tenant_id = p_tenant AND m.channel = 'push' AND m.recipient = p_subscription::text
     AND m.status IN ('queued', 'sending');
  DELETE FROM kassa.push_subscriptions s WHERE s.tenant_id = p_tenant AND s.public_id = p_subscription;
  RETURN FOUND;
END $$;

-- Where a push message goes: its subscription's endpoint and keys (none once it was removed).
-- Marks the subscription used.
CREATE OR REPLACE FUNCTION internal.push_target(p_tenant uuid, p_subscription uuid)
RETURNS TABLE (endpoint text, p256dh text, auth text)
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  UPDATE kassa.push_subscriptions s SET last_pushed_at = internal.clock_now()
   WHERE s.tenant_id = p_tenant AND s.public_id = p_subscription
  RETURNING s.endpoint, s.p256dh, s.auth
$$;
