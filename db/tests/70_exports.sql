-- Exports for the accountant: a tenant-local period, amounts in major units, RFC 4180 CSV, the
-- DATEV batch of a German tenant, row-level security, and every refusal with its code.
BEGIN;
SELECT plan(35);
CREATE TEMP TABLE ids AS SELECT 'bbbbbbbb-0000-4000-8000-00000000000b'::uuid AS tb,
  'bbbbbbbb-0000-4000-8000-0000000000b1'::uuid AS b1, 'aaaaaaaa-0000-4000-8000-00000000000a'::uuid AS ta,
  'aaaaaaaa-0000-4000-8000-0000000000a1'::uuid AS a1;
CREATE TEMP TABLE inv (name text, id uuid);
\ir helpers/invoices.sql
\ir helpers/two_tenants.sql
INSERT INTO kassa.vat_rates (tenant_id, category, rate) VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'reduced', 7);

-- Amounts: minor units with the currency's exponent, never a float.
SELECT is(ARRAY[internal.major_units(123450, 2::smallint), internal.major_units(-5, 2::smallint),
                internal.major_units(7, 0::smallint), internal.major_units(1234567, 3::smallint),
                internal.major_units(123450, 2::smallint, ','), internal.major_units(0, 2::smallint)],
          ARRAY['1234.50', '-0.05', '7', '1234.567', '1234,50', '0.00'], 'major units with the currency''s exponent');

-- Tenant B (Berlin): invoices on the last day of February, in March and on 1 April; a
-- credit note in March whose reason needs quoting.
INSERT INTO inv SELECT 'feb', pg_temp.issued(tb, b1, ARRAY[1000], '2026-02-28') FROM ids;
INSERT INTO inv SELECT 'mar', pg_temp.issued(tb, b1, ARRAY[10000, 5000], '2026-03-01', ARRAY['standard', 'reduced']) FROM ids;
INSERT INTO inv SELECT 'end', pg_temp.issued(tb, b1, ARRAY[99], '2026-03-31') FROM ids;
INSERT INTO inv SELECT 'apr', pg_temp.issued(tb, b1, ARRAY[2000], '2026-04-01') FROM ids;
SELECT internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'mar'), 'Router "broken", returned', 'balance',
  jsonb_build_array(jsonb_build_object('invoice_line_id', (pg_temp.lines((SELECT id FROM inv WHERE name = 'mar')))[1],
                                       'amount', 2000)), '2026-03-10') FROM ids;
-- The customer's company name comes later: the documents keep the name they were issued to.
UPDATE kassa.customers SET company_name = 'Berta GmbH' WHERE id = 'bbbbbbbb-0000-4000-8000-0000000000b1';

SELECT is((SELECT array_agg((number, issued_on, vat_category, vat_rate, net, vat, gross)::text)
             FROM ids, internal.export_invoices(tb, '2026-03-01', '2026-03-31')),
          ARRAY['(INV-2026-00002,2026-03-01,reduced,7.00,50.00,3.50,53.50)',
                '(INV-2026-00002,2026-03-01,standard,19.00,100.00,19.00,119.00)',
                '(INV-2026-00003,2026-03-31,standard,19.00,0.99,0.19,1.18)'],
          'invoices issued in the period, one row per VAT category and rate, in major units');
SELECT is((SELECT (sum(net::numeric), sum(vat::numeric), sum(gross::numeric))::text
             FROM ids, internal.export_invoices(tb, '2026-03-01', '2026-03-31')),
          (SELECT ((sum(net_total) / 100.0)::numeric(20, 2), (sum(vat_total) / 100.0)::numeric(20, 2),
                  (sum(total) / 100.0)::numeric(20, 2))::text
             FROM kassa.invoices
            WHERE id IN (SELECT id FROM inv WHERE name IN ('mar', 'end'))),
          'the rows add up to the invoices'' totals to the cent');
SELECT is((SELECT array_agg(DISTINCT (customer_account, customer_name, currency)::text)
             FROM ids, internal.export_invoices(tb, '2026-03-01', '2026-03-31')),
          (SELECT ARRAY[format('(%s,"Berta B1",EUR)', account_number)] FROM kassa.customers
            WHERE id = 'bbbbbbbb-0000-4000-8000-0000000000b1'),
          'the customer as the invoice names them (its frozen recipient), and the currency');
SELECT is((SELECT array_agg((number, invoice_number, settlement, reason, vat_category, net, vat, gross)::text)
             FROM ids, internal.export_credit_notes(tb, '2026-03-01', '2026-03-31')),
          ARRAY['(CN-2026-00001,INV-2026-00002,balance,"Router ""broken"", returned",standard,20.00,3.80,23.80)'],
          'credit notes issued in the period with their invoice, amounts positive');
SELECT is((SELECT count(*)::int FROM ids, internal.export_invoices(tb, '2026-04-02', '2026-04-30')), 0,
          'a quiet period has no rows');

-- The CSV document: header row, CRLF, RFC 4180 quoting (a reason with a comma and quotes).
SELECT is((SELECT internal.csv(ARRAY(SELECT e FROM internal.export_credit_notes(tb, '2026-03-01', '2026-03-31') e))
             FROM ids),
          (SELECT 'number,issued_on,invoice_number,invoice_issued_on,settlement,reason,customer_account,customer_name,'
                  'customer_vat_number,currency,vat_category,vat_rate,net,vat,gross,credit_note_id,invoice_id,customer_id'
                  || E'\r\n' || format('CN-2026-00001,2026-03-10,INV-2026-00002,2026-03-01,balance,"Router ""broken"", returned",'
                                       '%s,Berta B1,,EUR,standard,19.00,20.00,3.80,23.80,%s,%s,%s',
                                       c.account_number, n.id, n.invoice_id, c.id) || E'\r\n'
             FROM kassa.credit_notes n JOIN kassa.customers c ON c.id = n.customer_id
            WHERE n.number = 'CN-2026-00001' AND n.tenant_id = 'bbbbbbbb-0000-4000-8000-00000000000b'),
          'the CSV: header row, one CRLF line per row, fields quoted when they must be');
SELECT is((SELECT internal.csv(ARRAY(SELECT e FROM internal.export_payments(tb, '2026-05-01', '2026-05-31') e)) FROM ids),
          'posted_on,posted_at,kind,payment_id,refund_id,customer_account,customer_name,method,provider,provider_ref,'
          'purpose,invoice_number,currency,amount,bonus,customer_id' || E'\r\n',
          'an empty period still has its header row');

-- Money and ledger entries around midnight in Berlin: 22:30 UTC on 28 February is still
-- February there, 23:30 UTC is 1 March; 22:30 UTC on 31 March (summer time) is 1 April.
INSERT INTO kassa.payments (tenant_id, id, customer_id, provider, provider_ref, method, purpose, status, amount, bonus,
                            currency, completed_at, invoice_id)
SELECT tb, p.id, b1, 'manual', p.ref, p.method, 'payment', 'completed', p.amount, 0, 'EUR', p.at::timestamptz,
       (SELECT id FROM inv WHERE name = 'mar')
  FROM ids, (VALUES ('bbbbbbbb-0000-4000-8000-0000000000f1'::uuid, 'BANK-1', 'eft', 500, '2026-02-28 22:30+00'),
                    ('bbbbbbbb-0000-4000-8000-0000000000f2', 'BANK-2', 'eft', 14850, '2026-02-28 23:30+00'),
                    ('bbbbbbbb-0000-4000-8000-0000000000f3', 'CASH-3', 'cash', 1000, '2026-03-31 21:30+00'),
                    ('bbbbbbbb-0000-4000-8000-0000000000f4', 'BANK-4', 'eft', 700, '2026-03-31 22:30+00'))
       AS p (id, ref, method, amount, at);
INSERT INTO kassa.payment_refunds (tenant_id, payment_id, customer_id, kind, amount, reason, created_at)
SELECT tb, 'bbbbbbbb-0000-4000-8000-0000000000f2', b1, 'refund', 850, 'overpaid', '2026-03-15 10:00+00' FROM ids;
SELECT is((SELECT array_agg((posted_on, posted_at, kind, method, provider_ref, invoice_number, amount)::text)
             FROM ids, internal.export_payments(tb, '2026-03-01', '2026-03-31')),
          ARRAY['(2026-03-01,"2026-03-01 00:30:00",payment,eft,BANK-2,INV-2026-00002,148.50)',
                '(2026-03-15,"2026-03-15 11:00:00",refund,eft,BANK-2,INV-2026-00002,-8.50)',
                '(2026-03-31,"2026-03-31 23:30:00",payment,cash,CASH-3,INV-2026-00002,10.00)'],
          'payments and refunds of the period by the tenant''s clock; refunds negative');

SELECT pg_temp.post(tb, b1, 'adjustment', 100, 'l-feb') FROM ids;
SELECT pg_temp.post(tb, b1, 'adjustment', 200, 'l-mar') FROM ids;
SELECT pg_temp.post(tb, b1, 'adjustment', 300, 'l-apr') FROM ids;
ALTER TABLE kassa.ledger_entries DISABLE TRIGGER append_only;
UPDATE kassa.ledger_entries SET created_at = CASE source_id WHEN 'l-feb' THEN '2026-02-28 22:30+00'
  WHEN 'l-mar' THEN '2026-02-28 23:30+00' WHEN 'l-apr' THEN '2026-03-31 22:30+00' ELSE '2026-01-15 12:00+00' END::timestamptz
 WHERE tenant_id = 'bbbbbbbb-0000-4000-8000-00000000000b';
ALTER TABLE kassa.ledger_entries ENABLE TRIGGER append_only;
SELECT is((SELECT array_agg((posted_on, source_id, amount)::text)
             FROM ids, internal.export_ledger(tb, '2026-03-01', '2026-03-31')),
          ARRAY['(2026-03-01,l-mar,2.00)'], 'ledger entries of the period by the tenant''s clock, in major units');
SELECT is((SELECT balance_after FROM ids, internal.export_ledger(tb, '2026-03-01', '2026-03-31')),
          (SELECT internal.major_units(balance_after, 2::smallint) FROM kassa.ledger_entries WHERE source_id = 'l-mar'),
          'with the balance after each entry');

-- Refusals: each with its code, nothing changed (exports only read).
SELECT throws_ok($$SELECT * FROM internal.export_invoices('bbbbbbbb-0000-4000-8000-00000000000b', NULL, '2026-03-31')$$,
                 'P0G20', 'an export needs a period: from and to', 'a period without its start is refused');
SELECT throws_ok($$SELECT * FROM internal.export_ledger('bbbbbbbb-0000-4000-8000-00000000000b', '2026-04-01', '2026-03-01')$$,
                 'P0G21', 'the period 2026-04-01 to 2026-03-01 is empty', 'a period ending before it starts is refused');
SELECT throws_ok($$SELECT * FROM internal.export_payments('bbbbbbbb-0000-4000-8000-00000000000b', '2025-01-01', '2026-01-02')$$,
                 'P0G22', 'the period 2025-01-01 to 2026-01-02 is longer than 366 days', 'more than a year is refused');
SELECT lives_ok($$SELECT * FROM internal.export_payments('bbbbbbbb-0000-4000-8000-00000000000b', '2024-01-01', '2024-12-31')$$,
                'a leap year of 366 days is one period');
SELECT throws_ok($$SELECT * FROM internal.export_credit_notes('dddddddd-0000-4000-8000-00000000000d', '2026-03-01', '2026-03-31')$$,
                 'P0G23', 'unknown tenant dddddddd-0000-4000-8000-00000000000d', 'an unknown tenant is refused');

-- Row-level security: staff export their own tenant; nobody else reads another tenant's rows.
SELECT pg_temp.act_as('staff', tb) FROM ids;
SELECT is((SELECT count(*)::int FROM internal.export_invoices('bbbbbbbb-0000-4000-8000-00000000000b', '2026-03-01', '2026-03-31')),
          3, 'staff read their tenant''s rows');
SELECT ok((SELECT api.export_invoices('2026-03-01', '2026-03-31')) LIKE '%INV-2026-00003%', 'and export them');
SELECT pg_temp.act_as('staff', ta) FROM ids;
SELECT is((SELECT api.export_invoices('2026-03-01', '2026-03-31')::text),
          'number,issued_on,due_on,status,customer_account,customer_name,customer_vat_number,currency,vat_category,'
          'vat_rate,net,vat,gross,supplied_on,period_start,period_end,invoice_id,customer_id' || E'\r\n',
          'another tenant''s staff export nothing of it: the header row alone');
SELECT throws_ok($$SELECT * FROM internal.export_invoices('bbbbbbbb-0000-4000-8000-00000000000b', '2026-03-01', '2026-03-31')$$,
                 'P0G23', NULL, 'nor by naming the tenant');
SELECT pg_temp.act_as('customer', tb, b1) FROM ids;
SELECT throws_ok($$SELECT api.export_ledger('2026-03-01', '2026-03-31')$$, '42501', NULL,
                 'customers have their statement, not the accountant''s exports');
SELECT pg_temp.act_as_owner();

-- DATEV: German tenants only, with their settings, within one fiscal year, accounts that fit.
SELECT throws_ok($$SELECT internal.datev_batch('aaaaaaaa-0000-4000-8000-00000000000a', '2026-03-01', '2026-03-31')$$,
                 'P0G24', 'DATEV batches are for German tenants; this one is in ZA', 'not for a South African tenant');
SELECT throws_ok($$SELECT internal.datev_batch('bbbbbbbb-0000-4000-8000-00000000000b', '2026-03-01', '2026-03-31')$$,
                 'P0G25', 'the tenant has no DATEV settings', 'not without DATEV settings');
SELECT pg_temp.act_as('staff', tb) FROM ids;
INSERT INTO api.datev_settings (chart, consultant_number, client_number, fiscal_year_start, debtor_account, bank_account,
                                cash_account)
VALUES ('SKR03', 29098, 55003, 1, 10000, 1200, 1000);
INSERT INTO api.datev_revenue_accounts (vat_category, vat_rate, account) VALUES ('standard', 19, 8400);
SELECT pg_temp.act_as_owner();
SELECT throws_ok($$SELECT internal.datev_batch('bbbbbbbb-0000-4000-8000-00000000000b', '2026-03-01', '2026-03-31')$$,
                 'P0G27', 'no DATEV revenue account for VAT reduced at 7.00 %', 'every VAT rate of the period needs its account');
SELECT pg_temp.act_as('staff', tb) FROM ids;
INSERT INTO api.datev_revenue_accounts (vat_category, vat_rate, account, tax_key) VALUES ('reduced', 7, 8300, NULL);
INSERT INTO api.datev_debtor_accounts (customer_id, account) VALUES ('bbbbbbbb-0000-4000-8000-0000000000b1', 123);
SELECT pg_temp.act_as_owner();
SELECT throws_ok($$SELECT internal.datev_batch('bbbbbbbb-0000-4000-8000-00000000000b', '2026-03-01', '2026-03-31')$$,
                 'P0G28', 'accounts 123 do not fit the account length 4', 'a debtor account of the wrong length is refused');
UPDATE kassa.datev_debtor_accounts SET account = 12345;
UPDATE kassa.datev_settings SET fiscal_year_start = 3;
SELECT throws_ok($$SELECT internal.datev_batch('bbbbbbbb-0000-4000-8000-00000000000b', '2026-02-01', '2026-03-31')$$,
                 'P0G26', 'the period 2026-02-01 to 2026-03-31 is not within one fiscal year (it starts 2025-03-01)',
                 'a batch lies within one fiscal year');
UPDATE kassa.datev_settings SET fiscal_year_start = 1;

CREATE TEMP TABLE batch AS
  SELECT n, line FROM ids, regexp_split_to_table(internal.datev_batch(tb, '2026-03-01', '2026-03-31'), E'\r\n') WITH ORDINALITY s(line, n);
SELECT matches((SELECT line FROM batch WHERE n = 1),
               '^"EXTF";700;21;"Buchungsstapel";12;2026\d{13};;"";"Kassa";"";29098;55003;20260101;4;20260301;20260331;"Kassa 20260301-20260331";"";1;0;0;"EUR";;"";;;"03";;;"";""$',
               'the header: EXTF 700, category 21, format version 12, consultant, client, fiscal year, period, SKR03');
SELECT is((SELECT cardinality(string_to_array(line, ';')) FROM batch WHERE n = 2), 120, 'the column line names 120 fields');
SELECT is((SELECT array_agg(DISTINCT cardinality(string_to_array(line, ';'))) FROM batch WHERE n > 2 AND line <> ''),
          ARRAY[120], 'every booking line has the 120 fields');
SELECT is((SELECT array_agg(array_to_string((string_to_array(line, ';'))[1:14], ';') ORDER BY n) FROM batch WHERE n > 2 AND line <> ''),
          ARRAY['53,50;"S";"EUR";;;;12345;8300;"";0103;"INV-2026-00002";"";;"Berta B1"',
                '119,00;"S";"EUR";;;;12345;8400;"";0103;"INV-2026-00002";"";;"Berta B1"',
                '148,50;"S";"EUR";;;;1200;12345;"";0103;"INV-2026-00002";"";;"Zahlung Berta GmbH"',
                '23,80;"H";"EUR";;;;12345;8400;"";1003;"CN-2026-00001";"";;"INV-2026-00002 Router ""broken"", returned"',
                '8,50;"H";"EUR";;;;1200;12345;"";1503;"INV-2026-00002";"";;"Erstattung Berta GmbH"',
                '1,18;"S";"EUR";;;;12345;8400;"";3103;"INV-2026-00003";"";;"Berta B1"',
                '10,00;"S";"EUR";;;;1000;12345;"";3103;"INV-2026-00002";"";;"Zahlung Berta GmbH"'],
          'one booking per invoice and VAT rate, credit note, payment and refund: amount, S/H, accounts, date, document');
SELECT is((SELECT (string_to_array(line, ';'))[115] FROM batch WHERE line LIKE '119,00;%'), '01012026',
          'an invoice''s supply date is its Leistungsdatum');
SELECT is((SELECT internal.datev_text('Müller € 😀' || E'\n' || 'x', 60)), '"Müller € ? x"',
          'text is quoted; what Windows-1252 cannot write becomes ?, line breaks spaces');
SELECT pg_temp.act_as('staff', tb) FROM ids;
SELECT is((SELECT position('\xfc'::bytea IN api.export_datev('2026-03-01', '2026-03-31')) > 0),
          true, 'the API answers Windows-1252 bytes (ü is one byte, FC)');
SELECT is(current_setting('response.headers')::jsonb -> 1 ->> 'Content-Type', 'text/csv; charset=windows-1252',
          'named as CSV in Windows-1252');
SELECT pg_temp.act_as('staff', ta) FROM ids;
SELECT is((SELECT count(*)::int FROM api.datev_settings) + (SELECT count(*)::int FROM api.datev_revenue_accounts), 0,
          'another tenant''s staff see nothing of the DATEV mapping');
SELECT pg_temp.act_as_owner();

SELECT * FROM finish();
ROLLBACK;
