-- Gapless document numbers. The counter row is locked by the calling transaction until it
-- commits; a rollback takes the number back with it, so the series never has a hole.

-- Renders a tenant number format: {YYYY} the year, {N...} the counter padded to as many digits
-- (never cut: lpad alone would truncate 100000 to 10000 and repeat a number). Callers pass the
-- year of the document's issue date, or internal.tenant_year for an account: never the year of
-- now(), which is UTC's and a day early or late near midnight.
CREATE OR REPLACE FUNCTION internal.format_number(fmt text, year integer, n bigint) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT regexp_replace(replace(fmt, '{YYYY}', year::text), '\{(N+)\}',
                        lpad(n::text, greatest(length(substring(fmt FROM '\{(N+)\}')), length(n::text)), '0'))
$$;

-- period 0 is a counter that never resets (accounts); documents count per year of issue.
CREATE OR REPLACE FUNCTION internal.next_number(p_tenant uuid, p_kind text, p_period integer)
RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  INSERT INTO kassa.counters AS c (tenant_id, kind, period, last_value)
  VALUES (p_tenant, p_kind, p_period, 1)
  ON CONFLICT (tenant_id, kind, period) DO UPDATE SET last_value = c.last_value + 1
  RETURNING last_value
$$;

ALTER TABLE kassa.counters ENABLE ROW LEVEL SECURITY;
