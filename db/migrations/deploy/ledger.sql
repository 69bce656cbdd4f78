-- The balance ledger. ledger_entries is append-only; billing_accounts.balance is a cache of
-- the sum of a customer's entries, updated in the same transaction by internal.post_entries.
BEGIN;
CREATE TABLE kassa.billing_accounts (
  tenant_id    uuid NOT NULL,
  customer_id  uuid NOT NULL,
  currency     char(3) NOT NULL REFERENCES kassa.currencies (code),
  balance      bigint NOT NULL DEFAULT 0,
  credit_limit bigint NOT NULL DEFAULT 0 CONSTRAINT billing_accounts_credit_limit_not_negative CHECK (credit_limit >= 0),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, customer_id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id)
);

CREATE TABLE kassa.ledger_entries (
  tenant_id     uuid NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  customer_id   uuid NOT NULL,
  kind          text NOT NULL CONSTRAINT ledger_entries_kind_known CHECK (kind IN
                ('invoice', 'payment', 'top_up', 'bonus', 'refund', 'credit_note', 'adjustment', 'reversal')),
  amount        bigint NOT NULL CONSTRAINT ledger_entries_amount_not_zero CHECK (amount <> 0),
  currency      char(3) NOT NULL,
  balance_after bigint NOT NULL,
  source_type   text NOT NULL,  -- the document behind the entry: 'invoice', 'payment', ...
  source_id     text NOT NULL,
  description   text NOT NULL DEFAULT '',
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.billing_accounts (tenant_id, customer_id),
  -- A document posts each kind of entry once: a repeated posting is a no-op, never a double.
  CONSTRAINT ledger_entries_once_per_source UNIQUE (tenant_id, source_type, source_id, kind)
);
CREATE INDEX ledger_entries_customer ON kassa.ledger_entries (tenant_id, customer_id, id);
COMMIT;
