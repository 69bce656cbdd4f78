BEGIN;
CREATE TABLE kassa.customers (
  tenant_id      uuid NOT NULL REFERENCES kassa.tenants (id)
                 -- PostgREST callers get their token's tenant without naming it.
                 DEFAULT (nullif(current_setting('request.jwt.claims', true), '')::json ->> 'tenant_id')::uuid,
  id             uuid NOT NULL DEFAULT gen_random_uuid(),
  account_number text NOT NULL,   -- assigned by trigger from the tenant's account counter
  status         text NOT NULL DEFAULT 'active'
                 CONSTRAINT customers_status_known CHECK (status IN ('active', 'suspended', 'closed')),
  type           text NOT NULL DEFAULT 'personal'
                 CONSTRAINT customers_type_known CHECK (type IN ('personal', 'business')),
  name           text NOT NULL CONSTRAINT customers_name_not_blank CHECK (btrim(name) <> ''),
  company_name   text,
  email          text NOT NULL
                 CONSTRAINT customers_email_format CHECK (email ~* '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  phone          text CONSTRAINT customers_phone_format CHECK (phone ~ '^\+?[0-9 ()-]{6,20}$'),
  address        text NOT NULL DEFAULT '',
  vat_number     text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  closed_at      timestamptz,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT customers_account_number_unique UNIQUE (tenant_id, account_number),
  CONSTRAINT customers_closed_has_date CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
CREATE UNIQUE INDEX customers_email_unique ON kassa.customers (tenant_id, lower(email));
COMMIT;
