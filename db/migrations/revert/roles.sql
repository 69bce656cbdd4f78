-- Roles are shared by every database of the cluster: drop each only when nothing else uses it.
BEGIN;
REVOKE anon, customer, staff FROM authenticator;
DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['authenticator', 'anon', 'customer', 'staff', 'kassa_worker'] LOOP
    BEGIN
      EXECUTE format('DROP ROLE IF EXISTS %I', r);
    EXCEPTION WHEN dependent_objects_still_exist THEN
      RAISE NOTICE 'role % is still used by another database; kept', r;
    END;
  END LOOP;
END $$;
COMMIT;
