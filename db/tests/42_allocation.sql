-- Allocation: credit on the account settles open invoices oldest first, partially where it
-- runs out, exactly once, and the books still balance.
BEGIN;
SELECT plan(15);
\ir helpers/invoice_documents.sql
INSERT INTO kassa.vat_rates (tenant_id, category, rate) VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'zero', 0);
INSERT INTO kassa.customers (tenant_id, id, name, email)
VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-0000000000b2', 'Bernd B2', 'b2@example.com');

-- Zero-rated lines keep the arithmetic plain: total = net. Finalised out of date order (january in last year's series).
INSERT INTO inv SELECT 'march', pg_temp.issued(tb, b1, ARRAY[5000], '2026-03-01', ARRAY['zero']) FROM ids;
INSERT INTO inv SELECT 'january', pg_temp.issued(tb, b1, ARRAY[8000], '2025-12-15', ARRAY['zero']) FROM ids;
INSERT INTO inv SELECT 'april', pg_temp.issued(tb, b1, ARRAY[2000], '2026-04-01', ARRAY['zero']) FROM ids;

SELECT is_empty($$SELECT * FROM internal.allocate_credit('bbbbbbbb-0000-4000-8000-00000000000b',
                   ARRAY['bbbbbbbb-0000-4000-8000-0000000000b1'::uuid])$$, 'without credit nothing is allocated');
SELECT pg_temp.post(tb, b1, 'payment', 10000, 'pay-1') FROM ids;
SELECT is((SELECT array_agg((inv.name, a.amount)::text ORDER BY i.issued_on) FROM ids,
             internal.allocate_credit(tb, ARRAY[b1]) a JOIN inv ON inv.id = a.invoice_id
             JOIN kassa.invoices i ON i.id = a.invoice_id),
          ARRAY['(january,8000)', '(march,2000)'], 'a payment settles the oldest invoice first, then part of the next');
SELECT is((SELECT array_agg((name, status, amount_paid, amount_due)::text ORDER BY issued_on) FROM kassa.invoices JOIN inv USING (id)),
          ARRAY['(january,paid,8000,0)', '(march,partially_paid,2000,3000)', '(april,finalised,0,2000)'],
          'statuses and amounts follow');
SELECT is_empty($$SELECT * FROM internal.allocate_credit('bbbbbbbb-0000-4000-8000-00000000000b',
                   ARRAY['bbbbbbbb-0000-4000-8000-0000000000b1'::uuid])$$, 'allocating again finds nothing new');
SELECT is((SELECT balance FROM kassa.billing_accounts, ids WHERE tenant_id = tb AND customer_id = b1),
          -(SELECT sum(amount_due) FROM kassa.invoices JOIN inv USING (id))::bigint,
          'the balance is minus what is still due');

UPDATE kassa.invoices SET status = 'overdue' WHERE id = (SELECT id FROM inv WHERE name = 'march');
SELECT pg_temp.post(tb, b1, 'payment', 1000, 'pay-2') FROM ids;
SELECT is((SELECT amount FROM ids, internal.allocate_credit(tb, ARRAY[b1])), 1000::bigint, 'a further payment goes to the oldest open invoice');
SELECT is((SELECT (status, amount_due) FROM kassa.invoices JOIN inv USING (id) WHERE name = 'march'), ('overdue'::text, 2000::bigint),
          'an overdue invoice paid in part stays overdue');
SELECT pg_temp.post(tb, b1, 'payment', 4500, 'pay-3') FROM ids;
SELECT is((SELECT count(*)::int FROM ids, internal.allocate_credit(tb, ARRAY[b1])), 2, 'a larger payment reaches two invoices');
SELECT is((SELECT array_agg((name, status, amount_due)::text ORDER BY issued_on) FROM kassa.invoices JOIN inv USING (id)
            WHERE name IN ('march', 'april')), ARRAY['(march,paid,0)', '(april,paid,0)'],
          'paid in full it is paid; the surplus settles the next one');
SELECT is((SELECT balance FROM kassa.billing_accounts, ids WHERE tenant_id = tb AND customer_id = b1), 500::bigint,
          'what is left stays on the balance');
SELECT is((SELECT sum(amount) FROM kassa.invoice_allocations a JOIN inv ON inv.id = a.invoice_id WHERE inv.name = 'march'),
          5000::numeric, 'the allocations of an invoice sum to what was paid on it');

-- Credit already on the account is applied when the next invoice is finalised.
INSERT INTO inv SELECT 'may', pg_temp.issued(tb, b1, ARRAY[800], '2026-05-01', ARRAY['zero']) FROM ids;
SELECT is((SELECT (status, amount_paid, amount_due) FROM kassa.invoices JOIN inv USING (id) WHERE name = 'may'),
          ('partially_paid'::text, 500::bigint, 300::bigint), 'finalising applies the credit the customer holds');

-- Several customers at once, each with their own credit only.
SELECT pg_temp.post(tb, 'bbbbbbbb-0000-4000-8000-0000000000b2', 'top_up', 100, 'b2-top') FROM ids;
INSERT INTO inv SELECT 'b2', pg_temp.issued(tb, 'bbbbbbbb-0000-4000-8000-0000000000b2', ARRAY[700], '2026-05-01', ARRAY['zero']) FROM ids;
SELECT is((SELECT amount_paid FROM kassa.invoices JOIN inv USING (id) WHERE name = 'b2'), 100::bigint,
          'another customer''s credit settles only their invoice');
SELECT is_empty($$SELECT a.customer_id FROM kassa.billing_accounts a
                   WHERE a.balance + (SELECT coalesce(sum(i.amount_due), 0) FROM kassa.invoices i
                                       WHERE i.tenant_id = a.tenant_id AND i.customer_id = a.customer_id
                                         AND i.status IN ('finalised', 'partially_paid', 'overdue')) > 0
                     AND EXISTS (SELECT FROM kassa.invoices i WHERE i.tenant_id = a.tenant_id AND i.customer_id = a.customer_id
                                   AND i.status IN ('finalised', 'partially_paid', 'overdue'))$$,
                'no customer holds unapplied credit next to an open invoice');
SELECT is_empty($$SELECT * FROM internal.ledger_mismatches()$$, 'cached balances still equal the ledger');

SELECT * FROM finish();
ROLLBACK;
