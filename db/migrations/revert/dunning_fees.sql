BEGIN;
-- price_version_id stays nullable on pending charges: dunning fees already charged keep none.
DELETE FROM kassa.invoice_run_lines WHERE price_version_id IS NULL;  -- rows of a run in progress only
ALTER TABLE kassa.invoice_run_lines DROP COLUMN vat_category, ALTER COLUMN price_version_id SET NOT NULL;
ALTER TABLE kassa.pending_charges DROP CONSTRAINT pending_charges_priced, DROP COLUMN vat_category;
ALTER TABLE kassa.tenants DROP COLUMN dunning_fee_vat_category;
ALTER TABLE kassa.dunning_steps DROP COLUMN fee;
COMMIT;
