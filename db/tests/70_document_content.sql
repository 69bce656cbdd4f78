-- What an issued document says (docs/documents.md): the parties' structured addresses, tax
-- numbers, bank account and buyer reference, the VAT breakdown with each category's UNTDID 5305
-- code and exemption reason, and the document's kind, all frozen at issue; the legal content
-- each country asks for, checked at finalisation (nothing issued when something is missing);
-- the IBAN's checksum.
BEGIN;
SELECT plan(47);
CREATE TEMP TABLE cn (name text PRIMARY KEY, id uuid);
\ir helpers/invoice_documents.sql
\ir helpers/clock.sql
SELECT pg_temp.travel_to('2026-06-30 12:00+00');

-- Issues drafts as a batch (the invoice run's path); their kinds, smallest total first.
CREATE FUNCTION pg_temp.kinds(p_tenant uuid, p_invoices uuid[]) RETURNS text[] LANGUAGE sql AS $$
  SELECT array_agg(f.document_kind ORDER BY f.total) FROM internal.finalise_invoices(p_tenant, p_invoices, '2026-06-30') f
$$;

-- IBAN, BIC, VAT category codes and a customer's country.
SELECT ok(internal.iban_valid('DE89370400440532013000'), 'a German IBAN with matching check digits is valid');
SELECT ok(internal.iban_valid('GB82WEST12345698765432'), 'and a British one');
SELECT ok(NOT internal.iban_valid('DE89370400440532013001'), 'one digit off fails the mod-97 check');
SELECT ok(NOT internal.iban_valid('DE8937040044'), 'a short one is no IBAN');
UPDATE kassa.tenants SET iban = 'de89 3704 0044 0532 0130 00', bic = 'cobadeffxxx',
                         registration_number = 'HRB 12345, Amtsgericht Berlin-Charlottenburg', vat_number = 'DE123456789'
 WHERE id = (SELECT tb FROM ids);
SELECT is((SELECT (iban, bic) FROM kassa.tenants WHERE id = (SELECT tb FROM ids)),
          ('DE89370400440532013000'::text, 'COBADEFFXXX'::text), 'IBAN and BIC are stored compact and in capitals');
SELECT throws_ok($$UPDATE kassa.tenants SET iban = 'DE89 3704 0044 0532 0130 01' WHERE slug = 'tap-b'$$,
                 'P0T11', '"DE89370400440532013001" is not a valid IBAN', 'a tenant''s IBAN must pass the checksum');
SELECT throws_ok($$UPDATE kassa.tenants SET bic = 'COBA-DE' WHERE slug = 'tap-b'$$,
                 'P0T12', '"COBA-DE" is not a valid BIC', 'and a BIC must look like one');
INSERT INTO kassa.vat_rates (tenant_id, category, rate, code, exemption_reason, exemption_code)
SELECT tb, v.category, v.rate, v.code, v.reason, v.vatex FROM ids, (VALUES
  ('zero', 0, NULL, NULL, NULL),
  ('exempt', 0, 'E', 'Steuerfreie Umsätze nach § 4 Nr. 14 UStG', 'VATEX-EU-132-1C'),
  ('reverse', 0, 'AE', 'Steuerschuldnerschaft des Leistungsempfängers', 'VATEX-EU-AE'),
  ('reverse_unworded', 0, 'AE', NULL, 'VATEX-EU-AE')) AS v (category, rate, code, reason, vatex);
SELECT is((SELECT array_agg(category || ':' || code ORDER BY category) FROM kassa.vat_rates WHERE tenant_id = (SELECT tb FROM ids)),
          ARRAY['exempt:E', 'reverse:AE', 'reverse_unworded:AE', 'standard:S', 'zero:Z'],
          'a category without a code is S above 0 %, Z at 0 %');
SELECT throws_ok($$INSERT INTO kassa.vat_rates (tenant_id, category, rate, code) VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'free', 0, 'E')$$,
                 'P0T13', 'VAT code E needs an exemption reason', 'an exempt category says why');
SELECT throws_ok($$UPDATE kassa.vat_rates SET exemption_reason = 'why not' WHERE category = 'standard' AND tenant_id = 'bbbbbbbb-0000-4000-8000-00000000000b'$$,
                 'P0T13', 'VAT code S states no exemption reason', 'a standard-rated one does not');
SELECT throws_ok($$UPDATE kassa.vat_rates SET code = 'Z' WHERE category = 'standard' AND tenant_id = 'bbbbbbbb-0000-4000-8000-00000000000b'$$,
                 'P0T13', 'VAT code Z does not fit a rate of 19.00 %', 'and a code fits its rate');
INSERT INTO kassa.customers (tenant_id, id, name, email)
SELECT tb, 'bbbbbbbb-0000-4000-8000-0000000000b2', 'Bernd B2', 'b2@example.com' FROM ids;
SELECT is((SELECT country::text FROM kassa.customers WHERE id = 'bbbbbbbb-0000-4000-8000-0000000000b2'), 'DE',
          'a customer lives in their tenant''s country unless told otherwise');
SELECT throws_ok($$UPDATE kassa.customers SET country = 'de' WHERE id = 'bbbbbbbb-0000-4000-8000-0000000000b2'$$,
                 'P0C15', 'bad country "de"', 'a customer''s country is an ISO 3166-1 alpha-2 code');

-- A full German invoice (§14(4) UStG) to a business with a VAT number: standard, zero-rated,
-- exempt and reverse-charge lines, and a buyer reference of its own.
UPDATE kassa.customers SET type = 'business', company_name = 'Berta GmbH', vat_number = 'DE987654321',
                           buyer_reference = 'KST-4711'
 WHERE id = (SELECT b1 FROM ids);
INSERT INTO inv SELECT 'full', pg_temp.draft(tb, b1, ARRAY[30000, 1000, 2000, 3000],
                                             ARRAY['standard', 'zero', 'exempt', 'reverse']) FROM ids;
UPDATE kassa.invoices SET buyer_reference = 'PO-2026-17' WHERE id = (SELECT id FROM inv WHERE name = 'full');
SELECT is(pg_temp.kinds(tb, ARRAY[(SELECT id FROM inv WHERE name = 'full')]), ARRAY['invoice'], 'a full German invoice is an invoice')
  FROM ids;
SELECT is((SELECT supplier FROM kassa.invoices JOIN inv USING (id) WHERE name = 'full'),
          '{"name": "Tenant B GmbH", "address": "Unter den Linden 1, 10117 Berlin", "street": "Unter den Linden 1",
            "postcode": "10117", "city": "Berlin", "country": "DE", "vat_number": "DE123456789", "tax_number": "30/123/45678",
            "registration_number": "HRB 12345, Amtsgericht Berlin-Charlottenburg", "iban": "DE89370400440532013000",
            "bic": "COBADEFFXXX", "email": null}'::jsonb,
          'the supplier snapshot has the address in parts, both tax numbers, the registration, the bank account and the e-mail address');
SELECT is((SELECT recipient FROM kassa.invoices JOIN inv USING (id) WHERE name = 'full'),
          jsonb_build_object('name', 'Berta B1', 'company_name', 'Berta GmbH', 'type', 'business',
                             'account_number', (SELECT account_number FROM kassa.customers WHERE id = (SELECT b1 FROM ids)),
                             'address', 'Friedrichstraße 5, 10117 Berlin', 'street', 'Friedrichstraße 5', 'postcode', '10117',
                             'city', 'Berlin', 'country', 'DE', 'vat_number', 'DE987654321', 'email', 'b1@example.com',
                             'buyer_reference', 'PO-2026-17'),
          'the recipient snapshot has the address in parts, the VAT number and the invoice''s buyer reference');
SELECT pg_temp.act_as('staff', tb) FROM ids;
SELECT is((SELECT array_agg((vat_category, vat_code, vat_rate, net, vat, exemption_code, exemption_reason)::text
                            ORDER BY vat_category)
             FROM api.invoice_vat_breakdown WHERE invoice_id = (SELECT id FROM inv WHERE name = 'full')),
          ARRAY['(exempt,E,0.00,2000,0,VATEX-EU-132-1C,"Steuerfreie Umsätze nach § 4 Nr. 14 UStG")',
                '(reverse,AE,0.00,3000,0,VATEX-EU-AE,"Steuerschuldnerschaft des Leistungsempfängers")',
                '(standard,S,19.00,30000,5700,,)', '(zero,Z,0.00,1000,0,,)'],
          'zero-rated, exempt and reverse-charge lines keep a row each, with code and reason');
SELECT is((SELECT (buyer_reference, document_kind) FROM api.invoices WHERE id = (SELECT id FROM inv WHERE name = 'full')),
          ('PO-2026-17'::text, 'invoice'::text), 'the API shows the buyer reference and the kind');
SELECT pg_temp.act_as_owner();

-- Later changes to tenant, customer and VAT categories leave the issued invoice as it was.
CREATE TEMP TABLE issued AS
  SELECT i.supplier, i.recipient, i.vat_breakdown, i.document_kind FROM kassa.invoices i JOIN inv USING (id) WHERE name = 'full';
UPDATE kassa.tenants SET street = 'Neue Str. 9', postcode = '20095', city = 'Hamburg', tax_number = '22/222/22222',
                         iban = 'GB82 WEST 1234 5698 7654 32', bic = NULL, registration_number = NULL
 WHERE id = (SELECT tb FROM ids);
UPDATE kassa.customers SET street = 'Elsewhere 3', postcode = '50667', city = 'Köln', country = 'AT', vat_number = NULL,
                           buyer_reference = NULL
 WHERE id = (SELECT b1 FROM ids);
UPDATE kassa.vat_rates SET exemption_reason = 'Reverse charge', exemption_code = NULL
 WHERE tenant_id = (SELECT tb FROM ids) AND category = 'reverse';
SELECT is((SELECT (i.supplier, i.recipient, i.vat_breakdown, i.document_kind)::text FROM kassa.invoices i JOIN inv USING (id)
            WHERE name = 'full'),
          (SELECT (supplier, recipient, vat_breakdown, document_kind)::text FROM issued),
          'changing tenant, customer and VAT categories alters nothing the issued invoice says');
SELECT is((SELECT exemption_reason FROM internal.invoice_vat_breakdown((SELECT tb FROM ids), ARRAY[(SELECT id FROM inv WHERE name = 'full')])
            WHERE vat_category = 'reverse'), 'Reverse charge', '(while the live breakdown shows the category as it is now)');
SELECT throws_ok($$UPDATE kassa.invoices SET vat_breakdown = '[]' WHERE id = (SELECT id FROM inv WHERE name = 'full')$$,
                 'P0I05', NULL, 'the issued breakdown is frozen with the invoice');

-- A credit note keeps the number and date of the invoice it corrects, and its categories' codes.
INSERT INTO cn SELECT 'rc', (internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'full'), 'Returned', 'balance',
  jsonb_build_array(jsonb_build_object('invoice_line_id', (pg_temp.lines((SELECT id FROM inv WHERE name = 'full')))[4], 'amount', 1000)),
  '2026-06-30')).id FROM ids;
SELECT is((SELECT (n.invoice_number, n.invoice_issued_on) FROM kassa.credit_notes n JOIN cn USING (id)),
          (SELECT (number, issued_on) FROM kassa.invoices JOIN inv USING (id) WHERE name = 'full'),
          'a credit note names the invoice it corrects, number and date');
SELECT is((SELECT (vat_category, vat_code, exemption_code, exemption_reason)::text FROM api.credit_note_vat_breakdown
            WHERE credit_note_id = (SELECT id FROM cn WHERE name = 'rc')),
          '(reverse,AE,VATEX-EU-AE,"Steuerschuldnerschaft des Leistungsempfängers")',
          'with the VAT code and exemption reason the invoice was issued with');
UPDATE kassa.customers SET vat_number = 'DE987654321', country = 'DE' WHERE id = (SELECT b1 FROM ids);

-- Germany: up to €250 gross is a small-amount invoice (§33 UStDV), which need not name the
-- recipient's address; above it the address is required.
INSERT INTO inv SELECT 'de-small', pg_temp.draft(tb, 'bbbbbbbb-0000-4000-8000-0000000000b2', ARRAY[21008]) FROM ids;  -- gross 250.00
INSERT INTO inv SELECT 'de-large', pg_temp.draft(tb, 'bbbbbbbb-0000-4000-8000-0000000000b2', ARRAY[21009]) FROM ids;  -- gross 250.01
SELECT is(pg_temp.kinds(tb, ARRAY[(SELECT id FROM inv WHERE name = 'de-small')]), ARRAY['small_amount_invoice'],
          'a German invoice of €250.00 gross is a small-amount invoice, issued without the recipient''s address') FROM ids;
SELECT throws_ok($$SELECT internal.finalise_invoices('bbbbbbbb-0000-4000-8000-00000000000b',
                   ARRAY[(SELECT id FROM inv WHERE name = 'de-large')], '2026-06-30')$$,
                 'P0I20', NULL, 'one of €250.01 needs the recipient''s address (§14(4) no. 1 UStG)');
-- Reverse charge is never a small-amount invoice and needs the recipient's VAT number and the notice.
UPDATE kassa.customers SET street = 'Am Markt 1', postcode = '10178', city = 'Berlin'
 WHERE id = 'bbbbbbbb-0000-4000-8000-0000000000b2';
INSERT INTO inv SELECT 'de-rc-no-vat', pg_temp.draft(tb, 'bbbbbbbb-0000-4000-8000-0000000000b2', ARRAY[100], ARRAY['reverse']) FROM ids;
SELECT throws_ok($$SELECT internal.finalise_invoices('bbbbbbbb-0000-4000-8000-00000000000b',
                   ARRAY[(SELECT id FROM inv WHERE name = 'de-rc-no-vat')], '2026-06-30')$$,
                 'P0I21', NULL, 'a reverse-charge invoice needs the recipient''s VAT number, however small');
INSERT INTO inv SELECT 'de-rc-unworded', pg_temp.draft(tb, b1, ARRAY[100], ARRAY['reverse_unworded']) FROM ids;
SELECT throws_ok($$SELECT internal.finalise_invoices('bbbbbbbb-0000-4000-8000-00000000000b',
                   ARRAY[(SELECT id FROM inv WHERE name = 'de-rc-unworded')], '2026-06-30')$$,
                 'P0I22', NULL, 'and a German one the words "Steuerschuldnerschaft des Leistungsempfängers", not only the VATEX code');
-- The supplier: full address, and a Steuernummer or USt-IdNr.
INSERT INTO inv SELECT 'de-ok', pg_temp.draft(tb, b1, ARRAY[100]) FROM ids;
UPDATE kassa.tenants SET city = NULL WHERE id = (SELECT tb FROM ids);
SELECT throws_ok($$SELECT internal.finalise_invoices('bbbbbbbb-0000-4000-8000-00000000000b',
                   ARRAY[(SELECT id FROM inv WHERE name = 'de-ok')], '2026-06-30')$$,
                 'P0I18', NULL, 'a German invoice names the supplier''s full address');
UPDATE kassa.tenants SET city = 'Hamburg', tax_number = NULL, vat_number = NULL WHERE id = (SELECT tb FROM ids);
SELECT throws_ok($$SELECT internal.finalise_invoices('bbbbbbbb-0000-4000-8000-00000000000b',
                   ARRAY[(SELECT id FROM inv WHERE name = 'de-ok')], '2026-06-30')$$,
                 'P0I19', 'invoice INV-2026-00003 cannot be issued: the supplier has no tax_number or vat_number (§14(4) UStG requires it)',
                 'and its Steuernummer or USt-IdNr.');
UPDATE kassa.tenants SET tax_number = '22/222/22222' WHERE id = (SELECT tb FROM ids);
SELECT is(pg_temp.kinds(tb, ARRAY[(SELECT id FROM inv WHERE name = 'de-ok')]), ARRAY['small_amount_invoice'],
          'a Steuernummer alone will do') FROM ids;

-- South Africa (s20 VAT Act, prices including VAT): up to R50 an invoice, up to R5,000 an
-- abridged tax invoice without the recipient, above a full tax invoice naming the recipient
-- with address (and VAT number when they have one).
UPDATE kassa.customers SET street = NULL WHERE id = (SELECT a2 FROM ids);
UPDATE kassa.customers SET type = 'business', company_name = 'Alice Trading (Pty) Ltd', vat_number = '4999999999'
 WHERE id = (SELECT a1 FROM ids);
INSERT INTO inv SELECT 'za-50', pg_temp.draft(ta, a2, ARRAY[5000]) FROM ids;
INSERT INTO inv SELECT 'za-50.01', pg_temp.draft(ta, a2, ARRAY[5001]) FROM ids;
INSERT INTO inv SELECT 'za-5000', pg_temp.draft(ta, a2, ARRAY[500000]) FROM ids;
INSERT INTO inv SELECT 'za-full', pg_temp.draft(ta, a1, ARRAY[500001]) FROM ids;
INSERT INTO inv SELECT 'za-no-address', pg_temp.draft(ta, a2, ARRAY[500001]) FROM ids;
SELECT throws_ok($$SELECT internal.finalise_invoices('aaaaaaaa-0000-4000-8000-00000000000a',
                   ARRAY(SELECT id FROM inv WHERE name IN ('za-50', 'za-no-address')), '2026-06-30')$$,
                 'P0I20', NULL, 'a full tax invoice (above R5,000) names the recipient''s address; the batch fails as a whole');
SELECT is((SELECT array_agg(DISTINCT status) FROM kassa.invoices JOIN inv USING (id) WHERE name IN ('za-50', 'za-no-address')),
          ARRAY['draft'], 'nothing of the batch is issued');
SELECT is((SELECT count(*)::int FROM kassa.counters WHERE tenant_id = (SELECT ta FROM ids) AND kind = 'invoice'), 0,
          'and no number is used up');
SELECT is(pg_temp.kinds(ta, ARRAY(SELECT id FROM inv WHERE name IN ('za-50', 'za-50.01', 'za-5000', 'za-full') ORDER BY name)),
          ARRAY['invoice', 'abridged_tax_invoice', 'abridged_tax_invoice', 'tax_invoice'],
          'R50.00 is an invoice, R50.01 and R5,000.00 abridged tax invoices, R5,000.01 a tax invoice') FROM ids;
SELECT is((SELECT (recipient ->> 'company_name', recipient ->> 'vat_number', recipient ->> 'address')
             FROM kassa.invoices JOIN inv USING (id) WHERE name = 'za-full'),
          ('Alice Trading (Pty) Ltd'::text, '4999999999'::text, '3 Loop Street, 8001 Cape Town'::text),
          'the tax invoice names the VAT-registered recipient with address and VAT number');
INSERT INTO inv SELECT 'za-tiny', pg_temp.draft(ta, a1, ARRAY[100]) FROM ids;
UPDATE kassa.tenants SET vat_number = NULL WHERE id = (SELECT ta FROM ids);
SELECT throws_ok($$SELECT internal.finalise_invoices('aaaaaaaa-0000-4000-8000-00000000000a',
                   ARRAY[(SELECT id FROM inv WHERE name = 'za-tiny')], '2026-06-30')$$,
                 'P0I19', 'invoice INV-2026-00005 cannot be issued: the supplier has no vat_number (s20 of the VAT Act requires it)',
                 'every South African invoice names the supplier''s VAT number');
UPDATE kassa.tenants SET vat_number = '4000000001', street = '' WHERE id = (SELECT ta FROM ids);
SELECT throws_ok($$SELECT internal.finalise_invoices('aaaaaaaa-0000-4000-8000-00000000000a',
                   ARRAY[(SELECT id FROM inv WHERE name = 'za-tiny')], '2026-06-30')$$,
                 'P0I18', NULL, 'and the supplier''s address');

-- Elsewhere the countries' rules do not apply: an invoice, whatever the parties leave out.
UPDATE kassa.tenants SET street = NULL, vat_number = NULL, country = 'GB' WHERE id = (SELECT ta FROM ids);
SELECT is(pg_temp.kinds(ta, ARRAY[(SELECT id FROM inv WHERE name = 'za-tiny')]), ARRAY['invoice'],
          'a tenant of another country issues an invoice') FROM ids;
SELECT is((internal.document_rules('ZA', 'EUR', 100, false)).kind, 'tax_invoice',
          'a South African invoice in another currency is taken as above the thresholds');

-- The invoice run holds back what its country's rules refuse and issues the rest: a full tax
-- invoice to a customer without an address stays a draft, with its totals, and uses no number.
UPDATE kassa.tenants SET street = '1 Long Street', vat_number = '4000000001', country = 'ZA' WHERE id = (SELECT ta FROM ids);
INSERT INTO inv SELECT 'run-complete', pg_temp.draft(ta, a1, ARRAY[6000]) FROM ids;
INSERT INTO inv SELECT 'run-no-address', pg_temp.draft(ta, a2, ARRAY[500001]) FROM ids;
CREATE TEMP TABLE numbers_before AS
  SELECT last_value FROM kassa.counters WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a' AND kind = 'invoice';
SELECT is((SELECT array_agg(r.code) FROM kassa.tenants t,
                  internal.drafts_refused_at_issue(t, ARRAY(SELECT id FROM inv WHERE name LIKE 'run-%')) r
            WHERE t.id = (SELECT ta FROM ids)), ARRAY['P0I20'],
          'the pre-check names the one draft its country refuses, with the rule it breaks');
SELECT is((SELECT internal.invoice_run_finalise(t, ARRAY(SELECT id FROM inv WHERE name LIKE 'run-%' ORDER BY name), '2026-06-30')
             FROM kassa.tenants t WHERE t.id = (SELECT ta FROM ids)), 1,
          'the run''s finalising step holds one draft back');
SELECT is((SELECT array_agg((name, status, total)::text ORDER BY name) FROM kassa.invoices JOIN inv USING (id) WHERE name LIKE 'run-%'),
          ARRAY['(run-complete,finalised,6000)', '(run-no-address,draft,500001)'],
          'and issues the other; the held draft keeps its totals for review');
SELECT is((SELECT c.last_value - b.last_value FROM kassa.counters c, numbers_before b
            WHERE c.tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a' AND c.kind = 'invoice'), 1::bigint,
          'one number used: the held draft takes none');

-- The breakdown over the API: the customer sees their issued invoice's codes.
SELECT pg_temp.act_as('customer', tb, b1) FROM ids;
SELECT is((SELECT array_agg(vat_code ORDER BY vat_code) FROM api.invoice_vat_breakdown
            WHERE invoice_id = (SELECT id FROM inv WHERE name = 'full')), ARRAY['AE', 'E', 'S', 'Z'],
          'the customer reads the codes of their invoice''s breakdown');
SELECT is((SELECT buyer_reference FROM api.customers), NULL::text, 'and their own buyer reference');
SELECT throws_ok($$UPDATE api.customers SET buyer_reference = 'mine'$$, '42501', NULL,
                 'which only staff set');
SELECT pg_temp.act_as_owner();
SELECT pg_temp.act_as('staff', tb) FROM ids;
SELECT lives_ok($$UPDATE api.tenants SET iban = 'DE89 3704 0044 0532 0130 00', bic = 'COBADEFF', registration_number = 'HRB 1'
                   WHERE id = 'bbbbbbbb-0000-4000-8000-00000000000b'$$,
                'staff set their tenant''s bank account and registration');
SELECT pg_temp.act_as_owner();

SELECT * FROM finish();
ROLLBACK;
