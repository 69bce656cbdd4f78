-- The balance ledger: one posting function, idempotent per document, credit limit,
-- append-only, and the cached balance always equal to the sum of the entries.
BEGIN;
SELECT plan(20);
\ir helpers/two_tenants_ids.sql

SELECT is((SELECT balance_after FROM ids, internal.post_entry(ta, a1, 'top_up', 1000, 'test', 'top-1')),
          1000::bigint, 'a top-up posts with its running balance');
SELECT is((SELECT count(*) FROM ids, internal.post_entry(ta, a1, 'top_up', 1000, 'test', 'top-1')),
          0::bigint, 'posting the same document and kind again is a no-op');
SELECT is((SELECT balance FROM kassa.billing_accounts, ids WHERE tenant_id = ta AND customer_id = a1),
          1000::bigint, 'the repeat did not move the balance');
SELECT throws_ok($$SELECT internal.post_entry(ta, a1, 'top_up', 999, 'test', 'top-1') FROM ids$$,
                 'P0L05', 'test top-1 was already posted with another amount or customer',
                 'the same document with another amount is refused');
SELECT throws_ok($$SELECT internal.post_entry(ta, a1, 'adjustment', -1500, 'test', 'adj-1') FROM ids$$,
                 'P0L01', 'insufficient balance: the posting would take the balance to -500 (credit limit 0)',
                 'a debit below the credit limit is refused');
SELECT is((SELECT balance FROM kassa.billing_accounts, ids WHERE tenant_id = ta AND customer_id = a1),
          1000::bigint, 'the refused debit changed nothing');
UPDATE kassa.billing_accounts SET credit_limit = 500 FROM ids WHERE tenant_id = ta AND customer_id = a1;
SELECT is((SELECT balance_after FROM ids, internal.post_entry(ta, a1, 'adjustment', -1500, 'test', 'adj-1')),
          -500::bigint, 'within the credit limit the debit posts');
SELECT is((SELECT balance_after FROM ids, internal.post_entry(ta, a1, 'invoice', -10000, 'invoice', 'inv-x')),
          -10500::bigint, 'invoices may take the balance beyond the credit limit');

SELECT is((SELECT array_agg(balance_after ORDER BY id) FROM ids, internal.post_entries(jsonb_build_array(
             jsonb_build_object('tenant_id', ta, 'customer_id', a2, 'kind', 'top_up', 'amount', 300, 'source_type', 'test', 'source_id', 'm-1'),
             jsonb_build_object('tenant_id', ta, 'customer_id', a2, 'kind', 'bonus', 'amount', 50, 'source_type', 'test', 'source_id', 'm-1'),
             jsonb_build_object('tenant_id', tb, 'customer_id', b1, 'kind', 'top_up', 'amount', 700, 'source_type', 'test', 'source_id', 'm-1')))),
          ARRAY[300, 350, 700]::bigint[], 'one call posts for several accounts with running balances');
SELECT throws_ok($$SELECT internal.post_entries('[{"kind": "top_up", "amount": 1}]')$$, 'P0L02',
                 'ledger entry 1 is incomplete', 'an incomplete entry is refused');
SELECT throws_ok($$SELECT internal.post_entries(jsonb_build_array(jsonb_build_object('tenant_id', ta, 'customer_id', b1,
                   'kind', 'top_up', 'amount', 1, 'source_type', 'test', 'source_id', 'x'))) FROM ids$$, 'P0L03',
                 'ledger entry 1: no billing account for that customer in that tenant',
                 'a customer of another tenant has no account here');
SELECT throws_ok($$SELECT internal.post_entries(jsonb_build_array(jsonb_build_object('tenant_id', ta, 'customer_id', a1,
                   'kind', 'top_up', 'amount', 1, 'currency', 'EUR', 'source_type', 'test', 'source_id', 'x'))) FROM ids$$, 'P0L04',
                 'ledger entry 1 is in EUR, the account is in ZAR', 'a foreign currency is refused');
SELECT throws_ok($$SELECT internal.post_entry(ta, a1, 'top_up', 0, 'test', 'zero') FROM ids$$, '23514', NULL,
                 'a zero entry is refused by ledger_entries_amount_not_zero');

SELECT throws_ok($$UPDATE kassa.ledger_entries SET amount = 1$$, 'P0L06', 'ledger entries are append-only',
                 'entries cannot be updated');
SELECT throws_ok($$DELETE FROM kassa.ledger_entries$$, 'P0L06', 'ledger entries are append-only',
                 'entries cannot be deleted');
SELECT throws_ok($$TRUNCATE kassa.ledger_entries CASCADE$$, 'P0L06', 'ledger entries are append-only',
                 'entries cannot be truncated');

SELECT is_empty($$SELECT * FROM internal.ledger_mismatches()$$,
                'every cached balance equals the sum of its entries');
SELECT is((SELECT count(*) FROM kassa.billing_accounts a
            WHERE a.balance = (SELECT coalesce(sum(l.amount), 0) FROM kassa.ledger_entries l
                                WHERE l.tenant_id = a.tenant_id AND l.customer_id = a.customer_id)),
          (SELECT count(*) FROM kassa.billing_accounts), 'the same, counted independently of the health check');

SELECT pg_temp.act_as('customer', ta, a2) FROM ids;
SELECT is((SELECT array_agg(DISTINCT customer_id) FROM api.ledger_entries), ARRAY['aaaaaaaa-0000-4000-8000-0000000000a2'::uuid],
          'a customer sees only their own entries');
SELECT pg_temp.act_as('staff', tb) FROM ids;
SELECT is((SELECT array_agg(DISTINCT tenant_id) FROM api.ledger_entries), ARRAY['bbbbbbbb-0000-4000-8000-00000000000b'::uuid],
          'staff see only their tenant''s entries');
SELECT pg_temp.act_as_owner();

SELECT * FROM finish();
ROLLBACK;
