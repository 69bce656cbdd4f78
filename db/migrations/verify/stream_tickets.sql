-- Verify kassa:stream_tickets on pg
SELECT tenant_id, id, expires_at FROM kassa.stream_tickets WHERE false;
