-- The exposed `api` schema is rebuilt whole on every deploy (it holds no data); `internal`
-- keeps security definer helpers and is never exposed.
CREATE SCHEMA IF NOT EXISTS internal;
CREATE SCHEMA IF NOT EXISTS api;
REVOKE ALL ON SCHEMA internal, kassa, audit FROM PUBLIC;
GRANT USAGE ON SCHEMA api TO anon, customer, staff;
-- security_invoker views check base-table privileges as the caller, so API roles reach the
-- private schema's tables (guarded by RLS and column grants), never its name over HTTP.
GRANT USAGE ON SCHEMA kassa, internal TO customer, staff;
GRANT USAGE ON SCHEMA internal TO anon;
GRANT USAGE ON SCHEMA audit TO staff;
