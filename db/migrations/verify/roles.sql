SELECT 1 / (count(*) = 5)::int FROM pg_roles
 WHERE rolname IN ('authenticator', 'anon', 'customer', 'staff', 'kassa_worker');
