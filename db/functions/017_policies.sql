-- Row-level security policies from one declaration. Every policy of Kassa is one call of
-- internal.declare_policy with the rows it opens, written with one of the predicates below, so
-- the predicate's form (the one bench/postgrest_rls.py measured: the claim readers wrapped in a
-- sub-select, evaluated once per query) changes in one place. Run at deploy time by the owner.

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

-- (Re)creates one policy: the predicate guards the rows read (USING) and written (WITH CHECK)
-- as the command needs.
CREATE OR REPLACE FUNCTION internal.declare_policy(p_table regclass, p_name text, p_command text, p_roles text,
                                                   p_rows text)
RETURNS void LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  EXECUTE format('DROP POLICY IF EXISTS %I ON %s', p_name, p_table);
  EXECUTE format('CREATE POLICY %I ON %s FOR %s TO %s', p_name, p_table, p_command, p_roles)
       || CASE WHEN p_command <> 'INSERT' THEN format(' USING (%s)', p_rows) ELSE '' END
       || CASE WHEN p_command IN ('INSERT', 'UPDATE', 'ALL') THEN format(' WITH CHECK (%s)', p_rows) ELSE '' END;
END $$;
