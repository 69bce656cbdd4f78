SELECT 'kassa.invoices_open_by_due_date'::regclass, 'kassa.payments_completed'::regclass, 'kassa.customers_status'::regclass,
       'kassa.messages_failed'::regclass, 'kassa.webhook_deliveries_failed'::regclass;
-- The two indexes it replaced carry their included columns.
SELECT 1 / count(*) FROM pg_index WHERE indexrelid = 'kassa.invoices_issued'::regclass AND indnatts = 4;
SELECT 1 / count(*) FROM pg_index WHERE indexrelid = 'kassa.debit_order_items_batch'::regclass AND indnatts = 4;
