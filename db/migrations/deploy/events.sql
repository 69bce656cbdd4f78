-- Events: the outbox (kassa.notifications) carries a payload version per event and the
-- transaction that wrote it (xact_id: consumers read in commit-safe order, below the oldest
-- transaction still running); low-balance thresholds have an urgency.
BEGIN;
ALTER TABLE kassa.notifications ADD COLUMN version smallint NOT NULL DEFAULT 1
    CONSTRAINT notifications_version_positive CHECK (version > 0),
  ADD COLUMN xact_id xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX notifications_in_order ON kassa.notifications (xact_id, id);
ALTER TABLE kassa.low_balance_thresholds ADD COLUMN urgency text NOT NULL DEFAULT 'warning'
  CONSTRAINT low_balance_thresholds_urgency_known CHECK (urgency IN ('warning', 'urgent', 'critical'));
COMMIT;
