-- Money that leaves the account after it settled invoices (refund, chargeback, debit) opens the
-- newest of them again; a credit adjustment settles them like a payment.
BEGIN;
SELECT plan(8);
\ir helpers/two_tenants_ids.sql

-- Two invoices of 100.00 (VAT-inclusive tenant A), both paid by one card payment of 200.00.
CREATE TEMP TABLE inv (n text, id uuid);
DO $$
DECLARE d date; n text; invoice uuid; t uuid := 'aaaaaaaa-0000-4000-8000-00000000000a'; c uuid := 'aaaaaaaa-0000-4000-8000-0000000000a1';
BEGIN
  FOREACH n IN ARRAY ARRAY['first', 'second'] LOOP
    d := CASE n WHEN 'first' THEN date '2026-03-01' ELSE date '2026-04-01' END;
    INSERT INTO kassa.invoices (tenant_id, customer_id, currency, prices_include_vat, notes)
    VALUES (t, c, 'ZAR', true, n) RETURNING id INTO invoice;
    INSERT INTO kassa.invoice_lines (tenant_id, invoice_id, description, unit_price, amount, vat_rate)
    VALUES (t, invoice, 'Fibre', 10000, 10000, 15);
    PERFORM internal.finalise_invoices(t, ARRAY[invoice], d);
    INSERT INTO pg_temp.inv VALUES (n, invoice);
  END LOOP;
END $$;
INSERT INTO kassa.payments (tenant_id, id, customer_id, provider, provider_ref, method, purpose, amount, currency)
SELECT ta, 'aaaaaaaa-0000-4000-8000-0000000000f2', a1, 'stripe', 'cs_dealloc_1', 'card', 'payment', 20000, 'ZAR' FROM ids;
SELECT internal.complete_payment(ta, 'aaaaaaaa-0000-4000-8000-0000000000f2', 20000, 'ZAR') FROM ids;
SELECT is((SELECT array_agg(status ORDER BY n) FROM kassa.invoices JOIN inv USING (id)), ARRAY['paid', 'paid'],
          'the payment settles both invoices');

SELECT internal.refund_payment(ta, 'aaaaaaaa-0000-4000-8000-0000000000f2', 'refund', 6000, 're_dealloc_1', 'partly refunded at Stripe') FROM ids;
SELECT is((SELECT array_agg((n, status, amount_paid, amount_due)::text ORDER BY n) FROM kassa.invoices JOIN inv USING (id)),
          ARRAY['(first,paid,10000,0)', '(second,overdue,4000,6000)'],
          'a refund opens the newest invoice again by the refunded amount');
SELECT is((SELECT sum(amount) FROM kassa.invoice_allocations a JOIN inv ON inv.id = a.invoice_id), 14000::numeric,
          'allocations (with the negative reversal) sum to what is still paid');

SELECT internal.refund_payment(ta, 'aaaaaaaa-0000-4000-8000-0000000000f2', 'dispute', 14000, 'dp_dealloc_1', 'chargeback') FROM ids;
SELECT is((SELECT array_agg((n, amount_paid, amount_due)::text ORDER BY n) FROM kassa.invoices JOIN inv USING (id)),
          ARRAY['(first,0,10000)', '(second,0,10000)'], 'a chargeback of the rest opens both');
SELECT is((SELECT balance FROM kassa.billing_accounts, ids WHERE tenant_id = ta AND customer_id = a1), -20000::bigint,
          'and the customer owes both invoices again');

-- Goodwill from staff settles the oldest invoice like a payment would.
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT lives_ok($$SELECT api.adjust_balance('aaaaaaaa-0000-4000-8000-0000000000a1', 10000, 'goodwill: waive March')$$,
                'staff credit the account');
SELECT pg_temp.act_as_owner();
SELECT is((SELECT array_agg((n, status, amount_due)::text ORDER BY n) FROM kassa.invoices JOIN inv USING (id)),
          ARRAY['(first,paid,0)', '(second,overdue,10000)'], 'the credit adjustment settles the oldest invoice');
SELECT is_empty($$SELECT * FROM internal.ledger_mismatches()$$, 'cached balances still equal the ledger');

SELECT * FROM finish();
ROLLBACK;
