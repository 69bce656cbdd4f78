-- One clock for every default date, rule and job: "now" is the server's transaction time plus
-- the shift in kassa.clock (zero unless a test or a rehearsal moved time), and a tenant's
-- "today" is that instant in the tenant's own time zone. Nothing else reads now() or
-- current_date to decide a business date: near local midnight the database session's day
-- (UTC) differs from the tenant's.

-- Security definer: kassa.clock is readable by no API role; search_path pinned.
CREATE OR REPLACE FUNCTION internal.clock_now() RETURNS timestamptz
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT pg_catalog.now() + coalesce((SELECT c.shift FROM kassa.clock c), interval '0')
$$;

-- The tenant's local date now; NULL for an unknown tenant.
CREATE OR REPLACE FUNCTION internal.tenant_today(p_tenant uuid) RETURNS date
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT (internal.clock_now() AT TIME ZONE t.timezone)::date FROM kassa.tenants t WHERE t.id = p_tenant
$$;

-- The tenant's local year now: document and account numbers are numbered per local year.
CREATE OR REPLACE FUNCTION internal.tenant_year(p_tenant uuid) RETURNS int
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT extract(year FROM internal.tenant_today(p_tenant))::int
$$;

GRANT EXECUTE ON FUNCTION internal.clock_now(), internal.tenant_today(uuid), internal.tenant_year(uuid)
  TO customer, staff;
