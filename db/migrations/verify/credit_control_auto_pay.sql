-- Verify kassa:credit_control_auto_pay on pg
SELECT tenant_id, customer_id, credit_limit, reason, set_by, set_at FROM kassa.credit_limits WHERE false;
SELECT auto_pay FROM kassa.customers WHERE false;
SELECT auto_pay_due_on FROM kassa.payments WHERE false;
