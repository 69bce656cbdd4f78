-- helpers/two_tenants.sql, and a one-row temp table `ids` naming its tenants and customers
-- (ta, a1, a2, tb, b1) for tests that write `... FROM ids`. Include after plan(), and after
-- helpers/invoices.sql where a test uses that (two_tenants.sql grants what is defined by then).
CREATE TEMP TABLE ids AS SELECT 'aaaaaaaa-0000-4000-8000-00000000000a'::uuid AS ta,
  'aaaaaaaa-0000-4000-8000-0000000000a1'::uuid AS a1, 'aaaaaaaa-0000-4000-8000-0000000000a2'::uuid AS a2,
  'bbbbbbbb-0000-4000-8000-00000000000b'::uuid AS tb, 'bbbbbbbb-0000-4000-8000-0000000000b1'::uuid AS b1;
\ir two_tenants.sql
