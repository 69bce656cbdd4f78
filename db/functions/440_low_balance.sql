-- Notifications (the rows the outbox will deliver) and low-balance warnings.
--
-- A warning is raised when a change of balance crosses one of the tenant's thresholds
-- downwards (before >= threshold > after). To cross it again the balance must first be back at
-- or above it, so each threshold warns once per dip and re-arms by itself.

CREATE OR REPLACE FUNCTION internal.warn_low_balance() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload)
  SELECT NEW.tenant_id, NEW.customer_id, 'low_balance',
         jsonb_build_object('threshold', t.amount, 'balance', NEW.balance, 'currency', NEW.currency)
    FROM kassa.low_balance_thresholds t
   WHERE t.tenant_id = NEW.tenant_id AND OLD.balance >= t.amount AND NEW.balance < t.amount
   ORDER BY t.amount DESC;
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER warn_low_balance AFTER UPDATE OF balance ON kassa.billing_accounts
  FOR EACH ROW WHEN (NEW.balance < OLD.balance) EXECUTE FUNCTION internal.warn_low_balance();

SELECT internal.audit_table('kassa.low_balance_thresholds', 'tenant_id', 'amount');

SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.notifications');
SELECT internal.allow('customer', 'SELECT', internal.own_rows(), 'kassa.notifications');
SELECT internal.allow('customer, staff', 'SELECT', internal.tenant_rows(), 'kassa.low_balance_thresholds');
SELECT internal.allow('staff', 'ALL', internal.tenant_rows(), 'kassa.low_balance_thresholds');
GRANT SELECT ON kassa.notifications, kassa.low_balance_thresholds TO customer, staff;

CREATE VIEW api.notifications WITH (security_invoker = true) AS
  SELECT public_id AS id, tenant_id, customer_id, kind, payload, created_at, delivered_at FROM kassa.notifications;
GRANT SELECT ON api.notifications TO customer, staff;

CREATE VIEW api.low_balance_thresholds WITH (security_invoker = true) AS
  SELECT tenant_id, amount FROM kassa.low_balance_thresholds;
GRANT SELECT ON api.low_balance_thresholds TO customer, staff;
SELECT internal.grant_writes('api.low_balance_thresholds', 'kassa.low_balance_thresholds', 'staff', 'INSERT, DELETE');
SELECT internal.write_by_key('api.low_balance_thresholds', 'kassa.low_balance_thresholds');
