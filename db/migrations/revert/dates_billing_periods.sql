BEGIN;
-- NOT VALID: quarterly and half-yearly prices written meanwhile stay; new ones are refused again.
ALTER TABLE kassa.price_versions DROP CONSTRAINT price_versions_interval_known,
  ADD CONSTRAINT price_versions_interval_known CHECK (interval IN ('monthly', 'annual')) NOT VALID;
COMMIT;
