-- Revert kassa:request_counts from pg
BEGIN;
DROP TABLE kassa.request_counts;
COMMIT;
