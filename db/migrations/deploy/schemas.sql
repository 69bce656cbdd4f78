BEGIN;
CREATE SCHEMA kassa;   -- private tables, never exposed
CREATE SCHEMA audit;   -- append-only audit log
CREATE EXTENSION IF NOT EXISTS pgcrypto;
-- An RPC is callable only by roles explicitly granted it.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
COMMIT;
