-- Webhooks: endpoint URLs are checked at creation with stable codes; fan-out follows each
-- endpoint's filter and is idempotent; failed attempts follow the retry schedule (with jitter
-- and Retry-After) on the controllable clock; an endpoint is disabled after five days of
-- failures, or at once on 410, with an event for staff; staff re-send a delivery; the log is
-- purged after its retention; staff see their own tenant's endpoints, deliveries and attempts
-- only, and never a secret. (Two workers at once, SKIP LOCKED, and real HTTP:
-- tests/test_webhooks.py.)
BEGIN;
SELECT plan(63);
\ir helpers/two_tenants.sql
\ir helpers/clock.sql

-- The events a test writes get a transaction id already below every snapshot's xmin, as if
-- committed before: fan-out reads only there (internal.events_after).
CREATE FUNCTION pg_temp.event(p_tenant uuid, p_customer uuid, p_kind text) RETURNS uuid LANGUAGE sql AS $$
  INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload, xact_id)
  SELECT p_tenant, p_customer, p_kind, '{"amount": 100}', greatest(c.xact_id, '1'::xid8) FROM internal.events_cursor() c
  RETURNING public_id
$$;
-- One claim of the delivery, travelling to its next attempt first; then the attempt's outcome.
CREATE FUNCTION pg_temp.attempt(p_delivery uuid, p_status integer, p_error text DEFAULT NULL,
                                p_retry_after interval DEFAULT NULL) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  claimed record;
BEGIN
  PERFORM pg_temp.travel_to(greatest(internal.clock_now(), (SELECT d.next_attempt_at FROM kassa.webhook_deliveries d WHERE d.public_id = p_delivery)));
  SELECT * INTO claimed FROM internal.claim_webhook_deliveries(10000, interval '5 minutes') c WHERE c.delivery_id = p_delivery;
  RETURN internal.record_webhook_attempt(claimed.tenant_id, p_delivery, claimed.attempt, p_status, 12, 'answer', p_error,
                                         p_retry_after, pg_temp.schedule(), interval '5 days');
END $$;
CREATE FUNCTION pg_temp.schedule() RETURNS interval[] LANGUAGE sql AS $$
  SELECT ARRAY['0', '5 seconds', '5 minutes', '30 minutes', '2 hours', '5 hours', '10 hours', '14 hours', '20 hours',
               '24 hours']::interval[]
$$;
CREATE FUNCTION pg_temp.delivery(p_endpoint uuid, p_event uuid) RETURNS uuid LANGUAGE sql AS $$
  SELECT d.public_id FROM kassa.webhook_deliveries d JOIN kassa.webhook_endpoints e ON e.public_id = d.endpoint_id
   WHERE e.public_id = p_endpoint AND d.notification_id = p_event
$$;
-- Every attempt after the current one, failing with p_status, until one does not retry.
CREATE FUNCTION pg_temp.fail_until_done(p_delivery uuid, p_status integer) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  outcomes text[] := '{}';
BEGIN
  LOOP
    outcomes := outcomes || pg_temp.attempt(p_delivery, p_status);
    EXIT WHEN outcomes[cardinality(outcomes)] <> 'retrying';
  END LOOP;
  RETURN outcomes;
END $$;
-- The temp tables a test makes, readable by the API roles it acts as.
CREATE FUNCTION pg_temp.share() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('GRANT ALL ON ALL TABLES IN SCHEMA %s TO staff', pg_my_temp_schema()::regnamespace);
END $$;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pg_temp TO staff;

-- Endpoints and their URLs.
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT throws_ok($$SELECT api.create_webhook_endpoint('ftp://hooks.example.com/')$$, 'P0F01', NULL, 'not http(s): P0F01');
SELECT throws_ok($$SELECT api.create_webhook_endpoint('hooks.example.com/kassa')$$, 'P0F01', NULL, 'no scheme: P0F01');
SELECT throws_ok($$SELECT api.create_webhook_endpoint('https://user:secret@hooks.example.com/')$$, 'P0F02', NULL,
                 'credentials in the URL: P0F02');
SELECT throws_ok($$SELECT api.create_webhook_endpoint('https://hooks.example.com/' || repeat('a', 2000))$$,
                 'P0F03', NULL, 'longer than 2000 characters: P0F03');
SELECT throws_ok($$SELECT api.create_webhook_endpoint('https:///kassa')$$, 'P0F04', NULL, 'no host: P0F04');
SELECT throws_ok($$SELECT api.create_webhook_endpoint('https://hooks.example.com:99999/')$$, 'P0F04', NULL, 'a bad port: P0F04');
SELECT throws_ok($$SELECT api.create_webhook_endpoint('http://127.0.0.1:8080/')$$, 'P0F05', NULL, 'loopback: P0F05');
SELECT throws_ok($$SELECT api.create_webhook_endpoint('http://[::1]/')$$, 'P0F05', NULL, 'IPv6 loopback: P0F05');
SELECT throws_ok($$SELECT api.create_webhook_endpoint('http://169.254.169.254/latest/meta-data')$$, 'P0F05', NULL,
                 'link-local (cloud metadata): P0F05');
SELECT throws_ok($$SELECT api.create_webhook_endpoint('http://localhost/')$$, 'P0F05', NULL, 'localhost: P0F05');
SELECT throws_ok($$SELECT api.create_webhook_endpoint('https://hooks.example.com/', ARRAY['Payment Received'])$$,
                 'P0F06', NULL, 'a malformed event kind: P0F06');
CREATE TEMP TABLE created AS
SELECT 'all' AS name, api.create_webhook_endpoint('https://hooks.example.com/all') AS answer
UNION ALL
SELECT 'payments', api.create_webhook_endpoint('https://hooks.example.com/payments', ARRAY['payment_received'], 'ERP');
CREATE TEMP TABLE ep AS SELECT name, (answer ->> 'id')::uuid AS id, answer ->> 'secret' AS secret FROM created;
SELECT pg_temp.act_as_owner();
SELECT pg_temp.share();
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT ok((SELECT bool_and(secret ~ '^whsec_[A-Za-z0-9+/]{32}$') FROM ep), 'each endpoint answers its secret, whsec_ and base64');
SELECT is((SELECT array_agg(url || ' ' || event_kinds::text || ' ' || enabled ORDER BY url) FROM api.webhook_endpoints),
          ARRAY['https://hooks.example.com/all {} true', 'https://hooks.example.com/payments {payment_received} true'],
          'staff read their endpoints');
SELECT throws_ok($$SELECT * FROM kassa.webhook_secrets$$, '42501', NULL, 'staff never read a secret');
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT throws_ok($$SELECT * FROM api.webhook_endpoints$$, '42501', NULL, 'customers see no endpoint');
SELECT pg_temp.act_as_owner();
UPDATE kassa.tenants SET webhooks_allow_private = true WHERE id = 'bbbbbbbb-0000-4000-8000-00000000000b';
SELECT pg_temp.act_as('staff', 'bbbbbbbb-0000-4000-8000-00000000000b');
INSERT INTO ep SELECT 'b', (a ->> 'id')::uuid, a ->> 'secret' FROM api.create_webhook_endpoint('http://127.0.0.1:9/hook') a;
SELECT is((SELECT count(*)::int FROM api.webhook_endpoints), 1,
          'a tenant a DBA allowed private addresses may name 127.0.0.1; its staff see their endpoint only');
SELECT throws_ok($$SELECT api.update_webhook_endpoint(id, enabled => false) FROM ep WHERE name = 'all'$$,
                 'P0F07', NULL, 'another tenant''s endpoint is unknown (P0F07)');
SELECT pg_temp.act_as_owner();

-- Fan-out.
CREATE TEMP TABLE ev AS
SELECT 'low' AS name, pg_temp.event('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'low_balance') AS id
UNION ALL SELECT 'paid', pg_temp.event('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', 'payment_received')
UNION ALL SELECT 'tenant', pg_temp.event('aaaaaaaa-0000-4000-8000-00000000000a', NULL, 'tenant_note')
UNION ALL SELECT 'b', pg_temp.event('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-0000000000b1', 'low_balance');
SELECT cmp_ok(internal.fan_out_webhooks(100), '>=', 7, 'fan-out reads each endpoint''s events (3 + 3 + 1)');
SELECT is((SELECT array_agg(e.url || ' ' || n.kind ORDER BY e.url, n.kind) FROM kassa.webhook_deliveries d
             JOIN kassa.webhook_endpoints e ON e.public_id = d.endpoint_id JOIN kassa.notifications n ON n.public_id = d.notification_id),
          ARRAY['http://127.0.0.1:9/hook low_balance', 'https://hooks.example.com/all low_balance',
                'https://hooks.example.com/all payment_received', 'https://hooks.example.com/all tenant_note',
                'https://hooks.example.com/payments payment_received'],
          'one delivery per endpoint and event its filter takes, events without a customer too');
SELECT is(internal.fan_out_webhooks(100), 0, 'a second fan-out reads nothing');
UPDATE kassa.webhook_endpoint_states SET cursor_xact_id = '0', cursor_id = 0;
SELECT internal.fan_out_webhooks(100);
SELECT is((SELECT count(*)::int FROM kassa.webhook_deliveries), 5, 'read again from the start, the events make no second delivery');
SELECT throws_ok($$SELECT internal.fan_out_webhooks(0)$$, 'P0F11', NULL, 'a fan-out limit below one is refused');
SELECT is((SELECT array_agg(operation || ' ' || actor_sub || ' ' || (new_row ->> 'url') ORDER BY id) FROM audit.log
            WHERE table_name = 'kassa.webhook_endpoints' AND tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'),
          ARRAY['INSERT staff:tap https://hooks.example.com/all', 'INSERT staff:tap https://hooks.example.com/payments'],
          'staff''s endpoints are in the audit log, the fan-out''s cursor moves are not');
SELECT set_eq($$SELECT l.row_key, l.new_row ? 'id' FROM audit.log l
                WHERE l.table_name = 'kassa.webhook_endpoints' AND l.tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'$$,
              $$SELECT jsonb_build_object('public_id', id), false FROM ep WHERE name IN ('all', 'payments')$$,
              'an endpoint is logged under its public id, without its bigint id');
-- The constraints behind check_event_kinds: each kind, not only the list, has a limit.
SELECT throws_ok($$INSERT INTO kassa.webhook_endpoints (tenant_id, url, event_kinds)
                   VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'https://hooks.example.com/', ARRAY[repeat('a', 65)])$$,
                 '23514', NULL, 'a kind of 65 characters is refused (webhook_endpoints_event_kinds_format)');
SELECT throws_ok($$INSERT INTO kassa.webhook_endpoints (tenant_id, url, event_kinds)
                   VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'https://hooks.example.com/',
                           ARRAY['payment_received', repeat('a', 64) || ' ' || repeat('a', 64)])$$,
                 '23514', NULL, 'so is one of two valid-looking words joined by a space');

-- Claims: what the request needs.
SELECT pg_temp.travel_to(now() + interval '1 second');
CREATE TEMP TABLE claimed AS SELECT * FROM internal.claim_webhook_deliveries(100, interval '5 minutes');
SELECT is((SELECT count(*)::int FROM claimed), 5, 'every due delivery is claimed');
SELECT is((SELECT count(*)::int FROM internal.claim_webhook_deliveries(100, interval '5 minutes')), 0, 'and leased');
SELECT is((SELECT body::jsonb - 'timestamp' FROM claimed WHERE url LIKE '%/payments'),
          (SELECT jsonb_build_object('id', n.public_id, 'type', 'payment_received', 'version', 1,
                                     'tenant_id', n.tenant_id, 'customer_id', n.customer_id, 'data', n.payload)
             FROM kassa.notifications n WHERE n.public_id = (SELECT id FROM ev WHERE name = 'paid')),
          'the body is the event: id, type, version, timestamp, tenant, customer and its payload as data');
SELECT is((SELECT secrets FROM claimed WHERE url LIKE '%/payments'), ARRAY[(SELECT secret FROM ep WHERE name = 'payments')],
          'signed with the endpoint''s secret');
SELECT ok((SELECT allow_private FROM claimed WHERE url LIKE 'http://127.%') AND NOT (SELECT allow_private FROM claimed WHERE url LIKE '%/payments'),
          'with the tenant''s private-address flag');

-- Outcomes and the retry schedule.
CREATE TEMP TABLE d AS SELECT c.delivery_id AS id, c.tenant_id, c.attempt FROM claimed c WHERE url LIKE '%/payments';
SELECT is((SELECT internal.record_webhook_attempt(tenant_id, id, attempt + 1, 200, 5, 'ok', NULL, NULL, pg_temp.schedule(), '5 days') FROM d),
          'superseded', 'an attempt of a lease that ran out (another attempt number) is only logged ...');
SELECT is((SELECT status FROM kassa.webhook_deliveries WHERE public_id = (SELECT id FROM d)), 'sending', '... and changes nothing');
SELECT is((SELECT internal.record_webhook_attempt(tenant_id, id, attempt, 503, 40, 'busy', NULL, NULL, pg_temp.schedule(), '5 days') FROM d),
          'retrying', 'a 503 queues the delivery again');
SELECT ok((SELECT next_attempt_at - internal.clock_now() BETWEEN interval '4.5 seconds' AND interval '5.5 seconds'
             FROM kassa.webhook_deliveries WHERE public_id = (SELECT id FROM d)),
          'the second attempt 5 s later, give or take a tenth');
SELECT is(pg_temp.fail_until_done((SELECT id FROM d), 500),
          ARRAY['retrying', 'retrying', 'retrying', 'retrying', 'retrying', 'retrying', 'retrying', 'retrying', 'failed'],
          'attempts 2 to 9 fail and queue it again; the tenth fails it for good');
SELECT is((SELECT array_agg(attempt || ' ' || outcome || ' ' || status_code ORDER BY attempt, outcome) FILTER (WHERE attempt <= 2)
             FROM api.webhook_attempts WHERE delivery_id = (SELECT id FROM d)),
          ARRAY['1 retrying 503', '2 retrying 500', '2 superseded 200'], 'every attempt is in the log');
SELECT ok((SELECT bool_and(latency_ms = 12 AND response = 'answer' AND error = 'HTTP 500') FROM api.webhook_attempts
            WHERE delivery_id = (SELECT id FROM d) AND status_code = 500), 'with its latency, answer and error');
SELECT ok((SELECT max(created_at) - min(created_at) BETWEEN interval '2.8 days' AND interval '3.5 days'
             FROM api.webhook_attempts WHERE delivery_id = (SELECT id FROM d)),
          'the ten attempts take about three days (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h)');
SELECT is((SELECT enabled FROM kassa.webhook_endpoints WHERE public_id = (SELECT id FROM ep WHERE name = 'payments')), true,
          'three days of failures leave the endpoint enabled');

-- Retry-After, five days of failures, 410.
CREATE TEMP TABLE d2 AS SELECT pg_temp.event('aaaaaaaa-0000-4000-8000-00000000000a', NULL, 'payment_received') AS event;
SELECT internal.fan_out_webhooks(100);
UPDATE d2 SET event = pg_temp.delivery((SELECT id FROM ep WHERE name = 'payments'), event);
SELECT pg_temp.share();
SELECT is(pg_temp.attempt((SELECT event FROM d2), 429, NULL, interval '3 hours'), 'retrying', 'a 429 with Retry-After ...');
SELECT ok((SELECT next_attempt_at - internal.clock_now() BETWEEN interval '3 hours' AND interval '3 hours 1 second'
             FROM kassa.webhook_deliveries WHERE public_id = (SELECT event FROM d2)), '... waits as long as the receiver asked');
-- Two days on, and past five days since the first failure whatever the jitter of the retries.
SELECT pg_temp.travel_to(greatest(internal.clock_now() + interval '2 days',
                                  (SELECT failing_since + interval '5 days 1 minute' FROM api.webhook_endpoints
                                    WHERE id = (SELECT id FROM ep WHERE name = 'payments'))));
SELECT is(pg_temp.attempt((SELECT event FROM d2), NULL, 'ConnectionRefusedError: refused'), 'endpoint_disabled',
          'the first failure after five days of nothing but failures disables the endpoint');
SELECT is((SELECT enabled::text || ' ' || disabled_reason FROM api.webhook_endpoints WHERE id = (SELECT id FROM ep WHERE name = 'payments')),
          'false failing', 'disabled as failing');
SELECT ok((SELECT customer_id IS NULL FROM kassa.notifications WHERE kind = 'webhook_endpoint_disabled'
              AND payload ->> 'endpoint_id' = (SELECT id FROM ep WHERE name = 'payments')::text),
          'staff are told by an event without a customer ...');
SELECT is((SELECT (payload ->> 'reason') || ' ' || (payload ->> 'last_error') || ' ' || (payload ->> 'url')
             FROM kassa.notifications WHERE kind = 'webhook_endpoint_disabled' AND customer_id IS NULL),
          'failing ConnectionRefusedError: refused https://hooks.example.com/payments', '... naming the endpoint and why');
SELECT is((SELECT count(*)::int FROM internal.claim_webhook_deliveries(100, interval '5 minutes') c WHERE c.url LIKE '%/payments'), 0,
          'a disabled endpoint''s deliveries are not claimed');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT throws_ok($$SELECT api.resend_webhook(id) FROM d$$, 'P0F09', NULL,
                 'a delivery of a disabled endpoint is not sent again (P0F09)');
SELECT is((SELECT a ->> 'enabled' FROM api.update_webhook_endpoint((SELECT id FROM ep WHERE name = 'payments'), enabled => true) a),
          'true', 'staff enable it again');
SELECT is((SELECT a ->> 'status' FROM api.resend_webhook((SELECT id FROM d)) a), 'queued', 'and re-send a failed delivery');
SELECT throws_ok($$SELECT api.resend_webhook(gen_random_uuid())$$, 'P0F08', NULL, 'an unknown delivery: P0F08');
SELECT pg_temp.act_as_owner();
SELECT is(pg_temp.attempt((SELECT id FROM d), 200), 'delivered', 'the re-sent delivery is delivered');
SELECT is((SELECT failing_since FROM api.webhook_endpoints WHERE id = (SELECT id FROM ep WHERE name = 'payments')), NULL,
          'a success ends the endpoint''s failing');
SELECT is(pg_temp.attempt(pg_temp.delivery((SELECT id FROM ep WHERE name = 'all'), (SELECT id FROM ev WHERE name = 'low')), 410),
          'endpoint_disabled', '410 Gone disables the endpoint at once');
SELECT is((SELECT disabled_reason FROM kassa.webhook_endpoints WHERE public_id = (SELECT id FROM ep WHERE name = 'all')), 'gone',
          'as gone');

-- Secret rotation.
SELECT pg_temp.travel_to(internal.clock_now() + interval '6 minutes');
SELECT pg_temp.act_as('staff', 'bbbbbbbb-0000-4000-8000-00000000000b');
CREATE TEMP TABLE rotated AS SELECT api.rotate_webhook_secret((SELECT id FROM ep WHERE name = 'b'), 24) AS answer;
SELECT throws_ok($$SELECT api.rotate_webhook_secret(id, 200) FROM ep WHERE name = 'b'$$, 'P0F10', NULL,
                 'an overlap beyond a week: P0F10');
SELECT pg_temp.act_as_owner();
SELECT is((SELECT secrets FROM internal.claim_webhook_deliveries(100, interval '5 minutes') WHERE url LIKE 'http://127.%'),
          ARRAY[(SELECT answer ->> 'secret' FROM rotated), (SELECT secret FROM ep WHERE name = 'b')],
          'during the overlap a delivery is signed with the new secret and the old');
SELECT pg_temp.travel_to(internal.clock_now() + interval '25 hours');
SELECT is((SELECT secrets FROM internal.claim_webhook_deliveries(100, interval '5 minutes') WHERE url LIKE 'http://127.%'),
          ARRAY[(SELECT answer ->> 'secret' FROM rotated)], 'after it, with the new one only');

-- Who sees what, and the purge.
SELECT pg_temp.act_as('staff', 'bbbbbbbb-0000-4000-8000-00000000000b');
SELECT is((SELECT array_agg(kind || ' ' || status) FROM api.webhook_deliveries), ARRAY['low_balance sending'],
          'staff see their tenant''s deliveries only');
SELECT is((SELECT count(*)::int FROM api.webhook_attempts), 0, 'and attempts');
SELECT pg_temp.act_as_owner();
SELECT pg_temp.travel_to(internal.clock_now() + interval '31 days');
SELECT cmp_ok(internal.purge_webhook_log(interval '30 days'), '>=', 12, 'the purge removes the log older than its retention');
SELECT is((SELECT count(*)::int FROM kassa.webhook_attempts), 0, 'every attempt was older');
SELECT is((SELECT array_agg(DISTINCT status) FROM kassa.webhook_deliveries), ARRAY['sending'],
          'deliveries that ended went with it; those that did not end stay');

SELECT * FROM finish();
ROLLBACK;
