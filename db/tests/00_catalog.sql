-- Catalog rules that keep the API safe by construction. A new table, view or function that
-- breaks one fails the build.
BEGIN;
SELECT plan(12);

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
-- platform reference data (tables without tenant_id, such as currencies).
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
     AND NOT (c.oid = 'kassa.tenants'::regclass)
$$, 'every key of a tenant table includes tenant_id');

-- Ownership and creation rights: a security definer function runs with its owner's rights, so
-- the owner is kassa_owner (never a superuser), and no role a request or a job logs in as can
-- create an object (a table, a temp table, a function) that such a function might pick up.
SELECT is_empty($$
  SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname IN ('api', 'internal', 'kassa', 'audit') AND c.relkind IN ('r', 'p', 'v', 'S', 'm')
     AND c.relowner <> 'kassa_owner'::regrole
  UNION ALL
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname IN ('api', 'internal', 'kassa', 'audit') AND p.proowner <> 'kassa_owner'::regrole
  UNION ALL
  SELECT n.nspname FROM pg_namespace n
   WHERE n.nspname IN ('api', 'internal', 'kassa', 'audit') AND n.nspowner <> 'kassa_owner'::regrole
$$, 'every schema, table, view and function of Kassa belongs to kassa_owner');

SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
   WHERE p.prosecdef AND r.rolsuper AND p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
     AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
$$, 'no security definer function outside extensions is owned by a superuser');

SELECT ok(NOT (SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolcanlogin OR rolbypassrls
                 FROM pg_roles WHERE rolname = 'kassa_owner'),
          'kassa_owner is a plain NOLOGIN role: no superuser, CREATEROLE, CREATEDB or BYPASSRLS');

SELECT is_empty($$
  SELECT r.rolname || ' CREATE ON SCHEMA ' || n.nspname
    FROM pg_roles r CROSS JOIN pg_namespace n
   WHERE r.rolname IN ('authenticator', 'anon', 'customer', 'staff', 'kassa_worker')
     AND has_schema_privilege(r.oid, n.oid, 'CREATE')
  UNION ALL
  SELECT r.rolname || ' TEMPORARY ON DATABASE' FROM pg_roles r
   WHERE r.rolname IN ('authenticator', 'anon', 'customer', 'staff', 'kassa_worker')
     AND has_database_privilege(r.oid, current_database(), 'TEMPORARY')
$$, 'no API or worker role can create objects in any schema or temporary tables');

-- A security definer function runs as kassa_owner: it must not name pg_temp (where a caller
-- can plant a table or function of its own beforehand) nor any schema a caller can write to.
SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname IN ('api', 'internal', 'kassa', 'audit') AND p.prosecdef
     AND (p.prosrc ~* 'pg_temp|\mtemp(orary)?\s+table'
          OR EXISTS (SELECT FROM pg_namespace w
                      WHERE p.prosrc ~* ('\m' || w.nspname || '\.')
                        AND EXISTS (SELECT FROM pg_roles r
                                     WHERE r.rolname IN ('authenticator', 'anon', 'customer', 'staff', 'kassa_worker')
                                       AND has_schema_privilege(r.oid, w.oid, 'CREATE'))))
$$, 'no security definer function uses pg_temp, a temporary table, or a schema callers can write to');

SELECT * FROM finish();
ROLLBACK;
