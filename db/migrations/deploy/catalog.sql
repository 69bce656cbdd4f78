-- The catalog: products (recurring plans and one-off fees) and their price versions. A price
-- never changes in place once something points at it: a new version with its own valid_from
-- replaces it for new sales (db/functions/300_catalog.sql refuses the edit).
BEGIN;
CREATE TABLE kassa.products (
  tenant_id   uuid NOT NULL REFERENCES kassa.tenants (id)
              DEFAULT (nullif(current_setting('request.jwt.claims', true), '')::json ->> 'tenant_id')::uuid,
  id          uuid NOT NULL DEFAULT gen_random_uuid(),
  code        text NOT NULL CONSTRAINT products_code_format CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
  name        text NOT NULL CONSTRAINT products_name_not_blank CHECK (btrim(name) <> ''),
  kind        text NOT NULL CONSTRAINT products_kind_known CHECK (kind IN ('plan', 'fee')),
  description text NOT NULL DEFAULT '',
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT products_code_unique UNIQUE (tenant_id, code)
);

CREATE TABLE kassa.price_versions (
  tenant_id    uuid NOT NULL
               DEFAULT (nullif(current_setting('request.jwt.claims', true), '')::json ->> 'tenant_id')::uuid,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  product_id   uuid NOT NULL,
  version      integer NOT NULL,   -- 1, 2, ... per product, assigned by trigger
  price        bigint NOT NULL CONSTRAINT price_versions_price_not_negative CHECK (price >= 0),
  interval     text CONSTRAINT price_versions_interval_known CHECK (interval IN ('monthly', 'annual')),
  currency     char(3) NOT NULL REFERENCES kassa.currencies (code),
  vat_category text NOT NULL DEFAULT 'standard',
  valid_from   date NOT NULL DEFAULT current_date,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, product_id) REFERENCES kassa.products (tenant_id, id),
  CONSTRAINT price_versions_vat_category_known FOREIGN KEY (tenant_id, vat_category)
    REFERENCES kassa.vat_rates (tenant_id, category),
  CONSTRAINT price_versions_version_unique UNIQUE (tenant_id, product_id, version)
);
CREATE INDEX price_versions_current ON kassa.price_versions (tenant_id, product_id, valid_from DESC);

-- Invoice lines name the price version they billed.
ALTER TABLE kassa.invoice_lines ADD COLUMN price_version_id uuid,
  ADD CONSTRAINT invoice_lines_price_version FOREIGN KEY (tenant_id, price_version_id)
    REFERENCES kassa.price_versions (tenant_id, id);
COMMIT;
