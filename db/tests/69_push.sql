-- Web push subscriptions: a customer subscribes their browser (bad endpoints and keys refused,
-- the same endpoint subscribed again takes the new keys and customer), sees only their own,
-- unsubscribes; a subscription the push service no longer knows is removed and its waiting
-- messages suppressed. (Fan-out into push messages: 63_messages.sql and 66_message_preferences.sql.)
BEGIN;
SELECT plan(14);
\ir helpers/two_tenants.sql

-- A browser's keys: a P-256 point (65 bytes, 0x04 first) and a 16-byte secret, base64url.
CREATE TEMP TABLE k AS SELECT
  rtrim(translate(encode('\x04'::bytea || decode(repeat('ab', 64), 'hex'), 'base64'), E'+/\n', '-_'), '=') AS p256dh,
  rtrim(translate(encode(decode(repeat('cd', 16), 'hex'), 'base64'), '+/', '-_'), '=') AS auth;
GRANT SELECT ON k TO customer, staff;

SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT throws_ok($$SELECT api.subscribe_push('http://push.example.com/x', p256dh, auth) FROM k$$, 'P0Z11', NULL,
                 'a push endpoint must be https (http only to this machine)');
SELECT throws_ok($$SELECT api.subscribe_push('https://user:pw@push.example.com/x', p256dh, auth) FROM k$$, 'P0Z11', NULL,
                 'an endpoint with credentials is refused');
SELECT throws_ok($$SELECT api.subscribe_push('https://push.example.com/x', left(p256dh, 80), auth) FROM k$$, 'P0Z12', NULL,
                 'a p256dh that is not 65 bytes is refused');
SELECT throws_ok($$SELECT api.subscribe_push('https://push.example.com/x', p256dh, 'not*base64') FROM k$$, 'P0Z12', NULL,
                 'an auth secret that is not base64url is refused');
SELECT lives_ok($$SELECT api.subscribe_push('https://push.example.com/a1', p256dh, auth, 'Firefox') FROM k$$,
                'a browser subscribes');
SELECT lives_ok($$SELECT api.subscribe_push('http://127.0.0.1:9/local', p256dh, auth) FROM k$$,
                'a push service on this machine may be http');
SELECT is((SELECT count(*)::int FROM api.push_subscriptions), 2, 'the customer sees their subscriptions');

SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2');
SELECT is((SELECT count(*)::int FROM api.push_subscriptions), 0, 'another customer sees none of them');
SELECT lives_ok($$SELECT api.subscribe_push('https://push.example.com/a1', p256dh, auth, 'Firefox, new owner') FROM k$$,
                'the same endpoint subscribed by another customer (the browser changed hands) ...');
SELECT pg_temp.act_as_owner();
SELECT is((SELECT customer_id::text || ' ' || user_agent FROM kassa.push_subscriptions WHERE endpoint = 'https://push.example.com/a1'),
          'aaaaaaaa-0000-4000-8000-0000000000a2 Firefox, new owner', '... is theirs now, still one subscription');

CREATE TEMP TABLE a1_browser AS SELECT public_id FROM kassa.push_subscriptions WHERE endpoint = 'https://push.example.com/a1';
GRANT SELECT ON a1_browser TO staff;
SELECT pg_temp.act_as('staff', 'bbbbbbbb-0000-4000-8000-00000000000b');
SELECT is((SELECT count(*)::int FROM api.push_subscriptions), 0, 'staff of another tenant see none');
SELECT throws_ok($$SELECT api.unsubscribe_push(public_id) FROM a1_browser$$, 'P0Z13', NULL, 'nor end one');

-- Gone: its waiting messages are suppressed, the subscription removed.
SELECT pg_temp.act_as_owner();
INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'low_balance', '{}');
INSERT INTO kassa.messages (tenant_id, notification_id, customer_id, channel, recipient)
SELECT n.tenant_id, n.public_id, n.customer_id, 'push', s.public_id::text
  FROM kassa.notifications n, kassa.push_subscriptions s WHERE s.endpoint = 'http://127.0.0.1:9/local';
SELECT ok(internal.end_push_subscription(tenant_id, public_id, 'the push service answered HTTP 410'), 'a gone subscription ends')
  FROM kassa.push_subscriptions WHERE endpoint = 'http://127.0.0.1:9/local';
SELECT is((SELECT status || ': ' || last_error FROM kassa.messages WHERE channel = 'push'),
          'suppressed: the push service answered HTTP 410', 'its waiting message is suppressed with the reason');

SELECT * FROM finish();
ROLLBACK;
