-- SMS: the segments (parts) a sent SMS took, as the networks count and bill them
-- (gateways/bulksms.py); NULL for e-mail.
BEGIN;
ALTER TABLE kassa.messages
  ADD COLUMN segments smallint CONSTRAINT messages_segments_positive CHECK (segments > 0);
COMMIT;
