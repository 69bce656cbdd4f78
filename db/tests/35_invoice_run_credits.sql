-- Every pending credit the invoice run meets ends as a credit note or an invoice line: a
-- cancellation credit whose days were billed by pro-rata lines (after a plan change, after an
-- activation mid-period, after a resumption), one whose days span two invoices, and one whose
-- line was credited already, in full or in part (what was given back already is closed with
-- its reason, never paid twice).
-- Tenant A: monthly plans, billing day 1, lead time 7 days, prices include VAT.
BEGIN;
SELECT plan(21);
\ir helpers/billing_run.sql
-- Each case runs in its own year (2026, 2027, 2029, 2030, 2031, 2028; March has 31 days in each), so each run's
-- date follows the last document of its series; all of them lie in the past.
SELECT pg_temp.travel_to('2031-12-31 12:00+00');

INSERT INTO kassa.customers (tenant_id, id, name, email)
SELECT 'aaaaaaaa-0000-4000-8000-00000000000a', ('aaaaaaaa-0000-4000-8000-0000000000c' || n)::uuid, 'Credit C' || n,
       'c' || n || '@example.com'
  FROM generate_series(1, 6) n;

-- What is still pending (neither invoiced, credited nor closed) for a service.
CREATE FUNCTION pg_temp.unsettled(p_service uuid) RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FROM kassa.pending_charges WHERE service_id = p_service AND NOT settled
$$;
-- A service's closed pending credits: amount and reason.
CREATE FUNCTION pg_temp.closed(p_service uuid) RETURNS text[] LANGUAGE sql AS $$
  SELECT array_agg(unit_price || ' ' || closed_reason ORDER BY unit_price) FROM kassa.pending_charges
   WHERE service_id = p_service AND closed_on IS NOT NULL
$$;
-- Staff credit part of a service's invoice line (a goodwill credit) on a date; the note's number.
CREATE FUNCTION pg_temp.goodwill(p_service uuid, p_amount bigint, p_on date) RETURNS text LANGUAGE sql AS $$
  SELECT (internal.create_credit_note('aaaaaaaa-0000-4000-8000-00000000000a', l.invoice_id, 'goodwill: outage', 'balance',
                                      jsonb_build_array(jsonb_build_object('invoice_line_id', l.id,
                                                                           'amount', coalesce(p_amount, l.amount))),
                                      p_on)).number
    FROM kassa.invoice_lines l WHERE l.service_id = p_service
$$;
-- Per credit note of a service's pending credits: the credited line's kind and amount.
CREATE FUNCTION pg_temp.credited(p_service uuid) RETURNS text[] LANGUAGE sql AS $$
  SELECT array_agg(l.charge_kind || ' ' || l.period_start || ' ' || cl.amount ORDER BY l.period_start, cl.amount)
    FROM kassa.pending_charges pc
    JOIN kassa.credit_note_lines cl ON cl.tenant_id = pc.tenant_id AND cl.credit_note_id = pc.credit_note_id
    JOIN kassa.invoice_lines l ON l.tenant_id = cl.tenant_id AND l.id = cl.invoice_line_id
   WHERE pc.service_id = p_service
$$;
CREATE FUNCTION pg_temp.run(p_on date) RETURNS text LANGUAGE sql AS $$
  SELECT row(invoices, charges, credit_notes)::text FROM internal.invoice_run(p_on, 'aaaaaaaa-0000-4000-8000-00000000000a')
$$;
-- Case N starts: the clock moves to 30 April of its year (its dates lie in the window),
-- customer cN's service ...dN1 (Fibre 100) is activated on the given day and the invoice run
-- of that day bills it; the run's counts.
CREATE FUNCTION pg_temp.start_case(p_case integer, p_activated_on date) RETURNS text LANGUAGE sql AS $$
  SELECT pg_temp.travel_to(make_timestamptz(extract(year FROM p_activated_on)::integer, 4, 30, 12, 0, 0, 'UTC'));
  SELECT pg_temp.act(pg_temp.new_service(p_case * 10 + 1, 1,
                                         p_customer => ('aaaaaaaa-0000-4000-8000-0000000000c' || p_case)::uuid),
                     'activate', p_activated_on);
  SELECT pg_temp.run(p_activated_on);
$$;

-- 1. Activated on 10 Mar (first period 10-31 Mar, 22 of 31 days: 7097), plan changed to
-- Fibre 200 on 20 Mar (credit 12 days of Fibre 100: 3871, charge 12 days of Fibre 200: 7742),
-- cancelled on 25 Mar (credit 7 days of Fibre 200: 4516). The credits exceed the charge, so
-- the run invoices the charge and credits each credit on the pro-rata line that billed it.
SELECT is(pg_temp.start_case(1, '2026-03-10'), '(1,1,0)', 'plan change: the first period is invoiced');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d011', 'change_plan', '2026-03-20', 'aaaaaaaa-0000-4000-8000-00000000f200');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d011', 'cancel', '2026-03-25');
SELECT is(pg_temp.run('2026-03-26'), '(1,1,2)', 'plan change then cancel: the charge invoiced, both credits as credit notes');
SELECT is(pg_temp.credited('aaaaaaaa-0000-4000-8000-00000000d011'),
          ARRAY['proration 2026-03-10 3871', 'proration 2026-03-20 4516'],
          'each credit is a credit note on the pro-rata line of its plan');
SELECT is(pg_temp.unsettled('aaaaaaaa-0000-4000-8000-00000000d011'), 0::bigint, 'plan change: nothing stays pending');

-- 2. Activated mid-period, cancelled before the first billing date.
SELECT pg_temp.start_case(2, '2027-03-10');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d021', 'cancel', '2027-03-20');
SELECT is(pg_temp.run('2027-03-21'), '(0,0,1)', 'activation mid-period then cancel: one credit note, no invoice');
SELECT is(pg_temp.credited('aaaaaaaa-0000-4000-8000-00000000d021'), ARRAY['proration 2027-03-10 3871'],
          'the credit is on the first period''s pro-rata line');

-- 3. Active from 1 Feb, suspended 10 Feb (March not billed), resumed 15 Mar (15-31 Mar: 5484),
-- cancelled 25 Mar (7 days: 2258).
SELECT pg_temp.start_case(3, '2029-02-01');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d031', 'suspend', '2029-02-10');
SELECT pg_temp.run('2029-03-01');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d031', 'resume', '2029-03-15');
SELECT pg_temp.run('2029-03-15');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d031', 'cancel', '2029-03-25');
SELECT is(pg_temp.run('2029-03-26'), '(0,0,1)', 'suspension, resumption, cancel: one credit note');
SELECT is(pg_temp.credited('aaaaaaaa-0000-4000-8000-00000000d031'), ARRAY['proration 2029-03-15 2258'],
          'the credit is on the resumption''s pro-rata line');

-- 4. Billed for March (1 Mar) and April (25 Mar, within the lead time), cancelled 28 Mar: the
-- credit (4 days of March: 1290, all of April: 10000) spans two invoices: two credit notes,
-- the pending credit split in two parts that add up to it.
SELECT pg_temp.start_case(4, '2030-03-01');
SELECT pg_temp.run('2030-03-25');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d041', 'cancel', '2030-03-28');
SELECT is(pg_temp.run('2030-03-29'), '(0,0,2)', 'a credit over two billed periods: two credit notes');
SELECT is(pg_temp.credited('aaaaaaaa-0000-4000-8000-00000000d041'),
          ARRAY['recurring 2030-03-01 1290', 'recurring 2030-04-01 10000'], 'each on the line of its period');
SELECT is((SELECT sum(unit_price) FROM kassa.pending_charges WHERE service_id = 'aaaaaaaa-0000-4000-8000-00000000d041'),
          -11290::numeric, 'the parts add up to the cancellation credit');

-- 5. Two services billed for March; staff credit the Fibre 100 line in full, then it is
-- cancelled on 16 Mar (credit 16 days: 5161). Those days were given back already: the credit
-- is closed, naming the goodwill credit note, and the next invoice does not net it again.
SELECT pg_temp.travel_to('2031-04-30 12:00+00');  -- the case's dates lie in the window
SELECT pg_temp.new_service(51, 1, p_customer => 'aaaaaaaa-0000-4000-8000-0000000000c5');
SELECT pg_temp.new_service(52, 1, 'aaaaaaaa-0000-4000-8000-00000000f200', 'aaaaaaaa-0000-4000-8000-0000000000c5');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d051', 'activate', '2031-03-01');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d052', 'activate', '2031-03-01');
SELECT pg_temp.run('2031-03-01');
CREATE TEMP TABLE goodwill_5 AS SELECT pg_temp.goodwill('aaaaaaaa-0000-4000-8000-00000000d051', NULL, '2031-03-05') AS number;
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d051', 'cancel', '2031-03-16');
SELECT is(pg_temp.run('2031-03-17'), '(0,0,0)', 'a credit whose line was credited in full: no credit note');
SELECT is(pg_temp.unsettled('aaaaaaaa-0000-4000-8000-00000000d051'), 0::bigint, 'nothing stays pending');
SELECT is(pg_temp.closed('aaaaaaaa-0000-4000-8000-00000000d051'),
          ARRAY['-5161 already credited: ' || (SELECT number FROM goodwill_5)],
          'the credit is closed, naming the credit note that gave the days back');
SELECT is(pg_temp.run('2031-03-25'), '(1,0,0)', 'the next run invoices April, no pending charge with it');
SELECT is((SELECT array_agg(l.charge_kind || ' ' || l.amount ORDER BY l.amount) FROM kassa.invoice_lines l
            WHERE l.invoice_id = (SELECT invoice_id FROM kassa.invoice_lines
                                   WHERE service_id = 'aaaaaaaa-0000-4000-8000-00000000d052' AND period_start = '2031-04-01')),
          ARRAY['recurring 20000'], 'without the closed credit');

-- 6. Staff credit 6000 of the March line of Fibre 100 (10000), then it is cancelled on 16 Mar
-- (credit 16 days: 5161): 4000 is still creditable (a credit note); 1161 was given back already.
SELECT pg_temp.start_case(6, '2028-03-01');
CREATE TEMP TABLE goodwill_6 AS SELECT pg_temp.goodwill('aaaaaaaa-0000-4000-8000-00000000d061', 6000, '2028-03-05') AS number;
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d061', 'cancel', '2028-03-16');
SELECT is(pg_temp.run('2028-03-17'), '(0,0,1)', 'a credit whose line was credited in part: one credit note');
SELECT is(pg_temp.credited('aaaaaaaa-0000-4000-8000-00000000d061'), ARRAY['recurring 2028-03-01 4000'],
          'for what the line still had');
SELECT is(pg_temp.closed('aaaaaaaa-0000-4000-8000-00000000d061'),
          ARRAY['-1161 already credited: ' || (SELECT number FROM goodwill_6)], 'the rest is closed');
SELECT is((SELECT sum(unit_price) FROM kassa.pending_charges WHERE service_id = 'aaaaaaaa-0000-4000-8000-00000000d061'),
          -5161::numeric, 'the credit note and the closed part add up to the cancellation credit');
SELECT is((SELECT sum(cl.amount) FROM kassa.credit_note_lines cl JOIN kassa.invoice_lines l ON l.id = cl.invoice_line_id
            WHERE l.service_id = 'aaaaaaaa-0000-4000-8000-00000000d061'), 10000::numeric,
          'the March line is credited exactly once in full');

SELECT * FROM finish();
ROLLBACK;
