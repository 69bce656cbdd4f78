BEGIN;
ALTER TABLE kassa.vat_rates ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE kassa.payment_settings ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE kassa.bonus_tiers ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE kassa.low_balance_thresholds ALTER COLUMN tenant_id DROP DEFAULT;
COMMIT;
