-- No global counter reaches the API (a tenant could count the platform's activity between two
-- of its own rows): the rows the API shows get an opaque uuid (public_id, shown as `id`), the
-- ledger a per-customer, gapless entry number to order by, and the audit log a uuid per
-- transaction instead of the txid. The bigint ids stay as internal keys.
BEGIN;
ALTER TABLE kassa.ledger_entries ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid(),
  ADD COLUMN entry_no bigint;
-- The backfill updates rows the append-only triggers (db/functions) guard.
ALTER TABLE kassa.ledger_entries DISABLE TRIGGER USER;
UPDATE kassa.ledger_entries l SET entry_no = n.entry_no
  FROM (SELECT tenant_id, id, row_number() OVER (PARTITION BY tenant_id, customer_id ORDER BY id) AS entry_no
          FROM kassa.ledger_entries) n
 WHERE l.tenant_id = n.tenant_id AND l.id = n.id;
ALTER TABLE kassa.ledger_entries ENABLE TRIGGER USER;
ALTER TABLE kassa.ledger_entries ALTER COLUMN entry_no SET NOT NULL,
  ADD CONSTRAINT ledger_entries_entry_no_positive CHECK (entry_no > 0),
  ADD CONSTRAINT ledger_entries_entry_no_per_customer UNIQUE (tenant_id, customer_id, entry_no),
  ADD CONSTRAINT ledger_entries_public_id_unique UNIQUE (tenant_id, public_id);
-- The unique index on (tenant_id, customer_id, entry_no) serves the per-customer reads now.
DROP INDEX kassa.ledger_entries_customer;

ALTER TABLE kassa.service_actions ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid(),
  ADD CONSTRAINT service_actions_public_id_unique UNIQUE (tenant_id, public_id);
ALTER TABLE kassa.invoice_allocations ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid(),
  ADD CONSTRAINT invoice_allocations_public_id_unique UNIQUE (tenant_id, public_id);
ALTER TABLE kassa.notifications ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid(),
  ADD CONSTRAINT notifications_public_id_unique UNIQUE (tenant_id, public_id);
ALTER TABLE kassa.job_runs ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid(),
  ADD CONSTRAINT job_runs_public_id_unique UNIQUE (tenant_id, public_id);

-- No unique index on the log's public_id: every audited write would pay for it, and the log is
-- read by table, row and transaction, rarely by id.
ALTER TABLE audit.log ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid(),
  ADD COLUMN transaction_id uuid;
ALTER TABLE audit.log DISABLE TRIGGER USER;
UPDATE audit.log l SET transaction_id = t.transaction_id
  FROM (SELECT txid, gen_random_uuid() AS transaction_id FROM audit.log GROUP BY txid) t
 WHERE l.txid = t.txid;
-- Allocations were logged under their bigint id: log them under the uuid the API shows.
UPDATE audit.log l SET row_key = jsonb_build_object('public_id', a.public_id),
       old_row = CASE WHEN l.old_row ? 'id' THEN (l.old_row - 'id') || jsonb_build_object('public_id', a.public_id)
                      ELSE l.old_row END,
       new_row = CASE WHEN l.new_row ? 'id' THEN (l.new_row - 'id') || jsonb_build_object('public_id', a.public_id)
                      ELSE l.new_row END
  FROM kassa.invoice_allocations a
 WHERE l.table_name = 'kassa.invoice_allocations' AND a.tenant_id = l.tenant_id
   AND a.id = (l.row_key ->> 'id')::bigint;
ALTER TABLE audit.log ENABLE TRIGGER USER;
ALTER TABLE audit.log ALTER COLUMN transaction_id SET NOT NULL;
CREATE INDEX log_transaction ON audit.log (tenant_id, transaction_id);
COMMIT;
