-- Staff users and staff roles (docs/api.md, "Staff roles"). A staff token may name a staff user
-- of its tenant (claims staff_user_id, staff_role; internal.check_claims holds both to the
-- row, so a demotion or a disabled user applies to the next request); a staff token without a
-- staff_role is an admin, as every staff token was before roles existed.
--
-- What each role may do is one table, internal.staff_role_matrix, checked once per request
-- before anything runs: PostgREST's request check turns the request into an action (an RPC
-- `rpc/<name>`, or a write `write/<view>`; reads are open to every role of the tenant) and
-- internal.require_staff_action refuses what the role may not do (HTTP 403, 42501). The bridges
-- check their own staff actions (`bridge/...`) the same way. API roles reach the database only
-- through PostgREST and the bridges, so this one check covers every way in.

-- Every action a staff token may take, with the roles that may: admin may do everything
-- (listed for the docs' matrix); an action without a row is admin's only.
CREATE OR REPLACE FUNCTION internal.staff_role_matrix() RETURNS TABLE (action text, roles text[])
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT m.action, m.roles::text[] FROM (VALUES
    -- customers and their services: support
    ('write/customers', '{admin,support}'), ('rpc/close_customer', '{admin,support}'),
    ('rpc/suspend_customer', '{admin,billing,support}'), ('rpc/resume_customer', '{admin,billing,support}'),
    ('write/services', '{admin,support}'), ('rpc/activate_service', '{admin,support}'),
    ('rpc/suspend_service', '{admin,support}'), ('rpc/resume_service', '{admin,support}'),
    ('rpc/cancel_service', '{admin,support}'), ('rpc/change_plan', '{admin,support}'),
    ('rpc/set_message_preference', '{admin,support}'), ('rpc/set_quiet_hours', '{admin,support}'),
    ('rpc/unsubscribe_push', '{admin,support}'),
    -- support tickets: support, and billing for the billing questions
    ('rpc/reply_ticket', '{admin,billing,support}'), ('rpc/set_ticket_status', '{admin,billing,support}'),
    ('rpc/assign_ticket', '{admin,billing,support}'),
    -- invoices, credit notes, payments, dunning: billing
    ('write/invoices', '{admin,billing}'), ('rpc/create_invoice', '{admin,billing}'),
    ('rpc/add_invoice_line', '{admin,billing}'), ('rpc/remove_invoice_line', '{admin,billing}'),
    ('rpc/finalise_invoice', '{admin,billing}'), ('rpc/void_invoice', '{admin,billing}'),
    ('rpc/write_off_invoice', '{admin,billing}'), ('rpc/create_credit_note', '{admin,billing}'),
    ('rpc/start_invoice_run', '{admin,billing}'), ('rpc/add_fee', '{admin,billing}'),
    ('rpc/record_usage', '{admin,billing}'), ('rpc/record_manual_payment', '{admin,billing}'),
    ('rpc/refund_payment', '{admin,billing}'), ('bridge/refunds', '{admin,billing}'),
    ('rpc/fail_payment', '{admin,billing}'), ('rpc/adjust_balance', '{admin,billing}'),
    ('rpc/add_payment_method', '{admin,billing}'), ('rpc/set_primary_payment_method', '{admin,billing}'),
    ('rpc/remove_payment_method', '{admin,billing}'), ('rpc/configure_auto_topup', '{admin,billing}'),
    ('rpc/configure_auto_pay', '{admin,billing}'), ('rpc/create_payment_link', '{admin,billing}'),
    ('rpc/create_amount_link', '{admin,billing}'), ('rpc/invalidate_payment_link', '{admin,billing}'),
    ('rpc/regenerate_payment_link', '{admin,billing}'), ('rpc/pause_dunning', '{admin,billing}'),
    ('rpc/resume_dunning', '{admin,billing}'), ('rpc/set_dunning_schedule', '{admin,billing}'),
    ('rpc/set_credit_limit', '{admin,billing}'), ('rpc/resolve_debit_order_batch', '{admin,billing}'),
    ('write/datev_debtor_accounts', '{admin,billing}'),
    ('bridge/documents/send', '{admin,billing,support}'),
    -- reading: every role
    ('rpc/statement', '{admin,billing,support,viewer}'), ('rpc/ticket_attachment', '{admin,billing,support,viewer}'),
    ('rpc/customer_data_export', '{admin,billing,support,viewer}'),
    ('rpc/customer_dashboard', '{admin,billing,support,viewer}'), ('rpc/staff_dashboard', '{admin,billing,support,viewer}'), ('rpc/export_invoices', '{admin,billing,support,viewer}'),
    ('rpc/export_credit_notes', '{admin,billing,support,viewer}'),
    ('rpc/export_payments', '{admin,billing,support,viewer}'), ('rpc/export_ledger', '{admin,billing,support,viewer}'),
    ('rpc/export_datev', '{admin,billing,support,viewer}'),
    -- the tenant's settings, catalog, webhooks and staff: admin
    ('write/tenants', '{admin}'), ('write/billing_settings', '{admin}'), ('write/payment_settings', '{admin}'),
    ('write/document_settings', '{admin}'), ('write/vat_rates', '{admin}'), ('write/bonus_tiers', '{admin}'),
    ('write/low_balance_thresholds', '{admin}'), ('write/datev_settings', '{admin}'),
    ('write/datev_revenue_accounts', '{admin}'), ('write/products', '{admin}'), ('write/price_versions', '{admin}'),
    ('rpc/create_webhook_endpoint', '{admin}'), ('rpc/update_webhook_endpoint', '{admin}'),
    ('rpc/rotate_webhook_secret', '{admin}'), ('rpc/resend_webhook', '{admin}'), ('write/staff_users', '{admin}'),
    ('bridge/auth/invitations', '{admin}'), ('rpc/create_api_key', '{admin}'), ('rpc/revoke_api_key', '{admin}'),
    ('rpc/create_oidc_provider', '{admin}'), ('rpc/link_oidc_subject', '{admin}'), ('rpc/unlink_oidc_subject', '{admin}')
  ) m (action, roles)
$$;

-- The action of a PostgREST request: `rpc/<function>` for a call, `write/<view>` for a POST,
-- PATCH, PUT or DELETE on a view; NULL for a read of a view.
CREATE OR REPLACE FUNCTION internal.request_action(p_method text, p_path text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT CASE WHEN p_path LIKE '/rpc/%' THEN 'rpc/' || substr(p_path, 6)
              WHEN upper(p_method) IN ('POST', 'PATCH', 'PUT', 'DELETE') THEN 'write/' || ltrim(p_path, '/')
         END
$$;

-- The staff role of the request's token: its staff_role claim, 'admin' for a staff token
-- without one, NULL for any other token.
CREATE OR REPLACE FUNCTION internal.staff_role_of(claims json) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT CASE WHEN claims ->> 'role' = 'staff' THEN coalesce(claims ->> 'staff_role', 'admin') END
$$;

-- Refuses (insufficient_privilege, HTTP 403) an action the token's staff role may not take;
-- any other token, an admin and a read (NULL action) pass. Security definer like every
-- function the bridges call (they hold no privilege of their own).
CREATE OR REPLACE FUNCTION internal.require_staff_action(claims json, p_action text) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  role    constant text := internal.staff_role_of(claims);
  allowed text[];
BEGIN
  IF p_action IS NULL OR role IS NULL OR role = 'admin' THEN
    RETURN;
  END IF;
  SELECT m.roles INTO allowed FROM internal.staff_role_matrix() m WHERE m.action = p_action;
  IF NOT role = ANY (coalesce(allowed, '{admin}')) THEN
    RAISE insufficient_privilege USING
      message = format('the staff role %s may not %s', role, p_action),
      hint = format('Allowed to: %s (docs/api.md, "Staff roles").', array_to_string(coalesce(allowed, '{admin}'), ', '));
  END IF;
END $$;

-- A tenant keeps at least one active admin among its staff users: demoting or disabling the
-- last one is refused (P0K11). The tenant's admins are locked first, so two admins demoting
-- each other at once cannot both pass.
CREATE OR REPLACE FUNCTION internal.keep_an_admin() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  IF OLD.role = 'admin' AND OLD.status = 'active' AND (NEW.role <> 'admin' OR NEW.status <> 'active') THEN
    PERFORM FROM kassa.staff_users s WHERE s.tenant_id = OLD.tenant_id AND s.role = 'admin' FOR UPDATE;
    IF NOT EXISTS (SELECT FROM kassa.staff_users s
                    WHERE s.tenant_id = OLD.tenant_id AND s.id <> OLD.id AND s.role = 'admin' AND s.status = 'active') THEN
      PERFORM internal.raise_error('P0K11', format('staff user %s is the tenant''s last active admin', OLD.email),
        NULL, 'Make another staff user admin first.');
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER keep_an_admin BEFORE UPDATE OF role, status ON kassa.staff_users
  FOR EACH ROW EXECUTE FUNCTION internal.keep_an_admin();

SELECT internal.allow('staff', 'SELECT, INSERT, UPDATE', internal.tenant_rows(), 'kassa.staff_users');
GRANT SELECT ON kassa.staff_users TO staff;
SELECT internal.audit_table('kassa.staff_users', 'tenant_id', 'id');

CREATE VIEW api.staff_users WITH (security_invoker = true) AS
  SELECT tenant_id, id, email, name, role, status, created_at FROM kassa.staff_users;
GRANT SELECT ON api.staff_users TO staff;
SELECT internal.grant_writes('api.staff_users', 'kassa.staff_users', 'staff',
                             'INSERT (email, name, role), UPDATE (name, role, status)');
SELECT internal.write_by_key('api.staff_users', 'kassa.staff_users');

-- Operators add staff users in SQL or with `kassa staff add` (the first admin of a tenant).
CREATE OR REPLACE FUNCTION internal.add_staff_user(p_tenant_id uuid, p_email text, p_name text, p_role text)
RETURNS kassa.staff_users
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  INSERT INTO kassa.staff_users (tenant_id, email, name, role) VALUES (p_tenant_id, p_email, p_name, p_role)
  RETURNING *
$$;
