-- The account mapping of a German tenant's DATEV booking batch (docs/exports.md): the batch's
-- numbers and chart, revenue accounts per VAT category and rate, debtor accounts per customer
-- (db/functions/390_exports.sql). Tenant data: staff keep it through the API (the tenant from the token).
BEGIN;
CREATE TABLE kassa.datev_settings (
  tenant_id         uuid PRIMARY KEY DEFAULT (NULLIF(current_setting('request.jwt.claims', true), '')::json ->> 'tenant_id')::uuid REFERENCES kassa.tenants (id),
  chart             text NOT NULL DEFAULT 'SKR03'
                    CONSTRAINT datev_settings_chart_known CHECK (chart = ANY (ARRAY['SKR03', 'SKR04']))
                    CONSTRAINT datev_settings_chart_max_length CHECK (char_length(chart) <= 5),
  consultant_number integer NOT NULL
                    CONSTRAINT datev_settings_consultant_number_range CHECK (consultant_number BETWEEN 1001 AND 9999999),
  client_number     integer NOT NULL
                    CONSTRAINT datev_settings_client_number_range CHECK (client_number BETWEEN 1 AND 99999),
  account_length    smallint NOT NULL DEFAULT 4
                    CONSTRAINT datev_settings_account_length_range CHECK (account_length BETWEEN 4 AND 8),
  fiscal_year_start smallint NOT NULL DEFAULT 1
                    CONSTRAINT datev_settings_fiscal_year_start_month CHECK (fiscal_year_start BETWEEN 1 AND 12),
  debtor_account    bigint NOT NULL CONSTRAINT datev_settings_debtor_account_positive CHECK (debtor_account > 0),
  bank_account      bigint NOT NULL CONSTRAINT datev_settings_bank_account_positive CHECK (bank_account > 0),
  cash_account      bigint CONSTRAINT datev_settings_cash_account_positive CHECK (cash_account > 0)
);
CREATE TABLE kassa.datev_revenue_accounts (
  tenant_id    uuid NOT NULL DEFAULT (NULLIF(current_setting('request.jwt.claims', true), '')::json ->> 'tenant_id')::uuid REFERENCES kassa.tenants (id),
  vat_category text NOT NULL CONSTRAINT datev_revenue_accounts_vat_category_max_length CHECK (char_length(vat_category) <= 32),
  vat_rate     numeric(5,2) NOT NULL
               CONSTRAINT datev_revenue_accounts_vat_rate_range CHECK (vat_rate >= 0 AND vat_rate < 100)
               CONSTRAINT datev_revenue_accounts_vat_rate_finite CHECK (vat_rate <> ALL (ARRAY['NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric])),
  account      bigint NOT NULL CONSTRAINT datev_revenue_accounts_account_positive CHECK (account > 0),
  tax_key      text CONSTRAINT datev_revenue_accounts_tax_key_format CHECK (tax_key ~ '^[0-9]{1,4}$')
               CONSTRAINT datev_revenue_accounts_tax_key_max_length CHECK (char_length(tax_key) <= 4),
  PRIMARY KEY (tenant_id, vat_category, vat_rate)
);
CREATE TABLE kassa.datev_debtor_accounts (
  tenant_id   uuid NOT NULL DEFAULT (NULLIF(current_setting('request.jwt.claims', true), '')::json ->> 'tenant_id')::uuid,
  customer_id uuid NOT NULL,
  account     bigint NOT NULL CONSTRAINT datev_debtor_accounts_account_positive CHECK (account > 0),
  PRIMARY KEY (tenant_id, customer_id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id)
);
ALTER TABLE kassa.datev_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE kassa.datev_revenue_accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE kassa.datev_debtor_accounts ENABLE ROW LEVEL SECURITY;
COMMIT;
