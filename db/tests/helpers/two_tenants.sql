-- Shared arrangement for the pgTAP files that act as API roles (included with \ir inside the
-- test's transaction, so everything here is rolled back with it):
--   tenant A (ZAR) with customers A1, A2; tenant B (EUR) with customer B1; tenant S suspended.
--   pg_temp.act_as(role, tenant, customer) switches role and JWT claims the way PostgREST does;
--   pg_temp.act_as_owner() switches back.
-- pgTAP's functions and temp tables belong to the owner, and EXECUTE is revoked from PUBLIC by
-- default, so the API roles get access to them for this transaction only.

-- Every party has what an issued invoice must name (docs/documents.md): the tenants their
-- address and tax numbers, the customers their address.
INSERT INTO kassa.tenants (id, slug, name, legal_name, country, currency, prices_include_vat, timezone, status,
                           street, postcode, city, vat_number, tax_number)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'tap-a', 'Tenant A', 'Tenant A Ltd', 'ZA', 'ZAR', true, 'Africa/Johannesburg', 'active',
        '1 Adderley Street', '8001', 'Cape Town', '4000000001', NULL),
       ('bbbbbbbb-0000-4000-8000-00000000000b', 'tap-b', 'Tenant B', 'Tenant B GmbH', 'DE', 'EUR', false, 'Europe/Berlin', 'active',
        'Unter den Linden 1', '10117', 'Berlin', NULL, '30/123/45678'),
       ('cccccccc-0000-4000-8000-00000000000c', 'tap-s', 'Tenant S', 'Tenant S Ltd', 'ZA', 'ZAR', true, 'UTC', 'suspended',
        '2 Strand Street', '8001', 'Cape Town', '4000000002', NULL);
INSERT INTO kassa.vat_rates (tenant_id, category, rate)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'standard', 15),
       ('bbbbbbbb-0000-4000-8000-00000000000b', 'standard', 19);
INSERT INTO kassa.customers (tenant_id, id, name, email, phone, street, postcode, city)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'Alice A1', 'a1@example.com', '+27 82 000 0001',
        '3 Loop Street', '8001', 'Cape Town'),
       ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', 'Andile A2', 'a2@example.com', NULL,
        '4 Long Street', '8001', 'Cape Town'),
       ('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-0000000000b1', 'Berta B1', 'b1@example.com', NULL,
        'Friedrichstraße 5', '10117', 'Berlin');

CREATE FUNCTION pg_temp.act_as(p_role text, p_tenant uuid, p_customer uuid DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', json_strip_nulls(json_build_object(
    'role', p_role, 'tenant_id', p_tenant, 'customer_id', p_customer, 'sub', p_role || ':tap',
    'aud', 'kassa-api', 'exp', extract(epoch FROM now())::bigint + 600))::text, true);
  PERFORM set_config('role', p_role, true);
END $$;

CREATE FUNCTION pg_temp.act_as_owner() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);
END $$;

-- Include after plan(): pgTAP creates its temp tables there.
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO anon, customer, staff;
DO $$ BEGIN
  EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA %s TO anon, customer, staff', pg_my_temp_schema()::regnamespace);
  EXECUTE format('GRANT ALL ON ALL TABLES IN SCHEMA %s TO anon, customer, staff', pg_my_temp_schema()::regnamespace);
  EXECUTE format('GRANT ALL ON ALL SEQUENCES IN SCHEMA %s TO anon, customer, staff', pg_my_temp_schema()::regnamespace);
  -- pgTAP's comparisons (results_eq, set_eq, …) create temp tables as the current role; the
  -- API roles have no TEMPORARY otherwise, and this grant is rolled back with the test.
  EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO anon, customer, staff', current_database());
END $$;
