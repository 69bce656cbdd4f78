-- API keys and single sign-on (docs/portal.md, db/functions/720_api_keys_oidc.sql): keys for a
-- reseller's or network's system, each tied to a staff role of the tenant or to one customer,
-- kept as the SHA-256 of the key (shown once, at creation); and a tenant's OpenID Connect
-- providers with the links of their subjects to identities of the tenant.
BEGIN;
CREATE TABLE kassa.api_keys (
  tenant_id    uuid NOT NULL REFERENCES kassa.tenants (id),
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  name         text NOT NULL CONSTRAINT api_keys_name_length CHECK (char_length(name) <= 200 AND btrim(name) <> ''),
  staff_role   text CONSTRAINT api_keys_staff_role_known
               CHECK (staff_role = ANY (ARRAY['admin', 'billing', 'support', 'viewer'])),
  customer_id  uuid,
  secret_hash  bytea NOT NULL CONSTRAINT api_keys_secret_hash_sha256 CHECK (length(secret_hash) = 32),
  expires_at   timestamptz NOT NULL,
  last_used_at timestamptz,  -- the last exchange for a token
  created_by   text CONSTRAINT api_keys_created_by_max_length CHECK (char_length(created_by) <= 200),
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id),
  CONSTRAINT api_keys_one_subject CHECK (num_nonnulls(staff_role, customer_id) = 1)
);
-- the key names its id: the exchange finds the row before it knows the tenant
CREATE UNIQUE INDEX api_keys_id_unique ON kassa.api_keys (id);

CREATE TABLE kassa.oidc_providers (
  tenant_id  uuid NOT NULL REFERENCES kassa.tenants (id),
  id         uuid NOT NULL DEFAULT gen_random_uuid(),
  name       text NOT NULL CONSTRAINT oidc_providers_name_length CHECK (char_length(name) <= 200 AND btrim(name) <> ''),
  issuer     text NOT NULL CONSTRAINT oidc_providers_issuer_url CHECK (issuer ~ '^https?://[^\s]+$' AND char_length(issuer) <= 500),
  audience   text NOT NULL CONSTRAINT oidc_providers_audience_length CHECK (char_length(audience) <= 500 AND btrim(audience) <> ''),
  jwks_url   text NOT NULL CONSTRAINT oidc_providers_jwks_url CHECK (jwks_url ~ '^https?://[^\s]+$' AND char_length(jwks_url) <= 1000),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT oidc_providers_one_per_issuer UNIQUE (tenant_id, issuer)
);

CREATE TABLE kassa.oidc_links (
  tenant_id   uuid NOT NULL,
  provider_id uuid NOT NULL,
  subject     text NOT NULL CONSTRAINT oidc_links_subject_length CHECK (char_length(subject) BETWEEN 1 AND 255),
  identity_id uuid NOT NULL,
  created_by  text CONSTRAINT oidc_links_created_by_max_length CHECK (char_length(created_by) <= 200),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, provider_id, subject),
  FOREIGN KEY (tenant_id, provider_id) REFERENCES kassa.oidc_providers (tenant_id, id),
  FOREIGN KEY (tenant_id, identity_id) REFERENCES kassa.identities (tenant_id, id),
  CONSTRAINT oidc_links_one_per_identity UNIQUE (tenant_id, provider_id, identity_id)
);
COMMIT;
