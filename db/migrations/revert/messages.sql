BEGIN;
DROP VIEW IF EXISTS api.messages;
DROP TABLE kassa.messages;
COMMIT;
