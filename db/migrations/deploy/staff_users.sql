-- Staff users of a tenant with their role (docs/api.md, "Staff roles"): admin, billing, support
-- or viewer. A staff token naming one (claims staff_user_id and staff_role) is held to this row
-- by the request check, so a demotion or a disabled user applies to the next request.
BEGIN;
CREATE TABLE kassa.staff_users (
  tenant_id  uuid NOT NULL DEFAULT (NULLIF(current_setting('request.jwt.claims', true), '')::json ->> 'tenant_id')::uuid
             REFERENCES kassa.tenants (id),
  id         uuid NOT NULL DEFAULT gen_random_uuid(),
  email      text NOT NULL
             CONSTRAINT staff_users_email_format CHECK (email ~* '^[^@\s]+@[^@\s]+\.[^@\s]+$')
             CONSTRAINT staff_users_email_max_length CHECK (char_length(email) <= 254),
  name       text NOT NULL CONSTRAINT staff_users_name_max_length CHECK (char_length(name) BETWEEN 1 AND 200),
  role       text NOT NULL DEFAULT 'viewer'
             CONSTRAINT staff_users_role_known CHECK (role = ANY (ARRAY['admin', 'billing', 'support', 'viewer'])),
  status     text NOT NULL DEFAULT 'active'
             CONSTRAINT staff_users_status_known CHECK (status = ANY (ARRAY['active', 'disabled'])),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX staff_users_email_unique ON kassa.staff_users (tenant_id, lower(email));
COMMIT;
