-- Reminders and dunning: per-tenant schedules (versioned, steps as rows), what each invoice
-- went through (one row per invoice and step, at most once), pauses, and the suspension
-- reason `non_payment` beside the manual ones. Every tenant starts with the default schedule
-- (new tenants get it from the trigger in db/functions/470_dunning.sql).
BEGIN;
CREATE TABLE kassa.dunning_schedules (
  tenant_id  uuid NOT NULL REFERENCES kassa.tenants (id),
  version    integer NOT NULL CONSTRAINT dunning_schedules_version_positive CHECK (version > 0),
  -- tenant-local date from which invoices entering dunning take this version
  valid_from date NOT NULL,
  -- an invoice whose amount due is at most this (minor units) is not dunned
  tolerance  bigint NOT NULL DEFAULT 0 CONSTRAINT dunning_schedules_tolerance_range
             CHECK (tolerance BETWEEN 0 AND 100000000),
  created_by text NOT NULL CONSTRAINT dunning_schedules_created_by_length CHECK (char_length(created_by) <= 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, version)
);

CREATE TABLE kassa.dunning_steps (
  tenant_id        uuid NOT NULL,
  schedule_version integer NOT NULL,
  -- tenant-local days relative to the invoice's due date (negative: before it)
  day_offset       integer NOT NULL CONSTRAINT dunning_steps_day_offset_range CHECK (day_offset BETWEEN -90 AND 365),
  kind             text NOT NULL CONSTRAINT dunning_steps_kind_known
                   CHECK (kind IN ('reminder', 'notice', 'suspend', 'final')),
  PRIMARY KEY (tenant_id, schedule_version, day_offset),
  FOREIGN KEY (tenant_id, schedule_version) REFERENCES kassa.dunning_schedules (tenant_id, version)
);
CREATE UNIQUE INDEX dunning_steps_one_suspension ON kassa.dunning_steps (tenant_id, schedule_version)
  WHERE kind = 'suspend';

-- An invoice in dunning: the schedule version it entered with (kept when the schedule changes).
CREATE TABLE kassa.invoice_dunning (
  tenant_id        uuid NOT NULL,
  invoice_id       uuid NOT NULL,
  customer_id      uuid NOT NULL,
  schedule_version integer NOT NULL,
  entered_on       date NOT NULL,
  last_step        integer,       -- day offset of the last step taken
  last_step_on     date,
  PRIMARY KEY (tenant_id, invoice_id),
  FOREIGN KEY (tenant_id, invoice_id) REFERENCES kassa.invoices (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id),
  FOREIGN KEY (tenant_id, schedule_version) REFERENCES kassa.dunning_schedules (tenant_id, version)
);

-- Each step of an invoice's schedule happens at most once: taken (its event written) or
-- skipped (due during downtime or a pause while a later step was due too).
CREATE TABLE kassa.invoice_dunning_steps (
  tenant_id       uuid NOT NULL,
  invoice_id      uuid NOT NULL,
  step            integer NOT NULL,  -- the step's day offset
  kind            text NOT NULL CONSTRAINT invoice_dunning_steps_kind_known
                  CHECK (kind IN ('reminder', 'notice', 'suspend', 'final')),
  outcome         text NOT NULL CONSTRAINT invoice_dunning_steps_outcome_known CHECK (outcome IN ('taken', 'skipped')),
  customer_id     uuid NOT NULL,
  as_of           date NOT NULL,
  notification_id bigint,
  actor           text NOT NULL CONSTRAINT invoice_dunning_steps_actor_length CHECK (char_length(actor) <= 200),
  at              timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT invoice_dunning_steps_once UNIQUE (tenant_id, invoice_id, step),
  FOREIGN KEY (tenant_id, invoice_id) REFERENCES kassa.invoice_dunning (tenant_id, invoice_id),
  FOREIGN KEY (tenant_id, notification_id) REFERENCES kassa.notifications (tenant_id, id)
);
CREATE INDEX invoice_dunning_steps_customer ON kassa.invoice_dunning_steps (tenant_id, customer_id);
-- The steps a run has taken but not yet written an event for (only ever the running one's).
CREATE INDEX invoice_dunning_steps_unsent ON kassa.invoice_dunning_steps (tenant_id)
  WHERE outcome = 'taken' AND notification_id IS NULL;

-- Staff pause dunning of a customer (invoice_id NULL) or of one invoice, until a date
-- (inclusive) or until resumed.
CREATE TABLE kassa.dunning_pauses (
  tenant_id   uuid NOT NULL,
  id          uuid NOT NULL DEFAULT gen_random_uuid(),
  customer_id uuid NOT NULL,
  invoice_id  uuid,
  reason      text NOT NULL CONSTRAINT dunning_pauses_reason_length CHECK (char_length(reason) BETWEEN 1 AND 500),
  until       date NOT NULL,
  actor       text NOT NULL CONSTRAINT dunning_pauses_actor_length CHECK (char_length(actor) <= 200),
  created_at  timestamptz NOT NULL DEFAULT now(),
  ended_at    timestamptz,
  ended_by    text CONSTRAINT dunning_pauses_ended_by_length CHECK (char_length(ended_by) <= 200),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id),
  FOREIGN KEY (tenant_id, invoice_id) REFERENCES kassa.invoices (tenant_id, id),
  CONSTRAINT dunning_pauses_ended_by CHECK ((ended_at IS NULL) = (ended_by IS NULL))
);
CREATE INDEX dunning_pauses_open ON kassa.dunning_pauses (tenant_id, customer_id) WHERE ended_at IS NULL;

-- Suspended for non-payment (by dunning; resumed by itself when the debt is cleared), beside
-- the manual reasons.
ALTER TABLE kassa.services DROP CONSTRAINT services_suspension_reason_known,
  ADD CONSTRAINT services_suspension_reason_known
  CHECK (suspension_reason IN ('service_suspended', 'customer_suspended', 'non_payment'));
CREATE INDEX services_non_payment ON kassa.services (tenant_id, customer_id) WHERE suspension_reason = 'non_payment';

-- The default schedule for every existing tenant: reminders 7, 3 and 1 day before the due
-- date, notices 1 and 7 days after, suspension at 14 days, tolerance 0.
INSERT INTO kassa.dunning_schedules (tenant_id, version, valid_from, created_by)
SELECT t.id, 1, '-infinity', 'migration:dunning' FROM kassa.tenants t;
INSERT INTO kassa.dunning_steps (tenant_id, schedule_version, day_offset, kind)
SELECT t.id, 1, d.day_offset, d.kind
  FROM kassa.tenants t,
       (VALUES (-7, 'reminder'), (-3, 'reminder'), (-1, 'reminder'), (1, 'notice'), (7, 'notice'), (14, 'suspend'))
         AS d (day_offset, kind);
COMMIT;
