-- Services (a customer's subscription to a plan version), their action log, the charges
-- waiting for the next invoice, and the tenant settings that govern billing.
BEGIN;
ALTER TABLE kassa.tenants
  ADD COLUMN billing_days integer[] NOT NULL DEFAULT '{1,5,25,30}'
    CONSTRAINT tenants_billing_days_valid CHECK (cardinality(billing_days) > 0
      AND billing_days <@ ARRAY[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31]),
  ADD COLUMN invoice_lead_days integer NOT NULL DEFAULT 7
    CONSTRAINT tenants_invoice_lead_days_range CHECK (invoice_lead_days BETWEEN 0 AND 60),
  ADD COLUMN invoice_run_mode text NOT NULL DEFAULT 'finalise'
    CONSTRAINT tenants_invoice_run_mode_known CHECK (invoice_run_mode IN ('finalise', 'draft')),
  ADD COLUMN proration_mode text NOT NULL DEFAULT 'next_invoice'
    CONSTRAINT tenants_proration_mode_known CHECK (proration_mode IN ('next_invoice', 'immediate'));

CREATE TABLE kassa.services (
  tenant_id            uuid NOT NULL REFERENCES kassa.tenants (id)
                       DEFAULT (nullif(current_setting('request.jwt.claims', true), '')::json ->> 'tenant_id')::uuid,
  id                   uuid NOT NULL DEFAULT gen_random_uuid(),
  customer_id          uuid NOT NULL,
  price_version_id     uuid NOT NULL,   -- the plan version billed
  installation_address text NOT NULL DEFAULT '',
  reference            jsonb NOT NULL DEFAULT '{}'
                       CONSTRAINT services_reference_is_object CHECK (jsonb_typeof(reference) = 'object'),
  billing_day          integer NOT NULL CONSTRAINT services_billing_day_range CHECK (billing_day BETWEEN 1 AND 31),
  next_billing_date    date,            -- first day not yet charged; set on activation
  status               text NOT NULL DEFAULT 'pending'
                       CONSTRAINT services_status_known CHECK (status IN ('pending', 'active', 'suspended', 'cancelled')),
  activated_on         date,
  suspended_on         date,
  cancelled_on         date,
  created_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id),
  FOREIGN KEY (tenant_id, price_version_id) REFERENCES kassa.price_versions (tenant_id, id),
  CONSTRAINT services_active_has_dates CHECK (status IN ('pending', 'cancelled')
    OR (activated_on IS NOT NULL AND next_billing_date IS NOT NULL)),
  CONSTRAINT services_cancelled_has_date CHECK ((status = 'cancelled') = (cancelled_on IS NOT NULL))
);
CREATE INDEX services_customer ON kassa.services (tenant_id, customer_id);
-- The invoice run's scan: active services by next billing date.
CREATE INDEX services_due ON kassa.services (tenant_id, next_billing_date) WHERE status = 'active';

CREATE TABLE kassa.service_actions (
  tenant_id    uuid NOT NULL,
  id           bigint GENERATED ALWAYS AS IDENTITY,
  service_id   uuid NOT NULL,
  customer_id  uuid NOT NULL,
  action       text NOT NULL CONSTRAINT service_actions_action_known
               CHECK (action IN ('activate', 'suspend', 'resume', 'cancel', 'change_plan')),
  reason       text NOT NULL CONSTRAINT service_actions_reason_not_blank CHECK (btrim(reason) <> ''),
  effective_on date NOT NULL,
  row_before   jsonb NOT NULL,
  row_after    jsonb NOT NULL,
  actor        text NOT NULL,
  at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, service_id) REFERENCES kassa.services (tenant_id, id)
);
CREATE INDEX service_actions_service ON kassa.service_actions (tenant_id, service_id, id);

-- Pro-rata adjustments and one-off fees waiting for an invoice. invoice_line_id is set by the
-- invoice run in the transaction that bills the charge: a charge is billed once.
CREATE TABLE kassa.pending_charges (
  tenant_id        uuid NOT NULL,
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  customer_id      uuid NOT NULL,
  service_id       uuid,
  kind             text NOT NULL CONSTRAINT pending_charges_kind_known CHECK (kind IN ('proration', 'one_off')),
  description      text NOT NULL CONSTRAINT pending_charges_description_not_blank CHECK (btrim(description) <> ''),
  price_version_id uuid NOT NULL,
  quantity         numeric(12,3) NOT NULL DEFAULT 1 CONSTRAINT pending_charges_quantity_positive CHECK (quantity > 0),
  unit_price       bigint NOT NULL,   -- negative for a credit
  period_start     date,
  period_end       date,              -- inclusive, like invoice lines
  created_at       timestamptz NOT NULL DEFAULT now(),
  invoice_line_id  uuid,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id),
  FOREIGN KEY (tenant_id, service_id) REFERENCES kassa.services (tenant_id, id),
  FOREIGN KEY (tenant_id, price_version_id) REFERENCES kassa.price_versions (tenant_id, id),
  FOREIGN KEY (tenant_id, invoice_line_id) REFERENCES kassa.invoice_lines (tenant_id, id),
  CONSTRAINT pending_charges_billed_once UNIQUE (tenant_id, invoice_line_id)
);
CREATE INDEX pending_charges_open ON kassa.pending_charges (tenant_id, customer_id) WHERE invoice_line_id IS NULL;
COMMIT;
