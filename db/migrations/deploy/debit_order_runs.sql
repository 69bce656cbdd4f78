-- Deploy kassa:debit_order_runs to pg
-- Debit-order runs: a batch per tenant and submission date, one item (debit) per invoice with
-- its pending payment; reversals of kind `unpaid` beside `refund` and `dispute`; the tenant's
-- debit-order service (two-day, same-day) and cut-off time.
BEGIN;
CREATE TABLE kassa.debit_order_batches (
  tenant_id       uuid NOT NULL REFERENCES kassa.tenants (id),
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  submission_date date NOT NULL,
  action_date     date NOT NULL CONSTRAINT debit_order_batches_action_after_submission CHECK (action_date >= submission_date),
  service         text NOT NULL CONSTRAINT debit_order_batches_service_known CHECK (service IN ('two_day', 'same_day')),
  name            text NOT NULL CONSTRAINT debit_order_batches_name_max_length CHECK (char_length(name) <= 100),
  -- recorded -> uploading -> loading -> submitted | awaiting_authorisation | failed; an upload
  -- whose answer was lost is upload_unknown and is never sent again by the job.
  status          text NOT NULL DEFAULT 'recorded' CONSTRAINT debit_order_batches_status_known
                  CHECK (status IN ('recorded', 'uploading', 'upload_unknown', 'loading', 'submitted',
                                    'awaiting_authorisation', 'failed')),
  file_token      text CONSTRAINT debit_order_batches_file_token_max_length CHECK (char_length(file_token) <= 200),
  load_status     text CONSTRAINT debit_order_batches_load_status_known
                  CHECK (load_status IN ('SUCCESSFUL', 'UNSUCCESSFUL', 'SUCCESSFUL WITH ERRORS')),
  error           text CONSTRAINT debit_order_batches_error_max_length CHECK (char_length(error) <= 2000),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT debit_order_batches_one_per_day UNIQUE (tenant_id, submission_date)
);

CREATE TABLE kassa.debit_order_items (
  tenant_id         uuid NOT NULL,
  id                uuid NOT NULL DEFAULT gen_random_uuid(),
  batch_id          uuid NOT NULL,
  submission_date   date NOT NULL,
  invoice_id        uuid NOT NULL,
  customer_id       uuid NOT NULL,
  payment_method_id uuid NOT NULL,
  payment_id        uuid NOT NULL,
  account_reference text NOT NULL CONSTRAINT debit_order_items_account_reference_max_length CHECK (char_length(account_reference) <= 22),
  amount            bigint NOT NULL CONSTRAINT debit_order_items_amount_positive CHECK (amount > 0),
  presentation      integer NOT NULL CONSTRAINT debit_order_items_presentation_range CHECK (presentation BETWEEN 1 AND 3),
  line              integer,  -- the T line of the uploaded file (the load report names it)
  status            text NOT NULL DEFAULT 'pending' CONSTRAINT debit_order_items_status_known
                    CHECK (status IN ('pending', 'submitted', 'rejected', 'paid', 'unpaid', 'disputed')),
  reason_code       integer,
  reason            text CONSTRAINT debit_order_items_reason_max_length CHECK (char_length(reason) <= 500),
  retry_allowed     boolean NOT NULL DEFAULT false,
  paid_ref          text CONSTRAINT debit_order_items_paid_ref_max_length CHECK (char_length(paid_ref) <= 100),
  reversal_ref      text CONSTRAINT debit_order_items_reversal_ref_max_length CHECK (char_length(reversal_ref) <= 100),
  created_at        timestamptz NOT NULL DEFAULT now(),
  settled_at        timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, batch_id) REFERENCES kassa.debit_order_batches (tenant_id, id),
  FOREIGN KEY (tenant_id, invoice_id) REFERENCES kassa.invoices (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id),
  FOREIGN KEY (tenant_id, payment_method_id) REFERENCES kassa.payment_methods (tenant_id, id),
  FOREIGN KEY (tenant_id, payment_id) REFERENCES kassa.payments (tenant_id, id),
  -- Never twice for one invoice on one date, whatever a re-run does.
  CONSTRAINT debit_order_items_once_per_day UNIQUE (tenant_id, submission_date, invoice_id),
  CONSTRAINT debit_order_items_one_payment UNIQUE (tenant_id, payment_id)
);
-- At most one debit of an invoice in flight (recorded or at NetCash, not yet paid or returned).
CREATE UNIQUE INDEX debit_order_items_one_in_flight ON kassa.debit_order_items (tenant_id, invoice_id)
  WHERE status IN ('pending', 'submitted');
CREATE INDEX debit_order_items_batch ON kassa.debit_order_items (tenant_id, batch_id);
-- Statement lines name the account reference only (it is unique over all tenants).
CREATE INDEX debit_order_items_by_reference ON kassa.debit_order_items (account_reference, amount);

ALTER TABLE kassa.payment_refunds DROP CONSTRAINT payment_refunds_kind_known,
  ADD CONSTRAINT payment_refunds_kind_known CHECK (kind IN ('refund', 'dispute', 'unpaid'));

ALTER TABLE kassa.payment_settings
  ADD COLUMN debit_order_service text NOT NULL DEFAULT 'two_day'
    CONSTRAINT payment_settings_debit_order_service_known CHECK (debit_order_service IN ('two_day', 'same_day')),
  ADD COLUMN debit_order_cutoff time NOT NULL DEFAULT '11:00';
COMMIT;
