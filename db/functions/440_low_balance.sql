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

ALTER TABLE kassa.notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE kassa.low_balance_thresholds ENABLE ROW LEVEL SECURITY;
SELECT internal.declare_policy('kassa.notifications', 'Staff see their tenant''s notifications',
                              'SELECT', 'staff', internal.tenant_rows());
SELECT internal.declare_policy('kassa.notifications', 'Customers see their own notifications',
                              'SELECT', 'customer', internal.own_rows());
SELECT internal.declare_policy('kassa.low_balance_thresholds', 'Users see their tenant''s low-balance thresholds',
                              'SELECT', 'customer, staff', internal.tenant_rows());
SELECT internal.declare_policy('kassa.low_balance_thresholds', 'Staff manage their tenant''s low-balance thresholds',
                              'ALL', 'staff', internal.tenant_rows());
GRANT SELECT ON kassa.notifications, kassa.low_balance_thresholds TO customer, staff;
GRANT INSERT, DELETE ON kassa.low_balance_thresholds TO staff;

CREATE VIEW api.notifications WITH (security_invoker = true) AS
  SELECT id, tenant_id, customer_id, kind, payload, created_at, delivered_at FROM kassa.notifications;
GRANT SELECT ON api.notifications TO customer, staff;

CREATE VIEW api.low_balance_thresholds WITH (security_invoker = true) AS
  SELECT tenant_id, amount FROM kassa.low_balance_thresholds;
GRANT SELECT ON api.low_balance_thresholds TO customer, staff;
GRANT INSERT, DELETE ON api.low_balance_thresholds TO staff;
SELECT internal.write_by_key('api.low_balance_thresholds', 'kassa.low_balance_thresholds');
