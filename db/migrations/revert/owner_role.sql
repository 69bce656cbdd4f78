-- Everything goes back to the deployer; the role itself is cluster-wide and may serve other
-- databases, so it stays (like the API roles, see revert/roles.sql).
BEGIN;
SELECT kassa.hand_over_objects(current_user);
DROP FUNCTION kassa.hand_over_objects(name);
DO $$
BEGIN
  EXECUTE format('REVOKE CREATE, TEMPORARY ON DATABASE %I FROM kassa_owner', current_database());
  EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO PUBLIC', current_database());
END $$;
ALTER DEFAULT PRIVILEGES FOR ROLE kassa_owner GRANT EXECUTE ON FUNCTIONS TO PUBLIC;
COMMIT;
