-- Deploy kassa:stream_tickets to pg
-- The portal's stream tickets the SSE gateway redeemed (bridge/stream_tickets.py), each kept
-- until it has expired so that it opens one stream, whichever gateway process it reaches, and
-- after a restart (db/functions/066_stream_tickets.sql). A ticket lives 30 seconds.
BEGIN;
CREATE TABLE kassa.stream_tickets (
  tenant_id  uuid        NOT NULL REFERENCES kassa.tenants (id),
  id         uuid        NOT NULL,  -- the ticket's jti
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX stream_tickets_expires_at ON kassa.stream_tickets (expires_at);
COMMIT;
