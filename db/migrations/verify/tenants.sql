SELECT id, slug, currency, prices_include_vat, status FROM kassa.tenants WHERE false;
SELECT tenant_id, category, rate FROM kassa.vat_rates WHERE false;
SELECT tenant_id, kind, period, last_value FROM kassa.counters WHERE false;
