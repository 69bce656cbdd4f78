-- Poison inputs (issue 8): numbers are finite, business dates lie in the tenant's window,
-- required text is not blank (any white space), every text has a length limit; the functions
-- answer a P0V code naming the field, the constraints are the last line of defence.
BEGIN;
SELECT plan(49);
\ir helpers/invoices.sql
\ir helpers/two_tenants.sql
\ir helpers/catalog.sql
\ir helpers/clock.sql
-- 15 June 2026 in Johannesburg: tenant A's window is 17 March 2026 to 16 June 2027.
SELECT pg_temp.travel_to('2026-06-15 10:00+00');
SELECT pg_temp.new_service(1, 1);
SELECT pg_temp.new_service(2, 1);

-- The catalog: every text column of a tenant's table (and of kassa.tenants) has a length
-- limit: a CHECK with char_length/length, a type with a length (char(3), varchar(n)), or a
-- closed list of values. Exemptions: none (jsonb, bytea and the secrets are not text).
SELECT is_empty($$
  SELECT c.relname || '.' || a.attname FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'kassa'
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
   WHERE c.relkind IN ('r', 'p')
     AND (c.relname = 'tenants' OR EXISTS (SELECT FROM pg_attribute t WHERE t.attrelid = c.oid AND t.attname = 'tenant_id'))
     AND a.atttypid IN ('text'::regtype, 'varchar'::regtype, 'bpchar'::regtype, 'text[]'::regtype, 'varchar[]'::regtype)
     AND a.atttypmod < 0
     AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'c'
                        AND a.attnum = ANY (k.conkey)
                        AND (pg_get_constraintdef(k.oid) ~ ('(char_length|length)\((\(|array_to_string\()*' || quote_ident(a.attname) || '\M')
                             OR pg_get_constraintdef(k.oid) ~ ('^CHECK \(\(' || quote_ident(a.attname) || ' = ANY \(ARRAY\[')))
$$, 'every text column of a tenant''s table has a length limit');
-- Every numeric column refuses NaN and infinity (NaN > 0 is true in PostgreSQL).
SELECT is_empty($$
  SELECT c.relname || '.' || a.attname FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'kassa'
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
   WHERE c.relkind IN ('r', 'p') AND a.atttypid = 'numeric'::regtype
     AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'c'
                        AND a.attnum = ANY (k.conkey) AND pg_get_constraintdef(k.oid) LIKE '%NaN%Infinity%')
$$, 'every numeric column refuses NaN and infinity');

-- 1. Numbers: NaN and ±Infinity are refused before any arithmetic, and nothing is stored.
SELECT throws_ok($$SELECT internal.add_fee('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000d001',
                                           'aaaaaaaa-0000-4000-8000-00000000f999', 'NaN')$$,
                 'P0V01', 'quantity must be a finite number, not NaN', 'a fee quantity of NaN is refused');
SELECT throws_ok($$SELECT internal.add_fee('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000d001',
                                           'aaaaaaaa-0000-4000-8000-00000000f999', '-Infinity')$$,
                 'P0V01', NULL, 'a fee quantity of -Infinity is refused');
SELECT is((SELECT count(*) FROM kassa.pending_charges WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'), 0::bigint,
          'no charge was stored');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
CREATE TEMP TABLE made AS SELECT (api.create_invoice('aaaaaaaa-0000-4000-8000-0000000000a1')).id;
SELECT throws_ok($$SELECT api.add_invoice_line((SELECT id FROM made), 'Router', 4999, 'Infinity')$$,
                 'P0V01', 'quantity must be a finite number, not Infinity', 'an invoice line quantity of Infinity is refused');
SELECT pg_temp.act_as_owner();
-- The constraints behind (triggers off: what a path around the functions would meet).
SET LOCAL session_replication_role = replica;
SELECT throws_ok($$INSERT INTO kassa.pending_charges (tenant_id, customer_id, service_id, kind, description, price_version_id,
                                                      quantity, unit_price)
                   VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1',
                           'aaaaaaaa-0000-4000-8000-00000000d001', 'one_off', 'Fee', 'aaaaaaaa-0000-4000-8000-00000000f999',
                           'NaN', 100)$$,
                 '23514', NULL, 'the constraint pending_charges_quantity_finite refuses NaN');
SELECT throws_ok($$INSERT INTO kassa.credit_note_vat_totals (tenant_id, credit_note_id, vat_category, vat_rate, net, vat, gross,
                                                            vat_code)
                   VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', gen_random_uuid(), 'standard', 'NaN', 0, 0, 0, 'S')$$,
                 '23514', NULL, 'the constraint credit_note_vat_totals_vat_rate_finite refuses NaN');
RESET session_replication_role;

-- 2. Dates: within 90 days back and 366 ahead of the tenant's today, unless it says otherwise.
SELECT throws_ok($$SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'activate', '0026-06-15')$$,
                 'P0V02', 'effective date 0026-06-15 is outside the allowed window 2026-03-17 to 2027-06-16',
                 'an activation in the year 0026 is refused');
SELECT throws_ok($$SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'activate', '2026-03-16')$$,
                 'P0V02', NULL, 'an activation 91 days back is refused');
SELECT throws_ok($$SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'activate', '2027-06-17')$$,
                 'P0V02', NULL, 'an activation 367 days ahead is refused');
SELECT is((SELECT status FROM kassa.services WHERE id = 'aaaaaaaa-0000-4000-8000-00000000d001'), 'pending',
          'the refused activations changed nothing');
SELECT is((SELECT activated_on FROM pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'activate', '2026-03-17')),
          '2026-03-17'::date, 'an activation 90 days back is accepted');
SELECT lives_ok($$SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d002', 'cancel', '2027-06-16')$$,
                'a cancellation 366 days ahead is accepted');
-- The tenant's setting, edited by staff like the other billing settings.
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
UPDATE api.billing_settings SET date_window_back_days = 400, date_window_forward_days = 30;
SELECT is((SELECT (date_window_back_days, date_window_forward_days) FROM api.billing_settings),
          (400, 30), 'staff widen the window back and narrow it ahead');
SELECT throws_ok($$UPDATE api.billing_settings SET date_window_back_days = -1$$, '23514', NULL,
                 'a negative window is refused (tenants_date_window_back_days_range)');
SELECT throws_ok($$UPDATE api.billing_settings SET date_window_forward_days = 3661$$, '23514', NULL,
                 'a window over ten years is refused (tenants_date_window_forward_days_range)');
SELECT pg_temp.act_as_owner();
SELECT pg_temp.new_service(3, 1);
SELECT is((SELECT activated_on FROM pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d003', 'activate', '2025-06-01')),
          '2025-06-01'::date, 'with 400 days back, an activation a year back is accepted');
SELECT throws_ok($$SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d003', 'suspend', '2026-07-16')$$,
                 'P0V02', NULL, 'with 30 days ahead, a suspension 31 days ahead is refused');
UPDATE kassa.tenants SET date_window_back_days = 90, date_window_forward_days = 366
 WHERE id = 'aaaaaaaa-0000-4000-8000-00000000000a';
-- The invoice run catches up on what is due, however far back (only dates callers give are checked).
SELECT ok((SELECT invoices FROM internal.invoice_run('2026-01-01', 'aaaaaaaa-0000-4000-8000-00000000000a')) > 0,
          'the invoice run on a date before the window still bills the service activated a year back');
SELECT throws_ok($$INSERT INTO kassa.price_versions (tenant_id, product_id, price, interval, valid_from)
                   VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000e100', 11000, 'monthly', '2126-06-15')$$,
                 'P0V02', 'valid_from 2126-06-15 is outside the allowed window 2026-03-17 to 2027-06-16',
                 'a price valid from 2126 is refused');
SELECT lives_ok($$INSERT INTO kassa.price_versions (tenant_id, product_id, price, interval, valid_from)
                  VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000e100', 11000, 'monthly', '2026-07-01')$$,
                'a price valid from next month is accepted');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT api.add_invoice_line((SELECT id FROM made), 'Router', 4999);
SELECT throws_ok($$SELECT api.add_invoice_line((SELECT id FROM made), 'Router', 4999, 1, 'standard', '0026-06-01', '0026-06-30')$$,
                 'P0V02', NULL, 'an invoice line for a period in 0026 is refused');
SELECT throws_ok($$SELECT api.create_invoice('aaaaaaaa-0000-4000-8000-0000000000a1', supplied_on => '2036-06-01')$$,
                 'P0V02', NULL, 'a supply date ten years ahead is refused');
SELECT throws_ok($$UPDATE api.invoices SET supplied_on = '2027-06-17' WHERE id = (SELECT id FROM made)$$,
                 'P0V02', NULL, 'a draft''s supply date PATCHed 367 days ahead is refused');
SELECT throws_ok($$UPDATE api.tenants SET name = repeat('t', 201)$$,
                 'P0V04', 'name is too long: 201 characters, at most 200', 'a tenant name of 201 characters is refused');
SELECT throws_ok($$SELECT api.finalise_invoice((SELECT id FROM made), '2025-06-15')$$,
                 'P0V02', 'issued_on 2025-06-15 is outside the allowed window 2026-03-17 to 2027-06-16',
                 'an issue date a year back is refused');
SELECT is((SELECT status FROM api.finalise_invoice((SELECT id FROM made))), 'finalised', 'issued today it is finalised');
SELECT throws_ok($$SELECT api.create_credit_note((SELECT id FROM made), 'Goodwill', issued_on => '2000-06-15')$$,
                 'P0V02', NULL, 'a credit note dated 2000 is refused');

-- 3. Blank means only white space of any kind: tabs, new lines, NBSP, the Unicode spaces.
SELECT is(ARRAY(SELECT internal.is_blank(t) FROM unnest(ARRAY[NULL, '', ' ', E'\t', E'\n\r', U&'\00A0', U&'\2003',
                                                               U&'\200B', U&'\3000', U&'\FEFF', U&' \00A0\0009\2028 ']) t),
          array_fill(true, ARRAY[11]), 'empty and every kind of white space alone are blank');
SELECT is(ARRAY(SELECT internal.is_blank(t) FROM unnest(ARRAY['a', U&'\00A0x\00A0', E'\t.']) t),
          ARRAY[false, false, false], 'any other character is not blank');
SELECT throws_ok($$SELECT api.void_invoice((SELECT id FROM made), E'\t\n')$$, 'P0I11', NULL,
                 'a tab and a new line are no reason to void');
SELECT throws_ok($$SELECT api.create_credit_note((SELECT id FROM made), U&'\00A0\00A0')$$,
                 'P0V03', 'reason is required and cannot be blank', 'non-breaking spaces are no reason for a credit note');
SELECT throws_ok($$UPDATE api.customers SET name = U&'\3000' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 'P0V03', 'name is required and cannot be blank', 'an ideographic space is no name');
SELECT throws_ok($$INSERT INTO api.products (code, name, kind) VALUES ('blank', E'\n', 'plan')$$,
                 'P0V03', 'name is required and cannot be blank', 'a new line is no product name');
SELECT pg_temp.act_as_owner();
SELECT throws_ok($$SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'suspend', NULL, NULL, E'\t')$$,
                 'P0S05', NULL, 'a tab is no reason to suspend a service');
SELECT throws_ok($$SELECT internal.customer_transition('aaaaaaaa-0000-4000-8000-00000000000a',
                                                       'aaaaaaaa-0000-4000-8000-0000000000a2', 'suspend', U&'\2003')$$,
                 'P0C05', NULL, 'an em space is no reason to suspend a customer');
SELECT throws_ok($$SELECT internal.record_manual_payment('aaaaaaaa-0000-4000-8000-00000000000a',
                   'aaaaaaaa-0000-4000-8000-0000000000a1', 1000, 'cash', U&'\00A0', 'R-1', 'tap')$$,
                 'P0P09', NULL, 'a non-breaking space is no reason for a manual payment');
-- The constraints behind.
SET LOCAL session_replication_role = replica;
SELECT throws_ok($$INSERT INTO kassa.products (tenant_id, code, name, kind)
                   VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'nbsp', U&'\00A0\2009', 'plan')$$,
                 '23514', NULL, 'the constraint products_name_not_blank refuses Unicode spaces');
RESET session_replication_role;

-- 4. Lengths: the field and its limit named, nothing stored, nothing in the audit log.
CREATE TEMP TABLE audit_before AS SELECT count(*) AS n FROM audit.log;
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT throws_ok($$UPDATE api.customers SET address = repeat('x', 8 * 1024 * 1024)$$,
                 'P0V04', 'address is too long: 8388608 characters, at most 1000', 'a customer''s 8 MB address is refused');
SELECT lives_ok($$UPDATE api.customers SET address = repeat('x', 1000)$$, 'an address of 1,000 characters is accepted');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT throws_ok($$UPDATE api.customers SET name = repeat('n', 201) WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a2'$$,
                 'P0V04', 'name is too long: 201 characters, at most 200', 'a name of 201 characters is refused');
SELECT throws_ok($$INSERT INTO api.products (code, name, kind, description) VALUES ('long', 'Long', 'fee', repeat('d', 501))$$,
                 'P0V04', 'description is too long: 501 characters, at most 500', 'a product description of 501 characters is refused');
SELECT throws_ok($$SELECT api.create_invoice('aaaaaaaa-0000-4000-8000-0000000000a1', repeat('n', 4001))$$,
                 'P0V04', 'notes is too long: 4001 characters, at most 4000', 'invoice notes of 4,001 characters are refused');
SELECT throws_ok($$UPDATE api.services SET installation_address = repeat('a', 1001)
                    WHERE id = 'aaaaaaaa-0000-4000-8000-00000000d001'$$,
                 'P0V04', NULL, 'an installation address of 1,001 characters is refused');
SELECT pg_temp.act_as_owner();
SELECT throws_ok($$SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'suspend', NULL, NULL, repeat('r', 501))$$,
                 'P0V04', 'reason is too long: 501 characters, at most 500', 'a reason of 501 characters is refused');
SELECT is((SELECT char_length(address) FROM kassa.customers WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'), 1000,
          'the accepted address is stored, the refused one never was');
SELECT is((SELECT count(*) FROM audit.log) - (SELECT n FROM audit_before), 1::bigint,
          'the audit log holds only the accepted change');
-- The constraints behind.
SET LOCAL session_replication_role = replica;
SELECT throws_ok($$UPDATE kassa.customers SET address = repeat('x', 1001) WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1'$$,
                 '23514', 'new row for relation "customers" violates check constraint "customers_address_max_length"',
                 'the constraint customers_address_max_length refuses 1,001 characters');
RESET session_replication_role;

SELECT * FROM finish();
ROLLBACK;
