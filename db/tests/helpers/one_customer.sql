-- One tenant (ZAR) with one customer, for the balance-rule files. Set the psql variables first:
--   \set tenant '…'  \set customer '…'  \set slug '…'
-- The temp table `one` holds the ids (tenant, customer); pg_temp.move(amount) posts an
-- adjustment of that amount to the customer's balance.
INSERT INTO kassa.tenants (id, slug, name, legal_name, country, currency, street, postcode, city, vat_number)
VALUES (:'tenant', :'slug', 'Test ' || :'slug', 'Test ' || :'slug' || ' Ltd', 'ZA', 'ZAR', '1 Adderley Street', '8001',
        'Cape Town', '4000000003');
INSERT INTO kassa.customers (tenant_id, id, name, email, street, postcode, city)
VALUES (:'tenant', :'customer', 'Test customer', :'slug' || '@example.com', '3 Loop Street', '8001', 'Cape Town');
CREATE TEMP TABLE one AS SELECT :'tenant'::uuid AS tenant, :'customer'::uuid AS customer;
CREATE FUNCTION pg_temp.move(amount bigint) RETURNS void LANGUAGE sql AS $$
  SELECT FROM one, internal.post_entry(one.tenant, one.customer, 'adjustment', amount, 'test', md5(random()::text)) $$;
