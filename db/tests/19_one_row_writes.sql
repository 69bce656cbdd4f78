-- Writes through the api views change one row, named by its key (db/functions/018_one_row_writes.sql):
-- every view an API role may update or delete carries the guard, a statement that reaches a
-- second row is refused and changes nothing, a keyed write still works with the base table's
-- grants, row-level security, triggers and audit.
BEGIN;
SELECT plan(23);
\ir helpers/two_tenants.sql

-- The views an API role may change, and the guard each carries (trigger type bits: 1 row,
-- 2 before, 8 delete, 16 update, 64 instead of).
CREATE TEMP VIEW writable_views AS
  SELECT c.oid AS view, c.relname
    FROM pg_class c
   WHERE c.relnamespace = 'api'::regnamespace
     AND EXISTS (SELECT FROM unnest(ARRAY['anon', 'customer', 'staff']) r
                  WHERE has_table_privilege(r, c.oid, 'DELETE') OR has_any_column_privilege(r, c.oid, 'UPDATE'));
CREATE TEMP VIEW row_writers AS
  SELECT t.tgrelid AS view, t.tgargs
    FROM pg_trigger t
   WHERE t.tgfoid = 'internal.write_one_row'::regproc AND t.tgtype & (1 | 8 | 16 | 64) = (1 | 8 | 16 | 64);

SELECT ok((SELECT count(*) FROM writable_views) >= 11, 'the API roles may change rows of several views (the check below is not vacuous)');
SELECT is_empty($$
  SELECT relname FROM writable_views w WHERE NOT EXISTS (SELECT FROM row_writers r WHERE r.view = w.view)$$,
  'every view an API role may update or delete writes through internal.write_one_row (INSTEAD OF UPDATE OR DELETE)');
SELECT is_empty($$
  SELECT relname FROM writable_views w
   WHERE NOT EXISTS (SELECT FROM pg_trigger t WHERE t.tgrelid = w.view AND t.tgfoid = 'internal.start_row_count'::regproc
                        AND t.tgtype & (1 | 2 | 8 | 16) = (2 | 8 | 16))$$,
  'every such view starts the row count before each UPDATE or DELETE statement');
SELECT is_empty($$
  SELECT w.relname || ': ' || k.view_column
    FROM writable_views w JOIN row_writers r ON r.view = w.view
   CROSS JOIN LATERAL (SELECT (string_to_array(encode(r.tgargs, 'escape'), '\000'))[1:2] AS args) a
   CROSS JOIN LATERAL internal.view_key(a.args[1]::regclass, a.args[2]::jsonb) k
   WHERE NOT EXISTS (SELECT FROM pg_attribute v WHERE v.attrelid = w.view AND v.attname = k.view_column)$$,
  'every column of each base table''s primary key is a column of its view (the write finds its row)');
SELECT is_empty($$
  SELECT w.relname FROM writable_views w JOIN row_writers r ON r.view = w.view
   WHERE NOT EXISTS (SELECT FROM internal.view_key((string_to_array(encode(r.tgargs, 'escape'), '\000'))[1]::regclass,
                                                   (string_to_array(encode(r.tgargs, 'escape'), '\000'))[2]::jsonb))$$,
  'every base table written by key has a primary key');

INSERT INTO kassa.bonus_tiers (tenant_id, min_amount, percent)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 10000, 5), ('aaaaaaaa-0000-4000-8000-00000000000a', 50000, 10),
       ('bbbbbbbb-0000-4000-8000-00000000000b', 10000, 3);
CREATE TEMP TABLE before_customers AS SELECT * FROM kassa.customers;
CREATE TEMP TABLE before_tiers AS SELECT * FROM kassa.bonus_tiers;

SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT throws_ok($$UPDATE api.customers SET name = 'Everybody'$$, 'P0U01',
  'a write must name one row by its key: this UPDATE on customers reached more than one row',
  'an UPDATE without a filter is refused');
SELECT throws_ok($$UPDATE api.customers SET name = 'Both'
                    WHERE id IN ('aaaaaaaa-0000-4000-8000-0000000000a1', 'aaaaaaaa-0000-4000-8000-0000000000a2')$$,
  'P0U01', NULL, 'an UPDATE whose filter matches two rows is refused');
SELECT throws_ok('DELETE FROM api.bonus_tiers', 'P0U01',
  'a write must name one row by its key: this DELETE on bonus_tiers reached more than one row',
  'a DELETE without a filter is refused');
SELECT throws_ok('DELETE FROM api.bonus_tiers WHERE percent > 0', 'P0U01', NULL, 'a DELETE whose filter matches two rows is refused');
SELECT pg_temp.act_as_owner();
SELECT set_eq('SELECT * FROM kassa.customers', 'SELECT * FROM before_customers', 'the refused updates changed no customer');
SELECT set_eq('SELECT * FROM kassa.bonus_tiers', 'SELECT * FROM before_tiers', 'the refused deletes removed no bonus tier');

SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT results_eq($$UPDATE api.customers SET name = 'Alice Renamed' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'
                    RETURNING name, account_number IS NOT NULL, balance$$,
  $$VALUES ('Alice Renamed', true, 0::bigint)$$,
  'an UPDATE by id changes that row and returns it as the view shows it (computed columns too)');
SELECT results_eq($$UPDATE api.customers SET name = 'Alice Renamed' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1' RETURNING name$$,
  $$VALUES ('Alice Renamed')$$, 'an UPDATE that changes nothing still returns its row');
SELECT throws_ok($$UPDATE api.customers SET status = 'closed' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a2'$$, 'P0C06', NULL,
  'the base table''s triggers still apply (closing goes through its RPC)');
SELECT throws_ok($$UPDATE api.customers SET account_number = 'X' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a2'$$, '42501', NULL,
  'the column grants still apply');
SELECT is_empty($$UPDATE api.customers SET name = 'Hijacked' WHERE id = 'bbbbbbbb-0000-4000-8000-0000000000b1' RETURNING id$$,
  'row-level security still applies: another tenant''s customer is not reached');
SELECT results_eq($$UPDATE api.billing_settings SET invoice_lead_days = 4 WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'
                    RETURNING tenant_id, invoice_lead_days$$,
  $$VALUES ('aaaaaaaa-0000-4000-8000-00000000000a'::uuid, 4)$$,
  'a view that renames its key (billing_settings.tenant_id is tenants.id) writes its row');
SELECT results_eq($$UPDATE api.bonus_tiers SET min_amount = 20000 WHERE min_amount = 10000 RETURNING min_amount, percent$$,
  $$VALUES (20000::bigint, 5.00::numeric)$$, 'an UPDATE of a key column returns the row under its new key');
SELECT results_eq($$DELETE FROM api.bonus_tiers WHERE min_amount = 50000 RETURNING min_amount$$,
  $$VALUES (50000::bigint)$$, 'a DELETE by key removes that row');
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2');
SELECT lives_ok($$UPDATE api.customers SET phone = '+27 82 555 0002' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a2'$$,
  'a customer updates their own contact data by id');
SELECT pg_temp.act_as_owner();

SELECT results_eq($$SELECT id, name, phone FROM kassa.customers WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a' ORDER BY id$$,
  $$VALUES ('aaaaaaaa-0000-4000-8000-0000000000a1'::uuid, 'Alice Renamed', '+27 82 000 0001'),
           ('aaaaaaaa-0000-4000-8000-0000000000a2'::uuid, 'Andile A2', '+27 82 555 0002')$$,
  'exactly the rows named were written');
SELECT results_eq($$SELECT min_amount FROM kassa.bonus_tiers WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'$$,
  $$VALUES (20000::bigint)$$, 'the tier was re-keyed, the other deleted');
SELECT results_eq($$SELECT operation, new_row ->> 'name', actor_role FROM audit.log
                     WHERE table_name = 'kassa.customers' AND row_key ->> 'id' = 'aaaaaaaa-0000-4000-8000-0000000000a1'
                       AND operation = 'UPDATE'$$,
  $$VALUES ('UPDATE', 'Alice Renamed', 'staff')$$, 'the keyed write is audited once, with the caller''s role');

SELECT * FROM finish();
ROLLBACK;
