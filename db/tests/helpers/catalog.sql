-- Shared catalog for the billing pgTAP files (include after two_tenants.sql): tenant A (ZAR)
-- sells monthly plans Fibre 50 / 100 / 200 (50.00, 100.00, 200.00), an annual plan (1200.00)
-- and an installation fee (999.00); tenant B (EUR) sells one plan. Fixed ids end in:
--   products  ...e0NN, price versions ...f0NN.
INSERT INTO kassa.products (tenant_id, id, code, name, kind)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000e050', 'fibre50', 'Fibre 50', 'plan'),
       ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000e100', 'fibre100', 'Fibre 100', 'plan'),
       ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000e200', 'fibre200', 'Fibre 200', 'plan'),
       ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000e012', 'fibre-annual', 'Fibre Annual', 'plan'),
       ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000e999', 'install', 'Installation', 'fee'),
       ('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-00000000e100', 'dsl100', 'DSL 100', 'plan');
-- The prices were entered on 1 January 2020, the day they are valid from (a valid_from lies
-- in the tenant's date window around the day it is entered); the clock is put back after.
SELECT shift AS catalog_saved_shift FROM kassa.clock \gset
UPDATE kassa.clock SET shift = '2020-01-01 12:00+00'::timestamptz - now();
INSERT INTO kassa.price_versions (tenant_id, id, product_id, price, interval, valid_from)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000f050', 'aaaaaaaa-0000-4000-8000-00000000e050', 5000, 'monthly', '2020-01-01'),
       ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000f100', 'aaaaaaaa-0000-4000-8000-00000000e100', 10000, 'monthly', '2020-01-01'),
       ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000f200', 'aaaaaaaa-0000-4000-8000-00000000e200', 20000, 'monthly', '2020-01-01'),
       ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000f012', 'aaaaaaaa-0000-4000-8000-00000000e012', 120000, 'annual', '2020-01-01'),
       ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000f999', 'aaaaaaaa-0000-4000-8000-00000000e999', 99900, NULL, '2020-01-01'),
       ('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-00000000f100', 'bbbbbbbb-0000-4000-8000-00000000e100', 3990, 'monthly', '2020-01-01');
UPDATE kassa.clock SET shift = :'catalog_saved_shift';

-- A pending service of customer A1 on Fibre 100, billing day 30 (id ...d001 + p_n).
CREATE FUNCTION pg_temp.new_service(p_n integer, p_day integer DEFAULT 30,
                                    p_version uuid DEFAULT 'aaaaaaaa-0000-4000-8000-00000000f100',
                                    p_customer uuid DEFAULT 'aaaaaaaa-0000-4000-8000-0000000000a1')
RETURNS uuid LANGUAGE sql AS $$
  INSERT INTO kassa.services (tenant_id, id, customer_id, price_version_id, billing_day, installation_address)
  VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', ('aaaaaaaa-0000-4000-8000-00000000d' || lpad(p_n::text, 3, '0'))::uuid,
          p_customer, p_version, p_day, '1 Long Street, Cape Town')
  RETURNING id
$$;

-- A service transition as tenant A's owner-side caller.
CREATE FUNCTION pg_temp.act(p_service uuid, p_action text, p_on date, p_version uuid DEFAULT NULL,
                            p_reason text DEFAULT 'tap test')
RETURNS kassa.services LANGUAGE sql AS $$
  SELECT internal.service_transition('aaaaaaaa-0000-4000-8000-00000000000a', p_service, p_action, p_reason, p_on, p_version)
$$;
