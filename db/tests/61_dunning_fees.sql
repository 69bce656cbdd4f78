-- Dunning fees: a step's fee is charged once, when the step is taken (never for a skipped
-- step), as a one-off charge for the customer's next invoice in the tenant's dunning fee VAT
-- category: no VAT in Germany by default, the standard rate in South Africa; bad input refused.
BEGIN;
SELECT plan(12);
\ir helpers/invoices.sql
\ir helpers/two_tenants.sql
\ir helpers/clock.sql
CREATE TEMP TABLE inv (name text PRIMARY KEY, id uuid);

-- 1 June 2026: B1 (Germany) and A1 (South Africa) each owe an invoice due on 15 June.
SELECT pg_temp.travel_to('2026-06-01 10:00+00');
INSERT INTO inv VALUES ('b', pg_temp.issued('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-0000000000b1',
                                            ARRAY[10000], '2026-06-01')),
                       ('a', pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1',
                                            ARRAY[11500], '2026-06-01'));
CREATE FUNCTION pg_temp.fees(p_customer uuid) RETURNS text[] LANGUAGE sql AS $$
  SELECT coalesce(array_agg(format('%s %s %s', pc.unit_price, pc.vat_category, pc.description) ORDER BY pc.created_at, pc.id), '{}')
    FROM kassa.pending_charges pc WHERE pc.customer_id = p_customer
$$;

-- A German tenant's dunning fees carry no VAT (category 'zero'): a schedule with a fee needs
-- that category among its VAT rates.
SELECT pg_temp.act_as('staff', 'bbbbbbbb-0000-4000-8000-00000000000b');
SELECT throws_ok($$SELECT api.set_dunning_schedule('[{"day": 1, "kind": "notice", "fee": 500}]')$$, 'P0D10',
                 'the dunning fee VAT category zero has no VAT rate in this tenant', 'a fee needs its VAT category''s rate');
SELECT pg_temp.act_as_owner();
INSERT INTO kassa.vat_rates (tenant_id, category, rate) VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'zero', 0);
SELECT pg_temp.act_as('staff', 'bbbbbbbb-0000-4000-8000-00000000000b');
SELECT is((api.set_dunning_schedule('[{"day": 1, "kind": "notice", "fee": 500}, {"day": 7, "kind": "notice", "fee": 500},
                                      {"day": 30, "kind": "final", "fee": 1000}]')).version, 2, 'a schedule with fees');
SELECT is((SELECT array_agg(fee ORDER BY day_offset) FROM api.dunning_steps WHERE schedule_version = 2), ARRAY[500, 500, 1000]::bigint[],
          'staff see each step''s fee');
SELECT throws_ok($$SELECT api.set_dunning_schedule('[{"day": 1, "kind": "notice", "fee": -1}]')$$, 'P0D09',
                 'a step''s fee lies from 0 to 100000000 minor units', 'a negative fee is refused');
SELECT throws_ok($$SELECT api.set_dunning_schedule('[{"day": 1, "kind": "notice", "fee": 2.5}]')$$, 'P0D05', NULL,
                 'a fee is a whole number of minor units');
SELECT throws_ok($$SELECT api.set_dunning_schedule('[{"day": 1, "kind": "notice", "charge": 5}]')$$, 'P0D05', NULL,
                 'an unknown key is refused');
SELECT pg_temp.act_as_owner();

-- 22 June: the day-1 notice was missed (skipped, no fee), the day-7 notice is taken: one fee.
SELECT pg_temp.travel_to('2026-06-22 10:00+00');
SELECT FROM internal.dunning_run('bbbbbbbb-0000-4000-8000-00000000000b', '2026-06-22', 'job:dunning:tap');
SELECT FROM internal.dunning_run('bbbbbbbb-0000-4000-8000-00000000000b', '2026-06-22', 'job:dunning:tap');
SELECT is(pg_temp.fees('bbbbbbbb-0000-4000-8000-0000000000b1'),
          ARRAY[format('500 zero Dunning fee (notice of 2026-06-22), invoice %s', (SELECT number FROM kassa.invoices JOIN inv USING (id) WHERE name = 'b'))],
          'the step taken charges its fee once, the skipped step none, a second run nothing');
SELECT is((SELECT (n.payload ->> 'fee')::int FROM kassa.notifications n
            WHERE n.kind = 'invoice_overdue_notice' AND n.payload ->> 'invoice_id' = (SELECT id::text FROM inv WHERE name = 'b')),
          500, 'the notice tells the customer the fee');
-- The next invoice bills the fee without VAT.
SELECT FROM internal.invoice_run('2026-06-22', 'bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-0000000000b1');
SELECT is((SELECT (l.amount, l.vat_category, l.vat_rate, i.vat_total, i.total) FROM kassa.invoice_lines l
             JOIN kassa.invoices i ON i.id = l.invoice_id
            WHERE l.id = (SELECT pc.invoice_line_id FROM kassa.pending_charges pc WHERE pc.customer_id = 'bbbbbbbb-0000-4000-8000-0000000000b1')),
          (500::bigint, 'zero'::text, 0.00::numeric, 0::bigint, 500::bigint), 'the fee is on the next invoice, with no VAT');

-- South Africa: the fee takes the standard rate (VAT included, as the tenant's prices).
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT FROM api.set_dunning_schedule('[{"day": 7, "kind": "notice", "fee": 11500}]');
SELECT pg_temp.act_as_owner();
SELECT FROM internal.dunning_run('aaaaaaaa-0000-4000-8000-00000000000a', '2026-06-22', 'job:dunning:tap');
SELECT is(pg_temp.fees('aaaaaaaa-0000-4000-8000-0000000000a1'),
          ARRAY[format('11500 standard Dunning fee (notice of 2026-06-22), invoice %s', (SELECT number FROM kassa.invoices JOIN inv USING (id) WHERE name = 'a'))],
          'a South African tenant''s fee carries VAT at the standard rate');

-- The tenant's setting: only a category with a VAT rate.
SELECT throws_ok($$UPDATE kassa.tenants SET dunning_fee_vat_category = 'outside_scope' WHERE id = 'aaaaaaaa-0000-4000-8000-00000000000a'$$,
                 'P0D10', NULL, 'the dunning fee category must have a VAT rate');
INSERT INTO kassa.vat_rates (tenant_id, category, rate) VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'outside_scope', 0);
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
UPDATE api.tenants SET dunning_fee_vat_category = 'outside_scope';
SELECT is((SELECT dunning_fee_vat_category FROM api.tenants), 'outside_scope', 'staff set their tenant''s dunning fee category');
SELECT pg_temp.act_as_owner();

SELECT * FROM finish();
ROLLBACK;
