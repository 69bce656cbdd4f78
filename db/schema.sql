CREATE SCHEMA api;

ALTER SCHEMA api OWNER TO kassa_owner;

CREATE SCHEMA audit;

ALTER SCHEMA audit OWNER TO kassa_owner;

CREATE SCHEMA internal;

ALTER SCHEMA internal OWNER TO kassa_owner;

CREATE SCHEMA kassa;

ALTER SCHEMA kassa OWNER TO kassa_owner;

CREATE TABLE kassa.services (
    tenant_id uuid DEFAULT (((NULLIF(current_setting('request.jwt.claims'::text, true), ''::text))::json ->> 'tenant_id'::text))::uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    customer_id uuid NOT NULL,
    price_version_id uuid NOT NULL,
    installation_address text DEFAULT ''::text NOT NULL,
    reference jsonb DEFAULT '{}'::jsonb NOT NULL,
    billing_day integer NOT NULL,
    next_billing_date date,
    status text DEFAULT 'pending'::text NOT NULL,
    activated_on date,
    suspended_on date,
    cancelled_on date,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    suspension_reason text,
    CONSTRAINT services_active_has_dates CHECK (((status = ANY (ARRAY['pending'::text, 'cancelled'::text])) OR ((activated_on IS NOT NULL) AND (next_billing_date IS NOT NULL)))),
    CONSTRAINT services_billing_day_range CHECK (((billing_day >= 1) AND (billing_day <= 31))),
    CONSTRAINT services_cancelled_has_date CHECK (((status = 'cancelled'::text) = (cancelled_on IS NOT NULL))),
    CONSTRAINT services_reference_is_object CHECK ((jsonb_typeof(reference) = 'object'::text)),
    CONSTRAINT services_status_known CHECK ((status = ANY (ARRAY['pending'::text, 'active'::text, 'suspended'::text, 'cancelled'::text]))),
    CONSTRAINT services_suspended_has_reason CHECK (((status = 'suspended'::text) = (suspension_reason IS NOT NULL))),
    CONSTRAINT services_suspension_reason_known CHECK ((suspension_reason = ANY (ARRAY['service_suspended'::text, 'customer_suspended'::text])))
);

ALTER TABLE kassa.services OWNER TO kassa_owner;

CREATE FUNCTION api.activate_service(service_id uuid, reason text, activated_on date DEFAULT NULL::date, request_id text DEFAULT NULL::text) RETURNS kassa.services
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT internal.service_transition_once(internal.jwt_tenant_id(), request_id, service_id, 'activate', reason, activated_on)
$$;

ALTER FUNCTION api.activate_service(service_id uuid, reason text, activated_on date, request_id text) OWNER TO kassa_owner;

CREATE TABLE kassa.pending_charges (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    customer_id uuid NOT NULL,
    service_id uuid,
    kind text NOT NULL,
    description text NOT NULL,
    price_version_id uuid NOT NULL,
    quantity numeric(12,3) DEFAULT 1 NOT NULL,
    unit_price bigint NOT NULL,
    period_start date,
    period_end date,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    invoice_line_id uuid,
    credit_note_id uuid,
    closed_on date,
    closed_reason text,
    settled boolean GENERATED ALWAYS AS ((num_nonnulls(invoice_line_id, credit_note_id, closed_on) = 1)) STORED NOT NULL,
    CONSTRAINT pending_charges_closed_reason_length CHECK ((char_length(closed_reason) <= 500)),
    CONSTRAINT pending_charges_closed_with_reason CHECK (((closed_on IS NULL) = (closed_reason IS NULL))),
    CONSTRAINT pending_charges_description_not_blank CHECK ((btrim(description) <> ''::text)),
    CONSTRAINT pending_charges_kind_known CHECK ((kind = ANY (ARRAY['proration'::text, 'one_off'::text]))),
    CONSTRAINT pending_charges_quantity_positive CHECK ((quantity > (0)::numeric)),
    CONSTRAINT pending_charges_settled_once CHECK ((num_nonnulls(invoice_line_id, credit_note_id, closed_on) <= 1))
);

ALTER TABLE kassa.pending_charges OWNER TO kassa_owner;

CREATE FUNCTION api.add_fee(service_id uuid, fee_version_id uuid, quantity numeric DEFAULT 1, request_id text DEFAULT NULL::text) RETURNS kassa.pending_charges
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

ALTER FUNCTION api.add_fee(service_id uuid, fee_version_id uuid, quantity numeric, request_id text) OWNER TO kassa_owner;

CREATE TABLE kassa.invoice_lines (
    tenant_id uuid NOT NULL,
    invoice_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    "position" integer DEFAULT 1 NOT NULL,
    description text NOT NULL,
    quantity numeric(12,3) DEFAULT 1 NOT NULL,
    unit_price bigint NOT NULL,
    amount bigint NOT NULL,
    vat_category text DEFAULT 'standard'::text NOT NULL,
    vat_rate numeric(5,2) NOT NULL,
    period_start date,
    period_end date,
    service_id uuid,
    charge_kind text,
    price_version_id uuid,
    CONSTRAINT invoice_lines_charge_kind_known CHECK ((charge_kind = ANY (ARRAY['recurring'::text, 'proration'::text, 'one_off'::text, 'usage'::text, 'manual'::text]))),
    CONSTRAINT invoice_lines_description_not_blank CHECK ((btrim(description) <> ''::text)),
    CONSTRAINT invoice_lines_period_order CHECK (((period_end IS NULL) OR (period_end >= period_start))),
    CONSTRAINT invoice_lines_quantity_positive CHECK ((quantity > (0)::numeric)),
    CONSTRAINT invoice_lines_vat_rate_range CHECK (((vat_rate >= (0)::numeric) AND (vat_rate < (100)::numeric)))
);

ALTER TABLE kassa.invoice_lines OWNER TO kassa_owner;

CREATE VIEW api.invoice_lines WITH (security_invoker='true') AS
 SELECT invoice_lines.id,
    invoice_lines.tenant_id,
    invoice_lines.invoice_id,
    invoice_lines."position",
    invoice_lines.description,
    invoice_lines.quantity,
    invoice_lines.unit_price,
    invoice_lines.amount,
    invoice_lines.vat_category,
    invoice_lines.vat_rate,
    invoice_lines.period_start,
    invoice_lines.period_end,
    invoice_lines.service_id,
    invoice_lines.charge_kind
   FROM kassa.invoice_lines;

ALTER TABLE api.invoice_lines OWNER TO kassa_owner;

CREATE FUNCTION api.add_invoice_line(invoice_id uuid, description text, unit_price bigint, quantity numeric DEFAULT 1, vat_category text DEFAULT 'standard'::text, period_start date DEFAULT NULL::date, period_end date DEFAULT NULL::date) RETURNS api.invoice_lines
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  tenant  uuid := internal.jwt_tenant_id();
  made    api.invoice_lines;
  line_id uuid;
BEGIN
  PERFORM internal.draft_for_edit(tenant, add_invoice_line.invoice_id);
  INSERT INTO kassa.invoice_lines (tenant_id, invoice_id, position, description, quantity, unit_price,
                                   vat_category, period_start, period_end, charge_kind)
  SELECT tenant, add_invoice_line.invoice_id,
         coalesce((SELECT max(l.position) FROM kassa.invoice_lines l
                    WHERE l.tenant_id = tenant AND l.invoice_id = add_invoice_line.invoice_id), 0) + 1,
         add_invoice_line.description, add_invoice_line.quantity, add_invoice_line.unit_price,
         add_invoice_line.vat_category, add_invoice_line.period_start, add_invoice_line.period_end, 'manual'
  RETURNING id INTO line_id;
  PERFORM internal.refresh_invoice_totals(tenant, ARRAY[add_invoice_line.invoice_id]);
  SELECT * INTO made FROM api.invoice_lines l WHERE l.tenant_id = tenant AND l.id = line_id;
  RETURN made;
END $$;

ALTER FUNCTION api.add_invoice_line(invoice_id uuid, description text, unit_price bigint, quantity numeric, vat_category text, period_start date, period_end date) OWNER TO kassa_owner;

CREATE FUNCTION api.add_payment_method(kind text, bank text DEFAULT NULL::text, account_type text DEFAULT NULL::text, account_number text DEFAULT NULL::text, mandate_reference text DEFAULT NULL::text, make_primary boolean DEFAULT false, customer_id uuid DEFAULT NULL::uuid) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $_$
DECLARE
  m kassa.payment_methods;
  digits text := regexp_replace(coalesce(account_number, ''), '[ -]', '', 'g');
BEGIN
  m.tenant_id := internal.jwt_tenant_id();
  m.customer_id := internal.method_owner(add_payment_method.customer_id);
  m.kind := add_payment_method.kind;
  m.bank := add_payment_method.bank;
  IF m.kind = 'card' THEN
    PERFORM internal.raise_error('P0M02', 'cards are saved through the payment gateway, not entered here',
      hint => 'Top up by card with "save card" ticked; the gateway confirms the card to Kassa.');
  ELSIF m.kind = 'debit_order' THEN
    IF digits !~ '^[0-9]{6,20}$' OR bank IS NULL OR account_type IS NULL OR nullif(btrim(mandate_reference), '') IS NULL THEN
      PERFORM internal.raise_error('P0M02', 'a debit order needs bank, account_type, mandate_reference and an account_number of 6 to 20 digits');
    END IF;
    m.account_type := add_payment_method.account_type;
    m.account_masked := '***' || right(digits, 4);
    m.mandate_reference := add_payment_method.mandate_reference;
    m.mandate_status := 'pending';
    RETURN internal.save_payment_method(m, jsonb_build_object('account_number', digits), make_primary);
  ELSIF m.kind = 'eft' THEN
    RETURN internal.save_payment_method(m, NULL, make_primary);
  END IF;
  PERFORM internal.raise_error('P0M02', format('unknown payment method kind "%s"', m.kind),
    hint => 'Use debit_order or eft.');
END $_$;

ALTER FUNCTION api.add_payment_method(kind text, bank text, account_type text, account_number text, mandate_reference text, make_primary boolean, customer_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION api.adjust_balance(customer_id uuid, amount bigint, reason text, request_id text DEFAULT NULL::text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  tenant uuid := internal.jwt_tenant_id();
  call jsonb := jsonb_build_object('customer_id', customer_id, 'amount', amount, 'reason', reason);
  answer jsonb := internal.replayed(tenant, request_id, 'adjust_balance', call);
BEGIN
  IF answer IS NULL THEN
    answer := to_jsonb(internal.adjust_balance(tenant, customer_id, amount, reason, internal.jwt_claims() ->> 'sub'));
    PERFORM internal.remember(tenant, request_id, 'adjust_balance', call, answer);
  END IF;
  RETURN answer #>> '{}';
END $$;

ALTER FUNCTION api.adjust_balance(customer_id uuid, amount bigint, reason text, request_id text) OWNER TO kassa_owner;

CREATE FUNCTION api.cancel_service(service_id uuid, reason text, cancelled_on date DEFAULT NULL::date, request_id text DEFAULT NULL::text) RETURNS kassa.services
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT internal.service_transition_once(internal.jwt_tenant_id(), request_id, service_id, 'cancel', reason, cancelled_on)
$$;

ALTER FUNCTION api.cancel_service(service_id uuid, reason text, cancelled_on date, request_id text) OWNER TO kassa_owner;

CREATE FUNCTION api.change_plan(service_id uuid, plan_version_id uuid, reason text, effective_on date DEFAULT NULL::date, request_id text DEFAULT NULL::text) RETURNS kassa.services
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT internal.service_transition_once(internal.jwt_tenant_id(), request_id, service_id, 'change_plan', reason,
                                          effective_on, plan_version_id)
$$;

ALTER FUNCTION api.change_plan(service_id uuid, plan_version_id uuid, reason text, effective_on date, request_id text) OWNER TO kassa_owner;

CREATE TABLE kassa.customers (
    tenant_id uuid DEFAULT (((NULLIF(current_setting('request.jwt.claims'::text, true), ''::text))::json ->> 'tenant_id'::text))::uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    account_number text NOT NULL,
    status text DEFAULT 'active'::text NOT NULL,
    type text DEFAULT 'personal'::text NOT NULL,
    name text NOT NULL,
    company_name text,
    email text NOT NULL,
    phone text,
    address text DEFAULT ''::text NOT NULL,
    vat_number text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    closed_at timestamp with time zone,
    status_reason text,
    CONSTRAINT customers_closed_has_date CHECK (((status = 'closed'::text) = (closed_at IS NOT NULL))),
    CONSTRAINT customers_email_format CHECK ((email ~* '^[^@\s]+@[^@\s]+\.[^@\s]+$'::text)),
    CONSTRAINT customers_name_not_blank CHECK ((btrim(name) <> ''::text)),
    CONSTRAINT customers_phone_format CHECK ((phone ~ '^\+?[0-9 ()-]{6,20}$'::text)),
    CONSTRAINT customers_status_known CHECK ((status = ANY (ARRAY['active'::text, 'suspended'::text, 'closed'::text]))),
    CONSTRAINT customers_status_reason_not_blank CHECK ((btrim(status_reason) <> ''::text)),
    CONSTRAINT customers_type_known CHECK ((type = ANY (ARRAY['personal'::text, 'business'::text])))
);

ALTER TABLE kassa.customers OWNER TO kassa_owner;

CREATE FUNCTION api.close_customer(customer_id uuid, reason text) RETURNS kassa.customers
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT internal.customer_transition(internal.jwt_tenant_id(), customer_id, 'close', reason)
$$;

ALTER FUNCTION api.close_customer(customer_id uuid, reason text) OWNER TO kassa_owner;

CREATE FUNCTION api.configure_auto_topup(enabled boolean, threshold bigint, amount bigint, payment_method_id uuid, customer_id uuid DEFAULT NULL::uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  tenant uuid := internal.jwt_tenant_id();
  owner uuid := internal.method_owner(configure_auto_topup.customer_id);
  limits record := internal.top_up_limits(tenant);
BEGIN
  IF NOT EXISTS (SELECT FROM kassa.payment_methods m WHERE m.tenant_id = tenant AND m.customer_id = owner
                    AND m.id = configure_auto_topup.payment_method_id AND m.kind = 'card' AND m.deleted_at IS NULL) THEN
    PERFORM internal.raise_error('P0M01', format('payment method %s is not a saved card of this customer', configure_auto_topup.payment_method_id),
      hint => 'Auto top-up charges a saved card.');
  END IF;
  IF amount IS NULL OR amount < limits.min_top_up OR amount > limits.max_top_up THEN
    PERFORM internal.raise_error(CASE WHEN amount > limits.max_top_up THEN 'P0P02' ELSE 'P0P01' END,
      format('auto top-up amount %s is outside the top-up limits %s to %s', amount, limits.min_top_up, limits.max_top_up));
  END IF;
  INSERT INTO kassa.auto_topups AS t (tenant_id, customer_id, enabled, threshold, amount, payment_method_id)
  VALUES (tenant, owner, configure_auto_topup.enabled, configure_auto_topup.threshold,
          configure_auto_topup.amount, configure_auto_topup.payment_method_id)
  ON CONFLICT ON CONSTRAINT auto_topups_pkey DO UPDATE
     SET enabled = excluded.enabled, threshold = excluded.threshold, amount = excluded.amount,
         payment_method_id = excluded.payment_method_id, updated_at = now(),
         consecutive_failures = CASE WHEN excluded.enabled AND NOT t.enabled THEN 0 ELSE t.consecutive_failures END,
         disabled_reason = CASE WHEN excluded.enabled THEN NULL ELSE t.disabled_reason END;
END $$;

ALTER FUNCTION api.configure_auto_topup(enabled boolean, threshold bigint, amount bigint, payment_method_id uuid, customer_id uuid) OWNER TO kassa_owner;

CREATE TABLE kassa.credit_notes (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    invoice_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    number text NOT NULL,
    reason text NOT NULL,
    settlement text NOT NULL,
    currency character(3) NOT NULL,
    issued_on date NOT NULL,
    net_total bigint NOT NULL,
    vat_total bigint NOT NULL,
    total bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    supplier jsonb,
    recipient jsonb,
    CONSTRAINT credit_notes_reason_not_blank CHECK ((btrim(reason) <> ''::text)),
    CONSTRAINT credit_notes_settlement_known CHECK ((settlement = ANY (ARRAY['balance'::text, 'refund'::text]))),
    CONSTRAINT credit_notes_total_positive CHECK ((total > 0))
);

ALTER TABLE kassa.credit_notes OWNER TO kassa_owner;

CREATE VIEW api.credit_notes WITH (security_invoker='true') AS
 SELECT credit_notes.id,
    credit_notes.tenant_id,
    credit_notes.invoice_id,
    credit_notes.customer_id,
    credit_notes.number,
    credit_notes.reason,
    credit_notes.settlement,
    credit_notes.currency,
    credit_notes.issued_on,
    credit_notes.net_total,
    credit_notes.vat_total,
    credit_notes.total,
    credit_notes.created_at,
    credit_notes.supplier,
    credit_notes.recipient
   FROM kassa.credit_notes;

ALTER TABLE api.credit_notes OWNER TO kassa_owner;

CREATE FUNCTION api.create_credit_note(invoice_id uuid, reason text, settlement text DEFAULT 'balance'::text, lines jsonb DEFAULT NULL::jsonb, issued_on date DEFAULT NULL::date, request_id text DEFAULT NULL::text) RETURNS api.credit_notes
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  tenant uuid := internal.jwt_tenant_id();
  call   jsonb := jsonb_build_object('invoice_id', invoice_id, 'reason', reason, 'settlement', settlement,
                                     'lines', lines, 'issued_on', issued_on);
  note_id uuid := internal.replayed(tenant, request_id, 'create_credit_note', call) #>> '{}';
  made   api.credit_notes;
BEGIN
  IF note_id IS NULL THEN
    note_id := (internal.create_credit_note(tenant, create_credit_note.invoice_id, create_credit_note.reason,
                                            create_credit_note.settlement, create_credit_note.lines,
                                            coalesce(create_credit_note.issued_on, internal.tenant_today(tenant)))).id;
    PERFORM internal.remember(tenant, request_id, 'create_credit_note', call, to_jsonb(note_id));
  END IF;
  SELECT * INTO made FROM api.credit_notes n WHERE n.tenant_id = tenant AND n.id = note_id;
  RETURN made;
END $$;

ALTER FUNCTION api.create_credit_note(invoice_id uuid, reason text, settlement text, lines jsonb, issued_on date, request_id text) OWNER TO kassa_owner;

CREATE TABLE kassa.invoices (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    customer_id uuid NOT NULL,
    number text,
    status text DEFAULT 'draft'::text NOT NULL,
    currency character(3) NOT NULL,
    prices_include_vat boolean NOT NULL,
    issued_on date,
    due_on date,
    period_start date,
    period_end date,
    net_total bigint DEFAULT 0 NOT NULL,
    vat_total bigint DEFAULT 0 NOT NULL,
    total bigint DEFAULT 0 NOT NULL,
    amount_paid bigint DEFAULT 0 NOT NULL,
    amount_credited bigint DEFAULT 0 NOT NULL,
    amount_due bigint GENERATED ALWAYS AS (((total - amount_paid) - amount_credited)) STORED,
    notes text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    finalised_at timestamp with time zone,
    supplied_on date,
    supplier jsonb,
    recipient jsonb,
    CONSTRAINT invoices_amount_credited_not_negative CHECK ((amount_credited >= 0)),
    CONSTRAINT invoices_amount_paid_not_negative CHECK ((amount_paid >= 0)),
    CONSTRAINT invoices_not_overpaid CHECK (((number IS NULL) OR ((amount_paid + amount_credited) <= total))),
    CONSTRAINT invoices_number_when_final CHECK ((((status = 'draft'::text) = (number IS NULL)) OR (status = 'void'::text))),
    CONSTRAINT invoices_status_known CHECK ((status = ANY (ARRAY['draft'::text, 'finalised'::text, 'partially_paid'::text, 'paid'::text, 'overdue'::text, 'void'::text])))
);

ALTER TABLE kassa.invoices OWNER TO kassa_owner;

CREATE VIEW api.invoices WITH (security_invoker='true') AS
 SELECT invoices.id,
    invoices.tenant_id,
    invoices.customer_id,
    invoices.number,
    invoices.status,
    invoices.currency,
    invoices.net_total,
    invoices.vat_total,
    invoices.total,
    invoices.amount_paid,
    invoices.amount_credited,
    invoices.amount_due,
    invoices.issued_on,
    invoices.due_on,
    invoices.period_start,
    invoices.period_end,
    invoices.prices_include_vat,
    invoices.notes,
    invoices.created_at,
    invoices.finalised_at,
    invoices.supplied_on,
    invoices.supplier,
    invoices.recipient
   FROM kassa.invoices;

ALTER TABLE api.invoices OWNER TO kassa_owner;

CREATE FUNCTION api.create_invoice(customer_id uuid, notes text DEFAULT ''::text, period_start date DEFAULT NULL::date, period_end date DEFAULT NULL::date, supplied_on date DEFAULT NULL::date) RETURNS api.invoices
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  tenant uuid := internal.jwt_tenant_id();
  made   api.invoices;
  new_id uuid;
BEGIN
  IF NOT EXISTS (SELECT FROM kassa.customers c WHERE c.tenant_id = tenant AND c.id = create_invoice.customer_id
                                                 AND c.status <> 'closed') THEN
    PERFORM internal.raise_error('P0I07',
      format('customer %s not found in this tenant or closed', create_invoice.customer_id));
  END IF;
  INSERT INTO kassa.invoices (tenant_id, customer_id, currency, prices_include_vat, notes, period_start, period_end,
                              supplied_on)
  SELECT tenant, create_invoice.customer_id, t.currency, t.prices_include_vat, coalesce(create_invoice.notes, ''),
         create_invoice.period_start, create_invoice.period_end, create_invoice.supplied_on
    FROM kassa.tenants t WHERE t.id = tenant
  RETURNING id INTO new_id;
  SELECT * INTO made FROM api.invoices i WHERE i.tenant_id = tenant AND i.id = new_id;
  RETURN made;
END $$;

ALTER FUNCTION api.create_invoice(customer_id uuid, notes text, period_start date, period_end date, supplied_on date) OWNER TO kassa_owner;

CREATE FUNCTION api.fail_payment(payment_id uuid, reason text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
BEGIN
  PERFORM internal.fail_payment(internal.jwt_tenant_id(), payment_id, internal.require_reason(reason),
                                jsonb_build_object('failed_by', internal.jwt_claims() ->> 'sub'));
END $$;

ALTER FUNCTION api.fail_payment(payment_id uuid, reason text) OWNER TO kassa_owner;

CREATE FUNCTION api.finalise_invoice(invoice_id uuid, issued_on date DEFAULT NULL::date, request_id text DEFAULT NULL::text) RETURNS api.invoices
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  tenant uuid := internal.jwt_tenant_id();
  call   jsonb := jsonb_build_object('invoice_id', invoice_id, 'issued_on', issued_on);
  made   api.invoices;
BEGIN
  IF internal.replayed(tenant, request_id, 'finalise_invoice', call) IS NULL THEN
    PERFORM internal.finalise_invoices(tenant, ARRAY[finalise_invoice.invoice_id],
                                       coalesce(finalise_invoice.issued_on, internal.tenant_today(tenant)));
    PERFORM internal.remember(tenant, request_id, 'finalise_invoice', call, to_jsonb(finalise_invoice.invoice_id));
  END IF;
  SELECT * INTO made FROM api.invoices i WHERE i.tenant_id = tenant AND i.id = finalise_invoice.invoice_id;
  RETURN made;
END $$;

ALTER FUNCTION api.finalise_invoice(invoice_id uuid, issued_on date, request_id text) OWNER TO kassa_owner;

CREATE FUNCTION api.record_manual_payment(customer_id uuid, amount bigint, method text, reason text, reference text DEFAULT NULL::text, request_id text DEFAULT NULL::text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  tenant uuid := internal.jwt_tenant_id();
  call jsonb := jsonb_build_object('customer_id', customer_id, 'amount', amount, 'method', method,
                                   'reason', reason, 'reference', reference);
  answer jsonb := internal.replayed(tenant, request_id, 'record_manual_payment', call);
BEGIN
  IF answer IS NULL THEN
    answer := to_jsonb(internal.record_manual_payment(tenant, customer_id, amount, method, reason, reference,
                                                      internal.jwt_claims() ->> 'sub'));
    PERFORM internal.remember(tenant, request_id, 'record_manual_payment', call, answer);
  END IF;
  RETURN answer #>> '{}';
END $$;

ALTER FUNCTION api.record_manual_payment(customer_id uuid, amount bigint, method text, reason text, reference text, request_id text) OWNER TO kassa_owner;

CREATE FUNCTION api.refund_payment(payment_id uuid, amount bigint, reason text, request_id text DEFAULT NULL::text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  tenant uuid := internal.jwt_tenant_id();
  call jsonb := jsonb_build_object('payment_id', payment_id, 'amount', amount, 'reason', reason);
  answer jsonb := internal.replayed(tenant, request_id, 'refund_payment', call);
BEGIN
  IF answer IS NULL THEN
    answer := to_jsonb(internal.refund_manual_payment(tenant, payment_id, amount, reason, internal.jwt_claims() ->> 'sub'));
    PERFORM internal.remember(tenant, request_id, 'refund_payment', call, answer);
  END IF;
  RETURN answer #>> '{}';
END $$;

ALTER FUNCTION api.refund_payment(payment_id uuid, amount bigint, reason text, request_id text) OWNER TO kassa_owner;

CREATE FUNCTION api.remove_invoice_line(line_id uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  tenant  uuid := internal.jwt_tenant_id();
  invoice uuid;
BEGIN
  SELECT l.invoice_id INTO invoice FROM kassa.invoice_lines l WHERE l.tenant_id = tenant AND l.id = line_id;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0I09', format('invoice line %s not found in this tenant', line_id));
  END IF;
  PERFORM internal.draft_for_edit(tenant, invoice);
  DELETE FROM kassa.invoice_lines l WHERE l.tenant_id = tenant AND l.id = line_id;
  PERFORM internal.refresh_invoice_totals(tenant, ARRAY[invoice]);
END $$;

ALTER FUNCTION api.remove_invoice_line(line_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION api.remove_payment_method(payment_method_id uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  m kassa.payment_methods := internal.callers_method(payment_method_id);
BEGIN
  UPDATE kassa.payment_methods pm SET deleted_at = now(), is_primary = false
   WHERE pm.tenant_id = m.tenant_id AND pm.id = m.id;
  UPDATE kassa.auto_topups a SET enabled = false, disabled_reason = 'payment method removed', updated_at = now()
   WHERE a.tenant_id = m.tenant_id AND a.payment_method_id = m.id AND a.enabled;
END $$;

ALTER FUNCTION api.remove_payment_method(payment_method_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION api.resume_customer(customer_id uuid, reason text) RETURNS kassa.customers
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT internal.customer_transition(internal.jwt_tenant_id(), customer_id, 'resume', reason)
$$;

ALTER FUNCTION api.resume_customer(customer_id uuid, reason text) OWNER TO kassa_owner;

CREATE FUNCTION api.resume_service(service_id uuid, reason text, resumed_on date DEFAULT NULL::date, request_id text DEFAULT NULL::text) RETURNS kassa.services
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT internal.service_transition_once(internal.jwt_tenant_id(), request_id, service_id, 'resume', reason, resumed_on)
$$;

ALTER FUNCTION api.resume_service(service_id uuid, reason text, resumed_on date, request_id text) OWNER TO kassa_owner;

CREATE FUNCTION api.set_primary_payment_method(payment_method_id uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  m kassa.payment_methods := internal.callers_method(payment_method_id);
BEGIN
  UPDATE kassa.payment_methods pm SET is_primary = false
   WHERE pm.tenant_id = m.tenant_id AND pm.customer_id = m.customer_id AND pm.is_primary AND pm.id <> m.id;
  UPDATE kassa.payment_methods pm SET is_primary = true WHERE pm.tenant_id = m.tenant_id AND pm.id = m.id;
END $$;

ALTER FUNCTION api.set_primary_payment_method(payment_method_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION api.start_invoice_run() RETURNS bigint
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT internal.queue_job_run('invoice-run', internal.jwt_tenant_id(),
                                internal.tenant_today(internal.jwt_tenant_id()), 'staff')
$$;

ALTER FUNCTION api.start_invoice_run() OWNER TO kassa_owner;

CREATE TABLE kassa.ledger_entries (
    tenant_id uuid NOT NULL,
    id bigint NOT NULL,
    customer_id uuid NOT NULL,
    kind text NOT NULL,
    amount bigint NOT NULL,
    currency character(3) NOT NULL,
    balance_after bigint NOT NULL,
    source_type text NOT NULL,
    source_id text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ledger_entries_amount_not_zero CHECK ((amount <> 0)),
    CONSTRAINT ledger_entries_kind_known CHECK ((kind = ANY (ARRAY['invoice'::text, 'payment'::text, 'top_up'::text, 'bonus'::text, 'refund'::text, 'credit_note'::text, 'adjustment'::text, 'reversal'::text])))
);

ALTER TABLE kassa.ledger_entries OWNER TO kassa_owner;

CREATE TABLE kassa.tenants (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    slug text NOT NULL,
    name text NOT NULL,
    legal_name text NOT NULL,
    address text DEFAULT ''::text NOT NULL,
    vat_number text,
    country character(2) NOT NULL,
    currency character(3) NOT NULL,
    prices_include_vat boolean DEFAULT false NOT NULL,
    timezone text DEFAULT 'UTC'::text NOT NULL,
    locale text DEFAULT 'en'::text NOT NULL,
    account_number_format text DEFAULT 'CT-{YYYY}-{NNNNN}'::text NOT NULL,
    invoice_number_format text DEFAULT 'INV-{YYYY}-{NNNNN}'::text NOT NULL,
    credit_note_number_format text DEFAULT 'CN-{YYYY}-{NNNNN}'::text NOT NULL,
    payment_terms_days integer DEFAULT 14 NOT NULL,
    status text DEFAULT 'active'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    billing_days integer[] DEFAULT '{1,5,25,30}'::integer[] NOT NULL,
    invoice_lead_days integer DEFAULT 7 NOT NULL,
    invoice_run_mode text DEFAULT 'finalise'::text NOT NULL,
    proration_mode text DEFAULT 'next_invoice'::text NOT NULL,
    CONSTRAINT tenants_billing_days_valid CHECK (((cardinality(billing_days) > 0) AND (billing_days <@ ARRAY[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]))),
    CONSTRAINT tenants_country_format CHECK ((country ~ '^[A-Z]{2}$'::text)),
    CONSTRAINT tenants_invoice_lead_days_range CHECK (((invoice_lead_days >= 0) AND (invoice_lead_days <= 60))),
    CONSTRAINT tenants_invoice_run_mode_known CHECK ((invoice_run_mode = ANY (ARRAY['finalise'::text, 'draft'::text]))),
    CONSTRAINT tenants_legal_name_not_blank CHECK ((btrim(legal_name) <> ''::text)),
    CONSTRAINT tenants_name_not_blank CHECK ((btrim(name) <> ''::text)),
    CONSTRAINT tenants_number_formats_have_counter CHECK (((account_number_format ~ '\{N+\}'::text) AND (invoice_number_format ~ '\{N+\}'::text) AND (credit_note_number_format ~ '\{N+\}'::text))),
    CONSTRAINT tenants_payment_terms_range CHECK (((payment_terms_days >= 0) AND (payment_terms_days <= 365))),
    CONSTRAINT tenants_proration_mode_known CHECK ((proration_mode = ANY (ARRAY['next_invoice'::text, 'immediate'::text]))),
    CONSTRAINT tenants_slug_format CHECK ((slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'::text)),
    CONSTRAINT tenants_status_known CHECK ((status = ANY (ARRAY['active'::text, 'suspended'::text])))
);

ALTER TABLE kassa.tenants OWNER TO kassa_owner;

CREATE VIEW api.statement_lines WITH (security_invoker='true') AS
 SELECT l.tenant_id,
    l.customer_id,
    c.account_number,
    l.id AS entry_id,
    ((l.created_at AT TIME ZONE t.timezone))::date AS posted_on,
    l.kind,
    l.source_type,
    l.source_id,
    l.description,
    (l.balance_after - l.amount) AS opening_balance,
    l.amount,
    l.balance_after AS balance,
    l.currency
   FROM ((kassa.ledger_entries l
     JOIN kassa.tenants t ON ((t.id = l.tenant_id)))
     JOIN kassa.customers c ON (((c.tenant_id = l.tenant_id) AND (c.id = l.customer_id))));

ALTER TABLE api.statement_lines OWNER TO kassa_owner;

CREATE FUNCTION api.statement(customer_id uuid, "from" date DEFAULT NULL::date, "to" date DEFAULT NULL::date) RETURNS SETOF api.statement_lines
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  tenant uuid := internal.jwt_tenant_id();
  who    uuid := statement.customer_id;
  upto   date := coalesce("to", internal.tenant_today(tenant));
BEGIN
  IF (current_setting('role') = 'customer' AND who IS DISTINCT FROM internal.jwt_customer_id())
     OR NOT EXISTS (SELECT FROM kassa.customers c WHERE c.tenant_id = tenant AND c.id = who) THEN
    PERFORM internal.raise_error('P0G01', format('customer %s not found', who), NULL,
      'Staff name a customer of their tenant; customers may ask only for their own statement.');
  END IF;
  IF "from" > upto THEN
    PERFORM internal.raise_error('P0G02', format('the period %s to %s is empty', "from", upto), NULL,
      'Give from <= to (dates, YYYY-MM-DD); from may be omitted for everything so far.');
  END IF;
  -- Function results carry no type modifiers: the currency gets its char(3) back.
  RETURN QUERY SELECT s.tenant_id, s.customer_id, s.account_number, s.entry_id, s.posted_on, s.kind, s.source_type,
                      s.source_id, s.description, s.opening_balance, s.amount, s.balance, s.currency::char(3)
                 FROM internal.statement(tenant, who, "from", upto) s;
END $$;

ALTER FUNCTION api.statement(customer_id uuid, "from" date, "to" date) OWNER TO kassa_owner;

CREATE FUNCTION api.suspend_customer(customer_id uuid, reason text) RETURNS kassa.customers
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT internal.customer_transition(internal.jwt_tenant_id(), customer_id, 'suspend', reason)
$$;

ALTER FUNCTION api.suspend_customer(customer_id uuid, reason text) OWNER TO kassa_owner;

CREATE FUNCTION api.suspend_service(service_id uuid, reason text, suspended_on date DEFAULT NULL::date, request_id text DEFAULT NULL::text) RETURNS kassa.services
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT internal.service_transition_once(internal.jwt_tenant_id(), request_id, service_id, 'suspend', reason, suspended_on)
$$;

ALTER FUNCTION api.suspend_service(service_id uuid, reason text, suspended_on date, request_id text) OWNER TO kassa_owner;

CREATE FUNCTION api.void_invoice(invoice_id uuid, reason text, issued_on date DEFAULT NULL::date, request_id text DEFAULT NULL::text) RETURNS api.invoices
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  tenant uuid := internal.jwt_tenant_id();
  call   jsonb := jsonb_build_object('invoice_id', invoice_id, 'reason', reason, 'issued_on', issued_on);
  inv    kassa.invoices;
  made   api.invoices;
BEGIN
  IF internal.replayed(tenant, request_id, 'void_invoice', call) IS NOT NULL THEN
    SELECT * INTO made FROM api.invoices i WHERE i.tenant_id = tenant AND i.id = void_invoice.invoice_id;
    RETURN made;
  END IF;
  IF reason IS NULL OR btrim(reason) = '' THEN
    PERFORM internal.raise_error('P0I11', 'a reason is required to void an invoice');
  END IF;
  SELECT * INTO inv FROM kassa.invoices i WHERE i.tenant_id = tenant AND i.id = void_invoice.invoice_id;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0I01', format('invoice %s not found in this tenant', void_invoice.invoice_id));
  END IF;
  -- Locked (account, then invoice: the order of payments) before the checks, so no payment
  -- can land between the check and the cancelling credit note.
  PERFORM 1 FROM kassa.billing_accounts a WHERE a.tenant_id = tenant AND a.customer_id = inv.customer_id FOR UPDATE;
  SELECT * INTO inv FROM kassa.invoices i WHERE i.tenant_id = tenant AND i.id = inv.id FOR UPDATE;
  IF inv.status = 'void' THEN
    PERFORM internal.raise_error('P0I17',
      format('invoice %s is already void', coalesce(inv.number, 'draft ' || inv.id)));
  ELSIF inv.status = 'draft' THEN
    UPDATE kassa.invoices i SET status = 'void', notes = reason WHERE i.tenant_id = tenant AND i.id = inv.id;
  ELSIF inv.amount_paid > 0 THEN
    PERFORM internal.raise_error('P0I08',
      format('invoice %s has %s paid on it: only an invoice without payments can be voided', inv.number, inv.amount_paid),
      NULL, 'Issue a credit note (api.create_credit_note) with settlement balance or refund instead.');
  ELSIF inv.total = 0 THEN
    UPDATE kassa.invoices i SET status = 'void' WHERE i.tenant_id = tenant AND i.id = inv.id;
  ELSE
    PERFORM internal.create_credit_note(tenant, inv.id, reason, 'balance', NULL,
                                        coalesce(void_invoice.issued_on, internal.tenant_today(tenant)));
  END IF;
  PERFORM internal.remember(tenant, request_id, 'void_invoice', call, to_jsonb(inv.id));
  SELECT * INTO made FROM api.invoices i WHERE i.tenant_id = tenant AND i.id = inv.id;
  RETURN made;
END $$;

ALTER FUNCTION api.void_invoice(invoice_id uuid, reason text, issued_on date, request_id text) OWNER TO kassa_owner;

CREATE FUNCTION internal.add_card(p_tenant uuid, p_customer uuid, p_brand text, p_last4 text, p_exp_month integer, p_exp_year integer, p_gateway_customer text, p_gateway_payment_method text, p_primary boolean DEFAULT false) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  m kassa.payment_methods;
BEGIN
  m.tenant_id := p_tenant; m.customer_id := p_customer; m.kind := 'card';
  m.brand := p_brand; m.last4 := p_last4; m.exp_month := p_exp_month; m.exp_year := p_exp_year;
  RETURN internal.save_payment_method(m, jsonb_build_object(
    'gateway', 'stripe', 'customer', p_gateway_customer, 'payment_method', p_gateway_payment_method), p_primary);
END $$;

ALTER FUNCTION internal.add_card(p_tenant uuid, p_customer uuid, p_brand text, p_last4 text, p_exp_month integer, p_exp_year integer, p_gateway_customer text, p_gateway_payment_method text, p_primary boolean) OWNER TO kassa_owner;

CREATE FUNCTION internal.add_fee(p_tenant_id uuid, p_service_id uuid, p_price_version_id uuid, p_quantity numeric) RETURNS kassa.pending_charges
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  s      kassa.services;
  fee    record;
  charge kassa.pending_charges;
BEGIN
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
  INSERT INTO kassa.pending_charges (tenant_id, customer_id, service_id, kind, description, price_version_id,
                                     quantity, unit_price)
  VALUES (p_tenant_id, s.customer_id, s.id, 'one_off', fee.name, fee.id, coalesce(p_quantity, 1), fee.price)
  RETURNING * INTO charge;
  RETURN charge;
END $$;

ALTER FUNCTION internal.add_fee(p_tenant_id uuid, p_service_id uuid, p_price_version_id uuid, p_quantity numeric) OWNER TO kassa_owner;

CREATE FUNCTION internal.add_proration(p_service kassa.services, p_version_id uuid, p_from date, p_to date, p_sign integer, p_what text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

ALTER FUNCTION internal.add_proration(p_service kassa.services, p_version_id uuid, p_from date, p_to date, p_sign integer, p_what text) OWNER TO kassa_owner;

CREATE FUNCTION internal.adjust_balance(p_tenant uuid, p_customer uuid, p_amount bigint, p_reason text, p_actor text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  adjustment kassa.balance_adjustments;
BEGIN
  INSERT INTO kassa.balance_adjustments (tenant_id, customer_id, amount, reason, created_by)
  VALUES (p_tenant, p_customer, p_amount, internal.require_reason(p_reason), p_actor)
  RETURNING * INTO adjustment;
  -- The ledger (which the customer sees) says what happened; why stays with the staff record.
  PERFORM internal.post_entry(adjustment.tenant_id, adjustment.customer_id, 'adjustment', adjustment.amount,
                              'balance_adjustment', adjustment.id::text, 'Balance adjustment');
  -- A credit settles open invoices, a debit un-settles the newest ones, like any money movement.
  PERFORM internal.allocate_credit(adjustment.tenant_id, ARRAY[adjustment.customer_id]);
  RETURN adjustment.id;
END $$;

ALTER FUNCTION internal.adjust_balance(p_tenant uuid, p_customer uuid, p_amount bigint, p_reason text, p_actor text) OWNER TO kassa_owner;

CREATE TABLE kassa.invoice_allocations (
    tenant_id uuid NOT NULL,
    id bigint NOT NULL,
    invoice_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    amount bigint NOT NULL,
    source_type text NOT NULL,
    source_id text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT invoice_allocations_amount_not_zero CHECK ((amount <> 0))
);

ALTER TABLE kassa.invoice_allocations OWNER TO kassa_owner;

CREATE FUNCTION internal.allocate_credit(p_tenant_id uuid, p_customer_ids uuid[]) RETURNS SETOF kassa.invoice_allocations
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  today date := internal.tenant_today(p_tenant_id);  -- past due means before the tenant's today
BEGIN
  -- The same fixed order as internal.post_entries: two allocations (or an allocation and a
  -- posting) for one customer queue up instead of both applying the same credit.
  PERFORM 1 FROM kassa.billing_accounts a
   WHERE a.tenant_id = p_tenant_id AND a.customer_id = ANY (p_customer_ids)
   ORDER BY a.tenant_id, a.customer_id FOR UPDATE;

  RETURN QUERY
  WITH shortfall AS (
    SELECT a.customer_id, -(a.balance + coalesce(d.due, 0)) AS amount
      FROM kassa.billing_accounts a
      LEFT JOIN (SELECT i.customer_id, sum(i.amount_due) AS due FROM kassa.invoices i
                  WHERE i.tenant_id = p_tenant_id AND i.customer_id = ANY (p_customer_ids)
                    AND i.status IN ('finalised', 'partially_paid', 'overdue') AND i.amount_due > 0
                  GROUP BY 1) d ON d.customer_id = a.customer_id
     WHERE a.tenant_id = p_tenant_id AND a.customer_id = ANY (p_customer_ids) AND a.balance + coalesce(d.due, 0) < 0
  ), settled AS (
    SELECT i.tenant_id, i.id, i.customer_id, i.amount_paid, i.due_on,
           coalesce(sum(i.amount_paid) OVER (PARTITION BY i.customer_id ORDER BY i.issued_on DESC, i.number DESC
                                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS paid_after
      FROM kassa.invoices i
     WHERE i.tenant_id = p_tenant_id AND i.customer_id IN (SELECT s.customer_id FROM shortfall s)
       AND i.status IN ('finalised', 'partially_paid', 'overdue', 'paid') AND i.amount_paid > 0
  ), taken AS (
    SELECT p.*, least(p.amount_paid, s.amount - p.paid_after) AS amount
      FROM settled p JOIN shortfall s ON s.customer_id = p.customer_id
     WHERE s.amount - p.paid_after > 0
  ), unsettled AS (
    UPDATE kassa.invoices i
       SET amount_paid = i.amount_paid - t.amount,
           status = CASE WHEN i.due_on < today THEN 'overdue'
                         WHEN i.amount_paid - t.amount = 0 AND i.amount_credited = 0 THEN 'finalised'
                         ELSE 'partially_paid' END
      FROM taken t
     WHERE i.tenant_id = t.tenant_id AND i.id = t.id
  )
  INSERT INTO kassa.invoice_allocations AS x (tenant_id, invoice_id, customer_id, amount, source_type)
  SELECT t.tenant_id, t.id, t.customer_id, -t.amount, 'balance' FROM taken t ORDER BY t.customer_id, t.paid_after
  RETURNING x.*;

  RETURN QUERY
  WITH open AS (
    SELECT i.tenant_id, i.id, i.customer_id, i.amount_due, i.status,
           sum(i.amount_due) OVER (PARTITION BY i.customer_id) AS customer_due,
           coalesce(sum(i.amount_due) OVER (PARTITION BY i.customer_id ORDER BY i.issued_on, i.number
                                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS due_before
      FROM kassa.invoices i
     WHERE i.tenant_id = p_tenant_id AND i.customer_id = ANY (p_customer_ids)
       AND i.status IN ('finalised', 'partially_paid', 'overdue') AND i.amount_due > 0
  ), applied AS (
    SELECT o.*, least(o.amount_due, a.balance + o.customer_due - o.due_before) AS amount
      FROM open o JOIN kassa.billing_accounts a ON a.tenant_id = o.tenant_id AND a.customer_id = o.customer_id
     WHERE a.balance + o.customer_due - o.due_before > 0
  ), settled AS (
    UPDATE kassa.invoices i
       SET amount_paid = i.amount_paid + p.amount,
           status = CASE WHEN p.amount = p.amount_due THEN 'paid'
                         WHEN i.status = 'overdue' THEN 'overdue' ELSE 'partially_paid' END
      FROM applied p
     WHERE i.tenant_id = p.tenant_id AND i.id = p.id
  )
  INSERT INTO kassa.invoice_allocations AS x (tenant_id, invoice_id, customer_id, amount, source_type)
  SELECT p.tenant_id, p.id, p.customer_id, p.amount, 'balance' FROM applied p ORDER BY p.customer_id, p.due_before
  RETURNING x.*;
END $$;

ALTER FUNCTION internal.allocate_credit(p_tenant_id uuid, p_customer_ids uuid[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.assign_account_number() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  fmt text;
BEGIN
  SELECT t.account_number_format INTO fmt FROM kassa.tenants t WHERE t.id = NEW.tenant_id;
  IF fmt IS NULL THEN
    PERFORM internal.raise_error('P0T02', format('unknown tenant %s', NEW.tenant_id));
  END IF;
  -- {YYYY} is the tenant's local year: a customer opened at 00:30 on 1 January is that year's.
  NEW.account_number := internal.format_number(
    fmt, internal.tenant_year(NEW.tenant_id), internal.next_number(NEW.tenant_id, 'account', 0));
  NEW.closed_at := CASE WHEN NEW.status = 'closed' THEN now() END;
  RETURN NEW;
END $$;

ALTER FUNCTION internal.assign_account_number() OWNER TO kassa_owner;

CREATE TABLE kassa.payments (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    customer_id uuid NOT NULL,
    provider text NOT NULL,
    provider_ref text,
    provider_intent_ref text,
    method text NOT NULL,
    purpose text NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    amount bigint NOT NULL,
    currency character(3) NOT NULL,
    bonus bigint DEFAULT 0 NOT NULL,
    amount_refunded bigint DEFAULT 0 NOT NULL,
    idempotency_key text,
    checkout_url text,
    payment_method_id uuid,
    auto_topup boolean DEFAULT false NOT NULL,
    provider_response jsonb DEFAULT '{}'::jsonb NOT NULL,
    failure_reason text,
    reason text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    completed_at timestamp with time zone,
    failed_at timestamp with time zone,
    CONSTRAINT payments_amount_positive CHECK ((amount > 0)),
    CONSTRAINT payments_bonus_not_negative CHECK ((bonus >= 0)),
    CONSTRAINT payments_completed_has_date CHECK (((status = ANY (ARRAY['completed'::text, 'partially_refunded'::text, 'refunded'::text])) = (completed_at IS NOT NULL))),
    CONSTRAINT payments_failed_has_date CHECK (((status = 'failed'::text) = (failed_at IS NOT NULL))),
    CONSTRAINT payments_method_known CHECK ((method = ANY (ARRAY['card'::text, 'debit_order'::text, 'eft'::text, 'cash'::text]))),
    CONSTRAINT payments_provider_known CHECK ((provider = ANY (ARRAY['stripe'::text, 'netcash'::text, 'octo'::text, 'manual'::text]))),
    CONSTRAINT payments_purpose_known CHECK ((purpose = ANY (ARRAY['top_up'::text, 'payment'::text]))),
    CONSTRAINT payments_refund_within_amount CHECK (((amount_refunded >= 0) AND (amount_refunded <= amount))),
    CONSTRAINT payments_status_known CHECK ((status = ANY (ARRAY['pending'::text, 'completed'::text, 'failed'::text, 'partially_refunded'::text, 'refunded'::text])))
);

ALTER TABLE kassa.payments OWNER TO kassa_owner;

CREATE FUNCTION internal.attach_checkout(p_tenant uuid, p_payment uuid, p_session text, p_url text, p_raw jsonb) RETURNS kassa.payments
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  UPDATE kassa.payments p
     SET provider_ref = p_session, checkout_url = p_url,
         provider_response = p.provider_response || jsonb_build_object('session', p_raw)
   WHERE p.tenant_id = p_tenant AND p.id = p_payment AND (p.provider_ref IS NULL OR p.provider_ref = p_session)
  RETURNING *
$$;

ALTER FUNCTION internal.attach_checkout(p_tenant uuid, p_payment uuid, p_session text, p_url text, p_raw jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.audit_inserted_or_deleted() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  claims json := internal.jwt_claims();
  keys   text[] := ARRAY(SELECT a FROM unnest(TG_ARGV[1:]) a WHERE a NOT LIKE '-%');
BEGIN
  INSERT INTO audit.log (tenant_id, table_name, row_key, operation, old_row, new_row,
                         actor_sub, actor_role, db_user, txid)
  SELECT (r.j ->> TG_ARGV[0])::uuid, TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, internal.audit_key(r.j, keys),
         TG_OP, CASE WHEN TG_OP = 'DELETE' THEN r.j END, CASE WHEN TG_OP = 'INSERT' THEN r.j END,
         claims ->> 'sub', coalesce(claims ->> 'role', session_user), session_user, txid_current()
    FROM (SELECT to_jsonb(c) AS j FROM changed_rows c) r;
  RETURN NULL;
END $$;

ALTER FUNCTION internal.audit_inserted_or_deleted() OWNER TO kassa_owner;

CREATE FUNCTION internal.audit_key(row_json jsonb, key_columns text[]) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    AS $$
  SELECT CASE WHEN pg_catalog.cardinality(key_columns) = 1
              THEN pg_catalog.jsonb_build_object(key_columns[1], row_json -> key_columns[1])
              ELSE (SELECT pg_catalog.jsonb_object_agg(c, row_json -> c) FROM pg_catalog.unnest(key_columns) c) END
$$;

ALTER FUNCTION internal.audit_key(row_json jsonb, key_columns text[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.audit_table(tbl regclass, tenant_column text, VARIADIC key_columns text[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
DECLARE
  args text := (SELECT string_agg(quote_literal(c), ', ') FROM unnest(tenant_column || key_columns) c);
BEGIN
  EXECUTE format('CREATE OR REPLACE TRIGGER audit_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS changed_rows '
                 'FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted(%s)', tbl, args);
  EXECUTE format('CREATE OR REPLACE TRIGGER audit_update AFTER UPDATE ON %s '
                 'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                 'FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated(%s)', tbl, args);
  EXECUTE format('CREATE OR REPLACE TRIGGER audit_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS changed_rows '
                 'FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted(%s)', tbl, args);
END $$;

ALTER FUNCTION internal.audit_table(tbl regclass, tenant_column text, VARIADIC key_columns text[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.audit_updated() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET enable_nestloop TO 'on'
    AS $$
DECLARE
  claims  json := internal.jwt_claims();
  keys    text[] := ARRAY(SELECT a FROM unnest(TG_ARGV[1:]) a WHERE a NOT LIKE '-%');
  ignored text[] := ARRAY(SELECT substr(a, 2) FROM unnest(TG_ARGV[1:]) a WHERE a LIKE '-%');
BEGIN
  -- MATERIALIZED: each row becomes JSON once, not once per column compared.
  WITH n AS MATERIALIZED (SELECT r.j, internal.audit_key(r.j, keys) AS k FROM (SELECT to_jsonb(x) AS j FROM new_rows x) r),
       o AS MATERIALIZED (SELECT jsonb_object_agg(internal.audit_key(r.j, keys)::text, r.j) AS by_key
                            FROM (SELECT to_jsonb(x) AS j FROM old_rows x) r),
       changed AS MATERIALIZED (  -- unchanged rows skip the comparison
         SELECT n.j AS new_j, n.k, o.by_key -> n.k::text AS old_j FROM n, o
          WHERE (o.by_key -> n.k::text) - ignored <> n.j - ignored)
  INSERT INTO audit.log (tenant_id, table_name, row_key, operation, old_row, new_row,
                         actor_sub, actor_role, db_user, txid)
  SELECT (c.new_j ->> TG_ARGV[0])::uuid, TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, c.k, 'UPDATE',
         d.old_part, d.new_part, claims ->> 'sub', coalesce(claims ->> 'role', session_user), session_user, txid_current()
    FROM changed c
   CROSS JOIN LATERAL (
         SELECT jsonb_object_agg(e.key, e.value) AS old_part, jsonb_object_agg(e.key, c.new_j -> e.key) AS new_part
           FROM jsonb_each(c.old_j) e
          WHERE e.value IS DISTINCT FROM c.new_j -> e.key AND e.key <> ALL (ignored)) d
   WHERE d.old_part IS NOT NULL;
  RETURN NULL;
END $$;

ALTER FUNCTION internal.audit_updated() OWNER TO kassa_owner;

CREATE FUNCTION internal.begin_top_up(p_tenant uuid, p_customer uuid, p_amount bigint, p_request_id text) RETURNS kassa.payments
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  key text := 'top-up:' || p_customer || ':' || p_request_id;
  pay kassa.payments;
  account_currency text;
BEGIN
  IF nullif(btrim(p_request_id), '') IS NULL OR length(p_request_id) > 200 THEN
    PERFORM internal.raise_error('P0P10', 'a top-up needs a client request id (1 to 200 characters)',
      hint => 'Send the same request_id again when retrying, a new one for a new top-up.');
  END IF;
  SELECT * INTO pay FROM kassa.payments p
   WHERE p.tenant_id = p_tenant AND p.customer_id = p_customer AND p.idempotency_key = key;
  IF NOT FOUND THEN
    SELECT a.currency INTO account_currency FROM kassa.billing_accounts a
     WHERE a.tenant_id = p_tenant AND a.customer_id = p_customer;
    BEGIN
      pay := internal.new_payment(p_tenant, p_customer, 'stripe', 'card', 'top_up', p_amount,
                                  coalesce(account_currency, ''), NULL, key);
    EXCEPTION WHEN unique_violation THEN  -- the other click won the race
      SELECT * INTO pay FROM kassa.payments p
       WHERE p.tenant_id = p_tenant AND p.customer_id = p_customer AND p.idempotency_key = key;
    END;
  END IF;
  IF pay.amount <> p_amount THEN
    PERFORM internal.raise_error('P0P06', format('request id %s was already used for a top-up of %s', p_request_id, pay.amount),
      hint => 'Use a new request id for a different amount.');
  END IF;
  RETURN pay;
END $$;

ALTER FUNCTION internal.begin_top_up(p_tenant uuid, p_customer uuid, p_amount bigint, p_request_id text) OWNER TO kassa_owner;

CREATE FUNCTION internal.billing_date(p_day integer, p_month date) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  SELECT internal.billing_date_of_month(p_day, internal.month_index(p_month))
$$;

ALTER FUNCTION internal.billing_date(p_day integer, p_month date) OWNER TO kassa_owner;

CREATE FUNCTION internal.billing_date_of_month(p_day integer, p_month integer) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  SELECT (pg_catalog.make_date(2000, 1, p_day) + pg_catalog.make_interval(months => p_month))::date
$$;

ALTER FUNCTION internal.billing_date_of_month(p_day integer, p_month integer) OWNER TO kassa_owner;

CREATE FUNCTION internal.billing_periods(p_day integer, p_months integer, p_anchor date, p_from date, p_to date) RETURNS TABLE(period_start date, period_end date)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  SELECT p.s, p.e
    FROM generate_series(internal.cycle_step(p_months, p_anchor, p_from) - 1,
                         internal.cycle_step(p_months, p_anchor, p_to) + 1) k
   CROSS JOIN LATERAL (SELECT internal.cycle_date(p_day, p_months, p_anchor, k) AS s,
                              internal.cycle_date(p_day, p_months, p_anchor, k + 1) AS e) p
   WHERE p.s < p_to AND p.e > p_from
$$;

ALTER FUNCTION internal.billing_periods(p_day integer, p_months integer, p_anchor date, p_from date, p_to date) OWNER TO kassa_owner;

CREATE TABLE kassa.payment_methods (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    customer_id uuid NOT NULL,
    kind text NOT NULL,
    is_primary boolean DEFAULT false NOT NULL,
    brand text,
    last4 text,
    exp_month integer,
    exp_year integer,
    bank text,
    account_type text,
    account_masked text,
    mandate_reference text,
    mandate_status text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    deleted_at timestamp with time zone,
    CONSTRAINT payment_methods_account_masked_format CHECK ((account_masked ~ '^\*\*\*[0-9]{4}$'::text)),
    CONSTRAINT payment_methods_account_type_known CHECK ((account_type = ANY (ARRAY['current'::text, 'cheque'::text, 'savings'::text, 'transmission'::text]))),
    CONSTRAINT payment_methods_card_details CHECK (((kind <> 'card'::text) OR ((brand IS NOT NULL) AND (last4 IS NOT NULL) AND (exp_month IS NOT NULL) AND (exp_year IS NOT NULL)))),
    CONSTRAINT payment_methods_debit_order_details CHECK (((kind <> 'debit_order'::text) OR ((bank IS NOT NULL) AND (account_type IS NOT NULL) AND (account_masked IS NOT NULL) AND (mandate_reference IS NOT NULL) AND (mandate_status IS NOT NULL)))),
    CONSTRAINT payment_methods_deleted_not_primary CHECK ((NOT (is_primary AND (deleted_at IS NOT NULL)))),
    CONSTRAINT payment_methods_exp_month_range CHECK (((exp_month >= 1) AND (exp_month <= 12))),
    CONSTRAINT payment_methods_exp_year_range CHECK (((exp_year >= 2000) AND (exp_year <= 2100))),
    CONSTRAINT payment_methods_kind_known CHECK ((kind = ANY (ARRAY['card'::text, 'debit_order'::text, 'eft'::text]))),
    CONSTRAINT payment_methods_last4_format CHECK ((last4 ~ '^[0-9]{4}$'::text)),
    CONSTRAINT payment_methods_mandate_status_known CHECK ((mandate_status = ANY (ARRAY['pending'::text, 'active'::text, 'cancelled'::text])))
);

ALTER TABLE kassa.payment_methods OWNER TO kassa_owner;

CREATE FUNCTION internal.callers_method(p_method uuid) RETURNS kassa.payment_methods
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  m kassa.payment_methods;
BEGIN
  SELECT * INTO m FROM kassa.payment_methods pm
   WHERE pm.tenant_id = internal.jwt_tenant_id() AND pm.id = p_method AND pm.deleted_at IS NULL
     AND (current_setting('role') <> 'customer' OR pm.customer_id = internal.jwt_customer_id())
     FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0M01', format('payment method %s not found', p_method));
  END IF;
  RETURN m;
END $$;

ALTER FUNCTION internal.callers_method(p_method uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_claims(claims json, api_role text) RETURNS void
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $_$
DECLARE
  uuid_format constant text := '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$';
  max_lifetime_s constant int := 24 * 3600 + 60;  -- a day, plus a minute of clock skew
  tenant   uuid := CASE WHEN claims ->> 'tenant_id' ~* uuid_format THEN (claims ->> 'tenant_id')::uuid END;
  customer uuid := CASE WHEN claims ->> 'customer_id' ~* uuid_format THEN (claims ->> 'customer_id')::uuid END;
BEGIN
  IF api_role = 'anon' THEN
    RETURN;  -- anonymous requests see nothing: no grants beyond the API's public parts
  END IF;
  -- An API token is meant for the API and expires within a day (bridge/claims.py holds the
  -- bridges to the same rules). PostgREST has already refused a past expiry and another
  -- audience; a token without either would otherwise live for ever.
  IF NOT (claims -> 'aud' IS NOT NULL
          AND (claims ->> 'aud' = 'kassa-api'
               OR (json_typeof(claims -> 'aud') = 'array'
                   AND EXISTS (SELECT FROM json_array_elements_text(claims -> 'aud') a WHERE a = 'kassa-api')))) THEN
    RAISE insufficient_privilege USING message = 'token is not an API token (audience "kassa-api" required)',
      hint = 'Issue API tokens with `kassa token`.';
  END IF;
  IF json_typeof(claims -> 'exp') IS DISTINCT FROM 'number' THEN
    RAISE insufficient_privilege USING message = 'token has no exp claim: API tokens must expire';
  END IF;
  IF (claims ->> 'exp')::numeric > extract(epoch FROM pg_catalog.now()) + max_lifetime_s THEN
    RAISE insufficient_privilege USING message = 'token expires more than 24 hours ahead',
      hint = 'API tokens live at most 24 hours; issue a fresh one instead.';
  END IF;
  IF tenant IS NULL THEN
    RAISE insufficient_privilege USING message = 'token has no valid tenant_id claim',
      hint = 'Issue tokens with `kassa token --role ROLE --tenant UUID`.';
  END IF;
  IF NOT EXISTS (SELECT FROM kassa.tenants t WHERE t.id = tenant AND t.status = 'active') THEN
    RAISE insufficient_privilege USING message = 'tenant is unknown or not active',
      detail = format('tenant_id %s', tenant);
  END IF;
  IF api_role = 'customer' THEN
    IF customer IS NULL THEN
      RAISE insufficient_privilege USING message = 'customer token has no valid customer_id claim';
    END IF;
    IF NOT EXISTS (SELECT FROM kassa.customers c
                    WHERE c.tenant_id = tenant AND c.id = customer AND c.status <> 'closed') THEN
      RAISE insufficient_privilege USING message = 'customer is unknown in this tenant or closed',
        detail = format('customer_id %s', customer);
    END IF;
  ELSIF claims ->> 'customer_id' IS NOT NULL THEN
    RAISE insufficient_privilege USING message = 'only customer tokens carry a customer_id claim';
  END IF;
END $_$;

ALTER FUNCTION internal.check_claims(claims json, api_role text) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_issue_date(p_tenant_id uuid, p_series text, p_issued_on date) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
DECLARE
  today  date := internal.tenant_today(p_tenant_id);
  latest date;
  year_start date := date_trunc('year', p_issued_on)::date;
BEGIN
  IF p_issued_on > today THEN
    PERFORM internal.raise_error('P0I13',
      format('issue date %s is after today (%s): documents cannot be dated ahead', p_issued_on, today), NULL,
      'Issue it today or on an earlier day not before the last document of the series.');
  END IF;
  IF p_series = 'invoice' THEN
    SELECT max(i.issued_on) INTO latest FROM kassa.invoices i
     WHERE i.tenant_id = p_tenant_id AND i.number IS NOT NULL
       AND i.issued_on >= year_start AND i.issued_on < (year_start + interval '1 year')::date;
  ELSE
    SELECT max(n.issued_on) INTO latest FROM kassa.credit_notes n
     WHERE n.tenant_id = p_tenant_id
       AND n.issued_on >= year_start AND n.issued_on < (year_start + interval '1 year')::date;
  END IF;
  IF p_issued_on < latest THEN
    PERFORM internal.raise_error('P0I14',
      format('issue date %s is before %s, the date of the last %s already issued in %s: numbers must follow dates',
             p_issued_on, latest, replace(p_series, '_', ' '), extract(year FROM p_issued_on)), NULL,
      format('Issue it on %s or later.', latest));
  END IF;
END $$;

ALTER FUNCTION internal.check_issue_date(p_tenant_id uuid, p_series text, p_issued_on date) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_new_customer() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
BEGIN
  IF NEW.status IN ('suspended', 'closed')
     AND current_setting('kassa.customer_status_change', true) IS DISTINCT FROM 'on' THEN
    PERFORM internal.raise_error('P0C06', format('a new customer starts active, not %s', NEW.status),
      hint => 'Create the customer, then use /rpc/suspend_customer or /rpc/close_customer with a reason.');
  END IF;
  RETURN NEW;
END $$;

ALTER FUNCTION internal.check_new_customer() OWNER TO kassa_owner;

CREATE FUNCTION internal.check_new_service() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

ALTER FUNCTION internal.check_new_service() OWNER TO kassa_owner;

CREATE FUNCTION internal.check_price_version() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  product  kassa.products;
  currency char(3);
BEGIN
  -- Locking the product serialises version numbering.
  SELECT * INTO product FROM kassa.products p
   WHERE p.tenant_id = NEW.tenant_id AND p.id = NEW.product_id FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0S07', format('product %s not found in this tenant', NEW.product_id));
  END IF;
  SELECT t.currency INTO currency FROM kassa.tenants t WHERE t.id = NEW.tenant_id;
  NEW.currency := coalesce(NEW.currency, currency);
  IF NEW.currency <> currency THEN
    PERFORM internal.raise_error('P0S02', format('price is in %s, the tenant bills in %s', NEW.currency, currency),
      hint => 'Every price of a tenant is in the tenant''s currency.');
  END IF;
  IF (product.kind = 'plan') <> (NEW.interval IS NOT NULL) THEN
    PERFORM internal.raise_error('P0S12', format('%s "%s" %s', CASE product.kind WHEN 'plan' THEN 'plan' ELSE 'one-off fee' END, product.code,
      CASE product.kind WHEN 'plan' THEN 'needs an interval (monthly, quarterly, half_yearly or annual)' ELSE 'has no interval' END));
  END IF;
  IF TG_OP = 'INSERT' THEN
    -- Valid from the tenant's today unless given (not current_date: the session's UTC day).
    NEW.valid_from := coalesce(NEW.valid_from, internal.tenant_today(NEW.tenant_id));
    NEW.version := (SELECT coalesce(max(v.version), 0) + 1 FROM kassa.price_versions v
                     WHERE v.tenant_id = NEW.tenant_id AND v.product_id = NEW.product_id);
  END IF;
  RETURN NEW;
END $$;

ALTER FUNCTION internal.check_price_version() OWNER TO kassa_owner;

CREATE FUNCTION internal.check_refund(pay kassa.payments, p_amount bigint, p_reason text) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
  IF nullif(btrim(p_reason), '') IS NULL THEN
    PERFORM internal.raise_error('P0P09', 'a refund needs a reason');
  END IF;
  IF pay.status NOT IN ('completed', 'partially_refunded') THEN
    PERFORM internal.raise_error('P0P07', format('payment %s is %s, only a completed payment can be refunded', pay.id, pay.status));
  END IF;
  IF p_amount IS NULL OR p_amount <= 0 OR p_amount > pay.amount - pay.amount_refunded THEN
    PERFORM internal.raise_error('P0P08', format('refund of %s is more than the %s left to refund on payment %s', p_amount, pay.amount - pay.amount_refunded, pay.id),
      hint => 'A refund is positive and never above the payment less earlier refunds.');
  END IF;
END $$;

ALTER FUNCTION internal.check_refund(pay kassa.payments, p_amount bigint, p_reason text) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_request() RETURNS void
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT internal.check_claims(internal.jwt_claims(), current_setting('role'))
$$;

ALTER FUNCTION internal.check_request() OWNER TO kassa_owner;

CREATE FUNCTION internal.check_return_url(p_tenant uuid, p_url text, p_bridge_origin text) RETURNS void
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $_$
DECLARE
  origin text := substring(p_url FROM '^(https?://[^/?#]+)(/|\?|#|$)');
BEGIN
  IF p_url IS NULL THEN
    RETURN;
  END IF;
  IF p_url ~ '[\s\\]' OR origin IS NULL
     OR NOT (lower(origin) = lower(p_bridge_origin)
             OR lower(origin) IN (SELECT lower(o) FROM kassa.payment_settings s, unnest(s.return_origins) o
                                   WHERE s.tenant_id = p_tenant)) THEN
    PERFORM internal.raise_error('P0P13', format('return URL %s is not on an allowed origin', left(p_url, 200)),
      NULL, 'Add the origin (scheme://host[:port]) to payment_settings.return_origins.');
  END IF;
END $_$;

ALTER FUNCTION internal.check_return_url(p_tenant uuid, p_url text, p_bridge_origin text) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_tenant() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_timezone_names WHERE name = NEW.timezone) THEN
    PERFORM internal.raise_error('P0T01', format('unknown time zone "%s"', NEW.timezone),
      hint => 'Use an IANA name such as Africa/Johannesburg or Europe/Berlin.');
  END IF;
  RETURN NEW;
END $$;

ALTER FUNCTION internal.check_tenant() OWNER TO kassa_owner;

CREATE FUNCTION internal.claim_auto_topup(p_tenant uuid, p_customer uuid, p_now timestamp with time zone) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  a kassa.auto_topups;
  balance bigint;
  card kassa.payment_methods;
  pay kassa.payments;
BEGIN
  SELECT * INTO a FROM kassa.auto_topups t WHERE t.tenant_id = p_tenant AND t.customer_id = p_customer FOR UPDATE;
  SELECT b.balance INTO balance FROM kassa.billing_accounts b
   WHERE b.tenant_id = p_tenant AND b.customer_id = p_customer;
  IF NOT FOUND OR NOT a.enabled OR a.in_flight_payment_id IS NOT NULL OR balance >= a.threshold
     OR a.last_attempt_at > p_now - interval '60 minutes' THEN
    RETURN NULL;
  END IF;
  SELECT * INTO card FROM kassa.payment_methods m
   WHERE m.tenant_id = p_tenant AND m.id = a.payment_method_id AND m.kind = 'card' AND m.deleted_at IS NULL;
  IF NOT FOUND THEN
    UPDATE kassa.auto_topups t SET enabled = false, disabled_reason = 'no usable card', updated_at = now()
     WHERE t.tenant_id = p_tenant AND t.customer_id = p_customer;
    RETURN NULL;
  END IF;
  pay := internal.new_payment(p_tenant, p_customer, 'stripe', 'card', 'top_up', a.amount,
                              (SELECT b.currency FROM kassa.billing_accounts b
                                WHERE b.tenant_id = p_tenant AND b.customer_id = p_customer),
                              NULL, NULL, card.id, true);
  UPDATE kassa.auto_topups t
     SET in_flight_payment_id = pay.id, last_attempt_at = p_now, requested_at = NULL, updated_at = now()
   WHERE t.tenant_id = p_tenant AND t.customer_id = p_customer;
  RETURN jsonb_build_object('tenant_id', p_tenant, 'customer_id', p_customer, 'payment_id', pay.id,
                            'amount', pay.amount, 'currency', pay.currency,
                            'card', internal.payment_method_details(p_tenant, card.id));
END $$;

ALTER FUNCTION internal.claim_auto_topup(p_tenant uuid, p_customer uuid, p_now timestamp with time zone) OWNER TO kassa_owner;

CREATE FUNCTION internal.clock_now() RETURNS timestamp with time zone
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT pg_catalog.now() + coalesce((SELECT c.shift FROM kassa.clock c), interval '0')
$$;

ALTER FUNCTION internal.clock_now() OWNER TO kassa_owner;

CREATE FUNCTION internal.close_obstacle(p_tenant_id uuid, p_customer_id uuid, OUT code text, OUT message text, OUT hint text) RETURNS record
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  found_row record;
BEGIN
  SELECT s.id, s.status INTO found_row FROM kassa.services s
   WHERE s.tenant_id = p_tenant_id AND s.customer_id = p_customer_id AND s.status <> 'cancelled'
   ORDER BY s.created_at, s.id LIMIT 1;
  IF FOUND THEN
    code := 'P0C08';
    message := format('service %s is %s', found_row.id, found_row.status);
    hint := 'Cancel every service first (/rpc/cancel_service).';
    RETURN;
  END IF;

  SELECT pc.id, pc.description INTO found_row FROM kassa.pending_charges pc
   WHERE pc.tenant_id = p_tenant_id AND pc.customer_id = p_customer_id
     AND NOT pc.settled
   ORDER BY pc.created_at, pc.id LIMIT 1;
  IF FOUND THEN
    code := 'P0C09';
    message := format('charge "%s" (%s) is not billed yet', found_row.description, found_row.id);
    hint := 'Bill it with the invoice run for this customer, then settle the invoice.';
    RETURN;
  END IF;

  SELECT i.id, i.number, i.status, i.amount_due INTO found_row FROM kassa.invoices i
   WHERE i.tenant_id = p_tenant_id AND i.customer_id = p_customer_id
     AND (i.status = 'draft' OR (i.status <> 'void' AND i.amount_due > 0))
   ORDER BY i.created_at, i.id LIMIT 1;
  IF FOUND THEN
    code := 'P0C10';
    message := CASE WHEN found_row.status = 'draft' THEN format('draft invoice %s is not finalised', found_row.id)
                    ELSE format('invoice %s has %s due', found_row.number,
                                internal.money_text(p_tenant_id, found_row.amount_due)) END;
    hint := 'Finalise and settle (or void) every invoice first.';
    RETURN;
  END IF;

  SELECT p.id, p.amount INTO found_row FROM kassa.payments p
   WHERE p.tenant_id = p_tenant_id AND p.customer_id = p_customer_id AND p.status = 'pending'
   ORDER BY p.created_at, p.id LIMIT 1;
  IF FOUND THEN
    code := 'P0C11';
    message := format('payment %s of %s is pending', found_row.id, internal.money_text(p_tenant_id, found_row.amount));
    hint := 'Wait until the gateway completes or fails it.';
    RETURN;
  END IF;

  SELECT a.balance INTO found_row FROM kassa.billing_accounts a
   WHERE a.tenant_id = p_tenant_id AND a.customer_id = p_customer_id AND a.balance <> 0;
  IF FOUND THEN
    code := 'P0C12';
    message := format('the balance is %s, not zero', internal.money_text(p_tenant_id, found_row.balance));
    hint := CASE WHEN found_row.balance > 0 THEN 'Refund the credit the customer holds first.'
                 ELSE 'The customer owes this: collect it (or adjust the balance) first.' END;
  END IF;
END $$;

ALTER FUNCTION internal.close_obstacle(p_tenant_id uuid, p_customer_id uuid, OUT code text, OUT message text, OUT hint text) OWNER TO kassa_owner;

CREATE FUNCTION internal.complete_payment(p_tenant uuid, p_payment uuid, p_amount bigint, p_currency text, p_intent_ref text DEFAULT NULL::text, p_raw jsonb DEFAULT '{}'::jsonb) RETURNS kassa.payments
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  pay kassa.payments;
  v_bonus bigint;
BEGIN
  pay := internal.lock_payment(p_tenant, p_payment);
  IF pay.status <> 'pending' THEN
    IF pay.status = 'failed' THEN
      PERFORM internal.raise_error('P0P07', format('payment %s has failed and cannot complete', p_payment),
        hint => 'A failed payment stays failed; the customer pays again with a new payment.');
    END IF;
    RETURN pay;
  END IF;
  IF upper(p_currency) IS DISTINCT FROM pay.currency THEN
    PERFORM internal.raise_error('P0P04', format('payment currency %s does not match the account currency %s', upper(p_currency), pay.currency));
  END IF;
  IF p_amount IS DISTINCT FROM pay.amount THEN
    PERFORM internal.raise_error('P0P06', format('the provider reports %s for payment %s, which was started for %s', p_amount, p_payment, pay.amount));
  END IF;
  v_bonus := CASE WHEN pay.purpose = 'top_up' THEN internal.top_up_bonus(p_tenant, pay.amount) ELSE 0 END;
  UPDATE kassa.payments p
     SET status = 'completed', completed_at = now(), bonus = v_bonus,
         provider_intent_ref = coalesce(p_intent_ref, p.provider_intent_ref),
         provider_ref = coalesce(p.provider_ref, p_intent_ref),  -- off-session charges: the intent
         provider_response = p.provider_response || jsonb_build_object('completed', p_raw)
   WHERE p.tenant_id = p_tenant AND p.id = p_payment
  RETURNING * INTO pay;
  PERFORM internal.post_entries(jsonb_build_array(
    jsonb_build_object('tenant_id', p_tenant, 'customer_id', pay.customer_id, 'kind', pay.purpose,
                       'amount', pay.amount, 'source_type', 'payment', 'source_id', pay.id,
                       'description', format('%s %s', pay.provider, replace(pay.purpose, '_', '-')))
  ) || CASE WHEN v_bonus > 0 THEN jsonb_build_array(
    jsonb_build_object('tenant_id', p_tenant, 'customer_id', pay.customer_id, 'kind', 'bonus',
                       'amount', v_bonus, 'source_type', 'payment', 'source_id', pay.id,
                       'description', 'top-up bonus')) ELSE '[]' END);
  -- The new credit settles open invoices (billing core's allocation). Most top-ups meet none:
  -- one index probe (invoices_open) spares the allocation's locking and scanning then.
  IF EXISTS (SELECT FROM kassa.invoices i WHERE i.tenant_id = p_tenant AND i.customer_id = pay.customer_id
                AND i.status IN ('finalised', 'partially_paid', 'overdue') AND i.amount_due > 0) THEN
    PERFORM internal.allocate_credit(p_tenant, ARRAY[pay.customer_id]);
  END IF;
  RETURN pay;
END $$;

ALTER FUNCTION internal.complete_payment(p_tenant uuid, p_payment uuid, p_amount bigint, p_currency text, p_intent_ref text, p_raw jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.create_credit_note(p_tenant_id uuid, p_invoice_id uuid, p_reason text, p_settlement text, p_lines jsonb, p_issued_on date) RETURNS kassa.credit_notes
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  inv      kassa.invoices;
  req      jsonb := p_lines;
  problem  record;
  note     kassa.credit_notes;
  applied  bigint;
  released bigint;
  vat_rows jsonb;
BEGIN
  SELECT i.* INTO inv FROM kassa.invoices i WHERE i.tenant_id = p_tenant_id AND i.id = p_invoice_id;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0I01', format('invoice %s not found in this tenant', p_invoice_id));
  END IF;
  -- Account first, then the invoice: the lock order of postings and allocations.
  PERFORM 1 FROM kassa.billing_accounts a WHERE a.tenant_id = p_tenant_id AND a.customer_id = inv.customer_id FOR UPDATE;
  SELECT i.* INTO inv FROM kassa.invoices i WHERE i.tenant_id = p_tenant_id AND i.id = p_invoice_id FOR UPDATE;

  IF inv.status NOT IN ('finalised', 'partially_paid', 'paid', 'overdue') THEN
    PERFORM internal.raise_error('P0N01',
      format('invoice %s is %s: only finalised invoices can be credited', coalesce(inv.number, inv.id::text), inv.status), NULL,
      'Edit or void a draft directly; a void invoice is already fully credited.');
  END IF;
  IF p_issued_on IS NULL THEN
    PERFORM internal.raise_error('P0I10', 'an issue date is required to issue a credit note');
  ELSIF p_issued_on < inv.issued_on THEN
    PERFORM internal.raise_error('P0I16',
      format('credit note date %s is before %s, the issue date of invoice %s', p_issued_on, inv.issued_on, inv.number),
      NULL, 'Date the credit note on or after its invoice.');
  END IF;
  IF p_settlement IS NULL OR p_settlement NOT IN ('balance', 'refund') THEN
    PERFORM internal.raise_error('P0N07',
      format('settlement must be ''balance'' or ''refund'', not %s', coalesce(p_settlement, 'null')));
  END IF;

  IF req IS NULL THEN  -- in full: whatever each line still has uncredited
    SELECT jsonb_agg(jsonb_build_object('invoice_line_id', c.invoice_line_id, 'amount', c.amount - c.credited))
      INTO req FROM internal.credited_per_line(p_tenant_id, p_invoice_id) c WHERE c.amount - c.credited <> 0;
    IF req IS NULL THEN
      PERFORM internal.raise_error('P0N06', format('invoice %s has nothing left to credit', inv.number));
    END IF;
  ELSIF jsonb_typeof(req) <> 'array' OR jsonb_array_length(req) = 0
        OR EXISTS (SELECT FROM jsonb_array_elements(req) e WHERE jsonb_typeof(e) <> 'object') THEN
    PERFORM internal.raise_error('P0N04',
      'lines must be a non-empty array of {"invoice_line_id": ..., "amount": ...}', NULL,
      'Pass null to credit the whole invoice.');
  END IF;

  -- A credit has the sign of its line: positive for a charge, negative for a discount or a
  -- pro-rata credit line (crediting that gives the deduction back).
  SELECT r.invoice_line_id, r.amount, c.invoice_line_id AS known, c.amount AS line_amount,
         count(*) OVER (PARTITION BY r.invoice_line_id) AS times INTO problem
    FROM jsonb_to_recordset(req) AS r(invoice_line_id uuid, amount bigint)
    LEFT JOIN internal.credited_per_line(p_tenant_id, p_invoice_id) c USING (invoice_line_id)
   ORDER BY (r.invoice_line_id IS NULL OR r.amount IS NULL OR r.amount = 0 OR c.invoice_line_id IS NULL
             OR sign(r.amount) <> sign(c.amount)) DESC,
            count(*) OVER (PARTITION BY r.invoice_line_id) DESC
   LIMIT 1;
  IF problem.invoice_line_id IS NULL OR problem.amount IS NULL OR problem.amount = 0 THEN
    PERFORM internal.raise_error('P0N04',
      'every credited line needs an invoice_line_id and a positive amount in minor units');
  ELSIF problem.known IS NULL THEN
    PERFORM internal.raise_error('P0N04',
      format('line %s is not a line of invoice %s', problem.invoice_line_id, inv.number));
  ELSIF sign(problem.amount) <> sign(problem.line_amount) THEN
    PERFORM internal.raise_error('P0N04',
      format('credit of %s on line %s has the wrong sign: the line is %s', problem.amount,
             problem.invoice_line_id, problem.line_amount));
  ELSIF problem.times > 1 THEN
    PERFORM internal.raise_error('P0N04', format('line %s is named more than once', problem.invoice_line_id));
  END IF;

  SELECT r.invoice_line_id, r.amount, c.amount - c.credited AS creditable INTO problem
    FROM jsonb_to_recordset(req) AS r(invoice_line_id uuid, amount bigint)
    JOIN internal.credited_per_line(p_tenant_id, p_invoice_id) c USING (invoice_line_id)
   WHERE abs(r.amount) > abs(c.amount - c.credited) LIMIT 1;
  IF FOUND THEN
    PERFORM internal.raise_error('P0N02',
      format('credit of %s on line %s exceeds what is still creditable there (%s)', problem.amount,
             problem.invoice_line_id, problem.creditable));
  END IF;

  -- VAT per category and rate, rounded cumulatively: this note takes the VAT of everything
  -- credited there so far, less the VAT of what earlier notes credited. Each note's VAT is then
  -- never negative, and a series of partial notes sums exactly to the invoice's VAT there.
  WITH lines AS (
    SELECT c.vat_category, c.vat_rate, sum(c.credited) AS credited_before, coalesce(sum(r.amount), 0) AS crediting
      FROM internal.credited_per_line(p_tenant_id, p_invoice_id) c
      LEFT JOIN jsonb_to_recordset(req) AS r(invoice_line_id uuid, amount bigint) USING (invoice_line_id)
     GROUP BY c.vat_category, c.vat_rate
  ), rated AS (
    SELECT l.vat_category, l.vat_rate, l.crediting AS amount,
           internal.vat_of(l.credited_before + l.crediting, l.vat_rate, inv.prices_include_vat)
           - internal.vat_of(l.credited_before, l.vat_rate, inv.prices_include_vat) AS vat
      FROM lines l
     WHERE l.crediting <> 0
  )
  SELECT jsonb_agg(jsonb_build_object(
           'vat_category', vat_category, 'vat_rate', vat_rate,
           'net', CASE WHEN inv.prices_include_vat THEN amount - vat ELSE amount END, 'vat', vat,
           'gross', CASE WHEN inv.prices_include_vat THEN amount ELSE amount + vat END))
    INTO vat_rows FROM rated;
  SELECT sum(b.net), sum(b.vat), sum(b.gross) INTO note.net_total, note.vat_total, note.total
    FROM jsonb_to_recordset(vat_rows) AS b(net bigint, vat bigint, gross bigint);

  IF note.total > inv.total - inv.amount_credited OR note.total <= 0 THEN
    PERFORM internal.raise_error('P0N03',
      format('credit note total %s exceeds what is still creditable on invoice %s (%s)', note.total, inv.number,
             inv.total - inv.amount_credited), NULL,
      'Credit less, or credit single lines.');
  END IF;
  IF p_settlement = 'refund' AND note.total > inv.amount_paid THEN
    PERFORM internal.raise_error('P0N05',
      format('cannot refund %s on invoice %s: only %s was paid on it', note.total, inv.number, inv.amount_paid), NULL,
      'Use settlement ''balance'' to credit what is not paid.');
  END IF;

  applied := CASE WHEN p_settlement = 'refund' THEN 0 ELSE least(note.total, inv.amount_due) END;
  released := note.total - applied;

  INSERT INTO kassa.credit_notes (tenant_id, invoice_id, customer_id, number, reason, settlement, currency,
                                  issued_on, net_total, vat_total, total, supplier, recipient)
  SELECT p_tenant_id, inv.id, inv.customer_id,
         internal.format_number(t.credit_note_number_format, extract(year FROM p_issued_on)::int,
                                internal.next_number(p_tenant_id, 'credit_note', extract(year FROM p_issued_on)::int)),
         p_reason, p_settlement, inv.currency, p_issued_on, note.net_total, note.vat_total, note.total,
         internal.supplier_snapshot(p_tenant_id), internal.recipient_snapshot(p_tenant_id, inv.customer_id)
    FROM kassa.tenants t WHERE t.id = p_tenant_id
  RETURNING * INTO note;
  -- Numbered, so the series' counter row is locked: earlier notes of the series are seen.
  PERFORM internal.check_issue_date(p_tenant_id, 'credit_note', p_issued_on);

  INSERT INTO kassa.credit_note_vat_totals (tenant_id, credit_note_id, vat_category, vat_rate, net, vat, gross)
  SELECT p_tenant_id, note.id, b.vat_category, b.vat_rate, b.net, b.vat, b.gross
    FROM jsonb_to_recordset(vat_rows) AS b(vat_category text, vat_rate numeric, net bigint, vat bigint, gross bigint);

  INSERT INTO kassa.credit_note_lines (tenant_id, credit_note_id, invoice_line_id, description, amount, vat_rate)
  SELECT p_tenant_id, note.id, l.id, l.description, r.amount, l.vat_rate
    FROM jsonb_to_recordset(req) AS r(invoice_line_id uuid, amount bigint)
    JOIN kassa.invoice_lines l ON l.tenant_id = p_tenant_id AND l.id = r.invoice_line_id;

  UPDATE kassa.invoices i
     SET amount_credited = i.amount_credited + note.total,
         amount_paid = i.amount_paid - released,
         status = CASE WHEN i.amount_credited + note.total = i.total THEN 'void'
                       WHEN i.amount_due - applied = 0 THEN 'paid'
                       WHEN i.status = 'finalised' AND applied > 0 THEN 'partially_paid'
                       ELSE i.status END
   WHERE i.tenant_id = p_tenant_id AND i.id = inv.id;
  IF applied > 0 THEN
    INSERT INTO kassa.invoice_allocations (tenant_id, invoice_id, customer_id, amount, source_type, source_id)
    VALUES (p_tenant_id, inv.id, inv.customer_id, applied, 'credit_note', note.id::text);
  END IF;

  PERFORM internal.post_entries(jsonb_build_array(
    jsonb_build_object('tenant_id', p_tenant_id, 'customer_id', inv.customer_id, 'kind', 'credit_note',
                       'amount', note.total, 'source_type', 'credit_note', 'source_id', note.id,
                       'description', format('Credit note %s for invoice %s', note.number, inv.number))
    ) || CASE WHEN p_settlement = 'refund' THEN jsonb_build_array(
    jsonb_build_object('tenant_id', p_tenant_id, 'customer_id', inv.customer_id, 'kind', 'refund',
                       'amount', -note.total, 'source_type', 'credit_note', 'source_id', note.id,
                       'description', format('Refund of credit note %s', note.number))) ELSE '[]'::jsonb END);

  IF released > 0 AND p_settlement = 'balance' THEN
    PERFORM internal.allocate_credit(p_tenant_id, ARRAY[inv.customer_id]);
  END IF;
  RETURN note;
END $$;

ALTER FUNCTION internal.create_credit_note(p_tenant_id uuid, p_invoice_id uuid, p_reason text, p_settlement text, p_lines jsonb, p_issued_on date) OWNER TO kassa_owner;

CREATE FUNCTION internal.create_tenant(p_slug text, p_legal_name text, p_country text, p_currency text, p_timezone text, p_vat_rates jsonb, p_name text DEFAULT NULL::text, p_prices_include_vat boolean DEFAULT false, p_account_number_format text DEFAULT 'CT-{YYYY}-{NNNNN}'::text, p_invoice_number_format text DEFAULT 'INV-{YYYY}-{NNNNN}'::text, p_credit_note_number_format text DEFAULT 'CN-{YYYY}-{NNNNN}'::text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $_$
DECLARE
  made uuid;
  vat record;
  number_format text;
BEGIN
  IF p_slug IS NULL OR p_slug !~ '^[a-z0-9][a-z0-9-]{1,62}$' THEN
    PERFORM internal.raise_error('P0T03', format('bad slug "%s"', p_slug),
      hint => '2 to 63 characters: lower-case letters, digits and "-", starting with a letter or digit.');
  END IF;
  IF EXISTS (SELECT FROM kassa.tenants t WHERE t.slug = p_slug) THEN
    PERFORM internal.raise_error('P0T04', format('a tenant with slug "%s" exists already', p_slug));
  END IF;
  IF btrim(coalesce(p_legal_name, '')) = '' OR btrim(coalesce(p_name, 'x')) = '' THEN
    PERFORM internal.raise_error('P0T05', 'a tenant needs a legal name (and a display name, when given, that is not blank)');
  END IF;
  IF p_country IS NULL OR p_country !~ '^[A-Z]{2}$' THEN
    PERFORM internal.raise_error('P0T06', format('bad country "%s"', p_country),
      hint => 'Use the ISO 3166 code in capitals, e.g. ZA or DE.');
  END IF;
  IF NOT EXISTS (SELECT FROM kassa.currencies c WHERE c.code = p_currency) THEN
    PERFORM internal.raise_error('P0T07', format('unknown currency "%s"', p_currency),
      hint => 'Use an ISO 4217 code of GET /currencies, e.g. ZAR or EUR.');
  END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_timezone_names z WHERE z.name = p_timezone) THEN
    PERFORM internal.raise_error('P0T01', format('unknown time zone "%s"', p_timezone),
      hint => 'Use an IANA name such as Africa/Johannesburg or Europe/Berlin.');
  END IF;
  IF jsonb_typeof(p_vat_rates) IS DISTINCT FROM 'object' OR p_vat_rates = '{}' THEN
    PERFORM internal.raise_error('P0T08', 'a tenant needs at least one VAT rate', hint => 'e.g. standard=15');
  END IF;
  FOR vat IN SELECT key AS category, value #>> '{}' AS rate FROM jsonb_each(p_vat_rates) LOOP
    IF vat.category !~ '^[a-z_]{1,32}$' OR coalesce(vat.rate, '') !~ '^[0-9]{1,2}(\.[0-9]{1,2})?$' THEN
      PERFORM internal.raise_error('P0T08', format('bad VAT rate %s=%s', vat.category, vat.rate),
        hint => 'A category of lower-case letters and "_", a rate from 0 to 99.99 (percent), e.g. standard=15.');
    END IF;
  END LOOP;
  FOREACH number_format IN ARRAY ARRAY[p_account_number_format, p_invoice_number_format, p_credit_note_number_format] LOOP
    IF coalesce(number_format, '') !~ '\{N+\}' THEN
      PERFORM internal.raise_error('P0T09', format('number format "%s" has no counter', number_format),
        hint => 'Include {NNNNN} (the width of the number), optionally {YYYY}: e.g. INV-{YYYY}-{NNNNN}.');
    END IF;
  END LOOP;
  INSERT INTO kassa.tenants (slug, name, legal_name, country, currency, prices_include_vat, timezone,
                             account_number_format, invoice_number_format, credit_note_number_format)
  VALUES (p_slug, coalesce(p_name, p_legal_name), p_legal_name, p_country, p_currency, p_prices_include_vat,
          p_timezone, p_account_number_format, p_invoice_number_format, p_credit_note_number_format)
  RETURNING id INTO made;
  INSERT INTO kassa.vat_rates (tenant_id, category, rate)
  SELECT made, r.key, (r.value #>> '{}')::numeric FROM jsonb_each(p_vat_rates) r;
  RETURN made;
END $_$;

ALTER FUNCTION internal.create_tenant(p_slug text, p_legal_name text, p_country text, p_currency text, p_timezone text, p_vat_rates jsonb, p_name text, p_prices_include_vat boolean, p_account_number_format text, p_invoice_number_format text, p_credit_note_number_format text) OWNER TO kassa_owner;

CREATE FUNCTION internal.credit_unbilled_credit(p_tenant_id uuid, p_charge_id uuid, p_issued_on date) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  pc      kassa.pending_charges;
  part    record;
  rest    bigint;
  notes   integer := 0;
  note_id uuid;
  note_ids uuid[] := '{}';
  on_draft boolean;
  credited_by text;
  leftover uuid;
BEGIN
  SELECT * INTO pc FROM kassa.pending_charges c
   WHERE c.tenant_id = p_tenant_id AND c.id = p_charge_id AND NOT c.settled
     FOR UPDATE;
  rest := -round(pc.quantity * pc.unit_price)::bigint;
  FOR part IN
    WITH lines AS (
      SELECT l.id, l.invoice_id, l.period_start, l.period_end, l.amount - coalesce(cr.credited, 0) AS line_left
        FROM kassa.invoice_lines l
        JOIN kassa.invoices i ON i.tenant_id = l.tenant_id AND i.id = l.invoice_id
        LEFT JOIN LATERAL (SELECT sum(cl.amount) AS credited FROM kassa.credit_note_lines cl
                            WHERE cl.tenant_id = l.tenant_id AND cl.invoice_line_id = l.id) cr ON true
       WHERE l.tenant_id = p_tenant_id AND l.service_id = pc.service_id AND l.price_version_id = pc.price_version_id
         AND l.amount > 0 AND l.period_start <= pc.period_end AND l.period_end >= pc.period_start
         AND i.status IN ('finalised', 'partially_paid', 'paid', 'overdue')
    ), room AS (
      SELECT x.invoice_id, (SELECT sum(c.amount - c.credited) FROM internal.credited_per_line(p_tenant_id, x.invoice_id) c)
             AS invoice_left
        FROM (SELECT DISTINCT l.invoice_id FROM lines l) x
    ), by_line AS (
      SELECT l.*, greatest(0, least(l.line_left, rest - coalesce(sum(l.line_left) OVER earlier, 0))) AS take
        FROM lines l WHERE l.line_left > 0
      WINDOW earlier AS (ORDER BY l.period_start DESC, l.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
    ), by_invoice AS (
      SELECT b.*, greatest(0, least(b.take, r.invoice_left - coalesce(sum(b.take) OVER earlier, 0))) AS amount
        FROM by_line b JOIN room r ON r.invoice_id = b.invoice_id
      WINDOW earlier AS (PARTITION BY b.invoice_id ORDER BY b.period_start DESC, b.id
                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
    )
    SELECT b.invoice_id, sum(b.amount)::bigint AS amount,
           jsonb_agg(jsonb_build_object('invoice_line_id', b.id, 'amount', b.amount)) AS lines,
           greatest(pc.period_start, min(b.period_start)) AS period_start, least(pc.period_end, max(b.period_end)) AS period_end
      FROM by_invoice b WHERE b.amount > 0
     GROUP BY b.invoice_id ORDER BY max(b.period_start) DESC, b.invoice_id
  LOOP
    note_id := (internal.create_credit_note(p_tenant_id, part.invoice_id, pc.description, 'balance', part.lines,
                                            p_issued_on)).id;
    -- The first part keeps the pending charge's row, every other part is a row of its own.
    IF notes = 0 THEN
      UPDATE kassa.pending_charges c
         SET quantity = 1, unit_price = -part.amount, period_start = part.period_start, period_end = part.period_end,
             credit_note_id = note_id
       WHERE c.tenant_id = p_tenant_id AND c.id = pc.id;
    ELSE
      INSERT INTO kassa.pending_charges (tenant_id, customer_id, service_id, kind, description, price_version_id,
                                         unit_price, period_start, period_end, credit_note_id)
      VALUES (p_tenant_id, pc.customer_id, pc.service_id, pc.kind, pc.description, pc.price_version_id,
              -part.amount, part.period_start, part.period_end, note_id);
    END IF;
    rest := rest - part.amount;
    notes := notes + 1;
    note_ids := note_ids || note_id;
  END LOOP;
  IF rest = 0 THEN
    RETURN notes;
  END IF;
  IF notes = 0 THEN
    leftover := pc.id;
  ELSE
    INSERT INTO kassa.pending_charges (tenant_id, customer_id, service_id, kind, description, price_version_id,
                                       unit_price, period_start, period_end)
    VALUES (p_tenant_id, pc.customer_id, pc.service_id, pc.kind, pc.description, pc.price_version_id,
            -rest, pc.period_start, pc.period_end)
    RETURNING id INTO leftover;
  END IF;
  -- The leftover's days: billed on a draft (it waits), or on issued lines only (closed: given
  -- back by earlier credit notes, or never owed on a void invoice).
  SELECT bool_or(i.status = 'draft'),
         'already credited: ' || string_agg(DISTINCT cn.number, ', ' ORDER BY cn.number) FILTER (WHERE cn.id <> ALL (note_ids))
    INTO on_draft, credited_by
    FROM kassa.invoice_lines l
    JOIN kassa.invoices i ON i.tenant_id = l.tenant_id AND i.id = l.invoice_id
    LEFT JOIN kassa.credit_note_lines cl ON cl.tenant_id = l.tenant_id AND cl.invoice_line_id = l.id
    LEFT JOIN kassa.credit_notes cn ON cn.tenant_id = cl.tenant_id AND cn.id = cl.credit_note_id
   WHERE l.tenant_id = p_tenant_id AND l.service_id = pc.service_id AND l.price_version_id = pc.price_version_id
     AND l.amount > 0 AND l.period_start <= pc.period_end AND l.period_end >= pc.period_start;
  IF NOT coalesce(on_draft, true) THEN
    UPDATE kassa.pending_charges c
       SET unit_price = -rest, quantity = 1, closed_on = p_issued_on,
           closed_reason = coalesce(credited_by, 'nothing was left to credit on the invoice')
     WHERE c.tenant_id = p_tenant_id AND c.id = leftover;
  END IF;
  RETURN notes;
END $$;

ALTER FUNCTION internal.credit_unbilled_credit(p_tenant_id uuid, p_charge_id uuid, p_issued_on date) OWNER TO kassa_owner;

CREATE FUNCTION internal.credited_per_line(p_tenant_id uuid, p_invoice_id uuid) RETURNS TABLE(invoice_line_id uuid, vat_category text, vat_rate numeric, amount bigint, credited bigint)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  SELECT l.id, l.vat_category, l.vat_rate, l.amount, coalesce(sum(cl.amount), 0)::bigint
    FROM kassa.invoice_lines l
    LEFT JOIN kassa.credit_note_lines cl ON cl.tenant_id = l.tenant_id AND cl.invoice_line_id = l.id
   WHERE l.tenant_id = p_tenant_id AND l.invoice_id = p_invoice_id
   GROUP BY l.id, l.vat_category, l.vat_rate, l.amount
$$;

ALTER FUNCTION internal.credited_per_line(p_tenant_id uuid, p_invoice_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.customer_transition(p_tenant_id uuid, p_customer_id uuid, p_action text, p_reason text) RETURNS kassa.customers
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  c        kassa.customers;
  obstacle record;
  service  kassa.services;
  today    date := internal.tenant_today(p_tenant_id);
  allowed  constant jsonb := '{"suspend": ["active"], "resume": ["suspended"], "close": ["active", "suspended"]}';
BEGIN
  IF p_reason IS NULL OR btrim(p_reason) = '' THEN
    PERFORM internal.raise_error('P0C05', format('a reason is required to %s a customer', p_action),
      hint => 'Say why, in a few words: it is kept with the customer''s status.');
  END IF;
  -- FOR UPDATE (not the weaker lock an UPDATE takes) also waits for, and then holds off, rows
  -- being added for this customer (their foreign key check locks it): nothing slips in
  -- between the checks below and the status change.
  SELECT * INTO c FROM kassa.customers cu WHERE cu.tenant_id = p_tenant_id AND cu.id = p_customer_id FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0C04', format('customer %s not found', p_customer_id));
  END IF;
  IF c.status = 'closed' THEN
    PERFORM internal.refuse_closed_customer(c.account_number);
  END IF;
  IF NOT (allowed -> p_action) ? c.status THEN
    PERFORM internal.raise_error('P0C07', format('cannot %s a customer who is %s', p_action, c.status),
      hint => format('Allowed for a %s customer: %s.', c.status,
                     (SELECT string_agg(a.key, ', ' ORDER BY a.key) FROM jsonb_each(allowed) a WHERE a.value ? c.status)));
  END IF;
  IF p_action = 'close' THEN
    SELECT * INTO obstacle FROM internal.close_obstacle(p_tenant_id, p_customer_id);
    IF obstacle.code IS NOT NULL THEN
      PERFORM internal.raise_error(obstacle.code, format('cannot close customer %s: %s', c.account_number, obstacle.message),
        hint => obstacle.hint);
    END IF;
  END IF;

  PERFORM set_config('kassa.customer_status_change', 'on', true);
  UPDATE kassa.customers cu
     SET status = CASE p_action WHEN 'suspend' THEN 'suspended' WHEN 'resume' THEN 'active' ELSE 'closed' END,
         status_reason = btrim(p_reason)
   WHERE cu.tenant_id = p_tenant_id AND cu.id = p_customer_id
  RETURNING cu.* INTO c;
  PERFORM set_config('kassa.customer_status_change', 'off', true);
  IF c.status = 'closed' THEN
    PERFORM internal.notify_access_ended(p_tenant_id, p_customer_id);  -- open SSE streams end
  END IF;

  -- The services follow, through their own transition (action log, pro-rata on resumption).
  -- The customer is already active again when its services resume (they refuse otherwise).
  FOR service IN
    SELECT * FROM kassa.services s
     WHERE s.tenant_id = p_tenant_id AND s.customer_id = p_customer_id
       AND CASE p_action WHEN 'suspend' THEN s.status = 'active'
                         WHEN 'resume' THEN s.status = 'suspended' AND s.suspension_reason = 'customer_suspended'
                         ELSE false END
     ORDER BY s.created_at, s.id
  LOOP
    PERFORM internal.service_transition(p_tenant_id, service.id, p_action, p_reason, today, NULL, 'customer_suspended');
  END LOOP;
  RETURN c;
END $$;

ALTER FUNCTION internal.customer_transition(p_tenant_id uuid, p_customer_id uuid, p_action text, p_reason text) OWNER TO kassa_owner;

CREATE FUNCTION internal.cycle_date(p_day integer, p_months integer, p_anchor date, p_k integer) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  SELECT internal.billing_date_of_month(p_day, internal.month_index(p_anchor) + p_k * p_months)
$$;

ALTER FUNCTION internal.cycle_date(p_day integer, p_months integer, p_anchor date, p_k integer) OWNER TO kassa_owner;

CREATE FUNCTION internal.cycle_date_after(p_day integer, p_months integer, p_anchor date, p_after date) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  SELECT CASE WHEN internal.cycle_date(p_day, p_months, p_anchor, internal.cycle_step(p_months, p_anchor, p_after)) > p_after
              THEN internal.cycle_date(p_day, p_months, p_anchor, internal.cycle_step(p_months, p_anchor, p_after))
              ELSE internal.cycle_date(p_day, p_months, p_anchor, internal.cycle_step(p_months, p_anchor, p_after) + 1) END
$$;

ALTER FUNCTION internal.cycle_date_after(p_day integer, p_months integer, p_anchor date, p_after date) OWNER TO kassa_owner;

CREATE FUNCTION internal.cycle_step(p_months integer, p_anchor date, p_date date) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  SELECT floor((internal.month_index(p_date) - internal.month_index(p_anchor))::numeric / p_months)::integer
$$;

ALTER FUNCTION internal.cycle_step(p_months integer, p_anchor date, p_date date) OWNER TO kassa_owner;

CREATE FUNCTION internal.draft_for_edit(p_tenant_id uuid, p_invoice_id uuid) RETURNS kassa.invoices
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  inv kassa.invoices;
BEGIN
  SELECT * INTO inv FROM kassa.invoices i WHERE i.tenant_id = p_tenant_id AND i.id = p_invoice_id FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0I01', format('invoice %s not found in this tenant', p_invoice_id));
  END IF;
  IF inv.status <> 'draft' THEN
    PERFORM internal.raise_error('P0I02',
      format('invoice %s is %s and frozen: only drafts can be edited', inv.number, inv.status), NULL,
      'Correct a finalised invoice with a credit note (api.create_credit_note).');
  END IF;
  RETURN inv;
END $$;

ALTER FUNCTION internal.draft_for_edit(p_tenant_id uuid, p_invoice_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.due_auto_topups(p_now timestamp with time zone) RETURNS TABLE(tenant_id uuid, customer_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT a.tenant_id, a.customer_id
    FROM kassa.auto_topups a
    JOIN kassa.billing_accounts b USING (tenant_id, customer_id)
   WHERE a.enabled AND a.in_flight_payment_id IS NULL AND b.balance < a.threshold
     AND (a.last_attempt_at IS NULL OR a.last_attempt_at <= p_now - interval '60 minutes')
   ORDER BY a.requested_at NULLS LAST, a.tenant_id, a.customer_id
$$;

ALTER FUNCTION internal.due_auto_topups(p_now timestamp with time zone) OWNER TO kassa_owner;

CREATE FUNCTION internal.email_taken(p_tenant uuid, p_email text, p_except uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT EXISTS (SELECT FROM kassa.customers c
                  WHERE c.tenant_id = p_tenant AND lower(c.email) = lower(p_email) AND c.id <> p_except)
$$;

ALTER FUNCTION internal.email_taken(p_tenant uuid, p_email text, p_except uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.event_uuid(p_value text, p_what text) RETURNS uuid
    LANGUAGE plpgsql IMMUTABLE
    AS $_$
BEGIN
  IF p_value ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' THEN
    RETURN p_value::uuid;
  END IF;
  PERFORM internal.raise_error('P0W02', format('the event metadata has no valid %s', p_what),
    hint => 'Kassa puts tenant_id, customer_id and payment_id into the metadata of what it creates.');
END $_$;

ALTER FUNCTION internal.event_uuid(p_value text, p_what text) OWNER TO kassa_owner;

CREATE FUNCTION internal.fail_interrupted_job_runs() RETURNS integer
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  WITH interrupted AS (
    UPDATE kassa.job_runs r SET status = 'failed', finished_at = pg_catalog.clock_timestamp(),
           failed = r.failed + 1, errors = r.errors || '["interrupted: the scheduler stopped during this run"]'::jsonb
     WHERE r.status = 'running' AND r.origin <> 'manual'
    RETURNING 1)
  SELECT count(*)::int FROM interrupted
$$;

ALTER FUNCTION internal.fail_interrupted_job_runs() OWNER TO kassa_owner;

CREATE FUNCTION internal.fail_payment(p_tenant uuid, p_payment uuid, p_reason text, p_raw jsonb DEFAULT '{}'::jsonb) RETURNS kassa.payments
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  pay kassa.payments;
BEGIN
  pay := internal.lock_payment(p_tenant, p_payment);
  IF pay.status = 'failed' THEN
    RETURN pay;
  END IF;
  IF pay.status <> 'pending' THEN
    PERFORM internal.raise_error('P0P07', format('payment %s is %s, only a pending payment can fail', p_payment, pay.status),
      hint => 'Refund a completed payment instead.');
  END IF;
  UPDATE kassa.payments p
     SET status = 'failed', failed_at = now(), failure_reason = p_reason,
         provider_response = p.provider_response || jsonb_build_object('failed', p_raw)
   WHERE p.tenant_id = p_tenant AND p.id = p_payment
  RETURNING * INTO pay;
  RETURN pay;
END $$;

ALTER FUNCTION internal.fail_payment(p_tenant uuid, p_payment uuid, p_reason text, p_raw jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.fill_invoice_line() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
BEGIN
  IF TG_OP = 'UPDATE' OR NEW.amount IS NULL THEN
    NEW.amount := round(NEW.quantity * NEW.unit_price);
  END IF;
  IF NEW.vat_rate IS NULL OR (TG_OP = 'UPDATE' AND NEW.vat_category IS DISTINCT FROM OLD.vat_category) THEN
    SELECT r.rate INTO NEW.vat_rate FROM kassa.vat_rates r
     WHERE r.tenant_id = NEW.tenant_id AND r.category = NEW.vat_category;
    IF NOT FOUND THEN
      PERFORM internal.raise_error('P0I06', format('unknown VAT category "%s"', NEW.vat_category), NULL,
      'Use a category of the tenant''s VAT rates (api.vat_rates), e.g. standard.');
    END IF;
  END IF;
  RETURN NEW;
END $$;

ALTER FUNCTION internal.fill_invoice_line() OWNER TO kassa_owner;

CREATE FUNCTION internal.finalise_invoices(p_tenant_id uuid, p_invoice_ids uuid[], p_issued_on date) RETURNS SETOF kassa.invoices
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  problem   record;
  wanted    int;
  fmt       text;
  token     text;
  width     int;
  terms     int;
  first_no  bigint;
  tenant_country text;
  issuer    jsonb := internal.supplier_snapshot(p_tenant_id);
  year      int := extract(year FROM p_issued_on)::int;
BEGIN
  IF p_issued_on IS NULL THEN
    PERFORM internal.raise_error('P0I10', 'an issue date is required to finalise invoices');
  END IF;
  SELECT t.invoice_number_format, t.payment_terms_days, t.country INTO fmt, terms, tenant_country
    FROM kassa.tenants t WHERE t.id = p_tenant_id;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0T02', format('unknown tenant %s', p_tenant_id));
  END IF;

  -- Lock the invoices in a fixed order, then check them all before changing anything.
  -- The checks are set differences (EXCEPT hashes) or per-invoice lookups, never joins: the
  -- invoices were usually written by this very transaction, statistics know nothing of them,
  -- and a join planned on "one row" compares every pair.
  PERFORM 1 FROM kassa.invoices i
   WHERE i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids) ORDER BY i.id FOR UPDATE;
  SELECT d.id INTO problem FROM (SELECT unnest(p_invoice_ids) AS id
                                 EXCEPT SELECT i.id FROM kassa.invoices i
                                         WHERE i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids)) d LIMIT 1;
  IF FOUND THEN
    PERFORM internal.raise_error('P0I01', format('invoice %s not found in this tenant', problem.id));
  END IF;
  SELECT i.id, i.number, i.status INTO problem FROM kassa.invoices i
   WHERE i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids) AND i.status <> 'draft' LIMIT 1;
  IF FOUND THEN
    PERFORM internal.raise_error('P0I02',
      format('invoice %s is %s (number %s), only drafts can be finalised', problem.id, problem.status, problem.number));
  END IF;
  SELECT d.id INTO problem FROM (SELECT unnest(p_invoice_ids) AS id
                                 EXCEPT SELECT l.invoice_id FROM kassa.invoice_lines l
                                         WHERE l.tenant_id = p_tenant_id AND l.invoice_id = ANY (p_invoice_ids)) d LIMIT 1;
  IF FOUND THEN
    PERFORM internal.raise_error('P0I03', format('invoice %s has no lines', problem.id), NULL,
      'Add at least one line (api.add_invoice_line) before finalising.');
  END IF;
  SELECT c.id, c.currency, c.account_currency INTO problem
    FROM (SELECT i.id, i.currency, (SELECT a.currency FROM kassa.billing_accounts a
                                     WHERE a.tenant_id = i.tenant_id AND a.customer_id = i.customer_id LIMIT 1)
                                    AS account_currency
            FROM kassa.invoices i WHERE i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids)) c
   WHERE c.account_currency <> c.currency LIMIT 1;
  IF FOUND THEN
    PERFORM internal.raise_error('P0I04',
      format('invoice %s is in %s, the customer''s account is in %s', problem.id, problem.currency,
             problem.account_currency));
  END IF;
  SELECT b.invoice_id, sum(b.gross) AS total INTO problem
    FROM internal.invoice_vat_breakdown(p_tenant_id, p_invoice_ids) b GROUP BY b.invoice_id HAVING sum(b.gross) < 0 LIMIT 1;
  IF FOUND THEN
    PERFORM internal.raise_error('P0I12',
      format('invoice %s would total %s: an invoice cannot be negative', problem.invoice_id, problem.total), NULL,
      'Credit the customer with a credit note, or carry the credit to the next invoice.');
  END IF;
  -- An invoice of charges without a period (one-off fees of the invoice run) was supplied
  -- when its latest charge was recorded, unless it states a supply date or period itself.
  UPDATE kassa.invoices i
     SET supplied_on = (SELECT max((pc.created_at AT TIME ZONE t.timezone)::date)
                          FROM kassa.invoice_lines l
                          JOIN kassa.pending_charges pc ON pc.tenant_id = l.tenant_id AND pc.invoice_line_id = l.id
                         WHERE l.tenant_id = i.tenant_id AND l.invoice_id = i.id)
    FROM kassa.tenants t
   WHERE t.id = p_tenant_id AND i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids)
     AND i.supplied_on IS NULL AND (i.period_start IS NULL OR i.period_end IS NULL);
  -- German invoices state when the supply was made (§14(4) no. 6 UStG): a date or a period.
  IF tenant_country = 'DE' THEN
    SELECT i.id INTO problem FROM kassa.invoices i
     WHERE i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids)
       AND i.supplied_on IS NULL AND (i.period_start IS NULL OR i.period_end IS NULL) LIMIT 1;
    IF FOUND THEN
      PERFORM internal.raise_error('P0I15',
        format('invoice %s has neither a supply date nor a supply period: a German invoice needs one', problem.id),
        NULL, 'Set supplied_on, or period_start and period_end, on the draft (PATCH api.invoices).');
    END IF;
  END IF;
  SELECT count(DISTINCT x) INTO wanted FROM unnest(p_invoice_ids) x;

  -- One counter row, locked once: the batch takes a block of consecutive numbers.
  INSERT INTO kassa.counters AS c (tenant_id, kind, period, last_value)
  VALUES (p_tenant_id, 'invoice', year, wanted)
  ON CONFLICT (tenant_id, kind, period) DO UPDATE SET last_value = c.last_value + wanted
  RETURNING c.last_value - wanted INTO first_no;
  -- With the counter row locked: whoever numbered before us has committed and is seen.
  PERFORM internal.check_issue_date(p_tenant_id, 'invoice', p_issued_on);

  -- The format rendered once, only the counter per row (format_number costs two regexps a row).
  -- A counter wider than the format's digits is printed whole, never cut.
  token := substring(fmt FROM '\{N+\}');
  width := length(token) - 2;
  fmt := replace(fmt, '{YYYY}', year::text);
  WITH totals AS (
    SELECT b.invoice_id, sum(b.net)::bigint AS net, sum(b.vat)::bigint AS vat, sum(b.gross)::bigint AS gross
      FROM internal.invoice_vat_breakdown(p_tenant_id, p_invoice_ids) b GROUP BY b.invoice_id
  ), numbered AS (
    SELECT i.id, row_number() OVER (ORDER BY i.created_at, i.id) AS n
      FROM kassa.invoices i WHERE i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids)
  )
  UPDATE kassa.invoices i
     SET net_total = t.net, vat_total = t.vat, total = t.gross,
         number = split_part(fmt, token, 1)
                  || lpad((first_no + n.n)::text, greatest(width, length((first_no + n.n)::text)), '0')
                  || split_part(fmt, token, 2),
         -- Nothing to collect (a zero invoice) is settled the moment it is issued.
         status = CASE WHEN t.gross = 0 THEN 'paid' ELSE 'finalised' END,
         issued_on = p_issued_on, due_on = p_issued_on + terms, finalised_at = now(),
         supplier = issuer,
         recipient = internal.recipient_snapshot(p_tenant_id, i.customer_id)
    FROM totals t JOIN numbered n ON n.id = t.invoice_id
   WHERE i.tenant_id = p_tenant_id AND i.id = t.invoice_id;

  PERFORM internal.post_entries(e.entries)
     FROM (SELECT jsonb_agg(jsonb_build_object(
                    'tenant_id', i.tenant_id, 'customer_id', i.customer_id, 'kind', 'invoice',
                    'amount', -i.total, 'currency', i.currency, 'source_type', 'invoice',
                    'source_id', i.id, 'description', 'Invoice ' || i.number) ORDER BY i.number) AS entries
             FROM kassa.invoices i
            WHERE i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids) AND i.total <> 0) e
    WHERE e.entries IS NOT NULL;

  PERFORM internal.allocate_credit(p_tenant_id, array_agg(DISTINCT i.customer_id))
     FROM kassa.invoices i WHERE i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids);

  RETURN QUERY SELECT i.* FROM kassa.invoices i
                WHERE i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids) ORDER BY i.number;
END $$;

ALTER FUNCTION internal.finalise_invoices(p_tenant_id uuid, p_invoice_ids uuid[], p_issued_on date) OWNER TO kassa_owner;

CREATE FUNCTION internal.find_tenant(p_tenant text) RETURNS kassa.tenants
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $_$
DECLARE
  found kassa.tenants;
BEGIN
  SELECT t.* INTO found FROM kassa.tenants t
   WHERE t.slug = p_tenant
      OR (p_tenant ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' AND t.id = p_tenant::uuid);
  IF found.id IS NULL THEN
    PERFORM internal.raise_error('P0T02', format('unknown tenant %s', p_tenant));
  END IF;
  RETURN found;
END $_$;

ALTER FUNCTION internal.find_tenant(p_tenant text) OWNER TO kassa_owner;

CREATE FUNCTION internal.first_billing_date(p_day integer, p_on date) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  SELECT internal.cycle_date_after(p_day, 1, p_on, p_on - 1)
$$;

ALTER FUNCTION internal.first_billing_date(p_day integer, p_on date) OWNER TO kassa_owner;

CREATE FUNCTION internal.format_number(fmt text, year integer, n bigint) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
  SELECT regexp_replace(replace(fmt, '{YYYY}', year::text), '\{(N+)\}',
                        lpad(n::text, greatest(length(substring(fmt FROM '\{(N+)\}')), length(n::text)), '0'))
$$;

ALTER FUNCTION internal.format_number(fmt text, year integer, n bigint) OWNER TO kassa_owner;

CREATE FUNCTION internal.guard_customer_update() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
BEGIN
  -- A customer changing their own email must not learn that another customer uses it (the
  -- unique key's error would name the key): one answer that says nothing of whose it is.
  -- (Nested: EXECUTE on email_taken is checked when its expression is prepared, and only the
  -- customer role has it.)
  IF current_user = 'customer' AND lower(NEW.email) IS DISTINCT FROM lower(OLD.email) THEN
    IF internal.email_taken(NEW.tenant_id, NEW.email, NEW.id) THEN
      PERFORM internal.raise_error('P0C14', 'this email address cannot be used for this account',
        hint => 'Choose another address, or contact support.');
    END IF;
  END IF;
  IF NEW.tenant_id <> OLD.tenant_id OR NEW.id <> OLD.id OR NEW.account_number <> OLD.account_number THEN
    PERFORM internal.raise_error('P0C02', 'a customer''s tenant, id and account number never change');
  END IF;
  IF OLD.status = 'closed' AND NEW IS DISTINCT FROM OLD THEN
    PERFORM internal.refuse_closed_customer(OLD.account_number);
  END IF;
  -- Closing and suspending have conditions and consequences (services, open money) that a
  -- plain UPDATE would skip; internal.customer_transition sets the flag for its own update.
  IF NEW.status IS DISTINCT FROM OLD.status
     AND current_setting('kassa.customer_status_change', true) IS DISTINCT FROM 'on' THEN
    PERFORM internal.raise_error('P0C06', 'a customer''s status changes only through the customer status RPCs',
      hint => 'Use /rpc/close_customer, /rpc/suspend_customer or /rpc/resume_customer with a reason.');
  END IF;
  NEW.closed_at := CASE WHEN NEW.status = 'closed' THEN coalesce(OLD.closed_at, internal.clock_now()) END;
  RETURN NEW;
END $$;

ALTER FUNCTION internal.guard_customer_update() OWNER TO kassa_owner;

CREATE FUNCTION internal.guard_invoice() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM internal.raise_error('P0I05',
      format('invoice %s is %s and cannot be deleted', OLD.number, OLD.status), NULL,
      'Only drafts can be deleted; cancel a finalised invoice with a credit note.');
  END IF;
  IF OLD.status = 'void'
     OR (NEW.status = 'void' AND (NEW.amount_paid <> 0 OR NEW.amount_credited <> NEW.total))
     OR NEW.status = 'draft'
     OR (to_jsonb(NEW) - '{amount_paid,amount_credited,amount_due,status}'::text[])
        IS DISTINCT FROM (to_jsonb(OLD) - '{amount_paid,amount_credited,amount_due,status}'::text[]) THEN
    PERFORM internal.raise_error('P0I05',
      format('invoice %s is %s and frozen: only its payment state can change', OLD.number, OLD.status), NULL,
      'Correct a finalised invoice with a credit note (api.create_credit_note).');
  END IF;
  RETURN NEW;
END $$;

ALTER FUNCTION internal.guard_invoice() OWNER TO kassa_owner;

CREATE FUNCTION internal.guard_invoice_lines() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
DECLARE
  frozen record;
BEGIN
  -- From the changed lines to their invoices by primary key (the transition table has no
  -- statistics; starting from invoices made the planner compare every pair).
  SELECT i.number, i.status INTO frozen
    FROM (SELECT DISTINCT c.tenant_id, c.invoice_id FROM changed_lines c) c
    JOIN kassa.invoices i ON i.tenant_id = c.tenant_id AND i.id = c.invoice_id
   WHERE i.status <> 'draft'
   LIMIT 1;
  IF FOUND THEN
    PERFORM internal.raise_error('P0I05',
      format('invoice %s is %s and frozen: its lines cannot change', frozen.number, frozen.status), NULL,
      'Correct a finalised invoice with a credit note (api.create_credit_note).');
  END IF;
  RETURN NULL;
END $$;

ALTER FUNCTION internal.guard_invoice_lines() OWNER TO kassa_owner;

CREATE FUNCTION internal.guard_price_version() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
BEGIN
  IF NEW.tenant_id <> OLD.tenant_id OR NEW.product_id <> OLD.product_id OR NEW.version <> OLD.version THEN
    PERFORM internal.raise_error('P0S03', 'a price version''s tenant, product and number never change');
  END IF;
  IF internal.price_version_in_use(OLD.tenant_id, OLD.id) THEN
    PERFORM internal.raise_error('P0S03', format('version %s of this product is in use and cannot change', OLD.version),
      hint => 'Add a new price version with its own valid_from instead.');
  END IF;
  RETURN NEW;
END $$;

ALTER FUNCTION internal.guard_price_version() OWNER TO kassa_owner;

CREATE FUNCTION internal.guard_service() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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

ALTER FUNCTION internal.guard_service() OWNER TO kassa_owner;

CREATE FUNCTION internal.in_flight_auto_topups(p_before timestamp with time zone) RETURNS SETOF jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT jsonb_build_object('tenant_id', p.tenant_id, 'customer_id', p.customer_id, 'payment_id', p.id,
                            'amount', p.amount, 'currency', p.currency,
                            'card', internal.payment_method_details(p.tenant_id, p.payment_method_id))
    FROM kassa.auto_topups a
    JOIN kassa.payments p ON p.tenant_id = a.tenant_id AND p.id = a.in_flight_payment_id
   WHERE p.status = 'pending' AND a.last_attempt_at <= p_before
$$;

ALTER FUNCTION internal.in_flight_auto_topups(p_before timestamp with time zone) OWNER TO kassa_owner;

CREATE FUNCTION internal.interval_months(p_interval text) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  SELECT CASE p_interval WHEN 'monthly' THEN 1 WHEN 'quarterly' THEN 3 WHEN 'half_yearly' THEN 6 WHEN 'annual' THEN 12 END
$$;

ALTER FUNCTION internal.interval_months(p_interval text) OWNER TO kassa_owner;

CREATE FUNCTION internal.invoice_run(p_as_of date, p_tenant_id uuid DEFAULT NULL::uuid, p_customer_id uuid DEFAULT NULL::uuid) RETURNS TABLE(processed integer, skipped integer, invoices integer, charges integer, credit_notes integer)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  t            kassa.tenants;
  invoice_ids  uuid[];
  n_processed  integer := 0;
  n_skipped    integer := 0;
  n_invoices   integer := 0;
  n_charges    integer := 0;
  n            integer;
  lost         integer;
  billed_charges integer;
  carried_ids  uuid[];
  empty_ids    uuid[];
  credit_id    uuid;
  n_credit_notes integer := 0;
  run          uuid := gen_random_uuid();  -- this run's rows in kassa.invoice_run_lines
  nestloop     text := current_setting('enable_nestloop');
BEGIN
  IF p_as_of IS NULL THEN
    PERFORM internal.raise_error('P0R01', 'the invoice run needs a run date (as_of)');
  END IF;
  IF p_tenant_id IS NOT NULL AND NOT EXISTS (SELECT FROM kassa.tenants tn WHERE tn.id = p_tenant_id) THEN
    PERFORM internal.raise_error('P0R02', format('unknown tenant %s', p_tenant_id));
  END IF;
  FOR t IN SELECT * FROM kassa.tenants tn
            WHERE (p_tenant_id IS NULL AND tn.status = 'active') OR tn.id = p_tenant_id ORDER BY tn.id LOOP
    IF p_customer_id IS NULL THEN
      -- 1 + 2: claim due services and lay out their periods.
      WITH due AS (
        SELECT s.id, s.next_billing_date AS old_next,
               internal.cycle_date_after(s.billing_day, internal.interval_months(v.interval), s.next_billing_date,
                                         p_as_of + t.invoice_lead_days) AS new_next
          FROM kassa.services s
          JOIN kassa.price_versions v ON v.tenant_id = s.tenant_id AND v.id = s.price_version_id
         WHERE s.tenant_id = t.id AND s.status = 'active' AND s.next_billing_date <= p_as_of + t.invoice_lead_days
      ), claimed AS (
        UPDATE kassa.services s SET next_billing_date = d.new_next
          FROM due d
         WHERE s.tenant_id = t.id AND s.id = d.id AND s.status = 'active' AND s.next_billing_date = d.old_next
        RETURNING s.id, s.customer_id, s.price_version_id, s.billing_day, d.old_next, d.new_next
      )
      INSERT INTO kassa.invoice_run_lines (tenant_id, run_id, customer_id, service_id, charge_kind, description,
                                           price_version_id, quantity, unit_price, period_start, period_end)
      SELECT t.id, run, c.customer_id, c.id, 'recurring', format('%s, %s to %s', p.name, per.period_start, per.period_end - 1),
             c.price_version_id, 1, v.price, per.period_start, per.period_end - 1
        FROM claimed c
        JOIN kassa.price_versions v ON v.tenant_id = t.id AND v.id = c.price_version_id
        JOIN kassa.products p ON p.tenant_id = t.id AND p.id = v.product_id
       CROSS JOIN LATERAL internal.billing_periods(c.billing_day, internal.interval_months(v.interval), c.old_next,
                                                   c.old_next, c.new_next) per;

      -- Periods some other path already billed stay billed once.
      DELETE FROM kassa.invoice_run_lines l
       WHERE l.tenant_id = t.id AND l.run_id = run
         AND EXISTS (SELECT FROM kassa.invoice_lines il
                      WHERE il.tenant_id = t.id AND il.service_id = l.service_id
                        AND il.period_start = l.period_start AND il.charge_kind = 'recurring');
      GET DIAGNOSTICS n = ROW_COUNT;
      n_skipped := n_skipped + n;
      -- Due by date but suspended: not billed.
      n_skipped := n_skipped + (SELECT count(*) FROM kassa.services s
                                 WHERE s.tenant_id = t.id AND s.status = 'suspended'
                                   AND s.next_billing_date <= p_as_of + t.invoice_lead_days);
    END IF;

    -- 3: pending charges not yet billed (locked; a concurrent run waits, then skips them).
    INSERT INTO kassa.invoice_run_lines (tenant_id, run_id, customer_id, service_id, pending_charge_id, charge_kind,
                                         description, price_version_id, quantity, unit_price, period_start, period_end)
    SELECT t.id, run, pc.customer_id, pc.service_id, pc.id, pc.kind, pc.description, pc.price_version_id, pc.quantity,
           pc.unit_price, pc.period_start, pc.period_end
      FROM kassa.pending_charges pc
     WHERE pc.tenant_id = t.id AND NOT pc.settled
       AND (p_customer_id IS NULL OR pc.customer_id = p_customer_id)
     ORDER BY pc.tenant_id, pc.id
       FOR UPDATE OF pc;
    WITH carried AS (
      DELETE FROM kassa.invoice_run_lines l
       WHERE l.tenant_id = t.id AND l.run_id = run AND l.unit_price < 0
         AND l.customer_id IN (SELECT x.customer_id FROM kassa.invoice_run_lines x
                                WHERE x.tenant_id = t.id AND x.run_id = run
                                GROUP BY x.customer_id HAVING sum(round(x.quantity * x.unit_price)) < 0)
      RETURNING l.pending_charge_id
    )
    SELECT array_agg(c.pending_charge_id) INTO carried_ids FROM carried c;

    -- 4: one invoice per customer, then its lines. The staging table's statistics say it is
    -- empty (its rows live only inside a run), so the planner would pair the new invoices and
    -- lines with their staged rows by nested loops: 1,000 x 1,000 comparisons for one tenant.
    PERFORM set_config('enable_nestloop', 'off', true);
    WITH inv AS (
      INSERT INTO kassa.invoices (tenant_id, customer_id, currency, prices_include_vat, period_start, period_end, notes)
      SELECT t.id, l.customer_id, t.currency, t.prices_include_vat, min(l.period_start), max(l.period_end),
             format('Invoice run of %s', p_as_of)
        FROM kassa.invoice_run_lines l WHERE l.tenant_id = t.id AND l.run_id = run GROUP BY l.customer_id
      RETURNING id, customer_id
    )
    UPDATE kassa.invoice_run_lines l SET invoice_id = inv.id
      FROM inv WHERE l.tenant_id = t.id AND l.run_id = run AND l.customer_id = inv.customer_id;

    WITH ins AS (
      INSERT INTO kassa.invoice_lines AS il (tenant_id, invoice_id, id, position, description, quantity, unit_price,
                                             amount, vat_category, vat_rate, period_start, period_end, service_id,
                                             charge_kind, price_version_id)
      SELECT t.id, l.invoice_id, l.line_id,
             row_number() OVER (PARTITION BY l.invoice_id ORDER BY l.service_id, l.period_start, l.charge_kind, l.line_id),
             l.description, l.quantity, l.unit_price, round(l.quantity * l.unit_price)::bigint, v.vat_category, r.rate,
             l.period_start, l.period_end, l.service_id, l.charge_kind, l.price_version_id
        FROM kassa.invoice_run_lines l
        JOIN kassa.price_versions v ON v.tenant_id = t.id AND v.id = l.price_version_id
        JOIN kassa.vat_rates r ON r.tenant_id = t.id AND r.category = v.vat_category
       WHERE l.tenant_id = t.id AND l.run_id = run
      ON CONFLICT (tenant_id, service_id, period_start) WHERE charge_kind = 'recurring' DO NOTHING
      RETURNING il.id
    )
    UPDATE kassa.invoice_run_lines l SET billed = true
      FROM ins WHERE l.tenant_id = t.id AND l.run_id = run AND l.line_id = ins.id;
    PERFORM set_config('enable_nestloop', nestloop, true);

    UPDATE kassa.pending_charges pc SET invoice_line_id = l.line_id
      FROM kassa.invoice_run_lines l
     WHERE pc.tenant_id = t.id AND l.tenant_id = t.id AND l.run_id = run AND pc.id = l.pending_charge_id AND l.billed;

    SELECT array_agg(DISTINCT l.invoice_id) FILTER (WHERE l.billed),
           count(DISTINCT l.service_id) FILTER (WHERE l.billed AND l.charge_kind = 'recurring'),
           count(*) FILTER (WHERE NOT l.billed AND l.charge_kind = 'recurring'),
           count(*) FILTER (WHERE l.billed AND l.pending_charge_id IS NOT NULL)
      INTO invoice_ids, n, lost, billed_charges
      FROM kassa.invoice_run_lines l WHERE l.tenant_id = t.id AND l.run_id = run;
    n_processed := n_processed + n;
    n_skipped := n_skipped + lost;  -- lost to the unique index: billed by someone else
    n_charges := n_charges + billed_charges;
    -- An invoice whose every line was a conflict stays empty: remove the draft.
    SELECT array_agg(x.invoice_id) INTO empty_ids
      FROM (SELECT l.invoice_id FROM kassa.invoice_run_lines l WHERE l.tenant_id = t.id AND l.run_id = run
             GROUP BY 1 HAVING NOT bool_or(l.billed)) x;
    DELETE FROM kassa.invoice_run_lines l WHERE l.tenant_id = t.id AND l.run_id = run;
    IF empty_ids IS NOT NULL THEN
      DELETE FROM kassa.invoices i WHERE i.tenant_id = t.id AND i.id = ANY (empty_ids);
    END IF;

    -- 5: finalise or leave drafts for review.
    IF invoice_ids IS NOT NULL THEN
      IF t.invoice_run_mode = 'finalise' THEN
        PERFORM internal.finalise_invoices(t.id, invoice_ids, p_as_of);
      ELSE
        PERFORM internal.refresh_invoice_totals(t.id, invoice_ids);
      END IF;
      n_invoices := n_invoices + cardinality(invoice_ids);
    END IF;

    -- 6: credits no invoice absorbed become credit notes (see internal.credit_unbilled_credit).
    FOR credit_id IN
      SELECT pc.id FROM kassa.pending_charges pc
       WHERE pc.tenant_id = t.id AND pc.id = ANY (coalesce(carried_ids, '{}')) ORDER BY pc.id
    LOOP
      n_credit_notes := n_credit_notes + internal.credit_unbilled_credit(t.id, credit_id, p_as_of);
    END LOOP;
  END LOOP;

  processed := n_processed;
  skipped := n_skipped;
  invoices := n_invoices;
  charges := n_charges;
  credit_notes := n_credit_notes;
  RETURN NEXT;
END $$;

ALTER FUNCTION internal.invoice_run(p_as_of date, p_tenant_id uuid, p_customer_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.invoice_vat_breakdown(p_tenant_id uuid, p_invoice_ids uuid[]) RETURNS TABLE(invoice_id uuid, vat_category text, vat_rate numeric, net bigint, vat bigint, gross bigint)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  SELECT s.invoice_id, s.vat_category, s.vat_rate,
         CASE WHEN s.inc THEN s.amount - s.vat ELSE s.amount END,
         s.vat,
         CASE WHEN s.inc THEN s.amount ELSE s.amount + s.vat END
    FROM (SELECT l.invoice_id, l.vat_category, l.vat_rate, i.prices_include_vat AS inc,
                 sum(l.amount)::bigint AS amount,
                 internal.vat_of(sum(l.amount), l.vat_rate, i.prices_include_vat) AS vat
            FROM kassa.invoice_lines l
            JOIN kassa.invoices i ON i.tenant_id = l.tenant_id AND i.id = l.invoice_id
           WHERE l.tenant_id = p_tenant_id AND l.invoice_id = ANY (p_invoice_ids)
           GROUP BY l.invoice_id, l.vat_category, l.vat_rate, i.prices_include_vat) s
$$;

ALTER FUNCTION internal.invoice_vat_breakdown(p_tenant_id uuid, p_invoice_ids uuid[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.jwt_claims() RETURNS json
    LANGUAGE sql STABLE
    AS $$
  SELECT coalesce(nullif(pg_catalog.current_setting('request.jwt.claims', true), ''), '{}')::json
$$;

ALTER FUNCTION internal.jwt_claims() OWNER TO kassa_owner;

CREATE FUNCTION internal.jwt_customer_id() RETURNS uuid
    LANGUAGE sql STABLE
    AS $_$
  SELECT CASE WHEN internal.jwt_claims() ->> 'customer_id' ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'
              THEN (internal.jwt_claims() ->> 'customer_id')::uuid END
$_$;

ALTER FUNCTION internal.jwt_customer_id() OWNER TO kassa_owner;

CREATE FUNCTION internal.jwt_tenant_id() RETURNS uuid
    LANGUAGE sql STABLE
    AS $_$
  SELECT CASE WHEN internal.jwt_claims() ->> 'tenant_id' ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'
              THEN (internal.jwt_claims() ->> 'tenant_id')::uuid END
$_$;

ALTER FUNCTION internal.jwt_tenant_id() OWNER TO kassa_owner;

CREATE FUNCTION internal.ledger_mismatches() RETURNS TABLE(tenant_id uuid, customer_id uuid, cached bigint, summed bigint)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  SELECT a.tenant_id, a.customer_id, a.balance, coalesce(s.total, 0)::bigint
    FROM kassa.billing_accounts a
    LEFT JOIN (SELECT l.tenant_id, l.customer_id, sum(l.amount) AS total
                 FROM kassa.ledger_entries l GROUP BY 1, 2) s USING (tenant_id, customer_id)
   WHERE a.balance <> coalesce(s.total, 0)
$$;

ALTER FUNCTION internal.ledger_mismatches() OWNER TO kassa_owner;

CREATE FUNCTION internal.list_tenants() RETURNS TABLE(id uuid, slug text, legal_name text, country text, currency text, timezone text, status text, created_at timestamp with time zone)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT t.id, t.slug, t.legal_name, t.country::text, t.currency::text, t.timezone, t.status, t.created_at
    FROM kassa.tenants t ORDER BY t.slug
$$;

ALTER FUNCTION internal.list_tenants() OWNER TO kassa_owner;

CREATE FUNCTION internal.lock_open_customer(p_tenant_id uuid, p_customer_id uuid) RETURNS kassa.customers
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  c kassa.customers;
BEGIN
  SELECT * INTO c FROM kassa.customers cu WHERE cu.tenant_id = p_tenant_id AND cu.id = p_customer_id FOR KEY SHARE;
  IF c.status = 'closed' THEN
    PERFORM internal.refuse_closed_customer(c.account_number);
  END IF;
  RETURN c;
END $$;

ALTER FUNCTION internal.lock_open_customer(p_tenant_id uuid, p_customer_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.lock_payment(p_tenant uuid, p_payment uuid) RETURNS kassa.payments
    LANGUAGE plpgsql
    AS $$
DECLARE
  pay kassa.payments;
BEGIN
  SELECT * INTO pay FROM kassa.payments p WHERE p.tenant_id = p_tenant AND p.id = p_payment FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0P03', format('unknown payment %s in tenant %s', p_payment, p_tenant));
  END IF;
  RETURN pay;
END $$;

ALTER FUNCTION internal.lock_payment(p_tenant uuid, p_payment uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.mark_overdue(p_tenant_id uuid, p_as_of date DEFAULT NULL::date) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  as_of  date := coalesce(p_as_of, internal.tenant_today(p_tenant_id));
  marked integer;
BEGIN
  IF as_of IS NULL THEN  -- only an unknown tenant has no today
    PERFORM internal.raise_error('P0T02', format('unknown tenant %s', p_tenant_id));
  END IF;
  UPDATE kassa.invoices i SET status = 'overdue'
   WHERE i.tenant_id = p_tenant_id AND i.status IN ('finalised', 'partially_paid') AND i.due_on < as_of
     AND i.amount_due > 0;
  GET DIAGNOSTICS marked = ROW_COUNT;
  RETURN marked;
END $$;

ALTER FUNCTION internal.mark_overdue(p_tenant_id uuid, p_as_of date) OWNER TO kassa_owner;

CREATE FUNCTION internal.method_owner(p_customer uuid) RETURNS uuid
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
BEGIN
  IF current_setting('role') = 'customer' THEN
    IF p_customer IS NOT NULL AND p_customer <> internal.jwt_customer_id() THEN
      PERFORM internal.raise_error('P0M01', 'customers manage only their own payment methods');
    END IF;
    RETURN internal.jwt_customer_id();
  END IF;
  IF p_customer IS NULL THEN
    PERFORM internal.raise_error('P0M02', 'staff name the customer (customer_id)');
  END IF;
  RETURN p_customer;
END $$;

ALTER FUNCTION internal.method_owner(p_customer uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.money_text(p_tenant_id uuid, p_amount bigint) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT format('%s %s', round(p_amount / power(10::numeric, cur.minor_units), cur.minor_units), t.currency)
    FROM kassa.tenants t JOIN kassa.currencies cur ON cur.code = t.currency WHERE t.id = p_tenant_id
$$;

ALTER FUNCTION internal.money_text(p_tenant_id uuid, p_amount bigint) OWNER TO kassa_owner;

CREATE FUNCTION internal.month_index(p_date date) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  SELECT ((extract(year FROM p_date) - 2000) * 12 + extract(month FROM p_date) - 1)::integer
$$;

ALTER FUNCTION internal.month_index(p_date date) OWNER TO kassa_owner;

CREATE FUNCTION internal.new_payment(p_tenant uuid, p_customer uuid, p_provider text, p_method text, p_purpose text, p_amount bigint, p_currency text, p_provider_ref text DEFAULT NULL::text, p_idempotency_key text DEFAULT NULL::text, p_payment_method uuid DEFAULT NULL::uuid, p_auto_topup boolean DEFAULT false, p_reason text DEFAULT NULL::text) RETURNS kassa.payments
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  account_currency text;
  limits record;
  created kassa.payments;
BEGIN
  SELECT a.currency INTO account_currency FROM kassa.billing_accounts a JOIN kassa.customers c
      ON c.tenant_id = a.tenant_id AND c.id = a.customer_id
   WHERE a.tenant_id = p_tenant AND a.customer_id = p_customer AND c.status <> 'closed';
  IF account_currency IS NULL THEN
    PERFORM internal.raise_error('P0P05', format('unknown customer %s in tenant %s', p_customer, p_tenant),
      hint => 'The payment names a customer that does not exist in this tenant or is closed.');
  END IF;
  IF upper(p_currency) IS DISTINCT FROM account_currency THEN
    PERFORM internal.raise_error('P0P04', format('payment currency %s does not match the account currency %s', upper(p_currency), account_currency));
  END IF;
  IF p_amount IS NULL OR p_amount <= 0 THEN
    PERFORM internal.raise_error('P0P01', 'payment amount must be positive');
  END IF;
  IF p_purpose = 'top_up' THEN
    limits := internal.top_up_limits(p_tenant);
    IF p_amount < limits.min_top_up THEN
      PERFORM internal.raise_error('P0P01', format('top-up of %s is below the minimum of %s', p_amount, limits.min_top_up),
        hint => 'Amounts are in minor units (cents).');
    END IF;
    IF p_amount > limits.max_top_up THEN
      PERFORM internal.raise_error('P0P02', format('top-up of %s is above the maximum of %s', p_amount, limits.max_top_up),
        hint => 'Amounts are in minor units (cents).');
    END IF;
  END IF;
  INSERT INTO kassa.payments (tenant_id, customer_id, provider, provider_ref, method, purpose, amount,
                              currency, idempotency_key, payment_method_id, auto_topup, reason)
  VALUES (p_tenant, p_customer, p_provider, p_provider_ref, p_method, p_purpose, p_amount,
          account_currency, p_idempotency_key, p_payment_method, p_auto_topup, p_reason)
  RETURNING * INTO created;
  RETURN created;
END $$;

ALTER FUNCTION internal.new_payment(p_tenant uuid, p_customer uuid, p_provider text, p_method text, p_purpose text, p_amount bigint, p_currency text, p_provider_ref text, p_idempotency_key text, p_payment_method uuid, p_auto_topup boolean, p_reason text) OWNER TO kassa_owner;

CREATE FUNCTION internal.next_billing_date(p_day integer, p_months integer, p_billing_date date) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  SELECT internal.cycle_date(p_day, p_months, p_billing_date, 1)
$$;

ALTER FUNCTION internal.next_billing_date(p_day integer, p_months integer, p_billing_date date) OWNER TO kassa_owner;

CREATE FUNCTION internal.next_number(p_tenant uuid, p_kind text, p_period integer) RETURNS bigint
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  INSERT INTO kassa.counters AS c (tenant_id, kind, period, last_value)
  VALUES (p_tenant, p_kind, p_period, 1)
  ON CONFLICT (tenant_id, kind, period) DO UPDATE SET last_value = c.last_value + 1
  RETURNING last_value
$$;

ALTER FUNCTION internal.next_number(p_tenant uuid, p_kind text, p_period integer) OWNER TO kassa_owner;

CREATE FUNCTION internal.notify_access_ended(p_tenant uuid, p_customer uuid) RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  SELECT pg_catalog.pg_notify('kassa_access', pg_catalog.json_build_object('tenant_id', p_tenant, 'customer_id', p_customer)::text)
$$;

ALTER FUNCTION internal.notify_access_ended(p_tenant uuid, p_customer uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.notify_balance() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
BEGIN
  PERFORM pg_notify('kassa_balance', json_build_object('tenant_id', NEW.tenant_id,
                                                       'customer_id', NEW.customer_id)::text);
  RETURN NULL;
END $$;

ALTER FUNCTION internal.notify_balance() OWNER TO kassa_owner;

CREATE FUNCTION internal.open_billing_account() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
BEGIN
  INSERT INTO kassa.billing_accounts (tenant_id, customer_id, currency)
  SELECT NEW.tenant_id, NEW.id, t.currency FROM kassa.tenants t WHERE t.id = NEW.tenant_id;
  RETURN NULL;
END $$;

ALTER FUNCTION internal.open_billing_account() OWNER TO kassa_owner;

CREATE FUNCTION internal.payment_method_details(p_tenant uuid, p_method uuid) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT public.pgp_sym_decrypt(s.details_encrypted, internal.payment_method_key())::jsonb
    FROM kassa.payment_method_secrets s
   WHERE s.tenant_id = p_tenant AND s.payment_method_id = p_method
$$;

ALTER FUNCTION internal.payment_method_details(p_tenant uuid, p_method uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.payment_method_key() RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
DECLARE
  key text := nullif(current_setting('app.settings.payment_method_key', true), '');
BEGIN
  IF key IS NULL THEN
    PERFORM internal.raise_error('P0M03', 'the payment method key is not configured for this session',
      hint => 'Set app.settings.payment_method_key (KASSA_PAYMENT_METHOD_KEY) on the connection.');
  END IF;
  RETURN key;
END $$;

ALTER FUNCTION internal.payment_method_key() OWNER TO kassa_owner;

CREATE FUNCTION internal.post_entries(p_entries jsonb) RETURNS SETOF kassa.ledger_entries
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  problem record;
BEGIN
  SELECT i.* INTO problem FROM internal.posting_rows(p_entries) i
   WHERE i.tenant_id IS NULL OR i.customer_id IS NULL OR i.kind IS NULL OR i.amount IS NULL
      OR i.source_type IS NULL OR i.source_id IS NULL LIMIT 1;
  IF FOUND THEN
    PERFORM internal.raise_error('P0L02', format('ledger entry %s is incomplete', problem.n),
      hint => 'Every entry needs tenant_id, customer_id, kind, amount, source_type and source_id.');
  END IF;

  PERFORM 1 FROM kassa.billing_accounts a
   WHERE (a.tenant_id, a.customer_id) IN (SELECT i.tenant_id, i.customer_id FROM internal.posting_rows(p_entries) i)
   ORDER BY a.tenant_id, a.customer_id
   FOR UPDATE;

  SELECT i.n, a.currency AS account_currency, i.currency INTO problem
    FROM internal.posting_rows(p_entries) i
    LEFT JOIN kassa.billing_accounts a USING (tenant_id, customer_id)
   WHERE a.customer_id IS NULL OR i.currency <> a.currency LIMIT 1;
  IF FOUND THEN
    IF problem.account_currency IS NULL THEN
      PERFORM internal.raise_error('P0L03', format('ledger entry %s: no billing account for that customer in that tenant', problem.n));
    END IF;
    PERFORM internal.raise_error('P0L04', format('ledger entry %s is in %s, the account is in %s', problem.n, problem.currency, problem.account_currency));
  END IF;

  -- A document posting the same kind again with a different amount is a bug upstream.
  SELECT i.n, i.source_type, i.source_id INTO problem
    FROM internal.posting_rows(p_entries) i
    JOIN kassa.ledger_entries l USING (tenant_id, source_type, source_id, kind)
   WHERE l.amount <> i.amount OR l.customer_id <> i.customer_id LIMIT 1;
  IF FOUND THEN
    PERFORM internal.raise_error('P0L05', format('%s %s was already posted with another amount or customer', problem.source_type, problem.source_id));
  END IF;

  RETURN QUERY
  WITH fresh AS (
    SELECT DISTINCT ON (i.tenant_id, i.source_type, i.source_id, i.kind) i.*
      FROM internal.posting_rows(p_entries) i
     WHERE NOT EXISTS (SELECT FROM kassa.ledger_entries l
                        WHERE l.tenant_id = i.tenant_id AND l.source_type = i.source_type
                          AND l.source_id = i.source_id AND l.kind = i.kind)
     ORDER BY i.tenant_id, i.source_type, i.source_id, i.kind, i.n
  ), running AS (
    SELECT f.*, a.currency AS account_currency,
           a.balance + sum(f.amount) OVER (PARTITION BY f.tenant_id, f.customer_id ORDER BY f.n) AS balance_after
      FROM fresh f JOIN kassa.billing_accounts a USING (tenant_id, customer_id)
  ), moved AS (
    UPDATE kassa.billing_accounts a
       SET balance = a.balance + d.delta, updated_at = now()
      FROM (SELECT r.tenant_id, r.customer_id, sum(r.amount)::bigint AS delta
              FROM running r GROUP BY 1, 2) d
     WHERE a.tenant_id = d.tenant_id AND a.customer_id = d.customer_id
  )
  INSERT INTO kassa.ledger_entries AS l (tenant_id, customer_id, kind, amount, currency, balance_after,
                                         source_type, source_id, description)
  SELECT r.tenant_id, r.customer_id, r.kind, r.amount, r.account_currency, r.balance_after,
         r.source_type, r.source_id, r.description
    FROM running r ORDER BY r.n
  RETURNING l.*;

  SELECT a.customer_id, a.balance, a.credit_limit INTO problem
    FROM kassa.billing_accounts a
   WHERE (a.tenant_id, a.customer_id) IN (
           SELECT (e.v ->> 'tenant_id')::uuid, (e.v ->> 'customer_id')::uuid
             FROM pg_catalog.jsonb_array_elements(p_entries) e(v)
            WHERE (e.v ->> 'amount')::bigint < 0 AND e.v ->> 'kind' <> 'invoice'
              AND NOT coalesce((e.v ->> 'allow_overdraft')::boolean, false))
     AND a.balance < -a.credit_limit LIMIT 1;
  IF FOUND THEN
    PERFORM internal.raise_error('P0L01', format('insufficient balance: the posting would take the balance to %s (credit limit %s)', problem.balance, problem.credit_limit),
      detail => format('customer_id %s', problem.customer_id));
  END IF;
END $$;

ALTER FUNCTION internal.post_entries(p_entries jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.post_entry(p_tenant uuid, p_customer uuid, p_kind text, p_amount bigint, p_source_type text, p_source_id text, p_description text DEFAULT ''::text) RETURNS SETOF kassa.ledger_entries
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT * FROM internal.post_entries(jsonb_build_array(jsonb_build_object(
    'tenant_id', p_tenant, 'customer_id', p_customer, 'kind', p_kind, 'amount', p_amount,
    'source_type', p_source_type, 'source_id', p_source_id, 'description', p_description)))
$$;

ALTER FUNCTION internal.post_entry(p_tenant uuid, p_customer uuid, p_kind text, p_amount bigint, p_source_type text, p_source_id text, p_description text) OWNER TO kassa_owner;

CREATE FUNCTION internal.posting_rows(p_entries jsonb) RETURNS TABLE(n bigint, tenant_id uuid, customer_id uuid, kind text, amount bigint, currency character, source_type text, source_id text, description text)
    LANGUAGE plpgsql IMMUTABLE ROWS 1
    AS $$
BEGIN
  RETURN QUERY
  SELECT e.n, (e.v ->> 'tenant_id')::uuid, (e.v ->> 'customer_id')::uuid, e.v ->> 'kind',
         (e.v ->> 'amount')::bigint, (e.v ->> 'currency')::char(3), e.v ->> 'source_type', e.v ->> 'source_id',
         coalesce(e.v ->> 'description', '')
    FROM pg_catalog.jsonb_array_elements(p_entries) WITH ORDINALITY AS e(v, n);
END $$;

ALTER FUNCTION internal.posting_rows(p_entries jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.price_version_in_use(p_tenant_id uuid, p_id uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT EXISTS (SELECT FROM kassa.services s WHERE s.tenant_id = p_tenant_id AND s.price_version_id = p_id)
      OR EXISTS (SELECT FROM kassa.pending_charges c WHERE c.tenant_id = p_tenant_id AND c.price_version_id = p_id)
      OR EXISTS (SELECT FROM kassa.invoice_lines l WHERE l.tenant_id = p_tenant_id AND l.price_version_id = p_id)
$$;

ALTER FUNCTION internal.price_version_in_use(p_tenant_id uuid, p_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.prorate(p_price bigint, p_start date, p_end date, p_from date, p_to date) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  SELECT internal.prorate_share(p_price, p_to - p_start, p_end - p_start)
       - internal.prorate_share(p_price, p_from - p_start, p_end - p_start)
$$;

ALTER FUNCTION internal.prorate(p_price bigint, p_start date, p_end date, p_from date, p_to date) OWNER TO kassa_owner;

CREATE FUNCTION internal.prorate_range(p_price bigint, p_day integer, p_months integer, p_anchor date, p_from date, p_to date) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  SELECT sign(p_to - p_from)::bigint * coalesce(sum(internal.prorate(p_price, p.period_start, p.period_end,
                                                  greatest(p.period_start, least(p_from, p_to)),
                                                  least(p.period_end, greatest(p_from, p_to)))), 0)::bigint
    FROM internal.billing_periods(p_day, p_months, p_anchor, least(p_from, p_to), greatest(p_from, p_to)) p
$$;

ALTER FUNCTION internal.prorate_range(p_price bigint, p_day integer, p_months integer, p_anchor date, p_from date, p_to date) OWNER TO kassa_owner;

CREATE FUNCTION internal.prorate_share(p_price bigint, p_days integer, p_length integer) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  SELECT round(p_price::numeric * p_days / p_length)::bigint
$$;

ALTER FUNCTION internal.prorate_share(p_price bigint, p_days integer, p_length integer) OWNER TO kassa_owner;

CREATE FUNCTION internal.queue_job_run(p_job text, p_tenant uuid, p_as_of date, p_origin text, p_slot timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  run_id bigint;
BEGIN
  IF p_origin NOT IN ('schedule', 'staff') THEN
    PERFORM internal.raise_error('P0J10', format('job runs are queued by the schedule or by staff, not "%s"', p_origin));
  END IF;
  -- Concurrent requests for the same job and tenant queue one after the other.
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('kassa.job_queue'),
                                           pg_catalog.hashtext(p_job || '/' || coalesce(p_tenant::text, '')));
  SELECT r.id INTO run_id FROM kassa.job_runs r
   WHERE r.job = p_job AND r.tenant_id IS NOT DISTINCT FROM p_tenant
     AND r.status IN ('queued', 'running') AND r.origin <> 'manual'
   ORDER BY r.id LIMIT 1;
  IF run_id IS NULL THEN
    INSERT INTO kassa.job_runs (job, as_of, tenant_id, status, origin, slot, queued_at)
    VALUES (p_job, p_as_of, p_tenant, 'queued', p_origin, p_slot, pg_catalog.clock_timestamp())
    RETURNING id INTO run_id;
    PERFORM pg_catalog.pg_notify('kassa_job_queue', run_id::text);
  END IF;
  RETURN run_id;
END $$;

ALTER FUNCTION internal.queue_job_run(p_job text, p_tenant uuid, p_as_of date, p_origin text, p_slot timestamp with time zone) OWNER TO kassa_owner;

CREATE FUNCTION internal.raise_error(code text, message text, detail text DEFAULT NULL::text, hint text DEFAULT NULL::text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
BEGIN
  IF coalesce(current_setting('request.method', true), '') <> '' THEN
    RAISE SQLSTATE 'PGRST' USING
      message = json_build_object('code', code, 'message', message, 'details', detail, 'hint', hint)::text,
      detail = json_build_object('status', 400, 'headers', json_build_object())::text;
  END IF;
  -- RAISE refuses NULL options, hence one branch per combination.
  IF detail IS NULL AND hint IS NULL THEN
    RAISE EXCEPTION USING errcode = code, message = message;
  ELSIF detail IS NULL THEN
    RAISE EXCEPTION USING errcode = code, message = message, hint = hint;
  ELSIF hint IS NULL THEN
    RAISE EXCEPTION USING errcode = code, message = message, detail = detail;
  END IF;
  RAISE EXCEPTION USING errcode = code, message = message, detail = detail, hint = hint;
END $$;

ALTER FUNCTION internal.raise_error(code text, message text, detail text, hint text) OWNER TO kassa_owner;

CREATE FUNCTION internal.recipient_snapshot(p_tenant_id uuid, p_customer_id uuid) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  SELECT jsonb_build_object('name', c.name, 'company_name', c.company_name, 'address', c.address,
                            'vat_number', c.vat_number)
    FROM kassa.customers c WHERE c.tenant_id = p_tenant_id AND c.id = p_customer_id
$$;

ALTER FUNCTION internal.recipient_snapshot(p_tenant_id uuid, p_customer_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.record_manual_payment(p_tenant uuid, p_customer uuid, p_amount bigint, p_method text, p_reason text, p_reference text, p_actor text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  why text := internal.require_reason(p_reason);
  pay kassa.payments;
BEGIN
  IF p_method NOT IN ('cash', 'eft') OR p_method IS NULL THEN
    PERFORM internal.raise_error('P0P10', format('a manual payment is cash or eft, not "%s"', p_method));
  END IF;
  SELECT * INTO pay FROM kassa.payments p
   WHERE p.tenant_id = p_tenant AND p.provider = 'manual' AND p.provider_ref = p_reference;
  IF FOUND THEN
    IF pay.customer_id = p_customer AND pay.amount = p_amount THEN
      RETURN pay.id;
    END IF;
    PERFORM internal.raise_error('P0P12', format('reference %s is already recorded for another payment', p_reference),
      hint => 'A reference names one payment; give this one its own.');
  END IF;
  pay := internal.new_payment(p_tenant, p_customer, 'manual', p_method, 'payment', p_amount,
                              (SELECT b.currency FROM kassa.billing_accounts b
                                WHERE b.tenant_id = p_tenant AND b.customer_id = p_customer),
                              p_reference, NULL, NULL, false, why);
  PERFORM internal.complete_payment(p_tenant, pay.id, pay.amount, pay.currency, NULL,
                                    jsonb_build_object('recorded_by', p_actor));
  RETURN pay.id;
END $$;

ALTER FUNCTION internal.record_manual_payment(p_tenant uuid, p_customer uuid, p_amount bigint, p_method text, p_reason text, p_reference text, p_actor text) OWNER TO kassa_owner;

CREATE FUNCTION internal.refresh_invoice_totals(p_tenant_id uuid, p_invoice_ids uuid[]) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  UPDATE kassa.invoices i
     SET net_total = coalesce(t.net, 0), vat_total = coalesce(t.vat, 0), total = coalesce(t.gross, 0)
    FROM (SELECT d.id, sum(b.net)::bigint AS net, sum(b.vat)::bigint AS vat, sum(b.gross)::bigint AS gross
            FROM unnest(p_invoice_ids) AS d(id)
            LEFT JOIN internal.invoice_vat_breakdown(p_tenant_id, p_invoice_ids) b ON b.invoice_id = d.id
           GROUP BY d.id) t
   WHERE i.tenant_id = p_tenant_id AND i.id = t.id AND i.status = 'draft'
$$;

ALTER FUNCTION internal.refresh_invoice_totals(p_tenant_id uuid, p_invoice_ids uuid[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.refund_manual_payment(p_tenant uuid, p_payment uuid, p_amount bigint, p_reason text, p_actor text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  provider text;
BEGIN
  SELECT p.provider INTO provider FROM kassa.payments p WHERE p.tenant_id = p_tenant AND p.id = p_payment;
  IF provider IS NULL THEN
    PERFORM internal.raise_error('P0P03', format('unknown payment %s', p_payment));
  END IF;
  IF provider <> 'manual' THEN
    PERFORM internal.raise_error('P0P11', format('payment %s was made through %s; refund it through the gateway', p_payment, provider),
      hint => 'POST /refunds on the bridge (staff token) refunds a card payment at Stripe and records it.');
  END IF;
  RETURN (internal.refund_payment(p_tenant, p_payment, 'refund', p_amount, NULL, internal.require_reason(p_reason),
                                  jsonb_build_object('refunded_by', p_actor))).id;
END $$;

ALTER FUNCTION internal.refund_manual_payment(p_tenant uuid, p_payment uuid, p_amount bigint, p_reason text, p_actor text) OWNER TO kassa_owner;

CREATE TABLE kassa.payment_refunds (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    payment_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    kind text NOT NULL,
    amount bigint NOT NULL,
    bonus_reversed bigint DEFAULT 0 NOT NULL,
    provider_ref text,
    reason text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT payment_refunds_amount_positive CHECK ((amount > 0)),
    CONSTRAINT payment_refunds_kind_known CHECK ((kind = ANY (ARRAY['refund'::text, 'dispute'::text]))),
    CONSTRAINT payment_refunds_reason_not_blank CHECK ((btrim(reason) <> ''::text))
);

ALTER TABLE kassa.payment_refunds OWNER TO kassa_owner;

CREATE FUNCTION internal.refund_payment(p_tenant uuid, p_payment uuid, p_kind text, p_amount bigint, p_provider_ref text, p_reason text, p_raw jsonb DEFAULT '{}'::jsonb) RETURNS kassa.payment_refunds
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  pay kassa.payments;
  refund kassa.payment_refunds;
  bonus_share bigint;
BEGIN
  pay := internal.lock_payment(p_tenant, p_payment);
  SELECT * INTO refund FROM kassa.payment_refunds r
   WHERE r.tenant_id = p_tenant AND r.kind = p_kind AND r.provider_ref = p_provider_ref;
  IF FOUND THEN
    RETURN refund;
  END IF;
  PERFORM internal.check_refund(pay, p_amount, p_reason);
  -- Cumulative rounding: the bonus shares of all refunds sum to the whole bonus.
  bonus_share := round(pay.bonus::numeric * (pay.amount_refunded + p_amount) / pay.amount)::bigint
               - round(pay.bonus::numeric * pay.amount_refunded / pay.amount)::bigint;
  INSERT INTO kassa.payment_refunds (tenant_id, payment_id, customer_id, kind, amount, bonus_reversed,
                                     provider_ref, reason)
  VALUES (p_tenant, p_payment, pay.customer_id, p_kind, p_amount, bonus_share, p_provider_ref, p_reason)
  RETURNING * INTO refund;
  UPDATE kassa.payments p
     SET amount_refunded = p.amount_refunded + p_amount,
         status = CASE WHEN p.amount_refunded + p_amount = p.amount THEN 'refunded' ELSE 'partially_refunded' END,
         provider_response = p.provider_response || jsonb_build_object(p_kind || ':' || refund.id, p_raw)
   WHERE p.tenant_id = p_tenant AND p.id = p_payment;
  PERFORM internal.post_entries(jsonb_build_array(
    jsonb_build_object('tenant_id', p_tenant, 'customer_id', pay.customer_id,
                       'kind', CASE p_kind WHEN 'refund' THEN 'refund' ELSE 'reversal' END,
                       'amount', -p_amount, 'source_type', 'payment_refund', 'source_id', refund.id,
                       'description', p_reason,
                       -- a refund the gateway reports (it has a provider reference) has happened
                       'allow_overdraft', p_provider_ref IS NOT NULL)
  ) || CASE WHEN bonus_share > 0 THEN jsonb_build_array(
    jsonb_build_object('tenant_id', p_tenant, 'customer_id', pay.customer_id, 'kind', 'bonus',
                       'amount', -bonus_share, 'source_type', 'payment_refund', 'source_id', refund.id,
                       'description', 'bonus of a refunded top-up', 'allow_overdraft', p_provider_ref IS NOT NULL)) ELSE '[]' END);
  -- Money that settled invoices has left: the newest of them are open again.
  PERFORM internal.allocate_credit(p_tenant, ARRAY[pay.customer_id]);
  RETURN refund;
END $$;

ALTER FUNCTION internal.refund_payment(p_tenant uuid, p_payment uuid, p_kind text, p_amount bigint, p_provider_ref text, p_reason text, p_raw jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.refuse_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
BEGIN
  PERFORM internal.raise_error(TG_ARGV[0], TG_ARGV[1], NULL, TG_ARGV[2]);
  RETURN NULL;  -- not reached: raise_error always raises
END $$;

ALTER FUNCTION internal.refuse_change() OWNER TO kassa_owner;

CREATE FUNCTION internal.refuse_closed_customer(p_account_number text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
BEGIN
  PERFORM internal.raise_error('P0C01', format('customer %s is closed', p_account_number),
    hint => 'A closed account is kept for the record and cannot change; open a new customer.');
END $$;

ALTER FUNCTION internal.refuse_closed_customer(p_account_number text) OWNER TO kassa_owner;

CREATE FUNCTION internal.refuse_credit_note_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
BEGIN
  PERFORM internal.raise_error('P0N08', 'credit notes are final', NULL,
      'Issue a new document instead of changing an issued one.');
  RETURN NULL;  -- not reached: raise_error always raises
END $$;

ALTER FUNCTION internal.refuse_credit_note_change() OWNER TO kassa_owner;

CREATE FUNCTION internal.reject_webhook_event(p_provider text, p_event_id text, p_type text, p_payload jsonb, p_error text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  INSERT INTO kassa.webhook_events AS w (provider, event_id, type, payload, status, error, processed_at)
  VALUES (p_provider, p_event_id, coalesce(p_type, 'unknown'), p_payload, 'rejected', p_error, now())
  ON CONFLICT (provider, event_id) DO UPDATE
     SET status = 'rejected', error = excluded.error, processed_at = now(), attempts = w.attempts + 1
   WHERE w.status NOT IN ('processed', 'ignored')
$$;

ALTER FUNCTION internal.reject_webhook_event(p_provider text, p_event_id text, p_type text, p_payload jsonb, p_error text) OWNER TO kassa_owner;

CREATE FUNCTION internal.remember(p_tenant uuid, p_request_id text, p_operation text, p_arguments jsonb, p_result jsonb) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  kept_since constant timestamptz := internal.clock_now() - interval '30 days';
BEGIN
  IF p_request_id IS NULL THEN
    RETURN;
  END IF;
  INSERT INTO kassa.request_results (tenant_id, request_id, operation, arguments, result, created_at)
  VALUES (p_tenant, p_request_id, p_operation, p_arguments, coalesce(p_result, 'null'), internal.clock_now());
  DELETE FROM kassa.request_results r WHERE r.tenant_id = p_tenant AND r.created_at < kept_since;
END $$;

ALTER FUNCTION internal.remember(p_tenant uuid, p_request_id text, p_operation text, p_arguments jsonb, p_result jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.replayed(p_tenant uuid, p_request_id text, p_operation text, p_arguments jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  earlier kassa.request_results;
BEGIN
  IF p_request_id IS NULL THEN
    RETURN NULL;
  END IF;
  IF length(p_request_id) NOT BETWEEN 1 AND 200 OR btrim(p_request_id) = '' THEN
    PERFORM internal.raise_error('P0Q02', 'a request_id has 1 to 200 characters');
  END IF;
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(p_tenant::text || '/' || p_request_id, 0));
  SELECT * INTO earlier FROM kassa.request_results r WHERE r.tenant_id = p_tenant AND r.request_id = p_request_id;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF earlier.operation <> p_operation OR earlier.arguments <> p_arguments THEN
    PERFORM internal.raise_error('P0Q01', format('request_id %s was already used for another call', p_request_id),
      format('first used for %s with %s', earlier.operation, earlier.arguments),
      'A request id names one attempt: retry with the same arguments, or use a new id for a new call.');
  END IF;
  RETURN earlier.result;
END $$;

ALTER FUNCTION internal.replayed(p_tenant uuid, p_request_id text, p_operation text, p_arguments jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.request_auto_topup() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
BEGIN
  -- Most accounts have no auto top-up: look before writing, so a posting to them (an invoice
  -- run posts thousands) costs a key lookup, not an UPDATE with its statement triggers.
  IF NOT EXISTS (SELECT FROM kassa.auto_topups a
                  WHERE a.tenant_id = NEW.tenant_id AND a.customer_id = NEW.customer_id AND a.enabled
                    AND a.requested_at IS NULL AND NEW.balance < a.threshold) THEN
    RETURN NULL;
  END IF;
  UPDATE kassa.auto_topups a SET requested_at = now()
   WHERE a.tenant_id = NEW.tenant_id AND a.customer_id = NEW.customer_id AND a.enabled
     AND a.requested_at IS NULL AND NEW.balance < a.threshold;
  IF FOUND THEN
    PERFORM pg_notify('kassa_auto_topup', json_build_object('tenant_id', NEW.tenant_id,
                                                            'customer_id', NEW.customer_id)::text);
  END IF;
  RETURN NULL;
END $$;

ALTER FUNCTION internal.request_auto_topup() OWNER TO kassa_owner;

CREATE FUNCTION internal.require_reason(p_reason text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
BEGIN
  IF nullif(btrim(p_reason), '') IS NULL THEN
    PERFORM internal.raise_error('P0P09', 'a reason is required',
      hint => 'Say why, for the audit log (e.g. "cash at the counter, receipt 1234").');
  END IF;
  RETURN btrim(p_reason);
END $$;

ALTER FUNCTION internal.require_reason(p_reason text) OWNER TO kassa_owner;

CREATE FUNCTION internal.save_payment_method(p_method kassa.payment_methods, p_details jsonb, p_primary boolean) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  new_id uuid;
BEGIN
  PERFORM 1 FROM kassa.customers c WHERE c.tenant_id = p_method.tenant_id AND c.id = p_method.customer_id
     FOR UPDATE;  -- one primary switch at a time per customer
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0M01', format('unknown customer %s in tenant %s', p_method.customer_id, p_method.tenant_id));
  END IF;
  p_method.is_primary := p_primary OR NOT EXISTS (
    SELECT FROM kassa.payment_methods m WHERE m.tenant_id = p_method.tenant_id
       AND m.customer_id = p_method.customer_id AND m.is_primary);
  IF p_method.is_primary THEN
    UPDATE kassa.payment_methods m SET is_primary = false
     WHERE m.tenant_id = p_method.tenant_id AND m.customer_id = p_method.customer_id AND m.is_primary;
  END IF;
  INSERT INTO kassa.payment_methods (tenant_id, customer_id, kind, is_primary, brand, last4, exp_month, exp_year,
                                     bank, account_type, account_masked, mandate_reference, mandate_status)
  VALUES (p_method.tenant_id, p_method.customer_id, p_method.kind, p_method.is_primary, p_method.brand,
          p_method.last4, p_method.exp_month, p_method.exp_year, p_method.bank, p_method.account_type,
          p_method.account_masked, p_method.mandate_reference, p_method.mandate_status)
  RETURNING id INTO new_id;
  IF p_details IS NOT NULL THEN
    INSERT INTO kassa.payment_method_secrets (tenant_id, payment_method_id, details_encrypted)
    VALUES (p_method.tenant_id, new_id, public.pgp_sym_encrypt(p_details::text, internal.payment_method_key()));
  END IF;
  RETURN new_id;
END $$;

ALTER FUNCTION internal.save_payment_method(p_method kassa.payment_methods, p_details jsonb, p_primary boolean) OWNER TO kassa_owner;

CREATE FUNCTION internal.service_transition(p_tenant_id uuid, p_service_id uuid, p_action text, p_reason text, p_on date DEFAULT NULL::date, p_price_version_id uuid DEFAULT NULL::uuid, p_suspension_reason text DEFAULT 'service_suspended'::text) RETURNS kassa.services
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  s        kassa.services;
  before   kassa.services;
  t        kassa.tenants;
  customer kassa.customers;
  old_v    kassa.price_versions;
  new_v    kassa.price_versions;
  on_day   date;
  charged  boolean := false;
  allowed  constant jsonb := '{"activate": ["pending"], "suspend": ["active"], "resume": ["suspended"],
                               "cancel": ["pending", "active", "suspended"], "change_plan": ["pending", "active"]}';
BEGIN
  IF p_reason IS NULL OR btrim(p_reason) = '' THEN
    PERFORM internal.raise_error('P0S05', format('a reason is required to %s a service', replace(p_action, '_', ' ')),
      hint => 'Say why, in a few words: it is kept in the service''s action log.');
  END IF;
  -- The customer is locked before the service, in the order internal.customer_transition takes them.
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
  SELECT * INTO t FROM kassa.tenants tn WHERE tn.id = p_tenant_id;
  on_day := coalesce(p_on, internal.tenant_today(p_tenant_id));
  IF on_day < coalesce(s.suspended_on, s.activated_on, on_day) THEN
    PERFORM internal.raise_error('P0S09', format('cannot %s a service with effect from %s, before its last change on %s',
                                                 replace(p_action, '_', ' '), on_day, coalesce(s.suspended_on, s.activated_on)));
  END IF;
  SELECT * INTO old_v FROM kassa.price_versions v WHERE v.tenant_id = p_tenant_id AND v.id = s.price_version_id;
  before := s;
  PERFORM set_config('kassa.service_transition', 'on', true);

  CASE p_action
  WHEN 'activate' THEN
    s.status := 'active';
    s.activated_on := on_day;
    s.next_billing_date := internal.first_billing_date(s.billing_day, on_day);
    -- The first, partial period: from activation to the first billing date.
    PERFORM internal.add_proration(s, s.price_version_id, on_day, s.next_billing_date, 1, 'First period');
    charged := on_day < s.next_billing_date;
  WHEN 'suspend' THEN
    s.status := 'suspended';
    s.suspended_on := on_day;
    s.suspension_reason := p_suspension_reason;
  WHEN 'resume' THEN
    s.status := 'active';
    s.suspended_on := NULL;
    s.suspension_reason := NULL;
    -- Periods that began while suspended are not billed; the part of the current one from
    -- the resumption day is. A period already billed before the suspension is not credited.
    IF s.next_billing_date <= on_day THEN
      s.next_billing_date := internal.first_billing_date(s.billing_day, on_day);
      -- Anchor the resumed cycle on its new billing date before pricing the partial period.
      PERFORM internal.add_proration(s, s.price_version_id, on_day, s.next_billing_date, 1, 'Resumed');
      charged := on_day < s.next_billing_date;
    END IF;
  WHEN 'cancel' THEN
    IF s.status <> 'pending' THEN
      -- Credit the charged days from cancellation to the next billing date. If that date is
      -- already past (the run has not billed it yet), the reversed range charges those days
      -- instead; a suspended service is not charged for days it was suspended.
      PERFORM internal.add_proration(s, s.price_version_id,
                                     CASE WHEN s.status = 'suspended' THEN least(on_day, s.next_billing_date) ELSE on_day END,
                                     s.next_billing_date, -1, 'Cancelled');
      charged := true;
    END IF;
    s.status := 'cancelled';
    s.cancelled_on := on_day;
    s.suspension_reason := NULL;
  WHEN 'change_plan' THEN
    SELECT * INTO new_v FROM kassa.price_versions v
     WHERE v.tenant_id = p_tenant_id AND v.id = p_price_version_id;
    IF NOT FOUND OR new_v.interval IS NULL THEN
      PERFORM internal.raise_error('P0S07', format('price version %s is not a plan of this tenant', p_price_version_id),
        hint => 'Pick a version from /plan_versions.');
    END IF;
    IF new_v.interval <> old_v.interval THEN
      PERFORM internal.raise_error('P0S10', format('cannot change plan from %s to %s billing', old_v.interval, new_v.interval),
        hint => 'Cancel the service and create a new one on the other interval.');
    END IF;
    IF new_v.id = old_v.id THEN
      PERFORM internal.raise_error('P0S10', 'the service is already on that plan version');
    END IF;
    IF s.status = 'active' THEN
      -- Credit the old plan and charge the new one for the rest of what was charged.
      PERFORM internal.add_proration(s, old_v.id, on_day, s.next_billing_date, -1, 'Plan change credit');
      PERFORM internal.add_proration(s, new_v.id, on_day, s.next_billing_date, 1, 'Plan change');
      charged := true;
    END IF;
    s.price_version_id := new_v.id;
  END CASE;

  UPDATE kassa.services sv
     SET status = s.status, price_version_id = s.price_version_id, next_billing_date = s.next_billing_date,
         activated_on = s.activated_on, suspended_on = s.suspended_on, suspension_reason = s.suspension_reason,
         cancelled_on = s.cancelled_on
   WHERE sv.tenant_id = s.tenant_id AND sv.id = s.id
  RETURNING sv.* INTO s;
  INSERT INTO kassa.service_actions (tenant_id, service_id, customer_id, action, reason, effective_on,
                                     row_before, row_after, actor)
  VALUES (s.tenant_id, s.id, s.customer_id, p_action, btrim(p_reason), on_day, to_jsonb(before), to_jsonb(s),
          coalesce(internal.jwt_claims() ->> 'sub', session_user));
  PERFORM set_config('kassa.service_transition', 'off', true);

  IF charged AND t.proration_mode = 'immediate' THEN
    PERFORM internal.invoice_run(on_day, s.tenant_id, s.customer_id);
  END IF;
  RETURN s;
END $$;

ALTER FUNCTION internal.service_transition(p_tenant_id uuid, p_service_id uuid, p_action text, p_reason text, p_on date, p_price_version_id uuid, p_suspension_reason text) OWNER TO kassa_owner;

CREATE FUNCTION internal.service_transition_once(p_tenant_id uuid, p_request_id text, p_service_id uuid, p_action text, p_reason text, p_on date, p_plan_version_id uuid DEFAULT NULL::uuid) RETURNS kassa.services
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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

ALTER FUNCTION internal.service_transition_once(p_tenant_id uuid, p_request_id text, p_service_id uuid, p_action text, p_reason text, p_on date, p_plan_version_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.set_tenant_status(p_tenant text, p_status text) RETURNS kassa.tenants
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  tenant_id uuid := (internal.find_tenant(p_tenant)).id;
BEGIN
  IF p_status NOT IN ('active', 'suspended') THEN
    PERFORM internal.raise_error('P0T10', format('a tenant is active or suspended, not "%s"', p_status));
  END IF;
  UPDATE kassa.tenants t SET status = p_status WHERE t.id = tenant_id AND t.status <> p_status;
  IF FOUND AND p_status <> 'active' THEN
    PERFORM internal.notify_access_ended(tenant_id, NULL);  -- open SSE streams end
  END IF;
  RETURN internal.find_tenant(tenant_id::text);
END $$;

ALTER FUNCTION internal.set_tenant_status(p_tenant text, p_status text) OWNER TO kassa_owner;

CREATE FUNCTION internal.settle_auto_topup() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  a kassa.auto_topups;
BEGIN
  UPDATE kassa.auto_topups t
     SET in_flight_payment_id = NULL, updated_at = now(),
         consecutive_failures = CASE WHEN NEW.status = 'failed' THEN t.consecutive_failures + 1 ELSE 0 END,
         enabled = t.enabled AND NOT (NEW.status = 'failed' AND t.consecutive_failures + 1 >= 3),
         disabled_reason = CASE WHEN NEW.status = 'failed' AND t.consecutive_failures + 1 >= 3
                                THEN '3 consecutive failed charges' ELSE t.disabled_reason END
   WHERE t.tenant_id = NEW.tenant_id AND t.customer_id = NEW.customer_id
  RETURNING * INTO a;
  IF a.consecutive_failures >= 3 AND NOT a.enabled AND NEW.status = 'failed' THEN
    INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload)
    VALUES (NEW.tenant_id, NEW.customer_id, 'auto_topup_disabled',
            jsonb_build_object('payment_id', NEW.id, 'failures', a.consecutive_failures,
                               'last_error', NEW.failure_reason));
  END IF;
  RETURN NULL;
END $$;

ALTER FUNCTION internal.settle_auto_topup() OWNER TO kassa_owner;

CREATE FUNCTION internal.statement(p_tenant_id uuid, p_customer_id uuid, p_from date, p_to date) RETURNS TABLE(tenant_id uuid, customer_id uuid, account_number text, entry_id bigint, posted_on date, kind text, source_type text, source_id text, description text, opening_balance bigint, amount bigint, balance bigint, currency character)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  WITH account AS (
    SELECT a.tenant_id, a.customer_id, c.account_number, a.currency, t.timezone
      FROM kassa.billing_accounts a
      JOIN kassa.tenants t ON t.id = a.tenant_id
      JOIN kassa.customers c ON c.tenant_id = a.tenant_id AND c.id = a.customer_id
     WHERE a.tenant_id = p_tenant_id AND a.customer_id = p_customer_id
  ), entries AS (
    SELECT l.id, l.kind, l.source_type, l.source_id, l.description, l.amount,
           (l.created_at AT TIME ZONE acc.timezone)::date AS posted_on
      FROM kassa.ledger_entries l, account acc
     WHERE l.tenant_id = p_tenant_id AND l.customer_id = p_customer_id
  ), opening AS (
    SELECT coalesce(sum(e.amount) FILTER (WHERE e.posted_on < p_from), 0)::bigint AS balance FROM entries e
  ), period AS (
    SELECT e.*, o.balance + sum(e.amount) OVER (ORDER BY e.id) AS balance
      FROM entries e, opening o
     WHERE e.posted_on BETWEEN coalesce(p_from, '-infinity') AND p_to
  ), closing AS (
    SELECT coalesce(sum(p.amount), 0)::bigint AS moved FROM period p
  )
  SELECT r.tenant_id, r.customer_id, r.account_number, r.entry_id, r.posted_on, r.kind, r.source_type,
         r.source_id, r.description, r.opening_balance, r.amount, r.balance, r.currency
    FROM (SELECT 0 AS part, NULL::bigint AS entry_id, p_from AS posted_on, 'opening_balance' AS kind,
                 NULL AS source_type, NULL AS source_id, 'Opening balance' AS description,
                 o.balance AS opening_balance, NULL::bigint AS amount, o.balance AS balance
            FROM opening o
          UNION ALL
          SELECT 1, p.id, p.posted_on, p.kind, p.source_type, p.source_id, p.description,
                 (p.balance - p.amount)::bigint, p.amount, p.balance::bigint
            FROM period p
          UNION ALL
          SELECT 2, NULL, p_to, 'closing_balance', NULL, NULL, 'Closing balance', o.balance, c.moved,
                 o.balance + c.moved
            FROM opening o, closing c) r0(part, entry_id, posted_on, kind, source_type, source_id, description,
                                          opening_balance, amount, balance)
   CROSS JOIN account acc
   CROSS JOIN LATERAL (SELECT acc.tenant_id, acc.customer_id, acc.account_number, r0.entry_id, r0.posted_on,
                              r0.kind, r0.source_type, r0.source_id, r0.description, r0.opening_balance,
                              r0.amount, r0.balance, acc.currency, r0.part) r
   ORDER BY r.part, r.entry_id
$$;

ALTER FUNCTION internal.statement(p_tenant_id uuid, p_customer_id uuid, p_from date, p_to date) OWNER TO kassa_owner;

CREATE FUNCTION internal.stripe_charge_refunded(p_charge jsonb) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
  pay kassa.payments := internal.stripe_payment(p_charge, p_charge ->> 'payment_intent');
BEGIN
  IF pay.id IS NULL THEN
    RETURN 'ignored';
  END IF;
  PERFORM internal.sync_stripe_refunds(pay.tenant_id, pay.id, p_charge ->> 'id',
                                       (p_charge ->> 'amount_refunded')::bigint, 'refunded at Stripe', p_charge);
  RETURN 'processed';
END $$;

ALTER FUNCTION internal.stripe_charge_refunded(p_charge jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.stripe_checkout_completed(p_session jsonb) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
  meta jsonb := coalesce(p_session -> 'metadata', '{}');
  tenant uuid := internal.event_uuid(meta ->> 'tenant_id', 'tenant_id');
  customer uuid := internal.event_uuid(meta ->> 'customer_id', 'customer_id');
  pay kassa.payments;
BEGIN
  IF p_session ->> 'payment_status' IS DISTINCT FROM 'paid' THEN
    RETURN 'ignored';  -- delayed methods complete with checkout.session.async_payment_succeeded
  END IF;
  IF NOT EXISTS (SELECT FROM kassa.customers c WHERE c.tenant_id = tenant AND c.id = customer) THEN
    PERFORM internal.raise_error('P0P05', format('unknown customer %s in tenant %s', customer, tenant));
  END IF;
  pay := internal.stripe_payment(p_session, NULL);
  IF pay.id IS NULL THEN
    SELECT * INTO pay FROM kassa.payments p
     WHERE p.tenant_id = tenant AND p.provider = 'stripe' AND p.provider_ref = p_session ->> 'id';
  END IF;
  IF pay.id IS NULL THEN  -- a session Kassa did not start (e.g. a payment link): a new top-up
    pay := internal.new_payment(tenant, customer, 'stripe', 'card', 'top_up', (p_session ->> 'amount_total')::bigint,
                                p_session ->> 'currency', p_session ->> 'id');
  ELSIF pay.customer_id <> customer THEN
    PERFORM internal.raise_error('P0P05', format('payment %s belongs to another customer than the event names', pay.id));
  END IF;
  PERFORM internal.complete_payment(tenant, pay.id, (p_session ->> 'amount_total')::bigint,
                                    p_session ->> 'currency', p_session ->> 'payment_intent', p_session);
  RETURN 'processed';
END $$;

ALTER FUNCTION internal.stripe_checkout_completed(p_session jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.stripe_dispute_created(p_dispute jsonb) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
  pay kassa.payments := internal.stripe_payment(p_dispute, p_dispute ->> 'payment_intent');
BEGIN
  IF pay.id IS NULL THEN
    RETURN 'ignored';
  END IF;
  PERFORM internal.refund_payment(pay.tenant_id, pay.id, 'dispute', (p_dispute ->> 'amount')::bigint,
    p_dispute ->> 'id', 'card dispute: ' || coalesce(p_dispute ->> 'reason', 'unknown reason'), p_dispute);
  RETURN 'processed';
END $$;

ALTER FUNCTION internal.stripe_dispute_created(p_dispute jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.stripe_event(p_event jsonb) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  v_event_id text := p_event ->> 'id';
  event_type text := p_event ->> 'type';
  object jsonb := p_event #> '{data,object}';
  previous text;
  outcome text;
BEGIN
  IF v_event_id IS NULL OR event_type IS NULL OR jsonb_typeof(object) IS DISTINCT FROM 'object' THEN
    PERFORM internal.raise_error('P0W01', 'not a Stripe event: id, type and data.object are required');
  END IF;
  INSERT INTO kassa.webhook_events (provider, event_id, type, payload)
  VALUES ('stripe', v_event_id, event_type, p_event) ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    SELECT w.status INTO previous FROM kassa.webhook_events w
     WHERE w.provider = 'stripe' AND w.event_id = v_event_id FOR UPDATE;
    IF previous IN ('processed', 'ignored') THEN
      RETURN 'duplicate';
    END IF;
    UPDATE kassa.webhook_events w SET attempts = w.attempts + 1, status = 'received', error = NULL
     WHERE w.provider = 'stripe' AND w.event_id = v_event_id;
  END IF;
  outcome := CASE event_type
    WHEN 'checkout.session.completed' THEN internal.stripe_checkout_completed(object)
    WHEN 'checkout.session.async_payment_succeeded' THEN internal.stripe_checkout_completed(object)
    WHEN 'payment_intent.succeeded' THEN internal.stripe_intent_event(event_type, object)
    WHEN 'payment_intent.payment_failed' THEN internal.stripe_intent_event(event_type, object)
    WHEN 'charge.refunded' THEN internal.stripe_charge_refunded(object)
    WHEN 'charge.dispute.created' THEN internal.stripe_dispute_created(object)
    ELSE 'ignored' END;
  UPDATE kassa.webhook_events w SET status = outcome, processed_at = now()
   WHERE w.provider = 'stripe' AND w.event_id = v_event_id;
  RETURN outcome;
END $$;

ALTER FUNCTION internal.stripe_event(p_event jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.stripe_intent_event(p_type text, p_intent jsonb) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
  pay kassa.payments := internal.stripe_payment(p_intent, p_intent ->> 'id');
BEGIN
  IF pay.id IS NULL THEN
    RETURN 'ignored';  -- not ours, or a checkout's intent (completed by the session event)
  END IF;
  IF p_type = 'payment_intent.succeeded' THEN
    PERFORM internal.complete_payment(pay.tenant_id, pay.id, (p_intent ->> 'amount')::bigint,
                                      p_intent ->> 'currency', p_intent ->> 'id', p_intent);
  ELSE
    PERFORM internal.fail_payment(pay.tenant_id, pay.id,
      coalesce(p_intent #>> '{last_payment_error,message}', 'payment failed'), p_intent);
  END IF;
  RETURN 'processed';
END $$;

ALTER FUNCTION internal.stripe_intent_event(p_type text, p_intent jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.stripe_payment(p_object jsonb, p_intent text) RETURNS kassa.payments
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
  meta jsonb := coalesce(p_object -> 'metadata', '{}');
  pay kassa.payments;
BEGIN
  IF meta ? 'payment_id' THEN
    SELECT * INTO pay FROM kassa.payments p
     WHERE p.tenant_id = internal.event_uuid(meta ->> 'tenant_id', 'tenant_id')
       AND p.id = internal.event_uuid(meta ->> 'payment_id', 'payment_id');
    IF NOT FOUND THEN
      PERFORM internal.raise_error('P0P03', format('the event names payment %s, which this tenant does not have', meta ->> 'payment_id'));
    END IF;
  ELSIF p_intent IS NOT NULL THEN
    SELECT * INTO pay FROM kassa.payments p WHERE p.provider_intent_ref = p_intent AND p.provider = 'stripe';
  END IF;
  RETURN pay;
END $$;

ALTER FUNCTION internal.stripe_payment(p_object jsonb, p_intent text) OWNER TO kassa_owner;

CREATE FUNCTION internal.supplier_snapshot(p_tenant_id uuid) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  SELECT jsonb_build_object('name', t.legal_name, 'address', t.address, 'vat_number', t.vat_number,
                            'country', t.country)
    FROM kassa.tenants t WHERE t.id = p_tenant_id
$$;

ALTER FUNCTION internal.supplier_snapshot(p_tenant_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.sync_stripe_refunds(p_tenant uuid, p_payment uuid, p_charge text, p_refunded_total bigint, p_reason text, p_raw jsonb DEFAULT '{}'::jsonb) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
  pay kassa.payments := internal.lock_payment(p_tenant, p_payment);
  recorded bigint;
BEGIN
  SELECT coalesce(sum(r.amount), 0) INTO recorded FROM kassa.payment_refunds r
   WHERE r.tenant_id = p_tenant AND r.payment_id = pay.id AND r.kind = 'refund';
  IF p_refunded_total > recorded THEN
    PERFORM internal.refund_payment(p_tenant, pay.id, 'refund', p_refunded_total - recorded,
                                    format('%s:%s', p_charge, p_refunded_total), p_reason, p_raw);
  END IF;
  RETURN greatest(p_refunded_total - recorded, 0);
END $$;

ALTER FUNCTION internal.sync_stripe_refunds(p_tenant uuid, p_payment uuid, p_charge text, p_refunded_total bigint, p_reason text, p_raw jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.tenant_today(p_tenant uuid) RETURNS date
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT (internal.clock_now() AT TIME ZONE t.timezone)::date FROM kassa.tenants t WHERE t.id = p_tenant
$$;

ALTER FUNCTION internal.tenant_today(p_tenant uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.tenant_year(p_tenant uuid) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  SELECT extract(year FROM internal.tenant_today(p_tenant))::int
$$;

ALTER FUNCTION internal.tenant_year(p_tenant uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.top_up_bonus(p_tenant uuid, p_amount bigint) RETURNS bigint
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
  RETURN coalesce((SELECT round(p_amount * b.percent / 100)::bigint FROM kassa.bonus_tiers b
                    WHERE b.tenant_id = p_tenant AND b.min_amount <= p_amount
                    ORDER BY b.min_amount DESC LIMIT 1), 0);
END $$;

ALTER FUNCTION internal.top_up_bonus(p_tenant uuid, p_amount bigint) OWNER TO kassa_owner;

CREATE FUNCTION internal.top_up_limits(p_tenant uuid, OUT min_top_up bigint, OUT max_top_up bigint) RETURNS record
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
  SELECT s.min_top_up, s.max_top_up INTO min_top_up, max_top_up
    FROM kassa.payment_settings s WHERE s.tenant_id = p_tenant;
  min_top_up := coalesce(min_top_up, 1000);
  max_top_up := coalesce(max_top_up, 1000000);
END $$;

ALTER FUNCTION internal.top_up_limits(p_tenant uuid, OUT min_top_up bigint, OUT max_top_up bigint) OWNER TO kassa_owner;

CREATE FUNCTION internal.vat_of(p_amount numeric, p_rate numeric, p_includes_vat boolean) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$
  SELECT CASE WHEN p_includes_vat THEN round(p_amount * p_rate / (100 + p_rate))
              ELSE round(p_amount * p_rate / 100) END::bigint
$$;

ALTER FUNCTION internal.vat_of(p_amount numeric, p_rate numeric, p_includes_vat boolean) OWNER TO kassa_owner;

CREATE FUNCTION internal.warn_low_balance() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
BEGIN
  INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload)
  SELECT NEW.tenant_id, NEW.customer_id, 'low_balance',
         jsonb_build_object('threshold', t.amount, 'balance', NEW.balance, 'currency', NEW.currency)
    FROM kassa.low_balance_thresholds t
   WHERE t.tenant_id = NEW.tenant_id AND OLD.balance >= t.amount AND NEW.balance < t.amount
   ORDER BY t.amount DESC;
  RETURN NULL;
END $$;

ALTER FUNCTION internal.warn_low_balance() OWNER TO kassa_owner;

CREATE FUNCTION kassa.hand_over_objects(new_owner name) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
DECLARE
  object record;
  handed integer := 0;
BEGIN
  FOR object IN
    SELECT format('ALTER %s %s OWNER TO %I', CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END,
                  c.oid::regclass, new_owner) AS statement
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname IN ('kassa', 'audit') AND c.relkind IN ('r', 'p', 'S', 'v')
       AND c.relowner <> new_owner::regrole::oid
       -- identity and serial sequences follow their table
       AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_catalog.pg_depend d
                                             WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
    UNION ALL
    SELECT format('ALTER ROUTINE %s OWNER TO %I', p.oid::regprocedure, new_owner)
      FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname IN ('kassa', 'audit') AND p.proowner <> new_owner::regrole::oid
    UNION ALL
    SELECT format('ALTER TYPE %s OWNER TO %I', t.oid::regtype, new_owner)
      FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname IN ('kassa', 'audit') AND t.typtype IN ('e', 'd', 'c') AND t.typowner <> new_owner::regrole::oid
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.reltype = t.oid)
    UNION ALL
    SELECT format('ALTER SCHEMA %I OWNER TO %I', n.nspname, new_owner)
      FROM pg_catalog.pg_namespace n WHERE n.nspname IN ('kassa', 'audit') AND n.nspowner <> new_owner::regrole::oid
  LOOP
    EXECUTE object.statement;
    handed := handed + 1;
  END LOOP;
  RETURN handed;
END $$;

ALTER FUNCTION kassa.hand_over_objects(new_owner name) OWNER TO kassa_owner;

CREATE TABLE audit.log (
    tenant_id uuid NOT NULL,
    id bigint NOT NULL,
    table_name text NOT NULL,
    row_key jsonb NOT NULL,
    operation text NOT NULL,
    old_row jsonb,
    new_row jsonb,
    actor_sub text,
    actor_role text NOT NULL,
    db_user text NOT NULL,
    txid bigint NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT log_operation_check CHECK ((operation = ANY (ARRAY['INSERT'::text, 'UPDATE'::text, 'DELETE'::text])))
);

ALTER TABLE audit.log OWNER TO kassa_owner;

CREATE VIEW api.audit_log WITH (security_invoker='true') AS
 SELECT log.id,
    log.tenant_id,
    log.table_name,
    log.row_key,
    log.operation,
    log.old_row,
    log.new_row,
    log.actor_sub,
    log.actor_role,
    log.db_user,
    log.txid,
    log.at
   FROM audit.log;

ALTER TABLE api.audit_log OWNER TO kassa_owner;

CREATE TABLE kassa.auto_topups (
    tenant_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    enabled boolean DEFAULT true NOT NULL,
    threshold bigint NOT NULL,
    amount bigint NOT NULL,
    payment_method_id uuid NOT NULL,
    requested_at timestamp with time zone,
    in_flight_payment_id uuid,
    last_attempt_at timestamp with time zone,
    consecutive_failures integer DEFAULT 0 NOT NULL,
    disabled_reason text,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT auto_topups_amount_positive CHECK ((amount > 0))
);

ALTER TABLE kassa.auto_topups OWNER TO kassa_owner;

CREATE VIEW api.auto_topups WITH (security_invoker='true') AS
 SELECT auto_topups.tenant_id,
    auto_topups.customer_id,
    auto_topups.enabled,
    auto_topups.threshold,
    auto_topups.amount,
    auto_topups.payment_method_id,
    auto_topups.requested_at,
    auto_topups.in_flight_payment_id,
    auto_topups.last_attempt_at,
    auto_topups.consecutive_failures,
    auto_topups.disabled_reason,
    auto_topups.updated_at
   FROM kassa.auto_topups;

ALTER TABLE api.auto_topups OWNER TO kassa_owner;

CREATE TABLE kassa.balance_adjustments (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    customer_id uuid NOT NULL,
    amount bigint NOT NULL,
    reason text NOT NULL,
    created_by text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT balance_adjustments_amount_not_zero CHECK ((amount <> 0)),
    CONSTRAINT balance_adjustments_reason_not_blank CHECK ((btrim(reason) <> ''::text))
);

ALTER TABLE kassa.balance_adjustments OWNER TO kassa_owner;

CREATE VIEW api.balance_adjustments WITH (security_invoker='true') AS
 SELECT balance_adjustments.id,
    balance_adjustments.tenant_id,
    balance_adjustments.customer_id,
    balance_adjustments.amount,
    balance_adjustments.reason,
    balance_adjustments.created_by,
    balance_adjustments.created_at
   FROM kassa.balance_adjustments;

ALTER TABLE api.balance_adjustments OWNER TO kassa_owner;

CREATE VIEW api.billing_settings WITH (security_invoker='true') AS
 SELECT tenants.id AS tenant_id,
    tenants.billing_days,
    tenants.invoice_lead_days,
    tenants.invoice_run_mode,
    tenants.proration_mode
   FROM kassa.tenants;

ALTER TABLE api.billing_settings OWNER TO kassa_owner;

CREATE TABLE kassa.bonus_tiers (
    tenant_id uuid DEFAULT (((NULLIF(current_setting('request.jwt.claims'::text, true), ''::text))::json ->> 'tenant_id'::text))::uuid NOT NULL,
    min_amount bigint NOT NULL,
    percent numeric(5,2) NOT NULL,
    CONSTRAINT bonus_tiers_min_amount_positive CHECK ((min_amount > 0)),
    CONSTRAINT bonus_tiers_percent_range CHECK (((percent > (0)::numeric) AND (percent <= (100)::numeric)))
);

ALTER TABLE kassa.bonus_tiers OWNER TO kassa_owner;

CREATE VIEW api.bonus_tiers WITH (security_invoker='true') AS
 SELECT bonus_tiers.tenant_id,
    bonus_tiers.min_amount,
    bonus_tiers.percent
   FROM kassa.bonus_tiers;

ALTER TABLE api.bonus_tiers OWNER TO kassa_owner;

CREATE TABLE kassa.credit_note_lines (
    tenant_id uuid NOT NULL,
    credit_note_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    invoice_line_id uuid NOT NULL,
    description text NOT NULL,
    amount bigint NOT NULL,
    vat_rate numeric(5,2) NOT NULL,
    CONSTRAINT credit_note_lines_amount_not_zero CHECK ((amount <> 0))
);

ALTER TABLE kassa.credit_note_lines OWNER TO kassa_owner;

CREATE VIEW api.credit_note_lines WITH (security_invoker='true') AS
 SELECT credit_note_lines.id,
    credit_note_lines.tenant_id,
    credit_note_lines.credit_note_id,
    credit_note_lines.invoice_line_id,
    credit_note_lines.description,
    credit_note_lines.amount,
    credit_note_lines.vat_rate
   FROM kassa.credit_note_lines;

ALTER TABLE api.credit_note_lines OWNER TO kassa_owner;

CREATE TABLE kassa.credit_note_vat_totals (
    tenant_id uuid NOT NULL,
    credit_note_id uuid NOT NULL,
    vat_category text NOT NULL,
    vat_rate numeric(5,2) NOT NULL,
    net bigint NOT NULL,
    vat bigint NOT NULL,
    gross bigint NOT NULL,
    CONSTRAINT credit_note_vat_totals_add_up CHECK ((gross = (net + vat)))
);

ALTER TABLE kassa.credit_note_vat_totals OWNER TO kassa_owner;

CREATE VIEW api.credit_note_vat_breakdown WITH (security_invoker='true') AS
 SELECT credit_note_vat_totals.tenant_id,
    credit_note_vat_totals.credit_note_id,
    credit_note_vat_totals.vat_category,
    credit_note_vat_totals.vat_rate,
    credit_note_vat_totals.net,
    credit_note_vat_totals.vat,
    credit_note_vat_totals.gross
   FROM kassa.credit_note_vat_totals;

ALTER TABLE api.credit_note_vat_breakdown OWNER TO kassa_owner;

CREATE TABLE kassa.currencies (
    code character(3) NOT NULL,
    name text NOT NULL,
    minor_units smallint NOT NULL,
    CONSTRAINT currencies_code_check CHECK ((code ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT currencies_minor_units_check CHECK (((minor_units >= 0) AND (minor_units <= 3)))
);

ALTER TABLE kassa.currencies OWNER TO kassa_owner;

CREATE VIEW api.currencies WITH (security_invoker='true') AS
 SELECT currencies.code,
    currencies.name,
    currencies.minor_units
   FROM kassa.currencies;

ALTER TABLE api.currencies OWNER TO kassa_owner;

CREATE TABLE kassa.billing_accounts (
    tenant_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    currency character(3) NOT NULL,
    balance bigint DEFAULT 0 NOT NULL,
    credit_limit bigint DEFAULT 0 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT billing_accounts_credit_limit_not_negative CHECK ((credit_limit >= 0))
);

ALTER TABLE kassa.billing_accounts OWNER TO kassa_owner;

CREATE VIEW api.customers WITH (security_invoker='true') AS
 SELECT c.id,
    c.tenant_id,
    c.account_number,
    c.status,
    c.status_reason,
    c.type,
    c.name,
    c.company_name,
    c.email,
    c.phone,
    c.address,
    c.vat_number,
    c.created_at,
    c.closed_at,
    COALESCE(( SELECT a.balance
           FROM kassa.billing_accounts a
          WHERE ((a.tenant_id = c.tenant_id) AND (a.customer_id = c.id))), (0)::bigint) AS balance,
    ( SELECT t.currency
           FROM kassa.tenants t
          WHERE (t.id = c.tenant_id)) AS currency,
    COALESCE(( SELECT a.credit_limit
           FROM kassa.billing_accounts a
          WHERE ((a.tenant_id = c.tenant_id) AND (a.customer_id = c.id))), (0)::bigint) AS credit_limit
   FROM kassa.customers c;

ALTER TABLE api.customers OWNER TO kassa_owner;

CREATE VIEW api.invoice_allocations WITH (security_invoker='true') AS
 SELECT invoice_allocations.id,
    invoice_allocations.tenant_id,
    invoice_allocations.invoice_id,
    invoice_allocations.customer_id,
    invoice_allocations.amount,
    invoice_allocations.source_type,
    invoice_allocations.source_id,
    invoice_allocations.created_at
   FROM kassa.invoice_allocations;

ALTER TABLE api.invoice_allocations OWNER TO kassa_owner;

CREATE VIEW api.invoice_vat_breakdown WITH (security_invoker='true') AS
 SELECT i.tenant_id,
    i.id AS invoice_id,
    b.vat_category,
    b.vat_rate,
    b.net,
    b.vat,
    b.gross
   FROM (kassa.invoices i
     CROSS JOIN LATERAL internal.invoice_vat_breakdown(i.tenant_id, ARRAY[i.id]) b(invoice_id, vat_category, vat_rate, net, vat, gross));

ALTER TABLE api.invoice_vat_breakdown OWNER TO kassa_owner;

CREATE TABLE kassa.job_runs (
    id bigint NOT NULL,
    job text NOT NULL,
    as_of date,
    status text DEFAULT 'running'::text NOT NULL,
    started_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    finished_at timestamp with time zone,
    processed integer DEFAULT 0 NOT NULL,
    skipped integer DEFAULT 0 NOT NULL,
    failed integer DEFAULT 0 NOT NULL,
    errors jsonb DEFAULT '[]'::jsonb NOT NULL,
    detail jsonb DEFAULT '{}'::jsonb NOT NULL,
    tenant_id uuid,
    origin text DEFAULT 'manual'::text NOT NULL,
    slot timestamp with time zone,
    queued_at timestamp with time zone,
    CONSTRAINT job_runs_origin_known CHECK ((origin = ANY (ARRAY['manual'::text, 'schedule'::text, 'staff'::text]))),
    CONSTRAINT job_runs_slot_is_scheduled CHECK (((slot IS NOT NULL) = (origin = 'schedule'::text))),
    CONSTRAINT job_runs_status_known CHECK ((status = ANY (ARRAY['queued'::text, 'running'::text, 'succeeded'::text, 'failed'::text, 'skipped'::text])))
);

ALTER TABLE kassa.job_runs OWNER TO kassa_owner;

CREATE VIEW api.job_runs WITH (security_invoker='true') AS
 SELECT job_runs.id,
    job_runs.job,
    job_runs.tenant_id,
    job_runs.as_of,
    job_runs.status,
    job_runs.origin,
    job_runs.queued_at,
    job_runs.started_at,
    job_runs.finished_at,
    job_runs.processed,
    job_runs.skipped,
    job_runs.failed,
    job_runs.errors,
    (job_runs.detail - 'traceback'::text) AS detail
   FROM kassa.job_runs;

ALTER TABLE api.job_runs OWNER TO kassa_owner;

CREATE VIEW api.ledger_entries WITH (security_invoker='true') AS
 SELECT ledger_entries.id,
    ledger_entries.tenant_id,
    ledger_entries.customer_id,
    ledger_entries.kind,
    ledger_entries.amount,
    ledger_entries.currency,
    ledger_entries.balance_after,
    ledger_entries.source_type,
    ledger_entries.source_id,
    ledger_entries.description,
    ledger_entries.created_at
   FROM kassa.ledger_entries;

ALTER TABLE api.ledger_entries OWNER TO kassa_owner;

CREATE TABLE kassa.low_balance_thresholds (
    tenant_id uuid DEFAULT (((NULLIF(current_setting('request.jwt.claims'::text, true), ''::text))::json ->> 'tenant_id'::text))::uuid NOT NULL,
    amount bigint NOT NULL
);

ALTER TABLE kassa.low_balance_thresholds OWNER TO kassa_owner;

CREATE VIEW api.low_balance_thresholds WITH (security_invoker='true') AS
 SELECT low_balance_thresholds.tenant_id,
    low_balance_thresholds.amount
   FROM kassa.low_balance_thresholds;

ALTER TABLE api.low_balance_thresholds OWNER TO kassa_owner;

CREATE TABLE kassa.notifications (
    tenant_id uuid NOT NULL,
    id bigint NOT NULL,
    customer_id uuid,
    kind text NOT NULL,
    payload jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    delivered_at timestamp with time zone,
    attempts integer DEFAULT 0 NOT NULL,
    last_error text,
    CONSTRAINT notifications_kind_format CHECK ((kind ~ '^[a-z_]{1,64}$'::text))
);

ALTER TABLE kassa.notifications OWNER TO kassa_owner;

CREATE VIEW api.notifications WITH (security_invoker='true') AS
 SELECT notifications.id,
    notifications.tenant_id,
    notifications.customer_id,
    notifications.kind,
    notifications.payload,
    notifications.created_at,
    notifications.delivered_at
   FROM kassa.notifications;

ALTER TABLE api.notifications OWNER TO kassa_owner;

CREATE VIEW api.payment_methods WITH (security_invoker='true') AS
 SELECT payment_methods.id,
    payment_methods.tenant_id,
    payment_methods.customer_id,
    payment_methods.kind,
    payment_methods.is_primary,
    payment_methods.brand,
    payment_methods.last4,
    payment_methods.exp_month,
    payment_methods.exp_year,
    payment_methods.bank,
    payment_methods.account_type,
    payment_methods.account_masked,
    payment_methods.mandate_reference,
    payment_methods.mandate_status,
    payment_methods.created_at
   FROM kassa.payment_methods
  WHERE (payment_methods.deleted_at IS NULL);

ALTER TABLE api.payment_methods OWNER TO kassa_owner;

CREATE VIEW api.payment_provider_responses WITH (security_invoker='true') AS
 SELECT payments.id,
    payments.tenant_id,
    payments.customer_id,
    payments.provider,
    payments.provider_ref,
    payments.provider_intent_ref,
    payments.provider_response
   FROM kassa.payments;

ALTER TABLE api.payment_provider_responses OWNER TO kassa_owner;

CREATE VIEW api.payment_refunds WITH (security_invoker='true') AS
 SELECT payment_refunds.id,
    payment_refunds.tenant_id,
    payment_refunds.payment_id,
    payment_refunds.customer_id,
    payment_refunds.kind,
    payment_refunds.amount,
    payment_refunds.bonus_reversed,
    payment_refunds.provider_ref,
    payment_refunds.reason,
    payment_refunds.created_at
   FROM kassa.payment_refunds;

ALTER TABLE api.payment_refunds OWNER TO kassa_owner;

CREATE TABLE kassa.payment_settings (
    tenant_id uuid DEFAULT (((NULLIF(current_setting('request.jwt.claims'::text, true), ''::text))::json ->> 'tenant_id'::text))::uuid NOT NULL,
    min_top_up bigint DEFAULT 1000 NOT NULL,
    max_top_up bigint DEFAULT 1000000 NOT NULL,
    return_origins text[] DEFAULT '{}'::text[] NOT NULL,
    CONSTRAINT payment_settings_max_above_min CHECK ((max_top_up >= min_top_up)),
    CONSTRAINT payment_settings_min_positive CHECK ((min_top_up > 0)),
    CONSTRAINT payment_settings_return_origins_format CHECK (((cardinality(return_origins) <= 20) AND (array_to_string(return_origins, ' '::text) ~ '^(https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?( |$))*$'::text)))
);

ALTER TABLE kassa.payment_settings OWNER TO kassa_owner;

CREATE VIEW api.payment_settings WITH (security_invoker='true') AS
 SELECT payment_settings.tenant_id,
    payment_settings.min_top_up,
    payment_settings.max_top_up,
    payment_settings.return_origins
   FROM kassa.payment_settings;

ALTER TABLE api.payment_settings OWNER TO kassa_owner;

CREATE VIEW api.payments WITH (security_invoker='true') AS
 SELECT payments.id,
    payments.tenant_id,
    payments.customer_id,
    payments.provider,
    payments.provider_ref,
    payments.status,
    payments.amount,
    payments.currency,
    payments.bonus,
    payments.amount_refunded,
    payments.method,
    payments.purpose,
    payments.checkout_url,
    payments.payment_method_id,
    payments.auto_topup,
    payments.failure_reason,
    payments.reason,
    payments.created_at,
    payments.completed_at,
    payments.failed_at
   FROM kassa.payments;

ALTER TABLE api.payments OWNER TO kassa_owner;

CREATE VIEW api.pending_charges WITH (security_invoker='true') AS
 SELECT pending_charges.id,
    pending_charges.tenant_id,
    pending_charges.customer_id,
    pending_charges.service_id,
    pending_charges.kind,
    pending_charges.description,
    pending_charges.price_version_id,
    pending_charges.quantity,
    pending_charges.unit_price,
    pending_charges.period_start,
    pending_charges.period_end,
    pending_charges.invoice_line_id,
    pending_charges.credit_note_id,
    pending_charges.closed_on,
    pending_charges.closed_reason,
    pending_charges.settled,
    pending_charges.created_at
   FROM kassa.pending_charges;

ALTER TABLE api.pending_charges OWNER TO kassa_owner;

CREATE TABLE kassa.price_versions (
    tenant_id uuid DEFAULT (((NULLIF(current_setting('request.jwt.claims'::text, true), ''::text))::json ->> 'tenant_id'::text))::uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    product_id uuid NOT NULL,
    version integer NOT NULL,
    price bigint NOT NULL,
    "interval" text,
    currency character(3) NOT NULL,
    vat_category text DEFAULT 'standard'::text NOT NULL,
    valid_from date NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT price_versions_interval_known CHECK (("interval" = ANY (ARRAY['monthly'::text, 'quarterly'::text, 'half_yearly'::text, 'annual'::text]))),
    CONSTRAINT price_versions_price_not_negative CHECK ((price >= 0))
);

ALTER TABLE kassa.price_versions OWNER TO kassa_owner;

CREATE TABLE kassa.products (
    tenant_id uuid DEFAULT (((NULLIF(current_setting('request.jwt.claims'::text, true), ''::text))::json ->> 'tenant_id'::text))::uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    code text NOT NULL,
    name text NOT NULL,
    kind text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT products_code_format CHECK ((code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'::text)),
    CONSTRAINT products_kind_known CHECK ((kind = ANY (ARRAY['plan'::text, 'fee'::text]))),
    CONSTRAINT products_name_not_blank CHECK ((btrim(name) <> ''::text))
);

ALTER TABLE kassa.products OWNER TO kassa_owner;

CREATE VIEW api.plan_versions WITH (security_invoker='true') AS
 SELECT v.id,
    v.tenant_id,
    v.product_id AS plan_id,
    p.code,
    p.name,
    v.version,
    v.price,
    v."interval",
    v.currency,
    v.vat_category,
    v.valid_from,
    v.created_at
   FROM (kassa.price_versions v
     JOIN kassa.products p ON (((p.tenant_id = v.tenant_id) AND (p.id = v.product_id))))
  WHERE (p.kind = 'plan'::text);

ALTER TABLE api.plan_versions OWNER TO kassa_owner;

CREATE VIEW api.plans WITH (security_invoker='true') AS
 SELECT p.id,
    p.tenant_id,
    p.code,
    p.name,
    p.description,
    p.active,
    cur.id AS current_version_id,
    cur.version AS current_version,
    cur.price,
    cur."interval",
    cur.currency,
    cur.vat_category,
    cur.valid_from
   FROM (kassa.products p
     LEFT JOIN LATERAL ( SELECT v.tenant_id,
            v.id,
            v.product_id,
            v.version,
            v.price,
            v."interval",
            v.currency,
            v.vat_category,
            v.valid_from,
            v.created_at
           FROM kassa.price_versions v
          WHERE ((v.tenant_id = p.tenant_id) AND (v.product_id = p.id) AND (v.valid_from <= internal.tenant_today(p.tenant_id)))
          ORDER BY v.valid_from DESC, v.version DESC
         LIMIT 1) cur ON (true))
  WHERE (p.kind = 'plan'::text);

ALTER TABLE api.plans OWNER TO kassa_owner;

CREATE VIEW api.price_versions WITH (security_invoker='true') AS
 SELECT price_versions.id,
    price_versions.tenant_id,
    price_versions.product_id,
    price_versions.version,
    price_versions.price,
    price_versions."interval",
    price_versions.currency,
    price_versions.vat_category,
    price_versions.valid_from,
    price_versions.created_at
   FROM kassa.price_versions;

ALTER TABLE api.price_versions OWNER TO kassa_owner;

CREATE VIEW api.products WITH (security_invoker='true') AS
 SELECT products.id,
    products.tenant_id,
    products.code,
    products.name,
    products.kind,
    products.description,
    products.active,
    products.created_at
   FROM kassa.products;

ALTER TABLE api.products OWNER TO kassa_owner;

CREATE TABLE kassa.service_actions (
    tenant_id uuid NOT NULL,
    id bigint NOT NULL,
    service_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    action text NOT NULL,
    reason text NOT NULL,
    effective_on date NOT NULL,
    row_before jsonb NOT NULL,
    row_after jsonb NOT NULL,
    actor text NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT service_actions_action_known CHECK ((action = ANY (ARRAY['activate'::text, 'suspend'::text, 'resume'::text, 'cancel'::text, 'change_plan'::text]))),
    CONSTRAINT service_actions_reason_not_blank CHECK ((btrim(reason) <> ''::text))
);

ALTER TABLE kassa.service_actions OWNER TO kassa_owner;

CREATE VIEW api.service_actions WITH (security_invoker='true') AS
 SELECT service_actions.id,
    service_actions.tenant_id,
    service_actions.service_id,
    service_actions.customer_id,
    service_actions.action,
    service_actions.reason,
    service_actions.effective_on,
    service_actions.row_before,
    service_actions.row_after,
    service_actions.actor,
    service_actions.at
   FROM kassa.service_actions;

ALTER TABLE api.service_actions OWNER TO kassa_owner;

CREATE VIEW api.services WITH (security_invoker='true') AS
 SELECT services.id,
    services.tenant_id,
    services.customer_id,
    services.price_version_id,
    services.installation_address,
    services.reference,
    services.billing_day,
    services.next_billing_date,
    services.status,
    services.activated_on,
    services.suspended_on,
    services.suspension_reason,
    services.cancelled_on,
    services.created_at
   FROM kassa.services;

ALTER TABLE api.services OWNER TO kassa_owner;

CREATE VIEW api.tenants WITH (security_invoker='true') AS
 SELECT tenants.id,
    tenants.slug,
    tenants.name,
    tenants.legal_name,
    tenants.address,
    tenants.vat_number,
    tenants.country,
    tenants.currency,
    tenants.prices_include_vat,
    tenants.timezone,
    tenants.locale,
    tenants.account_number_format,
    tenants.invoice_number_format,
    tenants.credit_note_number_format,
    tenants.payment_terms_days,
    tenants.status,
    tenants.created_at
   FROM kassa.tenants;

ALTER TABLE api.tenants OWNER TO kassa_owner;

CREATE TABLE kassa.vat_rates (
    tenant_id uuid DEFAULT (((NULLIF(current_setting('request.jwt.claims'::text, true), ''::text))::json ->> 'tenant_id'::text))::uuid NOT NULL,
    category text NOT NULL,
    rate numeric(5,2) NOT NULL,
    CONSTRAINT vat_rates_category_format CHECK ((category ~ '^[a-z_]{1,32}$'::text)),
    CONSTRAINT vat_rates_rate_range CHECK (((rate >= (0)::numeric) AND (rate < (100)::numeric)))
);

ALTER TABLE kassa.vat_rates OWNER TO kassa_owner;

CREATE VIEW api.vat_rates WITH (security_invoker='true') AS
 SELECT vat_rates.tenant_id,
    vat_rates.category,
    vat_rates.rate
   FROM kassa.vat_rates;

ALTER TABLE api.vat_rates OWNER TO kassa_owner;

ALTER TABLE audit.log ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME audit.log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE kassa.clock (
    singleton boolean DEFAULT true NOT NULL,
    shift interval DEFAULT '00:00:00'::interval NOT NULL,
    CONSTRAINT clock_singleton_check CHECK (singleton)
);

ALTER TABLE kassa.clock OWNER TO kassa_owner;

CREATE TABLE kassa.counters (
    tenant_id uuid NOT NULL,
    kind text NOT NULL,
    period integer NOT NULL,
    last_value bigint DEFAULT 0 NOT NULL,
    CONSTRAINT counters_kind_known CHECK ((kind = ANY (ARRAY['account'::text, 'invoice'::text, 'credit_note'::text]))),
    CONSTRAINT counters_last_value_check CHECK ((last_value >= 0))
);

ALTER TABLE kassa.counters OWNER TO kassa_owner;

ALTER TABLE kassa.invoice_allocations ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME kassa.invoice_allocations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE UNLOGGED TABLE kassa.invoice_run_lines (
    tenant_id uuid NOT NULL,
    run_id uuid NOT NULL,
    line_id uuid DEFAULT gen_random_uuid() NOT NULL,
    customer_id uuid NOT NULL,
    service_id uuid,
    pending_charge_id uuid,
    charge_kind text NOT NULL,
    description text NOT NULL,
    price_version_id uuid NOT NULL,
    quantity numeric(12,3) NOT NULL,
    unit_price bigint NOT NULL,
    period_start date,
    period_end date,
    invoice_id uuid,
    billed boolean DEFAULT false NOT NULL
);

ALTER TABLE kassa.invoice_run_lines OWNER TO kassa_owner;

ALTER TABLE kassa.job_runs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME kassa.job_runs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

ALTER TABLE kassa.ledger_entries ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME kassa.ledger_entries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

ALTER TABLE kassa.notifications ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME kassa.notifications_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE kassa.payment_method_secrets (
    tenant_id uuid NOT NULL,
    payment_method_id uuid NOT NULL,
    details_encrypted bytea NOT NULL
);

ALTER TABLE kassa.payment_method_secrets OWNER TO kassa_owner;

CREATE TABLE kassa.request_results (
    tenant_id uuid NOT NULL,
    request_id text NOT NULL,
    operation text NOT NULL,
    arguments jsonb NOT NULL,
    result jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT request_results_request_id_length CHECK (((length(request_id) >= 1) AND (length(request_id) <= 200)))
);

ALTER TABLE kassa.request_results OWNER TO kassa_owner;

ALTER TABLE kassa.service_actions ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME kassa.service_actions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE kassa.webhook_events (
    provider text NOT NULL,
    event_id text NOT NULL,
    type text NOT NULL,
    status text DEFAULT 'received'::text NOT NULL,
    payload jsonb NOT NULL,
    error text,
    attempts integer DEFAULT 1 NOT NULL,
    received_at timestamp with time zone DEFAULT now() NOT NULL,
    processed_at timestamp with time zone,
    CONSTRAINT webhook_events_status_known CHECK ((status = ANY (ARRAY['received'::text, 'processed'::text, 'ignored'::text, 'rejected'::text])))
);

ALTER TABLE kassa.webhook_events OWNER TO kassa_owner;

ALTER TABLE ONLY audit.log
    ADD CONSTRAINT log_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.auto_topups
    ADD CONSTRAINT auto_topups_pkey PRIMARY KEY (tenant_id, customer_id);

ALTER TABLE ONLY kassa.balance_adjustments
    ADD CONSTRAINT balance_adjustments_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.billing_accounts
    ADD CONSTRAINT billing_accounts_pkey PRIMARY KEY (tenant_id, customer_id);

ALTER TABLE ONLY kassa.bonus_tiers
    ADD CONSTRAINT bonus_tiers_pkey PRIMARY KEY (tenant_id, min_amount);

ALTER TABLE ONLY kassa.clock
    ADD CONSTRAINT clock_pkey PRIMARY KEY (singleton);

ALTER TABLE ONLY kassa.counters
    ADD CONSTRAINT counters_pkey PRIMARY KEY (tenant_id, kind, period);

ALTER TABLE ONLY kassa.credit_note_lines
    ADD CONSTRAINT credit_note_lines_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.credit_note_vat_totals
    ADD CONSTRAINT credit_note_vat_totals_pkey PRIMARY KEY (tenant_id, credit_note_id, vat_category, vat_rate);

ALTER TABLE ONLY kassa.credit_notes
    ADD CONSTRAINT credit_notes_number_unique UNIQUE (tenant_id, number);

ALTER TABLE ONLY kassa.credit_notes
    ADD CONSTRAINT credit_notes_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.currencies
    ADD CONSTRAINT currencies_pkey PRIMARY KEY (code);

ALTER TABLE ONLY kassa.customers
    ADD CONSTRAINT customers_account_number_unique UNIQUE (tenant_id, account_number);

ALTER TABLE ONLY kassa.customers
    ADD CONSTRAINT customers_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.invoice_allocations
    ADD CONSTRAINT invoice_allocations_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.invoice_lines
    ADD CONSTRAINT invoice_lines_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.invoice_run_lines
    ADD CONSTRAINT invoice_run_lines_pkey PRIMARY KEY (tenant_id, run_id, line_id);

ALTER TABLE ONLY kassa.invoices
    ADD CONSTRAINT invoices_number_unique UNIQUE (tenant_id, number);

ALTER TABLE ONLY kassa.invoices
    ADD CONSTRAINT invoices_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.job_runs
    ADD CONSTRAINT job_runs_key UNIQUE NULLS NOT DISTINCT (tenant_id, id);

ALTER TABLE ONLY kassa.ledger_entries
    ADD CONSTRAINT ledger_entries_once_per_source UNIQUE (tenant_id, source_type, source_id, kind);

ALTER TABLE ONLY kassa.ledger_entries
    ADD CONSTRAINT ledger_entries_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.low_balance_thresholds
    ADD CONSTRAINT low_balance_thresholds_pkey PRIMARY KEY (tenant_id, amount);

ALTER TABLE ONLY kassa.notifications
    ADD CONSTRAINT notifications_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.payment_method_secrets
    ADD CONSTRAINT payment_method_secrets_pkey PRIMARY KEY (tenant_id, payment_method_id);

ALTER TABLE ONLY kassa.payment_methods
    ADD CONSTRAINT payment_methods_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.payment_refunds
    ADD CONSTRAINT payment_refunds_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.payment_refunds
    ADD CONSTRAINT payment_refunds_provider_ref_unique UNIQUE (tenant_id, kind, provider_ref);

ALTER TABLE ONLY kassa.payment_settings
    ADD CONSTRAINT payment_settings_pkey PRIMARY KEY (tenant_id);

ALTER TABLE ONLY kassa.payments
    ADD CONSTRAINT payments_idempotency_key_unique UNIQUE (tenant_id, customer_id, idempotency_key);

ALTER TABLE ONLY kassa.payments
    ADD CONSTRAINT payments_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.payments
    ADD CONSTRAINT payments_provider_intent_ref_unique UNIQUE (tenant_id, provider, provider_intent_ref);

ALTER TABLE ONLY kassa.payments
    ADD CONSTRAINT payments_provider_ref_unique UNIQUE (tenant_id, provider, provider_ref);

ALTER TABLE ONLY kassa.pending_charges
    ADD CONSTRAINT pending_charges_billed_once UNIQUE (tenant_id, invoice_line_id);

ALTER TABLE ONLY kassa.pending_charges
    ADD CONSTRAINT pending_charges_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.price_versions
    ADD CONSTRAINT price_versions_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.price_versions
    ADD CONSTRAINT price_versions_version_unique UNIQUE (tenant_id, product_id, version);

ALTER TABLE ONLY kassa.products
    ADD CONSTRAINT products_code_unique UNIQUE (tenant_id, code);

ALTER TABLE ONLY kassa.products
    ADD CONSTRAINT products_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.request_results
    ADD CONSTRAINT request_results_pkey PRIMARY KEY (tenant_id, request_id);

ALTER TABLE ONLY kassa.service_actions
    ADD CONSTRAINT service_actions_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.services
    ADD CONSTRAINT services_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.tenants
    ADD CONSTRAINT tenants_pkey PRIMARY KEY (id);

ALTER TABLE ONLY kassa.tenants
    ADD CONSTRAINT tenants_slug_key UNIQUE (slug);

ALTER TABLE ONLY kassa.vat_rates
    ADD CONSTRAINT vat_rates_pkey PRIMARY KEY (tenant_id, category);

ALTER TABLE ONLY kassa.webhook_events
    ADD CONSTRAINT webhook_events_pkey PRIMARY KEY (provider, event_id);

CREATE INDEX log_row ON audit.log USING btree (tenant_id, table_name, row_key);

CREATE INDEX credit_notes_issued ON kassa.credit_notes USING btree (tenant_id, issued_on);

CREATE UNIQUE INDEX customers_email_unique ON kassa.customers USING btree (tenant_id, lower(email));

CREATE INDEX invoice_allocations_invoice ON kassa.invoice_allocations USING btree (tenant_id, invoice_id);

CREATE INDEX invoice_lines_invoice ON kassa.invoice_lines USING btree (tenant_id, invoice_id, "position");

CREATE UNIQUE INDEX invoice_lines_recurring_once ON kassa.invoice_lines USING btree (tenant_id, service_id, period_start) WHERE (charge_kind = 'recurring'::text);

CREATE INDEX invoices_issued ON kassa.invoices USING btree (tenant_id, issued_on) WHERE (number IS NOT NULL);

CREATE INDEX invoices_open ON kassa.invoices USING btree (tenant_id, customer_id, issued_on) WHERE (status = ANY (ARRAY['finalised'::text, 'partially_paid'::text, 'overdue'::text]));

CREATE INDEX job_runs_id ON kassa.job_runs USING btree (id);

CREATE INDEX job_runs_job_as_of ON kassa.job_runs USING btree (job, as_of);

CREATE UNIQUE INDEX job_runs_one_per_slot ON kassa.job_runs USING btree (job, tenant_id, slot) NULLS NOT DISTINCT WHERE (slot IS NOT NULL);

CREATE UNIQUE INDEX job_runs_one_queued ON kassa.job_runs USING btree (job, tenant_id) NULLS NOT DISTINCT WHERE (status = 'queued'::text);

CREATE INDEX job_runs_open ON kassa.job_runs USING btree (job, id) WHERE (status = ANY (ARRAY['queued'::text, 'running'::text]));

CREATE INDEX ledger_entries_customer ON kassa.ledger_entries USING btree (tenant_id, customer_id, id);

CREATE INDEX notifications_customer ON kassa.notifications USING btree (tenant_id, customer_id, id);

CREATE INDEX notifications_undelivered ON kassa.notifications USING btree (created_at) WHERE (delivered_at IS NULL);

CREATE UNIQUE INDEX payment_methods_one_primary ON kassa.payment_methods USING btree (tenant_id, customer_id) WHERE is_primary;

CREATE INDEX payments_by_provider_intent ON kassa.payments USING btree (provider_intent_ref) WHERE (provider_intent_ref IS NOT NULL);

CREATE INDEX payments_customer ON kassa.payments USING btree (tenant_id, customer_id, created_at);

CREATE UNIQUE INDEX payments_one_auto_topup_in_flight ON kassa.payments USING btree (tenant_id, customer_id) WHERE (auto_topup AND (status = 'pending'::text));

CREATE INDEX pending_charges_open ON kassa.pending_charges USING btree (tenant_id, customer_id) WHERE (invoice_line_id IS NULL);

CREATE INDEX price_versions_current ON kassa.price_versions USING btree (tenant_id, product_id, valid_from DESC);

CREATE INDEX request_results_age ON kassa.request_results USING btree (tenant_id, created_at);

CREATE INDEX service_actions_service ON kassa.service_actions USING btree (tenant_id, service_id, id);

CREATE INDEX services_customer ON kassa.services USING btree (tenant_id, customer_id);

CREATE INDEX services_due ON kassa.services USING btree (tenant_id, next_billing_date) WHERE (status = 'active'::text);

CREATE TRIGGER append_only BEFORE DELETE OR UPDATE ON audit.log FOR EACH ROW EXECUTE FUNCTION internal.refuse_change('P0A01', 'the audit log is append-only', 'Audit rows can be read, never changed or removed.');

CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON audit.log FOR EACH STATEMENT EXECUTE FUNCTION internal.refuse_change('P0A01', 'the audit log is append-only', 'Audit rows can be read, never changed or removed.');

CREATE TRIGGER append_only BEFORE DELETE OR UPDATE ON kassa.ledger_entries FOR EACH ROW EXECUTE FUNCTION internal.refuse_change('P0L06', 'ledger entries are append-only', 'Correct a posting with a new entry (adjustment, credit note, refund).');

CREATE TRIGGER append_only BEFORE DELETE OR UPDATE ON kassa.service_actions FOR EACH ROW EXECUTE FUNCTION internal.refuse_change('P0S08', 'the service action log is append-only');

CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON kassa.ledger_entries FOR EACH STATEMENT EXECUTE FUNCTION internal.refuse_change('P0L06', 'ledger entries are append-only', 'Correct a posting with a new entry (adjustment, credit note, refund).');

CREATE TRIGGER assign_account_number BEFORE INSERT ON kassa.customers FOR EACH ROW EXECUTE FUNCTION internal.assign_account_number();

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.auto_topups REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'customer_id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.balance_adjustments REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.bonus_tiers REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'min_amount');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.credit_note_lines REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.credit_note_vat_totals REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'credit_note_id', 'vat_category', 'vat_rate');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.credit_notes REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.customers REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.invoice_allocations REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.invoice_lines REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.invoices REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.low_balance_thresholds REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'amount');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.payment_methods REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.payment_refunds REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.payment_settings REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'tenant_id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.payments REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.pending_charges REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.price_versions REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.products REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.services REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id', '-next_billing_date');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.tenants REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.vat_rates REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'category');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.auto_topups REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'customer_id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.balance_adjustments REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.bonus_tiers REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'min_amount');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.credit_note_lines REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.credit_note_vat_totals REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'credit_note_id', 'vat_category', 'vat_rate');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.credit_notes REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.customers REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.invoice_allocations REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.invoice_lines REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.invoices REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.low_balance_thresholds REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'amount');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.payment_methods REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.payment_refunds REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.payment_settings REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'tenant_id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.payments REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.pending_charges REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.price_versions REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.products REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.services REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id', '-next_billing_date');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.tenants REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.vat_rates REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'category');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.auto_topups REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'customer_id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.balance_adjustments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.bonus_tiers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'min_amount');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.credit_note_lines REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.credit_note_vat_totals REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'credit_note_id', 'vat_category', 'vat_rate');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.credit_notes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.customers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.invoice_allocations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.invoice_lines REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.invoices REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.low_balance_thresholds REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'amount');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.payment_methods REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.payment_refunds REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.payment_settings REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'tenant_id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.payments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.pending_charges REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.price_versions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.products REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.services REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id', '-next_billing_date');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.tenants REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.vat_rates REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'category');

CREATE TRIGGER check_new_customer BEFORE INSERT ON kassa.customers FOR EACH ROW EXECUTE FUNCTION internal.check_new_customer();

CREATE TRIGGER check_new_service BEFORE INSERT ON kassa.services FOR EACH ROW EXECUTE FUNCTION internal.check_new_service();

CREATE TRIGGER check_price_version BEFORE INSERT OR UPDATE ON kassa.price_versions FOR EACH ROW EXECUTE FUNCTION internal.check_price_version();

CREATE TRIGGER check_tenant BEFORE INSERT OR UPDATE OF timezone ON kassa.tenants FOR EACH ROW EXECUTE FUNCTION internal.check_tenant();

CREATE TRIGGER fill_line_insert BEFORE INSERT ON kassa.invoice_lines FOR EACH ROW WHEN (((new.amount IS NULL) OR (new.vat_rate IS NULL))) EXECUTE FUNCTION internal.fill_invoice_line();

CREATE TRIGGER fill_line_update BEFORE UPDATE OF quantity, unit_price, vat_category ON kassa.invoice_lines FOR EACH ROW EXECUTE FUNCTION internal.fill_invoice_line();

CREATE TRIGGER final BEFORE DELETE OR UPDATE ON kassa.credit_note_lines FOR EACH ROW EXECUTE FUNCTION internal.refuse_credit_note_change();

CREATE TRIGGER final BEFORE DELETE OR UPDATE ON kassa.credit_note_vat_totals FOR EACH ROW EXECUTE FUNCTION internal.refuse_credit_note_change();

CREATE TRIGGER final BEFORE DELETE OR UPDATE ON kassa.credit_notes FOR EACH ROW EXECUTE FUNCTION internal.refuse_credit_note_change();

CREATE TRIGGER freeze_finalised BEFORE DELETE OR UPDATE ON kassa.invoices FOR EACH ROW WHEN ((old.status <> 'draft'::text)) EXECUTE FUNCTION internal.guard_invoice();

CREATE TRIGGER freeze_lines_delete AFTER DELETE ON kassa.invoice_lines REFERENCING OLD TABLE AS changed_lines FOR EACH STATEMENT EXECUTE FUNCTION internal.guard_invoice_lines();

CREATE TRIGGER freeze_lines_insert AFTER INSERT ON kassa.invoice_lines REFERENCING NEW TABLE AS changed_lines FOR EACH STATEMENT EXECUTE FUNCTION internal.guard_invoice_lines();

CREATE TRIGGER freeze_lines_update AFTER UPDATE ON kassa.invoice_lines REFERENCING OLD TABLE AS changed_lines FOR EACH STATEMENT EXECUTE FUNCTION internal.guard_invoice_lines();

CREATE TRIGGER freeze_lines_update_target AFTER UPDATE ON kassa.invoice_lines REFERENCING NEW TABLE AS changed_lines FOR EACH STATEMENT EXECUTE FUNCTION internal.guard_invoice_lines();

CREATE TRIGGER guard_customer_update BEFORE UPDATE ON kassa.customers FOR EACH ROW EXECUTE FUNCTION internal.guard_customer_update();

CREATE TRIGGER guard_price_version BEFORE UPDATE ON kassa.price_versions FOR EACH ROW EXECUTE FUNCTION internal.guard_price_version();

CREATE TRIGGER guard_service BEFORE UPDATE OF tenant_id, id, customer_id, billing_day, status, price_version_id, activated_on, suspended_on, suspension_reason, cancelled_on ON kassa.services FOR EACH ROW EXECUTE FUNCTION internal.guard_service();

CREATE TRIGGER notify_balance AFTER UPDATE OF balance ON kassa.billing_accounts FOR EACH ROW WHEN ((new.balance IS DISTINCT FROM old.balance)) EXECUTE FUNCTION internal.notify_balance();

CREATE TRIGGER open_billing_account AFTER INSERT ON kassa.customers FOR EACH ROW EXECUTE FUNCTION internal.open_billing_account();

CREATE TRIGGER refuse_customer_delete BEFORE DELETE ON kassa.customers FOR EACH ROW EXECUTE FUNCTION internal.refuse_change('P0C03', 'customers are never deleted', 'Close them with /rpc/close_customer instead.');

CREATE TRIGGER request_auto_topup AFTER UPDATE OF balance ON kassa.billing_accounts FOR EACH ROW WHEN ((new.balance < old.balance)) EXECUTE FUNCTION internal.request_auto_topup();

CREATE TRIGGER settle_auto_topup AFTER UPDATE OF status ON kassa.payments FOR EACH ROW WHEN ((new.auto_topup AND (old.status = 'pending'::text) AND (new.status <> 'pending'::text))) EXECUTE FUNCTION internal.settle_auto_topup();

CREATE TRIGGER warn_low_balance AFTER UPDATE OF balance ON kassa.billing_accounts FOR EACH ROW WHEN ((new.balance < old.balance)) EXECUTE FUNCTION internal.warn_low_balance();

ALTER TABLE ONLY kassa.auto_topups
    ADD CONSTRAINT auto_topups_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.auto_topups
    ADD CONSTRAINT auto_topups_tenant_id_in_flight_payment_id_fkey FOREIGN KEY (tenant_id, in_flight_payment_id) REFERENCES kassa.payments(tenant_id, id);

ALTER TABLE ONLY kassa.auto_topups
    ADD CONSTRAINT auto_topups_tenant_id_payment_method_id_fkey FOREIGN KEY (tenant_id, payment_method_id) REFERENCES kassa.payment_methods(tenant_id, id);

ALTER TABLE ONLY kassa.balance_adjustments
    ADD CONSTRAINT balance_adjustments_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.billing_accounts
    ADD CONSTRAINT billing_accounts_currency_fkey FOREIGN KEY (currency) REFERENCES kassa.currencies(code);

ALTER TABLE ONLY kassa.billing_accounts
    ADD CONSTRAINT billing_accounts_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.bonus_tiers
    ADD CONSTRAINT bonus_tiers_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.counters
    ADD CONSTRAINT counters_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.credit_note_lines
    ADD CONSTRAINT credit_note_lines_tenant_id_credit_note_id_fkey FOREIGN KEY (tenant_id, credit_note_id) REFERENCES kassa.credit_notes(tenant_id, id);

ALTER TABLE ONLY kassa.credit_note_lines
    ADD CONSTRAINT credit_note_lines_tenant_id_invoice_line_id_fkey FOREIGN KEY (tenant_id, invoice_line_id) REFERENCES kassa.invoice_lines(tenant_id, id);

ALTER TABLE ONLY kassa.credit_note_vat_totals
    ADD CONSTRAINT credit_note_vat_totals_tenant_id_credit_note_id_fkey FOREIGN KEY (tenant_id, credit_note_id) REFERENCES kassa.credit_notes(tenant_id, id);

ALTER TABLE ONLY kassa.credit_notes
    ADD CONSTRAINT credit_notes_currency_fkey FOREIGN KEY (currency) REFERENCES kassa.currencies(code);

ALTER TABLE ONLY kassa.credit_notes
    ADD CONSTRAINT credit_notes_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.credit_notes
    ADD CONSTRAINT credit_notes_tenant_id_invoice_id_fkey FOREIGN KEY (tenant_id, invoice_id) REFERENCES kassa.invoices(tenant_id, id);

ALTER TABLE ONLY kassa.customers
    ADD CONSTRAINT customers_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.invoice_allocations
    ADD CONSTRAINT invoice_allocations_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.invoice_allocations
    ADD CONSTRAINT invoice_allocations_tenant_id_invoice_id_fkey FOREIGN KEY (tenant_id, invoice_id) REFERENCES kassa.invoices(tenant_id, id);

ALTER TABLE ONLY kassa.invoice_lines
    ADD CONSTRAINT invoice_lines_price_version FOREIGN KEY (tenant_id, price_version_id) REFERENCES kassa.price_versions(tenant_id, id);

ALTER TABLE ONLY kassa.invoice_lines
    ADD CONSTRAINT invoice_lines_tenant_id_invoice_id_fkey FOREIGN KEY (tenant_id, invoice_id) REFERENCES kassa.invoices(tenant_id, id);

ALTER TABLE ONLY kassa.invoice_run_lines
    ADD CONSTRAINT invoice_run_lines_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.invoices
    ADD CONSTRAINT invoices_currency_fkey FOREIGN KEY (currency) REFERENCES kassa.currencies(code);

ALTER TABLE ONLY kassa.invoices
    ADD CONSTRAINT invoices_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.job_runs
    ADD CONSTRAINT job_runs_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.ledger_entries
    ADD CONSTRAINT ledger_entries_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.billing_accounts(tenant_id, customer_id);

ALTER TABLE ONLY kassa.low_balance_thresholds
    ADD CONSTRAINT low_balance_thresholds_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.notifications
    ADD CONSTRAINT notifications_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.notifications
    ADD CONSTRAINT notifications_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.payment_method_secrets
    ADD CONSTRAINT payment_method_secrets_tenant_id_payment_method_id_fkey FOREIGN KEY (tenant_id, payment_method_id) REFERENCES kassa.payment_methods(tenant_id, id);

ALTER TABLE ONLY kassa.payment_methods
    ADD CONSTRAINT payment_methods_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.payment_refunds
    ADD CONSTRAINT payment_refunds_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.payment_refunds
    ADD CONSTRAINT payment_refunds_tenant_id_payment_id_fkey FOREIGN KEY (tenant_id, payment_id) REFERENCES kassa.payments(tenant_id, id);

ALTER TABLE ONLY kassa.payment_settings
    ADD CONSTRAINT payment_settings_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.payments
    ADD CONSTRAINT payments_currency_fkey FOREIGN KEY (currency) REFERENCES kassa.currencies(code);

ALTER TABLE ONLY kassa.payments
    ADD CONSTRAINT payments_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.payments
    ADD CONSTRAINT payments_tenant_id_payment_method_id_fkey FOREIGN KEY (tenant_id, payment_method_id) REFERENCES kassa.payment_methods(tenant_id, id);

ALTER TABLE ONLY kassa.pending_charges
    ADD CONSTRAINT pending_charges_credit_note FOREIGN KEY (tenant_id, credit_note_id) REFERENCES kassa.credit_notes(tenant_id, id);

ALTER TABLE ONLY kassa.pending_charges
    ADD CONSTRAINT pending_charges_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.pending_charges
    ADD CONSTRAINT pending_charges_tenant_id_invoice_line_id_fkey FOREIGN KEY (tenant_id, invoice_line_id) REFERENCES kassa.invoice_lines(tenant_id, id);

ALTER TABLE ONLY kassa.pending_charges
    ADD CONSTRAINT pending_charges_tenant_id_price_version_id_fkey FOREIGN KEY (tenant_id, price_version_id) REFERENCES kassa.price_versions(tenant_id, id);

ALTER TABLE ONLY kassa.pending_charges
    ADD CONSTRAINT pending_charges_tenant_id_service_id_fkey FOREIGN KEY (tenant_id, service_id) REFERENCES kassa.services(tenant_id, id);

ALTER TABLE ONLY kassa.price_versions
    ADD CONSTRAINT price_versions_currency_fkey FOREIGN KEY (currency) REFERENCES kassa.currencies(code);

ALTER TABLE ONLY kassa.price_versions
    ADD CONSTRAINT price_versions_tenant_id_product_id_fkey FOREIGN KEY (tenant_id, product_id) REFERENCES kassa.products(tenant_id, id);

ALTER TABLE ONLY kassa.price_versions
    ADD CONSTRAINT price_versions_vat_category_known FOREIGN KEY (tenant_id, vat_category) REFERENCES kassa.vat_rates(tenant_id, category);

ALTER TABLE ONLY kassa.products
    ADD CONSTRAINT products_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.request_results
    ADD CONSTRAINT request_results_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.service_actions
    ADD CONSTRAINT service_actions_tenant_id_service_id_fkey FOREIGN KEY (tenant_id, service_id) REFERENCES kassa.services(tenant_id, id);

ALTER TABLE ONLY kassa.services
    ADD CONSTRAINT services_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.services
    ADD CONSTRAINT services_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.services
    ADD CONSTRAINT services_tenant_id_price_version_id_fkey FOREIGN KEY (tenant_id, price_version_id) REFERENCES kassa.price_versions(tenant_id, id);

ALTER TABLE ONLY kassa.tenants
    ADD CONSTRAINT tenants_currency_known FOREIGN KEY (currency) REFERENCES kassa.currencies(code);

ALTER TABLE ONLY kassa.vat_rates
    ADD CONSTRAINT vat_rates_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

CREATE POLICY "Staff read their tenant's audit log" ON audit.log FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

ALTER TABLE audit.log ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Customers see the VAT totals of their own credit notes" ON kassa.credit_note_vat_totals FOR SELECT TO customer USING ((EXISTS ( SELECT
   FROM kassa.credit_notes n
  WHERE ((n.tenant_id = credit_note_vat_totals.tenant_id) AND (n.id = credit_note_vat_totals.credit_note_id)))));

CREATE POLICY "Customers see the lines of their own credit notes" ON kassa.credit_note_lines FOR SELECT TO customer USING ((EXISTS ( SELECT
   FROM kassa.credit_notes n
  WHERE ((n.tenant_id = credit_note_lines.tenant_id) AND (n.id = credit_note_lines.credit_note_id)))));

CREATE POLICY "Customers see the lines of their own issued invoices" ON kassa.invoice_lines FOR SELECT TO customer USING ((EXISTS ( SELECT
   FROM kassa.invoices i
  WHERE ((i.tenant_id = invoice_lines.tenant_id) AND (i.id = invoice_lines.invoice_id)))));

CREATE POLICY "Customers see their own account" ON kassa.billing_accounts FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY "Customers see their own allocations" ON kassa.invoice_allocations FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY "Customers see their own auto top-up" ON kassa.auto_topups FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY "Customers see their own credit notes" ON kassa.credit_notes FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY "Customers see their own issued invoices" ON kassa.invoices FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id)) AND (status <> 'draft'::text)));

CREATE POLICY "Customers see their own ledger" ON kassa.ledger_entries FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY "Customers see their own notifications" ON kassa.notifications FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY "Customers see their own payment methods" ON kassa.payment_methods FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY "Customers see their own payments" ON kassa.payments FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY "Customers see their own pending charges" ON kassa.pending_charges FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY "Customers see their own refunds" ON kassa.payment_refunds FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY "Customers see their own service actions" ON kassa.service_actions FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY "Customers see their own services" ON kassa.services FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY "Customers see themselves" ON kassa.customers FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY "Customers update their own contact data" ON kassa.customers FOR UPDATE TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id)))) WITH CHECK (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY "Everyone reads the currency list" ON kassa.currencies FOR SELECT TO customer, staff USING (true);

CREATE POLICY "Staff add customers to their tenant" ON kassa.customers FOR INSERT TO staff WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff add prices to their tenant" ON kassa.price_versions FOR INSERT TO staff WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff add products to their tenant" ON kassa.products FOR INSERT TO staff WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff add services to their tenant" ON kassa.services FOR INSERT TO staff WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff correct their tenant's unused prices" ON kassa.price_versions FOR UPDATE TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff edit their tenant's invoices" ON kassa.invoices FOR UPDATE TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff manage their tenant's VAT rates" ON kassa.vat_rates TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff manage their tenant's bonus tiers" ON kassa.bonus_tiers TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff manage their tenant's low-balance thresholds" ON kassa.low_balance_thresholds TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff read their tenant's job runs" ON kassa.job_runs FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff see their tenant's accounts" ON kassa.billing_accounts FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff see their tenant's allocations" ON kassa.invoice_allocations FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff see their tenant's auto top-ups" ON kassa.auto_topups FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff see their tenant's balance adjustments" ON kassa.balance_adjustments FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff see their tenant's credit note VAT totals" ON kassa.credit_note_vat_totals FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff see their tenant's credit note lines" ON kassa.credit_note_lines FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff see their tenant's credit notes" ON kassa.credit_notes FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff see their tenant's customers" ON kassa.customers FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff see their tenant's invoice lines" ON kassa.invoice_lines FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff see their tenant's invoices" ON kassa.invoices FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff see their tenant's ledger" ON kassa.ledger_entries FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff see their tenant's notifications" ON kassa.notifications FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff see their tenant's payment methods" ON kassa.payment_methods FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff see their tenant's payments" ON kassa.payments FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff see their tenant's pending charges" ON kassa.pending_charges FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff see their tenant's refunds" ON kassa.payment_refunds FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff see their tenant's service actions" ON kassa.service_actions FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff see their tenant's services" ON kassa.services FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff set their tenant's top-up limits" ON kassa.payment_settings TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff update their own tenant" ON kassa.tenants FOR UPDATE TO staff USING ((id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff update their tenant's customers" ON kassa.customers FOR UPDATE TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff update their tenant's products" ON kassa.products FOR UPDATE TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Staff update their tenant's services" ON kassa.services FOR UPDATE TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Users see their own tenant" ON kassa.tenants FOR SELECT TO customer, staff USING ((id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Users see their tenant's VAT rates" ON kassa.vat_rates FOR SELECT TO customer, staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Users see their tenant's bonus tiers" ON kassa.bonus_tiers FOR SELECT TO customer, staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Users see their tenant's low-balance thresholds" ON kassa.low_balance_thresholds FOR SELECT TO customer, staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Users see their tenant's prices" ON kassa.price_versions FOR SELECT TO customer, staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Users see their tenant's products" ON kassa.products FOR SELECT TO customer, staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY "Users see their tenant's top-up limits" ON kassa.payment_settings FOR SELECT TO customer, staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

ALTER TABLE kassa.auto_topups ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.balance_adjustments ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.billing_accounts ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.bonus_tiers ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.clock ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.counters ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.credit_note_lines ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.credit_note_vat_totals ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.credit_notes ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.currencies ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.customers ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.invoice_allocations ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.invoice_lines ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.invoice_run_lines ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.invoices ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.job_runs ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.ledger_entries ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.low_balance_thresholds ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.notifications ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.payment_method_secrets ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.payment_methods ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.payment_refunds ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.payment_settings ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.payments ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.pending_charges ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.price_versions ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.products ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.request_results ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.service_actions ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.services ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.tenants ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.vat_rates ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.webhook_events ENABLE ROW LEVEL SECURITY;

GRANT USAGE ON SCHEMA api TO anon;
GRANT USAGE ON SCHEMA api TO customer;
GRANT USAGE ON SCHEMA api TO staff;
GRANT USAGE ON SCHEMA api TO kassa_worker;

GRANT USAGE ON SCHEMA audit TO staff;
GRANT USAGE ON SCHEMA audit TO kassa_worker;

GRANT USAGE ON SCHEMA internal TO customer;
GRANT USAGE ON SCHEMA internal TO staff;
GRANT USAGE ON SCHEMA internal TO kassa_worker;
GRANT USAGE ON SCHEMA internal TO anon;

GRANT USAGE ON SCHEMA kassa TO customer;
GRANT USAGE ON SCHEMA kassa TO staff;
GRANT USAGE ON SCHEMA kassa TO kassa_worker;

GRANT SELECT ON TABLE kassa.services TO kassa_worker;
GRANT SELECT ON TABLE kassa.services TO customer;
GRANT SELECT ON TABLE kassa.services TO staff;

GRANT INSERT(customer_id) ON TABLE kassa.services TO staff;

GRANT INSERT(price_version_id) ON TABLE kassa.services TO staff;

GRANT INSERT(installation_address),UPDATE(installation_address) ON TABLE kassa.services TO staff;

GRANT INSERT(reference),UPDATE(reference) ON TABLE kassa.services TO staff;

GRANT INSERT(billing_day) ON TABLE kassa.services TO staff;

GRANT UPDATE(next_billing_date) ON TABLE kassa.services TO kassa_worker;

REVOKE ALL ON FUNCTION api.activate_service(service_id uuid, reason text, activated_on date, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.activate_service(service_id uuid, reason text, activated_on date, request_id text) TO staff;

GRANT SELECT ON TABLE kassa.pending_charges TO kassa_worker;
GRANT SELECT ON TABLE kassa.pending_charges TO customer;
GRANT SELECT ON TABLE kassa.pending_charges TO staff;

REVOKE ALL ON FUNCTION api.add_fee(service_id uuid, fee_version_id uuid, quantity numeric, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.add_fee(service_id uuid, fee_version_id uuid, quantity numeric, request_id text) TO staff;

GRANT SELECT ON TABLE kassa.invoice_lines TO kassa_worker;
GRANT SELECT ON TABLE kassa.invoice_lines TO customer;
GRANT SELECT ON TABLE kassa.invoice_lines TO staff;

GRANT SELECT ON TABLE api.invoice_lines TO customer;
GRANT SELECT ON TABLE api.invoice_lines TO staff;

REVOKE ALL ON FUNCTION api.add_invoice_line(invoice_id uuid, description text, unit_price bigint, quantity numeric, vat_category text, period_start date, period_end date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.add_invoice_line(invoice_id uuid, description text, unit_price bigint, quantity numeric, vat_category text, period_start date, period_end date) TO staff;

REVOKE ALL ON FUNCTION api.add_payment_method(kind text, bank text, account_type text, account_number text, mandate_reference text, make_primary boolean, customer_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.add_payment_method(kind text, bank text, account_type text, account_number text, mandate_reference text, make_primary boolean, customer_id uuid) TO customer;
GRANT ALL ON FUNCTION api.add_payment_method(kind text, bank text, account_type text, account_number text, mandate_reference text, make_primary boolean, customer_id uuid) TO staff;

REVOKE ALL ON FUNCTION api.adjust_balance(customer_id uuid, amount bigint, reason text, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.adjust_balance(customer_id uuid, amount bigint, reason text, request_id text) TO staff;

REVOKE ALL ON FUNCTION api.cancel_service(service_id uuid, reason text, cancelled_on date, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.cancel_service(service_id uuid, reason text, cancelled_on date, request_id text) TO staff;

REVOKE ALL ON FUNCTION api.change_plan(service_id uuid, plan_version_id uuid, reason text, effective_on date, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.change_plan(service_id uuid, plan_version_id uuid, reason text, effective_on date, request_id text) TO staff;

GRANT SELECT ON TABLE kassa.customers TO kassa_worker;
GRANT SELECT ON TABLE kassa.customers TO customer;
GRANT SELECT ON TABLE kassa.customers TO staff;

GRANT INSERT(status),UPDATE(status) ON TABLE kassa.customers TO staff;

GRANT INSERT(type),UPDATE(type) ON TABLE kassa.customers TO staff;

GRANT INSERT(name),UPDATE(name) ON TABLE kassa.customers TO staff;
GRANT UPDATE(name) ON TABLE kassa.customers TO customer;

GRANT INSERT(company_name),UPDATE(company_name) ON TABLE kassa.customers TO staff;

GRANT INSERT(email),UPDATE(email) ON TABLE kassa.customers TO staff;
GRANT UPDATE(email) ON TABLE kassa.customers TO customer;

GRANT INSERT(phone),UPDATE(phone) ON TABLE kassa.customers TO staff;
GRANT UPDATE(phone) ON TABLE kassa.customers TO customer;

GRANT INSERT(address),UPDATE(address) ON TABLE kassa.customers TO staff;
GRANT UPDATE(address) ON TABLE kassa.customers TO customer;

GRANT INSERT(vat_number),UPDATE(vat_number) ON TABLE kassa.customers TO staff;

REVOKE ALL ON FUNCTION api.close_customer(customer_id uuid, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.close_customer(customer_id uuid, reason text) TO staff;

REVOKE ALL ON FUNCTION api.configure_auto_topup(enabled boolean, threshold bigint, amount bigint, payment_method_id uuid, customer_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.configure_auto_topup(enabled boolean, threshold bigint, amount bigint, payment_method_id uuid, customer_id uuid) TO customer;
GRANT ALL ON FUNCTION api.configure_auto_topup(enabled boolean, threshold bigint, amount bigint, payment_method_id uuid, customer_id uuid) TO staff;

GRANT SELECT ON TABLE kassa.credit_notes TO kassa_worker;
GRANT SELECT ON TABLE kassa.credit_notes TO customer;
GRANT SELECT ON TABLE kassa.credit_notes TO staff;

GRANT SELECT ON TABLE api.credit_notes TO customer;
GRANT SELECT ON TABLE api.credit_notes TO staff;

REVOKE ALL ON FUNCTION api.create_credit_note(invoice_id uuid, reason text, settlement text, lines jsonb, issued_on date, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.create_credit_note(invoice_id uuid, reason text, settlement text, lines jsonb, issued_on date, request_id text) TO staff;

GRANT SELECT ON TABLE kassa.invoices TO kassa_worker;
GRANT SELECT ON TABLE kassa.invoices TO customer;
GRANT SELECT ON TABLE kassa.invoices TO staff;

GRANT UPDATE(period_start) ON TABLE kassa.invoices TO staff;

GRANT UPDATE(period_end) ON TABLE kassa.invoices TO staff;

GRANT UPDATE(notes) ON TABLE kassa.invoices TO staff;

GRANT UPDATE(supplied_on) ON TABLE kassa.invoices TO staff;

GRANT SELECT ON TABLE api.invoices TO customer;
GRANT SELECT ON TABLE api.invoices TO staff;

GRANT UPDATE(period_start) ON TABLE api.invoices TO staff;

GRANT UPDATE(period_end) ON TABLE api.invoices TO staff;

GRANT UPDATE(notes) ON TABLE api.invoices TO staff;

GRANT UPDATE(supplied_on) ON TABLE api.invoices TO staff;

REVOKE ALL ON FUNCTION api.create_invoice(customer_id uuid, notes text, period_start date, period_end date, supplied_on date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.create_invoice(customer_id uuid, notes text, period_start date, period_end date, supplied_on date) TO staff;

REVOKE ALL ON FUNCTION api.fail_payment(payment_id uuid, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.fail_payment(payment_id uuid, reason text) TO staff;

REVOKE ALL ON FUNCTION api.finalise_invoice(invoice_id uuid, issued_on date, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.finalise_invoice(invoice_id uuid, issued_on date, request_id text) TO staff;

REVOKE ALL ON FUNCTION api.record_manual_payment(customer_id uuid, amount bigint, method text, reason text, reference text, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.record_manual_payment(customer_id uuid, amount bigint, method text, reason text, reference text, request_id text) TO staff;

REVOKE ALL ON FUNCTION api.refund_payment(payment_id uuid, amount bigint, reason text, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.refund_payment(payment_id uuid, amount bigint, reason text, request_id text) TO staff;

REVOKE ALL ON FUNCTION api.remove_invoice_line(line_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.remove_invoice_line(line_id uuid) TO staff;

REVOKE ALL ON FUNCTION api.remove_payment_method(payment_method_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.remove_payment_method(payment_method_id uuid) TO customer;
GRANT ALL ON FUNCTION api.remove_payment_method(payment_method_id uuid) TO staff;

REVOKE ALL ON FUNCTION api.resume_customer(customer_id uuid, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.resume_customer(customer_id uuid, reason text) TO staff;

REVOKE ALL ON FUNCTION api.resume_service(service_id uuid, reason text, resumed_on date, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.resume_service(service_id uuid, reason text, resumed_on date, request_id text) TO staff;

REVOKE ALL ON FUNCTION api.set_primary_payment_method(payment_method_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.set_primary_payment_method(payment_method_id uuid) TO customer;
GRANT ALL ON FUNCTION api.set_primary_payment_method(payment_method_id uuid) TO staff;

REVOKE ALL ON FUNCTION api.start_invoice_run() FROM PUBLIC;
GRANT ALL ON FUNCTION api.start_invoice_run() TO staff;

GRANT SELECT ON TABLE kassa.ledger_entries TO kassa_worker;
GRANT SELECT ON TABLE kassa.ledger_entries TO customer;
GRANT SELECT ON TABLE kassa.ledger_entries TO staff;

GRANT SELECT ON TABLE kassa.tenants TO kassa_worker;
GRANT SELECT ON TABLE kassa.tenants TO customer;
GRANT SELECT ON TABLE kassa.tenants TO staff;

GRANT UPDATE(name) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(legal_name) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(address) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(vat_number) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(prices_include_vat) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(timezone) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(locale) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(account_number_format) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(invoice_number_format) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(credit_note_number_format) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(payment_terms_days) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(billing_days) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(invoice_lead_days) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(invoice_run_mode) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(proration_mode) ON TABLE kassa.tenants TO staff;

GRANT SELECT ON TABLE api.statement_lines TO customer;
GRANT SELECT ON TABLE api.statement_lines TO staff;

REVOKE ALL ON FUNCTION api.statement(customer_id uuid, "from" date, "to" date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.statement(customer_id uuid, "from" date, "to" date) TO staff;
GRANT ALL ON FUNCTION api.statement(customer_id uuid, "from" date, "to" date) TO customer;

REVOKE ALL ON FUNCTION api.suspend_customer(customer_id uuid, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.suspend_customer(customer_id uuid, reason text) TO staff;

REVOKE ALL ON FUNCTION api.suspend_service(service_id uuid, reason text, suspended_on date, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.suspend_service(service_id uuid, reason text, suspended_on date, request_id text) TO staff;

REVOKE ALL ON FUNCTION api.void_invoice(invoice_id uuid, reason text, issued_on date, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.void_invoice(invoice_id uuid, reason text, issued_on date, request_id text) TO staff;

REVOKE ALL ON FUNCTION internal.add_card(p_tenant uuid, p_customer uuid, p_brand text, p_last4 text, p_exp_month integer, p_exp_year integer, p_gateway_customer text, p_gateway_payment_method text, p_primary boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.add_card(p_tenant uuid, p_customer uuid, p_brand text, p_last4 text, p_exp_month integer, p_exp_year integer, p_gateway_customer text, p_gateway_payment_method text, p_primary boolean) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.add_fee(p_tenant_id uuid, p_service_id uuid, p_price_version_id uuid, p_quantity numeric) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.add_proration(p_service kassa.services, p_version_id uuid, p_from date, p_to date, p_sign integer, p_what text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.adjust_balance(p_tenant uuid, p_customer uuid, p_amount bigint, p_reason text, p_actor text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.adjust_balance(p_tenant uuid, p_customer uuid, p_amount bigint, p_reason text, p_actor text) TO kassa_worker;

GRANT SELECT ON TABLE kassa.invoice_allocations TO kassa_worker;
GRANT SELECT ON TABLE kassa.invoice_allocations TO customer;
GRANT SELECT ON TABLE kassa.invoice_allocations TO staff;

REVOKE ALL ON FUNCTION internal.allocate_credit(p_tenant_id uuid, p_customer_ids uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.allocate_credit(p_tenant_id uuid, p_customer_ids uuid[]) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.assign_account_number() FROM PUBLIC;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE kassa.payments TO kassa_worker;
GRANT SELECT ON TABLE kassa.payments TO staff;

GRANT SELECT(tenant_id) ON TABLE kassa.payments TO customer;

GRANT SELECT(id) ON TABLE kassa.payments TO customer;

GRANT SELECT(customer_id) ON TABLE kassa.payments TO customer;

GRANT SELECT(provider) ON TABLE kassa.payments TO customer;

GRANT SELECT(provider_ref) ON TABLE kassa.payments TO customer;

GRANT SELECT(provider_intent_ref) ON TABLE kassa.payments TO customer;

GRANT SELECT(method) ON TABLE kassa.payments TO customer;

GRANT SELECT(purpose) ON TABLE kassa.payments TO customer;

GRANT SELECT(status) ON TABLE kassa.payments TO customer;

GRANT SELECT(amount) ON TABLE kassa.payments TO customer;

GRANT SELECT(currency) ON TABLE kassa.payments TO customer;

GRANT SELECT(bonus) ON TABLE kassa.payments TO customer;

GRANT SELECT(amount_refunded) ON TABLE kassa.payments TO customer;

GRANT SELECT(idempotency_key) ON TABLE kassa.payments TO customer;

GRANT SELECT(checkout_url) ON TABLE kassa.payments TO customer;

GRANT SELECT(payment_method_id) ON TABLE kassa.payments TO customer;

GRANT SELECT(auto_topup) ON TABLE kassa.payments TO customer;

GRANT SELECT(failure_reason) ON TABLE kassa.payments TO customer;

GRANT SELECT(reason) ON TABLE kassa.payments TO customer;

GRANT SELECT(created_at) ON TABLE kassa.payments TO customer;

GRANT SELECT(completed_at) ON TABLE kassa.payments TO customer;

GRANT SELECT(failed_at) ON TABLE kassa.payments TO customer;

REVOKE ALL ON FUNCTION internal.attach_checkout(p_tenant uuid, p_payment uuid, p_session text, p_url text, p_raw jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.attach_checkout(p_tenant uuid, p_payment uuid, p_session text, p_url text, p_raw jsonb) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.audit_inserted_or_deleted() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.audit_key(row_json jsonb, key_columns text[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.audit_table(tbl regclass, tenant_column text, VARIADIC key_columns text[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.audit_updated() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.begin_top_up(p_tenant uuid, p_customer uuid, p_amount bigint, p_request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.begin_top_up(p_tenant uuid, p_customer uuid, p_amount bigint, p_request_id text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.billing_date(p_day integer, p_month date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.billing_date(p_day integer, p_month date) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.billing_date_of_month(p_day integer, p_month integer) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.billing_date_of_month(p_day integer, p_month integer) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.billing_periods(p_day integer, p_months integer, p_anchor date, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.billing_periods(p_day integer, p_months integer, p_anchor date, p_from date, p_to date) TO kassa_worker;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE kassa.payment_methods TO kassa_worker;
GRANT SELECT ON TABLE kassa.payment_methods TO customer;
GRANT SELECT ON TABLE kassa.payment_methods TO staff;

REVOKE ALL ON FUNCTION internal.callers_method(p_method uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.check_claims(claims json, api_role text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.check_claims(claims json, api_role text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.check_issue_date(p_tenant_id uuid, p_series text, p_issued_on date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.check_issue_date(p_tenant_id uuid, p_series text, p_issued_on date) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.check_new_customer() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.check_new_service() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.check_price_version() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.check_refund(pay kassa.payments, p_amount bigint, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.check_refund(pay kassa.payments, p_amount bigint, p_reason text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.check_request() FROM PUBLIC;
GRANT ALL ON FUNCTION internal.check_request() TO anon;
GRANT ALL ON FUNCTION internal.check_request() TO customer;
GRANT ALL ON FUNCTION internal.check_request() TO staff;

REVOKE ALL ON FUNCTION internal.check_return_url(p_tenant uuid, p_url text, p_bridge_origin text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.check_return_url(p_tenant uuid, p_url text, p_bridge_origin text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.check_tenant() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.claim_auto_topup(p_tenant uuid, p_customer uuid, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.claim_auto_topup(p_tenant uuid, p_customer uuid, p_now timestamp with time zone) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.clock_now() FROM PUBLIC;
GRANT ALL ON FUNCTION internal.clock_now() TO customer;
GRANT ALL ON FUNCTION internal.clock_now() TO staff;
GRANT ALL ON FUNCTION internal.clock_now() TO kassa_worker;

REVOKE ALL ON FUNCTION internal.close_obstacle(p_tenant_id uuid, p_customer_id uuid, OUT code text, OUT message text, OUT hint text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.complete_payment(p_tenant uuid, p_payment uuid, p_amount bigint, p_currency text, p_intent_ref text, p_raw jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.complete_payment(p_tenant uuid, p_payment uuid, p_amount bigint, p_currency text, p_intent_ref text, p_raw jsonb) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.create_credit_note(p_tenant_id uuid, p_invoice_id uuid, p_reason text, p_settlement text, p_lines jsonb, p_issued_on date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.create_credit_note(p_tenant_id uuid, p_invoice_id uuid, p_reason text, p_settlement text, p_lines jsonb, p_issued_on date) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.create_tenant(p_slug text, p_legal_name text, p_country text, p_currency text, p_timezone text, p_vat_rates jsonb, p_name text, p_prices_include_vat boolean, p_account_number_format text, p_invoice_number_format text, p_credit_note_number_format text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.credit_unbilled_credit(p_tenant_id uuid, p_charge_id uuid, p_issued_on date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.credited_per_line(p_tenant_id uuid, p_invoice_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.credited_per_line(p_tenant_id uuid, p_invoice_id uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.customer_transition(p_tenant_id uuid, p_customer_id uuid, p_action text, p_reason text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.cycle_date(p_day integer, p_months integer, p_anchor date, p_k integer) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.cycle_date(p_day integer, p_months integer, p_anchor date, p_k integer) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.cycle_date_after(p_day integer, p_months integer, p_anchor date, p_after date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.cycle_date_after(p_day integer, p_months integer, p_anchor date, p_after date) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.cycle_step(p_months integer, p_anchor date, p_date date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.cycle_step(p_months integer, p_anchor date, p_date date) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.draft_for_edit(p_tenant_id uuid, p_invoice_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.due_auto_topups(p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.due_auto_topups(p_now timestamp with time zone) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.email_taken(p_tenant uuid, p_email text, p_except uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.email_taken(p_tenant uuid, p_email text, p_except uuid) TO customer;

REVOKE ALL ON FUNCTION internal.event_uuid(p_value text, p_what text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.fail_interrupted_job_runs() FROM PUBLIC;
GRANT ALL ON FUNCTION internal.fail_interrupted_job_runs() TO kassa_worker;

REVOKE ALL ON FUNCTION internal.fail_payment(p_tenant uuid, p_payment uuid, p_reason text, p_raw jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.fail_payment(p_tenant uuid, p_payment uuid, p_reason text, p_raw jsonb) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.fill_invoice_line() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.finalise_invoices(p_tenant_id uuid, p_invoice_ids uuid[], p_issued_on date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.finalise_invoices(p_tenant_id uuid, p_invoice_ids uuid[], p_issued_on date) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.find_tenant(p_tenant text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.first_billing_date(p_day integer, p_on date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.first_billing_date(p_day integer, p_on date) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.format_number(fmt text, year integer, n bigint) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.guard_customer_update() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.guard_invoice() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.guard_invoice_lines() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.guard_price_version() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.guard_service() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.in_flight_auto_topups(p_before timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.in_flight_auto_topups(p_before timestamp with time zone) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.interval_months(p_interval text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.interval_months(p_interval text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.invoice_run(p_as_of date, p_tenant_id uuid, p_customer_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.invoice_run(p_as_of date, p_tenant_id uuid, p_customer_id uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.invoice_vat_breakdown(p_tenant_id uuid, p_invoice_ids uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.invoice_vat_breakdown(p_tenant_id uuid, p_invoice_ids uuid[]) TO kassa_worker;
GRANT ALL ON FUNCTION internal.invoice_vat_breakdown(p_tenant_id uuid, p_invoice_ids uuid[]) TO staff;
GRANT ALL ON FUNCTION internal.invoice_vat_breakdown(p_tenant_id uuid, p_invoice_ids uuid[]) TO customer;

REVOKE ALL ON FUNCTION internal.jwt_claims() FROM PUBLIC;
GRANT ALL ON FUNCTION internal.jwt_claims() TO anon;
GRANT ALL ON FUNCTION internal.jwt_claims() TO customer;
GRANT ALL ON FUNCTION internal.jwt_claims() TO staff;

REVOKE ALL ON FUNCTION internal.jwt_customer_id() FROM PUBLIC;
GRANT ALL ON FUNCTION internal.jwt_customer_id() TO anon;
GRANT ALL ON FUNCTION internal.jwt_customer_id() TO customer;
GRANT ALL ON FUNCTION internal.jwt_customer_id() TO staff;

REVOKE ALL ON FUNCTION internal.jwt_tenant_id() FROM PUBLIC;
GRANT ALL ON FUNCTION internal.jwt_tenant_id() TO anon;
GRANT ALL ON FUNCTION internal.jwt_tenant_id() TO customer;
GRANT ALL ON FUNCTION internal.jwt_tenant_id() TO staff;

REVOKE ALL ON FUNCTION internal.ledger_mismatches() FROM PUBLIC;
GRANT ALL ON FUNCTION internal.ledger_mismatches() TO kassa_worker;

REVOKE ALL ON FUNCTION internal.list_tenants() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.lock_open_customer(p_tenant_id uuid, p_customer_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.lock_payment(p_tenant uuid, p_payment uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.mark_overdue(p_tenant_id uuid, p_as_of date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.mark_overdue(p_tenant_id uuid, p_as_of date) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.method_owner(p_customer uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.money_text(p_tenant_id uuid, p_amount bigint) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.month_index(p_date date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.month_index(p_date date) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.new_payment(p_tenant uuid, p_customer uuid, p_provider text, p_method text, p_purpose text, p_amount bigint, p_currency text, p_provider_ref text, p_idempotency_key text, p_payment_method uuid, p_auto_topup boolean, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.new_payment(p_tenant uuid, p_customer uuid, p_provider text, p_method text, p_purpose text, p_amount bigint, p_currency text, p_provider_ref text, p_idempotency_key text, p_payment_method uuid, p_auto_topup boolean, p_reason text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.next_billing_date(p_day integer, p_months integer, p_billing_date date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.next_billing_date(p_day integer, p_months integer, p_billing_date date) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.next_number(p_tenant uuid, p_kind text, p_period integer) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.notify_access_ended(p_tenant uuid, p_customer uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.notify_balance() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.open_billing_account() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.payment_method_details(p_tenant uuid, p_method uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.payment_method_details(p_tenant uuid, p_method uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.payment_method_key() FROM PUBLIC;
GRANT ALL ON FUNCTION internal.payment_method_key() TO kassa_worker;

REVOKE ALL ON FUNCTION internal.post_entries(p_entries jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.post_entries(p_entries jsonb) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.post_entry(p_tenant uuid, p_customer uuid, p_kind text, p_amount bigint, p_source_type text, p_source_id text, p_description text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.post_entry(p_tenant uuid, p_customer uuid, p_kind text, p_amount bigint, p_source_type text, p_source_id text, p_description text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.posting_rows(p_entries jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.price_version_in_use(p_tenant_id uuid, p_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.prorate(p_price bigint, p_start date, p_end date, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.prorate(p_price bigint, p_start date, p_end date, p_from date, p_to date) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.prorate_range(p_price bigint, p_day integer, p_months integer, p_anchor date, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.prorate_range(p_price bigint, p_day integer, p_months integer, p_anchor date, p_from date, p_to date) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.prorate_share(p_price bigint, p_days integer, p_length integer) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.prorate_share(p_price bigint, p_days integer, p_length integer) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.queue_job_run(p_job text, p_tenant uuid, p_as_of date, p_origin text, p_slot timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.queue_job_run(p_job text, p_tenant uuid, p_as_of date, p_origin text, p_slot timestamp with time zone) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.raise_error(code text, message text, detail text, hint text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.raise_error(code text, message text, detail text, hint text) TO customer;
GRANT ALL ON FUNCTION internal.raise_error(code text, message text, detail text, hint text) TO staff;
GRANT ALL ON FUNCTION internal.raise_error(code text, message text, detail text, hint text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.recipient_snapshot(p_tenant_id uuid, p_customer_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.recipient_snapshot(p_tenant_id uuid, p_customer_id uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.record_manual_payment(p_tenant uuid, p_customer uuid, p_amount bigint, p_method text, p_reason text, p_reference text, p_actor text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.record_manual_payment(p_tenant uuid, p_customer uuid, p_amount bigint, p_method text, p_reason text, p_reference text, p_actor text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.refresh_invoice_totals(p_tenant_id uuid, p_invoice_ids uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.refresh_invoice_totals(p_tenant_id uuid, p_invoice_ids uuid[]) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.refund_manual_payment(p_tenant uuid, p_payment uuid, p_amount bigint, p_reason text, p_actor text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.refund_manual_payment(p_tenant uuid, p_payment uuid, p_amount bigint, p_reason text, p_actor text) TO kassa_worker;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE kassa.payment_refunds TO kassa_worker;
GRANT SELECT ON TABLE kassa.payment_refunds TO staff;
GRANT SELECT ON TABLE kassa.payment_refunds TO customer;

REVOKE ALL ON FUNCTION internal.refund_payment(p_tenant uuid, p_payment uuid, p_kind text, p_amount bigint, p_provider_ref text, p_reason text, p_raw jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.refund_payment(p_tenant uuid, p_payment uuid, p_kind text, p_amount bigint, p_provider_ref text, p_reason text, p_raw jsonb) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.refuse_change() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.refuse_closed_customer(p_account_number text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.refuse_closed_customer(p_account_number text) TO customer;
GRANT ALL ON FUNCTION internal.refuse_closed_customer(p_account_number text) TO staff;

REVOKE ALL ON FUNCTION internal.refuse_credit_note_change() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.reject_webhook_event(p_provider text, p_event_id text, p_type text, p_payload jsonb, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.reject_webhook_event(p_provider text, p_event_id text, p_type text, p_payload jsonb, p_error text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.remember(p_tenant uuid, p_request_id text, p_operation text, p_arguments jsonb, p_result jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.replayed(p_tenant uuid, p_request_id text, p_operation text, p_arguments jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.request_auto_topup() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.require_reason(p_reason text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.save_payment_method(p_method kassa.payment_methods, p_details jsonb, p_primary boolean) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.service_transition(p_tenant_id uuid, p_service_id uuid, p_action text, p_reason text, p_on date, p_price_version_id uuid, p_suspension_reason text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.service_transition_once(p_tenant_id uuid, p_request_id text, p_service_id uuid, p_action text, p_reason text, p_on date, p_plan_version_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.set_tenant_status(p_tenant text, p_status text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.settle_auto_topup() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.statement(p_tenant_id uuid, p_customer_id uuid, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.statement(p_tenant_id uuid, p_customer_id uuid, p_from date, p_to date) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.stripe_charge_refunded(p_charge jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.stripe_checkout_completed(p_session jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.stripe_dispute_created(p_dispute jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.stripe_event(p_event jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.stripe_event(p_event jsonb) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.stripe_intent_event(p_type text, p_intent jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.stripe_payment(p_object jsonb, p_intent text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.supplier_snapshot(p_tenant_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.supplier_snapshot(p_tenant_id uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.sync_stripe_refunds(p_tenant uuid, p_payment uuid, p_charge text, p_refunded_total bigint, p_reason text, p_raw jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.sync_stripe_refunds(p_tenant uuid, p_payment uuid, p_charge text, p_refunded_total bigint, p_reason text, p_raw jsonb) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.tenant_today(p_tenant uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.tenant_today(p_tenant uuid) TO customer;
GRANT ALL ON FUNCTION internal.tenant_today(p_tenant uuid) TO staff;
GRANT ALL ON FUNCTION internal.tenant_today(p_tenant uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.tenant_year(p_tenant uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.tenant_year(p_tenant uuid) TO customer;
GRANT ALL ON FUNCTION internal.tenant_year(p_tenant uuid) TO staff;
GRANT ALL ON FUNCTION internal.tenant_year(p_tenant uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.top_up_bonus(p_tenant uuid, p_amount bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.top_up_bonus(p_tenant uuid, p_amount bigint) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.top_up_limits(p_tenant uuid, OUT min_top_up bigint, OUT max_top_up bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.top_up_limits(p_tenant uuid, OUT min_top_up bigint, OUT max_top_up bigint) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.vat_of(p_amount numeric, p_rate numeric, p_includes_vat boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.vat_of(p_amount numeric, p_rate numeric, p_includes_vat boolean) TO kassa_worker;
GRANT ALL ON FUNCTION internal.vat_of(p_amount numeric, p_rate numeric, p_includes_vat boolean) TO staff;
GRANT ALL ON FUNCTION internal.vat_of(p_amount numeric, p_rate numeric, p_includes_vat boolean) TO customer;

REVOKE ALL ON FUNCTION internal.warn_low_balance() FROM PUBLIC;

REVOKE ALL ON FUNCTION kassa.hand_over_objects(new_owner name) FROM PUBLIC;

GRANT SELECT ON TABLE audit.log TO kassa_worker;
GRANT SELECT ON TABLE audit.log TO staff;

GRANT SELECT ON TABLE api.audit_log TO staff;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE kassa.auto_topups TO kassa_worker;
GRANT SELECT ON TABLE kassa.auto_topups TO customer;
GRANT SELECT ON TABLE kassa.auto_topups TO staff;

GRANT SELECT ON TABLE api.auto_topups TO customer;
GRANT SELECT ON TABLE api.auto_topups TO staff;

GRANT SELECT ON TABLE kassa.balance_adjustments TO kassa_worker;
GRANT SELECT ON TABLE kassa.balance_adjustments TO staff;

GRANT SELECT ON TABLE api.balance_adjustments TO staff;

GRANT SELECT ON TABLE api.billing_settings TO staff;

GRANT UPDATE(billing_days) ON TABLE api.billing_settings TO staff;

GRANT UPDATE(invoice_lead_days) ON TABLE api.billing_settings TO staff;

GRANT UPDATE(invoice_run_mode) ON TABLE api.billing_settings TO staff;

GRANT UPDATE(proration_mode) ON TABLE api.billing_settings TO staff;

GRANT SELECT ON TABLE kassa.bonus_tiers TO kassa_worker;
GRANT SELECT ON TABLE kassa.bonus_tiers TO customer;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE kassa.bonus_tiers TO staff;

GRANT SELECT ON TABLE api.bonus_tiers TO customer;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE api.bonus_tiers TO staff;

GRANT SELECT ON TABLE kassa.credit_note_lines TO kassa_worker;
GRANT SELECT ON TABLE kassa.credit_note_lines TO customer;
GRANT SELECT ON TABLE kassa.credit_note_lines TO staff;

GRANT SELECT ON TABLE api.credit_note_lines TO customer;
GRANT SELECT ON TABLE api.credit_note_lines TO staff;

GRANT SELECT ON TABLE kassa.credit_note_vat_totals TO kassa_worker;
GRANT SELECT ON TABLE kassa.credit_note_vat_totals TO customer;
GRANT SELECT ON TABLE kassa.credit_note_vat_totals TO staff;

GRANT SELECT ON TABLE api.credit_note_vat_breakdown TO customer;
GRANT SELECT ON TABLE api.credit_note_vat_breakdown TO staff;

GRANT SELECT ON TABLE kassa.currencies TO kassa_worker;
GRANT SELECT ON TABLE kassa.currencies TO customer;
GRANT SELECT ON TABLE kassa.currencies TO staff;

GRANT SELECT ON TABLE api.currencies TO customer;
GRANT SELECT ON TABLE api.currencies TO staff;

GRANT SELECT ON TABLE kassa.billing_accounts TO kassa_worker;
GRANT SELECT ON TABLE kassa.billing_accounts TO customer;
GRANT SELECT ON TABLE kassa.billing_accounts TO staff;

GRANT SELECT ON TABLE api.customers TO customer;
GRANT SELECT ON TABLE api.customers TO staff;

GRANT INSERT(status),UPDATE(status) ON TABLE api.customers TO staff;

GRANT INSERT(type),UPDATE(type) ON TABLE api.customers TO staff;

GRANT INSERT(name),UPDATE(name) ON TABLE api.customers TO staff;
GRANT UPDATE(name) ON TABLE api.customers TO customer;

GRANT INSERT(company_name),UPDATE(company_name) ON TABLE api.customers TO staff;

GRANT INSERT(email),UPDATE(email) ON TABLE api.customers TO staff;
GRANT UPDATE(email) ON TABLE api.customers TO customer;

GRANT INSERT(phone),UPDATE(phone) ON TABLE api.customers TO staff;
GRANT UPDATE(phone) ON TABLE api.customers TO customer;

GRANT INSERT(address),UPDATE(address) ON TABLE api.customers TO staff;
GRANT UPDATE(address) ON TABLE api.customers TO customer;

GRANT INSERT(vat_number),UPDATE(vat_number) ON TABLE api.customers TO staff;

GRANT SELECT ON TABLE api.invoice_allocations TO customer;
GRANT SELECT ON TABLE api.invoice_allocations TO staff;

GRANT SELECT ON TABLE api.invoice_vat_breakdown TO customer;
GRANT SELECT ON TABLE api.invoice_vat_breakdown TO staff;

GRANT SELECT,INSERT,UPDATE ON TABLE kassa.job_runs TO kassa_worker;
GRANT SELECT ON TABLE kassa.job_runs TO staff;

GRANT SELECT ON TABLE api.job_runs TO staff;

GRANT SELECT ON TABLE api.ledger_entries TO customer;
GRANT SELECT ON TABLE api.ledger_entries TO staff;

GRANT SELECT ON TABLE kassa.low_balance_thresholds TO kassa_worker;
GRANT SELECT ON TABLE kassa.low_balance_thresholds TO customer;
GRANT SELECT,INSERT,DELETE ON TABLE kassa.low_balance_thresholds TO staff;

GRANT SELECT ON TABLE api.low_balance_thresholds TO customer;
GRANT SELECT,INSERT,DELETE ON TABLE api.low_balance_thresholds TO staff;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE kassa.notifications TO kassa_worker;
GRANT SELECT ON TABLE kassa.notifications TO customer;
GRANT SELECT ON TABLE kassa.notifications TO staff;

GRANT SELECT ON TABLE api.notifications TO customer;
GRANT SELECT ON TABLE api.notifications TO staff;

GRANT SELECT ON TABLE api.payment_methods TO customer;
GRANT SELECT ON TABLE api.payment_methods TO staff;

GRANT SELECT ON TABLE api.payment_provider_responses TO staff;

GRANT SELECT ON TABLE api.payment_refunds TO customer;
GRANT SELECT ON TABLE api.payment_refunds TO staff;

GRANT SELECT ON TABLE kassa.payment_settings TO kassa_worker;
GRANT SELECT ON TABLE kassa.payment_settings TO customer;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE kassa.payment_settings TO staff;

GRANT SELECT ON TABLE api.payment_settings TO customer;
GRANT SELECT,INSERT ON TABLE api.payment_settings TO staff;

GRANT UPDATE(min_top_up) ON TABLE api.payment_settings TO staff;

GRANT UPDATE(max_top_up) ON TABLE api.payment_settings TO staff;

GRANT UPDATE(return_origins) ON TABLE api.payment_settings TO staff;

GRANT SELECT ON TABLE api.payments TO customer;
GRANT SELECT ON TABLE api.payments TO staff;

GRANT SELECT ON TABLE api.pending_charges TO customer;
GRANT SELECT ON TABLE api.pending_charges TO staff;

GRANT SELECT ON TABLE kassa.price_versions TO kassa_worker;
GRANT SELECT ON TABLE kassa.price_versions TO customer;
GRANT SELECT ON TABLE kassa.price_versions TO staff;

GRANT INSERT(product_id) ON TABLE kassa.price_versions TO staff;

GRANT INSERT(price),UPDATE(price) ON TABLE kassa.price_versions TO staff;

GRANT INSERT("interval"),UPDATE("interval") ON TABLE kassa.price_versions TO staff;

GRANT INSERT(currency),UPDATE(currency) ON TABLE kassa.price_versions TO staff;

GRANT INSERT(vat_category),UPDATE(vat_category) ON TABLE kassa.price_versions TO staff;

GRANT INSERT(valid_from),UPDATE(valid_from) ON TABLE kassa.price_versions TO staff;

GRANT SELECT ON TABLE kassa.products TO kassa_worker;
GRANT SELECT ON TABLE kassa.products TO customer;
GRANT SELECT ON TABLE kassa.products TO staff;

GRANT INSERT(code) ON TABLE kassa.products TO staff;

GRANT INSERT(name),UPDATE(name) ON TABLE kassa.products TO staff;

GRANT INSERT(kind) ON TABLE kassa.products TO staff;

GRANT INSERT(description),UPDATE(description) ON TABLE kassa.products TO staff;

GRANT INSERT(active),UPDATE(active) ON TABLE kassa.products TO staff;

GRANT SELECT ON TABLE api.plan_versions TO customer;
GRANT SELECT ON TABLE api.plan_versions TO staff;

GRANT SELECT ON TABLE api.plans TO customer;
GRANT SELECT ON TABLE api.plans TO staff;

GRANT SELECT ON TABLE api.price_versions TO customer;
GRANT SELECT ON TABLE api.price_versions TO staff;

GRANT INSERT(product_id) ON TABLE api.price_versions TO staff;

GRANT INSERT(price),UPDATE(price) ON TABLE api.price_versions TO staff;

GRANT INSERT("interval"),UPDATE("interval") ON TABLE api.price_versions TO staff;

GRANT INSERT(currency),UPDATE(currency) ON TABLE api.price_versions TO staff;

GRANT INSERT(vat_category),UPDATE(vat_category) ON TABLE api.price_versions TO staff;

GRANT INSERT(valid_from),UPDATE(valid_from) ON TABLE api.price_versions TO staff;

GRANT SELECT ON TABLE api.products TO customer;
GRANT SELECT ON TABLE api.products TO staff;

GRANT INSERT(code) ON TABLE api.products TO staff;

GRANT INSERT(name),UPDATE(name) ON TABLE api.products TO staff;

GRANT INSERT(kind) ON TABLE api.products TO staff;

GRANT INSERT(description),UPDATE(description) ON TABLE api.products TO staff;

GRANT INSERT(active),UPDATE(active) ON TABLE api.products TO staff;

GRANT SELECT ON TABLE kassa.service_actions TO kassa_worker;
GRANT SELECT ON TABLE kassa.service_actions TO customer;
GRANT SELECT ON TABLE kassa.service_actions TO staff;

GRANT SELECT ON TABLE api.service_actions TO customer;
GRANT SELECT ON TABLE api.service_actions TO staff;

GRANT SELECT ON TABLE api.services TO customer;
GRANT SELECT ON TABLE api.services TO staff;

GRANT INSERT(customer_id) ON TABLE api.services TO staff;

GRANT INSERT(price_version_id) ON TABLE api.services TO staff;

GRANT INSERT(installation_address),UPDATE(installation_address) ON TABLE api.services TO staff;

GRANT INSERT(reference),UPDATE(reference) ON TABLE api.services TO staff;

GRANT INSERT(billing_day) ON TABLE api.services TO staff;

GRANT SELECT ON TABLE api.tenants TO customer;
GRANT SELECT ON TABLE api.tenants TO staff;

GRANT UPDATE(name) ON TABLE api.tenants TO staff;

GRANT UPDATE(legal_name) ON TABLE api.tenants TO staff;

GRANT UPDATE(address) ON TABLE api.tenants TO staff;

GRANT UPDATE(vat_number) ON TABLE api.tenants TO staff;

GRANT UPDATE(prices_include_vat) ON TABLE api.tenants TO staff;

GRANT UPDATE(timezone) ON TABLE api.tenants TO staff;

GRANT UPDATE(locale) ON TABLE api.tenants TO staff;

GRANT UPDATE(account_number_format) ON TABLE api.tenants TO staff;

GRANT UPDATE(invoice_number_format) ON TABLE api.tenants TO staff;

GRANT UPDATE(credit_note_number_format) ON TABLE api.tenants TO staff;

GRANT UPDATE(payment_terms_days) ON TABLE api.tenants TO staff;

GRANT SELECT ON TABLE kassa.vat_rates TO kassa_worker;
GRANT SELECT ON TABLE kassa.vat_rates TO customer;
GRANT SELECT,INSERT ON TABLE kassa.vat_rates TO staff;

GRANT UPDATE(rate) ON TABLE kassa.vat_rates TO staff;

GRANT SELECT ON TABLE api.vat_rates TO customer;
GRANT SELECT ON TABLE api.vat_rates TO staff;

GRANT INSERT(category) ON TABLE api.vat_rates TO staff;

GRANT INSERT(rate),UPDATE(rate) ON TABLE api.vat_rates TO staff;

GRANT SELECT ON TABLE kassa.clock TO kassa_worker;

GRANT SELECT ON TABLE kassa.counters TO kassa_worker;

GRANT SELECT ON TABLE kassa.invoice_run_lines TO kassa_worker;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE kassa.payment_method_secrets TO kassa_worker;

GRANT SELECT ON TABLE kassa.request_results TO kassa_worker;

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE kassa.webhook_events TO kassa_worker;
