-- Legacy import (`kassa import`, db/functions/710_import.sql, docs/import.md): the legacy id of
-- every row imported, for reconciliation and for re-runs that create nothing twice; opening
-- balances as a ledger entry kind of their own; open invoices of the legacy system kept on
-- kassa.invoices under their legacy number, outside Kassa's gapless series (number stays NULL).
BEGIN;
CREATE TABLE kassa.legacy_ids (
  tenant_id   uuid NOT NULL REFERENCES kassa.tenants (id),
  kind        text NOT NULL CONSTRAINT legacy_ids_kind_known
              CHECK (kind = ANY (ARRAY['customer', 'service', 'balance', 'invoice', 'mandate'])),
  legacy_id   text NOT NULL CONSTRAINT legacy_ids_legacy_id_length CHECK (char_length(legacy_id) BETWEEN 1 AND 100),
  kassa_id    uuid NOT NULL,  -- the customer's, service's, invoice's, payment method's or ledger entry's id
  imported_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, kind, legacy_id)
);
CREATE INDEX legacy_ids_kassa_id ON kassa.legacy_ids (tenant_id, kassa_id);
ALTER TABLE kassa.legacy_ids ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.ledger_entries DROP CONSTRAINT ledger_entries_kind_known,
  ADD CONSTRAINT ledger_entries_kind_known CHECK (kind IN
    ('invoice', 'payment', 'top_up', 'bonus', 'refund', 'credit_note', 'adjustment', 'reversal', 'opening_balance'));

-- An imported invoice is issued (not a draft) without a Kassa number: its legacy number names it.
ALTER TABLE kassa.invoices
  ADD COLUMN legacy_number text CONSTRAINT invoices_legacy_number_max_length CHECK (char_length(legacy_number) <= 64),
  ADD CONSTRAINT invoices_legacy_number_unique UNIQUE (tenant_id, legacy_number),
  ADD CONSTRAINT invoices_legacy_not_numbered CHECK (legacy_number IS NULL OR (number IS NULL AND status <> 'draft')),
  DROP CONSTRAINT invoices_number_when_final,
  ADD CONSTRAINT invoices_number_when_final
    CHECK ((status = 'draft') = (number IS NULL AND legacy_number IS NULL) OR status = 'void'),
  DROP CONSTRAINT invoices_not_overpaid,
  ADD CONSTRAINT invoices_not_overpaid
    CHECK ((number IS NULL AND legacy_number IS NULL) OR amount_paid + amount_credited <= total);
COMMIT;
