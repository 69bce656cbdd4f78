-- The arrangement of the invoice pgTAP files: helpers/invoices.sql, helpers/two_tenants_ids.sql,
-- and a temp table `inv` of the documents a test makes, by name. Include after plan().
CREATE TEMP TABLE inv (name text PRIMARY KEY, id uuid);
\ir invoices.sql
\ir two_tenants_ids.sql
