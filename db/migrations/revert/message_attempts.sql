BEGIN;
DROP VIEW IF EXISTS api.message_attempts;
DROP TABLE kassa.message_attempts;
COMMIT;
