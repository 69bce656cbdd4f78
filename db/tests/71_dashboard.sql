-- Dashboards: every figure of a customer's and of a tenant's dashboard on a constructed case
-- (tenant A, ZAR, 15% VAT included, Johannesburg, on 15 June 2026), and who may read which.
BEGIN;
SELECT plan(27);
\ir helpers/invoices.sql
\ir helpers/billing_run.sql
SELECT set_config('app.settings.payment_method_key', 'test-key-71', true);
SELECT pg_temp.travel_to('2026-06-15 10:00+00');
UPDATE kassa.tenants SET date_window_back_days = 3660, payment_terms_days = 14 WHERE slug = 'tap-a';
CREATE TEMP TABLE ids AS SELECT 'aaaaaaaa-0000-4000-8000-00000000000a'::uuid AS ta,
  'aaaaaaaa-0000-4000-8000-0000000000a1'::uuid AS a1, 'aaaaaaaa-0000-4000-8000-0000000000a2'::uuid AS a2,
  'bbbbbbbb-0000-4000-8000-00000000000b'::uuid AS tb;

-- A1's services: Fibre 100 next billed on 30 June (claimed by the run of 23 June, 7 days
-- lead), Fibre 50 on 25 July (a later run), a cancelled Fibre 200; and an installation fee
-- not yet billed. Migrated in active, as bench/book.py does.
SET LOCAL kassa.service_transition = 'on';
INSERT INTO kassa.services (tenant_id, id, customer_id, price_version_id, billing_day, status, activated_on,
                            next_billing_date, cancelled_on)
SELECT ta, s.id, a1, s.version, s.day, s.status, '2026-01-01', s.next, s.cancelled
  FROM ids, (VALUES ('aaaaaaaa-0000-4000-8000-00000000d001'::uuid, 'aaaaaaaa-0000-4000-8000-00000000f100'::uuid, 30,
                     'active', '2026-06-30'::date, NULL::date),
                    ('aaaaaaaa-0000-4000-8000-00000000d002', 'aaaaaaaa-0000-4000-8000-00000000f050', 25, 'active', '2026-07-25', NULL),
                    ('aaaaaaaa-0000-4000-8000-00000000d003', 'aaaaaaaa-0000-4000-8000-00000000f200', 1, 'cancelled', NULL,
                     '2026-05-01')) s(id, version, day, status, next, cancelled);
RESET kassa.service_transition;
SELECT is((SELECT internal.next_invoice_estimate(t, a1, '2026-06-15') FROM ids, kassa.tenants t WHERE t.id = ta),
  '{"on": "2026-06-23", "net": 8696, "vat": 1304, "total": 10000, "services": 1, "pending_charges": 0}'::jsonb,
  'the next invoice: the run of 23 June (7 days before 30 June) bills Fibre 100, VAT included (15/115 of 10000)');
SELECT internal.add_fee(ta, 'aaaaaaaa-0000-4000-8000-00000000d001', 'aaaaaaaa-0000-4000-8000-00000000f999', 1) FROM ids;
-- Usage of Fibre 100: this period's total counts, last period's does not.
INSERT INTO kassa.usage_periods (tenant_id, service_id, period_start, meter, period_end, customer_id, quantity)
SELECT ta, 'aaaaaaaa-0000-4000-8000-00000000d001', p.s, 'bytes', p.e, a1, p.q
  FROM ids, (VALUES ('2026-05-30'::date, '2026-06-29'::date, 123), ('2026-04-30', '2026-05-29', 999)) p(s, e, q);

-- Invoices in date order (due 14 days after issue), then the payments, each applied to its
-- customer's oldest open invoice: A1 pays March's 5000 off; A2 pays 3000 of February's 7000 at
-- 00:30 on 1 June in Johannesburg (22:30 UTC on 31 May): this month there, not in UTC.
CREATE TEMP TABLE inv AS SELECT
  pg_temp.issued(ta, a2, ARRAY[7000], '2026-02-01') AS a2_feb,
  pg_temp.issued(ta, a1, ARRAY[5000], '2026-03-01') AS a1_mar,
  pg_temp.issued(ta, a2, ARRAY[6000], '2026-04-01') AS a2_apr,
  pg_temp.issued(ta, a1, ARRAY[10000], '2026-05-01') AS a1_may,
  pg_temp.issued(ta, a2, ARRAY[8000], '2026-05-20') AS a2_may,
  pg_temp.issued(ta, a1, ARRAY[20000], '2026-06-01') AS a1_jun
  FROM ids;
CREATE TEMP TABLE pay AS SELECT internal.record_manual_payment(ta, a1, 5000, 'eft', 'tap test', 'EFT-71-1', 'staff:tap') AS a1,
  internal.record_manual_payment(ta, a2, 3000, 'cash', 'tap test', 'CASH-71-1', 'staff:tap') AS a2 FROM ids;
-- A payment completes at the transaction's time (now()): moved to when these were received.
UPDATE kassa.payments SET completed_at = CASE provider_ref WHEN 'EFT-71-1' THEN '2026-03-10 09:00+00'
                                                           ELSE '2026-05-31 22:30+00' END::timestamptz
 WHERE id IN ((SELECT a1 FROM pay), (SELECT a2 FROM pay));
SELECT internal.customer_transition(ta, a2, 'suspend', 'tap test') FROM ids;

-- Debit orders: five older batches without debits, and today's, which debits A1's two open
-- invoices due by its action date (A1's mandate active).
INSERT INTO kassa.debit_order_batches (tenant_id, submission_date, action_date, service, name, status)
SELECT ta, d::date, d::date + 2, 'two_day', 'Old run', 'submitted' FROM ids, generate_series('2026-05-10'::date, '2026-05-14', '1 day') d;
CREATE TEMP TABLE m AS SELECT internal.add_payment_method(ta, a1, 'debit_order', 'FNB', 'current', '62001234567', 'AGR-71', true) AS a1
  FROM ids;
SELECT internal.record_mandate_request(ta, (SELECT a1 FROM m), 'https://netcash.example/m/71') FROM ids;
SELECT internal.record_mandate_outcome(ta, (SELECT a1 FROM m), true, 'MR71', '') FROM ids;
CREATE TEMP TABLE b AS SELECT (internal.record_debit_order_batch(ta, '2026-06-15', '2026-06-17', 'two_day', 'Run 71')).id FROM ids;

-- Failed deliveries: two messages and a webhook delivery of A in the last 30 days, an older
-- failed message, a sent one, and one failed message of tenant B.
INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'invoice_issued', '{"tap": 71}'),
       ('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-0000000000b1', 'invoice_issued', '{"tap": 71}');
INSERT INTO kassa.messages (tenant_id, notification_id, customer_id, channel, recipient, status, sent_at, last_error, created_at)
SELECT n.tenant_id, n.public_id, n.customer_id, x.channel, x.recipient, x.status, x.sent_at, x.error, x.at
  FROM kassa.notifications n,
       (VALUES ('email', 'a1@example.com', 'failed', NULL::timestamptz, '550 no such user', '2026-06-14 08:00+00'::timestamptz),
               ('sms', '+27820000001', 'failed', NULL, 'unreachable', '2026-06-01 08:00+00'),
               ('push', 'device-1', 'failed', NULL, 'gone', '2026-05-01 08:00+00'),
               ('email', 'copy@example.com', 'sent', '2026-06-14 08:01+00', NULL, '2026-06-14 08:00+00')) x(channel, recipient, status, sent_at, error, at)
 WHERE n.payload ? 'tap' AND (n.tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a' OR x.recipient = 'a1@example.com');
INSERT INTO kassa.webhook_endpoints (tenant_id, url) SELECT ta, 'https://hooks.example.com/kassa' FROM ids;
INSERT INTO kassa.webhook_deliveries (tenant_id, endpoint_id, notification_id, status, last_error, created_at)
SELECT e.tenant_id, e.public_id, n.public_id, 'failed', 'HTTP 500', '2026-06-10 08:00+00'
  FROM kassa.webhook_endpoints e JOIN kassa.notifications n ON n.tenant_id = e.tenant_id AND n.payload ? 'tap';

-- A1 has an open and a closed ticket, A2 an open one.
INSERT INTO kassa.tickets (tenant_id, customer_id, subject, category, status)
SELECT ta, CASE v.who WHEN 1 THEN a2 ELSE a1 END, 'Line down', 'technical', v.s
  FROM ids, (VALUES (0, 'open'), (0, 'closed'), (1, 'pending_customer')) v (who, s);

-- The customer's dashboard, as A1.
GRANT SELECT ON ALL TABLES IN SCHEMA pg_temp TO customer, staff;
SELECT pg_temp.act_as('customer', ta, a1) FROM ids;
CREATE TEMP TABLE mine AS SELECT api.customer_dashboard() AS d;
SELECT is((SELECT (d->>'balance', d->>'amount_due', d->>'open_invoices', d->>'next_due_on', d->>'currency', d->>'as_of')::text FROM mine),
  '(-30000,30000,2,2026-05-15,ZAR,2026-06-15)',
  'balance, what the open invoices (May and June) still owe, the earliest due date, currency, the tenant''s today');
SELECT is((SELECT d->'next_invoice' FROM mine),
  '{"on": "2026-06-15", "net": 86870, "vat": 13030, "total": 99900, "services": 0, "pending_charges": 1}'::jsonb,
  'with a fee pending, the next invoice is today''s run''s: the fee alone, Fibre 100 not yet claimed');
SELECT is((SELECT jsonb_path_query_array(d->'active_services', '$[*].product') FROM mine), '["Fibre 100", "Fibre 50"]'::jsonb,
  'the active services, next billed first (not the cancelled one)');
SELECT is((SELECT (d->'active_services'->0) - 'id' FROM mine),
  '{"product": "Fibre 100", "price": 10000, "interval": "monthly", "next_billing_date": "2026-06-30"}'::jsonb,
  'each with its plan''s price and next billing date');
SELECT is((SELECT (d->'last_payment'->>'id', d->'last_payment'->>'amount', d->'last_payment'->>'method')::text FROM mine),
  (SELECT ((SELECT a1 FROM pay)::text, '5000', 'eft')::text), 'the last payment');
SELECT is((SELECT d->'usage_this_period' FROM mine),
  '[{"service_id": "aaaaaaaa-0000-4000-8000-00000000d001", "meter": "bytes", "period_start": "2026-05-30",
     "period_end": "2026-06-29", "quantity": 123, "allowance": null, "cap": null}]'::jsonb,
  'the usage of the current period only');
SELECT is((SELECT d->>'open_tickets' FROM mine), '1', 'and their open tickets, not the closed one nor another''s');
SELECT is((SELECT d->>'customer_id' FROM ids, api.customer_dashboard(a1) d), (SELECT a1::text FROM ids),
  'a customer may name themselves');
SELECT throws_ok($$SELECT api.customer_dashboard('aaaaaaaa-0000-4000-8000-0000000000a2')$$, 'P0G30',
  'customer aaaaaaaa-0000-4000-8000-0000000000a2 not found', 'but not another customer');
SELECT throws_ok($$SELECT api.staff_dashboard()$$, '42501', NULL, 'nor read the staff dashboard');

-- As A's staff: any customer of the tenant, nobody else's.
SELECT pg_temp.act_as('staff', ta) FROM ids;
SELECT is((SELECT d->>'amount_due' FROM ids, api.customer_dashboard(a2) d), '18000',
  'staff read a customer of their tenant (A2 owes 4000 + 6000 + 8000)');
SELECT is((SELECT d->'next_invoice' FROM ids, api.customer_dashboard(a2) d), 'null'::jsonb,
  'a customer without services or pending charges has no next invoice');
SELECT throws_ok($$SELECT api.customer_dashboard('bbbbbbbb-0000-4000-8000-0000000000b1')$$, 'P0G30',
  'customer bbbbbbbb-0000-4000-8000-0000000000b1 not found', 'another tenant''s customer is refused');
SELECT throws_ok($$SELECT api.customer_dashboard()$$, 'P0G30', 'customer_id is required', 'staff name the customer');

CREATE TEMP TABLE ours AS SELECT api.staff_dashboard() AS d;
SELECT is((SELECT d->'month' FROM ours), '{"from": "2026-06-01", "to": "2026-06-30"}'::jsonb, 'this month, the tenant''s');
SELECT is((SELECT d->'customers' FROM ours), '{"active": 1, "suspended": 1, "closed": 0, "total": 2}'::jsonb,
  'customers by status');
SELECT is((SELECT d->'invoiced' FROM ours), '{"count": 1, "total": 20000}'::jsonb, 'invoiced this month: June''s invoice only');
SELECT is((SELECT d->'collected' FROM ours), '{"count": 1, "amount": 3000}'::jsonb,
  'collected this month: A2''s payment of 1 June local time, not A1''s of March');
SELECT is((SELECT d->'overdue' FROM ours),
  '{"count": 4, "amount": 28000, "days_1_30": {"count": 1, "amount": 8000}, "days_31_60": {"count": 1, "amount": 10000},
    "days_61_90": {"count": 1, "amount": 6000}, "days_over_90": {"count": 1, "amount": 4000}}'::jsonb,
  'overdue by age: 12, 31, 61 and 120 days past due; June''s invoice, due today, is not');
SELECT is((SELECT jsonb_path_query_array(d->'debit_orders', '$[*].submission_date') FROM ours),
  '["2026-06-15", "2026-05-14", "2026-05-13", "2026-05-12", "2026-05-11"]'::jsonb, 'the latest five debit-order batches');
SELECT is((SELECT (d->'debit_orders'->0) - 'id' - 'submission_date' FROM ours),
  '{"action_date": "2026-06-17", "status": "recorded", "items": 2, "amount": 30000, "paid": 0, "unpaid": 0}'::jsonb,
  'each with its debits: today''s debits A1''s two open invoices');
SELECT is((SELECT (d->'failed_deliveries'->>'messages', d->'failed_deliveries'->>'webhooks')::text FROM ours), '(2,1)',
  'failed deliveries of the last 30 days: messages and webhook deliveries, not the tenant B''s');
SELECT is((SELECT jsonb_path_query_array(d->'failed_deliveries'->'latest_messages', '$[*].last_error') FROM ours),
  '["550 no such user", "unreachable"]'::jsonb, 'the latest failed messages, newest first');
SELECT is((SELECT d->'failed_deliveries'->'latest_webhooks'->0->>'last_error' FROM ours), 'HTTP 500',
  'and the failed webhook deliveries');

-- Tenant B's staff see B's own figures only.
SELECT pg_temp.act_as('staff', tb) FROM ids;
SELECT is((SELECT (d->'customers'->>'total', d->'invoiced'->>'count', d->'overdue'->>'count', d->'failed_deliveries'->>'messages',
                   jsonb_array_length(d->'debit_orders'), d->>'currency')::text FROM api.staff_dashboard() d),
  '(1,0,0,1,0,EUR)', 'another tenant''s staff see none of A''s figures');
SELECT pg_temp.act_as_owner();

-- The same answers without a token, for a DBA or a job: internal holds the rule.
SELECT throws_ok($$SELECT internal.customer_dashboard('bbbbbbbb-0000-4000-8000-00000000000b', 'aaaaaaaa-0000-4000-8000-0000000000a1')$$,
  'P0G30', NULL, 'a customer of another tenant is not found');

SELECT * FROM finish();
ROLLBACK;
