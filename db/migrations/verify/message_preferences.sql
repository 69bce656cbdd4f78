SELECT tenant_id, customer_id, kind, channel, enabled, updated_at FROM kassa.message_preferences WHERE false;
SELECT tenant_id, customer_id, starts, ends, updated_at FROM kassa.quiet_hours WHERE false;
SELECT mandatory_message_kinds FROM kassa.tenants WHERE false;
