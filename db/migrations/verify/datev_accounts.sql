SELECT tenant_id, chart, consultant_number, client_number, account_length, fiscal_year_start, debtor_account,
       bank_account, cash_account FROM kassa.datev_settings WHERE false;
SELECT tenant_id, vat_category, vat_rate, account, tax_key FROM kassa.datev_revenue_accounts WHERE false;
SELECT tenant_id, customer_id, account FROM kassa.datev_debtor_accounts WHERE false;
