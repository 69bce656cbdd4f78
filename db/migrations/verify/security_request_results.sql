SELECT tenant_id, request_id, operation, arguments, result, created_at FROM kassa.request_results WHERE false;
