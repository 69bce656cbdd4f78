-- Deploy kassa:credit_control_auto_pay to pg
-- Credit control: the limit staff set for a customer, with why and by whom (the billing
-- account keeps the number the ledger checks; this row says the customer is under credit
-- control and is audited). Auto-pay: a customer's opt-in to have invoices charged to their
-- primary saved card on the due date; the payment names the due date it was made for, so a
-- re-run of the job never charges an invoice twice for one due date.
BEGIN;
CREATE TABLE kassa.credit_limits (
  tenant_id    uuid NOT NULL,
  customer_id  uuid NOT NULL,
  credit_limit bigint NOT NULL CONSTRAINT credit_limits_credit_limit_not_negative CHECK (credit_limit >= 0),
  reason       text NOT NULL CONSTRAINT credit_limits_reason_not_blank CHECK (btrim(reason) <> '')
               CONSTRAINT credit_limits_reason_max_length CHECK (char_length(reason) <= 500),
  set_by       text NOT NULL CONSTRAINT credit_limits_set_by_max_length CHECK (char_length(set_by) <= 200),
  set_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, customer_id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.billing_accounts (tenant_id, customer_id)
);

ALTER TABLE kassa.customers ADD COLUMN auto_pay boolean NOT NULL DEFAULT false;

ALTER TABLE kassa.payments ADD COLUMN auto_pay_due_on date,
  ADD CONSTRAINT payments_auto_pay_names_invoice CHECK (auto_pay_due_on IS NULL OR invoice_id IS NOT NULL);
CREATE UNIQUE INDEX payments_one_auto_pay_per_due_date ON kassa.payments (tenant_id, invoice_id, auto_pay_due_on)
  WHERE auto_pay_due_on IS NOT NULL;
COMMIT;
