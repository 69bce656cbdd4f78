-- Append-only: no role gets UPDATE or DELETE, and a trigger (db/functions) refuses them even
-- for the owner at runtime.
BEGIN;
CREATE TABLE audit.log (
  tenant_id   uuid NOT NULL,
  id          bigint GENERATED ALWAYS AS IDENTITY,
  table_name  text NOT NULL,
  row_key     jsonb NOT NULL,
  operation   text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
  old_row     jsonb,
  new_row     jsonb,            -- for UPDATE: only the changed columns
  actor_sub   text,
  actor_role  text NOT NULL,
  db_user     text NOT NULL,
  txid        bigint NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX log_row ON audit.log (tenant_id, table_name, row_key);
COMMIT;
