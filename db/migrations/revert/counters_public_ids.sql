BEGIN;
ALTER TABLE audit.log DISABLE TRIGGER USER;
UPDATE audit.log l SET row_key = jsonb_build_object('id', a.id),
       old_row = CASE WHEN l.old_row ? 'public_id' THEN (l.old_row - 'public_id') || jsonb_build_object('id', a.id)
                      ELSE l.old_row END,
       new_row = CASE WHEN l.new_row ? 'public_id' THEN (l.new_row - 'public_id') || jsonb_build_object('id', a.id)
                      ELSE l.new_row END
  FROM kassa.invoice_allocations a
 WHERE l.table_name = 'kassa.invoice_allocations' AND a.tenant_id = l.tenant_id
   AND a.public_id = (l.row_key ->> 'public_id')::uuid;
ALTER TABLE audit.log ENABLE TRIGGER USER;
ALTER TABLE audit.log DROP COLUMN public_id, DROP COLUMN transaction_id;
ALTER TABLE kassa.job_runs DROP COLUMN public_id;
ALTER TABLE kassa.notifications DROP COLUMN public_id;
ALTER TABLE kassa.invoice_allocations DROP COLUMN public_id;
ALTER TABLE kassa.service_actions DROP COLUMN public_id;
CREATE INDEX ledger_entries_customer ON kassa.ledger_entries (tenant_id, customer_id, id);
ALTER TABLE kassa.ledger_entries DROP COLUMN public_id, DROP COLUMN entry_no;
COMMIT;
