BEGIN;
DROP TABLE kassa.usage_periods, kassa.usage_daily, kassa.usage_records;
ALTER TABLE kassa.tenants DROP COLUMN usage_warning_percents;
ALTER TABLE kassa.price_versions DROP COLUMN usage_unit, DROP COLUMN usage_cap, DROP COLUMN usage_allowance,
  DROP COLUMN usage_step, DROP COLUMN usage_step_price;
COMMIT;
