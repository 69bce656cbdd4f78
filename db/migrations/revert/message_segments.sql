BEGIN;
DROP VIEW IF EXISTS api.messages;
ALTER TABLE kassa.messages DROP COLUMN segments;
COMMIT;
