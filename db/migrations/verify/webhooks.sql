SELECT webhooks_allow_private FROM kassa.tenants WHERE false;
SELECT tenant_id, id, public_id, url, description, event_kinds, enabled, disabled_reason, disabled_at, created_at,
       updated_at
  FROM kassa.webhook_endpoints WHERE false;
SELECT tenant_id, endpoint_id, cursor_xact_id, cursor_id, failing_since, last_error
  FROM kassa.webhook_endpoint_states WHERE false;
SELECT tenant_id, id, endpoint_id, secret, created_at, expires_at FROM kassa.webhook_secrets WHERE false;
SELECT tenant_id, id, public_id, endpoint_id, notification_id, status, attempts, next_attempt_at, last_error,
       delivered_at, created_at
  FROM kassa.webhook_deliveries WHERE false;
SELECT tenant_id, id, delivery_id, attempt, status_code, latency_ms, response, error, outcome, created_at
  FROM kassa.webhook_attempts WHERE false;
