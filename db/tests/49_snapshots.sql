-- An issued document keeps supplier and recipient as they were at issue, and its VAT
-- breakdown (one row per category and rate) adds up to its totals to the cent; both are
-- readable by staff and the document's customer only.
BEGIN;
SELECT plan(20);
CREATE TEMP TABLE ids AS SELECT 'aaaaaaaa-0000-4000-8000-00000000000a'::uuid AS ta,
  'aaaaaaaa-0000-4000-8000-0000000000a1'::uuid AS a1,
  'bbbbbbbb-0000-4000-8000-00000000000b'::uuid AS tb, 'bbbbbbbb-0000-4000-8000-0000000000b1'::uuid AS b1,
  'bbbbbbbb-0000-4000-8000-0000000000b2'::uuid AS b2;
CREATE TEMP TABLE inv (name text PRIMARY KEY, id uuid);
CREATE TEMP TABLE cn (name text PRIMARY KEY, id uuid);
\ir helpers/invoices.sql
\ir helpers/two_tenants.sql
\ir helpers/clock.sql
SELECT pg_temp.travel_to('2026-06-30 12:00+00');
UPDATE kassa.tenants SET street = 'Hauptstr. 1', postcode = '10115', city = 'Berlin', vat_number = 'DE123456789'
 WHERE id = 'bbbbbbbb-0000-4000-8000-00000000000b';
UPDATE kassa.customers SET company_name = 'Berta GmbH', street = 'Ringstr. 2', postcode = '50667', city = 'Köln',
                           vat_number = 'DE987654321'
 WHERE id = 'bbbbbbbb-0000-4000-8000-0000000000b1';
INSERT INTO kassa.customers (tenant_id, id, name, email)
VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-0000000000b2', 'Bernd B2', 'b2@example.com');
-- Two categories at 19 % (kept apart in the breakdown), 7 % and 0 %.
INSERT INTO kassa.vat_rates (tenant_id, category, rate)
VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'reduced', 7), ('bbbbbbbb-0000-4000-8000-00000000000b', 'digital', 19),
       ('bbbbbbbb-0000-4000-8000-00000000000b', 'zero', 0);

-- Lines whose VAT rounds: standard 10.05 + 0.03 (VAT 1.9152 -> 1.92), digital 0.03 (0.0057 -> 0.01),
-- reduced 3 x 3.33 (0.6993 -> 0.70), zero 5.00.
INSERT INTO inv SELECT 'main', pg_temp.issued(tb, b1, ARRAY[1005, 3, 3, 999, 500], '2026-06-01',
                                              ARRAY['standard', 'standard', 'digital', 'reduced', 'zero']) FROM ids;
INSERT INTO inv SELECT 'draft', pg_temp.draft(tb, b1, ARRAY[700]) FROM ids;

SELECT is((SELECT supplier FROM kassa.invoices JOIN inv USING (id) WHERE name = 'main'),
          '{"name": "Tenant B GmbH", "address": "Hauptstr. 1, 10115 Berlin", "street": "Hauptstr. 1", "postcode": "10115",
            "city": "Berlin", "country": "DE", "vat_number": "DE123456789", "tax_number": "30/123/45678",
            "registration_number": null, "iban": null, "bic": null, "email": null}'::jsonb,
          'the issued invoice names the supplier as it was');
SELECT is((SELECT recipient FROM kassa.invoices JOIN inv USING (id) WHERE name = 'main'),
          '{"name": "Berta B1", "company_name": "Berta GmbH", "type": "personal", "account_number": "CT-2026-00001",
            "address": "Ringstr. 2, 50667 Köln", "street": "Ringstr. 2", "postcode": "50667", "city": "Köln", "country": "DE",
            "vat_number": "DE987654321", "email": "b1@example.com", "buyer_reference": null}'::jsonb,
          'and the recipient');
SELECT is((SELECT (supplier, recipient) FROM kassa.invoices JOIN inv USING (id) WHERE name = 'draft'), (NULL::jsonb, NULL::jsonb),
          'a draft has no snapshot yet');

-- Later changes to tenant and customer leave the issued invoice alone.
CREATE TEMP TABLE issued AS SELECT supplier, recipient FROM kassa.invoices JOIN inv USING (id) WHERE name = 'main';
UPDATE kassa.tenants SET legal_name = 'Tenant B AG', street = 'Neue Str. 9', postcode = '20095', city = 'Hamburg',
                         vat_number = 'DE111111111'
 WHERE id = 'bbbbbbbb-0000-4000-8000-00000000000b';
UPDATE kassa.customers SET name = 'Berta Neu', company_name = NULL, street = 'Elsewhere 3', vat_number = NULL
 WHERE id = 'bbbbbbbb-0000-4000-8000-0000000000b1';
SELECT is((SELECT (i.supplier, i.recipient) FROM kassa.invoices i JOIN inv USING (id) WHERE name = 'main'),
          (SELECT (supplier, recipient) FROM issued), 'changing tenant and customer does not alter the issued invoice');
SELECT throws_ok($$UPDATE kassa.invoices SET recipient = '{}' WHERE id = (SELECT id FROM inv WHERE name = 'main')$$,
                 'P0I05', NULL, 'the snapshot is frozen with the invoice');

-- A credit note names the parties as they are on its own issue date.
INSERT INTO cn SELECT 'part', (internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'main'), 'Goodwill', 'balance',
  jsonb_build_array(jsonb_build_object('invoice_line_id', (pg_temp.lines((SELECT id FROM inv WHERE name = 'main')))[1], 'amount', 500),
                    jsonb_build_object('invoice_line_id', (pg_temp.lines((SELECT id FROM inv WHERE name = 'main')))[3], 'amount', 3)),
  '2026-06-10')).id FROM ids;
SELECT is((SELECT (supplier ->> 'name', recipient ->> 'name', recipient -> 'vat_number') FROM kassa.credit_notes JOIN cn USING (id)),
          ('Tenant B AG'::text, 'Berta Neu'::text, 'null'::jsonb), 'a credit note keeps the parties of its issue date');
UPDATE kassa.customers SET name = 'Berta Später' WHERE id = 'bbbbbbbb-0000-4000-8000-0000000000b1';
SELECT is((SELECT recipient ->> 'name' FROM kassa.credit_notes JOIN cn USING (id)), 'Berta Neu', 'and keeps them after');

-- The invoice's VAT breakdown: one row per category and rate, rounded once each.
SELECT pg_temp.act_as('staff', tb) FROM ids;
SELECT is((SELECT array_agg((vat_category, vat_rate, net, vat, gross)::text ORDER BY vat_category)
             FROM api.invoice_vat_breakdown WHERE invoice_id = (SELECT id FROM inv WHERE name = 'main')),
          ARRAY['(digital,19.00,3,1,4)', '(reduced,7.00,999,70,1069)', '(standard,19.00,1008,192,1200)', '(zero,0.00,500,0,500)'],
          'the breakdown has a row per VAT category and rate');
SELECT is((SELECT (sum(b.net), sum(b.vat), sum(b.gross))::text FROM api.invoice_vat_breakdown b
            WHERE b.invoice_id = (SELECT id FROM inv WHERE name = 'main')),
          (SELECT (net_total, vat_total, total)::text FROM api.invoices WHERE id = (SELECT id FROM inv WHERE name = 'main')),
          'and adds up to the invoice totals to the cent');
SELECT is((SELECT count(*)::int FROM api.invoice_vat_breakdown WHERE invoice_id = (SELECT id FROM inv WHERE name = 'draft')), 1,
          'staff see a draft''s breakdown');

-- The credit note's: 5.00 standard (VAT of 10.05+0.03 credited 5.00: 0.95), 0.03 digital (0.01).
SELECT is((SELECT array_agg((vat_category, vat_rate, net, vat, gross)::text ORDER BY vat_category)
             FROM api.credit_note_vat_breakdown WHERE credit_note_id = (SELECT id FROM cn WHERE name = 'part')),
          ARRAY['(digital,19.00,3,1,4)', '(standard,19.00,500,95,595)'], 'a credit note has its breakdown too');
SELECT is((SELECT (sum(b.net), sum(b.vat), sum(b.gross))::text FROM api.credit_note_vat_breakdown b
            WHERE b.credit_note_id = (SELECT id FROM cn WHERE name = 'part')),
          (SELECT (net_total, vat_total, total)::text FROM api.credit_notes WHERE id = (SELECT id FROM cn WHERE name = 'part')),
          'adding up to the credit note''s totals');
SELECT pg_temp.act_as_owner();
INSERT INTO cn SELECT 'rest', (internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'main'), 'Cancelled', 'balance',
  NULL, '2026-06-30')).id FROM ids;
SELECT is((SELECT array_agg((c.vat_category, c.vat_rate, c.net, c.vat, c.gross)::text ORDER BY c.vat_category)
             FROM (SELECT b.vat_category, b.vat_rate, sum(b.net) AS net, sum(b.vat) AS vat, sum(b.gross) AS gross
                     FROM kassa.credit_note_vat_totals b JOIN cn ON cn.id = b.credit_note_id GROUP BY 1, 2) c),
          (SELECT array_agg((b.vat_category, b.vat_rate, b.net, b.vat, b.gross)::text ORDER BY b.vat_category)
             FROM ids, internal.invoice_vat_breakdown(tb, ARRAY[(SELECT id FROM inv WHERE name = 'main')]) b),
          'the credit notes of an invoice add up to its breakdown, category by category');
SELECT throws_ok($$UPDATE kassa.credit_note_vat_totals SET vat = 0$$, 'P0N08', 'credit notes are final',
                 'a credit note''s breakdown is final');

-- Who sees what.
SELECT pg_temp.act_as('customer', tb, b1) FROM ids;
SELECT is((SELECT count(*)::int FROM api.invoice_vat_breakdown WHERE invoice_id = (SELECT id FROM inv WHERE name = 'main')), 4,
          'the invoice''s customer sees its breakdown');
SELECT is((SELECT recipient ->> 'company_name' FROM api.invoices WHERE id = (SELECT id FROM inv WHERE name = 'main')),
          'Berta GmbH', 'and its snapshot');
SELECT is((SELECT count(*)::int FROM api.invoice_vat_breakdown WHERE invoice_id = (SELECT id FROM inv WHERE name = 'draft')), 0,
          'but not a draft''s');
SELECT is((SELECT count(*)::int FROM api.credit_note_vat_breakdown), 5, 'and the breakdowns of their credit notes');
SELECT pg_temp.act_as('customer', tb, b2) FROM ids;
SELECT is((SELECT count(*)::int FROM api.invoice_vat_breakdown) + (SELECT count(*)::int FROM api.credit_note_vat_breakdown), 0,
          'another customer sees no breakdown');
SELECT pg_temp.act_as('staff', ta) FROM ids;
SELECT is((SELECT count(*)::int FROM api.invoice_vat_breakdown WHERE tenant_id = 'bbbbbbbb-0000-4000-8000-00000000000b')
          + (SELECT count(*)::int FROM api.credit_note_vat_breakdown), 0, 'nor does another tenant''s staff');
SELECT pg_temp.act_as_owner();

SELECT * FROM finish();
ROLLBACK;
