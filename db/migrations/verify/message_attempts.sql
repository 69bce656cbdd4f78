SELECT tenant_id, id, message_id, customer_id, attempt, outcome, error, created_at FROM kassa.message_attempts WHERE false;
