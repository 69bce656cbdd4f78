-- Statements: opening balance, every entry of the period, closing balance, in the tenant's
-- calendar, for staff and for the customer themselves only.
BEGIN;
SELECT plan(12);
CREATE TEMP TABLE ids AS SELECT 'bbbbbbbb-0000-4000-8000-00000000000b'::uuid AS tb,
  'bbbbbbbb-0000-4000-8000-0000000000b1'::uuid AS b1, 'aaaaaaaa-0000-4000-8000-00000000000a'::uuid AS ta;
\ir helpers/invoices.sql
\ir helpers/two_tenants.sql

-- Entries on known dates: the ledger stamps now(), so the arrangement moves the stamps
-- (the append-only guard is lifted inside this rolled-back transaction only).
SELECT pg_temp.post(tb, b1, 'top_up', 5000, 'feb') FROM ids;
SELECT pg_temp.post(tb, b1, 'payment', 3000, 'mar-1') FROM ids;
SELECT pg_temp.post(tb, b1, 'bonus', 200, 'mar-2') FROM ids;
SELECT pg_temp.post(tb, b1, 'top_up', 1000, 'apr') FROM ids;
ALTER TABLE kassa.ledger_entries DISABLE TRIGGER append_only;
UPDATE kassa.ledger_entries SET created_at = CASE source_id
  WHEN 'feb' THEN '2026-02-28 22:30:00+00'    -- 23:30 in Berlin: still February
  WHEN 'mar-1' THEN '2026-02-28 23:30:00+00'  -- 00:30 in Berlin: March 1
  WHEN 'mar-2' THEN '2026-03-31 12:00:00+00'
  ELSE '2026-04-01 08:00:00+00' END::timestamptz
 WHERE customer_id = 'bbbbbbbb-0000-4000-8000-0000000000b1';
ALTER TABLE kassa.ledger_entries ENABLE TRIGGER append_only;

SELECT is((SELECT array_agg((kind, posted_on, opening_balance, amount, balance)::text)
             FROM ids, internal.statement(tb, b1, '2026-03-01', '2026-03-31')),
          ARRAY['(opening_balance,2026-03-01,5000,,5000)', '(payment,2026-03-01,5000,3000,8000)',
                '(bonus,2026-03-31,8000,200,8200)', '(closing_balance,2026-03-31,5000,3200,8200)'],
          'opening balance, the period''s entries with running balances, closing balance');
SELECT is((SELECT balance FROM ids, internal.statement(tb, b1, NULL, '2026-12-31') WHERE kind = 'closing_balance'),
          (SELECT balance FROM kassa.billing_accounts, ids WHERE tenant_id = tb AND customer_id = b1),
          'the closing balance of everything so far is the account balance');
SELECT is((SELECT array_agg(kind) FROM ids, internal.statement(tb, b1, '2026-05-01', '2026-05-31')),
          ARRAY['opening_balance', 'closing_balance'], 'a quiet period has only its two balances');
SELECT is((SELECT balance FROM ids, internal.statement(tb, b1, '2026-05-01', '2026-05-31') WHERE kind = 'opening_balance'),
          9200::bigint, 'carried over from before the period');

SELECT pg_temp.act_as('staff', tb) FROM ids;
SELECT is((SELECT count(*)::int FROM api.statement('bbbbbbbb-0000-4000-8000-0000000000b1', '2026-03-01', '2026-03-31')), 4,
          'staff get the statement of their tenant''s customer');
SELECT throws_ok($$SELECT * FROM api.statement('bbbbbbbb-0000-4000-8000-0000000000b1', '2026-04-01', '2026-03-01')$$,
                 'P0G02', 'the period 2026-04-01 to 2026-03-01 is empty', 'a period ending before it starts is refused');
SELECT is((SELECT array_agg(amount ORDER BY entry_no) FROM api.statement_lines
            WHERE customer_id = 'bbbbbbbb-0000-4000-8000-0000000000b1' AND posted_on BETWEEN '2026-03-01' AND '2026-03-31'),
          ARRAY[3000, 200]::bigint[], 'the view lists the same entries by posted_on');
SELECT pg_temp.act_as('staff', ta) FROM ids;
SELECT throws_ok($$SELECT * FROM api.statement('bbbbbbbb-0000-4000-8000-0000000000b1', '2026-03-01', '2026-03-31')$$,
                 'P0G01', 'customer bbbbbbbb-0000-4000-8000-0000000000b1 not found', 'staff of another tenant get nothing');
SELECT is((SELECT count(*)::int FROM api.statement_lines WHERE customer_id = 'bbbbbbbb-0000-4000-8000-0000000000b1'), 0,
          'nor through the view');

SELECT pg_temp.act_as('customer', tb, b1) FROM ids;
SELECT is((SELECT balance FROM api.statement('bbbbbbbb-0000-4000-8000-0000000000b1', '2026-03-01', '2026-03-31')
            WHERE kind = 'closing_balance'), 8200::bigint, 'a customer gets their own statement');
SELECT pg_temp.act_as('customer', ta, 'aaaaaaaa-0000-4000-8000-0000000000a1') FROM ids;
SELECT throws_ok($$SELECT * FROM api.statement('aaaaaaaa-0000-4000-8000-0000000000a2', '2026-03-01', '2026-03-31')$$,
                 'P0G01', NULL, 'but not another customer''s');
SELECT is((SELECT count(*)::int FROM api.statement_lines WHERE customer_id <> 'aaaaaaaa-0000-4000-8000-0000000000a1'), 0,
          'and the view shows them only their own lines');
SELECT pg_temp.act_as_owner();

SELECT * FROM finish();
ROLLBACK;
