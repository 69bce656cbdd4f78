-- Catalog rules that keep the API safe by construction. A new table, view or function that
-- breaks one fails the build.
BEGIN;
SELECT plan(7);

SELECT is_empty($$
  SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p') AND n.nspname IN ('kassa', 'audit') AND NOT c.relrowsecurity
$$, 'every table in kassa and audit has row-level security enabled');

SELECT is_empty($$
  SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'api' AND c.relkind = 'v'
     AND NOT coalesce(c.reloptions @> ARRAY['security_invoker=true'], false)
$$, 'every view in api is security_invoker');

SELECT is_empty($$
  SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'api' AND c.relkind NOT IN ('v')
$$, 'api holds views only (no tables, sequences or materialised data)');

SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname IN ('api', 'internal', 'kassa', 'audit')
     AND (p.proacl IS NULL OR EXISTS (SELECT FROM aclexplode(p.proacl) a
                                       WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE'))
$$, 'no function of ours is executable by PUBLIC');

-- Who may run what: anon only the request check; API roles what each domain file grants.
SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname IN ('api', 'internal')
     AND has_function_privilege('anon', p.oid, 'EXECUTE')
     AND p.proname NOT IN ('check_request', 'jwt_claims', 'jwt_tenant_id', 'jwt_customer_id')
$$, 'anon can execute nothing but the request check and its claim readers');

SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname = 'internal' AND p.prosecdef
     AND NOT EXISTS (SELECT FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')
$$, 'every security definer function pins its search_path');

-- Tenant isolation by construction (and ready for Citus): in a table with tenant_id, every
-- primary key, unique key and foreign key includes tenant_id, except foreign keys to
-- platform reference data (tables without tenant_id, such as currencies) and the job log,
-- platform data that names the tenant of a per-tenant run (it stays on the coordinator).
SELECT is_empty($$
  SELECT con.conrelid::regclass || ' ' || con.conname
    FROM pg_constraint con
    JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname IN ('kassa', 'audit') AND con.contype IN ('p', 'u', 'f')
     AND EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id')
     AND NOT EXISTS (SELECT FROM unnest(con.conkey) k JOIN pg_attribute a
                       ON a.attrelid = c.oid AND a.attnum = k WHERE a.attname = 'tenant_id')
     AND NOT (con.contype = 'f' AND NOT EXISTS (
                SELECT FROM pg_attribute a WHERE a.attrelid = con.confrelid AND a.attname IN ('tenant_id')
              ) AND con.confrelid <> 'kassa.tenants'::regclass)
     AND c.oid NOT IN ('kassa.tenants'::regclass, 'kassa.job_runs'::regclass)
$$, 'every key of a tenant table includes tenant_id');

SELECT * FROM finish();
ROLLBACK;
