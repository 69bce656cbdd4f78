-- Tenant settings must name real things: a known currency, an IANA time zone, number formats
-- with a counter, VAT rates between 0 and 100 %.
BEGIN;
SELECT plan(8);
\ir helpers/two_tenants.sql

SELECT throws_ok($$INSERT INTO kassa.tenants (slug, name, legal_name, country, currency) VALUES ('t-xxx', 'X', 'X Ltd', 'ZA', 'XXX')$$,
                 '23503', 'insert or update on table "tenants" violates foreign key constraint "tenants_currency_known"',
                 'an unknown currency is refused');
SELECT throws_ok($$INSERT INTO kassa.tenants (slug, name, legal_name, country, currency, timezone) VALUES ('t-tz', 'X', 'X Ltd', 'ZA', 'ZAR', 'Mars/Olympus')$$,
                 'P0T01', 'unknown time zone "Mars/Olympus"', 'an unknown time zone is refused');
SELECT throws_ok($$UPDATE kassa.tenants SET timezone = 'Europe/Atlantis' WHERE slug = 'tap-a'$$,
                 'P0T01', 'unknown time zone "Europe/Atlantis"', 'and cannot be set later');
SELECT throws_ok($$UPDATE kassa.tenants SET account_number_format = 'CT-{YYYY}' WHERE slug = 'tap-a'$$,
                 '23514', 'new row for relation "tenants" violates check constraint "tenants_number_formats_have_counter"',
                 'a number format needs a counter');
SELECT throws_ok($$INSERT INTO kassa.tenants (slug, name, legal_name, country, currency) VALUES ('t-blank', '', 'X Ltd', 'ZA', 'ZAR')$$,
                 'P0V03', 'name is required and cannot be blank', 'a blank name is refused');
SELECT throws_ok($$INSERT INTO kassa.vat_rates (tenant_id, category, rate) VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'reduced', 100)$$,
                 '23514', 'new row for relation "vat_rates" violates check constraint "vat_rates_rate_range"', 'a VAT rate of 100 % is refused');
SELECT throws_ok($$UPDATE kassa.vat_rates SET rate = -1 WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'$$,
                 '23514', 'new row for relation "vat_rates" violates check constraint "vat_rates_rate_range"', 'a negative VAT rate is refused');
SELECT results_eq($$SELECT slug, currency, timezone, account_number_format FROM kassa.tenants WHERE slug IN ('t-xxx', 't-tz', 't-blank', 'tap-a')$$,
                  $$VALUES ('tap-a', 'ZAR'::char(3), 'Africa/Johannesburg', 'CT-{YYYY}-{NNNNN}')$$,
                  'nothing refused was written');

SELECT * FROM finish();
ROLLBACK;
