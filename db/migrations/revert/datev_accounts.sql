BEGIN;
DROP VIEW IF EXISTS api.datev_settings, api.datev_revenue_accounts, api.datev_debtor_accounts;
DROP TABLE kassa.datev_debtor_accounts, kassa.datev_revenue_accounts, kassa.datev_settings;
COMMIT;
