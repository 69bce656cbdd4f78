-- Services: a customer's subscription to a plan version. Status machine
--   pending -> active <-> suspended, and any of them -> cancelled (terminal),
-- moved only by the RPCs below (each with a mandatory reason, logged in service_actions with
-- the row before and after). next_billing_date is the first day not yet charged: the
-- invoice run bills from it; activation, resumption, plan changes and cancellation leave
-- pro-rata charges or credits in kassa.pending_charges for the next invoice (or invoice them
-- at once when the tenant's proration_mode is 'immediate').

-- New services: billing day from the tenant's allowed set, a plan version of the same tenant.
CREATE OR REPLACE FUNCTION internal.check_new_service() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  allowed integer[];
BEGIN
  PERFORM internal.lock_open_customer(NEW.tenant_id, NEW.customer_id);
  SELECT t.billing_days INTO allowed FROM kassa.tenants t WHERE t.id = NEW.tenant_id;
  IF NOT NEW.billing_day = ANY (allowed) THEN
    PERFORM internal.raise_error('P0S01', format('billing day %s is not offered by this tenant', NEW.billing_day),
      hint => format('Choose one of %s.', array_to_string(allowed, ', ')));
  END IF;
  IF NOT EXISTS (SELECT FROM kassa.price_versions v JOIN kassa.products p ON p.tenant_id = v.tenant_id AND p.id = v.product_id
                  WHERE v.tenant_id = NEW.tenant_id AND v.id = NEW.price_version_id AND p.kind = 'plan') THEN
    PERFORM internal.raise_error('P0S07', format('price version %s is not a plan of this tenant', NEW.price_version_id),
      hint => 'Pick a version from /plan_versions.');
  END IF;
  -- Services start pending; an existing book of active services can be migrated in by a DBA
  -- who sets kassa.service_transition = 'on' for the transaction.
  IF NEW.status <> 'pending' AND current_setting('kassa.service_transition', true) IS DISTINCT FROM 'on' THEN
    PERFORM internal.raise_error('P0S08', 'a new service starts pending',
      hint => 'Activate it with /rpc/activate_service.');
  END IF;
  RETURN NEW;
END $$;

-- Status, plan and billing anchors change only through the transition RPCs.
CREATE OR REPLACE FUNCTION internal.guard_service() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  IF NEW.tenant_id <> OLD.tenant_id OR NEW.id <> OLD.id OR NEW.customer_id <> OLD.customer_id
     OR NEW.billing_day <> OLD.billing_day THEN
    PERFORM internal.raise_error('P0S08', 'a service''s tenant, customer and billing day never change',
      hint => 'Cancel the service and create a new one.');
  END IF;
  IF current_setting('kassa.service_transition', true) IS DISTINCT FROM 'on' THEN
    PERFORM internal.raise_error('P0S08', 'a service''s status and plan change only through the service RPCs',
      hint => 'Use activate_service, suspend_service, resume_service, cancel_service or change_plan.');
  END IF;
  RETURN NEW;
END $$;

-- What staff write on a service, with the field named (P0V04).
CREATE OR REPLACE TRIGGER check_service_text BEFORE INSERT OR UPDATE OF installation_address, reference ON kassa.services
  FOR EACH ROW EXECUTE FUNCTION internal.check_text_columns('installation_address', 'installation_address', '1000',
                                                            'optional', 'reference', 'reference', '4000', 'optional');
CREATE OR REPLACE TRIGGER check_new_service BEFORE INSERT ON kassa.services
  FOR EACH ROW EXECUTE FUNCTION internal.check_new_service();
-- next_billing_date is left out: the invoice run advances it (with row locks) in bulk.
CREATE OR REPLACE TRIGGER guard_service BEFORE UPDATE OF tenant_id, id, customer_id, billing_day, status,
  price_version_id, activated_on, suspended_on, suspension_reason, cancelled_on ON kassa.services
  FOR EACH ROW EXECUTE FUNCTION internal.guard_service();

CREATE OR REPLACE TRIGGER append_only BEFORE UPDATE OR DELETE ON kassa.service_actions
  FOR EACH ROW EXECUTE FUNCTION internal.refuse_change('P0S08', 'the service action log is append-only');

-- A pro-rata charge (positive) or credit (negative) for days [p_from, p_to) of a service's
-- cycle at one price version; nothing when it comes to zero.
CREATE OR REPLACE FUNCTION internal.add_proration(p_service kassa.services, p_version_id uuid, p_from date,
                                                  p_to date, p_sign integer, p_what text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  v      kassa.price_versions;
  label  text;
  amount bigint;
BEGIN
  SELECT * INTO v FROM kassa.price_versions pv WHERE pv.tenant_id = p_service.tenant_id AND pv.id = p_version_id;
  SELECT p.name INTO label FROM kassa.products p WHERE p.tenant_id = v.tenant_id AND p.id = v.product_id;
  amount := p_sign * internal.prorate_range(v.price, p_service.billing_day, internal.interval_months(v.interval),
                                            p_service.next_billing_date, p_from, p_to);
  IF amount = 0 THEN
    RETURN;
  END IF;
  INSERT INTO kassa.pending_charges (tenant_id, customer_id, service_id, kind, description, price_version_id,
                                     unit_price, period_start, period_end)
  VALUES (p_service.tenant_id, p_service.customer_id, p_service.id, 'proration',
          format('%s: %s, pro-rata %s to %s', p_what, label, least(p_from, p_to), greatest(p_from, p_to) - 1),
          p_version_id, amount, least(p_from, p_to), greatest(p_from, p_to) - 1);
END $$;

-- Transition, step 1: the customer locked, then the service (the order
-- internal.customer_transition takes them), and whether the action may happen to it on p_on.
CREATE OR REPLACE FUNCTION internal.lock_service_to_transition(p_tenant_id uuid, p_service_id uuid, p_action text,
                                                               p_on date)
RETURNS kassa.services
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  s        kassa.services;
  customer kassa.customers;
  allowed  constant jsonb := '{"activate": ["pending"], "suspend": ["active"], "resume": ["suspended"],
                               "cancel": ["pending", "active", "suspended"], "change_plan": ["pending", "active"]}';
BEGIN
  customer := internal.lock_open_customer(p_tenant_id, (SELECT sv.customer_id FROM kassa.services sv
                                                         WHERE sv.tenant_id = p_tenant_id AND sv.id = p_service_id));
  -- A suspended customer's services stay off until the customer is resumed (nothing billed).
  IF p_action IN ('activate', 'resume') AND customer.status <> 'active' THEN
    PERFORM internal.raise_error('P0C13', format('cannot %s a service of customer %s, who is %s',
                                                 p_action, customer.account_number, customer.status),
      hint => 'Resume the customer with /rpc/resume_customer first.');
  END IF;
  SELECT * INTO s FROM kassa.services sv WHERE sv.tenant_id = p_tenant_id AND sv.id = p_service_id FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0S06', format('service %s not found', p_service_id));
  END IF;
  IF NOT (allowed -> p_action) ? s.status THEN
    PERFORM internal.raise_error('P0S04', format('cannot %s a %s service', replace(p_action, '_', ' '), s.status),
      hint => CASE s.status WHEN 'cancelled' THEN 'A cancelled service is final; create a new service.'
                            ELSE format('Allowed from %s: %s.', s.status,
                                        (SELECT string_agg(a.key, ', ') FROM jsonb_each(allowed) a WHERE a.value ? s.status)) END);
  END IF;
  IF p_on < coalesce(s.suspended_on, s.activated_on, p_on) THEN
    PERFORM internal.raise_error('P0S09', format('cannot %s a service with effect from %s, before its last change on %s',
                                                 replace(p_action, '_', ' '), p_on, coalesce(s.suspended_on, s.activated_on)));
  END IF;
  RETURN s;
END $$;

-- The plan version a service changes to: a plan of the tenant on the same billing interval,
-- not the one it is on.
CREATE OR REPLACE FUNCTION internal.check_plan_change(p_tenant_id uuid, p_from_version_id uuid, p_to_version_id uuid)
RETURNS void
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  old_v kassa.price_versions;
  new_v kassa.price_versions;
BEGIN
  SELECT * INTO old_v FROM kassa.price_versions v WHERE v.tenant_id = p_tenant_id AND v.id = p_from_version_id;
  SELECT * INTO new_v FROM kassa.price_versions v WHERE v.tenant_id = p_tenant_id AND v.id = p_to_version_id;
  IF NOT FOUND OR new_v.interval IS NULL THEN
    PERFORM internal.raise_error('P0S07', format('price version %s is not a plan of this tenant', p_to_version_id),
      hint => 'Pick a version from /plan_versions.');
  END IF;
  IF new_v.interval <> old_v.interval THEN
    PERFORM internal.raise_error('P0S10', format('cannot change plan from %s to %s billing', old_v.interval, new_v.interval),
      hint => 'Cancel the service and create a new one on the other interval.');
  END IF;
  IF new_v.id = old_v.id THEN
    PERFORM internal.raise_error('P0S10', 'the service is already on that plan version');
  END IF;
END $$;

-- Transition, step 2: the service as the action leaves it on p_on (not yet saved), with its
-- pro-rata charges and credits added; charged says whether there are any to invoice.
CREATE OR REPLACE FUNCTION internal.move_service(p_service kassa.services, p_action text, p_on date,
                                                 p_price_version_id uuid, p_suspension_reason text,
                                                 OUT service kassa.services, OUT charged boolean)
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  service := p_service;
  charged := false;
  CASE p_action
  WHEN 'activate' THEN
    service.status := 'active';
    service.activated_on := p_on;
    service.next_billing_date := internal.first_billing_date(service.billing_day, p_on);
    -- The first, partial period: from activation to the first billing date.
    PERFORM internal.add_proration(service, service.price_version_id, p_on, service.next_billing_date, 1, 'First period');
    charged := p_on < service.next_billing_date;
  WHEN 'suspend' THEN
    service.status := 'suspended';
    service.suspended_on := p_on;
    service.suspension_reason := p_suspension_reason;
  WHEN 'resume' THEN
    service.status := 'active';
    service.suspended_on := NULL;
    service.suspension_reason := NULL;
    -- Periods that began while suspended are not billed; the part of the current one from
    -- the resumption day is. A period already billed before the suspension is not credited.
    IF service.next_billing_date <= p_on THEN
      service.next_billing_date := internal.first_billing_date(service.billing_day, p_on);
      -- Anchor the resumed cycle on its new billing date before pricing the partial period.
      PERFORM internal.add_proration(service, service.price_version_id, p_on, service.next_billing_date, 1, 'Resumed');
      charged := p_on < service.next_billing_date;
    END IF;
  WHEN 'cancel' THEN
    IF service.status <> 'pending' THEN
      -- Credit the charged days from cancellation to the next billing date. If that date is
      -- already past (the run has not billed it yet), the reversed range charges those days
      -- instead; a suspended service is not charged for days it was suspended.
      PERFORM internal.add_proration(service, service.price_version_id,
                                     CASE WHEN service.status = 'suspended' THEN least(p_on, service.next_billing_date)
                                          ELSE p_on END,
                                     service.next_billing_date, -1, 'Cancelled');
      charged := true;
    END IF;
    service.status := 'cancelled';
    service.cancelled_on := p_on;
    service.suspension_reason := NULL;
  WHEN 'change_plan' THEN
    PERFORM internal.check_plan_change(service.tenant_id, service.price_version_id, p_price_version_id);
    IF service.status = 'active' THEN
      -- Credit the old plan and charge the new one for the rest of what was charged.
      PERFORM internal.add_proration(service, service.price_version_id, p_on, service.next_billing_date, -1,
                                     'Plan change credit');
      PERFORM internal.add_proration(service, p_price_version_id, p_on, service.next_billing_date, 1, 'Plan change');
      charged := true;
    END IF;
    service.price_version_id := p_price_version_id;
  END CASE;
END $$;

-- Transition, step 3: the moved service saved, and the action logged with the row before and
-- after. Returns the service as saved.
CREATE OR REPLACE FUNCTION internal.save_service_transition(p_before kassa.services, p_after kassa.services,
                                                            p_action text, p_reason text, p_on date)
RETURNS kassa.services LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  s kassa.services;
BEGIN
  PERFORM set_config('kassa.service_transition', 'on', true);
  UPDATE kassa.services sv
     SET status = p_after.status, price_version_id = p_after.price_version_id,
         next_billing_date = p_after.next_billing_date, activated_on = p_after.activated_on,
         suspended_on = p_after.suspended_on, suspension_reason = p_after.suspension_reason,
         cancelled_on = p_after.cancelled_on
   WHERE sv.tenant_id = p_after.tenant_id AND sv.id = p_after.id
  RETURNING sv.* INTO s;
  INSERT INTO kassa.service_actions (tenant_id, service_id, customer_id, action, reason, effective_on,
                                     row_before, row_after, actor)
  VALUES (s.tenant_id, s.id, s.customer_id, p_action, btrim(p_reason), p_on, to_jsonb(p_before), to_jsonb(s),
          coalesce(internal.audit_actor(internal.jwt_claims()), session_user));
  PERFORM set_config('kassa.service_transition', 'off', true);
  -- The event a network system provisions from (docs/events.md), with the service's reference data.
  PERFORM internal.emit(s.tenant_id, s.customer_id,
    CASE p_action WHEN 'activate' THEN 'service_activated' WHEN 'suspend' THEN 'service_suspended'
                  WHEN 'resume' THEN 'service_reactivated' WHEN 'cancel' THEN 'service_cancelled'
                  ELSE 'service_plan_changed' END,
    jsonb_build_object('service_id', s.id, 'reference', s.reference, 'installation_address', s.installation_address,
                       'status', s.status, 'suspension_reason', s.suspension_reason,
                       'price_version_id', s.price_version_id, 'previous_price_version_id', p_before.price_version_id,
                       'effective_on', p_on, 'reason', btrim(p_reason)));
  RETURN s;
END $$;

-- Every transition. p_on is the day it takes effect (default: today in the tenant's zone).
-- p_suspension_reason says who suspends: the service on its own, or its customer's suspension
-- (internal.customer_transition), whose resumption resumes only those. With the tenant's
-- proration_mode 'immediate', what the transition charges or credits is invoiced at once.
CREATE OR REPLACE FUNCTION internal.service_transition(p_tenant_id uuid, p_service_id uuid, p_action text,
                                                       p_reason text, p_on date DEFAULT NULL,
                                                       p_price_version_id uuid DEFAULT NULL,
                                                       p_suspension_reason text DEFAULT 'service_suspended')
RETURNS kassa.services
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  before kassa.services;
  moved  record;
  saved  kassa.services;
  on_day date := coalesce(p_on, internal.tenant_today(p_tenant_id));
BEGIN
  IF internal.is_blank(p_reason) THEN
    PERFORM internal.raise_error('P0S05', format('a reason is required to %s a service', replace(p_action, '_', ' ')),
      hint => 'Say why, in a few words: it is kept in the service''s action log.');
  END IF;
  PERFORM internal.check_text(p_reason, 'reason', 500, false);
  PERFORM internal.check_business_date(p_tenant_id, p_on, 'effective date');
  before := internal.lock_service_to_transition(p_tenant_id, p_service_id, p_action, on_day);
  IF p_action = 'activate' THEN  -- credit control (335_credit_control.sql): a period of the plan
    PERFORM internal.check_credit(p_tenant_id, before.customer_id, before.price_version_id);
  END IF;
  moved := internal.move_service(before, p_action, on_day, p_price_version_id, p_suspension_reason);
  saved := internal.save_service_transition(before, moved.service, p_action, p_reason, on_day);
  IF moved.charged AND (SELECT t.proration_mode FROM kassa.tenants t WHERE t.id = p_tenant_id) = 'immediate' THEN
    PERFORM internal.invoice_run(on_day, saved.tenant_id, saved.customer_id);
  END IF;
  RETURN saved;
END $$;

-- A one-off fee from the catalog (installation, hardware) for the service's next invoice.
CREATE OR REPLACE FUNCTION internal.add_fee(p_tenant_id uuid, p_service_id uuid, p_price_version_id uuid,
                                            p_quantity numeric)
RETURNS kassa.pending_charges
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  s      kassa.services;
  fee    record;
  charge kassa.pending_charges;
BEGIN
  PERFORM internal.check_finite(p_quantity, 'quantity');
  SELECT * INTO s FROM kassa.services sv WHERE sv.tenant_id = p_tenant_id AND sv.id = p_service_id;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0S06', format('service %s not found', p_service_id));
  END IF;
  IF s.status = 'cancelled' THEN
    PERFORM internal.raise_error('P0S04', 'cannot add a fee to a cancelled service');
  END IF;
  SELECT v.id, v.price, p.name INTO fee FROM kassa.price_versions v
    JOIN kassa.products p ON p.tenant_id = v.tenant_id AND p.id = v.product_id
   WHERE v.tenant_id = p_tenant_id AND v.id = p_price_version_id AND p.kind = 'fee';
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0S11', format('price version %s is not a one-off fee of this tenant', p_price_version_id));
  END IF;
  PERFORM internal.check_credit(p_tenant_id, s.customer_id, fee.id, coalesce(p_quantity, 1));
  INSERT INTO kassa.pending_charges (tenant_id, customer_id, service_id, kind, description, price_version_id,
                                     quantity, unit_price)
  VALUES (p_tenant_id, s.customer_id, s.id, 'one_off', fee.name, fee.id, coalesce(p_quantity, 1), fee.price)
  RETURNING * INTO charge;
  RETURN charge;
END $$;

-- A transition asked for with a request id (060_request_results.sql): a retry answers the
-- service as it is now instead of applying the transition (and its pro-rata) again.
CREATE OR REPLACE FUNCTION internal.service_transition_once(
  p_tenant_id uuid, p_request_id text, p_service_id uuid, p_action text, p_reason text, p_on date,
  p_plan_version_id uuid DEFAULT NULL)
RETURNS kassa.services LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  call jsonb := jsonb_build_object('service_id', p_service_id, 'reason', p_reason, 'on', p_on,
                                   'plan_version_id', p_plan_version_id);
  s    kassa.services;
BEGIN
  IF internal.replayed(p_tenant_id, p_request_id, p_action || '_service', call) IS NOT NULL THEN
    SELECT * INTO s FROM kassa.services sv WHERE sv.tenant_id = p_tenant_id AND sv.id = p_service_id;
    RETURN s;
  END IF;
  s := internal.service_transition(p_tenant_id, p_service_id, p_action, p_reason, p_on, p_plan_version_id);
  PERFORM internal.remember(p_tenant_id, p_request_id, p_action || '_service', call, to_jsonb(s.id));
  RETURN s;
END $$;

-- The RPCs (staff of the service's tenant). Security definer, with the tenant taken from the
-- token: the internal functions they call take a tenant id and are granted to nobody else.
-- The four plain transitions differ only in their name and the name of their day, so they are
-- written from one template: api.activate_service(service_id, reason, activated_on, request_id),
-- api.suspend_service(... suspended_on ...), api.resume_service(... resumed_on ...) and
-- api.cancel_service(... cancelled_on ...).
DO $$
DECLARE
  rpc record;
BEGIN
  FOR rpc IN SELECT * FROM (VALUES ('activate', 'activated_on'), ('suspend', 'suspended_on'),
                                   ('resume', 'resumed_on'), ('cancel', 'cancelled_on')) AS r(action, day) LOOP
    EXECUTE format($template$
CREATE OR REPLACE FUNCTION api.%1$I(service_id uuid, reason text, %2$I date DEFAULT NULL, request_id text DEFAULT NULL)
RETURNS kassa.services LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $rpc$
  SELECT internal.service_transition_once(internal.jwt_tenant_id(), request_id, service_id, %3$L, reason, %2$I)
$rpc$
$template$, rpc.action || '_service', rpc.day, rpc.action);
  END LOOP;
END $$;
CREATE OR REPLACE FUNCTION api.change_plan(service_id uuid, plan_version_id uuid, reason text,
                                           effective_on date DEFAULT NULL, request_id text DEFAULT NULL)
RETURNS kassa.services LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.service_transition_once(internal.jwt_tenant_id(), request_id, service_id, 'change_plan', reason,
                                          effective_on, plan_version_id)
$$;
CREATE OR REPLACE FUNCTION api.add_fee(service_id uuid, fee_version_id uuid, quantity numeric DEFAULT 1,
                                       request_id text DEFAULT NULL)
RETURNS kassa.pending_charges LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  tenant uuid := internal.jwt_tenant_id();
  call   jsonb := jsonb_build_object('service_id', service_id, 'fee_version_id', fee_version_id, 'quantity', quantity);
  charge_id uuid := internal.replayed(tenant, request_id, 'add_fee', call) #>> '{}';
  charge kassa.pending_charges;
BEGIN
  IF charge_id IS NULL THEN
    charge := internal.add_fee(tenant, service_id, fee_version_id, quantity);
    PERFORM internal.remember(tenant, request_id, 'add_fee', call, to_jsonb(charge.id));
    RETURN charge;
  END IF;
  SELECT * INTO charge FROM kassa.pending_charges pc WHERE pc.tenant_id = tenant AND pc.id = charge_id;
  RETURN charge;
END $$;

GRANT EXECUTE ON FUNCTION api.activate_service(uuid, text, date, text), api.suspend_service(uuid, text, date, text),
  api.resume_service(uuid, text, date, text), api.cancel_service(uuid, text, date, text),
  api.change_plan(uuid, uuid, text, date, text), api.add_fee(uuid, uuid, numeric, text) TO staff;

-- Audited like every table, except the invoice run's advance of next_billing_date (the
-- invoice lines record each billed period; an audit row per service per run would double the
-- run's cost for nothing).
SELECT internal.audit_table('kassa.services', 'tenant_id', 'id', '-next_billing_date');
SELECT internal.audit_table('kassa.pending_charges', 'tenant_id', 'id');

SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(),
                      'kassa.services', 'kassa.service_actions', 'kassa.pending_charges');
SELECT internal.allow('staff', 'INSERT, UPDATE', internal.tenant_rows(), 'kassa.services');
SELECT internal.allow('customer', 'SELECT', internal.own_rows(),
                      'kassa.services', 'kassa.service_actions', 'kassa.pending_charges');

GRANT SELECT ON kassa.services, kassa.service_actions, kassa.pending_charges TO customer, staff;

CREATE VIEW api.services WITH (security_invoker = true) AS
  SELECT id, tenant_id, customer_id, price_version_id, installation_address, reference, billing_day,
         next_billing_date, status, activated_on, suspended_on, suspension_reason, cancelled_on, created_at
    FROM kassa.services;
GRANT SELECT ON api.services TO customer, staff;
SELECT internal.grant_writes('api.services', 'kassa.services', 'staff',
  'INSERT (customer_id, price_version_id, installation_address, reference, billing_day),
   UPDATE (installation_address, reference)');
SELECT internal.write_by_key('api.services', 'kassa.services');

CREATE VIEW api.service_actions WITH (security_invoker = true) AS
  SELECT public_id AS id, tenant_id, service_id, customer_id, action, reason, effective_on, row_before, row_after,
         actor, at
    FROM kassa.service_actions;
GRANT SELECT ON api.service_actions TO customer, staff;

CREATE VIEW api.pending_charges WITH (security_invoker = true) AS
  SELECT id, tenant_id, customer_id, service_id, kind, description, price_version_id, quantity, unit_price,
         period_start, period_end, invoice_line_id, credit_note_id, closed_on, closed_reason, settled, created_at
    FROM kassa.pending_charges;
GRANT SELECT ON api.pending_charges TO customer, staff;

-- The tenant's billing settings, which staff adjust.
CREATE VIEW api.billing_settings WITH (security_invoker = true) AS
  SELECT id AS tenant_id, billing_days, invoice_lead_days, invoice_run_mode, proration_mode,
         date_window_back_days, date_window_forward_days, usage_warning_percents FROM kassa.tenants;
GRANT SELECT ON api.billing_settings TO staff;
SELECT internal.grant_writes('api.billing_settings', 'kassa.tenants', 'staff',
  'UPDATE (billing_days, invoice_lead_days, invoice_run_mode, proration_mode, date_window_back_days,
           date_window_forward_days, usage_warning_percents)');
SELECT internal.write_by_key('api.billing_settings', 'kassa.tenants', '{"tenant_id": "id"}');
