-- Reminders and dunning: the latest due step of each open invoice, once; skipped steps after
-- downtime; versioned schedules; pauses; tolerance; suspension for non_payment and
-- reconnection (only those) in the transaction that clears the debt; bad input.
BEGIN;
SELECT plan(50);
\ir helpers/invoices.sql
\ir helpers/two_tenants.sql
\ir helpers/catalog.sql
\ir helpers/clock.sql
CREATE TEMP TABLE inv (name text PRIMARY KEY, id uuid);
GRANT ALL ON inv TO customer, staff;

-- Tenant A (Johannesburg, 14 days' terms). It is 1 June 2026: A1 has two active services and
-- an invoice of 100.00 due on 15 June.
SELECT pg_temp.travel_to('2026-06-01 10:00+00');
SELECT pg_temp.new_service(1, 1);
SELECT pg_temp.new_service(2, 1);
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'activate', '2026-06-01');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d002', 'activate', '2026-06-01');
INSERT INTO inv VALUES ('a1', pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a',
                                             'aaaaaaaa-0000-4000-8000-0000000000a1', ARRAY[10000], '2026-06-01'));

CREATE FUNCTION pg_temp.run(p_as_of date) RETURNS text LANGUAGE sql AS $$
  SELECT (r.entered, r.taken, r.skipped, r.services_suspended)::text
    FROM internal.dunning_run('aaaaaaaa-0000-4000-8000-00000000000a', p_as_of, 'job:dunning:tap') r
$$;
-- The dunning events of an invoice, oldest first: kind and step.
-- The dunning events of an invoice (those of a step; not e.g. invoice_issued).
CREATE FUNCTION pg_temp.events(p_invoice text) RETURNS text[] LANGUAGE sql AS $$
  SELECT coalesce(array_agg(n.kind || ' ' || (n.payload ->> 'step') ORDER BY n.id), '{}')
    FROM kassa.notifications n JOIN inv ON inv.id = (n.payload ->> 'invoice_id')::uuid
   WHERE inv.name = p_invoice AND n.payload ? 'step'
$$;
CREATE FUNCTION pg_temp.steps(p_invoice text) RETURNS text[] LANGUAGE sql AS $$
  SELECT coalesce(array_agg(x.step || ' ' || x.outcome ORDER BY x.step), '{}')
    FROM kassa.invoice_dunning_steps x JOIN inv ON inv.id = x.invoice_id WHERE inv.name = p_invoice
$$;
CREATE FUNCTION pg_temp.service_state(p_n integer) RETURNS text LANGUAGE sql AS $$
  SELECT s.status || coalesce(' ' || s.suspension_reason, '') FROM kassa.services s
   WHERE s.id = ('aaaaaaaa-0000-4000-8000-00000000d' || lpad(p_n::text, 3, '0'))::uuid
$$;

-- 1. Every tenant has the default schedule (new tenants by the trigger on kassa.tenants).
SELECT is((SELECT array_agg(st.day_offset || ' ' || st.kind ORDER BY st.day_offset) FROM kassa.dunning_steps st
            WHERE st.tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'),
          ARRAY['-7 reminder', '-3 reminder', '-1 reminder', '1 notice', '7 notice', '14 suspend'],
          'a new tenant gets the default schedule: reminders -7, -3, -1, notices +1, +7, suspension +14');
SELECT is((SELECT (version, tolerance)::text FROM kassa.dunning_schedules
            WHERE tenant_id = 'bbbbbbbb-0000-4000-8000-00000000000b'), '(1,0)', 'version 1 with tolerance 0');

-- 2. Step selection, anchored on the due date.
SELECT is(pg_temp.run('2026-06-07'), '(0,0,0,0)', 'eight days before the due date nothing is due');
SELECT is(pg_temp.run('2026-06-08'), '(1,1,0,0)', 'seven days before: the invoice enters dunning, one step taken');
SELECT is(pg_temp.events('a1'), ARRAY['invoice_reminder -7'], 'the first reminder is written to the outbox');
SELECT is((SELECT n.payload - 'customer_id' - 'invoice_id' - 'account_number' - 'payment_token' - 'payment_link_expires_at'
             FROM kassa.notifications n
            WHERE n.kind = 'invoice_reminder' AND n.payload ->> 'invoice_id' = (SELECT id::text FROM inv WHERE name = 'a1')),
          jsonb_build_object('customer_name', 'Alice A1', 'locale', 'en',
                             'invoice_number', (SELECT number FROM kassa.invoices JOIN inv USING (id) WHERE name = 'a1'),
                             'amount_due', 10000, 'currency', 'ZAR', 'due_on', '2026-06-15', 'as_of', '2026-06-08',
                             'step', -7, 'step_kind', 'reminder', 'days_overdue', 0, 'schedule_version', 1, 'fee', 0, 'retry', NULL,
                             'urgency', 'low'),
          'the reminder carries what a template needs');
SELECT ok((SELECT l.amount = 10000 AND l.expires_at = (n.payload ->> 'payment_link_expires_at')::timestamptz
             FROM kassa.notifications n JOIN kassa.payment_links l
               ON l.tenant_id = n.tenant_id AND l.token_hash = internal.link_token_hash(n.payload ->> 'payment_token')
            WHERE n.kind = 'invoice_reminder' AND l.invoice_id = (SELECT id FROM inv WHERE name = 'a1')),
          'and a fresh payment link for the invoice: the token whose hash the link keeps');

-- 3. Idempotence: the same date again, or a later date with no new step, takes nothing.
SELECT is(pg_temp.run('2026-06-08'), '(0,0,0,0)', 'running the same date twice takes nothing new');
SELECT is(pg_temp.run('2026-06-10'), '(0,0,0,0)', 'a later day before the next step takes nothing');
SELECT is(pg_temp.events('a1'), ARRAY['invoice_reminder -7'], 'still one reminder');

-- 4. After downtime only the latest due step runs; the missed one is recorded as skipped.
SELECT is(pg_temp.run('2026-06-14'), '(0,1,1,0)', 'after an outage: the latest step taken, the missed one skipped');
SELECT is(pg_temp.events('a1'), ARRAY['invoice_reminder -7', 'invoice_reminder -1'], 'no stale reminder is sent');
SELECT is(pg_temp.steps('a1'), ARRAY['-7 taken', '-3 skipped', '-1 taken'], 'each step is recorded once');
SELECT is((SELECT (last_step, last_step_on)::text FROM kassa.invoice_dunning JOIN inv ON inv.id = invoice_id
            WHERE name = 'a1'), '(-1,2026-06-14)', 'the invoice''s dunning state names its last step');

-- 5. Pauses: an invoice pause holds its steps until resumed; steps due meanwhile follow the rule.
SELECT internal.pause_dunning('aaaaaaaa-0000-4000-8000-00000000000a', NULL, (SELECT id FROM inv WHERE name = 'a1'),
                              'customer disputes the invoice', '2026-06-30', 'staff:tap');
SELECT is(pg_temp.run('2026-06-16'), '(0,0,0,0)', 'a paused invoice is not dunned');
SELECT internal.resume_dunning('aaaaaaaa-0000-4000-8000-00000000000a',
                               (SELECT id FROM kassa.dunning_pauses WHERE reason = 'customer disputes the invoice'), 'staff:tap');
SELECT is(pg_temp.run('2026-06-16'), '(0,1,0,0)', 'resumed, the due notice is taken');
SELECT is(pg_temp.events('a1'), ARRAY['invoice_reminder -7', 'invoice_reminder -1', 'invoice_overdue_notice 1'],
          'the overdue notice follows');
SELECT internal.pause_dunning('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', NULL,
                              'promised to pay', '2026-06-23', 'staff:tap');
SELECT is(pg_temp.run('2026-06-22'), '(0,0,0,0)', 'a customer pause holds all of the customer''s invoices');

-- 6. Versioned schedules: a change applies to invoices entering dunning afterwards.
SELECT is((internal.set_dunning_schedule('aaaaaaaa-0000-4000-8000-00000000000a',
             '[{"day": -2, "kind": "reminder"}, {"day": 3, "kind": "notice"}, {"day": 20, "kind": "final"}]',
             5000, 'staff:tap')).version, 2, 'a schedule change is a new version');
INSERT INTO inv VALUES
  ('a2', pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', ARRAY[9000], '2026-06-01')),
  ('small', pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', ARRAY[4000], '2026-06-01'));
SELECT is(pg_temp.run('2026-06-24'), '(1,2,1,0)',
          'on 24 June: a2 enters with version 2 (its -2 reminder missed, skipped), a1 takes its +7 notice');
SELECT is((SELECT array_agg(inv.name || ' v' || d.schedule_version ORDER BY inv.name) FROM kassa.invoice_dunning d
             JOIN inv ON inv.id = d.invoice_id), ARRAY['a1 v1', 'a2 v2'],
          'a1 keeps the version it entered with; a2 takes the new one');
SELECT is(pg_temp.events('a2'), ARRAY['invoice_overdue_notice 3'], 'a2 follows version 2 (its +3 notice)');
SELECT is(pg_temp.events('small'), '{}', 'an invoice within the tolerance is not dunned');

-- 7. Suspension at +14: the active services, for non_payment; a service suspended by hand keeps its reason.
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d002', 'suspend', '2026-06-20');
SELECT pg_temp.travel_to('2026-06-29 10:00+00');
SELECT is(pg_temp.run('2026-06-29'), '(0,1,0,1)', 'on +14 the suspension step suspends the active service');
SELECT is(ARRAY[pg_temp.service_state(1), pg_temp.service_state(2)],
          ARRAY['suspended non_payment', 'suspended service_suspended'], 'suspended for non_payment; the manual one unchanged');
SELECT is((SELECT n.payload -> 'services' -> 0 ->> 'service_id' FROM kassa.notifications n WHERE n.kind = 'services_suspended'),
          'aaaaaaaa-0000-4000-8000-00000000d001', 'services_suspended names the service');
SELECT is((SELECT ARRAY[n.payload ->> 'urgency', n.payload ->> 'reason', n.payload -> 'services' -> 0 ->> 'installation_address']
            FROM kassa.notifications n WHERE n.kind = 'services_suspended'),
          ARRAY['high', 'non_payment', '1 Long Street, Cape Town'], 'with its reference data');
SELECT is((SELECT array_agg(reason || ' ' || effective_on) FROM kassa.service_actions
            WHERE service_id = 'aaaaaaaa-0000-4000-8000-00000000d001' AND action = 'suspend'),
          ARRAY['Dunning: overdue invoice unpaid 2026-06-29'], 'the suspension is in the service''s action log');
SELECT is(pg_temp.run('2026-07-10'), '(0,1,0,0)', 'a2''s final step; a1 has no step left');
SELECT is(pg_temp.events('a2'), ARRAY['invoice_overdue_notice 3', 'invoice_final_notice 20'],
          'then a2''s final notice');

-- 8. Reconnection: a payment that leaves more than the tolerance overdue changes nothing; the one
--    that brings it within the tolerance (5000 of version 2) resumes the non_payment service in
--    the same statement, never the one suspended by hand.
SELECT internal.record_manual_payment('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1',
                                      4000, 'eft', 'part payment', 'tap-1', 'staff:tap');
SELECT is(pg_temp.service_state(1), 'suspended non_payment', 'a part payment leaves 60.00 overdue: still suspended');
SELECT internal.record_manual_payment('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1',
                                      1000, 'eft', 'the rest but the tolerance', 'tap-2', 'staff:tap');
SELECT is(ARRAY[pg_temp.service_state(1), pg_temp.service_state(2)], ARRAY['active', 'suspended service_suspended'],
          'the payment that brings the overdue amount within the tolerance reconnects only the non_payment service');
SELECT is((SELECT n.payload -> 'services' -> 0 ->> 'service_id' FROM kassa.notifications n WHERE n.kind = 'services_reactivated'),
          'aaaaaaaa-0000-4000-8000-00000000d001', 'services_reactivated names the service');
SELECT is((SELECT count(*) FROM kassa.service_actions WHERE service_id = 'aaaaaaaa-0000-4000-8000-00000000d001'
              AND action = 'resume' AND reason = 'Reconnected: overdue amount cleared'), 1::bigint,
          'resumed once, in the action log');

-- A credit note reconnects too: A2 owes a2 (90.00) and small (40.00), both past due; crediting
-- a2 in full leaves 40.00, within the tolerance.
SELECT pg_temp.new_service(3, 1, p_customer => 'aaaaaaaa-0000-4000-8000-0000000000a2');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d003', 'activate', '2026-06-29');
SELECT internal.service_transition('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000d003',
                                   'suspend', 'dunning', '2026-06-29', p_suspension_reason => 'non_payment');
SELECT internal.create_credit_note('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT id FROM inv WHERE name = 'a2'),
  'service never delivered', 'balance',
  jsonb_build_array(jsonb_build_object('invoice_line_id', (pg_temp.lines((SELECT id FROM inv WHERE name = 'a2')))[1],
                                       'amount', 9000)), '2026-06-29');
SELECT is(pg_temp.service_state(3), 'active', 'a credit note that brings the overdue amount within the tolerance reconnects');
-- What no payment reconnected at once (here: suspended while nothing is overdue beyond the
-- tolerance), the next run does.
SELECT internal.service_transition('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000d003',
                                   'suspend', 'dunning', '2026-06-29', p_suspension_reason => 'non_payment');
SELECT is((SELECT r.services_reactivated FROM internal.dunning_run('aaaaaaaa-0000-4000-8000-00000000000a', '2026-07-11',
                                                                   'job:dunning:tap') r), 1,
          'the run reconnects a customer whose overdue amount is within the tolerance');
SELECT is(pg_temp.service_state(3), 'active', 'the service is active again');

-- 9. Customers see their own invoices' dunning state, staff their tenant's.
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2');
SELECT is((SELECT array_agg(last_step ORDER BY last_step) FROM api.invoice_dunning), ARRAY[20],
          'a customer sees only their own invoice in dunning');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT is((SELECT count(*) FROM api.invoice_dunning), 2::bigint, 'staff see their tenant''s');
SELECT is((api.set_dunning_schedule('[{"day": 5, "kind": "notice"}]')).created_by, 'staff:tap',
          'staff change the schedule over the API, audited by name');

-- 10. Bad input gets a clear error and changes nothing.
SELECT throws_ok($$SELECT api.pause_dunning('x', '2026-07-30')$$, 'P0D01', NULL, 'a pause names a customer or an invoice');
SELECT throws_ok($$SELECT api.pause_dunning('x', '2026-07-30', 'bbbbbbbb-0000-4000-8000-0000000000b1')$$, 'P0D02', NULL,
                 'a customer of another tenant is not found');
SELECT throws_ok($$SELECT api.pause_dunning('x', '2026-06-01', 'aaaaaaaa-0000-4000-8000-0000000000a1')$$, 'P0D03', NULL,
                 'a pause ending in the past is refused');
SELECT throws_ok($$SELECT api.resume_dunning((SELECT id FROM api.dunning_pauses WHERE reason = 'customer disputes the invoice'))$$,
                 'P0D04', NULL, 'an ended pause cannot be resumed again');
SELECT throws_ok($$SELECT api.set_dunning_schedule('{"day": 1}')$$, 'P0D05', NULL, 'steps must be a list');
SELECT throws_ok($$SELECT api.set_dunning_schedule('[{"day": 1.5, "kind": "notice"}]')$$, 'P0D05', NULL,
                 'a day is a whole number');
SELECT throws_ok($$SELECT api.set_dunning_schedule('[{"day": 3, "kind": "notice"}, {"day": 1, "kind": "notice"}]')$$,
                 'P0D06', NULL, 'steps out of order are refused');
SELECT throws_ok($$SELECT api.set_dunning_schedule('[{"day": 3, "kind": "suspend"}, {"day": 9, "kind": "suspend"}]')$$,
                 'P0D07', NULL, 'two suspension steps are refused');
SELECT throws_ok($$SELECT api.set_dunning_schedule('[{"day": 400, "kind": "notice"}]')$$, 'P0D08', NULL,
                 'a day beyond a year is refused');
SELECT pg_temp.act_as_owner();
SELECT is((SELECT max(version) FROM kassa.dunning_schedules WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'), 3,
          'refused schedules made no version');

SELECT * FROM finish();
ROLLBACK;
