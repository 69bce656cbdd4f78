-- The audit log: one row per real change, changed columns only, the actor from the claims,
-- and no way to change or remove a row, not even for the owner.
BEGIN;
SELECT plan(18);
\ir helpers/two_tenants.sql

CREATE TEMP VIEW a1_log AS
  SELECT * FROM audit.log WHERE table_name = 'kassa.customers'
     AND row_key = '{"id": "aaaaaaaa-0000-4000-8000-0000000000a1"}' ORDER BY id;

SELECT results_eq($$SELECT operation, tenant_id, old_row IS NULL, new_row ->> 'name', new_row ->> 'account_number' IS NOT NULL FROM a1_log$$,
                  $$VALUES ('INSERT', 'aaaaaaaa-0000-4000-8000-00000000000a'::uuid, true, 'Alice A1', true)$$,
                  'an insert is logged once with the whole new row, its tenant and its key');
SELECT is((SELECT txid FROM a1_log), txid_current(), 'the row names the transaction');
SELECT results_eq('SELECT actor_sub, actor_role, db_user FROM a1_log',
                  $$VALUES (NULL::text, session_user::text COLLATE "default", session_user::text COLLATE "default")$$,
                  'without claims the actor is the database user');

-- An update by staff: only what changed, and who did it.
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
UPDATE api.customers SET phone = '+27 82 000 0009', name = 'Alice A1' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1';
SELECT pg_temp.act_as_owner();
SELECT results_eq($$SELECT operation, old_row, new_row FROM a1_log OFFSET 1$$,
                  $$VALUES ('UPDATE', '{"phone": "+27 82 000 0001"}'::jsonb, '{"phone": "+27 82 000 0009"}'::jsonb)$$,
                  'an update logs the changed columns only (the unchanged name is left out)');
SELECT results_eq($$SELECT actor_sub, actor_role FROM a1_log OFFSET 1$$, $$VALUES ('staff:tap', 'staff')$$,
                  'the actor comes from the JWT claims');

UPDATE kassa.customers SET phone = phone, name = name WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1';
SELECT is((SELECT count(*) FROM a1_log), 2::bigint, 'an update that changes nothing is not logged');

-- Customers are never deleted: the attempt fails and logs nothing.
SELECT throws_ok($$DELETE FROM kassa.customers WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 'P0C03', 'customers are never deleted', 'deleting a customer is refused');
SELECT is((SELECT count(*) FROM a1_log WHERE operation = 'DELETE'), 0::bigint, 'a refused delete leaves no audit row');

-- Tables that allow deletes log the whole old row.
DELETE FROM kassa.vat_rates WHERE tenant_id = 'bbbbbbbb-0000-4000-8000-00000000000b' AND category = 'standard';
SELECT results_eq($$SELECT tenant_id, row_key, old_row ->> 'rate', new_row FROM audit.log WHERE table_name = 'kassa.vat_rates' AND operation = 'DELETE'$$,
                  $$VALUES ('bbbbbbbb-0000-4000-8000-00000000000b'::uuid, '{"category": "standard"}'::jsonb, '19.00', NULL::jsonb)$$,
                  'a delete logs the old row');

-- Append-only, for everyone.
SELECT throws_ok('UPDATE audit.log SET actor_sub = ''forged''', 'P0A01', 'the audit log is append-only',
                 'the owner cannot update the audit log');
SELECT throws_ok('DELETE FROM audit.log', 'P0A01', 'the audit log is append-only', 'the owner cannot delete from the audit log');
SELECT throws_ok('TRUNCATE audit.log', 'P0A01', 'the audit log is append-only', 'the owner cannot truncate the audit log');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT throws_ok('UPDATE audit.log SET actor_sub = ''forged''', '42501', NULL, 'staff cannot update the audit log');
SELECT throws_ok('DELETE FROM api.audit_log', '42501', NULL, 'staff cannot delete through the API view');
SELECT ok((SELECT count(*) FROM api.audit_log) > 0, 'staff read their tenant''s log through api.audit_log');
SELECT is((SELECT count(*) FROM api.audit_log WHERE tenant_id <> 'aaaaaaaa-0000-4000-8000-00000000000a'), 0::bigint,
          'and nothing of another tenant');
SELECT pg_temp.act_as_owner();
SELECT is((SELECT count(*) FROM audit.log WHERE actor_sub = 'forged'), 0::bigint, 'no row was forged');
SELECT ok((SELECT count(*) FROM a1_log) = 2, 'no row was removed');

SELECT * FROM finish();
ROLLBACK;
