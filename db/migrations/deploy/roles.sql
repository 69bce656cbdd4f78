-- Roles are cluster-wide, so they are created only when missing: several Kassa databases
-- (the demo one, throw-away test ones) may share one cluster.
BEGIN;
DO $$
DECLARE
  wanted text[][] := ARRAY[
    ['authenticator', 'LOGIN NOINHERIT'],   -- PostgREST logs in as this and only switches role
    ['anon',          'NOLOGIN'],
    ['customer',      'NOLOGIN'],
    ['staff',         'NOLOGIN'],
    ['kassa_worker',  'LOGIN BYPASSRLS']    -- bridges and jobs: act across tenants
  ];
  i int;
BEGIN
  FOR i IN 1 .. array_length(wanted, 1) LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = wanted[i][1]) THEN
      EXECUTE format('CREATE ROLE %I %s', wanted[i][1], wanted[i][2]);
    END IF;
  END LOOP;
END $$;
GRANT anon, customer, staff TO authenticator;
COMMIT;
