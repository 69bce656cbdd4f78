-- Legacy import (db/functions/710_import.sql): each validation rule refuses its row with its
-- reason, all-or-nothing writes nothing when a row is bad, skip_invalid writes the others, a
-- re-run skips what was imported, and each kind lands where the API and the ledger expect it.
BEGIN;
SELECT plan(47);
\ir helpers/two_tenants_ids.sql

-- Each row's reason (or outcome when it has none), in a dry run of tenant A; lines from 2.
CREATE FUNCTION pg_temp.reasons(p_kind text, p_rows jsonb, p_mode text DEFAULT 'dry_run') RETURNS text[]
LANGUAGE sql AS $$
  SELECT array_agg(coalesce(i.reason, i.outcome) ORDER BY i.line)
    FROM internal.import_legacy('aaaaaaaa-0000-4000-8000-00000000000a', p_kind,
                                (SELECT jsonb_agg(e || jsonb_build_object('line', n + 1)) FROM jsonb_array_elements(p_rows) WITH ORDINALITY x (e, n)),
                                p_mode) i
$$;
-- A valid customer row of that legacy id, with the columns given changed.
CREATE FUNCTION pg_temp.customer(p_id text, p_change jsonb DEFAULT '{}') RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('legacy_id', p_id, 'name', 'Legacy ' || p_id, 'email', lower(p_id) || '@legacy.example',
                            'phone', '+27 82 555 0100') || p_change
$$;

SELECT internal.act_as('cli:import:customers');

-- Customers: every rule.
SELECT is(pg_temp.reasons('customers', jsonb_build_array(pg_temp.customer('C-1'))), ARRAY['valid'],
          'a valid row is valid');
SELECT is(pg_temp.reasons('customers', jsonb_build_array(pg_temp.customer('C-1', '{"legacy_id": " "}'))),
          ARRAY['legacy_id is missing'], 'the legacy id is required');
SELECT is(pg_temp.reasons('customers', jsonb_build_array(pg_temp.customer('C-1'), pg_temp.customer('C-1', '{"email": "other@legacy.example"}'))),
          ARRAY['valid', 'legacy_id C-1 repeats line 2'], 'a legacy id twice in the file: the second is refused');
SELECT is(pg_temp.reasons('customers', jsonb_build_array(pg_temp.customer('C-1', '{"name": ""}'))),
          ARRAY['name is missing'], 'the name is required');
SELECT is(pg_temp.reasons('customers', jsonb_build_array(pg_temp.customer('C-1', '{"email": "no-at.example"}'))),
          ARRAY['email "no-at.example" is malformed'], 'a malformed email');
SELECT is(pg_temp.reasons('customers', jsonb_build_array(pg_temp.customer('C-1'), pg_temp.customer('C-2', '{"email": "C-1@Legacy.example"}'))),
          ARRAY['valid', 'email c-1@legacy.example repeats line 2'], 'an email twice in the file, whatever its case');
SELECT is(pg_temp.reasons('customers', jsonb_build_array(pg_temp.customer('C-1', '{"email": "A1@example.com"}'))),
          ARRAY['email a1@example.com is an existing customer''s'], 'an email of an existing customer');
SELECT is(pg_temp.reasons('customers', jsonb_build_array(pg_temp.customer('C-1', '{"phone": "082 555 0100"}'))),
          ARRAY['phone "082 555 0100" is not in international form (+ or 00, then 7 to 15 digits)'],
          'a phone number without its country code');
SELECT is(pg_temp.reasons('customers', jsonb_build_array(pg_temp.customer('C-1', '{"type": "company"}'))),
          ARRAY['type "company" is not personal or business'], 'an unknown customer type');
SELECT is(pg_temp.reasons('customers', jsonb_build_array(pg_temp.customer('C-1', '{"country": "RSA"}'))),
          ARRAY['country "RSA" is not an ISO 3166-1 alpha-2 code'], 'a country that is not a code');
SELECT is(pg_temp.reasons('customers', jsonb_build_array(pg_temp.customer('C-1', '{"locale": "fr_FR"}'))),
          ARRAY['locale "fr_FR" is not en or de (e.g. en_ZA, de_DE)'], 'a locale Kassa does not speak');
SELECT is(pg_temp.reasons('customers', jsonb_build_array(pg_temp.customer('C-1', jsonb_build_object('account_number', c.account_number))))
            , ARRAY[format('account_number %s is an existing customer''s', c.account_number)], 'an account number taken')
  FROM kassa.customers c WHERE c.id = 'aaaaaaaa-0000-4000-8000-0000000000a1';
SELECT is(pg_temp.reasons('customers', jsonb_build_array(pg_temp.customer('C-1', '{"account_number": "ACC-1"}'),
                                                         pg_temp.customer('C-2', '{"account_number": "ACC-1"}'))),
          ARRAY['valid', 'account_number ACC-1 repeats line 2'], 'an account number twice in the file');
SELECT is(pg_temp.reasons('customers', jsonb_build_array(pg_temp.customer('C-1', jsonb_build_object('name', repeat('x', 201))))),
          ARRAY['name is over 200 characters'], 'a name over its limit');

-- All or nothing: one bad row, nothing written; skip_invalid: the others.
SELECT is(pg_temp.reasons('customers', jsonb_build_array(
            pg_temp.customer('C-1', '{"phone": "0027 (0)82 555-0101", "account_number": "ACC-1"}'),
            pg_temp.customer('C-2', '{"account_number": "CT-2020-00077"}'), pg_temp.customer('C-3', '{"email": "bad"}')),
          'all_or_nothing'), ARRAY['valid', 'valid', 'email "bad" is malformed'], 'all or nothing: the bad row named');
SELECT is((SELECT count(*)::int FROM kassa.customers WHERE email LIKE '%@legacy.example'), 0, '... and nothing written');
SELECT is(pg_temp.reasons('customers', jsonb_build_array(
            pg_temp.customer('C-1', '{"phone": "0027 (0)82 555-0101", "account_number": "ACC-1"}'),
            pg_temp.customer('C-2', '{"account_number": "CT-2020-00077"}'), pg_temp.customer('C-3', '{"email": "bad"}')),
          'skip_invalid'), ARRAY['imported', 'imported', 'email "bad" is malformed'], 'skip_invalid imports the valid rows');
SELECT is((SELECT phone FROM kassa.customers WHERE email = 'c-1@legacy.example'), '+27825550101',
          'the phone number is kept normalised (00 as +, the trunk (0) dropped)');
SELECT is((SELECT account_number FROM kassa.customers WHERE email = 'c-1@legacy.example'), 'ACC-1',
          'a free legacy account number is kept');
SELECT isnt((SELECT account_number FROM kassa.customers WHERE email = 'c-2@legacy.example'), 'CT-2020-00077',
            'one of the shape of Kassa''s own series is not: Kassa numbers that customer');
SELECT is((SELECT array_agg(legacy_id ORDER BY legacy_id) FROM kassa.legacy_ids l
             JOIN kassa.customers c ON c.tenant_id = l.tenant_id AND c.id = l.kassa_id
            WHERE l.tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a' AND l.kind = 'customer'),
          ARRAY['C-1', 'C-2'], 'each imported customer keeps its legacy id');
SELECT is((SELECT array_agg(DISTINCT actor_sub) FROM audit.log
            WHERE (table_name = 'kassa.customers' AND new_row ->> 'email' LIKE '%@legacy.example')
               OR (table_name = 'kassa.legacy_ids' AND tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a')),
          ARRAY['cli:import:customers'], 'the writes are audited under the import''s actor');
SELECT is(pg_temp.reasons('customers', jsonb_build_array(pg_temp.customer('C-1', '{"email": "changed"}'), pg_temp.customer('C-4')),
                          'all_or_nothing'),
          ARRAY['imported before', 'imported'], 're-run: an imported row is skipped, not refused, and the new one imported');
SELECT is((SELECT count(*)::int FROM kassa.customers WHERE email LIKE '%@legacy.example'), 3, '... nothing twice');

-- Services.
INSERT INTO kassa.products (tenant_id, id, code, name, kind) VALUES
  ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-1111-4000-8000-000000000001', 'fibre-20', 'Fibre 20', 'plan');
INSERT INTO kassa.price_versions (tenant_id, product_id, price, interval, valid_from)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-1111-4000-8000-000000000001', 49900, 'monthly',
        internal.tenant_today('aaaaaaaa-0000-4000-8000-00000000000a') - 30);
SELECT is(pg_temp.reasons('services', '[
  {"legacy_id": "S-1", "customer_legacy_id": "C-9", "plan_code": "fibre-20", "billing_day": "1", "start_date": "2024-01-01"},
  {"legacy_id": "S-2", "customer_legacy_id": "C-1", "plan_code": "fibre-99", "billing_day": "1", "start_date": "2024-01-01"},
  {"legacy_id": "S-3", "customer_legacy_id": "C-1", "plan_code": "fibre-20", "billing_day": "2", "start_date": "2024-01-01"},
  {"legacy_id": "S-4", "customer_legacy_id": "C-1", "plan_code": "fibre-20", "billing_day": "1", "start_date": "2024-02-30"},
  {"legacy_id": "S-5", "customer_legacy_id": "C-1", "plan_code": "fibre-20", "billing_day": "1", "start_date": "2024-01-01", "status": "gone"},
  {"legacy_id": "S-6", "customer_legacy_id": "C-1", "plan_code": "fibre-20", "billing_day": "1", "start_date": "2099-01-01"}]'),
  ARRAY['customer_legacy_id C-9 is no imported customer', 'plan_code fibre-99 is no plan of the tenant',
        'billing_day 2 is not one of the tenant''s (1, 5, 25, 30)', 'start_date "2024-02-30" is not a date (YYYY-MM-DD)',
        'status "gone" is not pending, active or suspended', 'start_date 2099-01-01 is after today: import the service as pending'],
  'services: unknown customer, unknown plan, billing day, date, status, a future start of an active service');
SELECT internal.act_as('cli:import:services');
SELECT is(pg_temp.reasons('services', '[{"legacy_id": "S-1", "customer_legacy_id": "C-1", "plan_code": "fibre-20", "billing_day": "1", "start_date": "2024-01-01"}]', 'all_or_nothing'),
          ARRAY['imported'], 'a service imported');
SELECT is((SELECT (status, activated_on, next_billing_date > internal.tenant_today(tenant_id))::text FROM kassa.services
            WHERE id = (SELECT kassa_id FROM kassa.legacy_ids WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a' AND kind = 'service' AND legacy_id = 'S-1')),
          '(active,2024-01-01,t)', '... active since its start, billed by Kassa from the next billing day');

-- Balances.
SELECT is(pg_temp.reasons('balances', '[{"customer_legacy_id": "C-9", "amount": "1", "as_of": "2026-01-01"},
                                         {"customer_legacy_id": "C-1", "amount": "1.005", "as_of": "2026-01-01"},
                                         {"customer_legacy_id": "C-2", "amount": "1,50", "as_of": "2026-01-01"},
                                         {"customer_legacy_id": "C-4", "amount": "0.00", "as_of": "2026-01-01"},
                                         {"customer_legacy_id": "C-4", "amount": "5", "as_of": "2026-01-01"}]'),
          ARRAY['customer_legacy_id C-9 is no imported customer',
                'amount "1.005" is not an amount in major units with a decimal point (e.g. 1250.50)',
                'amount "1,50" is not an amount in major units with a decimal point (e.g. 1250.50)',
                'amount is zero: no opening balance to post', 'customer_legacy_id C-4 repeats line 5'],
          'balances: unknown customer, more decimals than the currency has, a decimal comma, zero, twice');
SELECT is(pg_temp.reasons('balances', '[{"customer_legacy_id": "C-1", "amount": "1", "as_of": "2099-01-01"}]'),
          ARRAY['as_of 2099-01-01 is after today'], 'an opening balance dated ahead');
SELECT internal.act_as('cli:import:balances');
SELECT is(pg_temp.reasons('balances', '[{"customer_legacy_id": "C-1", "amount": "50.00", "as_of": "2026-11-30"},
                                         {"customer_legacy_id": "C-2", "amount": "-120.50", "as_of": "2026-11-30"}]', 'all_or_nothing'),
          ARRAY['imported', 'imported'], 'opening balances imported');
SELECT is((SELECT array_agg((l.kind, l.amount, l.source_type)::text ORDER BY l.amount) FROM kassa.ledger_entries l
            JOIN kassa.legacy_ids c ON c.kassa_id = l.customer_id AND c.tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a' AND c.kind = 'customer' WHERE c.legacy_id IN ('C-1', 'C-2')),
          ARRAY['(opening_balance,-12050,legacy_balance)', '(opening_balance,5000,legacy_balance)'],
          '... each an opening_balance entry of the ledger, even below the credit limit');

-- Invoices.
SELECT is(pg_temp.reasons('invoices', '[
  {"legacy_number": "OLD-1", "customer_legacy_id": "C-1", "issued_on": "2026-10-01", "due_on": "2026-10-15", "amount_due": "30", "currency": "EUR"},
  {"legacy_number": "OLD-2", "customer_legacy_id": "C-1", "issued_on": "2026-10-01", "due_on": "2026-09-15", "amount_due": "30"},
  {"legacy_number": "OLD-3", "customer_legacy_id": "C-1", "issued_on": "2026-10-01", "due_on": "2026-10-15", "amount_due": "-30"},
  {"legacy_number": "OLD-3", "customer_legacy_id": "C-1", "issued_on": "2026-10-01", "due_on": "2026-10-15", "amount_due": "30"}]'),
  ARRAY['currency EUR is not the tenant''s (ZAR): accounts are kept in one currency', 'due_on 2026-09-15 is before issued_on 2026-10-01',
        'amount_due -30 is not positive: an open invoice owes something', 'legacy_number OLD-3 repeats line 4'],
  'invoices: another currency, due before issued, nothing owed, a legacy number twice');
SELECT internal.act_as('cli:import:invoices');
SELECT is(pg_temp.reasons('invoices', '[
  {"legacy_number": "OLD-1", "customer_legacy_id": "C-1", "issued_on": "2026-10-01", "due_on": "2026-10-15", "amount_due": "30.00"},
  {"legacy_number": "OLD-2", "customer_legacy_id": "C-2", "issued_on": "2026-10-01", "due_on": "2026-10-15", "amount_due": "20.00"}]',
  'all_or_nothing'), ARRAY['imported', 'imported'], 'open invoices imported');
SELECT is((SELECT array_agg((legacy_number, number, status, amount_due)::text ORDER BY legacy_number) FROM kassa.invoices
            WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a' AND legacy_number IS NOT NULL),
          ARRAY['(OLD-1,,paid,0)', '(OLD-2,,overdue,2000)'],
          'under their legacy number, no Kassa number; the credit of an opening balance settles one at once');
SELECT is((SELECT count(*)::int FROM kassa.counters WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a' AND kind = 'invoice'), 0,
          'Kassa''s invoice series is untouched');
SELECT is((SELECT balance FROM kassa.billing_accounts a JOIN kassa.legacy_ids c ON c.kassa_id = a.customer_id
            WHERE c.tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a' AND c.kind = 'customer' AND c.legacy_id = 'C-2'), -14050::bigint,
          'an open invoice debits the ledger by its amount due (opening balance -120.50, invoice 20.00)');
SELECT is_empty($$SELECT * FROM internal.ledger_mismatches('aaaaaaaa-0000-4000-8000-00000000000a')$$,
                'the ledger stays consistent with the cached balances');

-- Mandates.
SELECT set_config('app.settings.payment_method_key', 'test-key-72', true);
SELECT is(pg_temp.reasons('mandates', '[
  {"legacy_id": "M-1", "customer_legacy_id": "C-1", "bank": "FNB", "account_type": "loan", "account_number": "62000001234", "mandate_reference": "MR-1", "netcash_account_ref": "LEG1"},
  {"legacy_id": "M-2", "customer_legacy_id": "C-1", "bank": "FNB", "account_type": "cheque", "account_number": "620-0", "mandate_reference": "MR-2", "netcash_account_ref": "LEG2"},
  {"legacy_id": "M-3", "customer_legacy_id": "C-1", "bank": "FNB", "account_type": "cheque", "account_number": "62000001234", "mandate_reference": "MR-3"},
  {"legacy_id": "M-4", "customer_legacy_id": "C-1", "bank": "FNB", "account_type": "cheque", "account_number": "62000001234", "mandate_reference": " ", "netcash_account_ref": "LEG4"}]'),
  ARRAY['account_type "loan" is not current, cheque, savings or transmission', 'account_number is not 6 to 20 digits',
        'netcash_account_ref is missing: an active mandate is debited under its NetCash account reference',
        'mandate_reference is missing'],
  'mandates: account type, account number, an active mandate''s NetCash reference, the mandate reference');
SELECT internal.act_as('cli:import:mandates');
SELECT is(pg_temp.reasons('mandates', '[
  {"legacy_id": "M-1", "customer_legacy_id": "C-1", "bank": "FNB", "account_type": "cheque", "account_number": "6200 0001 234", "mandate_reference": "MR-1", "netcash_account_ref": "leg1"}]',
  'all_or_nothing'), ARRAY['imported'], 'a mandate imported');
SELECT is((SELECT (kind, mandate_status, netcash_account_ref, account_masked, is_primary)::text FROM kassa.payment_methods
            WHERE id = (SELECT kassa_id FROM kassa.legacy_ids WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a' AND kind = 'mandate' AND legacy_id = 'M-1')),
          '(debit_order,active,LEG1,***1234,t)', '... an active debit order under its NetCash reference, the account masked');
SELECT is((SELECT internal.payment_method_details(tenant_id, kassa_id) ->> 'account_number' FROM kassa.legacy_ids
            WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a' AND kind = 'mandate' AND legacy_id = 'M-1'), '62000001234', '... the account number kept encrypted');

-- Whole-file refusals.
SELECT throws_ok($$SELECT * FROM internal.import_legacy('aaaaaaaa-0000-4000-8000-00000000000a', 'payments', '[{"line": 2}]', 'dry_run')$$,
                 'P0J20', 'unknown import kind "payments"', 'an unknown kind');
SELECT throws_ok($$SELECT * FROM internal.import_legacy('aaaaaaaa-0000-4000-8000-00000000000a', 'balances',
                     '[{"line": 2, "customer_legacy_id": "C-1", "amount": "1", "as_of": "2026-01-01", "colour": "red"}]', 'dry_run')$$,
                 'P0J21', 'unknown column(s) for balances: colour', 'an unknown column');
SELECT throws_ok($$SELECT * FROM internal.import_legacy('aaaaaaaa-0000-4000-8000-00000000000a', 'balances',
                     '[{"line": 2, "customer_legacy_id": "C-1", "amount": "1"}]', 'dry_run')$$,
                 'P0J21', 'missing column(s) for balances: as_of', 'a required column missing');
SELECT throws_ok($$SELECT * FROM internal.import_legacy('aaaaaaaa-0000-4000-8000-00000000000a', 'balances', '[{"line": 2}]', 'maybe')$$,
                 'P0J22', 'unknown import mode "maybe"', 'an unknown mode');
SELECT throws_ok($$SELECT * FROM internal.import_legacy('aaaaaaaa-0000-4000-8000-00000000000a', 'balances', '[{"line": 2}, {"line": 2}]', 'dry_run')$$,
                 'P0J23', NULL, 'rows without a line number of their own');
SELECT throws_ok($$SELECT * FROM internal.import_legacy('dddddddd-0000-4000-8000-00000000000d', 'balances', '[{"line": 2}]', 'dry_run')$$,
                 'P0T02', NULL, 'an unknown tenant');

SELECT * FROM finish();
ROLLBACK;
