SELECT tenant_id, customer_id, currency, balance, credit_limit FROM kassa.billing_accounts WHERE false;
SELECT tenant_id, id, customer_id, kind, amount, balance_after, source_type, source_id FROM kassa.ledger_entries WHERE false;
