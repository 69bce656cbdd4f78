BEGIN;
DROP TABLE kassa.request_results;
COMMIT;
