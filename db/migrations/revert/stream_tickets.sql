-- Revert kassa:stream_tickets from pg
BEGIN;
DROP TABLE kassa.stream_tickets;
COMMIT;
