SELECT billing_days, invoice_lead_days, invoice_run_mode, proration_mode FROM kassa.tenants WHERE false;
SELECT tenant_id, id, customer_id, price_version_id, installation_address, reference, billing_day,
       next_billing_date, status, activated_on, suspended_on, cancelled_on FROM kassa.services WHERE false;
SELECT tenant_id, id, service_id, customer_id, action, reason, effective_on, row_before, row_after, actor, at
  FROM kassa.service_actions WHERE false;
SELECT tenant_id, id, customer_id, service_id, kind, description, price_version_id, quantity, unit_price,
       period_start, period_end, invoice_line_id FROM kassa.pending_charges WHERE false;
