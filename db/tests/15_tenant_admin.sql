-- Tenant provisioning (kassa tenant …): each bad input one clear error, nothing written; a
-- suspended tenant's tokens are refused; suspend and resume are idempotent.
BEGIN;
SELECT plan(15);
\ir helpers/two_tenants.sql

CREATE FUNCTION pg_temp.create(p_slug text DEFAULT 'new-co', p_country text DEFAULT 'ZA', p_currency text DEFAULT 'ZAR',
                               p_timezone text DEFAULT 'Africa/Johannesburg', p_vat jsonb DEFAULT '{"standard": "15"}',
                               p_format text DEFAULT 'INV-{YYYY}-{NNNNN}', p_legal_name text DEFAULT 'New Co Ltd')
RETURNS uuid LANGUAGE sql AS $$
  SELECT internal.create_tenant(p_slug, p_legal_name, p_country, p_currency, p_timezone, p_vat,
                                p_invoice_number_format => p_format)
$$;

SELECT throws_ok($$SELECT pg_temp.create(p_slug => 'New Co')$$, 'P0T03', 'bad slug "New Co"', 'a bad slug');
SELECT throws_ok($$SELECT pg_temp.create(p_slug => 'tap-a')$$, 'P0T04', 'a tenant with slug "tap-a" exists already', 'a taken slug');
SELECT throws_ok($$SELECT pg_temp.create(p_legal_name => ' ')$$, 'P0T05', NULL, 'a blank legal name');
SELECT throws_ok($$SELECT pg_temp.create(p_country => 'South Africa')$$, 'P0T06', 'bad country "South Africa"', 'a bad country');
SELECT throws_ok($$SELECT pg_temp.create(p_currency => 'XYZ')$$, 'P0T07', 'unknown currency "XYZ"', 'an unknown currency');
SELECT throws_ok($$SELECT pg_temp.create(p_timezone => 'Mars/Olympus')$$, 'P0T01', 'unknown time zone "Mars/Olympus"', 'a bad time zone');
SELECT throws_ok($$SELECT pg_temp.create(p_vat => '{}')$$, 'P0T08', 'a tenant needs at least one VAT rate', 'no VAT rate');
SELECT throws_ok($$SELECT pg_temp.create(p_vat => '{"standard": "100"}')$$, 'P0T08', 'bad VAT rate standard=100', 'a VAT rate of 100 %');
SELECT throws_ok($$SELECT pg_temp.create(p_format => 'INV-{YYYY}')$$, 'P0T09', 'number format "INV-{YYYY}" has no counter', 'a format without counter');
SELECT is_empty($$SELECT FROM kassa.tenants WHERE slug IN ('new-co', 'New Co')$$, 'nothing refused was written');

SELECT lives_ok($$SELECT pg_temp.create(p_vat => '{"standard": "15", "zero": "0"}')$$, 'a good tenant is created');
SELECT results_eq($$SELECT t.currency::text, t.timezone, t.status, array_agg(v.category || '=' || v.rate ORDER BY v.category)
                      FROM kassa.tenants t JOIN kassa.vat_rates v ON v.tenant_id = t.id WHERE t.slug = 'new-co'
                     GROUP BY 1, 2, 3$$,
                  $$VALUES ('ZAR', 'Africa/Johannesburg', 'active', ARRAY['standard=15.00', 'zero=0.00'])$$,
                  'with its settings and VAT rates');

SELECT is((internal.set_tenant_status('tap-a', 'suspended')).status, 'suspended', 'suspend by slug');
SELECT throws_ok($$SELECT internal.check_claims(json_build_object('role', 'staff', 'aud', 'kassa-api', 'exp', extract(epoch FROM now()) + 600,
                                                      'tenant_id', 'aaaaaaaa-0000-4000-8000-00000000000a'), 'staff')$$,
                 '42501', 'tenant is unknown or not active', 'a suspended tenant''s tokens are refused');
SELECT is((internal.set_tenant_status('aaaaaaaa-0000-4000-8000-00000000000a', 'active')).status, 'active', 'resume by id');

SELECT * FROM finish();
ROLLBACK;
