-- Facts that already happened elsewhere are recorded even past the credit limit: a refund or
-- chargeback the gateway has made must reach the ledger, or money would go missing.
BEGIN;
SELECT plan(5);
\ir helpers/two_tenants_ids.sql

SELECT is((SELECT balance_after FROM ids, internal.post_entries(jsonb_build_array(jsonb_build_object(
             'tenant_id', ta, 'customer_id', a1, 'kind', 'reversal', 'amount', -700, 'source_type', 'test',
             'source_id', 'chargeback-1', 'allow_overdraft', true)))),
          -700::bigint, 'an entry marked allow_overdraft posts below the credit limit');
SELECT throws_ok($$SELECT internal.post_entries(jsonb_build_array(jsonb_build_object(
                   'tenant_id', ta, 'customer_id', a2, 'kind', 'reversal', 'amount', -700, 'source_type', 'test',
                   'source_id', 'chargeback-2'))) FROM ids$$, 'P0L01', NULL,
                 'without the mark the same debit is refused');

-- A card top-up of 100.00, spent down to 10.00, then refunded in full at the gateway.
INSERT INTO kassa.payments (tenant_id, id, customer_id, provider, provider_ref, method, purpose, amount, currency)
SELECT ta, 'aaaaaaaa-0000-4000-8000-0000000000f1', a2, 'stripe', 'cs_overdraft_1', 'card', 'top_up', 10000, 'ZAR' FROM ids;
SELECT lives_ok($$SELECT internal.complete_payment(ta, 'aaaaaaaa-0000-4000-8000-0000000000f1', 10000, 'ZAR') FROM ids$$,
                'the top-up completes');
SELECT internal.post_entry(ta, a2, 'adjustment', -9000, 'test', 'spent') FROM ids;
SELECT lives_ok($$SELECT internal.refund_payment(ta, 'aaaaaaaa-0000-4000-8000-0000000000f1', 'refund', 10000,
                  're_gateway_1', 'refunded at Stripe') FROM ids$$,
                'a refund the gateway reports is recorded although the money was spent');
SELECT is((SELECT balance FROM kassa.billing_accounts, ids WHERE tenant_id = ta AND customer_id = a2),
          (SELECT coalesce(sum(amount), 0) FROM kassa.ledger_entries, ids WHERE tenant_id = ta AND customer_id = a2)::bigint,
          'the balance (now owed by the customer) still equals the sum of the entries');

SELECT * FROM finish();
ROLLBACK;
