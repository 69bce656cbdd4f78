BEGIN;
DROP VIEW IF EXISTS api.ticket_attachments, api.ticket_messages, api.tickets;
DROP TABLE kassa.ticket_attachments, kassa.ticket_messages, kassa.tickets;
COMMIT;
