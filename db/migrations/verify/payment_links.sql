SELECT tenant_id, id, customer_id, invoice_id, token_hash, amount, currency, status, expires_at, created_by,
       created_at, used_at, payment_id, invalidated_at, invalidated_by, invalidated_reason, replaced_by
  FROM kassa.payment_links WHERE false;
SELECT locale FROM kassa.customers WHERE false;
SELECT payment_link_expiry_days FROM kassa.payment_settings WHERE false;
SELECT invoice_id FROM kassa.payments WHERE false;
SELECT 1 / (SELECT count(*) FROM pg_constraint WHERE conname = 'tenants_locale_known')::int;
