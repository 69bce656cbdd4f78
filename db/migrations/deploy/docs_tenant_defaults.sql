-- Every table staff write through the API takes tenant_id from the token when the body leaves
-- it out, the way customers, products, price versions and services do (a column default, so
-- it holds for any view or function that inserts as the caller).
BEGIN;
ALTER TABLE kassa.vat_rates ALTER COLUMN tenant_id
  SET DEFAULT (nullif(current_setting('request.jwt.claims', true), '')::json ->> 'tenant_id')::uuid;
ALTER TABLE kassa.payment_settings ALTER COLUMN tenant_id
  SET DEFAULT (nullif(current_setting('request.jwt.claims', true), '')::json ->> 'tenant_id')::uuid;
ALTER TABLE kassa.bonus_tiers ALTER COLUMN tenant_id
  SET DEFAULT (nullif(current_setting('request.jwt.claims', true), '')::json ->> 'tenant_id')::uuid;
ALTER TABLE kassa.low_balance_thresholds ALTER COLUMN tenant_id
  SET DEFAULT (nullif(current_setting('request.jwt.claims', true), '')::json ->> 'tenant_id')::uuid;
COMMIT;
