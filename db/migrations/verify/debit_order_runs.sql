-- Verify kassa:debit_order_runs on pg
SELECT tenant_id, id, submission_date, action_date, service, name, status, file_token, load_status, error,
       created_at, updated_at
  FROM kassa.debit_order_batches WHERE false;
SELECT tenant_id, id, batch_id, submission_date, invoice_id, customer_id, payment_method_id, payment_id,
       account_reference, amount, presentation, line, status, reason_code, reason, retry_allowed, paid_ref,
       reversal_ref, created_at, settled_at
  FROM kassa.debit_order_items WHERE false;
SELECT debit_order_service, debit_order_cutoff FROM kassa.payment_settings WHERE false;
SELECT 1 / (SELECT count(*) FROM pg_constraint WHERE conname = 'payment_refunds_kind_known'
               AND pg_get_constraintdef(oid) LIKE '%unpaid%')::int;
