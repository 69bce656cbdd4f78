-- pg_temp.travel_to(instant): moves the one clock (internal.clock_now) so that "now" is that
-- instant for the rest of the test's transaction (now() is fixed within a transaction).
CREATE FUNCTION pg_temp.travel_to(p_instant timestamptz) RETURNS void LANGUAGE sql AS $$
  UPDATE kassa.clock SET shift = p_instant - now()
$$;
