-- One generic audit trigger for every business table, and the guard that keeps the log
-- append-only. Attach it with internal.audit_table('kassa.table').

-- Trigger arguments: the tenant column, then the key columns of the row.
CREATE OR REPLACE FUNCTION internal.audit_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  old_json jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
  new_json jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
  current  jsonb := coalesce(new_json, old_json);
  claims   json  := internal.jwt_claims();
  row_key  jsonb := '{}';
  i        int;
BEGIN
  FOR i IN 1 .. TG_NARGS - 1 LOOP
    row_key := row_key || jsonb_build_object(TG_ARGV[i], current -> TG_ARGV[i]);
  END LOOP;
  IF TG_OP = 'UPDATE' THEN
    -- Keep only what changed; an update that changed nothing is not worth a row.
    SELECT jsonb_object_agg(o.key, o.value), jsonb_object_agg(o.key, new_json -> o.key)
      INTO old_json, new_json
      FROM jsonb_each(old_json) o
     WHERE o.value IS DISTINCT FROM new_json -> o.key;
    IF old_json IS NULL THEN
      RETURN NULL;
    END IF;
  END IF;
  INSERT INTO audit.log (tenant_id, table_name, row_key, operation, old_row, new_row,
                         actor_sub, actor_role, db_user, txid)
  VALUES ((current ->> TG_ARGV[0])::uuid, TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, row_key, TG_OP,
          -- session_user: inside this security definer function current_user is its owner, not the job.
          old_json, new_json, claims ->> 'sub', coalesce(claims ->> 'role', session_user),
          session_user, txid_current());
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION internal.audit_table(tbl regclass, tenant_column text, VARIADIC key_columns text[])
RETURNS void LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  EXECUTE format('CREATE OR REPLACE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON %s '
                 'FOR EACH ROW EXECUTE FUNCTION internal.audit_row(%s)',
                 tbl, (SELECT string_agg(quote_literal(c), ', ') FROM unnest(tenant_column || key_columns) c));
END $$;

CREATE OR REPLACE FUNCTION internal.refuse_audit_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only' USING errcode = 'P0A01',
    hint = 'Audit rows can be read, never changed or removed.';
END $$;

CREATE OR REPLACE TRIGGER append_only BEFORE UPDATE OR DELETE ON audit.log
  FOR EACH ROW EXECUTE FUNCTION internal.refuse_audit_change();
CREATE OR REPLACE TRIGGER append_only_truncate BEFORE TRUNCATE ON audit.log
  FOR EACH STATEMENT EXECUTE FUNCTION internal.refuse_audit_change();

ALTER TABLE audit.log ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS "Staff read their tenant's audit log" ON audit.log;
CREATE POLICY "Staff read their tenant's audit log" ON audit.log FOR SELECT TO staff
  USING (tenant_id = (SELECT internal.jwt_tenant_id()));
REVOKE ALL ON audit.log FROM PUBLIC;
GRANT SELECT ON audit.log TO staff;

CREATE VIEW api.audit_log WITH (security_invoker = true) AS
  SELECT id, tenant_id, table_name, row_key, operation, old_row, new_row,
         actor_sub, actor_role, db_user, txid, at
    FROM audit.log;
GRANT SELECT ON api.audit_log TO staff;
