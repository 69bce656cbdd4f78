-- Message preferences: customers choose kinds per channel and quiet hours for themselves, staff
-- for their tenant's customers, bad input gets its code; the fan-out makes no message on a
-- channel opted out of, lets messages wait out quiet hours (in the tenant's time zone), and sends
-- a mandatory kind by e-mail at once whatever the customer chose.
BEGIN;
SELECT plan(42);
\ir helpers/two_tenants.sql
\ir helpers/clock.sql

-- Phone numbers as SMS recipients.
SELECT is(internal.e164('+27 82 000-0001'), '+27820000001', 'a phone number with spaces and dashes is E.164 without them');
SELECT is(internal.e164('(+49) 170 1234567'), '+491701234567', 'brackets go too');
SELECT is(internal.e164('082 000 0001'), NULL, 'a national number (no country code) is no SMS recipient');
SELECT is(internal.e164('+0123456789'), NULL, 'a country code does not start with 0');

-- The customer sets their own.
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT lives_ok($$SELECT api.set_message_preference('low_balance', 'sms', true)$$, 'a customer opts into SMS for a kind');
SELECT lives_ok($$SELECT api.set_message_preference('low_balance', 'email', false)$$, '... and out of its e-mail');
SELECT lives_ok($$SELECT api.set_message_preference('invoice_issued', 'email', false)$$, '... and out of a mandatory kind''s');
SELECT lives_ok($$SELECT api.set_message_preference('invoice_issued', 'sms', true)$$, '... and into a mandatory kind''s SMS');
SELECT lives_ok($$SELECT api.set_quiet_hours('21:00', '07:00')$$, 'a customer sets quiet hours over midnight');
SELECT throws_ok($$SELECT api.set_message_preference('low_ballance', 'sms', true)$$, 'P0Z21', NULL, 'an unknown kind is refused');
SELECT throws_ok($$SELECT api.set_message_preference('low_balance', 'fax', true)$$, 'P0Z22', NULL, 'an unknown channel is refused');
SELECT throws_ok($$SELECT api.set_message_preference('low_balance', 'sms', NULL)$$, 'P0Z23', NULL, 'enabled must be given');
SELECT throws_ok($$SELECT api.set_quiet_hours('25:00', '07:00')$$, 'P0Z24', NULL, 'an hour past 23 is refused');
SELECT throws_ok($$SELECT api.set_quiet_hours('07:00', '07:00')$$, 'P0Z24', NULL, 'an empty window is refused');
SELECT throws_ok($$SELECT api.set_quiet_hours('21:00', NULL)$$, 'P0Z24', NULL, 'a window needs both ends');
SELECT throws_ok($$SELECT api.set_message_preference('low_balance', 'sms', true, 'aaaaaaaa-0000-4000-8000-0000000000a2')$$,
                 'P0Z25', NULL, 'a customer sets no other customer''s preferences');
SELECT is((SELECT array_agg(channel || ' ' || enabled || ' ' || coalesce(chosen::text, '-') || ' ' || mandatory ORDER BY channel)
             FROM api.message_preferences WHERE kind = 'invoice_issued'),
          ARRAY['email true false true', 'push true - true', 'sms true true true'],
          'a mandatory kind is enabled on e-mail whatever the customer chose; on SMS as chosen; web push on by default');
SELECT is((SELECT enabled FROM api.message_preferences WHERE kind = 'payment_failed' AND channel = 'sms'), false,
          'SMS is off without a choice');
SELECT is((SELECT count(DISTINCT customer_id)::int FROM api.message_preferences), 1, 'a customer sees their own preferences');
SELECT is((SELECT starts || '-' || ends || ' ' || timezone FROM api.quiet_hours), '21:00-07:00 Africa/Johannesburg',
          'quiet hours in the tenant''s time zone');

-- Staff set their tenant's customers', no one else's.
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT lives_ok($$SELECT api.set_message_preference('payment_received', 'email', false, 'aaaaaaaa-0000-4000-8000-0000000000a2')$$,
                'staff set a customer''s preference');
SELECT throws_ok($$SELECT api.set_message_preference('payment_received', 'email', false)$$, 'P0Z25', NULL,
                 'staff name the customer');
SELECT throws_ok($$UPDATE api.tenants SET mandatory_message_kinds = ARRAY['invoice_issued', 'invoices'] WHERE id = 'aaaaaaaa-0000-4000-8000-00000000000a'$$,
                 'P0Z21', NULL, 'a mandatory kind must be a known kind');
SELECT pg_temp.act_as('staff', 'bbbbbbbb-0000-4000-8000-00000000000b');
SELECT throws_ok($$SELECT api.set_message_preference('low_balance', 'sms', true, 'aaaaaaaa-0000-4000-8000-0000000000a1')$$,
                 'P0Z25', NULL, 'staff of another tenant do not');
SELECT is((SELECT count(*)::int FROM api.quiet_hours), 0, 'nor see its quiet hours');
SELECT pg_temp.act_as_owner();

-- The fan-out applies them. 20:30 UTC is 22:30 in Johannesburg: inside A1's quiet hours.
SELECT pg_temp.travel_to('2026-03-02 20:30:00+00');
INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'low_balance', '{}'),
       ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'invoice_issued', '{}'),
       ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', 'payment_received', '{}'),
       ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', 'low_balance', '{}');
SELECT is(internal.fan_out_events(10), 4, 'all four events are handed to the channels');
SELECT is((SELECT array_agg(n.kind || ' ' || m.channel || ' ' || m.recipient || ' ' || m.next_attempt_at::text
                            ORDER BY n.kind, m.channel)
             FROM kassa.messages m JOIN kassa.notifications n ON n.public_id = m.notification_id
            WHERE m.customer_id = 'aaaaaaaa-0000-4000-8000-0000000000a1'),
          ARRAY['invoice_issued email a1@example.com ' || '2026-03-02 20:30:00+00'::timestamptz::text,
                'invoice_issued sms +27820000001 ' || '2026-03-02 20:30:00+00'::timestamptz::text,
                'low_balance sms +27820000001 ' || '2026-03-03 05:00:00+00'::timestamptz::text],
          'no e-mail of a kind opted out of; its SMS waits until 07:00 local; the mandatory invoice goes at once, '
          'by e-mail and by the SMS opted into');
SELECT is((SELECT array_agg(n.kind || ' ' || m.channel) FROM kassa.messages m
             JOIN kassa.notifications n ON n.public_id = m.notification_id
            WHERE m.customer_id = 'aaaaaaaa-0000-4000-8000-0000000000a2'),
          ARRAY['low_balance email'], 'staff''s opt-out holds; no SMS to a customer without a phone number');
SELECT is((SELECT array_agg(kind) FROM internal.claim_messages('sms', 10, interval '5 minutes')), ARRAY['invoice_issued'],
          'an SMS in quiet hours is not claimed, a mandatory one is');
SELECT pg_temp.travel_to('2026-03-03 05:00:00+00');
SELECT is((SELECT array_agg(c.kind || ' ' || c.recipient ORDER BY c.kind) FROM internal.claim_messages('sms', 10, interval '5 minutes') c),
          ARRAY['invoice_issued +27820000001', 'low_balance +27820000001'],
          'at their end the waiting SMS is claimed (the mandatory one again: its lease ran out), by the SMS channel only');

-- Quiet hours within one day, and the times outside any window.
SELECT is(internal.after_quiet_hours('2026-03-02 11:00+00', '12:00', '14:00', 'Europe/Berlin'), '2026-03-02 13:00+00',
          '12:30 in Berlin, inside 12:00-14:00: at 14:00 Berlin time');
SELECT is(internal.after_quiet_hours('2026-03-02 14:00+00', '12:00', '14:00', 'Europe/Berlin'), '2026-03-02 14:00+00',
          'outside the window: at once');

-- Hard bounces: the message fails at once, later ones to the address are suppressed with the reason.
CREATE TEMP TABLE bouncing AS
  SELECT c.tenant_id, c.message_id FROM internal.claim_messages('email', 10, interval '5 minutes') c
   WHERE c.recipient = 'a2@example.com';
SELECT is((SELECT count(*)::int FROM bouncing), 1, 'A2''s mail is claimed');
SELECT lives_ok($$SELECT internal.record_message_bounced(tenant_id, message_id, 'hard bounce: 550 5.1.1 no such mailbox') FROM bouncing$$,
                'a hard bounce is recorded');
SELECT is((SELECT status || ' ' || attempts FROM kassa.messages m JOIN bouncing b ON b.message_id = m.public_id),
          'failed 1', 'the bounced message fails without more attempts');
SELECT throws_ok($$SELECT internal.record_message_bounced(tenant_id, message_id, 'again') FROM bouncing$$, 'P0Z02', NULL,
                 'a message not being sent is not recorded bounced');
INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', 'invoice_issued', '{}');
SELECT internal.fan_out_events(10);
SELECT is((SELECT status || ' ' || last_error FROM kassa.messages
            WHERE recipient = 'a2@example.com' ORDER BY id DESC LIMIT 1),
          'suppressed the address bounced on ' || internal.clock_now()::date || ': hard bounce: 550 5.1.1 no such mailbox',
          'the next message to the address is suppressed, with the reason (a mandatory one too)');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT is((SELECT recipient FROM api.message_suppressions), 'a2@example.com', 'staff see the suppressed address');
UPDATE api.customers SET email = 'andile@example.com' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a2';
SELECT is((SELECT count(*)::int FROM api.message_suppressions), 0, 'a new address lifts the suppression');
SELECT pg_temp.act_as_owner();
INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', 'invoice_issued', '{}');
SELECT internal.fan_out_events(10);
SELECT is((SELECT status FROM kassa.messages WHERE recipient = 'andile@example.com'), 'queued', 'mail to it is queued again');

-- Unsubscribe links.
SELECT is(internal.unsubscribe('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', 'low_balance', 'email'),
          true, 'an unsubscribe link turns a kind off');
SELECT is(internal.unsubscribe('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', 'invoice_issued', 'email'),
          false, '... not a mandatory one');

SELECT * FROM finish();
ROLLBACK;
