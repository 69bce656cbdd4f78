-- Every PL/pgSQL function in api and internal passes plpgsql_check: no reference to a missing
-- column, table or function, no type mismatch that only shows when a rare branch runs.
-- Trigger functions are checked against a table they are attached to; one attached nowhere
-- cannot be checked and is reported, as it is dead code. (The extension is created by
-- kassa/testrun.py.)
BEGIN;
SELECT plan(2);

SELECT is_empty($$
  SELECT p.oid::regprocedure::text || ' line ' || coalesce(c.lineno::text, '?') || ': ' || c.message
    FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    JOIN pg_language l ON l.oid = p.prolang
    -- A trigger function is checked against its first trigger, with its transition tables.
    LEFT JOIN LATERAL (SELECT t.tgrelid, t.tgoldtable, t.tgnewtable FROM pg_trigger t
                        WHERE t.tgfoid = p.oid ORDER BY t.oid LIMIT 1) tg ON true
    CROSS JOIN LATERAL plpgsql_check_function_tb(
      p.oid,
      relid => coalesce(tg.tgrelid, 0)::regclass,
      oldtable => tg.tgoldtable::name,
      newtable => tg.tgnewtable::name) c
   WHERE n.nspname IN ('api', 'internal') AND l.lanname = 'plpgsql' AND c.level = 'error'
     AND (p.prorettype <> 'trigger'::regtype OR tg.tgrelid IS NOT NULL)
$$, 'every PL/pgSQL function in api and internal passes plpgsql_check');

SELECT is_empty($$
  SELECT p.oid::regprocedure::text
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname IN ('api', 'internal') AND p.prorettype = 'trigger'::regtype
     AND NOT EXISTS (SELECT FROM pg_trigger t WHERE t.tgfoid = p.oid)
$$, 'every trigger function in api and internal is attached to a table (so it can be checked)');

SELECT * FROM finish();
ROLLBACK;
