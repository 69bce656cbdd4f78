-- Kassa's schemas, tables and functions belong to kassa_owner, a NOLOGIN role that is not a
-- superuser: a security definer function runs with the owner's rights, so a slip in one of
-- them (or an object a caller prepared) cannot reach superuser powers. Deploy switches to this
-- role for db/functions and hands it every object a migration created (kassa/deploy.py).
-- No API or worker role may create temporary tables (a pg_temp object of the caller's is how
-- a security definer function can be tricked into running the caller's code).
BEGIN;
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kassa_owner') THEN
    CREATE ROLE kassa_owner NOLOGIN;
  END IF;
END $$;
GRANT kassa_owner TO CURRENT_USER;  -- the deployer may switch to it and hand it objects
DO $$
BEGIN
  EXECUTE format('GRANT CREATE, TEMPORARY ON DATABASE %I TO kassa_owner', current_database());
  EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
END $$;
ALTER DEFAULT PRIVILEGES FOR ROLE kassa_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- Hands every table, sequence, view, function and type of kassa and audit to `new_owner`.
-- Deploy calls it with kassa_owner after each `sqitch deploy` (a migration runs as the
-- deployer, so what it creates belongs to the deployer until then); revert hands all back.
CREATE FUNCTION kassa.hand_over_objects(new_owner name) RETURNS integer
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  object record;
  handed integer := 0;
BEGIN
  FOR object IN
    SELECT format('ALTER %s %s OWNER TO %I', CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END,
                  c.oid::regclass, new_owner) AS statement
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname IN ('kassa', 'audit') AND c.relkind IN ('r', 'p', 'S', 'v')
       AND c.relowner <> new_owner::regrole::oid
       -- identity and serial sequences follow their table
       AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_catalog.pg_depend d
                                             WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
    UNION ALL
    SELECT format('ALTER ROUTINE %s OWNER TO %I', p.oid::regprocedure, new_owner)
      FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname IN ('kassa', 'audit') AND p.proowner <> new_owner::regrole::oid
    UNION ALL
    SELECT format('ALTER TYPE %s OWNER TO %I', t.oid::regtype, new_owner)
      FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname IN ('kassa', 'audit') AND t.typtype IN ('e', 'd', 'c') AND t.typowner <> new_owner::regrole::oid
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.reltype = t.oid)
    UNION ALL
    SELECT format('ALTER SCHEMA %I OWNER TO %I', n.nspname, new_owner)
      FROM pg_catalog.pg_namespace n WHERE n.nspname IN ('kassa', 'audit') AND n.nspowner <> new_owner::regrole::oid
  LOOP
    EXECUTE object.statement;
    handed := handed + 1;
  END LOOP;
  RETURN handed;
END $$;
REVOKE EXECUTE ON FUNCTION kassa.hand_over_objects(name) FROM PUBLIC;
SELECT kassa.hand_over_objects('kassa_owner');
-- Role settings need rights kassa_owner does not have, so they live here rather than in
-- db/functions. PostgREST 12 applies them in every request of that role.
ALTER ROLE anon SET statement_timeout = '2s';
ALTER ROLE customer SET statement_timeout = '10s';
ALTER ROLE staff SET statement_timeout = '10s';
COMMIT;
