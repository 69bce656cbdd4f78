BEGIN;
DROP VIEW IF EXISTS api.api_keys, api.oidc_providers, api.oidc_links;
DROP TABLE kassa.oidc_links, kassa.oidc_providers, kassa.api_keys;
COMMIT;
