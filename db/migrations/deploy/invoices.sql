-- Invoices and credit notes. Amounts are bigint minor units in the invoice currency. Totals
-- are computed by db/functions (VAT per rate from the summed net, rounded once); a finalised
-- invoice is frozen by trigger except for its payment state.
BEGIN;
CREATE TABLE kassa.invoices (
  tenant_id          uuid NOT NULL,
  id                 uuid NOT NULL DEFAULT gen_random_uuid(),
  customer_id        uuid NOT NULL,
  number             text,            -- gapless per tenant and year, set at finalisation
  status             text NOT NULL DEFAULT 'draft' CONSTRAINT invoices_status_known
                     CHECK (status IN ('draft', 'finalised', 'partially_paid', 'paid', 'overdue', 'void')),
  currency           char(3) NOT NULL REFERENCES kassa.currencies (code),
  prices_include_vat boolean NOT NULL,  -- the tenant's setting when the invoice was made
  issued_on          date,
  due_on             date,
  period_start       date,
  period_end         date,
  net_total          bigint NOT NULL DEFAULT 0,
  vat_total          bigint NOT NULL DEFAULT 0,
  total              bigint NOT NULL DEFAULT 0,
  amount_paid        bigint NOT NULL DEFAULT 0 CONSTRAINT invoices_amount_paid_not_negative CHECK (amount_paid >= 0),
  amount_credited    bigint NOT NULL DEFAULT 0 CONSTRAINT invoices_amount_credited_not_negative CHECK (amount_credited >= 0),
  amount_due         bigint GENERATED ALWAYS AS (total - amount_paid - amount_credited) STORED,
  notes              text NOT NULL DEFAULT '',
  created_at         timestamptz NOT NULL DEFAULT now(),
  finalised_at       timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id),
  CONSTRAINT invoices_number_unique UNIQUE (tenant_id, number),
  CONSTRAINT invoices_number_when_final CHECK ((status = 'draft') = (number IS NULL) OR status = 'void'),
  CONSTRAINT invoices_not_overpaid CHECK (amount_paid + amount_credited <= total)
);
CREATE INDEX invoices_open ON kassa.invoices (tenant_id, customer_id, issued_on)
  WHERE status IN ('finalised', 'partially_paid', 'overdue');

CREATE TABLE kassa.invoice_lines (
  tenant_id    uuid NOT NULL,
  invoice_id   uuid NOT NULL,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  position     integer NOT NULL DEFAULT 1,
  description  text NOT NULL CONSTRAINT invoice_lines_description_not_blank CHECK (btrim(description) <> ''),
  quantity     numeric(12,3) NOT NULL DEFAULT 1 CONSTRAINT invoice_lines_quantity_positive CHECK (quantity > 0),
  unit_price   bigint NOT NULL,   -- minor units, VAT-inclusive or not as the invoice says
  amount       bigint NOT NULL,   -- quantity x unit_price, rounded half away from zero
  vat_category text NOT NULL DEFAULT 'standard',
  vat_rate     numeric(5,2) NOT NULL CONSTRAINT invoice_lines_vat_rate_range CHECK (vat_rate >= 0 AND vat_rate < 100),
  period_start date,
  period_end   date,
  service_id   uuid,              -- the subscription this charge is for, if any
  charge_kind  text CONSTRAINT invoice_lines_charge_kind_known
               CHECK (charge_kind IN ('recurring', 'proration', 'one_off', 'usage', 'manual')),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, invoice_id) REFERENCES kassa.invoices (tenant_id, id),
  CONSTRAINT invoice_lines_period_order CHECK (period_end IS NULL OR period_end >= period_start)
);
CREATE INDEX invoice_lines_invoice ON kassa.invoice_lines (tenant_id, invoice_id, position);
-- A service is charged its recurring price once per period, whatever runs the invoicing.
CREATE UNIQUE INDEX invoice_lines_recurring_once ON kassa.invoice_lines (tenant_id, service_id, period_start)
  WHERE charge_kind = 'recurring';

-- How credit (payments, top-ups, credit notes, positive balance) settled invoices.
CREATE TABLE kassa.invoice_allocations (
  tenant_id   uuid NOT NULL,
  id          bigint GENERATED ALWAYS AS IDENTITY,
  invoice_id  uuid NOT NULL,
  customer_id uuid NOT NULL,
  amount      bigint NOT NULL CONSTRAINT invoice_allocations_amount_positive CHECK (amount > 0),
  source_type text NOT NULL,     -- 'balance' (any credit on the account) or 'credit_note'
  source_id   text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, invoice_id) REFERENCES kassa.invoices (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id)
);
CREATE INDEX invoice_allocations_invoice ON kassa.invoice_allocations (tenant_id, invoice_id);

CREATE TABLE kassa.credit_notes (
  tenant_id    uuid NOT NULL,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  invoice_id   uuid NOT NULL,
  customer_id  uuid NOT NULL,
  number       text NOT NULL,    -- gapless per tenant and year, own series
  reason       text NOT NULL CONSTRAINT credit_notes_reason_not_blank CHECK (btrim(reason) <> ''),
  settlement   text NOT NULL CONSTRAINT credit_notes_settlement_known CHECK (settlement IN ('balance', 'refund')),
  currency     char(3) NOT NULL REFERENCES kassa.currencies (code),
  issued_on    date NOT NULL,
  net_total    bigint NOT NULL,
  vat_total    bigint NOT NULL,
  total        bigint NOT NULL CONSTRAINT credit_notes_total_positive CHECK (total > 0),
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, invoice_id) REFERENCES kassa.invoices (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id),
  CONSTRAINT credit_notes_number_unique UNIQUE (tenant_id, number)
);

CREATE TABLE kassa.credit_note_lines (
  tenant_id       uuid NOT NULL,
  credit_note_id  uuid NOT NULL,
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  invoice_line_id uuid NOT NULL,
  description     text NOT NULL,
  amount          bigint NOT NULL CONSTRAINT credit_note_lines_amount_positive CHECK (amount > 0),
  vat_rate        numeric(5,2) NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, credit_note_id) REFERENCES kassa.credit_notes (tenant_id, id),
  FOREIGN KEY (tenant_id, invoice_line_id) REFERENCES kassa.invoice_lines (tenant_id, id)
);
COMMIT;
