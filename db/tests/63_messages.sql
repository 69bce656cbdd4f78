-- Messages: fanning events out is idempotent, claims lease messages and take them back after the
-- lease, failed sends back off and fail for good, and staff and customers see what RLS allows.
-- (Two workers claiming at once, SKIP LOCKED, need two sessions: tests/test_email_delivery.py.)
BEGIN;
SELECT plan(34);
\ir helpers/two_tenants.sql
\ir helpers/clock.sql

UPDATE kassa.customers SET locale = 'de_DE' WHERE id = 'bbbbbbbb-0000-4000-8000-0000000000b1';
INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'low_balance',
        '{"threshold": 5000, "balance": 4000, "currency": "ZAR"}'),
       ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', 'low_balance',
        '{"threshold": 5000, "balance": 3000, "currency": "ZAR"}'),
       ('aaaaaaaa-0000-4000-8000-00000000000a', NULL, 'tenant_note', '{}'),
       ('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-0000000000b1', 'low_balance',
        '{"threshold": 500, "balance": 400, "currency": "EUR"}');
-- Fan-out.
SELECT is(internal.fan_out_events(10), 3, 'the three events of a customer are fanned out');
SELECT is((SELECT count(*)::int FROM kassa.messages), 3, 'one e-mail message each');
SELECT is((SELECT array_agg(recipient || ' ' || coalesce(locale, '-') ORDER BY recipient) FROM kassa.messages),
          ARRAY['a1@example.com en', 'a2@example.com en', 'b1@example.com de_DE'],
          'to the customer''s address, in the customer''s locale (else the tenant''s)');
SELECT ok((SELECT delivered_at IS NULL FROM kassa.notifications WHERE kind = 'tenant_note'),
          'an event without a customer waits for a channel that takes it');
SELECT is(internal.fan_out_events(10), 0, 'a second fan-out finds nothing');
UPDATE kassa.notifications SET delivered_at = NULL WHERE customer_id = 'aaaaaaaa-0000-4000-8000-0000000000a1';
SELECT is(internal.fan_out_events(10), 1, 'an event fanned out again (delivered_at reset) ...');
SELECT is((SELECT count(*)::int FROM kassa.messages), 3, '... makes no second message');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT FROM api.close_customer('aaaaaaaa-0000-4000-8000-0000000000a2', 'moved abroad');
SELECT pg_temp.act_as_owner();
INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', 'low_balance', '{}');
SELECT internal.fan_out_events(10);
SELECT is((SELECT array_agg(status ORDER BY id) FROM kassa.messages WHERE customer_id = 'aaaaaaaa-0000-4000-8000-0000000000a2'),
          ARRAY['queued', 'suppressed'], 'a closed customer''s message is suppressed');
SELECT throws_ok($$SELECT internal.fan_out_events(0)$$, 'P0Z01', NULL, 'a fan-out limit below one is refused');

-- Claims and leases.
SELECT pg_temp.travel_to(now() + interval '1 second');
SELECT is((SELECT count(*)::int FROM internal.claim_messages('email', 2, interval '5 minutes')), 2, 'a claim takes up to its limit');
SELECT is((SELECT count(*)::int FROM internal.claim_messages('email', 10, interval '5 minutes')), 1, 'the next claim the rest');
SELECT is((SELECT count(*)::int FROM internal.claim_messages('email', 10, interval '5 minutes')), 0, 'leased messages are not claimed again');
SELECT pg_temp.travel_to(now() + interval '6 minutes');
SELECT is((SELECT array_agg(attempts ORDER BY recipient) FROM internal.claim_messages('email', 10, interval '5 minutes')),
          ARRAY[2, 2, 2], 'after the lease (a worker died) they are claimed again, one attempt more');
SELECT throws_ok($$SELECT internal.claim_messages('email', 10, interval '0 seconds')$$, 'P0Z01', NULL, 'a lease of zero is refused');


-- Outcomes.
CREATE TEMP TABLE b1 AS SELECT tenant_id, public_id FROM kassa.messages WHERE recipient = 'b1@example.com';
SELECT internal.record_message_sent(tenant_id, public_id, 'Ihr Guthaben') FROM b1;
SELECT is((SELECT status || ' ' || subject FROM kassa.messages WHERE recipient = 'b1@example.com'), 'sent Ihr Guthaben',
          'a sent message is sent, with its subject');
SELECT internal.record_message_sent(tenant_id, public_id, 'Ihr Guthaben, noch einmal') FROM b1;
SELECT is((SELECT subject FROM kassa.messages WHERE recipient = 'b1@example.com'), 'Ihr Guthaben',
          'sent again (its lease ran out while it was sent), it stays recorded as its first send');
SELECT throws_ok($$SELECT internal.record_message_sent(m.tenant_id, m.public_id, 'x') FROM kassa.messages m
                    WHERE m.status = 'suppressed' LIMIT 1$$, 'P0Z02', NULL,
                 'a message not being sent (here: suppressed) cannot be recorded sent');
CREATE TEMP TABLE a1 AS SELECT tenant_id, public_id FROM kassa.messages WHERE recipient = 'a1@example.com';
SELECT is((SELECT internal.record_message_failed(tenant_id, public_id, 'mailbox busy', interval '10 seconds', 3) FROM a1),
          'queued', 'a failed attempt queues the message again');
SELECT is((SELECT next_attempt_at - internal.clock_now() FROM kassa.messages WHERE recipient = 'a1@example.com'),
          interval '20 seconds', 'after the first retry doubled once per earlier attempt (attempt 2: 20 s)');
SELECT pg_temp.travel_to(now() + interval '7 minutes');
SELECT internal.claim_messages('email', 10, interval '5 minutes');
SELECT is((SELECT internal.record_message_failed(tenant_id, public_id, 'mailbox gone', interval '10 seconds', 3) FROM a1),
          'failed', 'at the attempt limit the message fails for good');
SELECT is((SELECT status || ' ' || attempts || ' ' || last_error FROM kassa.messages WHERE recipient = 'a1@example.com'),
          'failed 3 mailbox gone', 'with its attempts and last error');
SELECT is((SELECT array_agg(a.attempt || ' ' || a.outcome || ' ' || coalesce(a.error, '-') ORDER BY a.attempt)
             FROM kassa.message_attempts a JOIN a1 ON a1.public_id = a.message_id),
          ARRAY['1 lease_expired no outcome was recorded within the lease: the worker died or hung',
                '2 retrying mailbox busy', '3 failed mailbox gone'],
          'every attempt is logged: the one whose lease ran out, the retry, the last');
SELECT is((SELECT array_agg(a.attempt || ' ' || a.outcome ORDER BY a.attempt) FROM kassa.message_attempts a
             JOIN b1 ON b1.public_id = a.message_id),
          ARRAY['1 lease_expired', '2 sent'], 'a send recorded twice is logged once');

-- Who sees what.
SELECT pg_temp.act_as('staff', 'bbbbbbbb-0000-4000-8000-00000000000b');
SELECT is((SELECT array_agg(recipient || ' ' || kind) FROM api.messages), ARRAY['b1@example.com low_balance'],
          'staff see their tenant''s messages only');
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is((SELECT array_agg(recipient) FROM api.messages), ARRAY['a1@example.com'], 'a customer sees their own');
SELECT is((SELECT count(*)::int FROM api.message_attempts), 3, 'and their own message''s attempts');
SELECT pg_temp.act_as('staff', 'bbbbbbbb-0000-4000-8000-00000000000b');
SELECT is((SELECT count(*)::int FROM api.message_attempts), 2, 'staff their tenant''s');
SELECT pg_temp.act_as_owner();

-- The SMTP profile a tenant's mail goes out through: set by operators only, claimed with the message.
SELECT is((internal.set_tenant_smtp_profile('aaaaaaaa-0000-4000-8000-00000000000a', 'acme-mail_2')).smtp_profile,
          'acme-mail_2', 'an operator names the tenant''s SMTP profile');
SELECT throws_ok($$SELECT internal.set_tenant_smtp_profile('aaaaaaaa-0000-4000-8000-00000000000a', 'Acme Mail')$$,
                 'P0Z03', NULL, 'a profile name is lower-case letters, digits, - and _');
SELECT is((SELECT smtp_profile FROM kassa.tenants WHERE id = 'aaaaaaaa-0000-4000-8000-00000000000a'), 'acme-mail_2',
          'the refused name changed nothing');
DELETE FROM kassa.messages WHERE status IN ('queued', 'sending');  -- only the two below are due
INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'low_balance',
        '{"threshold": 5000, "balance": 3500, "currency": "ZAR"}'),
       ('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-0000000000b1', 'low_balance',
        '{"threshold": 500, "balance": 300, "currency": "EUR"}');
SELECT internal.fan_out_events(10);
SELECT pg_temp.travel_to(now() + interval '1 hour');
SELECT is((SELECT array_agg(coalesce(smtp_profile, '-') || ' ' || tenant_id::text ORDER BY 1)
             FROM internal.claim_messages('email', 10, interval '5 minutes')),
          ARRAY['- bbbbbbbb-0000-4000-8000-00000000000b', 'acme-mail_2 aaaaaaaa-0000-4000-8000-00000000000a'],
          'a claimed message carries its tenant''s SMTP profile (none: the platform''s server)');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT throws_ok($$UPDATE api.tenants SET smtp_profile = 'other-tenants-mail'$$, '42703', NULL,
                 'staff do not see the profile in api.tenants');
SELECT throws_ok($$UPDATE kassa.tenants SET smtp_profile = 'other-tenants-mail'$$, '42501', NULL,
                 'nor may they set it on the table: only operators choose whose account a tenant sends through');
SELECT pg_temp.act_as_owner();
SELECT is((internal.set_tenant_smtp_profile('aaaaaaaa-0000-4000-8000-00000000000a', NULL)).smtp_profile, NULL,
          'no profile: back to the platform''s server');

SELECT * FROM finish();
ROLLBACK;
