-- Usage: what a service used (data bytes up and down, seconds, units), sent by network systems
-- with an idempotency key per source, summed per tenant-local day and per billing period as it
-- arrives, warned about near the plan's cap and billed above the plan's allowance by the invoice
-- run (db/functions/520_usage.sql, docs/billing.md "Usage").
BEGIN;
-- A plan's usage terms: the unit it meters, its cap (warnings only) and, when usage is billed,
-- the allowance included per period and the price per started step above it.
ALTER TABLE kassa.price_versions
  ADD COLUMN usage_unit text
    CONSTRAINT price_versions_usage_unit_known CHECK (usage_unit = ANY (ARRAY['bytes', 'seconds', 'units'])),
  ADD COLUMN usage_cap bigint CONSTRAINT price_versions_usage_cap_positive CHECK (usage_cap > 0),
  ADD COLUMN usage_allowance bigint CONSTRAINT price_versions_usage_allowance_not_negative CHECK (usage_allowance >= 0),
  ADD COLUMN usage_step bigint CONSTRAINT price_versions_usage_step_positive CHECK (usage_step > 0),
  ADD COLUMN usage_step_price bigint
    CONSTRAINT price_versions_usage_step_price_not_negative CHECK (usage_step_price >= 0),
  ADD CONSTRAINT price_versions_usage_on_plans CHECK (usage_unit IS NULL OR interval IS NOT NULL),
  ADD CONSTRAINT price_versions_usage_has_unit
    CHECK (usage_unit IS NOT NULL OR num_nonnulls(usage_cap, usage_allowance, usage_step, usage_step_price) = 0),
  ADD CONSTRAINT price_versions_usage_priced_whole CHECK (num_nonnulls(usage_allowance, usage_step, usage_step_price) IN (0, 3));
-- The percentages of a plan's cap at which a customer is warned, once each per period.
ALTER TABLE kassa.tenants ADD COLUMN usage_warning_percents integer[] NOT NULL DEFAULT '{80,95}'
  CONSTRAINT tenants_usage_warning_percents_range
    CHECK (cardinality(usage_warning_percents) <= 10 AND array_position(usage_warning_percents, NULL) IS NULL
           AND 1 <= ALL (usage_warning_percents) AND 100 >= ALL (usage_warning_percents));

-- One record per fact a network system reported, never changed but for the invoice run's marks:
-- counted_on (the run that counted it towards its period's bill) and invoice_line_id (the line
-- that billed it; null when it stayed within the allowance).
CREATE TABLE kassa.usage_records (
  tenant_id       uuid NOT NULL REFERENCES kassa.tenants (id),
  id              bigint GENERATED ALWAYS AS IDENTITY,
  public_id       uuid NOT NULL DEFAULT gen_random_uuid(),   -- the id the API shows (ids counted by a sequence stay out of it)
  service_id      uuid NOT NULL,
  customer_id     uuid NOT NULL,
  source          text NOT NULL CONSTRAINT usage_records_source_length CHECK (char_length(source) BETWEEN 1 AND 100),
  key             text NOT NULL CONSTRAINT usage_records_key_length CHECK (char_length(key) BETWEEN 1 AND 200),
  unit            text NOT NULL
                  CONSTRAINT usage_records_unit_known CHECK (unit = ANY (ARRAY['bytes_up', 'bytes_down', 'seconds', 'units'])),
  quantity        bigint NOT NULL CONSTRAINT usage_records_quantity_not_negative CHECK (quantity >= 0),
  usage_at        timestamptz NOT NULL,
  usage_on        date NOT NULL,   -- usage_at's day in the tenant's time zone
  period_start    date NOT NULL,   -- the service's billing period that holds usage_on
  period_end      date NOT NULL,
  counted_on      date,
  invoice_line_id uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT usage_records_public_id_unique UNIQUE (tenant_id, public_id),
  CONSTRAINT usage_records_key_once UNIQUE (tenant_id, source, key),
  FOREIGN KEY (tenant_id, service_id) REFERENCES kassa.services (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id),
  FOREIGN KEY (tenant_id, invoice_line_id) REFERENCES kassa.invoice_lines (tenant_id, id),
  CONSTRAINT usage_records_period_order CHECK (period_start <= usage_on AND usage_on <= period_end),
  CONSTRAINT usage_records_billed_when_counted CHECK (invoice_line_id IS NULL OR counted_on IS NOT NULL)
);
CREATE INDEX usage_records_service ON kassa.usage_records (tenant_id, service_id, usage_at);
CREATE INDEX usage_records_customer ON kassa.usage_records (tenant_id, customer_id, usage_at);
-- What the invoice run looks for: records not yet counted.
CREATE INDEX usage_records_uncounted ON kassa.usage_records (tenant_id, period_end) WHERE counted_on IS NULL;

-- Totals per service, tenant-local day and unit, kept up to date by every ingest.
CREATE TABLE kassa.usage_daily (
  tenant_id   uuid NOT NULL REFERENCES kassa.tenants (id),
  service_id  uuid NOT NULL,
  usage_on    date NOT NULL,
  unit        text NOT NULL
              CONSTRAINT usage_daily_unit_known CHECK (unit = ANY (ARRAY['bytes_up', 'bytes_down', 'seconds', 'units'])),
  customer_id uuid NOT NULL,
  quantity    bigint NOT NULL CONSTRAINT usage_daily_quantity_not_negative CHECK (quantity >= 0),
  records     integer NOT NULL CONSTRAINT usage_daily_records_positive CHECK (records > 0),
  PRIMARY KEY (tenant_id, service_id, usage_on, unit),
  FOREIGN KEY (tenant_id, service_id) REFERENCES kassa.services (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id)
);
CREATE INDEX usage_daily_customer ON kassa.usage_daily (tenant_id, customer_id, usage_on);

-- Totals per service, billing period and metered unit (bytes: up and down together), with the
-- cap warnings already given in the period. The row is the lock that orders concurrent ingests
-- of one service's period, so each sees the total the other left.
CREATE TABLE kassa.usage_periods (
  tenant_id       uuid NOT NULL REFERENCES kassa.tenants (id),
  service_id      uuid NOT NULL,
  period_start    date NOT NULL,
  meter           text NOT NULL CONSTRAINT usage_periods_meter_known CHECK (meter = ANY (ARRAY['bytes', 'seconds', 'units'])),
  period_end      date NOT NULL,
  customer_id     uuid NOT NULL,
  quantity        bigint NOT NULL CONSTRAINT usage_periods_quantity_not_negative CHECK (quantity >= 0),
  warned_percents integer[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (tenant_id, service_id, period_start, meter),
  FOREIGN KEY (tenant_id, service_id) REFERENCES kassa.services (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id)
);
COMMIT;
