-- Payment links: tokens (random, URL-safe, only their hash stored), resolving a token for the
-- public page, expiry, single use, invalidation and regeneration (audited), refusals, the
-- amount due now against the amount at creation, RLS, bad input, and payments that name
-- their invoice.
BEGIN;
SELECT plan(59);
\ir helpers/invoices.sql
\ir helpers/clock.sql
-- Tokens and invoices by name, for the API roles too (granted by helpers/two_tenants.sql).
CREATE TEMP TABLE links (name text PRIMARY KEY, link_id uuid, token text, amount bigint, expires_at timestamptz);
CREATE TEMP TABLE inv (name text PRIMARY KEY, id uuid);
\ir helpers/two_tenants.sql

SELECT pg_temp.travel_to('2026-03-10 10:00+00');
-- Tenant A's prices include 15 % VAT: 115.00 is the total.
INSERT INTO inv VALUES
  ('open', pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', ARRAY[11500])),
  ('second', pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', ARRAY[2000])),
  ('draft', pg_temp.draft('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', ARRAY[1000])),
  ('void', pg_temp.draft('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', ARRAY[1000])),
  ('credited', pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', ARRAY[3000])),
  ('paid', pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', ARRAY[4000])),
  ('other tenant', pg_temp.issued('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-0000000000b1', ARRAY[5000]));
SELECT internal.void_invoice('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT id FROM inv WHERE name = 'void'),
                             'Made by mistake', '2026-03-10');
SELECT internal.create_credit_note('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT id FROM inv WHERE name = 'credited'),
                                   'Goodwill', 'balance', NULL, '2026-03-10');
SELECT pg_temp.post('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', 'payment', 4000, 'eft-1');
SELECT internal.allocate_credit('aaaaaaaa-0000-4000-8000-00000000000a', ARRAY['aaaaaaaa-0000-4000-8000-0000000000a2'::uuid]);

-- 1. Tokens: made in SQL, set-based, 64 URL-safe characters, different each time.
INSERT INTO links SELECT CASE n.invoice_id WHEN (SELECT id FROM inv WHERE name = 'open') THEN 'first' ELSE 'second' END,
                         n.link_id, n.token, n.amount, n.expires_at
  FROM internal.create_payment_links('aaaaaaaa-0000-4000-8000-00000000000a',
         ARRAY[(SELECT id FROM inv WHERE name = 'open'), (SELECT id FROM inv WHERE name = 'second'),
               (SELECT id FROM inv WHERE name = 'open')], 'staff:tap') n;
SELECT is((SELECT count(*) FROM links), 2::bigint, 'one link per invoice, however often the invoice is named');
SELECT ok((SELECT bool_and(token ~ '^[A-Za-z0-9_-]{64}$') FROM links), 'a token is 64 URL-safe characters');
SELECT isnt((SELECT token FROM links WHERE name = 'first'), (SELECT token FROM links WHERE name = 'second'),
            'tokens differ');
SELECT is((SELECT amount FROM links WHERE name = 'first'), 11500::bigint, 'the link records the amount due at creation');
SELECT is((SELECT expires_at FROM links WHERE name = 'first'), '2026-03-17 10:00+00'::timestamptz,
          'a link expires after 7 days by default');
SELECT is((SELECT l.token_hash FROM kassa.payment_links l JOIN links t ON t.link_id = l.id WHERE t.name = 'first'),
          sha256(convert_to((SELECT token FROM links WHERE name = 'first'), 'UTF8')), 'the stored hash is the token''s SHA-256');
SELECT is_empty($$SELECT FROM kassa.payment_links l, links t WHERE to_jsonb(l)::text LIKE '%' || t.token || '%'
                  UNION ALL
                  SELECT FROM audit.log a, links t WHERE a.table_name = 'kassa.payment_links'
                     AND (a.new_row::text LIKE '%' || t.token || '%' OR a.new_row ? 'token_hash')$$,
                'no column and no audit row holds a token (nor the audit log its hash)');

-- 2. Resolving a token: what the public page shows.
UPDATE kassa.customers SET locale = 'de' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1';
SELECT is((SELECT (state, tenant_name, invoice_number, amount_due, currency, due_on, locale, customer_id)
             FROM internal.resolve_payment_link((SELECT token FROM links WHERE name = 'first'))),
          ('open'::text, 'Tenant A'::text, (SELECT number FROM kassa.invoices WHERE id = (SELECT id FROM inv WHERE name = 'open')),
           11500::bigint, 'ZAR'::text, (SELECT due_on FROM kassa.invoices WHERE id = (SELECT id FROM inv WHERE name = 'open')),
           'de'::text, 'aaaaaaaa-0000-4000-8000-0000000000a1'::uuid),
          'an open link resolves to its tenant, invoice, amount due, due date and the customer''s locale');
UPDATE kassa.customers SET locale = NULL WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a1';
SELECT is((SELECT locale FROM internal.resolve_payment_link((SELECT token FROM links WHERE name = 'first'))), 'en',
          'a customer without a locale has the tenant''s');
SELECT is((SELECT state FROM internal.resolve_payment_link(repeat('A', 64))), 'unknown', 'an unknown token is unknown');
SELECT results_eq($$SELECT (internal.resolve_payment_link(t)).state FROM unnest(ARRAY[NULL, '', 'x', repeat('é', 5000),
                                                                                   '''; DROP TABLE x; --']) t$$,
                  $$VALUES ('unknown'), ('unknown'), ('unknown'), ('unknown'), ('unknown')$$,
                  'malformed tokens are unknown too, without an error');
SELECT is((SELECT (tenant_id, invoice_id, amount_due) FROM internal.resolve_payment_link('x')),
          (NULL::uuid, NULL::uuid, NULL::bigint), 'an unknown token reveals nothing');

-- 3. The amount due now, not at creation.
SELECT pg_temp.post('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'payment', 5000, 'eft-2');
SELECT internal.allocate_credit('aaaaaaaa-0000-4000-8000-00000000000a', ARRAY['aaaaaaaa-0000-4000-8000-0000000000a1'::uuid]);
SELECT is((SELECT amount_due FROM internal.resolve_payment_link((SELECT token FROM links WHERE name = 'first'))), 6500::bigint,
          'after a part payment the page asks for what is due now');
SELECT is((SELECT amount FROM kassa.payment_links WHERE id = (SELECT link_id FROM links WHERE name = 'first')), 11500::bigint,
          '... while the link keeps the amount it was made for');

-- 4. Expiry, from the tenant's setting.
SELECT pg_temp.travel_to('2026-03-17 10:00+00');
SELECT is((SELECT state FROM internal.resolve_payment_link((SELECT token FROM links WHERE name = 'first'))), 'expired',
          'a link is expired at expires_at');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT is((SELECT (status, state) FROM api.payment_links WHERE id = (SELECT link_id FROM links WHERE name = 'first')),
          ('open'::text, 'expired'::text), 'the API shows it open and expired');
SELECT pg_temp.act_as_owner();
SELECT pg_temp.travel_to('2026-03-10 10:00+00');
INSERT INTO kassa.payment_settings (tenant_id, payment_link_expiry_days) VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 2);
SELECT is((SELECT expires_at FROM internal.create_payment_links('aaaaaaaa-0000-4000-8000-00000000000a',
                                     ARRAY[(SELECT id FROM inv WHERE name = 'second')], 'staff:tap')),
          '2026-03-12 10:00+00'::timestamptz, 'the tenant''s link expiry applies');
SELECT throws_ok($$UPDATE kassa.payment_settings SET payment_link_expiry_days = 0 WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'$$,
                 '23514', NULL, 'a link expiry below one day is refused');
SELECT throws_ok($$UPDATE kassa.payment_settings SET payment_link_expiry_days = 91 WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'$$,
                 '23514', NULL, '... and above 90 days');

-- 5. The API (staff): create, invalidate, regenerate; the token is answered once.
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
INSERT INTO links SELECT 'api', (r ->> 'id')::uuid, r ->> 'token', (r ->> 'amount')::bigint, (r ->> 'expires_at')::timestamptz
  FROM api.create_payment_link((SELECT id FROM inv WHERE name = 'open')) r;
SELECT is((SELECT amount FROM links WHERE name = 'api'), 6500::bigint, 'a new link records the amount due now');
SELECT is((SELECT created_by FROM api.payment_links WHERE id = (SELECT link_id FROM links WHERE name = 'api')), 'staff:tap',
          'the link names who created it');
SELECT hasnt_column('api', 'payment_links', 'token_hash', 'the API shows no token hash');
SELECT throws_ok($$SELECT api.invalidate_payment_link((SELECT link_id FROM links WHERE name = 'api'), E' \t\u00a0')$$,
                 'P0H08', NULL, 'invalidating needs a reason that is not blank');
SELECT throws_ok($$SELECT api.regenerate_payment_link((SELECT link_id FROM links WHERE name = 'api'), NULL)$$,
                 'P0H08', NULL, 'regenerating too');
INSERT INTO links SELECT 'regenerated', (r ->> 'id')::uuid, r ->> 'token', (r ->> 'amount')::bigint, (r ->> 'expires_at')::timestamptz
  FROM api.regenerate_payment_link((SELECT link_id FROM links WHERE name = 'api'), 'Customer lost the email') r;
SELECT is((SELECT (status, invalidated_reason, invalidated_by, replaced_by) FROM api.payment_links
            WHERE id = (SELECT link_id FROM links WHERE name = 'api')),
          ('invalidated'::text, 'Customer lost the email'::text, 'staff:tap'::text, (SELECT link_id FROM links WHERE name = 'regenerated')),
          'regenerating invalidates the old link with the reason and names the new one');
SELECT pg_temp.act_as_owner();
SELECT is((SELECT state FROM internal.resolve_payment_link((SELECT token FROM links WHERE name = 'api'))), 'invalidated',
          'the old token is invalidated');
SELECT is((SELECT state FROM internal.resolve_payment_link((SELECT token FROM links WHERE name = 'regenerated'))), 'open',
          'the new token is open');
SELECT isnt((SELECT token FROM links WHERE name = 'regenerated'), (SELECT token FROM links WHERE name = 'api'),
            'the new token is another token');
SELECT is((SELECT new_row ->> 'invalidated_reason' FROM audit.log
            WHERE table_name = 'kassa.payment_links' AND operation = 'UPDATE'
              AND row_key ->> 'id' = (SELECT link_id::text FROM links WHERE name = 'api')),
          'Customer lost the email', 'the reason is in the audit log');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT is((SELECT (r ->> 'status') FROM api.invalidate_payment_link((SELECT link_id FROM links WHERE name = 'regenerated'),
                                                                     'Sent to the wrong address') r),
          'invalidated', 'staff invalidate a link');
SELECT throws_ok($$SELECT api.invalidate_payment_link((SELECT link_id FROM links WHERE name = 'regenerated'), 'Again')$$,
                 'P0H07', NULL, 'an invalidated link cannot be invalidated again');
SELECT throws_ok($$SELECT api.regenerate_payment_link('aaaaaaaa-0000-4000-8000-0000000000ff', 'Lost')$$,
                 'P0H06', NULL, 'an unknown link is refused');

-- 6. Refusals: invoices that cannot be paid, and other tenants'.
SELECT throws_ok($$SELECT api.create_payment_link((SELECT id FROM inv WHERE name = 'draft'))$$,
                 'P0H02', NULL, 'a draft gets no link');
SELECT throws_ok($$SELECT api.create_payment_link((SELECT id FROM inv WHERE name = 'void'))$$,
                 'P0H03', NULL, 'a void invoice gets no link');
SELECT throws_ok($$SELECT api.create_payment_link((SELECT id FROM inv WHERE name = 'paid'))$$,
                 'P0H04', NULL, 'a paid invoice gets no link');
SELECT throws_ok($$SELECT api.create_payment_link((SELECT id FROM inv WHERE name = 'credited'))$$,
                 'P0H05', NULL, 'a fully credited invoice gets no link');
SELECT throws_ok($$SELECT api.create_payment_link((SELECT id FROM inv WHERE name = 'other tenant'))$$,
                 'P0H01', NULL, 'another tenant''s invoice is unknown');
SELECT pg_temp.act_as_owner();
SELECT throws_ok($$SELECT internal.create_payment_links('aaaaaaaa-0000-4000-8000-00000000000a',
                     ARRAY[(SELECT id FROM inv WHERE name = 'second'), (SELECT id FROM inv WHERE name = 'draft')], 'staff:tap')$$,
                 'P0H02', NULL, 'one invoice that cannot be paid refuses the whole set');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');

-- 7. Links for an amount without an invoice; bad input.
SELECT is((SELECT (r ->> 'amount')::bigint FROM api.create_amount_link('aaaaaaaa-0000-4000-8000-0000000000a2', 20000, 'ZAR') r),
          20000::bigint, 'staff create a link for an amount');
SELECT throws_ok($$SELECT api.create_amount_link('aaaaaaaa-0000-4000-8000-0000000000a2', -100, 'ZAR')$$,
                 'P0H12', NULL, 'a negative amount is refused');
SELECT throws_ok($$SELECT api.create_amount_link('aaaaaaaa-0000-4000-8000-0000000000a2', 20000, 'EUR')$$,
                 'P0H11', NULL, 'a currency other than the account''s is refused');
SELECT throws_ok($$SELECT api.create_amount_link('aaaaaaaa-0000-4000-8000-0000000000a2', 20000, 'ZARR')$$,
                 'P0H11', NULL, 'a malformed currency is refused');
SELECT throws_ok($$SELECT api.create_amount_link('bbbbbbbb-0000-4000-8000-0000000000b1', 20000, 'EUR')$$,
                 'P0H10', NULL, 'another tenant''s customer is unknown');
SELECT throws_ok($$UPDATE api.customers SET locale = 'fr' WHERE id = 'aaaaaaaa-0000-4000-8000-0000000000a2'$$,
                 'P0H09', NULL, 'an unknown customer locale is refused');
SELECT throws_ok($$UPDATE api.tenants SET locale = 'english' WHERE id = 'aaaaaaaa-0000-4000-8000-00000000000a'$$,
                 'P0H09', NULL, 'an unknown tenant locale is refused');
SELECT pg_temp.act_as_owner();

-- 8. Single use: the first payment through a link uses it; every other call changes nothing.
CREATE TEMP TABLE pay AS SELECT (internal.new_payment('aaaaaaaa-0000-4000-8000-00000000000a',
  'aaaaaaaa-0000-4000-8000-0000000000a1', 'manual', 'eft', 'payment', 6500, 'ZAR', 'eft-3')).id;
SELECT ok(internal.use_payment_link('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT link_id FROM links WHERE name = 'first'),
                                    (SELECT id FROM pay)), 'a payment through an open link uses it');
SELECT ok(NOT internal.use_payment_link('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT link_id FROM links WHERE name = 'first'),
                                        (SELECT id FROM pay)), 'a second use is a no-op answering false');
SELECT ok(NOT internal.use_payment_link('aaaaaaaa-0000-4000-8000-00000000000a', (SELECT link_id FROM links WHERE name = 'api'),
                                        (SELECT id FROM pay)), 'an invalidated link is not used');
SELECT is((SELECT (status, payment_id) FROM kassa.payment_links WHERE id = (SELECT link_id FROM links WHERE name = 'first')),
          ('used'::text, (SELECT id FROM pay)), 'the link names its payment');
SELECT is((SELECT state FROM internal.resolve_payment_link((SELECT token FROM links WHERE name = 'first'))), 'paid',
          'a used link resolves as paid');
SELECT throws_ok($$SELECT internal.invalidate_payment_link('aaaaaaaa-0000-4000-8000-00000000000a',
                     (SELECT link_id FROM links WHERE name = 'first'), 'Too late', 'staff:tap')$$,
                 'P0H07', NULL, 'a used link cannot be invalidated');

-- 9. Payments name their invoice: it is settled first, then the oldest.
SELECT throws_ok($$SELECT internal.new_payment('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1',
                     'manual', 'eft', 'payment', 2000, 'ZAR', 'eft-4', p_invoice => (SELECT id FROM inv WHERE name = 'paid'))$$,
                 'P0H13', NULL, 'a payment cannot name another customer''s invoice');
SELECT internal.complete_payment('aaaaaaaa-0000-4000-8000-00000000000a',
  (internal.new_payment('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'manual', 'eft',
                        'payment', 2000, 'ZAR', 'eft-5', p_invoice => (SELECT id FROM inv WHERE name = 'second'))).id,
  2000, 'ZAR');
SELECT results_eq($$SELECT name, amount_due FROM kassa.invoices JOIN inv USING (id) WHERE name IN ('open', 'second') ORDER BY name$$,
                  $$VALUES ('open', 6500::bigint), ('second', 0::bigint)$$,
                  'the named (newer) invoice is settled, the older one waits');
SELECT is((SELECT state FROM internal.resolve_payment_link((SELECT token FROM links WHERE name = 'second'))), 'paid',
          'an open link of an invoice paid otherwise resolves as paid');

-- 10. RLS: customers see their own links, other tenants nothing; customers create nothing.
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is((SELECT count(*) FROM api.payment_links WHERE customer_id <> 'aaaaaaaa-0000-4000-8000-0000000000a1'), 0::bigint,
          'a customer sees only their own links');
SELECT ok((SELECT count(*) FROM api.payment_links) >= 4, '... all of them');
SELECT throws_ok($$SELECT api.create_payment_link((SELECT id FROM inv WHERE name = 'open'))$$, '42501', NULL,
                 'a customer cannot create a link');
SELECT throws_ok($$SELECT api.invalidate_payment_link((SELECT link_id FROM links WHERE name = 'second'), 'Mine')$$, '42501', NULL,
                 'nor invalidate one');
SELECT pg_temp.act_as('staff', 'bbbbbbbb-0000-4000-8000-00000000000b');
SELECT is((SELECT count(*) FROM api.payment_links), 0::bigint, 'another tenant''s staff see none');
SELECT pg_temp.act_as_owner();

SELECT * FROM finish();
ROLLBACK;
