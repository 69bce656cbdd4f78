-- The one clock: every business date is the tenant's local date of internal.clock_now(),
-- which tests move with kassa.clock's shift.
BEGIN;
SELECT plan(6);
\ir helpers/clock.sql
\ir helpers/two_tenants.sql

SELECT is(internal.clock_now(), now(), 'without a shift the clock is the transaction time');

SELECT pg_temp.travel_to('2026-12-31 22:30:00+00');
SELECT is(internal.clock_now(), '2026-12-31 22:30:00+00'::timestamptz, 'a shift moves the clock');
SELECT is(internal.tenant_today('aaaaaaaa-0000-4000-8000-00000000000a'), '2027-01-01'::date,
          'at 22:30 UTC on 31 December it is already 1 January in Johannesburg');
SELECT is(internal.tenant_year('aaaaaaaa-0000-4000-8000-00000000000a'), 2027, 'and the local year is 2027');
SELECT is(internal.tenant_today('cccccccc-0000-4000-8000-00000000000c'), '2026-12-31'::date,
          'while a UTC tenant is still on 31 December');
SELECT is(internal.tenant_today('00000000-0000-4000-8000-000000000000'), NULL, 'an unknown tenant has no today');

SELECT * FROM finish();
ROLLBACK;
