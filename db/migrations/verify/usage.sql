SELECT usage_unit, usage_cap, usage_allowance, usage_step, usage_step_price FROM kassa.price_versions WHERE false;
SELECT usage_warning_percents FROM kassa.tenants WHERE false;
SELECT tenant_id, id, public_id, service_id, customer_id, source, key, unit, quantity, usage_at, usage_on, period_start,
       period_end, counted_on, invoice_line_id, created_at
  FROM kassa.usage_records WHERE false;
SELECT tenant_id, service_id, usage_on, unit, customer_id, quantity, records FROM kassa.usage_daily WHERE false;
SELECT tenant_id, service_id, period_start, meter, period_end, customer_id, quantity, warned_percents
  FROM kassa.usage_periods WHERE false;
