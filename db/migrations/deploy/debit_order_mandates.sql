-- Deploy kassa:debit_order_mandates to pg
-- NetCash eMandates on debit-order payment methods: a mandate may also be `declined`; the
-- method keeps its NetCash account reference (the key the unsigned postback names, unique over
-- all tenants because the postback names no tenant), the page the customer signs on, the
-- postback last received (a hint only) and the confirmed outcome.
BEGIN;
ALTER TABLE kassa.payment_methods DROP CONSTRAINT payment_methods_mandate_status_known,
  ADD CONSTRAINT payment_methods_mandate_status_known
    CHECK (mandate_status IN ('pending', 'active', 'declined', 'cancelled')),
  ADD COLUMN netcash_account_ref text
    CONSTRAINT payment_methods_netcash_account_ref_format CHECK (char_length(netcash_account_ref) <= 22 AND netcash_account_ref ~ '^[A-Z0-9]{2,22}$'),
  ADD COLUMN mandate_url text
    CONSTRAINT payment_methods_mandate_url_max_length CHECK (char_length(mandate_url) <= 2000),
  ADD COLUMN mandate_requested_at timestamptz,
  ADD COLUMN mandate_postback jsonb,
  ADD COLUMN mandate_postback_at timestamptz,
  ADD COLUMN mandate_decided_at timestamptz,
  ADD COLUMN netcash_mandate_ref text
    CONSTRAINT payment_methods_netcash_mandate_ref_max_length CHECK (char_length(netcash_mandate_ref) <= 100),
  ADD COLUMN mandate_decline_reason text
    CONSTRAINT payment_methods_mandate_decline_reason_max_length CHECK (char_length(mandate_decline_reason) <= 500),
  ADD CONSTRAINT payment_methods_mandate_request_complete
    CHECK ((netcash_account_ref IS NULL) = (mandate_requested_at IS NULL));
CREATE UNIQUE INDEX payment_methods_by_netcash_account_ref ON kassa.payment_methods (netcash_account_ref)
  WHERE netcash_account_ref IS NOT NULL;
COMMIT;
