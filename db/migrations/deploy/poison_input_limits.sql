-- Poison inputs (issue 8): limits on what a caller can store, as constraints, so that every
-- path (SQL, HTTP, jobs) is covered. The functions (db/functions/016_inputs.sql) check the
-- same rules first with a clear code; these constraints are the last line of defence.
--   *_finite      numeric columns refuse NaN and ±Infinity (NaN > 0 is true in PostgreSQL,
--                 so "quantity > 0" let NaN in, and the invoice run then failed on it)
--   *_max_length  every text column has a length limit (an 8 MB address stays in the audit
--                 log forever); names 200, addresses 1,000, descriptions and reasons 500,
--                 notes 4,000, emails 254, codes and numbers 64, gateway references 255
--   *_not_blank   blank means only white space of any kind (tabs, newlines, NBSP, the
--                 Unicode spaces), not only " ": the class is the one of internal.is_blank
--                 (a constraint cannot call it: the internal schema is rebuilt on deploy)
-- and the tenant's window for dates supplied by callers (internal.check_business_date).
BEGIN;
ALTER TABLE kassa.tenants
  ADD COLUMN date_window_back_days integer NOT NULL DEFAULT 90
    CONSTRAINT tenants_date_window_back_days_range CHECK (date_window_back_days BETWEEN 0 AND 3660),
  ADD COLUMN date_window_forward_days integer NOT NULL DEFAULT 366
    CONSTRAINT tenants_date_window_forward_days_range CHECK (date_window_forward_days BETWEEN 0 AND 3660);

DO $$
DECLARE
  limits constant text[][] := ARRAY[
    ['auto_topups', 'disabled_reason', '500'],
    ['balance_adjustments', 'created_by', '200'], ['balance_adjustments', 'reason', '500'],
    ['counters', 'kind', '32'],
    ['credit_note_lines', 'description', '500'],
    ['credit_note_vat_totals', 'vat_category', '32'],
    ['credit_notes', 'number', '64'], ['credit_notes', 'reason', '500'], ['credit_notes', 'settlement', '32'],
    ['customers', 'account_number', '64'], ['customers', 'address', '1000'], ['customers', 'company_name', '200'],
    ['customers', 'email', '254'], ['customers', 'name', '200'], ['customers', 'phone', '32'],
    ['customers', 'status', '32'], ['customers', 'status_reason', '500'], ['customers', 'type', '32'],
    ['customers', 'vat_number', '50'],
    ['invoice_allocations', 'source_id', '200'], ['invoice_allocations', 'source_type', '32'],
    ['invoice_lines', 'charge_kind', '32'], ['invoice_lines', 'description', '500'],
    ['invoice_lines', 'vat_category', '32'],
    ['invoice_run_lines', 'charge_kind', '32'], ['invoice_run_lines', 'description', '500'],
    ['invoices', 'notes', '4000'], ['invoices', 'number', '64'], ['invoices', 'status', '32'],
    ['job_runs', 'job', '64'], ['job_runs', 'origin', '32'], ['job_runs', 'status', '32'],
    ['ledger_entries', 'description', '500'], ['ledger_entries', 'kind', '32'],
    ['ledger_entries', 'source_id', '200'], ['ledger_entries', 'source_type', '32'],
    ['notifications', 'kind', '64'], ['notifications', 'last_error', '4000'],
    ['payment_methods', 'account_masked', '16'], ['payment_methods', 'account_type', '32'],
    ['payment_methods', 'bank', '100'], ['payment_methods', 'brand', '32'], ['payment_methods', 'kind', '32'],
    ['payment_methods', 'last4', '4'], ['payment_methods', 'mandate_reference', '100'],
    ['payment_methods', 'mandate_status', '32'],
    ['payment_refunds', 'kind', '32'], ['payment_refunds', 'provider_ref', '255'], ['payment_refunds', 'reason', '500'],
    ['payments', 'checkout_url', '2048'], ['payments', 'failure_reason', '500'],
    ['payments', 'idempotency_key', '255'], ['payments', 'method', '32'], ['payments', 'provider', '32'],
    ['payments', 'provider_intent_ref', '255'], ['payments', 'provider_ref', '255'], ['payments', 'purpose', '32'],
    ['payments', 'reason', '500'], ['payments', 'status', '32'],
    ['pending_charges', 'description', '500'], ['pending_charges', 'kind', '32'],
    ['price_versions', 'interval', '32'], ['price_versions', 'vat_category', '32'],
    ['products', 'code', '64'], ['products', 'description', '500'], ['products', 'kind', '32'],
    ['products', 'name', '200'],
    ['request_results', 'operation', '64'],
    ['service_actions', 'action', '32'], ['service_actions', 'actor', '200'], ['service_actions', 'reason', '500'],
    ['services', 'installation_address', '1000'], ['services', 'status', '32'],
    ['services', 'suspension_reason', '32'],
    ['tenants', 'account_number_format', '64'], ['tenants', 'address', '1000'],
    ['tenants', 'credit_note_number_format', '64'], ['tenants', 'invoice_number_format', '64'],
    ['tenants', 'invoice_run_mode', '32'], ['tenants', 'legal_name', '200'], ['tenants', 'locale', '35'],
    ['tenants', 'name', '200'], ['tenants', 'proration_mode', '32'], ['tenants', 'slug', '63'],
    ['tenants', 'status', '32'], ['tenants', 'timezone', '64'], ['tenants', 'vat_number', '50'],
    ['vat_rates', 'category', '32']];
  finite constant text[][] := ARRAY[
    ['bonus_tiers', 'percent'], ['credit_note_lines', 'vat_rate'], ['credit_note_vat_totals', 'vat_rate'],
    ['invoice_lines', 'quantity'], ['invoice_lines', 'vat_rate'], ['invoice_run_lines', 'quantity'],
    ['pending_charges', 'quantity'], ['vat_rates', 'rate']];
  not_blank constant text[][] := ARRAY[
    ['balance_adjustments', 'reason'], ['credit_notes', 'reason'], ['customers', 'name'],
    ['customers', 'status_reason'], ['invoice_lines', 'description'], ['payment_refunds', 'reason'],
    ['pending_charges', 'description'], ['products', 'name'], ['service_actions', 'reason'],
    ['tenants', 'legal_name'], ['tenants', 'name']];
  i int;
BEGIN
  FOR i IN 1 .. array_length(limits, 1) LOOP
    EXECUTE format('ALTER TABLE kassa.%I ADD CONSTRAINT %I CHECK (char_length(%I) <= %s)',
                   limits[i][1], limits[i][1] || '_' || limits[i][2] || '_max_length', limits[i][2], limits[i][3]::int);
  END LOOP;
  FOR i IN 1 .. array_length(finite, 1) LOOP
    EXECUTE format('ALTER TABLE kassa.%I ADD CONSTRAINT %I CHECK (%I NOT IN (''NaN'', ''Infinity'', ''-Infinity''))',
                   finite[i][1], finite[i][1] || '_' || finite[i][2] || '_finite', finite[i][2]);
  END LOOP;
  FOR i IN 1 .. array_length(not_blank, 1) LOOP
    EXECUTE format('ALTER TABLE kassa.%I DROP CONSTRAINT %I, ADD CONSTRAINT %2$I CHECK (%3$I ~ %4$L)',
                   not_blank[i][1], not_blank[i][1] || '_' || not_blank[i][2] || '_not_blank', not_blank[i][2],
                   '[^[:space:]\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]');
  END LOOP;
END $$;

-- A service's reference is a caller's JSON object: limited like a note.
ALTER TABLE kassa.services ADD CONSTRAINT services_reference_max_length CHECK (char_length(reference::text) <= 4000);
-- The tenant's allowed top-up return origins, at most 20 URLs.
ALTER TABLE kassa.payment_settings
  ADD CONSTRAINT payment_settings_return_origins_max_length CHECK (char_length(array_to_string(return_origins, ' ')) <= 4000);
COMMIT;
