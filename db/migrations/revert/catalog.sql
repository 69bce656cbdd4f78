BEGIN;
ALTER TABLE kassa.invoice_lines DROP COLUMN price_version_id;
DROP TABLE kassa.price_versions;
DROP TABLE kassa.products;
COMMIT;
