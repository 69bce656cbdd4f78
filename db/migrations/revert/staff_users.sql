BEGIN;
DROP VIEW IF EXISTS api.staff_users;
DROP TABLE kassa.staff_users;
COMMIT;
