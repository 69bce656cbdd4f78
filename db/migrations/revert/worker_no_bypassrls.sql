-- Back to the worker role as the roles change created it (roles are shared by the cluster).
BEGIN;
ALTER ROLE kassa_worker BYPASSRLS;
COMMIT;
