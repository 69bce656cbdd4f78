SELECT 1 / (NOT rolbypassrls)::int FROM pg_roles WHERE rolname = 'kassa_worker';
