-- Payment links (collections): a single-use, expiring link that pays an invoice, or an amount
-- without one (a top-up, a deposit). The link's token is never stored, only its SHA-256, so a
-- copy of the database holds no live link. Expired is not a status: it follows from
-- expires_at, which no job has to keep up with.
-- Customers gain a locale (the tenant's when NULL), which the pages, messages and the portal
-- use; the tenant's locale, free text until now, is limited to the same languages.
-- Payments may name the invoice they pay: its allocation settles that invoice first.
BEGIN;
-- Locales the pages are translated into: a language, optionally with a region for formats
-- (en, en_ZA, de, de_DE). Other values meant nothing to any page: they become the default.
UPDATE kassa.tenants SET locale = 'en' WHERE locale !~ '^(en|de)(_[A-Z]{2})?$';
ALTER TABLE kassa.tenants
  ADD CONSTRAINT tenants_locale_known CHECK (locale ~ '^(en|de)(_[A-Z]{2})?$');
ALTER TABLE kassa.customers
  ADD COLUMN locale text CONSTRAINT customers_locale_known CHECK (locale ~ '^(en|de)(_[A-Z]{2})?$')
    CONSTRAINT customers_locale_max_length CHECK (char_length(locale) <= 35);

-- How long a new link stays open, per tenant (no settings row: 7 days).
ALTER TABLE kassa.payment_settings
  ADD COLUMN payment_link_expiry_days integer NOT NULL DEFAULT 7
    CONSTRAINT payment_settings_payment_link_expiry_days_range CHECK (payment_link_expiry_days BETWEEN 1 AND 90);

CREATE TABLE kassa.payment_links (
  tenant_id          uuid NOT NULL,
  id                 uuid NOT NULL DEFAULT gen_random_uuid(),
  customer_id        uuid NOT NULL,
  invoice_id         uuid,            -- NULL: a link for an amount without an invoice
  token_hash         bytea NOT NULL CONSTRAINT payment_links_token_hash_sha256 CHECK (length(token_hash) = 32),
  amount             bigint NOT NULL CONSTRAINT payment_links_amount_positive CHECK (amount > 0),
  currency           char(3) NOT NULL REFERENCES kassa.currencies (code),
  status             text NOT NULL DEFAULT 'open' CONSTRAINT payment_links_status_known
                     CHECK (status IN ('open', 'used', 'invalidated')),
  expires_at         timestamptz NOT NULL,
  created_by         text CONSTRAINT payment_links_created_by_max_length CHECK (char_length(created_by) <= 200),
  created_at         timestamptz NOT NULL DEFAULT now(),
  used_at            timestamptz,
  payment_id         uuid,
  invalidated_at     timestamptz,
  invalidated_by     text CONSTRAINT payment_links_invalidated_by_max_length CHECK (char_length(invalidated_by) <= 200),
  invalidated_reason text CONSTRAINT payment_links_invalidated_reason_max_length CHECK (char_length(invalidated_reason) <= 500),
  replaced_by        uuid,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id),
  FOREIGN KEY (tenant_id, invoice_id) REFERENCES kassa.invoices (tenant_id, id),
  FOREIGN KEY (tenant_id, payment_id) REFERENCES kassa.payments (tenant_id, id),
  FOREIGN KEY (tenant_id, replaced_by) REFERENCES kassa.payment_links (tenant_id, id),
  CONSTRAINT payment_links_used_has_payment CHECK ((status = 'used') = (used_at IS NOT NULL AND payment_id IS NOT NULL)),
  CONSTRAINT payment_links_invalidated_has_reason
    CHECK ((status = 'invalidated') = (invalidated_at IS NOT NULL AND invalidated_reason IS NOT NULL)),
  CONSTRAINT payment_links_invalidated_reason_not_blank
    CHECK (invalidated_reason ~ '[^[:space:]\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]')
);
-- A token is looked up before its tenant is known (the public page has nothing else), so its
-- hash is unique across tenants; 32 random bytes' worth of hash cannot collide by chance.
CREATE UNIQUE INDEX payment_links_token_hash ON kassa.payment_links (token_hash);
CREATE INDEX payment_links_invoice ON kassa.payment_links (tenant_id, invoice_id) WHERE invoice_id IS NOT NULL;
CREATE INDEX payment_links_customer ON kassa.payment_links (tenant_id, customer_id, created_at);

ALTER TABLE kassa.payments ADD COLUMN invoice_id uuid,
  ADD CONSTRAINT payments_invoice_fkey FOREIGN KEY (tenant_id, invoice_id) REFERENCES kassa.invoices (tenant_id, id);
COMMIT;
