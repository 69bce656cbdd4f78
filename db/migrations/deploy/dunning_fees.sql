-- Dunning fees: a step may charge a fee (minor units), added to the customer's next invoice as
-- a one-off charge in the tenant's dunning fee VAT category (NULL: the country's default, 'zero'
-- in Germany, where a dunning fee is damages and carries no VAT; 'standard' elsewhere). Such a
-- charge names no catalog price version: it states its VAT category itself.
BEGIN;
ALTER TABLE kassa.dunning_steps ADD COLUMN fee bigint NOT NULL DEFAULT 0
  CONSTRAINT dunning_steps_fee_range CHECK (fee BETWEEN 0 AND 100000000);
ALTER TABLE kassa.tenants ADD COLUMN dunning_fee_vat_category text
  CONSTRAINT tenants_dunning_fee_vat_category_max_length CHECK (char_length(dunning_fee_vat_category) <= 32);
ALTER TABLE kassa.pending_charges ALTER COLUMN price_version_id DROP NOT NULL,
  ADD COLUMN vat_category text CONSTRAINT pending_charges_vat_category_max_length CHECK (char_length(vat_category) <= 32),
  ADD CONSTRAINT pending_charges_priced CHECK (price_version_id IS NOT NULL OR vat_category IS NOT NULL);
ALTER TABLE kassa.invoice_run_lines ALTER COLUMN price_version_id DROP NOT NULL,
  ADD COLUMN vat_category text CONSTRAINT invoice_run_lines_vat_category_max_length CHECK (char_length(vat_category) <= 32);
COMMIT;
