SELECT signup_mode FROM kassa.tenants WHERE false;
SELECT tenant_id, id, email, password_hash, email_verified_at, customer_id, staff_user_id, totp_secret, totp_pending,
       totp_enabled_at, totp_last_step, last_login_at, created_at
  FROM kassa.identities WHERE false;
SELECT tenant_id, id, purpose, token_hash, email, identity_id, name, password_hash, role, invited_by, expires_at, used_at,
       mail_status, mail_attempts, next_attempt_at, last_error, created_at
  FROM kassa.login_links WHERE false;
SELECT tenant_id, id, identity_id, user_agent, created_at, last_used_at, revoked_at, revoked_reason
  FROM kassa.login_families WHERE false;
SELECT tenant_id, token_hash, family_id, expires_at, used_at, created_at FROM kassa.refresh_tokens WHERE false;
