-- internal.check_claims: an API token carries the audience kassa-api and expires within 24
-- hours (PostgREST's pre-request, the bridge and the SSE gateway all call it).
BEGIN;
SELECT plan(6);
\ir helpers/two_tenants.sql

CREATE FUNCTION pg_temp.staff_claims(p_changes jsonb) RETURNS json LANGUAGE sql AS $$
  SELECT jsonb_strip_nulls(jsonb_build_object('role', 'staff', 'tenant_id', 'aaaaaaaa-0000-4000-8000-00000000000a',
           'aud', 'kassa-api', 'exp', extract(epoch FROM now())::bigint + 600) || p_changes)::json
$$;

SELECT lives_ok($$SELECT internal.check_claims(pg_temp.staff_claims('{}'), 'staff')$$, 'an API token passes');
SELECT lives_ok($$SELECT internal.check_claims(pg_temp.staff_claims('{"aud": ["other", "kassa-api"]}'), 'staff')$$,
                'an audience list that names kassa-api passes');
SELECT throws_ok($$SELECT internal.check_claims(pg_temp.staff_claims('{"aud": null}'), 'staff')$$,
                 '42501', 'token is not an API token (audience "kassa-api" required)', 'a token without audience is refused');
SELECT throws_ok($$SELECT internal.check_claims(pg_temp.staff_claims('{"aud": "kassa-password-reset"}'), 'staff')$$,
                 '42501', 'token is not an API token (audience "kassa-api" required)', 'a token for another purpose is refused');
SELECT throws_ok($$SELECT internal.check_claims(pg_temp.staff_claims('{"exp": null}'), 'staff')$$,
                 '42501', 'token has no exp claim: API tokens must expire', 'a token without expiry is refused');
SELECT throws_ok(format($$SELECT internal.check_claims(pg_temp.staff_claims('{"exp": %s}'), 'staff')$$,
                        extract(epoch FROM now())::bigint + 25 * 3600),
                 '42501', 'token expires more than 24 hours ahead', 'a token living longer than a day is refused');

SELECT * FROM finish();
ROLLBACK;
