BEGIN;
DROP VIEW IF EXISTS api.webhook_attempts, api.webhook_deliveries, api.webhook_endpoints;
DROP TABLE kassa.webhook_attempts, kassa.webhook_deliveries, kassa.webhook_secrets, kassa.webhook_endpoint_states,
           kassa.webhook_endpoints;
ALTER TABLE kassa.tenants DROP COLUMN webhooks_allow_private;
COMMIT;
