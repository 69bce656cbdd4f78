SELECT privacy_retention_days FROM kassa.tenants WHERE false;
SELECT anonymised_at FROM kassa.customers WHERE false;
