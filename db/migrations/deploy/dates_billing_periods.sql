-- Plans bill every 1, 3, 6 or 12 months: quarterly and half-yearly join monthly and annual.
BEGIN;
ALTER TABLE kassa.price_versions DROP CONSTRAINT price_versions_interval_known,
  ADD CONSTRAINT price_versions_interval_known
    CHECK (interval IN ('monthly', 'quarterly', 'half_yearly', 'annual'));
COMMIT;
