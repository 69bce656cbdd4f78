-- The invoice run: due services, pending charges and fees on one invoice per customer,
-- finalised or left as drafts per tenant, next billing dates advanced, each period billed once.
BEGIN;
SELECT plan(19);
\ir helpers/billing_run.sql
-- Dates callers give lie in the tenant's window around today (90 days back, 366 ahead): the
-- clock is where the story is.
SELECT pg_temp.travel_to('2026-03-15 12:00+00');

INSERT INTO kassa.customers (tenant_id, id, name, email)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a3', 'Ayesha A3', 'a3@example.com');
-- A1: two services (days 1 and 5) and an installation fee; A2: activated mid-period (a
-- pro-rata charge, next billing date not yet due) and a suspended one; A3: three months behind.
SELECT pg_temp.new_service(1, 1);
SELECT pg_temp.new_service(2, 5);
SELECT pg_temp.new_service(3, 25, p_customer => 'aaaaaaaa-0000-4000-8000-0000000000a2');
SELECT pg_temp.new_service(4, 1, p_customer => 'aaaaaaaa-0000-4000-8000-0000000000a2');
SELECT pg_temp.new_service(5, 1, p_customer => 'aaaaaaaa-0000-4000-8000-0000000000a3');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'activate', '2026-03-01');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d002', 'activate', '2026-03-05');
SELECT internal.add_fee('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000d001',
                        'aaaaaaaa-0000-4000-8000-00000000f999', 1);
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d003', 'activate', '2026-03-10');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d004', 'activate', '2026-02-01');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d004', 'suspend', '2026-02-01');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d005', 'activate', '2026-01-01');

-- The runs issue their invoices in the past.
SELECT pg_temp.travel_to('2026-05-31 12:00+00');

-- Run on 1 Mar with the default lead time of 7 days: due up to 8 Mar.
SELECT is((SELECT row(processed, skipped, invoices, charges)::text FROM internal.invoice_run('2026-03-01', 'aaaaaaaa-0000-4000-8000-00000000000a')),
          '(3,1,3,2)', 'three services billed, the suspended one skipped, three invoices, fee and pro-rata charged');
SELECT is((SELECT count(DISTINCT invoice_id) FROM kassa.invoice_lines
            WHERE service_id IN ('aaaaaaaa-0000-4000-8000-00000000d001', 'aaaaaaaa-0000-4000-8000-00000000d002')), 1::bigint,
          'one invoice per customer groups their services');
SELECT is((SELECT array_agg(charge_kind || ' ' || amount ORDER BY position) FROM kassa.invoice_lines l
             JOIN kassa.invoices i ON i.tenant_id = l.tenant_id AND i.id = l.invoice_id
            WHERE i.customer_id = 'aaaaaaaa-0000-4000-8000-0000000000a1'),
          ARRAY['recurring 10000', 'one_off 99900', 'recurring 10000'], 'both recurring charges and the fee, once each, by service');
SELECT is((SELECT array_agg(l.period_start ORDER BY l.period_start) FROM kassa.invoice_lines l
            WHERE l.service_id = 'aaaaaaaa-0000-4000-8000-00000000d005'),
          ARRAY['2026-01-01', '2026-02-01', '2026-03-01']::date[], 'a service behind is caught up period by period');
SELECT is((SELECT array_agg(next_billing_date ORDER BY id) FROM kassa.services
            WHERE id IN ('aaaaaaaa-0000-4000-8000-00000000d001', 'aaaaaaaa-0000-4000-8000-00000000d002',
                         'aaaaaaaa-0000-4000-8000-00000000d003', 'aaaaaaaa-0000-4000-8000-00000000d005')),
          ARRAY['2026-04-01', '2026-04-05', '2026-03-25', '2026-04-01']::date[],
          'next billing dates advance past the horizon; a service not yet due keeps its date');
SELECT is((SELECT array_agg(DISTINCT status) FROM kassa.invoices WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'),
          ARRAY['finalised'], 'the tenant finalises its run (default mode)');
SELECT is((SELECT count(*) FROM kassa.pending_charges WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'
             AND invoice_line_id IS NULL), 0::bigint, 'every pending charge is linked to the line that billed it');

-- Run again: nothing new.
SELECT is((SELECT row(processed, invoices, charges)::text FROM internal.invoice_run('2026-03-01', 'aaaaaaaa-0000-4000-8000-00000000000a')),
          '(0,0,0)', 'a second run for the same date bills nothing');
SELECT is((SELECT count(*) FROM kassa.invoices WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'), 3::bigint,
          'and makes no invoice');

-- A period billed by some other path is skipped and its service moves on.
INSERT INTO kassa.invoices (tenant_id, id, customer_id, currency, prices_include_vat)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000001f0', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'ZAR', true);
INSERT INTO kassa.invoice_lines (tenant_id, invoice_id, description, unit_price, amount, vat_rate, service_id, charge_kind, period_start, period_end)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000001f0', 'billed by hand', 10000, 10000, 15,
        'aaaaaaaa-0000-4000-8000-00000000d002', 'recurring', '2026-04-05', '2026-05-04');
SELECT is((SELECT row(processed, skipped)::text FROM internal.invoice_run('2026-04-01', 'aaaaaaaa-0000-4000-8000-00000000000a')),
          '(3,2)', 'the hand-billed period is skipped (with the suspended service)');
SELECT is((SELECT count(*) FROM kassa.invoice_lines WHERE service_id = 'aaaaaaaa-0000-4000-8000-00000000d002'
             AND period_start = '2026-04-05'), 1::bigint, 'the period is billed exactly once');
SELECT is((SELECT next_billing_date FROM kassa.services WHERE id = 'aaaaaaaa-0000-4000-8000-00000000d002'), '2026-05-05'::date,
          'the skipped service still moves to its next period');

-- A credit no invoice absorbs (A2's only running service is cancelled) becomes a credit note
-- against the invoice that billed the period: 25 Mar - 24 Apr (31 days), 15 days from 10 Apr
-- unused: 10000 - round(5161.29) = 4839.
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d003', 'cancel', '2026-04-10');
SELECT is((SELECT row(processed, invoices, charges, credit_notes)::text FROM internal.invoice_run('2026-04-20', 'aaaaaaaa-0000-4000-8000-00000000000a')),
          '(0,0,0,1)', 'a customer whose only charge is a credit gets no negative invoice');
SELECT is((SELECT row(n.total, i.customer_id, l.service_id, l.period_start)::text
             FROM kassa.pending_charges pc
             JOIN kassa.credit_notes n ON n.tenant_id = pc.tenant_id AND n.id = pc.credit_note_id
             JOIN kassa.invoices i ON i.tenant_id = n.tenant_id AND i.id = n.invoice_id
             JOIN kassa.credit_note_lines cl ON cl.tenant_id = n.tenant_id AND cl.credit_note_id = n.id
             JOIN kassa.invoice_lines l ON l.tenant_id = cl.tenant_id AND l.id = cl.invoice_line_id
            WHERE pc.service_id = 'aaaaaaaa-0000-4000-8000-00000000d003' AND pc.unit_price < 0),
          '(4839,aaaaaaaa-0000-4000-8000-0000000000a2,aaaaaaaa-0000-4000-8000-00000000d003,2026-03-25)',
          'the cancellation credit is a credit note on the line that billed the period');

-- Immediate pro-rata: a plan change is invoiced at once.
UPDATE kassa.tenants SET proration_mode = 'immediate' WHERE id = 'aaaaaaaa-0000-4000-8000-00000000000a';
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'change_plan', '2026-04-16', 'aaaaaaaa-0000-4000-8000-00000000f200');
SELECT is((SELECT array_agg(l.amount ORDER BY l.amount) FROM kassa.invoice_lines l
             JOIN kassa.pending_charges pc ON pc.tenant_id = l.tenant_id AND pc.invoice_line_id = l.id
            WHERE pc.service_id = 'aaaaaaaa-0000-4000-8000-00000000d001' AND pc.kind = 'proration'),
          -- April has 30 days, 15 left from the 16th: 10000 - round(5000) and 20000 - round(10000).
          ARRAY[-5000, 10000]::bigint[], 'immediate mode invoices the plan change credit and charge straight away');

-- Draft mode: tenant B reviews its run.
SELECT pg_temp.travel_to('2026-03-15 12:00+00');
UPDATE kassa.tenants SET invoice_run_mode = 'draft' WHERE id = 'bbbbbbbb-0000-4000-8000-00000000000b';
INSERT INTO kassa.services (tenant_id, id, customer_id, price_version_id, billing_day)
VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-00000000d001', 'bbbbbbbb-0000-4000-8000-0000000000b1',
        'bbbbbbbb-0000-4000-8000-00000000f100', 1);
SELECT internal.service_transition('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-00000000d001', 'activate', 'tap', '2026-03-01');
SELECT is((SELECT invoices FROM internal.invoice_run('2026-03-01', 'bbbbbbbb-0000-4000-8000-00000000000b')), 1,
          'tenant B: one invoice');
SELECT is((SELECT row(status, number, net_total)::text FROM kassa.invoices WHERE tenant_id = 'bbbbbbbb-0000-4000-8000-00000000000b'),
          '(draft,,3990)', 'draft mode leaves an unnumbered draft with its totals for review');

SELECT throws_ok($$SELECT * FROM internal.invoice_run(NULL)$$, 'P0R01', 'the invoice run needs a run date (as_of)',
                 'a run without a date is refused');
SELECT throws_ok($$SELECT * FROM internal.invoice_run('2026-03-01', '00000000-0000-4000-8000-000000000000')$$, 'P0R02', NULL,
                 'a run for an unknown tenant is refused');

SELECT * FROM finish();
ROLLBACK;
