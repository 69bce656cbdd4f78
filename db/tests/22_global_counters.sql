-- No global counter reaches the API: a tenant must not be able to count the platform's activity
-- between two of its own rows. The ledger numbers each customer's entries 1, 2, 3 … (gapless,
-- in posting order); every id the API shows is a uuid; the audit log groups a transaction by a
-- uuid, not by the txid. The catalog half fails the build when a new api view or function
-- shows a column a sequence or the txid fills.
BEGIN;
SELECT plan(21);
\ir helpers/invoices.sql
\ir helpers/two_tenants_ids.sql

CREATE FUNCTION pg_temp.entry_numbers(p_tenant uuid, p_customer uuid) RETURNS bigint[] LANGUAGE sql AS $$
  SELECT coalesce(array_agg(l.entry_no ORDER BY l.id), '{}') FROM kassa.ledger_entries l
   WHERE l.tenant_id = p_tenant AND l.customer_id = p_customer
$$;

-- Postings of three customers of two tenants, interleaved.
SELECT internal.post_entry(ta, a1, 'top_up', 1000, 'test', 'a1-1') FROM ids;
SELECT internal.post_entry(tb, b1, 'top_up', 500, 'test', 'b1-1') FROM ids;
SELECT internal.post_entries(jsonb_build_array(
         jsonb_build_object('tenant_id', ta, 'customer_id', a1, 'kind', 'top_up', 'amount', 300, 'source_type', 'test', 'source_id', 'm-1'),
         jsonb_build_object('tenant_id', ta, 'customer_id', a2, 'kind', 'top_up', 'amount', 200, 'source_type', 'test', 'source_id', 'm-2'),
         jsonb_build_object('tenant_id', ta, 'customer_id', a1, 'kind', 'bonus', 'amount', 30, 'source_type', 'test', 'source_id', 'm-1')))
  FROM ids;
SELECT internal.post_entry(tb, b1, 'top_up', 500, 'test', 'b1-2') FROM ids;

SELECT is((SELECT pg_temp.entry_numbers(ta, a1) FROM ids), ARRAY[1, 2, 3]::bigint[],
          'a customer''s entries are numbered 1, 2, 3 in posting order, whatever others post meanwhile');
SELECT is((SELECT pg_temp.entry_numbers(ta, a2) FROM ids), ARRAY[1]::bigint[], 'another customer of the tenant starts at 1');
SELECT is((SELECT pg_temp.entry_numbers(tb, b1) FROM ids), ARRAY[1, 2]::bigint[], 'a customer of another tenant too');
SELECT is((SELECT array_agg(kind ORDER BY entry_no) FROM kassa.ledger_entries, ids WHERE tenant_id = ta AND customer_id = a1),
          ARRAY['top_up', 'top_up', 'bonus'], 'entries of one posting are numbered in the order given');

-- Neither a repeated posting nor a refused one uses up a number.
SELECT internal.post_entry(ta, a1, 'top_up', 1000, 'test', 'a1-1') FROM ids;
SELECT throws_ok($$SELECT internal.post_entry(ta, a1, 'adjustment', -99999, 'test', 'too-much') FROM ids$$, 'P0L01', NULL,
                 'a debit beyond the credit limit is refused');
SELECT internal.post_entry(ta, a1, 'adjustment', -100, 'test', 'a1-2') FROM ids;
SELECT is((SELECT pg_temp.entry_numbers(ta, a1) FROM ids), ARRAY[1, 2, 3, 4]::bigint[],
          'after a no-op repeat and a refused debit the next entry is number 4: no gap');
SELECT is((SELECT balance_after FROM kassa.ledger_entries, ids WHERE tenant_id = ta AND customer_id = a1 AND entry_no = 4),
          (SELECT balance FROM kassa.billing_accounts, ids WHERE tenant_id = ta AND customer_id = a1),
          'the highest number is the latest entry: its balance_after is the balance');
SELECT throws_ok($$INSERT INTO kassa.ledger_entries (tenant_id, customer_id, entry_no, kind, amount, currency, balance_after,
                                                     source_type, source_id)
                   SELECT ta, a1, 2, 'adjustment', 1, 'ZAR', 1, 'test', 'twice' FROM ids$$, '23505', NULL,
                 'a number is taken once per customer (ledger_entries_entry_no_per_customer)');

-- What the API shows: uuids and the entry numbers.
SELECT pg_temp.act_as('customer', ta, a1) FROM ids;
SELECT results_eq($$SELECT entry_no FROM api.ledger_entries ORDER BY entry_no$$, $$VALUES (1::bigint), (2), (3), (4)$$,
                  'api.ledger_entries shows the customer''s entry numbers');
SELECT is((SELECT count(*)::int FROM api.ledger_entries a JOIN kassa.ledger_entries l ON l.public_id = a.id), 4,
          'its id is the entry''s uuid, not the global bigint');
SELECT results_eq($$SELECT entry_id, entry_no, amount FROM api.statement('aaaaaaaa-0000-4000-8000-0000000000a1') WHERE kind NOT LIKE '%_balance'$$,
                  $$SELECT id, entry_no, amount FROM api.ledger_entries ORDER BY entry_no$$,
                  'the statement lists the entries by entry number, entry_id being the ledger''s id');
SELECT pg_temp.act_as_owner();

-- The audit log: a uuid per transaction instead of the txid, the same for all its rows (that
-- the next transaction gets another: tests/test_global_counters.py, over HTTP).
UPDATE kassa.customers SET phone = '+27 82 000 0007' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1';
UPDATE kassa.customers SET phone = '+27 82 000 0008' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a2';
SELECT is((SELECT count(DISTINCT transaction_id)::int FROM audit.log WHERE txid = txid_current()), 1,
          'every audit row of a transaction carries the same transaction_id');
SELECT hasnt_column('api', 'audit_log', 'txid', 'api.audit_log does not show the txid');
SELECT col_type_is('api', 'audit_log', 'transaction_id', 'uuid', 'it shows the transaction''s uuid');

-- Allocations are audited under their uuid, without the bigint id.
SELECT pg_temp.issued(ta, a1, ARRAY[500]) FROM ids;
SELECT internal.allocate_credit(ta, ARRAY[a1]) FROM ids;
SELECT is((SELECT count(*)::int FROM kassa.invoice_allocations, ids WHERE tenant_id = ta), 1,
          'the balance settled the invoice: one allocation');
SELECT set_eq($$SELECT l.row_key, l.new_row ? 'id' FROM audit.log l
                WHERE l.table_name = 'kassa.invoice_allocations' AND l.tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'$$,
              $$SELECT jsonb_build_object('public_id', a.public_id), false FROM kassa.invoice_allocations a
                 WHERE a.tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'$$,
                  'an allocation is logged under its uuid and without its bigint id');

-- The catalog. Global sources: identity and serial columns of kassa and audit, and the columns
-- the txid fills (audit.log.txid; the next test keeps that list complete).
CREATE TEMP VIEW global_columns AS
  SELECT c.oid AS relid, a.attname::text AS column_name, n.nspname || '.' || c.relname || '.' || a.attname AS name
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE n.nspname IN ('kassa', 'audit') AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
     AND (a.attidentity <> '' OR pg_get_expr(d.adbin, d.adrelid) LIKE '%nextval(%'
          OR (c.oid, a.attname) = ('audit.log'::regclass, 'txid'));

SELECT is((SELECT array_agg(p.oid::regprocedure::text ORDER BY p.oid::regprocedure::text) FROM pg_proc p
            WHERE p.pronamespace IN ('api'::regnamespace, 'internal'::regnamespace, 'kassa'::regnamespace, 'audit'::regnamespace)
              AND p.prosrc ~* '(txid_current|pg_current_xact_id|nextval)\s*\('),
          ARRAY['internal.audit_inserted_or_deleted()', 'internal.audit_updated()'],
          'only the audit triggers read the txid (into audit.log.txid) and no function calls nextval');

-- Every column an api view reads (its rewrite rule's dependencies), through any non-api views
-- in between (api views are checked themselves), back to the tables.
SELECT is_empty($$
  WITH RECURSIVE column_reads(view_oid, relid, attnum) AS (
    SELECT r.ev_class, d.refobjid, d.refobjsubid
      FROM pg_rewrite r JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
       AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND d.refobjid <> r.ev_class
  ), reads(view_oid, relid, attnum) AS (
    SELECT c.view_oid, c.relid, c.attnum FROM column_reads c JOIN pg_class v ON v.oid = c.view_oid
     WHERE v.relnamespace = 'api'::regnamespace
    UNION
    SELECT r.view_oid, c.relid, c.attnum
      FROM reads r JOIN pg_class v ON v.oid = r.relid AND v.relkind = 'v' AND v.relnamespace <> 'api'::regnamespace
      JOIN column_reads c ON c.view_oid = v.oid
  )
  SELECT r.view_oid::regclass::text || ' reads ' || g.name
    FROM reads r JOIN pg_attribute a ON a.attrelid = r.relid AND a.attnum = r.attnum
    JOIN global_columns g ON g.relid = r.relid AND g.column_name = a.attname
$$, 'no api view reads a column a sequence or the txid fills');

SELECT is_empty($$
  SELECT p.oid::regprocedure::text || ' returns ' || g.name
    FROM pg_proc p JOIN pg_type t ON t.oid = p.prorettype JOIN global_columns g ON g.relid = t.typrelid
   WHERE p.pronamespace = 'api'::regnamespace
$$, 'no api function returns the row of a table with such a column');

-- Functions are opaque to the catalog: an integer id an api function answers (a result, an
-- OUT or TABLE column named id or *_id) can only come from a counter. Their uuids are tested
-- above (the statement) and by the callers' tests.
SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc p
   WHERE p.pronamespace = 'api'::regnamespace
     AND (p.prorettype IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)
          OR EXISTS (SELECT FROM unnest(p.proallargtypes, p.proargmodes, p.proargnames) AS o(type, mode, name)
                      WHERE o.mode IN ('o', 't', 'b') AND (o.name = 'id' OR o.name LIKE '%\_id')
                        AND o.type IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)))
$$, 'no api function answers an integer id');

-- The audit log copies whole rows into row_key, old_row and new_row (shown by api.audit_log):
-- an audited table with such a column keeps it out of the log ('!column', see audit_table).
SELECT is_empty($$
  SELECT g.name FROM global_columns g JOIN pg_trigger tr ON tr.tgrelid = g.relid AND tr.tgname = 'audit_insert'
   WHERE NOT ('!' || g.column_name) = ANY (string_to_array(encode(tr.tgargs, 'escape'), '\000'))
$$, 'every audited table keeps its counter columns out of the log');

SELECT * FROM finish();
ROLLBACK;
