-- Low-balance warnings, written by the ledger's posting (internal.post_entries,
-- db/functions/200_ledger.sql) with the balance change that causes them.
--
-- A warning is raised when a change of balance crosses one of the tenant's thresholds
-- downwards (before >= threshold > after), with the threshold's urgency (warning, urgent,
-- critical). To cross it again the balance must first be back at or above it, so each
-- threshold warns once per dip and re-arms by itself.

SELECT internal.audit_table('kassa.low_balance_thresholds', 'tenant_id', 'amount');

SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.notifications');
SELECT internal.allow('customer', 'SELECT', internal.own_rows(), 'kassa.notifications');
SELECT internal.allow('customer, staff', 'SELECT', internal.tenant_rows(), 'kassa.low_balance_thresholds');
SELECT internal.allow('staff', 'ALL', internal.tenant_rows(), 'kassa.low_balance_thresholds');
GRANT SELECT ON kassa.notifications, kassa.low_balance_thresholds TO customer, staff;

CREATE VIEW api.notifications WITH (security_invoker = true) AS
  SELECT public_id AS id, tenant_id, customer_id, kind, version, payload, created_at, delivered_at
    FROM kassa.notifications;
GRANT SELECT ON api.notifications TO customer, staff;

CREATE VIEW api.low_balance_thresholds WITH (security_invoker = true) AS
  SELECT tenant_id, amount, urgency FROM kassa.low_balance_thresholds;
GRANT SELECT ON api.low_balance_thresholds TO customer, staff;
SELECT internal.grant_writes('api.low_balance_thresholds', 'kassa.low_balance_thresholds', 'staff', 'INSERT, DELETE');
SELECT internal.write_by_key('api.low_balance_thresholds', 'kassa.low_balance_thresholds');
