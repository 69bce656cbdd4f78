-- Paying through a payment link: the page's gateways (the tenant's, that take the currency), the
-- pending payment of the amount due now (one per click sequence, a new one when the amount
-- changed), refusals, the return page's outcome, and completion using the link and settling
-- its invoice first.
BEGIN;
SELECT plan(18);
\ir helpers/invoices.sql
\ir helpers/clock.sql
\ir helpers/two_tenants.sql

SELECT pg_temp.travel_to('2026-03-10 10:00+00');
INSERT INTO kassa.tenants (id, slug, name, legal_name, country, currency, prices_include_vat, timezone, status)
VALUES ('dddddddd-0000-4000-8000-00000000000d', 'tap-u', 'Tenant U', 'Tenant U LLC', 'UZ', 'UZS', true,
        'Asia/Tashkent', 'active');
INSERT INTO kassa.vat_rates (tenant_id, category, rate) VALUES ('dddddddd-0000-4000-8000-00000000000d', 'standard', 12);
INSERT INTO kassa.customers (id, tenant_id, name, email)
VALUES ('dddddddd-0000-4000-8000-0000000000d1', 'dddddddd-0000-4000-8000-00000000000d', 'Dilnoza', 'd@example.com');

CREATE TEMP TABLE links AS
  SELECT 'older' AS name, l.* FROM internal.create_payment_links('dddddddd-0000-4000-8000-00000000000d',
    ARRAY[pg_temp.issued('dddddddd-0000-4000-8000-00000000000d', 'dddddddd-0000-4000-8000-0000000000d1', ARRAY[20000])],
    'staff:test') l;
INSERT INTO links
  SELECT 'newer', l.* FROM internal.create_payment_links('dddddddd-0000-4000-8000-00000000000d',
    ARRAY[pg_temp.issued('dddddddd-0000-4000-8000-00000000000d', 'dddddddd-0000-4000-8000-0000000000d1', ARRAY[11200],
                         '2026-03-05')],
    'staff:test') l;
INSERT INTO links
  SELECT 'rand', l.* FROM internal.create_payment_links('aaaaaaaa-0000-4000-8000-00000000000a',
    ARRAY[pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', ARRAY[5000])],
    'staff:test') l;
CREATE FUNCTION pg_temp.token(p_name text) RETURNS text LANGUAGE sql AS $$
  SELECT token FROM links WHERE name = p_name
$$;

SELECT is((SELECT (minor_units, gateways) FROM internal.payment_page(pg_temp.token('newer'))),
          (2::smallint, ARRAY['stripe', 'octo']), 'a sum invoice offers Stripe and OCTO (the default), with the currency''s minor units');
SELECT is((SELECT gateways FROM internal.payment_page(pg_temp.token('rand'))), ARRAY['stripe'],
          'a rand invoice offers Stripe only: OCTO takes sum and dollars');
-- A tenant may offer none (the page then says whom to ask).
INSERT INTO kassa.payment_settings (tenant_id, link_gateways) VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', '{}')
  ON CONFLICT (tenant_id) DO UPDATE SET link_gateways = '{}';
SELECT is((SELECT state FROM internal.payment_page('no such token')), 'unknown', 'an unknown token has an empty page');
SELECT throws_ok($$SELECT internal.begin_link_payment(pg_temp.token('rand'), 'octo')$$, 'P0H21',
                 'the gateway octo is not offered for this link', 'a gateway the page does not offer is refused');
SELECT throws_ok($$SELECT internal.begin_link_payment('no such token', 'octo')$$, 'P0H20',
                 'this payment link cannot be paid: it is unknown', 'an unknown link starts no payment');

CREATE TEMP TABLE started AS SELECT * FROM internal.begin_link_payment(pg_temp.token('newer'), 'octo');
SELECT is((SELECT (provider, status, amount, purpose) FROM started), ('octo'::text, 'pending'::text, 11200::bigint, 'payment'::text),
          'the pay button starts a pending payment of the amount due');
SELECT is((SELECT (invoice_id, payment_link_id) FROM started),
          (SELECT (invoice_id, link_id) FROM links WHERE name = 'newer'), 'naming its invoice and its link');
SELECT is((SELECT id FROM internal.begin_link_payment(pg_temp.token('newer'), 'octo')), (SELECT id FROM started),
          'a second click continues the same payment');
SELECT is((SELECT (outcome, state) FROM internal.payment_return((SELECT tenant_id FROM started), (SELECT id FROM started))),
          ('success'::text, 'open'::text), 'a pending payment is being confirmed');
SELECT is((SELECT count(*)::int FROM internal.payment_return('dddddddd-0000-4000-8000-00000000000d', gen_random_uuid())),
          0, 'a payment not started on a link has no return page');

-- Part of the invoice is paid otherwise: the next click pays what is left, in a new payment.
SELECT internal.record_manual_payment('dddddddd-0000-4000-8000-00000000000d', 'dddddddd-0000-4000-8000-0000000000d1',
                                      1200, 'cash', 'at the counter', NULL, 'staff:test');
SELECT is((SELECT amount FROM internal.begin_link_payment(pg_temp.token('older'), 'octo')), 18800::bigint,
          'a payment started later is of the amount due then');

UPDATE kassa.payments SET provider_ref = 'octo-uuid-1' WHERE tenant_id = (SELECT tenant_id FROM started)
   AND id = (SELECT id FROM started);
SELECT is((SELECT (id, amount, minor_units, status) FROM internal.octo_payment('octo-uuid-1')),
          (SELECT (id, amount, 2::smallint, status) FROM started), 'an OCTO callback finds its payment by OCTO''s id');

-- The customer owes the older invoice too, but the payment through the newer one's link settles that one.
SELECT internal.complete_payment((SELECT tenant_id FROM started), (SELECT id FROM started), 11200, 'UZS', 'octo-uuid-1');
SELECT is((SELECT (status, amount_due) FROM kassa.invoices WHERE id = (SELECT invoice_id FROM links WHERE name = 'newer')),
          ('paid'::text, 0::bigint), 'completing the payment settles the link''s invoice first');
SELECT is((SELECT amount_due FROM kassa.invoices WHERE id = (SELECT invoice_id FROM links WHERE name = 'older')),
          18800::bigint, 'and not the older one');
SELECT is((SELECT (status, payment_id) FROM kassa.payment_links WHERE id = (SELECT link_id FROM links WHERE name = 'newer')),
          (SELECT ('used'::text, id) FROM started), 'the link is used by that payment');
SELECT throws_ok($$SELECT internal.begin_link_payment(pg_temp.token('newer'), 'octo')$$, 'P0H20',
                 'this payment link cannot be paid: it is paid', 'a used link starts no second payment');

-- A cancelled payment leaves its link open; the return page says so.
CREATE TEMP TABLE cancelled AS SELECT * FROM internal.begin_link_payment(pg_temp.token('older'), 'octo');
SELECT internal.fail_payment('dddddddd-0000-4000-8000-00000000000d', (SELECT id FROM cancelled), 'cancelled at OCTO');
SELECT is(((SELECT outcome FROM internal.payment_return((SELECT tenant_id FROM cancelled), (SELECT id FROM cancelled))),
           (SELECT state FROM internal.payment_page(pg_temp.token('older')))),
          ('cancelled'::text, 'open'::text), 'a cancelled payment leaves the link open');

-- An amount link tops the balance up.
SELECT is((SELECT purpose FROM internal.begin_link_payment(
             (SELECT token FROM internal.create_amount_link('dddddddd-0000-4000-8000-00000000000d',
                                                            'dddddddd-0000-4000-8000-0000000000d1', 50000, 'UZS',
                                                            'staff:test')), 'octo')),
          'top_up', 'an amount link''s payment is a top-up');

SELECT * FROM finish();
ROLLBACK;
