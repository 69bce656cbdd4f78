BEGIN;
DROP TABLE kassa.counters;
DROP TABLE kassa.vat_rates;
DROP TABLE kassa.tenants;
COMMIT;
