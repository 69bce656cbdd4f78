-- VAT per invoice and rate, from the summed amounts, rounded once half away from zero
-- (EN 16931 BR-CO-17), for prices excluding and including VAT.
BEGIN;
SELECT plan(14);
\ir helpers/invoice_documents.sql
INSERT INTO kassa.vat_rates (tenant_id, category, rate) VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'reduced', 7);

SELECT is(internal.vat_of(50, 19, false), 10::bigint, '9.5 rounds half away from zero to 10');
SELECT is(internal.vat_of(-50, 19, false), -10::bigint, '-9.5 rounds half away from zero to -10');
SELECT is(internal.vat_of(-32150, 19, false), -6109::bigint, 'a credit of -321.50 at 19 % has VAT -61.09 (-61.085)');
SELECT is(internal.vat_of(32150, 19, false), 6109::bigint, 'and +61.09 the other way round');
SELECT is(internal.vat_of(59899, 15, true), 7813::bigint, 'R 598.99 including 15 % holds R 78.13 VAT');

-- Exclusive: 10.05 at 19 %, 3 x 3.33 at 7 %.
SELECT is((SELECT (net_total, vat_total, total) FROM ids, internal.finalise_invoices(tb,
             ARRAY[(SELECT pg_temp.draft(tb, b1, ARRAY[1005, 999], ARRAY['standard', 'reduced']))], '2026-03-01')),
          (2004::bigint, 261::bigint, 2265::bigint), 'net per rate, VAT per rate: 1.91 + 0.70');
SELECT is((SELECT array_agg((vat_rate, net, vat, gross)::text ORDER BY vat_rate) FROM ids, internal.invoice_vat_breakdown(tb,
             ARRAY[(SELECT id FROM kassa.invoices WHERE number = 'INV-2026-00001' AND tenant_id = tb)])),
          ARRAY['(7.00,999,70,1069)', '(19.00,1005,191,1196)'], 'the VAT summary per rate');
INSERT INTO inv SELECT 'tiny', pg_temp.draft(tb, b1, array_fill(2::bigint, ARRAY[10])) FROM ids;
INSERT INTO inv SELECT 'credit', pg_temp.draft(tb, b1, ARRAY[10000, -2500]) FROM ids;
INSERT INTO inv SELECT 'tiny-inclusive', pg_temp.draft(ta, a1, array_fill(5::bigint, ARRAY[3])) FROM ids;
SELECT is((SELECT vat_total FROM kassa.invoices JOIN inv USING (id) WHERE name = 'tiny'),
          4::bigint, 'ten lines of 0.02 at 19 % have VAT 0.04, not ten times round(0.0038) = 0');
SELECT is((SELECT (net_total, vat_total, total) FROM kassa.invoices JOIN inv USING (id) WHERE name = 'credit'),
          (7500::bigint, 1425::bigint, 8925::bigint), 'a credit line reduces the net of its rate before VAT');

-- Inclusive: R 499.00 + R 99.99 at 15 %.
SELECT is((SELECT (net_total, vat_total, total) FROM ids, internal.finalise_invoices(ta,
             ARRAY[(SELECT pg_temp.draft(ta, a1, ARRAY[49900, 9999]))], '2026-03-01')),
          (52086::bigint, 7813::bigint, 59899::bigint), 'VAT is extracted from the gross of the rate, once');
SELECT is((SELECT vat_total FROM kassa.invoices JOIN inv USING (id) WHERE name = 'tiny-inclusive'),
          2::bigint, 'three lines of 0.05 incl. 15 %: VAT round(0.15 x 15/115 = 0.0196) = 0.02, not 3 x 0.01');

-- Line amounts: quantity x unit price, half away from zero.
INSERT INTO kassa.invoice_lines (tenant_id, invoice_id, description, quantity, unit_price)
SELECT tb, pg_temp.draft(tb, b1, ARRAY[]::bigint[]), d, q, p FROM ids,
       (VALUES ('half', 1.5, 333), ('minus half', 0.5, -333), ('plain', 3, 100)) v(d, q, p);
SELECT is((SELECT array_agg(amount ORDER BY description) FROM kassa.invoice_lines
            WHERE description IN ('half', 'minus half', 'plain')), ARRAY[500, -167, 300]::bigint[],
          'quantity x unit price rounds half away from zero');
UPDATE kassa.invoice_lines SET quantity = 2 WHERE description = 'plain';
SELECT is((SELECT amount FROM kassa.invoice_lines WHERE description = 'plain'), 200::bigint,
          'changing a draft line''s quantity recomputes its amount');
INSERT INTO kassa.invoice_lines (tenant_id, invoice_id, description, quantity, unit_price, amount)
SELECT tb, invoice_id, 'pro-rata', 1, 1000, 548 FROM kassa.invoice_lines, ids WHERE description = 'plain';
SELECT is((SELECT amount FROM kassa.invoice_lines WHERE description = 'pro-rata'), 548::bigint,
          'an amount given by the caller (pro-rata) is kept');

SELECT * FROM finish();
ROLLBACK;
