-- The arrangement of the invoice-run pgTAP files: helpers/two_tenants.sql, helpers/catalog.sql
-- and helpers/clock.sql (pg_temp.travel_to). Include after plan().
\ir two_tenants.sql
\ir catalog.sql
\ir clock.sql
