-- The SMTP profile a tenant's mail goes out through: a name in the operator's profiles file
-- (KASSA_SMTP_PROFILES, docs/messages.md), which holds the server and its credentials. The
-- secrets stay out of the database; only operators set the name (kassa tenant smtp-profile), so
-- no tenant can send through another's account. NULL: the platform's own SMTP settings.
BEGIN;
ALTER TABLE kassa.tenants
  ADD COLUMN smtp_profile text
    CONSTRAINT tenants_smtp_profile_max_length CHECK (char_length(smtp_profile) <= 63)
    CONSTRAINT tenants_smtp_profile_format CHECK (smtp_profile ~ '^[a-z0-9][a-z0-9_-]{0,62}$');
COMMIT;
