-- Write-offs: a credit note of settlement write_off for exactly the amount due, spread over
-- the VAT rates and lines in proportion (largest remainder), its VAT the VAT share of the
-- written-off gross amount per rate; the invoice written_off and final; the ledger credited;
-- reconnection of a customer suspended for non-payment; refusals that change nothing.
BEGIN;
SELECT plan(31);
\ir helpers/invoices.sql
\ir helpers/two_tenants.sql
\ir helpers/catalog.sql
\ir helpers/clock.sql
CREATE TEMP TABLE inv (name text PRIMARY KEY, id uuid);
CREATE TEMP TABLE note (name text PRIMARY KEY, id uuid);
GRANT ALL ON inv, note TO customer, staff;
INSERT INTO kassa.vat_rates (tenant_id, category, rate)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'zero', 0), ('bbbbbbbb-0000-4000-8000-00000000000b', 'reduced', 7);
SELECT pg_temp.travel_to('2026-06-02 10:00+00');

CREATE FUNCTION pg_temp.write_off(p_tenant uuid, p_invoice text, p_name text, p_on date) RETURNS void LANGUAGE sql AS $$
  INSERT INTO note SELECT p_name, (internal.write_off_invoice(p_tenant, inv.id, 'Debtor untraceable', p_on)).id
    FROM inv WHERE inv.name = p_invoice
$$;
CREATE FUNCTION pg_temp.vat_of_note(p_name text) RETURNS text[] LANGUAGE sql AS $$
  SELECT array_agg(format('%s %s: %s + %s = %s', v.vat_category, v.vat_rate, v.net, v.vat, v.gross)
                   ORDER BY v.vat_category)
    FROM kassa.credit_note_vat_totals v JOIN note ON note.id = v.credit_note_id WHERE note.name = p_name
$$;
CREATE FUNCTION pg_temp.lines_of_note(p_name text) RETURNS bigint[] LANGUAGE sql AS $$
  SELECT array_agg(cl.amount ORDER BY l.position)
    FROM kassa.credit_note_lines cl JOIN kassa.invoice_lines l ON l.id = cl.invoice_line_id
    JOIN note ON note.id = cl.credit_note_id WHERE note.name = p_name
$$;

-- Tenant A (ZA, prices include VAT): 115.00 at 15 % and 30.00 zero-rated, VAT 15.00; the
-- customer paid 45.00 of 145.00. The 100.00 due splits 7931 / 2069 (11500 : 3000, the one
-- unit left to the larger remainder); VAT of 79.31 at 15/115 is 10.34.
INSERT INTO inv VALUES ('gross', pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1',
                                                ARRAY[11500, 3000], '2026-06-01', ARRAY['standard', 'zero']));
SELECT pg_temp.post('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'payment', 4500, 'pay-a');
SELECT FROM internal.allocate_credit('aaaaaaaa-0000-4000-8000-00000000000a', ARRAY['aaaaaaaa-0000-4000-8000-0000000000a1'::uuid]);
SELECT pg_temp.write_off('aaaaaaaa-0000-4000-8000-00000000000a', 'gross', 'gross', '2026-06-02');
SELECT is((SELECT (n.settlement, n.net_total, n.vat_total, n.total) FROM kassa.credit_notes n JOIN note USING (id) WHERE name = 'gross'),
          ('write_off'::text, 8966::bigint, 1034::bigint, 10000::bigint),
          'a write-off credits exactly the amount due, not the paid part');
SELECT is(pg_temp.vat_of_note('gross'), ARRAY['standard 15.00: 6897 + 1034 = 7931', 'zero 0.00: 2069 + 0 = 2069'],
          'its VAT per rate is the VAT share of the gross amount written off there');
SELECT is(pg_temp.lines_of_note('gross'), ARRAY[7931, 2069]::bigint[], 'the lines are credited gross, as invoiced');
SELECT is((SELECT (status, amount_paid, amount_credited, amount_due) FROM kassa.invoices JOIN inv USING (id) WHERE name = 'gross'),
          ('written_off'::text, 4500::bigint, 10000::bigint, 0::bigint), 'the invoice is written off with nothing due');
SELECT is((SELECT (l.kind, l.amount, l.balance_after) FROM kassa.ledger_entries l JOIN note ON l.source_id = note.id::text
            WHERE note.name = 'gross'), ('credit_note'::text, 10000::bigint, 0::bigint),
          'the ledger is credited by the amount written off: the customer owes nothing');
SELECT is((SELECT (source_type, amount) FROM kassa.invoice_allocations a JOIN note ON a.source_id = note.id::text WHERE name = 'gross'),
          ('credit_note'::text, 10000::bigint), 'the write-off settles the invoice, recorded as an allocation');
SELECT is((SELECT number FROM kassa.credit_notes JOIN note USING (id) WHERE name = 'gross'), 'CN-2026-00001',
          'a write-off is numbered in the credit note series');

-- Tenant B (DE, net prices): 100.00 at 19 % and 50.00 at 7 %, VAT 19.00 + 3.50, total 172.50;
-- 50.00 paid. The 122.50 due splits 3799 (7 %) / 8451 (19 %) gross; VAT 7/107 of 37.99 is 2.49,
-- 19/119 of 84.51 is 13.49: net + VAT is the amount due to the cent.
INSERT INTO inv VALUES ('net', pg_temp.issued('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-0000000000b1',
                                              ARRAY[10000, 5000], '2026-06-01', ARRAY['standard', 'reduced']));
SELECT pg_temp.post('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-0000000000b1', 'payment', 5000, 'pay-b');
SELECT FROM internal.allocate_credit('bbbbbbbb-0000-4000-8000-00000000000b', ARRAY['bbbbbbbb-0000-4000-8000-0000000000b1'::uuid]);
SELECT pg_temp.write_off('bbbbbbbb-0000-4000-8000-00000000000b', 'net', 'net', '2026-06-02');
SELECT is((SELECT (n.net_total, n.vat_total, n.total) FROM kassa.credit_notes n JOIN note USING (id) WHERE name = 'net'),
          (10652::bigint, 1598::bigint, 12250::bigint), 'a net-basis invoice is written off to the cent too');
SELECT is(pg_temp.vat_of_note('net'), ARRAY['reduced 7.00: 3550 + 249 = 3799', 'standard 19.00: 7102 + 1349 = 8451'],
          'its VAT correction per rate (§17 UStG) is the VAT share of the gross amount written off');
SELECT is(pg_temp.lines_of_note('net'), ARRAY[7102, 3550]::bigint[], 'the lines are credited net, as invoiced');
SELECT is((SELECT (status, amount_due) FROM kassa.invoices JOIN inv USING (id) WHERE name = 'net'),
          ('written_off'::text, 0::bigint), 'the net-basis invoice is written off');
SELECT is((SELECT balance FROM kassa.billing_accounts WHERE customer_id = 'bbbbbbbb-0000-4000-8000-0000000000b1'), 0::bigint,
          'and its customer owes nothing');

-- 3 cents due on 1.00 net at 19 %: no net amount makes 0.03 with its VAT (0.02 + 0.00, 0.03 +
-- 0.01), the gross share does: 0.03 net, no VAT (19/119 of 3 rounds to 0).
INSERT INTO inv VALUES ('cents', pg_temp.issued('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-0000000000b1',
                                                ARRAY[100], '2026-06-02'));
SELECT pg_temp.post('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-0000000000b1', 'payment', 116, 'pay-c');
SELECT FROM internal.allocate_credit('bbbbbbbb-0000-4000-8000-00000000000b', ARRAY['bbbbbbbb-0000-4000-8000-0000000000b1'::uuid]);
SELECT pg_temp.write_off('bbbbbbbb-0000-4000-8000-00000000000b', 'cents', 'cents', '2026-06-02');
SELECT is(pg_temp.vat_of_note('cents'), ARRAY['standard 19.00: 3 + 0 = 3'], 'an amount no net could reach is written off exactly');

-- Nothing paid: the whole invoice, each rate taking exactly its remaining VAT. It is
-- written_off, not void: it was never cancelled, only not collected.
INSERT INTO inv VALUES ('whole', pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1',
                                                ARRAY[999, 1], '2026-06-02'));
SELECT pg_temp.write_off('aaaaaaaa-0000-4000-8000-00000000000a', 'whole', 'whole', '2026-06-02');
SELECT is((SELECT (n.vat_total, n.total, i.status) FROM kassa.credit_notes n JOIN note USING (id)
             JOIN kassa.invoices i ON i.id = n.invoice_id WHERE note.name = 'whole'),
          (130::bigint, 1000::bigint, 'written_off'::text), 'an unpaid invoice is written off whole, with its VAT');

-- Final: no payment settles a written-off invoice, no credit note or second write-off takes it.
SELECT pg_temp.post('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'payment', 500, 'pay-a2');
SELECT is_empty($$SELECT * FROM internal.allocate_credit('aaaaaaaa-0000-4000-8000-00000000000a',
                                                         ARRAY['aaaaaaaa-0000-4000-8000-0000000000a1'::uuid])$$,
                'a later payment stays on the balance: written-off invoices take no allocation');
SELECT throws_ok($$SELECT pg_temp.write_off('aaaaaaaa-0000-4000-8000-00000000000a', 'whole', 'again', '2026-06-02')$$,
                 'P0N01', NULL, 'an invoice is written off once');
SELECT throws_ok($$SELECT internal.create_credit_note('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT id FROM inv WHERE name = 'gross'),
                   'Late correction', 'refund', NULL, '2026-06-02')$$, 'P0N01', NULL, 'a written-off invoice takes no credit note');
SELECT throws_ok($$UPDATE kassa.invoices SET amount_paid = 0 WHERE id = (SELECT id FROM inv WHERE name = 'gross')$$,
                 'P0I05', NULL, 'a written-off invoice is frozen');

-- Refusals change nothing.
INSERT INTO inv VALUES ('paid', pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2',
                                               ARRAY[2000], '2026-06-02'));
SELECT pg_temp.post('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', 'payment', 2000, 'pay-p');
SELECT FROM internal.allocate_credit('aaaaaaaa-0000-4000-8000-00000000000a', ARRAY['aaaaaaaa-0000-4000-8000-0000000000a2'::uuid]);
INSERT INTO inv VALUES ('draft', pg_temp.draft('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', ARRAY[500]));
INSERT INTO inv VALUES ('open', pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2',
                                               ARRAY[3000], '2026-06-02'));
CREATE TEMP TABLE before AS SELECT (SELECT count(*) FROM kassa.credit_notes) AS notes,
  (SELECT count(*) FROM kassa.ledger_entries) AS entries;
SELECT throws_ok($$SELECT pg_temp.write_off('aaaaaaaa-0000-4000-8000-00000000000a', 'paid', 'paid', '2026-06-02')$$,
                 'P0N09', format('invoice %s has nothing due to write off', (SELECT number FROM kassa.invoices JOIN inv USING (id) WHERE name = 'paid')),
                 'a paid invoice has nothing to write off');
SELECT throws_ok($$SELECT pg_temp.write_off('aaaaaaaa-0000-4000-8000-00000000000a', 'draft', 'draft', '2026-06-02')$$,
                 'P0N01', NULL, 'a draft cannot be written off');
SELECT throws_ok($$SELECT internal.write_off_invoice('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT id FROM inv WHERE name = 'open'),
                   E' \t', '2026-06-02')$$, 'P0V03', 'reason is required and cannot be blank', 'a write-off needs a reason');
SELECT throws_ok($$SELECT internal.create_credit_note('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT id FROM inv WHERE name = 'open'),
                   'By hand', 'write_off', NULL, '2026-06-02')$$, 'P0N07', NULL,
                 'a credit note cannot be a write-off by its settlement alone');
SELECT is((SELECT (count(*), (SELECT count(*) FROM kassa.ledger_entries)) FROM kassa.credit_notes),
          (SELECT (notes, entries) FROM before), 'the refusals wrote nothing');
SELECT FROM internal.void_invoice('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT id FROM inv WHERE name = 'draft'), 'Mistake', '2026-06-02');
SELECT throws_ok($$SELECT pg_temp.write_off('aaaaaaaa-0000-4000-8000-00000000000a', 'draft', 'void', '2026-06-02')$$,
                 'P0N01', NULL, 'a void invoice cannot be written off');

-- Reconnection: A2's service was suspended for non-payment of 'open' (past due by 20 June);
-- writing the debt off clears it and resumes the service in the same transaction.
SELECT pg_temp.travel_to('2026-06-20 10:00+00');
SELECT pg_temp.new_service(1, 1, p_customer => 'aaaaaaaa-0000-4000-8000-0000000000a2');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'activate', '2026-06-20');
SELECT internal.service_transition('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000d001',
                                   'suspend', 'dunning', '2026-06-20', p_suspension_reason => 'non_payment');

CREATE TEMP TABLE link AS SELECT l.token FROM internal.create_payment_links('aaaaaaaa-0000-4000-8000-00000000000a',
  ARRAY[(SELECT id FROM inv WHERE name = 'open')], 'staff:tap') l;

-- Over the API: staff only, retried safely with a request id.
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2');
SELECT throws_ok($$SELECT api.write_off_invoice((SELECT id FROM inv WHERE name = 'open'), 'Mine')$$, '42501', NULL,
                 'a customer cannot write off their own invoice');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT is((SELECT (n.settlement, n.total, n.issued_on) FROM api.write_off_invoice((SELECT id FROM inv WHERE name = 'open'),
                                                                                 'Handed over, not recoverable', NULL, 'wo-1') n),
          ('write_off'::text, 3000::bigint, '2026-06-20'::date), 'staff write off what is due, dated today by default');
SELECT is((SELECT n.id FROM api.write_off_invoice((SELECT id FROM inv WHERE name = 'open'), 'Handed over, not recoverable',
                                                  NULL, 'wo-1') n),
          (SELECT n.id FROM api.credit_notes n WHERE n.invoice_id = (SELECT id FROM inv WHERE name = 'open')),
          'a retry with the same request id answers the same note');
SELECT pg_temp.act_as_owner();
SELECT is((SELECT s.status || coalesce(' ' || s.suspension_reason, '') FROM kassa.services s
            WHERE s.id = 'aaaaaaaa-0000-4000-8000-00000000d001'), 'active',
          'a write-off that clears the overdue amount reconnects the service dunning suspended');
SELECT is((SELECT r.state FROM link, internal.resolve_payment_link(link.token) r), 'invalidated',
          'an open payment link of the invoice no longer asks for the money');
SELECT throws_ok($$SELECT internal.create_payment_links('aaaaaaaa-0000-4000-8000-00000000000a',
                     ARRAY[(SELECT id FROM inv WHERE name = 'open')], 'staff:tap')$$,
                 'P0H03', format('invoice %s is written off', (SELECT number FROM kassa.invoices JOIN inv USING (id) WHERE name = 'open')),
                 'and a written-off invoice gets no new link');
SELECT ok(EXISTS (SELECT FROM audit.log a WHERE a.table_name LIKE '%credit_notes' AND a.actor_sub = 'staff:tap' AND a.row_key ->> 'id' =
                    (SELECT n.id::text FROM kassa.credit_notes n WHERE n.invoice_id = (SELECT id FROM inv WHERE name = 'open'))),
          'the write-off is in the audit log, with who made it');

SELECT * FROM finish();
ROLLBACK;
