BEGIN;
DROP TABLE kassa.pending_charges;
DROP TABLE kassa.service_actions;
DROP TABLE kassa.services;
ALTER TABLE kassa.tenants DROP COLUMN billing_days, DROP COLUMN invoice_lead_days,
  DROP COLUMN invoice_run_mode, DROP COLUMN proration_mode;
COMMIT;
