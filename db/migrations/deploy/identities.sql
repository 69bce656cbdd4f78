-- Built-in login (docs/portal.md): identities (an e-mail address and a password of a customer or
-- a staff user of one tenant), the single-use links mailed for sign-up, password reset and staff
-- invitations (only a hash of each link's token is kept; the mailer derives the token from the
-- link's id and KASSA_LOGIN_LINK_KEY), and the logins: families of refresh tokens, each token
-- kept as its hash (db/functions/710_logins.sql). Passwords are hashed (argon2id) by the bridge.
BEGIN;
ALTER TABLE kassa.tenants ADD COLUMN signup_mode text NOT NULL DEFAULT 'off'
  CONSTRAINT tenants_signup_mode_known CHECK (signup_mode = ANY (ARRAY['open', 'invitation', 'off']));

CREATE TABLE kassa.identities (
  tenant_id         uuid NOT NULL REFERENCES kassa.tenants (id),
  id                uuid NOT NULL DEFAULT gen_random_uuid(),
  email             text NOT NULL
                    CONSTRAINT identities_email_format CHECK (email ~* '^[^@\s]+@[^@\s]+\.[^@\s]+$')
                    CONSTRAINT identities_email_max_length CHECK (char_length(email) <= 254),
  password_hash     text NOT NULL CONSTRAINT identities_password_hash_argon2id
                    CHECK (password_hash LIKE '$argon2id$%' AND char_length(password_hash) <= 200),
  -- an identity exists once its address is proven: a sign-up's link followed, an invitation accepted
  email_verified_at timestamptz NOT NULL,
  customer_id       uuid,
  staff_user_id     uuid,
  totp_secret       text CONSTRAINT identities_totp_secret_max_length CHECK (char_length(totp_secret) <= 64),
  totp_pending      text CONSTRAINT identities_totp_pending_max_length CHECK (char_length(totp_pending) <= 64),
  totp_enabled_at   timestamptz,
  totp_last_step    bigint,  -- the time step of the last code accepted: a code counts once
  last_login_at     timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id),
  FOREIGN KEY (tenant_id, staff_user_id) REFERENCES kassa.staff_users (tenant_id, id),
  CONSTRAINT identities_one_subject CHECK (num_nonnulls(customer_id, staff_user_id) = 1),
  CONSTRAINT identities_totp_enabled CHECK ((totp_secret IS NULL) = (totp_enabled_at IS NULL))
);
CREATE UNIQUE INDEX identities_email_unique ON kassa.identities (tenant_id, lower(email));
CREATE UNIQUE INDEX identities_customer_unique ON kassa.identities (tenant_id, customer_id);
CREATE UNIQUE INDEX identities_staff_user_unique ON kassa.identities (tenant_id, staff_user_id);

CREATE TABLE kassa.login_links (
  tenant_id       uuid NOT NULL REFERENCES kassa.tenants (id),
  id              uuid NOT NULL,
  purpose         text NOT NULL CONSTRAINT login_links_purpose_known
                  CHECK (purpose = ANY (ARRAY['verify', 'reset', 'invite'])),
  token_hash      bytea NOT NULL CONSTRAINT login_links_token_hash_sha256 CHECK (length(token_hash) = 32),
  email           text NOT NULL CONSTRAINT login_links_email_max_length CHECK (char_length(email) <= 254),
  identity_id     uuid,   -- reset: whose password
  name            text CONSTRAINT login_links_name_max_length CHECK (char_length(name) <= 200),
  password_hash   text CONSTRAINT login_links_password_hash_max_length CHECK (char_length(password_hash) <= 200),
  role            text CONSTRAINT login_links_role_known CHECK (role = ANY (ARRAY['admin', 'billing', 'support', 'viewer'])),
  invited_by      text CONSTRAINT login_links_invited_by_max_length CHECK (char_length(invited_by) <= 200),
  expires_at      timestamptz NOT NULL,
  used_at         timestamptz,
  -- the link's mail, claimed and sent by the delivery worker (bridge/mailer.py)
  mail_status     text NOT NULL DEFAULT 'queued' CONSTRAINT login_links_mail_status_known
                  CHECK (mail_status = ANY (ARRAY['queued', 'sending', 'sent', 'failed'])),
  mail_attempts   integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text CONSTRAINT login_links_last_error_max_length CHECK (char_length(last_error) <= 4000),
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, identity_id) REFERENCES kassa.identities (tenant_id, id),
  -- a sign-up's password waits on its link until the link is followed, then only the identity keeps it
  CONSTRAINT login_links_purpose_fields CHECK (CASE purpose
    WHEN 'verify' THEN identity_id IS NULL AND name IS NOT NULL AND (password_hash IS NOT NULL OR used_at IS NOT NULL)
    WHEN 'reset' THEN identity_id IS NOT NULL AND password_hash IS NULL
    ELSE identity_id IS NULL AND role IS NOT NULL AND password_hash IS NULL END)
);
CREATE UNIQUE INDEX login_links_token_hash_unique ON kassa.login_links (token_hash);
CREATE INDEX login_links_mail_due ON kassa.login_links (next_attempt_at) WHERE mail_status IN ('queued', 'sending');

CREATE TABLE kassa.login_families (
  tenant_id      uuid NOT NULL,
  id             uuid NOT NULL DEFAULT gen_random_uuid(),
  identity_id    uuid NOT NULL,
  user_agent     text CONSTRAINT login_families_user_agent_max_length CHECK (char_length(user_agent) <= 200),
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_used_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at     timestamptz,
  revoked_reason text CONSTRAINT login_families_revoked_reason_known
                 CHECK (revoked_reason = ANY (ARRAY['logout', 'revoked', 'reuse', 'password_reset'])),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, identity_id) REFERENCES kassa.identities (tenant_id, id),
  CONSTRAINT login_families_revoked_has_reason CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
);
CREATE INDEX login_families_identity ON kassa.login_families (tenant_id, identity_id) WHERE revoked_at IS NULL;

CREATE TABLE kassa.refresh_tokens (
  tenant_id  uuid NOT NULL,
  token_hash bytea NOT NULL CONSTRAINT refresh_tokens_token_hash_sha256 CHECK (length(token_hash) = 32),
  family_id  uuid NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz,  -- rotated: a second use is a stolen copy, and ends the family
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, token_hash),
  FOREIGN KEY (tenant_id, family_id) REFERENCES kassa.login_families (tenant_id, id)
);
CREATE UNIQUE INDEX refresh_tokens_token_hash_unique ON kassa.refresh_tokens (token_hash);
COMMIT;
