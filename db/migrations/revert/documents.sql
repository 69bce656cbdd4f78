BEGIN;
DROP VIEW IF EXISTS api.documents, api.document_settings;
DROP TABLE kassa.documents, kassa.document_settings;
COMMIT;
