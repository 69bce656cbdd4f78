BEGIN;
ALTER TABLE kassa.low_balance_thresholds DROP COLUMN urgency;
DROP INDEX kassa.notifications_in_order;
ALTER TABLE kassa.notifications DROP COLUMN xact_id, DROP COLUMN version;
COMMIT;
