-- Services: allowed billing days, the status machine moved only by RPCs with a reason, the
-- action log with the row before and after, and who sees what.
BEGIN;
SELECT plan(28);
\ir helpers/two_tenants.sql
\ir helpers/catalog.sql
\ir helpers/clock.sql
-- Dates callers give lie in the tenant's window around today (90 days back, 366 ahead): the
-- clock is where the story is.
SELECT pg_temp.travel_to('2026-03-01 12:00+00');

SELECT throws_ok($$SELECT pg_temp.new_service(1, 17)$$, 'P0S01', 'billing day 17 is not offered by this tenant',
                 'a billing day outside the tenant''s set is refused');
SELECT is((SELECT count(*) FROM kassa.services WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'), 0::bigint,
          'the refused service was not created');
SELECT throws_ok($$SELECT pg_temp.new_service(1, 1, 'aaaaaaaa-0000-4000-8000-00000000f999')$$, 'P0S07', NULL,
                 'a one-off fee is not a plan to subscribe to');
SELECT throws_ok($$INSERT INTO kassa.services (tenant_id, customer_id, price_version_id, billing_day, status, activated_on, next_billing_date)
                   VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1',
                           'aaaaaaaa-0000-4000-8000-00000000f100', 1, 'active', '2026-01-01', '2026-02-01')$$,
                 'P0S08', 'a new service starts pending', 'a service cannot be created active');

SELECT pg_temp.new_service(1, 5);
SELECT is((SELECT status FROM kassa.services WHERE id = 'aaaaaaaa-0000-4000-8000-00000000d001'), 'pending', 'a new service is pending');
SELECT throws_ok($$UPDATE kassa.services SET status = 'active' WHERE id = 'aaaaaaaa-0000-4000-8000-00000000d001'$$,
                 'P0S08', 'a service''s status and plan change only through the service RPCs', 'status cannot be set directly');

SELECT throws_ok($$SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'activate', '2026-03-05', NULL, '  ')$$,
                 'P0S05', 'a reason is required to activate a service', 'a blank reason is refused');
SELECT throws_ok($$SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'activate', '2026-03-05', NULL, NULL)$$,
                 'P0S05', 'a reason is required to activate a service', 'a missing reason is refused');
SELECT throws_ok($$SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'resume', '2026-03-05')$$,
                 'P0S04', 'cannot resume a pending service', 'a pending service cannot be resumed');
SELECT is((SELECT status FROM kassa.services WHERE id = 'aaaaaaaa-0000-4000-8000-00000000d001'), 'pending',
          'refused transitions changed nothing');
SELECT is((SELECT count(*) FROM kassa.service_actions WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'), 0::bigint, 'refused transitions logged nothing');

SELECT is((SELECT row(status, activated_on, next_billing_date)::text
             FROM pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'activate', '2026-03-05')),
          '(active,2026-03-05,2026-03-05)', 'activation on the billing day: billing starts that day');
SELECT is((SELECT row(action, reason, row_before ->> 'status', row_after ->> 'status', effective_on)::text
             FROM kassa.service_actions ORDER BY id DESC LIMIT 1),
          '(activate,"tap test",pending,active,2026-03-05)', 'the action log keeps reason and the row before and after');
SELECT is((SELECT count(*) FROM kassa.pending_charges WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'), 0::bigint, 'no partial period when activated on the billing day');

SELECT throws_ok($$SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'suspend', '2026-03-01')$$,
                 'P0S09', NULL, 'a transition cannot take effect before the last one');
SELECT is((SELECT status FROM pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'suspend', '2026-03-10')), 'suspended',
          'active -> suspended');
SELECT throws_ok($$SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'suspend', '2026-03-11')$$,
                 'P0S04', 'cannot suspend a suspended service', 'suspended cannot be suspended again');
SELECT throws_ok($$SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'change_plan', '2026-03-11',
                                      'aaaaaaaa-0000-4000-8000-00000000f200')$$,
                 'P0S04', 'cannot change plan a suspended service', 'a suspended service keeps its plan');
SELECT is((SELECT status FROM pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'resume', '2026-03-20')), 'active',
          'suspended -> active');
SELECT throws_ok($$SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'change_plan', '2026-03-21',
                                      'aaaaaaaa-0000-4000-8000-00000000f012')$$,
                 'P0S10', 'cannot change plan from monthly to annual billing', 'a plan change keeps the interval');
SELECT is((SELECT row(status, cancelled_on)::text FROM pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'cancel', '2026-03-25')),
          '(cancelled,2026-03-25)', 'active -> cancelled');
SELECT throws_ok($$SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'resume', '2026-03-26')$$,
                 'P0S04', 'cannot resume a cancelled service', 'cancelled is terminal');
SELECT throws_ok($$SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'activate', '2026-03-26')$$,
                 'P0S04', 'cannot activate a cancelled service', 'a cancelled service is never activated again');
SELECT throws_ok($$UPDATE kassa.service_actions SET reason = 'x'$$, 'P0S08', 'the service action log is append-only',
                 'the action log is append-only');

-- One-off fees
SELECT pg_temp.new_service(2, 1);
SELECT throws_ok($$SELECT internal.add_fee('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000d002',
                                           'aaaaaaaa-0000-4000-8000-00000000f100', 1)$$,
                 'P0S11', NULL, 'a plan is not a one-off fee');
SELECT is((SELECT row(kind, unit_price, quantity)::text FROM internal.add_fee('aaaaaaaa-0000-4000-8000-00000000000a',
             'aaaaaaaa-0000-4000-8000-00000000d002', 'aaaaaaaa-0000-4000-8000-00000000f999', 2)),
          '(one_off,99900,2.000)', 'an installation fee waits for the next invoice');

-- Who sees what
SELECT pg_temp.new_service(3, 1, p_customer => 'aaaaaaaa-0000-4000-8000-0000000000a2');
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2');
SELECT is((SELECT array_agg(id) FROM api.services), ARRAY['aaaaaaaa-0000-4000-8000-00000000d003'::uuid],
          'a customer sees only their own services');
SELECT throws_ok($$SELECT api.cancel_service('aaaaaaaa-0000-4000-8000-00000000d003', 'I want out')$$, '42501', NULL,
                 'customers cannot move a service''s status');
SELECT pg_temp.act_as_owner();

SELECT * FROM finish();
ROLLBACK;
