-- Deploy kassa:link_payments to pg
-- Paying through a payment link's page: a payment started there names its link (completing it
-- uses the link), and the gateways a tenant's pages offer. OCTO calls back with its own payment
-- id only, so OCTO payments are found by it without their tenant.
BEGIN;
ALTER TABLE kassa.payments ADD COLUMN payment_link_id uuid,
  ADD CONSTRAINT payments_payment_link_fkey FOREIGN KEY (tenant_id, payment_link_id)
    REFERENCES kassa.payment_links (tenant_id, id);
CREATE INDEX payments_by_link ON kassa.payments (tenant_id, payment_link_id) WHERE payment_link_id IS NOT NULL;
CREATE UNIQUE INDEX payments_by_octo_ref ON kassa.payments (provider_ref) WHERE provider = 'octo';

ALTER TABLE kassa.payment_settings
  ADD COLUMN link_gateways text[] NOT NULL DEFAULT '{stripe,octo}'
    CONSTRAINT payment_settings_link_gateways_known CHECK (link_gateways <@ '{stripe,octo}')
    CONSTRAINT payment_settings_link_gateways_max_length CHECK (char_length(array_to_string(link_gateways, ' ')) <= 200);
COMMIT;
