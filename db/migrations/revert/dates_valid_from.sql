BEGIN;
ALTER TABLE kassa.price_versions ALTER COLUMN valid_from SET DEFAULT current_date;
COMMIT;
