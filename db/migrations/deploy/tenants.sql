BEGIN;
CREATE TABLE kassa.tenants (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug                 text NOT NULL UNIQUE
                       CONSTRAINT tenants_slug_format CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name                 text NOT NULL CONSTRAINT tenants_name_not_blank CHECK (btrim(name) <> ''),
  legal_name           text NOT NULL CONSTRAINT tenants_legal_name_not_blank CHECK (btrim(legal_name) <> ''),
  address              text NOT NULL DEFAULT '',
  vat_number           text,
  country              char(2) NOT NULL CONSTRAINT tenants_country_format CHECK (country ~ '^[A-Z]{2}$'),
  currency             char(3) NOT NULL CONSTRAINT tenants_currency_known REFERENCES kassa.currencies (code),
  prices_include_vat   boolean NOT NULL DEFAULT false,
  timezone             text NOT NULL DEFAULT 'UTC',
  locale               text NOT NULL DEFAULT 'en',
  account_number_format     text NOT NULL DEFAULT 'CT-{YYYY}-{NNNNN}',
  invoice_number_format     text NOT NULL DEFAULT 'INV-{YYYY}-{NNNNN}',
  credit_note_number_format text NOT NULL DEFAULT 'CN-{YYYY}-{NNNNN}',
  payment_terms_days   integer NOT NULL DEFAULT 14
                       CONSTRAINT tenants_payment_terms_range CHECK (payment_terms_days BETWEEN 0 AND 365),
  status               text NOT NULL DEFAULT 'active'
                       CONSTRAINT tenants_status_known CHECK (status IN ('active', 'suspended')),
  created_at           timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT tenants_number_formats_have_counter CHECK (
    account_number_format ~ '\{N+\}' AND invoice_number_format ~ '\{N+\}'
    AND credit_note_number_format ~ '\{N+\}')
);

-- VAT rates are data: one row per tenant and category ('standard', 'reduced', 'zero', ...).
CREATE TABLE kassa.vat_rates (
  tenant_id  uuid NOT NULL REFERENCES kassa.tenants (id),
  category   text NOT NULL CONSTRAINT vat_rates_category_format CHECK (category ~ '^[a-z_]{1,32}$'),
  rate       numeric(5,2) NOT NULL CONSTRAINT vat_rates_rate_range CHECK (rate >= 0 AND rate < 100),
  PRIMARY KEY (tenant_id, category)
);

-- Gapless document counters. A row is locked by the transaction that takes a number and the
-- increment rolls back with it, so numbers never skip. period 0 = a counter that never resets.
CREATE TABLE kassa.counters (
  tenant_id  uuid NOT NULL REFERENCES kassa.tenants (id),
  kind       text NOT NULL CONSTRAINT counters_kind_known CHECK (kind IN ('account', 'invoice', 'credit_note')),
  period     integer NOT NULL,
  last_value bigint NOT NULL DEFAULT 0 CHECK (last_value >= 0),
  PRIMARY KEY (tenant_id, kind, period)
);
COMMIT;
