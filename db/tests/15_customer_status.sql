-- Customer status: moved only by the status RPCs with a reason; closing refused, naming the
-- first thing in the way, while anything is open; suspending takes the active services along
-- and resuming brings back only those; suspended services are not billed; all audited.
BEGIN;
SELECT plan(41);
\ir helpers/invoices.sql
-- Defined before two_tenants.sql, which grants the API roles the temp functions defined by then.
CREATE FUNCTION pg_temp.status_change(p_customer uuid, p_action text, p_reason text DEFAULT 'tap test')
RETURNS kassa.customers LANGUAGE sql AS $$
  SELECT internal.customer_transition('aaaaaaaa-0000-4000-8000-00000000000a', p_customer, p_action, p_reason)
$$;
-- A status RPC as tenant A's staff (then back to the owner): the customer's status and reason.
CREATE FUNCTION pg_temp.moved_by_staff(p_customer uuid, p_action text, p_reason text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  moved text;
BEGIN
  PERFORM pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
  EXECUTE format('SELECT row(status, status_reason)::text FROM api.%I(%L, %L)', p_action || '_customer', p_customer, p_reason)
    INTO moved;
  PERFORM pg_temp.act_as_owner();
  RETURN moved;
END $$;
-- A fresh customer of tenant A (id ...c0NN), with nothing open.
CREATE FUNCTION pg_temp.new_customer(p_n integer) RETURNS uuid LANGUAGE sql AS $$
  INSERT INTO kassa.customers (tenant_id, id, name, email)
  VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', ('aaaaaaaa-0000-4000-8000-000000000' || lpad(p_n::text, 3, '0'))::uuid,
          'Customer ' || p_n, 'c' || p_n || '@example.com')
  RETURNING id
$$;
CREATE FUNCTION pg_temp.account(p_customer uuid) RETURNS text LANGUAGE sql AS $$
  SELECT account_number FROM kassa.customers WHERE id = p_customer
$$;
-- The message of a refused close: the obstacle, after the customer's account number.
CREATE FUNCTION pg_temp.close_refusal(p_customer uuid, p_obstacle text) RETURNS text LANGUAGE sql AS $$
  SELECT format('cannot close customer %s: %s', pg_temp.account(p_customer), p_obstacle)
$$;
CREATE FUNCTION pg_temp.statuses(p_customer uuid) RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(format('%s:%s:%s', right(id::text, 3), status, coalesce(suspension_reason, '-')), ' ' ORDER BY id)
    FROM kassa.services WHERE customer_id = p_customer
$$;

\ir helpers/two_tenants.sql
\ir helpers/catalog.sql
\ir helpers/clock.sql
SELECT pg_temp.travel_to('2026-06-10 10:00+00');

-- Status never changes by a plain UPDATE or INSERT
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT throws_ok($$UPDATE api.customers SET status = 'closed' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a2'$$,
                 'P0C06', 'a customer''s status changes only through the customer status RPCs',
                 'staff cannot close a customer by updating its status');
SELECT throws_ok($$UPDATE api.customers SET status = 'suspended' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a2'$$,
                 'P0C06', 'a customer''s status changes only through the customer status RPCs',
                 'nor suspend one');
SELECT throws_ok($$INSERT INTO api.customers (name, email, status) VALUES ('Born Closed', 'bc@example.com', 'closed')$$,
                 'P0C06', 'a new customer starts active, not closed', 'a new customer cannot start closed');
SELECT pg_temp.act_as_owner();
SELECT throws_ok($$UPDATE kassa.customers SET status = 'closed' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a2'$$,
                 'P0C06', 'a customer''s status changes only through the customer status RPCs',
                 'not even the owner, without the RPC');

-- Refusals common to every move
SELECT throws_ok($$SELECT pg_temp.status_change('aaaaaaaa-0000-4000-8000-0000000000a2', 'close', '  ')$$,
                 'P0C05', 'a reason is required to close a customer', 'a blank reason is refused');
SELECT throws_ok($$SELECT pg_temp.status_change('aaaaaaaa-0000-4000-8000-0000000000a2', 'suspend', NULL)$$,
                 'P0C05', 'a reason is required to suspend a customer', 'a missing reason is refused');
SELECT throws_ok($$SELECT pg_temp.status_change('bbbbbbbb-0000-4000-8000-0000000000b1', 'close')$$,
                 'P0C04', 'customer bbbbbbbb-0000-4000-8000-0000000000b1 not found', 'another tenant''s customer is not found');
SELECT throws_ok($$SELECT pg_temp.status_change('aaaaaaaa-0000-4000-8000-0000000000a2', 'resume')$$,
                 'P0C07', 'cannot resume a customer who is active', 'an active customer cannot be resumed');

-- Closing is refused while anything is open, naming the first thing in the way
SELECT pg_temp.new_customer(1);
SELECT pg_temp.new_service(1, 1, p_customer => 'aaaaaaaa-0000-4000-8000-000000000001');
SELECT internal.post_entry('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-000000000001', 'adjustment',
                           2500, 'balance_adjustment', 'tap-c1', 'Goodwill');
SELECT throws_ok($$SELECT pg_temp.status_change('aaaaaaaa-0000-4000-8000-000000000001', 'close')$$, 'P0C08',
                 pg_temp.close_refusal('aaaaaaaa-0000-4000-8000-000000000001', 'service aaaaaaaa-0000-4000-8000-00000000d001 is pending'),
                 'a pending service is in the way (named before the balance)');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'cancel', '2026-06-10');
SELECT throws_ok($$SELECT pg_temp.status_change('aaaaaaaa-0000-4000-8000-000000000001', 'close')$$, 'P0C12',
                 pg_temp.close_refusal('aaaaaaaa-0000-4000-8000-000000000001', 'the balance is 25.00 ZAR, not zero'),
                 'money the customer holds is in the way');
SELECT is((SELECT status FROM kassa.customers WHERE id = 'aaaaaaaa-0000-4000-8000-000000000001'), 'active',
          'a refused close changed nothing');

SELECT pg_temp.new_customer(2);
INSERT INTO kassa.pending_charges (tenant_id, id, customer_id, kind, description, price_version_id, unit_price)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000e2',
        'aaaaaaaa-0000-4000-8000-000000000002', 'one_off', 'Installation', 'aaaaaaaa-0000-4000-8000-00000000f999', 99900);
SELECT throws_ok($$SELECT pg_temp.status_change('aaaaaaaa-0000-4000-8000-000000000002', 'close')$$, 'P0C09',
                 pg_temp.close_refusal('aaaaaaaa-0000-4000-8000-000000000002', 'charge "Installation" (aaaaaaaa-0000-4000-8000-0000000000e2) is not billed yet'),
                 'a charge not yet billed is in the way');

SELECT pg_temp.new_customer(3);
SELECT pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-000000000003', '{11500}', '2026-06-01');
SELECT throws_ok($$SELECT pg_temp.status_change('aaaaaaaa-0000-4000-8000-000000000003', 'close')$$, 'P0C10',
                 pg_temp.close_refusal('aaaaaaaa-0000-4000-8000-000000000003', format('invoice %s has 115.00 ZAR due',
                                  (SELECT number FROM kassa.invoices WHERE customer_id = 'aaaaaaaa-0000-4000-8000-000000000003'))),
                 'an invoice with an amount due is in the way');

SELECT pg_temp.new_customer(4);
SELECT pg_temp.draft('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-000000000004', '{1000}');
SELECT throws_ok($$SELECT pg_temp.status_change('aaaaaaaa-0000-4000-8000-000000000004', 'close')$$, 'P0C10',
                 pg_temp.close_refusal('aaaaaaaa-0000-4000-8000-000000000004', format('draft invoice %s is not finalised',
                                  (SELECT id FROM kassa.invoices WHERE customer_id = 'aaaaaaaa-0000-4000-8000-000000000004'))),
                 'a draft invoice is in the way');

SELECT pg_temp.new_customer(5);
SELECT internal.new_payment('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-000000000005', 'manual', 'eft',
                            'payment', 5000, 'ZAR');
SELECT throws_ok($$SELECT pg_temp.status_change('aaaaaaaa-0000-4000-8000-000000000005', 'close')$$, 'P0C11',
                 pg_temp.close_refusal('aaaaaaaa-0000-4000-8000-000000000005', format('payment %s of 50.00 ZAR is pending',
                                  (SELECT id FROM kassa.payments WHERE customer_id = 'aaaaaaaa-0000-4000-8000-000000000005'))),
                 'a pending payment is in the way');

SELECT pg_temp.new_customer(6);
SELECT internal.post_entries(jsonb_build_array(jsonb_build_object(
  'tenant_id', 'aaaaaaaa-0000-4000-8000-00000000000a', 'customer_id', 'aaaaaaaa-0000-4000-8000-000000000006',
  'kind', 'adjustment', 'amount', -1234, 'source_type', 'balance_adjustment', 'source_id', 'tap-c6',
  'description', 'Owed', 'allow_overdraft', true)));
SELECT throws_ok($$SELECT pg_temp.status_change('aaaaaaaa-0000-4000-8000-000000000006', 'close')$$, 'P0C12',
                 pg_temp.close_refusal('aaaaaaaa-0000-4000-8000-000000000006', 'the balance is -12.34 ZAR, not zero'),
                 'money the customer owes is in the way');

-- Closing allowed: nothing open (a cancelled service and a paid invoice are no obstacle)
SELECT pg_temp.new_customer(7);
SELECT pg_temp.new_service(7, 1, p_customer => 'aaaaaaaa-0000-4000-8000-000000000007');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d007', 'cancel', '2026-06-10');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT is((SELECT row(status, status_reason, closed_at IS NOT NULL)::text
             FROM api.close_customer('aaaaaaaa-0000-4000-8000-000000000007', ' moved abroad ')),
          '(closed,"moved abroad",t)', 'staff close a customer with nothing open; the reason is kept with the status');
SELECT throws_ok($$SELECT api.close_customer('aaaaaaaa-0000-4000-8000-000000000007', 'again')$$,
                 'P0C01', format('customer %s is closed', pg_temp.account('aaaaaaaa-0000-4000-8000-000000000007')),
                 'a closed customer cannot be closed again');
SELECT throws_ok($$SELECT api.resume_customer('aaaaaaaa-0000-4000-8000-000000000007', 'back')$$,
                 'P0C01', format('customer %s is closed', pg_temp.account('aaaaaaaa-0000-4000-8000-000000000007')),
                 'nor resumed');
SELECT pg_temp.act_as('staff', 'bbbbbbbb-0000-4000-8000-00000000000b');
SELECT throws_ok($$SELECT api.suspend_customer('aaaaaaaa-0000-4000-8000-0000000000a2', 'not yours')$$,
                 'P0C04', 'customer aaaaaaaa-0000-4000-8000-0000000000a2 not found',
                 'staff of another tenant cannot reach the customer');
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-000000000007');
SELECT throws_ok('SELECT internal.check_request()', '42501', 'customer is unknown in this tenant or closed',
                 'a closed customer''s token is refused');
SELECT pg_temp.act_as_owner();
SELECT is((SELECT row(new_row ->> 'status', new_row ->> 'status_reason', actor_sub)::text FROM audit.log
            WHERE table_name = 'kassa.customers' AND operation = 'UPDATE'
              AND row_key ->> 'id' = 'aaaaaaaa-0000-4000-8000-000000000007'),
          '(closed,"moved abroad",staff:tap)', 'the audit log records the close, its reason and who did it');
SELECT throws_ok($$SELECT pg_temp.new_service(8, 1, p_customer => 'aaaaaaaa-0000-4000-8000-000000000007')$$,
                 'P0C01', format('customer %s is closed', pg_temp.account('aaaaaaaa-0000-4000-8000-000000000007')),
                 'a closed customer gets no new service');

-- Suspending takes the active services along; resuming brings back only those
SELECT pg_temp.new_service(11, 1);  -- A1: active
SELECT pg_temp.new_service(12, 1);  -- A1: active
SELECT pg_temp.new_service(13, 1);  -- A1: suspended on its own
SELECT pg_temp.new_service(14, 1);  -- A1: pending
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d011', 'activate', '2026-06-01');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d012', 'activate', '2026-06-01');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d013', 'activate', '2026-06-01');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d013', 'suspend', '2026-06-05');
SELECT is(pg_temp.moved_by_staff('aaaaaaaa-0000-4000-8000-0000000000a1', 'suspend', 'unpaid invoice'),
          '(suspended,"unpaid invoice")', 'staff suspend a customer with a reason');
SELECT is(pg_temp.statuses('aaaaaaaa-0000-4000-8000-0000000000a1'),
          '011:suspended:customer_suspended 012:suspended:customer_suspended 013:suspended:service_suspended 014:pending:-',
          'each active service is suspended with the customer; the others keep their status');
SELECT is((SELECT string_agg(format('%s %s %s', action, reason, effective_on), '; ' ORDER BY id) FROM kassa.service_actions
            WHERE service_id IN ('aaaaaaaa-0000-4000-8000-00000000d011', 'aaaaaaaa-0000-4000-8000-00000000d012') AND action = 'suspend'),
          'suspend unpaid invoice 2026-06-10; suspend unpaid invoice 2026-06-10',
          'each service suspension is in the service action log, with the customer''s reason and today''s date');
SELECT throws_ok($$SELECT pg_temp.status_change('aaaaaaaa-0000-4000-8000-0000000000a1', 'suspend')$$,
                 'P0C07', 'cannot suspend a customer who is suspended', 'a suspended customer cannot be suspended again');
SELECT throws_ok($$SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d014', 'activate', '2026-06-10')$$,
                 'P0C13', format('cannot activate a service of customer %s, who is suspended', pg_temp.account('aaaaaaaa-0000-4000-8000-0000000000a1')),
                 'a suspended customer''s service cannot be activated');
SELECT throws_ok($$SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d011', 'resume', '2026-06-10')$$,
                 'P0C13', format('cannot resume a service of customer %s, who is suspended', pg_temp.account('aaaaaaaa-0000-4000-8000-0000000000a1')),
                 'nor resumed on its own');
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT lives_ok('SELECT internal.check_request()', 'a suspended customer can still log in');
SELECT is((SELECT status FROM api.customers), 'suspended', 'and sees their account');
SELECT pg_temp.act_as_owner();

-- Not billed while suspended
SELECT is((SELECT processed FROM internal.invoice_run('2026-06-10', 'aaaaaaaa-0000-4000-8000-00000000000a')), 0,
          'the invoice run bills none of the suspended services');
SELECT is((SELECT count(*) FROM kassa.invoice_lines WHERE service_id IN ('aaaaaaaa-0000-4000-8000-00000000d011',
                                                                        'aaaaaaaa-0000-4000-8000-00000000d012',
                                                                        'aaaaaaaa-0000-4000-8000-00000000d013')),
          0::bigint, 'no invoice line for a suspended service');
SELECT throws_ok($$SELECT pg_temp.status_change('aaaaaaaa-0000-4000-8000-0000000000a1', 'close')$$, 'P0C08',
                 pg_temp.close_refusal('aaaaaaaa-0000-4000-8000-0000000000a1', 'service aaaaaaaa-0000-4000-8000-00000000d011 is suspended'),
                 'a suspended customer with suspended services cannot be closed');

SELECT is(pg_temp.moved_by_staff('aaaaaaaa-0000-4000-8000-0000000000a1', 'resume', 'paid'),
          '(active,paid)', 'staff resume the customer');
SELECT is(pg_temp.statuses('aaaaaaaa-0000-4000-8000-0000000000a1'),
          '011:active:- 012:active:- 013:suspended:service_suspended 014:pending:-',
          'resuming brings back only the services the customer''s suspension suspended');
SELECT is((SELECT count(*) FROM kassa.pending_charges WHERE service_id IN ('aaaaaaaa-0000-4000-8000-00000000d011',
                                                                          'aaaaaaaa-0000-4000-8000-00000000d012')
             AND description LIKE 'Resumed:%' AND period_start = '2026-06-10'),
          2::bigint, 'each resumed service is charged pro rata from today, not for the suspended days');
SELECT throws_ok($$SELECT pg_temp.status_change('aaaaaaaa-0000-4000-8000-0000000000a1', 'resume')$$,
                 'P0C07', 'cannot resume a customer who is active', 'an active customer cannot be resumed again');
SELECT lives_ok($$SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d014', 'activate', '2026-06-10')$$,
                'an active customer''s pending service can be activated again');
SELECT is((SELECT string_agg(format('%s/%s', new_row ->> 'status', new_row ->> 'status_reason'), ' ' ORDER BY id) FROM audit.log
            WHERE table_name = 'kassa.customers' AND operation = 'UPDATE'
              AND row_key ->> 'id' = 'aaaaaaaa-0000-4000-8000-0000000000a1'),
          'suspended/unpaid invoice active/paid', 'the audit log has each status change with its reason');
SELECT is((SELECT count(*) FROM audit.log WHERE table_name = 'kassa.services' AND operation = 'UPDATE'
              AND row_key ->> 'id' IN ('aaaaaaaa-0000-4000-8000-00000000d011', 'aaaaaaaa-0000-4000-8000-00000000d012')
              AND new_row ->> 'suspension_reason' = 'customer_suspended'),
          2::bigint, 'and each service it suspended');

SELECT * FROM finish();
ROLLBACK;
