-- Privacy (docs/operations.md, "Privacy"): how long a tenant keeps a closed customer's personal
-- data before the privacy-anonymise job removes it, and when that happened.
BEGIN;
ALTER TABLE kassa.tenants
  ADD COLUMN privacy_retention_days integer NOT NULL DEFAULT 365
    CONSTRAINT tenants_privacy_retention_days_range CHECK (privacy_retention_days BETWEEN 30 AND 3650);
ALTER TABLE kassa.customers
  ADD COLUMN anonymised_at timestamptz,
  ADD CONSTRAINT customers_anonymised_when_closed CHECK (anonymised_at IS NULL OR status = 'closed');
COMMIT;
