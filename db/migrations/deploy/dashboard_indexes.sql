-- What the dashboards (db/functions/700_dashboards.sql) read per tenant, each from an index it
-- can answer alone (index-only where the sums need a column or two), so a dashboard's cost
-- follows its answer, not the tenant's history.
BEGIN;
-- The month's invoices with their totals (replaces the same index without them).
DROP INDEX kassa.invoices_issued;
CREATE INDEX invoices_issued ON kassa.invoices (tenant_id, issued_on) INCLUDE (status, total) WHERE number IS NOT NULL;
-- Open invoices by due date: overdue totals by age.
CREATE INDEX invoices_open_by_due_date ON kassa.invoices (tenant_id, due_on) INCLUDE (amount_due)
  WHERE status IN ('finalised', 'partially_paid', 'overdue');
-- Money received in a month.
CREATE INDEX payments_completed ON kassa.payments (tenant_id, completed_at) INCLUDE (amount)
  WHERE completed_at IS NOT NULL;
-- The debits of the latest batches, counted by outcome (replaces the same index without them).
DROP INDEX kassa.debit_order_items_batch;
CREATE INDEX debit_order_items_batch ON kassa.debit_order_items (tenant_id, batch_id) INCLUDE (status, amount);
-- Customers by status.
CREATE INDEX customers_status ON kassa.customers (tenant_id, status);
-- Failed deliveries, newest first: few, among every message and delivery ever made.
CREATE INDEX messages_failed ON kassa.messages (tenant_id, created_at) WHERE status = 'failed';
CREATE INDEX webhook_deliveries_failed ON kassa.webhook_deliveries (tenant_id, created_at) WHERE status = 'failed';
COMMIT;
