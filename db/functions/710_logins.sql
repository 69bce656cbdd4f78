-- Built-in login (docs/portal.md), the bridge's steps (bridge/logins.py): sign-up with a mailed
-- link that creates the customer once followed, password reset, staff invitations, logins as
-- families of rotating refresh tokens, TOTP for staff. The bridge hashes passwords (argon2id)
-- and tokens (SHA-256) itself: no password and no token reaches the database in clear. Each
-- step answers an outcome instead of raising, so a step that must stick when it refuses (a
-- reused refresh token revokes its family) commits, and the bridge chooses the answer.

-- Staff see the identities of their tenant, a customer their own; no API role reads a password
-- hash or a TOTP secret (column grants), or a link, a login or a refresh token (no grant at all).
SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.identities');
SELECT internal.allow('customer', 'SELECT', internal.own_rows(), 'kassa.identities');
GRANT SELECT (tenant_id, id, email, email_verified_at, customer_id, staff_user_id, totp_enabled_at, last_login_at,
              created_at) ON kassa.identities TO customer, staff;
ALTER TABLE kassa.login_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE kassa.login_families ENABLE ROW LEVEL SECURITY;
ALTER TABLE kassa.refresh_tokens ENABLE ROW LEVEL SECURITY;
SELECT internal.audit_table('kassa.identities', 'tenant_id', 'id', '!password_hash', '!totp_secret', '!totp_pending',
                            '-last_login_at', '-totp_last_step');

CREATE VIEW api.identities WITH (security_invoker = true) AS
  SELECT tenant_id, id, email, email_verified_at, customer_id, staff_user_id, totp_enabled_at IS NOT NULL AS totp_enabled,
         last_login_at, created_at
    FROM kassa.identities;
GRANT SELECT ON api.identities TO customer, staff;

-- Who may sign up at a tenant, for operators (`kassa tenant signup-mode`; staff admins PATCH /tenants).
CREATE OR REPLACE FUNCTION internal.set_tenant_signup_mode(p_tenant text, p_mode text) RETURNS kassa.tenants
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  UPDATE kassa.tenants t SET signup_mode = p_mode WHERE t.id = (internal.find_tenant(p_tenant)).id RETURNING t.*
$$;

-- The active tenant of a slug (NULL: none), its sign-up mode with it.
CREATE OR REPLACE FUNCTION internal.login_tenant(p_slug text) RETURNS kassa.tenants
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT t.* FROM kassa.tenants t WHERE t.slug = p_slug AND t.status = 'active'
$$;

-- A link to mail (its token's hash from the bridge), unless the address had 5 login mails of
-- the tenant this hour: a flood of sign-ups or resets for someone else's address stops there.
-- Wakes the delivery worker. Whether it was queued.
CREATE OR REPLACE FUNCTION internal.queue_login_link(l kassa.login_links) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  IF internal.count_request(format('login-mail:%s:%s', l.tenant_id, lower(l.email)), 5, 3600) IS NOT NULL THEN
    RETURN false;
  END IF;
  l.created_at := internal.clock_now();
  l.next_attempt_at := l.created_at;
  INSERT INTO kassa.login_links SELECT l.*;
  PERFORM pg_catalog.pg_notify('kassa_events', '');
  RETURN true;
END $$;

-- The identity of an address in a tenant (case-insensitive), NULL without one.
CREATE OR REPLACE FUNCTION internal.identity_of(p_tenant uuid, p_email text) RETURNS kassa.identities
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT i.* FROM kassa.identities i WHERE i.tenant_id = p_tenant AND lower(i.email) = lower(p_email)
$$;

-- POST /auth/signup: 'unknown_tenant', 'off' (the tenant takes no sign-ups), else 'accepted',
-- whatever the address: a new one gets a sign-up link carrying the password's hash and the
-- name, an address with a login a password-reset link instead, and in 'invitation' mode only
-- the address of an existing customer without a login gets a link.
CREATE OR REPLACE FUNCTION internal.request_signup(p_slug text, p_email text, p_name text, p_password_hash text,
                                                   p_link uuid, p_token_hash bytea, p_valid interval)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  tenant kassa.tenants := internal.login_tenant(p_slug);
  known  kassa.identities;
  link   kassa.login_links;
BEGIN
  IF tenant.id IS NULL THEN
    RETURN 'unknown_tenant';
  ELSIF tenant.signup_mode = 'off' THEN
    RETURN 'off';
  END IF;
  known := internal.identity_of(tenant.id, p_email);
  link := ROW(tenant.id, p_link, 'verify', p_token_hash, p_email, NULL, p_name, p_password_hash, NULL, NULL,
              internal.clock_now() + p_valid, NULL, 'queued', 0, NULL, NULL, NULL)::kassa.login_links;
  IF known.id IS NOT NULL THEN
    link.purpose := 'reset';
    link.identity_id := known.id;
    link.name := NULL;
    link.password_hash := NULL;
  ELSIF tenant.signup_mode = 'invitation'
        AND NOT EXISTS (SELECT FROM kassa.customers c WHERE c.tenant_id = tenant.id AND lower(c.email) = lower(p_email)
                                                        AND c.status <> 'closed') THEN
    RETURN 'accepted';
  END IF;
  PERFORM internal.queue_login_link(link);
  RETURN 'accepted';
END $$;

-- POST /auth/password/forgot: 'unknown_tenant', else 'accepted'; an address with a login gets
-- a password-reset link.
CREATE OR REPLACE FUNCTION internal.request_password_reset(p_slug text, p_email text, p_link uuid, p_token_hash bytea,
                                                           p_valid interval)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  tenant kassa.tenants := internal.login_tenant(p_slug);
  known  kassa.identities;
BEGIN
  IF tenant.id IS NULL THEN
    RETURN 'unknown_tenant';
  END IF;
  known := internal.identity_of(tenant.id, p_email);
  IF known.id IS NOT NULL THEN
    PERFORM internal.queue_login_link(ROW(tenant.id, p_link, 'reset', p_token_hash, known.email, known.id, NULL, NULL,
                                          NULL, NULL, internal.clock_now() + p_valid, NULL, 'queued', 0, NULL, NULL,
                                          NULL)::kassa.login_links);
  END IF;
  RETURN 'accepted';
END $$;

-- POST /auth/invitations (an admin): 'exists' when the address has a login in the tenant, else
-- 'invited' (an invitation link is mailed, or held back by the hourly mail limit).
CREATE OR REPLACE FUNCTION internal.invite_staff(p_tenant uuid, p_email text, p_role text, p_invited_by text,
                                                 p_link uuid, p_token_hash bytea, p_valid interval)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  IF (internal.identity_of(p_tenant, p_email)).id IS NOT NULL THEN
    RETURN 'exists';
  END IF;
  PERFORM internal.queue_login_link(ROW(p_tenant, p_link, 'invite', p_token_hash, p_email, NULL, NULL, NULL, p_role,
                                        left(p_invited_by, 200), internal.clock_now() + p_valid, NULL, 'queued', 0,
                                        NULL, NULL, NULL)::kassa.login_links);
  RETURN 'invited';
END $$;

-- A link of a purpose by its token's hash, locked: its row and whether it may be followed
-- ('ok', 'unknown', 'used', 'expired').
CREATE OR REPLACE FUNCTION internal.follow_link(p_token_hash bytea, p_purpose text, OUT link kassa.login_links,
                                                OUT outcome text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  SELECT l.* INTO link FROM kassa.login_links l
   WHERE l.token_hash = p_token_hash AND l.purpose = p_purpose FOR UPDATE;
  outcome := CASE WHEN link.id IS NULL THEN 'unknown' WHEN link.used_at IS NOT NULL THEN 'used'
                  WHEN link.expires_at <= internal.clock_now() THEN 'expired' ELSE 'ok' END;
END $$;

-- GET of a reset or invitation link: what it is for, without using it.
CREATE OR REPLACE FUNCTION internal.login_link(p_token_hash bytea, p_purpose text)
RETURNS TABLE (outcome text, email text, role text, tenant_slug text, tenant_name text, expires_at timestamptz)
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT f.outcome, (f.link).email, (f.link).role, t.slug, t.name, (f.link).expires_at
    FROM internal.follow_link(p_token_hash, p_purpose) f LEFT JOIN kassa.tenants t ON t.id = (f.link).tenant_id
$$;

-- The link is used: once.
CREATE OR REPLACE FUNCTION internal.use_link(l kassa.login_links) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  UPDATE kassa.login_links SET used_at = internal.clock_now(), password_hash = NULL
   WHERE tenant_id = l.tenant_id AND id = l.id
$$;

-- GET /auth/signup/verify: the sign-up's customer (the tenant's customer of that address
-- without a login, else a new one, numbered like every customer) and its identity with the
-- sign-up's password. Outcome 'ok', or why not: 'unknown', 'used', 'expired', 'taken' (the
-- address got a login meanwhile, or its customer is closed).
CREATE OR REPLACE FUNCTION internal.verify_signup(p_token_hash bytea)
RETURNS TABLE (outcome text, tenant_id uuid, identity_id uuid, customer_id uuid)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  f        record := internal.follow_link(p_token_hash, 'verify');
  customer kassa.customers;
  made     kassa.identities;
BEGIN
  IF f.outcome <> 'ok' THEN
    RETURN QUERY SELECT f.outcome, NULL::uuid, NULL::uuid, NULL::uuid;
    RETURN;
  END IF;
  PERFORM internal.act_as('login:signup:' || (f.link).id);
  SELECT c.* INTO customer FROM kassa.customers c
   WHERE c.tenant_id = (f.link).tenant_id AND lower(c.email) = lower((f.link).email);
  IF (internal.identity_of((f.link).tenant_id, (f.link).email)).id IS NOT NULL OR customer.status = 'closed'
     OR EXISTS (SELECT FROM kassa.identities i WHERE i.tenant_id = customer.tenant_id AND i.customer_id = customer.id) THEN
    PERFORM internal.use_link(f.link);
    RETURN QUERY SELECT 'taken', NULL::uuid, NULL::uuid, NULL::uuid;
    RETURN;
  END IF;
  IF customer.id IS NULL THEN
    INSERT INTO kassa.customers (tenant_id, name, email) VALUES ((f.link).tenant_id, (f.link).name, (f.link).email)
    RETURNING * INTO customer;
  END IF;
  INSERT INTO kassa.identities (tenant_id, email, password_hash, email_verified_at, customer_id)
  VALUES (customer.tenant_id, (f.link).email, (f.link).password_hash, internal.clock_now(), customer.id)
  RETURNING * INTO made;
  PERFORM internal.use_link(f.link);
  RETURN QUERY SELECT 'ok', made.tenant_id, made.id, made.customer_id;
END $$;

-- Every login of an identity ends (a new password, a reset).
CREATE OR REPLACE FUNCTION internal.revoke_logins(p_tenant uuid, p_identity uuid, p_reason text) RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  WITH revoked AS (
    UPDATE kassa.login_families SET revoked_at = internal.clock_now(), revoked_reason = p_reason
     WHERE tenant_id = p_tenant AND identity_id = p_identity AND revoked_at IS NULL RETURNING 1)
  SELECT count(*)::integer FROM revoked
$$;

-- POST /auth/password/reset: the identity's new password; every login of it ends. Outcome as
-- internal.follow_link's.
CREATE OR REPLACE FUNCTION internal.reset_password(p_token_hash bytea, p_password_hash text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  f record := internal.follow_link(p_token_hash, 'reset');
BEGIN
  IF f.outcome = 'ok' THEN
    PERFORM internal.act_as('login:reset:' || (f.link).id);
    UPDATE kassa.identities i SET password_hash = p_password_hash
     WHERE i.tenant_id = (f.link).tenant_id AND i.id = (f.link).identity_id;
    PERFORM internal.revoke_logins((f.link).tenant_id, (f.link).identity_id, 'password_reset');
    PERFORM internal.use_link(f.link);
  END IF;
  RETURN f.outcome;
END $$;

-- POST /auth/invitations/accept: the invited staff user (the tenant's staff user of that
-- address without a login keeps their role; else a new one with the invitation's) and its
-- identity. Outcome as internal.verify_signup's.
CREATE OR REPLACE FUNCTION internal.accept_invitation(p_token_hash bytea, p_name text, p_password_hash text)
RETURNS TABLE (outcome text, tenant_id uuid, identity_id uuid, staff_user_id uuid, staff_role text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  f     record := internal.follow_link(p_token_hash, 'invite');
  staff kassa.staff_users;
  made  kassa.identities;
BEGIN
  IF f.outcome <> 'ok' THEN
    RETURN QUERY SELECT f.outcome, NULL::uuid, NULL::uuid, NULL::uuid, NULL::text;
    RETURN;
  END IF;
  PERFORM internal.act_as('login:invitation:' || (f.link).id);
  SELECT s.* INTO staff FROM kassa.staff_users s
   WHERE s.tenant_id = (f.link).tenant_id AND lower(s.email) = lower((f.link).email);
  IF (internal.identity_of((f.link).tenant_id, (f.link).email)).id IS NOT NULL OR staff.status = 'disabled' THEN
    PERFORM internal.use_link(f.link);
    RETURN QUERY SELECT 'taken', NULL::uuid, NULL::uuid, NULL::uuid, NULL::text;
    RETURN;
  END IF;
  IF staff.id IS NULL THEN
    staff := internal.add_staff_user((f.link).tenant_id, (f.link).email, p_name, (f.link).role);
  END IF;
  INSERT INTO kassa.identities (tenant_id, email, password_hash, email_verified_at, staff_user_id)
  VALUES (staff.tenant_id, (f.link).email, p_password_hash, internal.clock_now(), staff.id)
  RETURNING * INTO made;
  PERFORM internal.use_link(f.link);
  RETURN QUERY SELECT 'ok', made.tenant_id, made.id, staff.id, staff.role;
END $$;

-- Failed logins: at most 5 per account (tenant and address) and 20 per client address in a
-- window of 15 minutes. The seconds to wait before the next try, NULL when it may go ahead.
CREATE OR REPLACE FUNCTION internal.login_wait(p_slug text, p_email text, p_address text) RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT greatest(internal.requests_over(format('login-account:%s:%s', p_slug, lower(p_email)), 5, 900),
                  internal.requests_over('login-address:' || p_address, 20, 900))
$$;

CREATE OR REPLACE FUNCTION internal.count_login_failure(p_slug text, p_email text, p_address text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.count_request(format('login-account:%s:%s', p_slug, lower(p_email)), 5, 900),
         internal.count_request('login-address:' || p_address, 20, 900)
$$;

-- What a token of an identity says, as the request check holds it: its customer (not closed)
-- or its staff user (active) with their role, of an active tenant. No row: the identity cannot
-- log in (or is not this subject's).
CREATE OR REPLACE FUNCTION internal.login_subject(p_tenant uuid, p_identity uuid)
RETURNS TABLE (tenant_id uuid, identity_id uuid, customer_id uuid, staff_user_id uuid, staff_role text, email text,
               tenant_name text, password_hash text, totp_secret text, totp_pending text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT i.tenant_id, i.id, i.customer_id, i.staff_user_id, s.role, i.email, t.name, i.password_hash, i.totp_secret,
         i.totp_pending
    FROM kassa.identities i
    JOIN kassa.tenants t ON t.id = i.tenant_id AND t.status = 'active'
    LEFT JOIN kassa.customers c ON c.tenant_id = i.tenant_id AND c.id = i.customer_id
    LEFT JOIN kassa.staff_users s ON s.tenant_id = i.tenant_id AND s.id = i.staff_user_id
   WHERE i.tenant_id = p_tenant AND i.id = p_identity
     AND (c.status IN ('active', 'suspended') OR s.status = 'active')
$$;

-- POST /auth/login: the identity of a tenant's address, as internal.login_subject.
CREATE OR REPLACE FUNCTION internal.login_identity(p_slug text, p_email text)
RETURNS TABLE (tenant_id uuid, identity_id uuid, customer_id uuid, staff_user_id uuid, staff_role text, email text,
               tenant_name text, password_hash text, totp_secret text, totp_pending text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT s.* FROM kassa.identities i
   CROSS JOIN LATERAL internal.login_subject(i.tenant_id, i.id) s
   WHERE i.tenant_id = (internal.login_tenant(p_slug)).id AND lower(i.email) = lower(p_email)
$$;

-- A refresh token of a login (its hash), valid for p_valid.
CREATE OR REPLACE FUNCTION internal.add_refresh_token(p_tenant uuid, p_family uuid, p_token_hash bytea, p_valid interval)
RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  INSERT INTO kassa.refresh_tokens (tenant_id, token_hash, family_id, expires_at, created_at)
  VALUES (p_tenant, p_token_hash, p_family, internal.clock_now() + p_valid, internal.clock_now())
$$;

-- A TOTP code of this time step was accepted: false when one of it (or a later step) was
-- accepted before, so a code overheard counts no second time.
CREATE OR REPLACE FUNCTION internal.use_totp_step(p_tenant uuid, p_identity uuid, p_step bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  UPDATE kassa.identities i SET totp_last_step = p_step
   WHERE i.tenant_id = p_tenant AND i.id = p_identity AND coalesce(i.totp_last_step, -1) < p_step;
  RETURN FOUND;
END $$;

-- The password (and the TOTP code of p_totp_step, when one was needed) was right: a new login
-- with its first refresh token; the identity's last login is now. NULL when the TOTP code was
-- used already.
CREATE OR REPLACE FUNCTION internal.start_login(p_tenant uuid, p_identity uuid, p_token_hash bytea, p_user_agent text,
                                                p_valid interval, p_totp_step bigint)
RETURNS uuid LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  family uuid;
BEGIN
  IF p_totp_step IS NOT NULL AND NOT internal.use_totp_step(p_tenant, p_identity, p_totp_step) THEN
    RETURN NULL;
  END IF;
  UPDATE kassa.identities i SET last_login_at = internal.clock_now() WHERE i.tenant_id = p_tenant AND i.id = p_identity;
  INSERT INTO kassa.login_families (tenant_id, identity_id, user_agent, created_at, last_used_at)
  VALUES (p_tenant, p_identity, left(p_user_agent, 200), internal.clock_now(), internal.clock_now())
  RETURNING id INTO family;
  PERFORM internal.add_refresh_token(p_tenant, family, p_token_hash, p_valid);
  RETURN family;
END $$;

-- POST /auth/refresh: the refresh token is used up and a new one (p_new_hash) takes its place
-- in its login. A token used before is a copy someone kept: the whole login ends ('reused').
-- Outcome 'ok' with the login's subject, or 'unknown', 'expired', 'revoked', 'reused',
-- 'unusable' (the customer closed, the staff user disabled, the tenant suspended: the login ends).
CREATE OR REPLACE FUNCTION internal.refresh_login(p_token_hash bytea, p_new_hash bytea, p_valid interval)
RETURNS TABLE (outcome text, tenant_id uuid, identity_id uuid, customer_id uuid, staff_user_id uuid, staff_role text,
               login_id uuid)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  token   kassa.refresh_tokens;
  family  kassa.login_families;
  subject record;
BEGIN
  SELECT r.* INTO token FROM kassa.refresh_tokens r WHERE r.token_hash = p_token_hash FOR UPDATE;
  SELECT f.* INTO family FROM kassa.login_families f
   WHERE f.tenant_id = token.tenant_id AND f.id = token.family_id FOR UPDATE;
  IF token.token_hash IS NULL THEN
    RETURN QUERY SELECT 'unknown', NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::text, NULL::uuid;
    RETURN;
  ELSIF family.revoked_at IS NOT NULL THEN
    RETURN QUERY SELECT 'revoked', NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::text, NULL::uuid;
    RETURN;
  ELSIF token.used_at IS NOT NULL THEN
    UPDATE kassa.login_families f SET revoked_at = internal.clock_now(), revoked_reason = 'reuse'
     WHERE f.tenant_id = family.tenant_id AND f.id = family.id;
    RETURN QUERY SELECT 'reused', NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::text, NULL::uuid;
    RETURN;
  ELSIF token.expires_at <= internal.clock_now() THEN
    RETURN QUERY SELECT 'expired', NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::text, NULL::uuid;
    RETURN;
  END IF;
  SELECT s.* INTO subject FROM internal.login_subject(family.tenant_id, family.identity_id) s;
  IF subject.identity_id IS NULL THEN
    UPDATE kassa.login_families f SET revoked_at = internal.clock_now(), revoked_reason = 'revoked'
     WHERE f.tenant_id = family.tenant_id AND f.id = family.id;
    RETURN QUERY SELECT 'unusable', NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::text, NULL::uuid;
    RETURN;
  END IF;
  UPDATE kassa.refresh_tokens r SET used_at = internal.clock_now()
   WHERE r.tenant_id = token.tenant_id AND r.token_hash = token.token_hash;
  UPDATE kassa.login_families f SET last_used_at = internal.clock_now()
   WHERE f.tenant_id = family.tenant_id AND f.id = family.id;
  PERFORM internal.add_refresh_token(family.tenant_id, family.id, p_new_hash, p_valid);
  RETURN QUERY SELECT 'ok', subject.tenant_id, subject.identity_id, subject.customer_id, subject.staff_user_id,
                      subject.staff_role, family.id;
END $$;

-- POST /auth/logout: the login of this refresh token ends (used or not). Whether there was one.
CREATE OR REPLACE FUNCTION internal.logout(p_token_hash bytea) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  UPDATE kassa.login_families f SET revoked_at = internal.clock_now(), revoked_reason = 'logout'
    FROM kassa.refresh_tokens r
   WHERE r.token_hash = p_token_hash AND f.tenant_id = r.tenant_id AND f.id = r.family_id AND f.revoked_at IS NULL;
  RETURN FOUND;
END $$;

-- GET /auth/sessions: an identity's logins that have not ended, newest use first.
CREATE OR REPLACE FUNCTION internal.active_logins(p_tenant uuid, p_identity uuid)
RETURNS TABLE (id uuid, user_agent text, created_at timestamptz, last_used_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT f.id, f.user_agent, f.created_at, f.last_used_at FROM kassa.login_families f
   WHERE f.tenant_id = p_tenant AND f.identity_id = p_identity AND f.revoked_at IS NULL
     AND EXISTS (SELECT FROM kassa.refresh_tokens r WHERE r.tenant_id = f.tenant_id AND r.family_id = f.id
                                                       AND r.used_at IS NULL AND r.expires_at > internal.clock_now())
   ORDER BY f.last_used_at DESC, f.id
$$;

-- DELETE /auth/sessions/<id>: one of an identity's own logins ends. Whether it was one.
CREATE OR REPLACE FUNCTION internal.revoke_login(p_tenant uuid, p_identity uuid, p_family uuid) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  UPDATE kassa.login_families f SET revoked_at = internal.clock_now(), revoked_reason = 'revoked'
   WHERE f.tenant_id = p_tenant AND f.identity_id = p_identity AND f.id = p_family AND f.revoked_at IS NULL;
  RETURN FOUND;
END $$;

-- POST /auth/totp: a new secret waits for its first code (it replaces one waiting). False when
-- TOTP is on already.
CREATE OR REPLACE FUNCTION internal.begin_totp(p_tenant uuid, p_identity uuid, p_secret text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  UPDATE kassa.identities i SET totp_pending = p_secret
   WHERE i.tenant_id = p_tenant AND i.id = p_identity AND i.totp_secret IS NULL;
  RETURN FOUND;
END $$;

-- POST /auth/totp/confirm: the waiting secret's code of p_step was right: TOTP is on, and that
-- code counts no second time.
CREATE OR REPLACE FUNCTION internal.enable_totp(p_tenant uuid, p_identity uuid, p_step bigint) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  UPDATE kassa.identities i
     SET totp_secret = i.totp_pending, totp_pending = NULL, totp_enabled_at = internal.clock_now(), totp_last_step = p_step
   WHERE i.tenant_id = p_tenant AND i.id = p_identity AND i.totp_pending IS NOT NULL
$$;

-- The delivery worker (bridge/mailer.py): up to p_limit login mails due, leased for p_lease as
-- messages are (internal.claim_messages), with what the mail says and where it goes out.
CREATE OR REPLACE FUNCTION internal.claim_login_mails(p_limit integer, p_lease interval)
RETURNS TABLE (tenant_id uuid, link_id uuid, purpose text, recipient text, role text, expires_at timestamptz,
               attempts integer, tenant_name text, sender_name text, reply_to text, smtp_profile text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  IF p_limit IS NULL OR p_limit < 1 OR p_lease IS NULL OR p_lease <= interval '0' THEN
    PERFORM internal.raise_error('P0Z01', format('claiming login mails needs a positive limit and lease, not %s and %s',
                                                 p_limit, p_lease));
  END IF;
  RETURN QUERY
  WITH due AS (
    SELECT l.tenant_id, l.id FROM kassa.login_links l
     WHERE l.mail_status IN ('queued', 'sending') AND l.next_attempt_at <= internal.clock_now()
     ORDER BY l.next_attempt_at, l.id LIMIT p_limit
       FOR UPDATE SKIP LOCKED
  ), claimed AS (
    UPDATE kassa.login_links l
       SET mail_status = 'sending', mail_attempts = l.mail_attempts + 1, next_attempt_at = internal.clock_now() + p_lease
      FROM due WHERE l.tenant_id = due.tenant_id AND l.id = due.id
    RETURNING l.*
  )
  SELECT c.tenant_id, c.id, c.purpose, c.email, c.role, c.expires_at, c.mail_attempts, t.name, t.mail_sender_name,
         t.mail_reply_to, t.smtp_profile
    FROM claimed c JOIN kassa.tenants t ON t.id = c.tenant_id;
END $$;

CREATE OR REPLACE FUNCTION internal.record_login_mail_sent(p_tenant uuid, p_link uuid) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  UPDATE kassa.login_links SET mail_status = 'sent', last_error = NULL
   WHERE tenant_id = p_tenant AND id = p_link AND mail_status = 'sending'
$$;

-- A login mail did not go out: tried again after a backoff that doubles (p_first_retry after
-- the first attempt), failed for good after p_max_attempts. Its new status.
CREATE OR REPLACE FUNCTION internal.record_login_mail_failed(p_tenant uuid, p_link uuid, p_error text,
                                                             p_first_retry interval, p_max_attempts integer)
RETURNS text LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  UPDATE kassa.login_links l
     SET mail_status = CASE WHEN l.mail_attempts >= p_max_attempts THEN 'failed' ELSE 'queued' END,
         next_attempt_at = internal.clock_now() + p_first_retry * power(2, l.mail_attempts - 1),
         last_error = left(coalesce(p_error, 'unknown error'), 4000)
   WHERE l.tenant_id = p_tenant AND l.id = p_link AND l.mail_status = 'sending'
  RETURNING l.mail_status
$$;
