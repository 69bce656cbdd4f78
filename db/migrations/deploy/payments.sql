-- Payments: methods, transactions and refunds, Stripe webhook events, auto top-up, top-up
-- limits and bonus tiers, low-balance thresholds, and the notification rows (the future outbox).
BEGIN;
-- Per-tenant top-up limits (minor units of the tenant currency). No row: the defaults.
CREATE TABLE kassa.payment_settings (
  tenant_id   uuid PRIMARY KEY REFERENCES kassa.tenants (id),
  min_top_up  bigint NOT NULL DEFAULT 1000 CONSTRAINT payment_settings_min_positive CHECK (min_top_up > 0),
  max_top_up  bigint NOT NULL DEFAULT 1000000,
  CONSTRAINT payment_settings_max_above_min CHECK (max_top_up >= min_top_up)
);

-- A top-up of at least min_amount earns percent of it as a separate bonus entry.
CREATE TABLE kassa.bonus_tiers (
  tenant_id  uuid NOT NULL REFERENCES kassa.tenants (id),
  min_amount bigint NOT NULL CONSTRAINT bonus_tiers_min_amount_positive CHECK (min_amount > 0),
  percent    numeric(5,2) NOT NULL CONSTRAINT bonus_tiers_percent_range CHECK (percent > 0 AND percent <= 100),
  PRIMARY KEY (tenant_id, min_amount)
);

CREATE TABLE kassa.payment_methods (
  tenant_id         uuid NOT NULL,
  id                uuid NOT NULL DEFAULT gen_random_uuid(),
  customer_id       uuid NOT NULL,
  kind              text NOT NULL CONSTRAINT payment_methods_kind_known CHECK (kind IN ('card', 'debit_order', 'eft')),
  is_primary        boolean NOT NULL DEFAULT false,
  brand             text,
  last4             text CONSTRAINT payment_methods_last4_format CHECK (last4 ~ '^[0-9]{4}$'),
  exp_month         integer CONSTRAINT payment_methods_exp_month_range CHECK (exp_month BETWEEN 1 AND 12),
  exp_year          integer CONSTRAINT payment_methods_exp_year_range CHECK (exp_year BETWEEN 2000 AND 2100),
  bank              text,
  account_type      text CONSTRAINT payment_methods_account_type_known
                    CHECK (account_type IN ('current', 'cheque', 'savings', 'transmission')),
  account_masked    text CONSTRAINT payment_methods_account_masked_format CHECK (account_masked ~ '^\*\*\*[0-9]{4}$'),
  mandate_reference text,
  mandate_status    text CONSTRAINT payment_methods_mandate_status_known
                    CHECK (mandate_status IN ('pending', 'active', 'cancelled')),
  created_at        timestamptz NOT NULL DEFAULT now(),
  deleted_at        timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id),
  CONSTRAINT payment_methods_deleted_not_primary CHECK (NOT (is_primary AND deleted_at IS NOT NULL)),
  CONSTRAINT payment_methods_card_details CHECK (kind <> 'card' OR (brand IS NOT NULL AND last4 IS NOT NULL
    AND exp_month IS NOT NULL AND exp_year IS NOT NULL)),
  CONSTRAINT payment_methods_debit_order_details CHECK (kind <> 'debit_order' OR (bank IS NOT NULL
    AND account_type IS NOT NULL AND account_masked IS NOT NULL AND mandate_reference IS NOT NULL
    AND mandate_status IS NOT NULL))
);
-- Exactly one primary method per customer (among the methods not deleted).
CREATE UNIQUE INDEX payment_methods_one_primary ON kassa.payment_methods (tenant_id, customer_id) WHERE is_primary;

-- The sensitive part of a method, apart so that nothing generic (API views, the audit log's
-- row copies) ever carries it: pgp_sym_encrypt(jsonb) under the configured key, holding the
-- gateway ids of a card or the full account number of a debit order. No API role has any
-- privilege on this table.
CREATE TABLE kassa.payment_method_secrets (
  tenant_id         uuid NOT NULL,
  payment_method_id uuid NOT NULL,
  details_encrypted bytea NOT NULL,
  PRIMARY KEY (tenant_id, payment_method_id),
  FOREIGN KEY (tenant_id, payment_method_id) REFERENCES kassa.payment_methods (tenant_id, id)
);

CREATE TABLE kassa.payments (
  tenant_id           uuid NOT NULL,
  id                  uuid NOT NULL DEFAULT gen_random_uuid(),
  customer_id         uuid NOT NULL,
  provider            text NOT NULL CONSTRAINT payments_provider_known CHECK (provider IN ('stripe', 'netcash', 'octo', 'manual')),
  provider_ref        text,   -- the gateway's id of what we created (Stripe checkout session or payment intent)
  provider_intent_ref text,   -- the gateway's charge/payment intent id, named by refunds and disputes
  method              text NOT NULL CONSTRAINT payments_method_known CHECK (method IN ('card', 'debit_order', 'eft', 'cash')),
  purpose             text NOT NULL CONSTRAINT payments_purpose_known CHECK (purpose IN ('top_up', 'payment')),
  status              text NOT NULL DEFAULT 'pending' CONSTRAINT payments_status_known
                      CHECK (status IN ('pending', 'completed', 'failed', 'partially_refunded', 'refunded')),
  amount              bigint NOT NULL CONSTRAINT payments_amount_positive CHECK (amount > 0),
  currency            char(3) NOT NULL REFERENCES kassa.currencies (code),
  bonus               bigint NOT NULL DEFAULT 0 CONSTRAINT payments_bonus_not_negative CHECK (bonus >= 0),
  amount_refunded     bigint NOT NULL DEFAULT 0,
  idempotency_key     text,   -- customer + client request id: a double click is one payment
  checkout_url        text,
  payment_method_id   uuid,
  auto_topup          boolean NOT NULL DEFAULT false,
  provider_response   jsonb NOT NULL DEFAULT '{}',  -- raw gateway answers, for audit; staff only
  failure_reason      text,
  reason              text,   -- staff operations: why
  created_at          timestamptz NOT NULL DEFAULT now(),
  completed_at        timestamptz,
  failed_at           timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id),
  FOREIGN KEY (tenant_id, payment_method_id) REFERENCES kassa.payment_methods (tenant_id, id),
  CONSTRAINT payments_provider_ref_unique UNIQUE (tenant_id, provider, provider_ref),
  CONSTRAINT payments_provider_intent_ref_unique UNIQUE (tenant_id, provider, provider_intent_ref),
  CONSTRAINT payments_idempotency_key_unique UNIQUE (tenant_id, customer_id, idempotency_key),
  CONSTRAINT payments_refund_within_amount CHECK (amount_refunded BETWEEN 0 AND amount),
  CONSTRAINT payments_completed_has_date CHECK ((status IN ('completed', 'partially_refunded', 'refunded')) = (completed_at IS NOT NULL)),
  CONSTRAINT payments_failed_has_date CHECK ((status = 'failed') = (failed_at IS NOT NULL))
);
CREATE INDEX payments_customer ON kassa.payments (tenant_id, customer_id, created_at);
-- Refunds and disputes name the gateway's payment intent, not our tenant.
CREATE INDEX payments_by_provider_intent ON kassa.payments (provider_intent_ref) WHERE provider_intent_ref IS NOT NULL;
-- At most one automatic top-up in flight per customer.
CREATE UNIQUE INDEX payments_one_auto_topup_in_flight ON kassa.payments (tenant_id, customer_id)
  WHERE auto_topup AND status = 'pending';

CREATE TABLE kassa.payment_refunds (
  tenant_id      uuid NOT NULL,
  id             uuid NOT NULL DEFAULT gen_random_uuid(),
  payment_id     uuid NOT NULL,
  customer_id    uuid NOT NULL,
  kind           text NOT NULL CONSTRAINT payment_refunds_kind_known CHECK (kind IN ('refund', 'dispute')),
  amount         bigint NOT NULL CONSTRAINT payment_refunds_amount_positive CHECK (amount > 0),
  bonus_reversed bigint NOT NULL DEFAULT 0,
  provider_ref   text,   -- Stripe refund or dispute id; null for refunds paid out by staff
  reason         text NOT NULL CONSTRAINT payment_refunds_reason_not_blank CHECK (btrim(reason) <> ''),
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, payment_id) REFERENCES kassa.payments (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id),
  CONSTRAINT payment_refunds_provider_ref_unique UNIQUE (tenant_id, kind, provider_ref)
);

-- Gateway events, keyed by the gateway's event id: a redelivery is recognised. Platform data
-- (an event is read before its tenant is known), like the job log: worker and DBAs only.
CREATE TABLE kassa.webhook_events (
  provider     text NOT NULL,
  event_id     text NOT NULL,
  type         text NOT NULL,
  status       text NOT NULL DEFAULT 'received' CONSTRAINT webhook_events_status_known
               CHECK (status IN ('received', 'processed', 'ignored', 'rejected')),
  payload      jsonb NOT NULL,
  error        text,
  attempts     integer NOT NULL DEFAULT 1,
  received_at  timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  PRIMARY KEY (provider, event_id)
);

CREATE TABLE kassa.auto_topups (
  tenant_id            uuid NOT NULL,
  customer_id          uuid NOT NULL,
  enabled              boolean NOT NULL DEFAULT true,
  threshold            bigint NOT NULL,
  amount               bigint NOT NULL CONSTRAINT auto_topups_amount_positive CHECK (amount > 0),
  payment_method_id    uuid NOT NULL,
  requested_at         timestamptz,   -- a posting took the balance below the threshold
  in_flight_payment_id uuid,
  last_attempt_at      timestamptz,
  consecutive_failures integer NOT NULL DEFAULT 0,
  disabled_reason      text,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, customer_id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id),
  FOREIGN KEY (tenant_id, payment_method_id) REFERENCES kassa.payment_methods (tenant_id, id),
  FOREIGN KEY (tenant_id, in_flight_payment_id) REFERENCES kassa.payments (tenant_id, id)
);

-- Staff balance adjustments: the document behind an 'adjustment' ledger entry, with its reason.
CREATE TABLE kassa.balance_adjustments (
  tenant_id   uuid NOT NULL,
  id          uuid NOT NULL DEFAULT gen_random_uuid(),
  customer_id uuid NOT NULL,
  amount      bigint NOT NULL CONSTRAINT balance_adjustments_amount_not_zero CHECK (amount <> 0),
  reason      text NOT NULL CONSTRAINT balance_adjustments_reason_not_blank CHECK (btrim(reason) <> ''),
  created_by  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id)
);

CREATE TABLE kassa.low_balance_thresholds (
  tenant_id uuid NOT NULL REFERENCES kassa.tenants (id),
  amount    bigint NOT NULL,
  PRIMARY KEY (tenant_id, amount)
);

-- Messages for customers (and staff), written in the transaction that caused them. Delivery
-- (channel, attempts, errors) comes with the outbox; delivered_at stays null until then.
CREATE TABLE kassa.notifications (
  tenant_id    uuid NOT NULL REFERENCES kassa.tenants (id),
  id           bigint GENERATED ALWAYS AS IDENTITY,
  customer_id  uuid,
  kind         text NOT NULL CONSTRAINT notifications_kind_format CHECK (kind ~ '^[a-z_]{1,64}$'),
  payload      jsonb NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  attempts     integer NOT NULL DEFAULT 0,
  last_error   text,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id)
);
CREATE INDEX notifications_undelivered ON kassa.notifications (created_at) WHERE delivered_at IS NULL;
CREATE INDEX notifications_customer ON kassa.notifications (tenant_id, customer_id, id);
COMMIT;
