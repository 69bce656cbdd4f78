-- Limits for the roles PostgREST switches to. PostgREST 12 reads these role settings
-- (pg_roles.rolconfig) into its schema cache and applies them in every request's transaction,
-- so a runaway query over HTTP is cancelled instead of holding a pool connection.
-- Roles are cluster-wide: every Kassa database in the cluster shares these values.
ALTER ROLE anon SET statement_timeout = '2s';
ALTER ROLE customer SET statement_timeout = '10s';
ALTER ROLE staff SET statement_timeout = '10s';
