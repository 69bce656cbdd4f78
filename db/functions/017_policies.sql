-- Row-level security policies and write grants from one declaration. Every policy of Kassa comes
-- from a call of internal.allow, which opens the same rows to some roles for some commands on
-- several tables, written with one of the predicates below, so the predicate's form (the one
-- bench/postgrest_rls.py measured: the claim readers wrapped in a sub-select, evaluated once per
-- query) changes in one place; every write grant of an api view is one call of
-- internal.grant_writes. Run at deploy time by the owner.

-- The rows of the caller's tenant (column: tenant_id, or id on kassa.tenants itself).
CREATE OR REPLACE FUNCTION internal.tenant_rows(p_column text DEFAULT 'tenant_id') RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT format('%I = (SELECT internal.jwt_tenant_id())', p_column)
$$;

-- The rows of the calling customer (column: customer_id, or id on kassa.customers itself).
CREATE OR REPLACE FUNCTION internal.own_rows(p_column text DEFAULT 'customer_id') RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT internal.tenant_rows() || format(' AND %I = (SELECT internal.jwt_customer_id())', p_column)
$$;

-- The rows whose parent (a row of p_parent, found by p_key) the caller may see: the parent's
-- own policies decide, so lines follow their document.
CREATE OR REPLACE FUNCTION internal.rows_of_visible(p_table regclass, p_parent regclass, p_key text) RETURNS text
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT format('EXISTS (SELECT FROM %s p WHERE p.tenant_id = %s.tenant_id AND p.id = %2$s.%I)',
                p_parent, (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = p_table), p_key)
$$;

-- Opens p_rows of each table to each role of p_roles ('customer, staff') for each command of
-- p_commands ('SELECT, INSERT', 'ALL'): row-level security on, and one policy per role and
-- command, named <role>_<command> (staff_select, customer_update), whose predicate guards the
-- rows read (USING) and written (WITH CHECK) as the command needs. A table holds one policy per
-- role and command, so any other policy of that command naming the role is dropped first: a
-- re-deploy leaves no policy of an earlier name or of an earlier role list behind (a policy for
-- several roles goes as a whole; every role of it is declared again by the same deploy).
CREATE OR REPLACE FUNCTION internal.allow(p_roles text, p_commands text, p_rows text, VARIADIC p_tables regclass[])
RETURNS void LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  v_table regclass;
  v_role text;
  v_command text;
  v_stale name;
BEGIN
  FOREACH v_table IN ARRAY p_tables LOOP
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', v_table);
    FOREACH v_role IN ARRAY regexp_split_to_array(trim(p_roles), '\s*,\s*') LOOP
      FOREACH v_command IN ARRAY regexp_split_to_array(upper(trim(p_commands)), '\s*,\s*') LOOP
        FOR v_stale IN
          SELECT p.polname FROM pg_catalog.pg_policy p
          WHERE p.polrelid = v_table AND v_role::regrole = ANY (p.polroles)
            AND p.polcmd = CASE v_command WHEN 'SELECT' THEN 'r' WHEN 'INSERT' THEN 'a' WHEN 'UPDATE' THEN 'w'
                                          WHEN 'DELETE' THEN 'd' WHEN 'ALL' THEN '*' END
        LOOP
          EXECUTE format('DROP POLICY %I ON %s', v_stale, v_table);
        END LOOP;
        EXECUTE format('CREATE POLICY %I ON %s FOR %s TO %I', lower(v_role || '_' || v_command), v_table, v_command, v_role)
             || CASE WHEN v_command <> 'INSERT' THEN format(' USING (%s)', p_rows) ELSE '' END
             || CASE WHEN v_command IN ('INSERT', 'UPDATE', 'ALL') THEN format(' WITH CHECK (%s)', p_rows) ELSE '' END;
      END LOOP;
    END LOOP;
  END LOOP;
END $$;

-- Writes through an api view: PostgreSQL checks a security_invoker view's privileges and its
-- base table's, as the caller, so both carry the same grant. One call grants both (e.g.
-- 'INSERT (name, email), UPDATE (email)'); db/tests/00_catalog.sql holds every api view's write
-- privileges equal to its base table's.
CREATE OR REPLACE FUNCTION internal.grant_writes(p_view regclass, p_base regclass, p_roles text, p_privileges text)
RETURNS void LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  EXECUTE format('GRANT %s ON %s TO %s', p_privileges, p_view, p_roles);
  EXECUTE format('GRANT %s ON %s TO %s', p_privileges, p_base, p_roles);
END $$;
