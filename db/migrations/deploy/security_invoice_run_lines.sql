-- Where the invoice run stages its lines (it used a temporary table, which a caller could
-- prepare in its own pg_temp beforehand). Rows live only inside a run's transaction, keyed by
-- the run; UNLOGGED, since nothing in it must survive a crash.
BEGIN;
CREATE UNLOGGED TABLE kassa.invoice_run_lines (
  tenant_id         uuid NOT NULL REFERENCES kassa.tenants (id),
  run_id            uuid NOT NULL,
  line_id           uuid NOT NULL DEFAULT gen_random_uuid(),
  customer_id       uuid NOT NULL,
  service_id        uuid,
  pending_charge_id uuid,
  charge_kind       text NOT NULL,
  description       text NOT NULL,
  price_version_id  uuid NOT NULL,
  quantity          numeric(12,3) NOT NULL,
  unit_price        bigint NOT NULL,
  period_start      date,
  period_end        date,
  invoice_id        uuid,
  billed            boolean NOT NULL DEFAULT false,
  PRIMARY KEY (tenant_id, run_id, line_id)
);
COMMIT;
