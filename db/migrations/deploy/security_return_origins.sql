-- Where a gateway may send a customer back after a top-up: only origins the tenant lists (and
-- the bridge's own pages), so a top-up cannot be turned into an open redirect.
BEGIN;
ALTER TABLE kassa.payment_settings
  ADD COLUMN return_origins text[] NOT NULL DEFAULT '{}'
    CONSTRAINT payment_settings_return_origins_format CHECK (
      cardinality(return_origins) <= 20
      AND array_to_string(return_origins, ' ') ~ '^(https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?( |$))*$');
COMMIT;
