-- Writes through the API change one row, named by its key. PostgREST 12 turns `PATCH /customers`
-- without a filter into an UPDATE of every row the caller can see, and this PostgreSQL has no
-- pg-safeupdate. So every api view that takes an UPDATE or DELETE does it through an INSTEAD OF
-- trigger that counts the statement's rows and writes the base row by its primary key (a
-- single-row, single-tenant statement, as Citus wants it); a statement that reaches a second row
-- is refused (P0U01) and, being one statement, changes nothing. Inserts stay plain: they name
-- their rows. Attach with internal.write_by_key(view, base table[, view column -> base column]);
-- db/tests/19_one_row_writes.sql checks that every view an API role may change carries it.

-- BEFORE STATEMENT: this statement has written no row yet (the count lives for one statement).
CREATE OR REPLACE FUNCTION internal.start_row_count() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  PERFORM pg_catalog.set_config('kassa.view_rows_written', '0', true);
  RETURN NULL;
END $$;

-- A base row as the view's row would name it (renamed: view column -> base column).
CREATE OR REPLACE FUNCTION internal.as_base_row(view_row jsonb, renamed jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT coalesce(pg_catalog.jsonb_object_agg(coalesce(renamed ->> e.key, e.key), e.value), '{}')
    FROM pg_catalog.jsonb_each(view_row) e
$$;

-- The base table's primary key, each column with its name in the view.
CREATE OR REPLACE FUNCTION internal.view_key(base regclass, renamed jsonb)
RETURNS TABLE (base_column text, view_column text)
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT a.attname, coalesce((SELECT r.key FROM pg_catalog.jsonb_each_text(renamed) r WHERE r.value = a.attname), a.attname)
    FROM pg_catalog.pg_constraint k
    JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)
   WHERE k.conrelid = base AND k.contype = 'p'
$$;

-- INSTEAD OF UPDATE OR DELETE, FOR EACH ROW; arguments: the base table, the renamed columns.
-- Runs as the caller, so the base table's column grants, row-level security and triggers
-- (audit included) apply exactly as they did to the plain view.
CREATE OR REPLACE FUNCTION internal.write_one_row() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  base constant regclass := TG_ARGV[0]::regclass;
  renamed constant jsonb := TG_ARGV[1]::jsonb;
  old_row constant jsonb := internal.as_base_row(pg_catalog.to_jsonb(OLD), renamed);
  old_key text;  -- "b.tenant_id = '…' AND b.id = '…'"
  new_row jsonb;
  changes text;
  written jsonb;
  written_key text;
  shown record;
BEGIN
  IF current_setting('kassa.view_rows_written', true) IS DISTINCT FROM '0' THEN
    PERFORM internal.raise_error('P0U01',
      pg_catalog.format('a write must name one row by its key: this %s on %s reached more than one row',
                        TG_OP, TG_TABLE_NAME),
      -- The key without tenant_id, which the token gives (unless the key is the tenant).
      hint => (SELECT 'Filter on the key: ?' || coalesce(
                        pg_catalog.string_agg(pg_catalog.format('%s=eq.<%1$s>', k.view_column), '&')
                          FILTER (WHERE k.view_column <> 'tenant_id'),
                        pg_catalog.string_agg(pg_catalog.format('%s=eq.<%1$s>', k.view_column), '&'))
                 FROM internal.view_key(base, renamed) k));
  END IF;
  PERFORM pg_catalog.set_config('kassa.view_rows_written', '1', true);
  SELECT pg_catalog.string_agg(pg_catalog.format('b.%I = %L', k.base_column, old_row ->> k.base_column), ' AND ')
    INTO old_key FROM internal.view_key(base, renamed) k;

  IF TG_OP = 'DELETE' THEN
    EXECUTE pg_catalog.format('DELETE FROM %s AS b WHERE %s RETURNING pg_catalog.to_jsonb(b)', base, old_key)
      INTO written;
    RETURN CASE WHEN written IS NOT NULL THEN OLD END;
  END IF;

  -- Only the columns whose value changes are written, so the base table's column grants and
  -- its UPDATE OF triggers see the same columns as before (a column the view computes, such as
  -- a balance, cannot change: no API role holds UPDATE on it).
  new_row := internal.as_base_row(pg_catalog.to_jsonb(NEW), renamed);
  SELECT pg_catalog.string_agg(pg_catalog.format('%I = n.%1$I', a.attname), ', ') INTO changes
    FROM pg_catalog.pg_attribute a
   WHERE a.attrelid = base AND a.attnum > 0 AND NOT a.attisdropped AND new_row ? a.attname
     AND new_row -> a.attname IS DISTINCT FROM old_row -> a.attname;
  IF changes IS NULL THEN
    written := old_row;
  ELSE
    EXECUTE pg_catalog.format('UPDATE %1$s AS b SET %2$s FROM pg_catalog.jsonb_populate_record(NULL::%1$s, $1) AS n '
                              'WHERE %3$s RETURNING pg_catalog.to_jsonb(b)', base, changes, old_key)
      INTO written USING new_row;
    IF written IS NULL THEN
      RETURN NULL;  -- row-level security kept the row: nothing written, as with a plain view
    END IF;
  END IF;
  -- Answer the row as the view now shows it (base triggers may have filled columns, the key
  -- may have changed), for PostgREST's return=representation.
  SELECT pg_catalog.string_agg(pg_catalog.format('v.%I = %L', k.view_column, written ->> k.base_column), ' AND ')
    INTO written_key FROM internal.view_key(base, renamed) k;
  EXECUTE pg_catalog.format('SELECT * FROM %I.%I AS v WHERE %s', TG_TABLE_SCHEMA, TG_TABLE_NAME, written_key)
    INTO shown;
  RETURN shown;
END $$;

-- The trigger runs as the caller (trigger functions themselves need no grant, their helpers do).
GRANT EXECUTE ON FUNCTION internal.as_base_row(jsonb, jsonb), internal.view_key(regclass, jsonb) TO customer, staff;

-- Attach the guard to an api view: internal.write_by_key('api.v', 'kassa.t'[, '{"view_column": "base_column"}']).
CREATE OR REPLACE FUNCTION internal.write_by_key(api_view regclass, base regclass, renamed jsonb DEFAULT '{}')
RETURNS void LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  EXECUTE pg_catalog.format('CREATE OR REPLACE TRIGGER count_rows BEFORE UPDATE OR DELETE ON %s '
                            'FOR EACH STATEMENT EXECUTE FUNCTION internal.start_row_count()', api_view);
  EXECUTE pg_catalog.format('CREATE OR REPLACE TRIGGER write_one_row INSTEAD OF UPDATE OR DELETE ON %s '
                            'FOR EACH ROW EXECUTE FUNCTION internal.write_one_row(%L, %L)', api_view, base, renamed);
END $$;
