SELECT tenant_id, id, account_number, status, type, name, email FROM kassa.customers WHERE false;
