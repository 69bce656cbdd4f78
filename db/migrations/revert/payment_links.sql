BEGIN;
ALTER TABLE kassa.payments DROP COLUMN invoice_id;
DROP TABLE kassa.payment_links;
ALTER TABLE kassa.payment_settings DROP COLUMN payment_link_expiry_days;
ALTER TABLE kassa.customers DROP COLUMN locale;
ALTER TABLE kassa.tenants DROP CONSTRAINT tenants_locale_known;
COMMIT;
