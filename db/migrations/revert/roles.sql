-- Roles are shared by every database of the cluster: drop each only when nothing else uses it,
-- neither objects and grants in another database nor live sessions (PostgREST of another
-- database logged in as authenticator). Dropping a role revokes its memberships with it.
BEGIN;
DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['authenticator', 'anon', 'customer', 'staff', 'kassa_worker'] LOOP
    IF EXISTS (SELECT FROM pg_stat_activity WHERE usename = r) THEN
      RAISE NOTICE 'role % has open sessions; kept', r;
      CONTINUE;
    END IF;
    BEGIN
      EXECUTE format('DROP ROLE IF EXISTS %I', r);
    EXCEPTION WHEN dependent_objects_still_exist THEN
      RAISE NOTICE 'role % is still used by another database; kept', r;
    END;
  END LOOP;
END $$;
COMMIT;
