SELECT 1 / (nspowner = 'kassa_owner'::regrole::oid)::int FROM pg_namespace WHERE nspname = 'kassa';
SELECT has_function_privilege('kassa.hand_over_objects(name)', 'EXECUTE');
