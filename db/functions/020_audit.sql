-- One generic audit trigger for every business table, and the guard that keeps the log
-- append-only. Attach it with internal.audit_table('kassa.table').

-- Statement-level triggers with transition tables: one INSERT ... SELECT per statement, so an
-- invoice run that writes 100,000 rows logs them set-based rather than row by row.
-- Trigger arguments: the tenant column, then the key columns of the row; an argument that
-- starts with '-' names a column whose changes are not worth a row, one that starts with '!' a
-- column kept out of the log (see audit_table).

-- The row's key as a JSON object of the key columns (the one-column case spelled out: it is
-- every table but a few, and this runs once per audited row).
CREATE OR REPLACE FUNCTION internal.audit_key(row_json jsonb, key_columns text[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN pg_catalog.cardinality(key_columns) = 1
              THEN pg_catalog.jsonb_build_object(key_columns[1], row_json -> key_columns[1])
              ELSE (SELECT pg_catalog.jsonb_object_agg(c, row_json -> c) FROM pg_catalog.unnest(key_columns) c) END
$$;

-- Who acts when no person's token does: a job or a bridge names itself for the current
-- transaction (`job:invoice-run:<job run uuid>`, `webhook:stripe:<event id>`), and the audit rows
-- of that transaction carry it as actor_sub. A token's sub, when there is one, wins.
CREATE OR REPLACE FUNCTION internal.act_as(p_actor text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  IF p_actor IS NULL OR p_actor !~ '^[a-z][a-z-]*:[a-z][a-z-]*:' THEN
    PERFORM internal.raise_error('P0K01', format('"%s" does not name an actor', p_actor),
      hint => 'An actor is kind:name:id, such as job:invoice-run:42 or webhook:stripe:evt_1.');
  END IF;
  PERFORM pg_catalog.set_config('kassa.actor', p_actor, true);
END $$;

-- The actor of the current transaction: the token's sub, else the one internal.act_as named.
CREATE OR REPLACE FUNCTION internal.audit_actor(claims json) RETURNS text
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT coalesce(claims ->> 'sub', nullif(pg_catalog.current_setting('kassa.actor', true), ''))
$$;

-- The key columns among the trigger arguments (those without a '-' or '!' prefix).
CREATE OR REPLACE FUNCTION internal.audit_keys(args text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY(SELECT a FROM pg_catalog.unnest(args) a WHERE pg_catalog.left(a, 1) NOT IN ('-', '!'))
$$;

-- The columns named by the trigger arguments with that prefix, without it.
CREATE OR REPLACE FUNCTION internal.audit_marked(args text[], prefix text) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY(SELECT pg_catalog.substr(a, 2) FROM pg_catalog.unnest(args) a WHERE pg_catalog.left(a, 1) = prefix)
$$;

-- One uuid per transaction, the same for every audit row it writes: the API's grouping of a
-- transaction's changes (the txid is a platform-wide counter, for DBAs only). Kept in a
-- transaction-local setting, which the transaction's end resets.
CREATE OR REPLACE FUNCTION internal.audit_transaction_id() RETURNS uuid
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  kept text := pg_catalog.current_setting('kassa.audit_transaction', true);
BEGIN
  IF coalesce(kept, '') = '' THEN
    kept := pg_catalog.gen_random_uuid()::text;
    PERFORM pg_catalog.set_config('kassa.audit_transaction', kept, true);
  END IF;
  RETURN kept::uuid;
END $$;

-- Inserted rows (logged as the new row) or deleted ones (logged as the old row): the trigger
-- names its transition table changed_rows either way.
CREATE OR REPLACE FUNCTION internal.audit_inserted_or_deleted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  claims json := internal.jwt_claims();
  keys   text[] := internal.audit_keys(TG_ARGV[1:]);
  hidden text[] := internal.audit_marked(TG_ARGV[1:], '!');
  tx     uuid := internal.audit_transaction_id();
BEGIN
  INSERT INTO audit.log (tenant_id, table_name, row_key, operation, old_row, new_row,
                         actor_sub, actor_role, db_user, txid, transaction_id)
  SELECT (r.j ->> TG_ARGV[0])::uuid, TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, internal.audit_key(r.j, keys),
         TG_OP, CASE WHEN TG_OP = 'DELETE' THEN r.j END, CASE WHEN TG_OP = 'INSERT' THEN r.j END,
         internal.audit_actor(claims), coalesce(claims ->> 'role', session_user), session_user, txid_current(), tx
    FROM (SELECT to_jsonb(c) - hidden AS j FROM changed_rows c) r;
  RETURN NULL;
END $$;

-- Updates keep only what changed; a row whose change is nothing (or only ignored columns) is
-- not worth a log row. Old and new rows are paired by their key (keys never change) through a
-- map of the old rows by key: one lookup per row whatever the planner guesses of the
-- transition tables' sizes (it guesses one row, and a join planned on that guess compared
-- every new row with every old one: a million comparisons for an invoice run of 1,000).
-- enable_nestloop on: the per-row comparison below is a nested loop by nature, which a batch
-- caller that turned nested loops off would distort.
CREATE OR REPLACE FUNCTION internal.audit_updated() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' SET enable_nestloop = on AS $$
DECLARE
  claims  json := internal.jwt_claims();
  keys    text[] := internal.audit_keys(TG_ARGV[1:]);
  ignored text[] := internal.audit_marked(TG_ARGV[1:], '-');
  hidden  text[] := internal.audit_marked(TG_ARGV[1:], '!');
  tx      uuid := internal.audit_transaction_id();
BEGIN
  -- MATERIALIZED: each row becomes JSON once, not once per column compared.
  WITH n AS MATERIALIZED (SELECT r.j, internal.audit_key(r.j, keys) AS k FROM (SELECT to_jsonb(x) - hidden AS j FROM new_rows x) r),
       o AS MATERIALIZED (SELECT jsonb_object_agg(internal.audit_key(r.j, keys)::text, r.j) AS by_key
                            FROM (SELECT to_jsonb(x) - hidden AS j FROM old_rows x) r),
       changed AS MATERIALIZED (  -- unchanged rows skip the comparison
         SELECT n.j AS new_j, n.k, o.by_key -> n.k::text AS old_j FROM n, o
          WHERE (o.by_key -> n.k::text) - ignored <> n.j - ignored)
  INSERT INTO audit.log (tenant_id, table_name, row_key, operation, old_row, new_row,
                         actor_sub, actor_role, db_user, txid, transaction_id)
  SELECT (c.new_j ->> TG_ARGV[0])::uuid, TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, c.k, 'UPDATE',
         d.old_part, d.new_part, internal.audit_actor(claims), coalesce(claims ->> 'role', session_user), session_user,
         txid_current(), tx
    FROM changed c
   CROSS JOIN LATERAL (
         SELECT jsonb_object_agg(e.key, e.value) AS old_part, jsonb_object_agg(e.key, c.new_j -> e.key) AS new_part
           FROM jsonb_each(c.old_j) e
          WHERE e.value IS DISTINCT FROM c.new_j -> e.key AND e.key <> ALL (ignored)) d
   WHERE d.old_part IS NOT NULL;
  RETURN NULL;
END $$;

-- Attach the audit to a table: internal.audit_table('kassa.t', 'tenant_id', 'id'[, '-column'...]).
-- A '-column' argument leaves changes of that column alone out of the log; a '!column' keeps
-- the column out of the log altogether (an internal counter the API must not show).
CREATE OR REPLACE FUNCTION internal.audit_table(tbl regclass, tenant_column text, VARIADIC key_columns text[])
RETURNS void LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  args text := (SELECT string_agg(quote_literal(c), ', ') FROM unnest(tenant_column || key_columns) c);
BEGIN
  EXECUTE format('CREATE OR REPLACE TRIGGER audit_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS changed_rows '
                 'FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted(%s)', tbl, args);
  EXECUTE format('CREATE OR REPLACE TRIGGER audit_update AFTER UPDATE ON %s '
                 'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                 'FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated(%s)', tbl, args);
  EXECUTE format('CREATE OR REPLACE TRIGGER audit_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS changed_rows '
                 'FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted(%s)', tbl, args);
END $$;

SELECT internal.make_append_only('audit.log', 'P0A01', 'the audit log is append-only',
                                 'Audit rows can be read, never changed or removed.');

SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'audit.log');
REVOKE ALL ON audit.log FROM PUBLIC;
GRANT SELECT ON audit.log TO staff;

-- id and transaction_id are uuids: the log's bigint id and the txid count the whole platform.
CREATE VIEW api.audit_log WITH (security_invoker = true) AS
  SELECT public_id AS id, tenant_id, table_name, row_key, operation, old_row, new_row,
         actor_sub, actor_role, db_user, transaction_id, at
    FROM audit.log;
GRANT SELECT ON api.audit_log TO staff;
