-- Business-rule errors: one way to raise them, so SQL callers and HTTP clients both get a
-- stable code. In SQL the code is the SQLSTATE (class P0, e.g. P0I03), which DBAs and pgTAP
-- match on. PostgREST 12 would answer any P0 code other than P0001 with HTTP 500, so inside a
-- PostgREST request (request.method is set) the same error is raised as PostgREST's 'PGRST'
-- error: HTTP 400 with {"code": "P0I03", "message", "details", "hint"} exactly as clients
-- expect from PostgREST. Callers do not catch these: they check before they call, so a business
-- error always reaches the client (or the job log) with its code, whoever called.
CREATE OR REPLACE FUNCTION internal.raise_error(
  code text, message text, detail text DEFAULT NULL, hint text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql STABLE SET search_path = '' AS $$
BEGIN
  IF coalesce(current_setting('request.method', true), '') <> '' THEN
    RAISE SQLSTATE 'PGRST' USING
      message = json_build_object('code', code, 'message', message, 'details', detail, 'hint', hint)::text,
      detail = json_build_object('status', 400, 'headers', json_build_object())::text;
  END IF;
  -- RAISE refuses NULL options, hence one branch per combination.
  IF detail IS NULL AND hint IS NULL THEN
    RAISE EXCEPTION USING errcode = code, message = message;
  ELSIF detail IS NULL THEN
    RAISE EXCEPTION USING errcode = code, message = message, hint = hint;
  ELSIF hint IS NULL THEN
    RAISE EXCEPTION USING errcode = code, message = message, detail = detail;
  END IF;
  RAISE EXCEPTION USING errcode = code, message = message, detail = detail, hint = hint;
END $$;

-- The row a lock-or-refuse step looked for: raises the error when it was not found (FOUND).
CREATE OR REPLACE FUNCTION internal.require_found(p_found boolean, code text, message text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
BEGIN
  IF NOT p_found THEN
    PERFORM internal.raise_error(code, message);
  END IF;
END $$;

-- Is this the privacy anonymisation redacting personal data (db/functions/760_privacy.sql)? It
-- alone changes what never changes: it runs as the owner, which no API role or worker is, and
-- sets kassa.redacting for the statements of its own transaction.
CREATE OR REPLACE FUNCTION internal.redacting() RETURNS boolean
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT current_user = 'kassa_owner' AND coalesce(current_setting('kassa.redacting', true), '') = 'on'
$$;

-- One guard for every rule of the form "this never changes": attach it as a BEFORE trigger
-- with the error's code, message and (optionally) hint as arguments, e.g.
--   ... FOR EACH ROW EXECUTE FUNCTION internal.refuse_change('P0L06', 'ledger entries are append-only', '...')
-- Only the privacy anonymisation passes (internal.redacting), row by row.
CREATE OR REPLACE FUNCTION internal.refuse_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  IF TG_LEVEL = 'ROW' AND internal.redacting() THEN
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  PERFORM internal.raise_error(TG_ARGV[0], TG_ARGV[1], NULL, TG_ARGV[2]);
  RETURN NULL;  -- not reached: raise_error always raises
END $$;

-- An append-only table: rows are added, never updated, deleted or truncated away; each attempt
-- is refused with the given error.
CREATE OR REPLACE FUNCTION internal.make_append_only(p_table regclass, p_code text, p_message text, p_hint text)
RETURNS void LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  refusal constant text := pg_catalog.format('EXECUTE FUNCTION internal.refuse_change(%L, %L, %L)',
                                             p_code, p_message, p_hint);
BEGIN
  EXECUTE pg_catalog.format('CREATE OR REPLACE TRIGGER append_only BEFORE UPDATE OR DELETE ON %s FOR EACH ROW %s',
                            p_table, refusal);
  EXECUTE pg_catalog.format('CREATE OR REPLACE TRIGGER append_only_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT %s',
                            p_table, refusal);
END $$;

GRANT EXECUTE ON FUNCTION internal.raise_error(text, text, text, text) TO customer, staff;
GRANT EXECUTE ON FUNCTION internal.redacting() TO customer, staff;
