SELECT tenant_id, id, name, staff_role, customer_id, secret_hash, expires_at, last_used_at, created_by, created_at,
       revoked_at
  FROM kassa.api_keys WHERE false;
SELECT tenant_id, id, name, issuer, audience, jwks_url, created_at FROM kassa.oidc_providers WHERE false;
SELECT tenant_id, provider_id, subject, identity_id, created_by, created_at FROM kassa.oidc_links WHERE false;
