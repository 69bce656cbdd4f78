-- The portal's stream tickets (bridge/stream_tickets.py, docs/portal.md#portal): the SSE gateway
-- redeems a ticket here, once. A ticket not redeemed before is kept and answers TRUE, one
-- redeemed before FALSE. Tickets a minute past their expiry go on the way (the gateway refuses
-- them by their signed expiry first; the minute covers clocks that differ), so the table holds
-- about a minute and a half of tickets.
CREATE OR REPLACE FUNCTION internal.redeem_stream_ticket(p_tenant uuid, p_ticket uuid, p_expires_at timestamptz)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  DELETE FROM kassa.stream_tickets t WHERE t.expires_at < pg_catalog.clock_timestamp() - interval '1 minute';
  INSERT INTO kassa.stream_tickets (tenant_id, id, expires_at) VALUES (p_tenant, p_ticket, p_expires_at)
  ON CONFLICT (tenant_id, id) DO NOTHING;
  RETURN FOUND;
END $$;

-- Nobody but this function reads or writes the tickets.
ALTER TABLE kassa.stream_tickets ENABLE ROW LEVEL SECURITY;
