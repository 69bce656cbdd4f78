SELECT public_id, entry_no FROM kassa.ledger_entries WHERE false;
SELECT public_id FROM kassa.service_actions WHERE false;
SELECT public_id FROM kassa.invoice_allocations WHERE false;
SELECT public_id FROM kassa.notifications WHERE false;
SELECT public_id FROM kassa.job_runs WHERE false;
SELECT public_id, transaction_id FROM audit.log WHERE false;
