BEGIN;
DROP TABLE kassa.currencies;
COMMIT;
