-- Last word on function privileges: nothing in our schemas is executable by PUBLIC. Each
-- domain file grants EXECUTE to exactly the roles that need it; the catalog test checks.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api, internal FROM PUBLIC;
NOTIFY pgrst, 'reload schema';
