BEGIN;
DROP TABLE kassa.customers;
COMMIT;
