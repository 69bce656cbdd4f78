CREATE SCHEMA api;

ALTER SCHEMA api OWNER TO kassa_owner;

CREATE SCHEMA audit;

ALTER SCHEMA audit OWNER TO kassa_owner;

CREATE SCHEMA internal;

ALTER SCHEMA internal OWNER TO kassa_owner;

CREATE SCHEMA kassa;

ALTER SCHEMA kassa OWNER TO kassa_owner;

CREATE DOMAIN api."*/*" AS bytea;

ALTER DOMAIN api."*/*" OWNER TO kassa_owner;

CREATE DOMAIN api."text/csv" AS text;

ALTER DOMAIN api."text/csv" OWNER TO kassa_owner;

CREATE TYPE internal.credit_note_export AS (
	number text,
	issued_on date,
	invoice_number text,
	invoice_issued_on date,
	settlement text,
	reason text,
	customer_account text,
	customer_name text,
	customer_vat_number text,
	currency text,
	vat_category text,
	vat_rate numeric,
	net text,
	vat text,
	gross text,
	credit_note_id uuid,
	invoice_id uuid,
	customer_id uuid
);

ALTER TYPE internal.credit_note_export OWNER TO kassa_owner;

CREATE TYPE internal.datev_booking AS (
	amount bigint,
	side text,
	account bigint,
	contra_account bigint,
	tax_key text,
	document_date date,
	document_number text,
	posting_text text,
	supply_date date
);

ALTER TYPE internal.datev_booking OWNER TO kassa_owner;

CREATE TYPE internal.datev_document AS (
	rank integer,
	id uuid,
	customer_id uuid,
	number text,
	issued_on date,
	supply_date date,
	posting_text text,
	vat_category text,
	vat_rate numeric,
	gross bigint
);

ALTER TYPE internal.datev_document OWNER TO kassa_owner;

CREATE TYPE internal.invoice_export AS (
	number text,
	issued_on date,
	due_on date,
	status text,
	customer_account text,
	customer_name text,
	customer_vat_number text,
	currency text,
	vat_category text,
	vat_rate numeric,
	net text,
	vat text,
	gross text,
	supplied_on date,
	period_start date,
	period_end date,
	invoice_id uuid,
	customer_id uuid
);

ALTER TYPE internal.invoice_export OWNER TO kassa_owner;

CREATE TYPE internal.ledger_export AS (
	posted_on date,
	posted_at text,
	customer_account text,
	customer_name text,
	entry_no bigint,
	kind text,
	description text,
	source_type text,
	source_id text,
	currency text,
	amount text,
	balance_after text,
	entry_id uuid,
	customer_id uuid
);

ALTER TYPE internal.ledger_export OWNER TO kassa_owner;

CREATE TYPE internal.payment_export AS (
	posted_on date,
	posted_at text,
	kind text,
	payment_id uuid,
	refund_id uuid,
	customer_account text,
	customer_name text,
	method text,
	provider text,
	provider_ref text,
	purpose text,
	invoice_number text,
	currency text,
	amount text,
	bonus text,
	customer_id uuid
);

ALTER TYPE internal.payment_export OWNER TO kassa_owner;

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
    CONSTRAINT services_installation_address_max_length CHECK ((char_length(installation_address) <= 1000)),
    CONSTRAINT services_reference_is_object CHECK ((jsonb_typeof(reference) = 'object'::text)),
    CONSTRAINT services_reference_max_length CHECK ((char_length((reference)::text) <= 4000)),
    CONSTRAINT services_status_known CHECK ((status = ANY (ARRAY['pending'::text, 'active'::text, 'suspended'::text, 'cancelled'::text]))),
    CONSTRAINT services_status_max_length CHECK ((char_length(status) <= 32)),
    CONSTRAINT services_suspended_has_reason CHECK (((status = 'suspended'::text) = (suspension_reason IS NOT NULL))),
    CONSTRAINT services_suspension_reason_known CHECK ((suspension_reason = ANY (ARRAY['service_suspended'::text, 'customer_suspended'::text, 'non_payment'::text]))),
    CONSTRAINT services_suspension_reason_max_length CHECK ((char_length(suspension_reason) <= 32))
);

ALTER TABLE kassa.services OWNER TO kassa_owner;

CREATE FUNCTION api.activate_service(service_id uuid, reason text, activated_on date DEFAULT NULL::date, request_id text DEFAULT NULL::text) RETURNS kassa.services
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.activate_service(service_id uuid, reason text, activated_on date, request_id text) OWNER TO kassa_owner;

CREATE TABLE kassa.pending_charges (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    customer_id uuid NOT NULL,
    service_id uuid,
    kind text NOT NULL,
    description text NOT NULL,
    price_version_id uuid,
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
    vat_category text,
    CONSTRAINT pending_charges_closed_reason_length CHECK ((char_length(closed_reason) <= 500)),
    CONSTRAINT pending_charges_closed_with_reason CHECK (((closed_on IS NULL) = (closed_reason IS NULL))),
    CONSTRAINT pending_charges_description_max_length CHECK ((char_length(description) <= 500)),
    CONSTRAINT pending_charges_description_not_blank CHECK ((description ~ '[^[:space:]\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]'::text)),
    CONSTRAINT pending_charges_kind_known CHECK ((kind = ANY (ARRAY['proration'::text, 'one_off'::text]))),
    CONSTRAINT pending_charges_kind_max_length CHECK ((char_length(kind) <= 32)),
    CONSTRAINT pending_charges_priced CHECK (((price_version_id IS NOT NULL) OR (vat_category IS NOT NULL))),
    CONSTRAINT pending_charges_quantity_finite CHECK ((quantity <> ALL (ARRAY['NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric]))),
    CONSTRAINT pending_charges_quantity_positive CHECK ((quantity > (0)::numeric)),
    CONSTRAINT pending_charges_settled_once CHECK ((num_nonnulls(invoice_line_id, credit_note_id, closed_on) <= 1)),
    CONSTRAINT pending_charges_vat_category_max_length CHECK ((char_length(vat_category) <= 32))
);

ALTER TABLE kassa.pending_charges OWNER TO kassa_owner;

CREATE FUNCTION api.add_fee(service_id uuid, fee_version_id uuid, quantity numeric DEFAULT 1, request_id text DEFAULT NULL::text) RETURNS kassa.pending_charges
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

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
    CONSTRAINT invoice_lines_charge_kind_max_length CHECK ((char_length(charge_kind) <= 32)),
    CONSTRAINT invoice_lines_description_max_length CHECK ((char_length(description) <= 500)),
    CONSTRAINT invoice_lines_description_not_blank CHECK ((description ~ '[^[:space:]\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]'::text)),
    CONSTRAINT invoice_lines_period_order CHECK (((period_end IS NULL) OR (period_end >= period_start))),
    CONSTRAINT invoice_lines_quantity_finite CHECK ((quantity <> ALL (ARRAY['NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric]))),
    CONSTRAINT invoice_lines_quantity_positive CHECK ((quantity > (0)::numeric)),
    CONSTRAINT invoice_lines_vat_category_max_length CHECK ((char_length(vat_category) <= 32)),
    CONSTRAINT invoice_lines_vat_rate_finite CHECK ((vat_rate <> ALL (ARRAY['NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric]))),
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
    AS $$…$$;

ALTER FUNCTION api.add_invoice_line(invoice_id uuid, description text, unit_price bigint, quantity numeric, vat_category text, period_start date, period_end date) OWNER TO kassa_owner;

CREATE FUNCTION api.add_payment_method(kind text, bank text DEFAULT NULL::text, account_type text DEFAULT NULL::text, account_number text DEFAULT NULL::text, mandate_reference text DEFAULT NULL::text, make_primary boolean DEFAULT false, customer_id uuid DEFAULT NULL::uuid) RETURNS uuid
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.add_payment_method(kind text, bank text, account_type text, account_number text, mandate_reference text, make_primary boolean, customer_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION api.adjust_balance(customer_id uuid, amount bigint, reason text, request_id text DEFAULT NULL::text) RETURNS uuid
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.adjust_balance(customer_id uuid, amount bigint, reason text, request_id text) OWNER TO kassa_owner;

CREATE FUNCTION api.assign_ticket(ticket_id uuid, assignee text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.assign_ticket(ticket_id uuid, assignee text) OWNER TO kassa_owner;

CREATE FUNCTION api.cancel_service(service_id uuid, reason text, cancelled_on date DEFAULT NULL::date, request_id text DEFAULT NULL::text) RETURNS kassa.services
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.cancel_service(service_id uuid, reason text, cancelled_on date, request_id text) OWNER TO kassa_owner;

CREATE FUNCTION api.change_plan(service_id uuid, plan_version_id uuid, reason text, effective_on date DEFAULT NULL::date, request_id text DEFAULT NULL::text) RETURNS kassa.services
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

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
    locale text,
    auto_pay boolean DEFAULT false NOT NULL,
    street text,
    postcode text,
    city text,
    country character(2) NOT NULL,
    buyer_reference text,
    anonymised_at timestamp with time zone,
    CONSTRAINT customers_account_number_max_length CHECK ((char_length(account_number) <= 64)),
    CONSTRAINT customers_address_max_length CHECK ((char_length(address) <= 1000)),
    CONSTRAINT customers_anonymised_when_closed CHECK (((anonymised_at IS NULL) OR (status = 'closed'::text))),
    CONSTRAINT customers_buyer_reference_max_length CHECK ((char_length(buyer_reference) <= 200)),
    CONSTRAINT customers_city_max_length CHECK ((char_length(city) <= 100)),
    CONSTRAINT customers_closed_has_date CHECK (((status = 'closed'::text) = (closed_at IS NOT NULL))),
    CONSTRAINT customers_company_name_max_length CHECK ((char_length(company_name) <= 200)),
    CONSTRAINT customers_country_format CHECK ((country ~ '^[A-Z]{2}$'::text)),
    CONSTRAINT customers_email_format CHECK ((email ~* '^[^@\s]+@[^@\s]+\.[^@\s]+$'::text)),
    CONSTRAINT customers_email_max_length CHECK ((char_length(email) <= 254)),
    CONSTRAINT customers_locale_known CHECK ((locale ~ '^(en|de)(_[A-Z]{2})?$'::text)),
    CONSTRAINT customers_locale_max_length CHECK ((char_length(locale) <= 35)),
    CONSTRAINT customers_name_max_length CHECK ((char_length(name) <= 200)),
    CONSTRAINT customers_name_not_blank CHECK ((name ~ '[^[:space:]\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]'::text)),
    CONSTRAINT customers_phone_format CHECK ((phone ~ '^\+?[0-9 ()-]{6,20}$'::text)),
    CONSTRAINT customers_phone_max_length CHECK ((char_length(phone) <= 32)),
    CONSTRAINT customers_postcode_max_length CHECK ((char_length(postcode) <= 20)),
    CONSTRAINT customers_status_known CHECK ((status = ANY (ARRAY['active'::text, 'suspended'::text, 'closed'::text]))),
    CONSTRAINT customers_status_max_length CHECK ((char_length(status) <= 32)),
    CONSTRAINT customers_status_reason_max_length CHECK ((char_length(status_reason) <= 500)),
    CONSTRAINT customers_status_reason_not_blank CHECK ((status_reason ~ '[^[:space:]\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]'::text)),
    CONSTRAINT customers_street_max_length CHECK ((char_length(street) <= 200)),
    CONSTRAINT customers_type_known CHECK ((type = ANY (ARRAY['personal'::text, 'business'::text]))),
    CONSTRAINT customers_type_max_length CHECK ((char_length(type) <= 32)),
    CONSTRAINT customers_vat_number_max_length CHECK ((char_length(vat_number) <= 50))
);

ALTER TABLE kassa.customers OWNER TO kassa_owner;

CREATE FUNCTION api.close_customer(customer_id uuid, reason text) RETURNS kassa.customers
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.close_customer(customer_id uuid, reason text) OWNER TO kassa_owner;

CREATE FUNCTION api.configure_auto_pay(enabled boolean, customer_id uuid DEFAULT NULL::uuid) RETURNS boolean
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.configure_auto_pay(enabled boolean, customer_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION api.configure_auto_topup(enabled boolean, threshold bigint, amount bigint, payment_method_id uuid, customer_id uuid DEFAULT NULL::uuid) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.configure_auto_topup(enabled boolean, threshold bigint, amount bigint, payment_method_id uuid, customer_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION api.create_amount_link(customer_id uuid, amount bigint, currency text) RETURNS jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.create_amount_link(customer_id uuid, amount bigint, currency text) OWNER TO kassa_owner;

CREATE FUNCTION api.create_api_key(name text, expires_at timestamp with time zone, role text DEFAULT NULL::text, customer_id uuid DEFAULT NULL::uuid) RETURNS jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.create_api_key(name text, expires_at timestamp with time zone, role text, customer_id uuid) OWNER TO kassa_owner;

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
    invoice_number text,
    invoice_issued_on date,
    CONSTRAINT credit_notes_invoice_number_max_length CHECK ((char_length(invoice_number) <= 64)),
    CONSTRAINT credit_notes_number_max_length CHECK ((char_length(number) <= 64)),
    CONSTRAINT credit_notes_reason_max_length CHECK ((char_length(reason) <= 500)),
    CONSTRAINT credit_notes_reason_not_blank CHECK ((reason ~ '[^[:space:]\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]'::text)),
    CONSTRAINT credit_notes_settlement_known CHECK ((settlement = ANY (ARRAY['balance'::text, 'refund'::text, 'write_off'::text]))),
    CONSTRAINT credit_notes_settlement_max_length CHECK ((char_length(settlement) <= 32)),
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
    credit_notes.recipient,
    credit_notes.invoice_number,
    credit_notes.invoice_issued_on
   FROM kassa.credit_notes;

ALTER TABLE api.credit_notes OWNER TO kassa_owner;

CREATE FUNCTION api.create_credit_note(invoice_id uuid, reason text, settlement text DEFAULT 'balance'::text, lines jsonb DEFAULT NULL::jsonb, issued_on date DEFAULT NULL::date, request_id text DEFAULT NULL::text) RETURNS api.credit_notes
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

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
    buyer_reference text,
    document_kind text,
    vat_breakdown jsonb,
    legacy_number text,
    CONSTRAINT invoices_amount_credited_not_negative CHECK ((amount_credited >= 0)),
    CONSTRAINT invoices_amount_paid_not_negative CHECK ((amount_paid >= 0)),
    CONSTRAINT invoices_buyer_reference_max_length CHECK ((char_length(buyer_reference) <= 200)),
    CONSTRAINT invoices_document_kind CHECK ((document_kind = ANY (ARRAY['invoice'::text, 'small_amount_invoice'::text, 'tax_invoice'::text, 'abridged_tax_invoice'::text]))),
    CONSTRAINT invoices_legacy_not_numbered CHECK (((legacy_number IS NULL) OR ((number IS NULL) AND (status <> 'draft'::text)))),
    CONSTRAINT invoices_legacy_number_max_length CHECK ((char_length(legacy_number) <= 64)),
    CONSTRAINT invoices_not_overpaid CHECK ((((number IS NULL) AND (legacy_number IS NULL)) OR ((amount_paid + amount_credited) <= total))),
    CONSTRAINT invoices_notes_max_length CHECK ((char_length(notes) <= 4000)),
    CONSTRAINT invoices_number_max_length CHECK ((char_length(number) <= 64)),
    CONSTRAINT invoices_number_when_final CHECK ((((status = 'draft'::text) = ((number IS NULL) AND (legacy_number IS NULL))) OR (status = 'void'::text))),
    CONSTRAINT invoices_status_known CHECK ((status = ANY (ARRAY['draft'::text, 'finalised'::text, 'partially_paid'::text, 'paid'::text, 'overdue'::text, 'void'::text, 'written_off'::text]))),
    CONSTRAINT invoices_status_max_length CHECK ((char_length(status) <= 32))
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
    invoices.recipient,
    invoices.buyer_reference,
    invoices.document_kind,
    invoices.legacy_number
   FROM kassa.invoices;

ALTER TABLE api.invoices OWNER TO kassa_owner;

CREATE FUNCTION api.create_invoice(customer_id uuid, notes text DEFAULT ''::text, period_start date DEFAULT NULL::date, period_end date DEFAULT NULL::date, supplied_on date DEFAULT NULL::date) RETURNS api.invoices
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.create_invoice(customer_id uuid, notes text, period_start date, period_end date, supplied_on date) OWNER TO kassa_owner;

CREATE FUNCTION api.create_oidc_provider(name text, issuer text, audience text, jwks_url text) RETURNS jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.create_oidc_provider(name text, issuer text, audience text, jwks_url text) OWNER TO kassa_owner;

CREATE FUNCTION api.create_payment_link(invoice_id uuid) RETURNS jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.create_payment_link(invoice_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION api.create_webhook_endpoint(url text, event_kinds text[] DEFAULT '{}'::text[], description text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.create_webhook_endpoint(url text, event_kinds text[], description text) OWNER TO kassa_owner;

CREATE FUNCTION api.customer_dashboard(customer_id uuid DEFAULT NULL::uuid) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.customer_dashboard(customer_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION api.customer_data_export(customer_id uuid DEFAULT NULL::uuid) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.customer_data_export(customer_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION api.export_credit_notes("from" date DEFAULT NULL::date, "to" date DEFAULT NULL::date) RETURNS api."text/csv"
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.export_credit_notes("from" date, "to" date) OWNER TO kassa_owner;

CREATE FUNCTION api.export_datev("from" date DEFAULT NULL::date, "to" date DEFAULT NULL::date) RETURNS api."*/*"
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.export_datev("from" date, "to" date) OWNER TO kassa_owner;

CREATE FUNCTION api.export_invoices("from" date DEFAULT NULL::date, "to" date DEFAULT NULL::date) RETURNS api."text/csv"
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.export_invoices("from" date, "to" date) OWNER TO kassa_owner;

CREATE FUNCTION api.export_ledger("from" date DEFAULT NULL::date, "to" date DEFAULT NULL::date) RETURNS api."text/csv"
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.export_ledger("from" date, "to" date) OWNER TO kassa_owner;

CREATE FUNCTION api.export_payments("from" date DEFAULT NULL::date, "to" date DEFAULT NULL::date) RETURNS api."text/csv"
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.export_payments("from" date, "to" date) OWNER TO kassa_owner;

CREATE FUNCTION api.fail_payment(payment_id uuid, reason text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.fail_payment(payment_id uuid, reason text) OWNER TO kassa_owner;

CREATE FUNCTION api.finalise_invoice(invoice_id uuid, issued_on date DEFAULT NULL::date, request_id text DEFAULT NULL::text) RETURNS api.invoices
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.finalise_invoice(invoice_id uuid, issued_on date, request_id text) OWNER TO kassa_owner;

CREATE FUNCTION api.invalidate_payment_link(link_id uuid, reason text) RETURNS jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.invalidate_payment_link(link_id uuid, reason text) OWNER TO kassa_owner;

CREATE FUNCTION api.link_oidc_subject(provider_id uuid, subject text, identity_id uuid) RETURNS jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.link_oidc_subject(provider_id uuid, subject text, identity_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION api.open_ticket(subject text, body text, category text, invoice_id uuid DEFAULT NULL::uuid, service_id uuid DEFAULT NULL::uuid, attachments jsonb DEFAULT '[]'::jsonb) RETURNS uuid
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.open_ticket(subject text, body text, category text, invoice_id uuid, service_id uuid, attachments jsonb) OWNER TO kassa_owner;

CREATE TABLE kassa.dunning_pauses (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    customer_id uuid NOT NULL,
    invoice_id uuid,
    reason text NOT NULL,
    until date NOT NULL,
    actor text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    ended_at timestamp with time zone,
    ended_by text,
    CONSTRAINT dunning_pauses_actor_length CHECK ((char_length(actor) <= 200)),
    CONSTRAINT dunning_pauses_ended_by CHECK (((ended_at IS NULL) = (ended_by IS NULL))),
    CONSTRAINT dunning_pauses_ended_by_length CHECK ((char_length(ended_by) <= 200)),
    CONSTRAINT dunning_pauses_reason_length CHECK (((char_length(reason) >= 1) AND (char_length(reason) <= 500)))
);

ALTER TABLE kassa.dunning_pauses OWNER TO kassa_owner;

CREATE FUNCTION api.pause_dunning(reason text, until date, customer_id uuid DEFAULT NULL::uuid, invoice_id uuid DEFAULT NULL::uuid) RETURNS kassa.dunning_pauses
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.pause_dunning(reason text, until date, customer_id uuid, invoice_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION api.record_manual_payment(customer_id uuid, amount bigint, method text, reason text, reference text DEFAULT NULL::text, request_id text DEFAULT NULL::text) RETURNS uuid
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.record_manual_payment(customer_id uuid, amount bigint, method text, reason text, reference text, request_id text) OWNER TO kassa_owner;

CREATE FUNCTION api.record_usage(records jsonb) RETURNS jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.record_usage(records jsonb) OWNER TO kassa_owner;

CREATE FUNCTION api.refund_payment(payment_id uuid, amount bigint, reason text, request_id text DEFAULT NULL::text) RETURNS uuid
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.refund_payment(payment_id uuid, amount bigint, reason text, request_id text) OWNER TO kassa_owner;

CREATE FUNCTION api.regenerate_payment_link(link_id uuid, reason text) RETURNS jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.regenerate_payment_link(link_id uuid, reason text) OWNER TO kassa_owner;

CREATE FUNCTION api.remove_invoice_line(line_id uuid) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.remove_invoice_line(line_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION api.remove_payment_method(payment_method_id uuid) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.remove_payment_method(payment_method_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION api.reply_ticket(ticket_id uuid, body text, internal boolean DEFAULT false, attachments jsonb DEFAULT '[]'::jsonb) RETURNS uuid
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.reply_ticket(ticket_id uuid, body text, internal boolean, attachments jsonb) OWNER TO kassa_owner;

CREATE FUNCTION api.resend_webhook(delivery_id uuid) RETURNS jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.resend_webhook(delivery_id uuid) OWNER TO kassa_owner;

CREATE TABLE kassa.debit_order_batches (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    submission_date date NOT NULL,
    action_date date NOT NULL,
    service text NOT NULL,
    name text NOT NULL,
    status text DEFAULT 'recorded'::text NOT NULL,
    file_token text,
    load_status text,
    error text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    resolution text,
    CONSTRAINT debit_order_batches_action_after_submission CHECK ((action_date >= submission_date)),
    CONSTRAINT debit_order_batches_error_max_length CHECK ((char_length(error) <= 2000)),
    CONSTRAINT debit_order_batches_file_token_max_length CHECK ((char_length(file_token) <= 200)),
    CONSTRAINT debit_order_batches_load_status_known CHECK ((load_status = ANY (ARRAY['SUCCESSFUL'::text, 'UNSUCCESSFUL'::text, 'SUCCESSFUL WITH ERRORS'::text]))),
    CONSTRAINT debit_order_batches_name_max_length CHECK ((char_length(name) <= 100)),
    CONSTRAINT debit_order_batches_resolution_max_length CHECK ((char_length(resolution) <= 500)),
    CONSTRAINT debit_order_batches_service_known CHECK ((service = ANY (ARRAY['two_day'::text, 'same_day'::text]))),
    CONSTRAINT debit_order_batches_status_known CHECK ((status = ANY (ARRAY['recorded'::text, 'uploading'::text, 'upload_unknown'::text, 'loading'::text, 'submitted'::text, 'awaiting_authorisation'::text, 'failed'::text])))
);

ALTER TABLE kassa.debit_order_batches OWNER TO kassa_owner;

CREATE FUNCTION api.resolve_debit_order_batch(batch_id uuid, received boolean, reason text) RETURNS kassa.debit_order_batches
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.resolve_debit_order_batch(batch_id uuid, received boolean, reason text) OWNER TO kassa_owner;

CREATE FUNCTION api.resume_customer(customer_id uuid, reason text) RETURNS kassa.customers
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.resume_customer(customer_id uuid, reason text) OWNER TO kassa_owner;

CREATE FUNCTION api.resume_dunning(pause_id uuid) RETURNS kassa.dunning_pauses
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.resume_dunning(pause_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION api.resume_service(service_id uuid, reason text, resumed_on date DEFAULT NULL::date, request_id text DEFAULT NULL::text) RETURNS kassa.services
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.resume_service(service_id uuid, reason text, resumed_on date, request_id text) OWNER TO kassa_owner;

CREATE FUNCTION api.revoke_api_key(id uuid) RETURNS jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.revoke_api_key(id uuid) OWNER TO kassa_owner;

CREATE FUNCTION api.rotate_webhook_secret(endpoint_id uuid, overlap_hours integer DEFAULT 24) RETURNS jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.rotate_webhook_secret(endpoint_id uuid, overlap_hours integer) OWNER TO kassa_owner;

CREATE TABLE kassa.credit_limits (
    tenant_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    credit_limit bigint NOT NULL,
    reason text NOT NULL,
    set_by text NOT NULL,
    set_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT credit_limits_credit_limit_not_negative CHECK ((credit_limit >= 0)),
    CONSTRAINT credit_limits_reason_max_length CHECK ((char_length(reason) <= 500)),
    CONSTRAINT credit_limits_reason_not_blank CHECK ((btrim(reason) <> ''::text)),
    CONSTRAINT credit_limits_set_by_max_length CHECK ((char_length(set_by) <= 200))
);

ALTER TABLE kassa.credit_limits OWNER TO kassa_owner;

CREATE FUNCTION api.set_credit_limit(customer_id uuid, credit_limit numeric, reason text) RETURNS kassa.credit_limits
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.set_credit_limit(customer_id uuid, credit_limit numeric, reason text) OWNER TO kassa_owner;

CREATE TABLE kassa.dunning_schedules (
    tenant_id uuid NOT NULL,
    version integer NOT NULL,
    valid_from date NOT NULL,
    tolerance bigint DEFAULT 0 NOT NULL,
    created_by text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT dunning_schedules_created_by_length CHECK ((char_length(created_by) <= 200)),
    CONSTRAINT dunning_schedules_tolerance_range CHECK (((tolerance >= 0) AND (tolerance <= 100000000))),
    CONSTRAINT dunning_schedules_version_positive CHECK ((version > 0))
);

ALTER TABLE kassa.dunning_schedules OWNER TO kassa_owner;

CREATE FUNCTION api.set_dunning_schedule(steps jsonb, tolerance bigint DEFAULT 0) RETURNS kassa.dunning_schedules
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.set_dunning_schedule(steps jsonb, tolerance bigint) OWNER TO kassa_owner;

CREATE FUNCTION api.set_message_preference(kind text, channel text, enabled boolean, customer_id uuid DEFAULT NULL::uuid) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.set_message_preference(kind text, channel text, enabled boolean, customer_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION api.set_primary_payment_method(payment_method_id uuid) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.set_primary_payment_method(payment_method_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION api.set_quiet_hours(starts text, ends text, customer_id uuid DEFAULT NULL::uuid) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.set_quiet_hours(starts text, ends text, customer_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION api.set_ticket_status(ticket_id uuid, status text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.set_ticket_status(ticket_id uuid, status text) OWNER TO kassa_owner;

CREATE FUNCTION api.staff_dashboard() RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.staff_dashboard() OWNER TO kassa_owner;

CREATE FUNCTION api.start_invoice_run(request_id text DEFAULT NULL::text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.start_invoice_run(request_id text) OWNER TO kassa_owner;

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
    public_id uuid DEFAULT gen_random_uuid() NOT NULL,
    entry_no bigint NOT NULL,
    CONSTRAINT ledger_entries_amount_not_zero CHECK ((amount <> 0)),
    CONSTRAINT ledger_entries_description_max_length CHECK ((char_length(description) <= 500)),
    CONSTRAINT ledger_entries_entry_no_positive CHECK ((entry_no > 0)),
    CONSTRAINT ledger_entries_kind_known CHECK ((kind = ANY (ARRAY['invoice'::text, 'payment'::text, 'top_up'::text, 'bonus'::text, 'refund'::text, 'credit_note'::text, 'adjustment'::text, 'reversal'::text, 'opening_balance'::text]))),
    CONSTRAINT ledger_entries_kind_max_length CHECK ((char_length(kind) <= 32)),
    CONSTRAINT ledger_entries_source_id_max_length CHECK ((char_length(source_id) <= 200)),
    CONSTRAINT ledger_entries_source_type_max_length CHECK ((char_length(source_type) <= 32))
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
    date_window_back_days integer DEFAULT 90 NOT NULL,
    date_window_forward_days integer DEFAULT 366 NOT NULL,
    dunning_fee_vat_category text,
    mandatory_message_kinds text[] DEFAULT ARRAY['invoice_issued'::text] NOT NULL,
    mail_sender_name text,
    mail_reply_to text,
    webhooks_allow_private boolean DEFAULT false NOT NULL,
    usage_warning_percents integer[] DEFAULT '{80,95}'::integer[] NOT NULL,
    smtp_profile text,
    street text,
    postcode text,
    city text,
    tax_number text,
    registration_number text,
    iban text,
    bic text,
    privacy_retention_days integer DEFAULT 365 NOT NULL,
    signup_mode text DEFAULT 'off'::text NOT NULL,
    CONSTRAINT tenants_account_number_format_max_length CHECK ((char_length(account_number_format) <= 64)),
    CONSTRAINT tenants_address_max_length CHECK ((char_length(address) <= 1000)),
    CONSTRAINT tenants_bic_format CHECK ((bic ~ '^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$'::text)),
    CONSTRAINT tenants_bic_max_length CHECK ((char_length(bic) <= 11)),
    CONSTRAINT tenants_billing_days_valid CHECK (((cardinality(billing_days) > 0) AND (billing_days <@ ARRAY[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]))),
    CONSTRAINT tenants_city_max_length CHECK ((char_length(city) <= 100)),
    CONSTRAINT tenants_country_format CHECK ((country ~ '^[A-Z]{2}$'::text)),
    CONSTRAINT tenants_credit_note_number_format_max_length CHECK ((char_length(credit_note_number_format) <= 64)),
    CONSTRAINT tenants_date_window_back_days_range CHECK (((date_window_back_days >= 0) AND (date_window_back_days <= 3660))),
    CONSTRAINT tenants_date_window_forward_days_range CHECK (((date_window_forward_days >= 0) AND (date_window_forward_days <= 3660))),
    CONSTRAINT tenants_dunning_fee_vat_category_max_length CHECK ((char_length(dunning_fee_vat_category) <= 32)),
    CONSTRAINT tenants_iban_format CHECK ((iban ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$'::text)),
    CONSTRAINT tenants_iban_max_length CHECK ((char_length(iban) <= 34)),
    CONSTRAINT tenants_invoice_lead_days_range CHECK (((invoice_lead_days >= 0) AND (invoice_lead_days <= 60))),
    CONSTRAINT tenants_invoice_number_format_max_length CHECK ((char_length(invoice_number_format) <= 64)),
    CONSTRAINT tenants_invoice_run_mode_known CHECK ((invoice_run_mode = ANY (ARRAY['finalise'::text, 'draft'::text]))),
    CONSTRAINT tenants_invoice_run_mode_max_length CHECK ((char_length(invoice_run_mode) <= 32)),
    CONSTRAINT tenants_legal_name_max_length CHECK ((char_length(legal_name) <= 200)),
    CONSTRAINT tenants_legal_name_not_blank CHECK ((legal_name ~ '[^[:space:]\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]'::text)),
    CONSTRAINT tenants_locale_known CHECK ((locale ~ '^(en|de)(_[A-Z]{2})?$'::text)),
    CONSTRAINT tenants_locale_max_length CHECK ((char_length(locale) <= 35)),
    CONSTRAINT tenants_mail_reply_to_format CHECK ((mail_reply_to ~* '^[^@\s]+@[^@\s]+\.[^@\s]+$'::text)),
    CONSTRAINT tenants_mail_reply_to_max_length CHECK ((char_length(mail_reply_to) <= 254)),
    CONSTRAINT tenants_mail_sender_name_max_length CHECK ((char_length(mail_sender_name) <= 100)),
    CONSTRAINT tenants_mandatory_message_kinds_max_length CHECK (((cardinality(mandatory_message_kinds) <= 64) AND (char_length(array_to_string(mandatory_message_kinds, ','::text)) <= 4000))),
    CONSTRAINT tenants_name_max_length CHECK ((char_length(name) <= 200)),
    CONSTRAINT tenants_name_not_blank CHECK ((name ~ '[^[:space:]\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]'::text)),
    CONSTRAINT tenants_number_formats_have_counter CHECK (((account_number_format ~ '\{N+\}'::text) AND (invoice_number_format ~ '\{N+\}'::text) AND (credit_note_number_format ~ '\{N+\}'::text))),
    CONSTRAINT tenants_payment_terms_range CHECK (((payment_terms_days >= 0) AND (payment_terms_days <= 365))),
    CONSTRAINT tenants_postcode_max_length CHECK ((char_length(postcode) <= 20)),
    CONSTRAINT tenants_privacy_retention_days_range CHECK (((privacy_retention_days >= 30) AND (privacy_retention_days <= 3650))),
    CONSTRAINT tenants_proration_mode_known CHECK ((proration_mode = ANY (ARRAY['next_invoice'::text, 'immediate'::text]))),
    CONSTRAINT tenants_proration_mode_max_length CHECK ((char_length(proration_mode) <= 32)),
    CONSTRAINT tenants_registration_number_max_length CHECK ((char_length(registration_number) <= 100)),
    CONSTRAINT tenants_signup_mode_known CHECK ((signup_mode = ANY (ARRAY['open'::text, 'invitation'::text, 'off'::text]))),
    CONSTRAINT tenants_slug_format CHECK ((slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'::text)),
    CONSTRAINT tenants_slug_max_length CHECK ((char_length(slug) <= 63)),
    CONSTRAINT tenants_smtp_profile_format CHECK ((smtp_profile ~ '^[a-z0-9][a-z0-9_-]{0,62}$'::text)),
    CONSTRAINT tenants_smtp_profile_max_length CHECK ((char_length(smtp_profile) <= 63)),
    CONSTRAINT tenants_status_known CHECK ((status = ANY (ARRAY['active'::text, 'suspended'::text]))),
    CONSTRAINT tenants_status_max_length CHECK ((char_length(status) <= 32)),
    CONSTRAINT tenants_street_max_length CHECK ((char_length(street) <= 200)),
    CONSTRAINT tenants_tax_number_max_length CHECK ((char_length(tax_number) <= 50)),
    CONSTRAINT tenants_timezone_max_length CHECK ((char_length(timezone) <= 64)),
    CONSTRAINT tenants_usage_warning_percents_range CHECK (((cardinality(usage_warning_percents) <= 10) AND (array_position(usage_warning_percents, NULL::integer) IS NULL) AND (1 <= ALL (usage_warning_percents)) AND (100 >= ALL (usage_warning_percents)))),
    CONSTRAINT tenants_vat_number_max_length CHECK ((char_length(vat_number) <= 50))
);

ALTER TABLE kassa.tenants OWNER TO kassa_owner;

CREATE VIEW api.statement_lines WITH (security_invoker='true') AS
 SELECT l.tenant_id,
    l.customer_id,
    c.account_number,
    l.public_id AS entry_id,
    l.entry_no,
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
    AS $$…$$;

ALTER FUNCTION api.statement(customer_id uuid, "from" date, "to" date) OWNER TO kassa_owner;

CREATE FUNCTION api.subscribe_push(endpoint text, p256dh text, auth text, user_agent text DEFAULT NULL::text) RETURNS uuid
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.subscribe_push(endpoint text, p256dh text, auth text, user_agent text) OWNER TO kassa_owner;

CREATE FUNCTION api.suspend_customer(customer_id uuid, reason text) RETURNS kassa.customers
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.suspend_customer(customer_id uuid, reason text) OWNER TO kassa_owner;

CREATE FUNCTION api.suspend_service(service_id uuid, reason text, suspended_on date DEFAULT NULL::date, request_id text DEFAULT NULL::text) RETURNS kassa.services
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.suspend_service(service_id uuid, reason text, suspended_on date, request_id text) OWNER TO kassa_owner;

CREATE FUNCTION api.ticket_attachment(attachment_id uuid) RETURNS api."*/*"
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.ticket_attachment(attachment_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION api.unlink_oidc_subject(provider_id uuid, subject text) RETURNS boolean
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.unlink_oidc_subject(provider_id uuid, subject text) OWNER TO kassa_owner;

CREATE FUNCTION api.unsubscribe_push(subscription_id uuid) RETURNS boolean
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.unsubscribe_push(subscription_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION api.update_webhook_endpoint(endpoint_id uuid, url text DEFAULT NULL::text, event_kinds text[] DEFAULT NULL::text[], description text DEFAULT NULL::text, enabled boolean DEFAULT NULL::boolean) RETURNS jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.update_webhook_endpoint(endpoint_id uuid, url text, event_kinds text[], description text, enabled boolean) OWNER TO kassa_owner;

CREATE FUNCTION api.void_invoice(invoice_id uuid, reason text, issued_on date DEFAULT NULL::date, request_id text DEFAULT NULL::text) RETURNS api.invoices
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.void_invoice(invoice_id uuid, reason text, issued_on date, request_id text) OWNER TO kassa_owner;

CREATE FUNCTION api.write_off_invoice(invoice_id uuid, reason text, issued_on date DEFAULT NULL::date, request_id text DEFAULT NULL::text) RETURNS api.credit_notes
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION api.write_off_invoice(invoice_id uuid, reason text, issued_on date, request_id text) OWNER TO kassa_owner;

CREATE FUNCTION internal.accept_invitation(p_token_hash bytea, p_name text, p_password_hash text) RETURNS TABLE(outcome text, tenant_id uuid, identity_id uuid, staff_user_id uuid, staff_role text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.accept_invitation(p_token_hash bytea, p_name text, p_password_hash text) OWNER TO kassa_owner;

CREATE FUNCTION internal.act_as(p_actor text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.act_as(p_actor text) OWNER TO kassa_owner;

CREATE FUNCTION internal.active_logins(p_tenant uuid, p_identity uuid) RETURNS TABLE(id uuid, user_agent text, created_at timestamp with time zone, last_used_at timestamp with time zone)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.active_logins(p_tenant uuid, p_identity uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.add_card(p_tenant uuid, p_customer uuid, p_brand text, p_last4 text, p_exp_month integer, p_exp_year integer, p_gateway_customer text, p_gateway_payment_method text, p_primary boolean DEFAULT false) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.add_card(p_tenant uuid, p_customer uuid, p_brand text, p_last4 text, p_exp_month integer, p_exp_year integer, p_gateway_customer text, p_gateway_payment_method text, p_primary boolean) OWNER TO kassa_owner;

CREATE FUNCTION internal.add_fee(p_tenant_id uuid, p_service_id uuid, p_price_version_id uuid, p_quantity numeric) RETURNS kassa.pending_charges
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.add_fee(p_tenant_id uuid, p_service_id uuid, p_price_version_id uuid, p_quantity numeric) OWNER TO kassa_owner;

CREATE FUNCTION internal.add_invoice_line(p_tenant_id uuid, p_invoice_id uuid, p_description text, p_unit_price bigint, p_quantity numeric, p_vat_category text, p_period_start date, p_period_end date) RETURNS kassa.invoice_lines
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.add_invoice_line(p_tenant_id uuid, p_invoice_id uuid, p_description text, p_unit_price bigint, p_quantity numeric, p_vat_category text, p_period_start date, p_period_end date) OWNER TO kassa_owner;

CREATE FUNCTION internal.add_payment_method(p_tenant uuid, p_customer uuid, p_kind text, p_bank text, p_account_type text, p_account_number text, p_mandate_reference text, p_primary boolean) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.add_payment_method(p_tenant uuid, p_customer uuid, p_kind text, p_bank text, p_account_type text, p_account_number text, p_mandate_reference text, p_primary boolean) OWNER TO kassa_owner;

CREATE FUNCTION internal.add_proration(p_service kassa.services, p_version_id uuid, p_from date, p_to date, p_sign integer, p_what text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.add_proration(p_service kassa.services, p_version_id uuid, p_from date, p_to date, p_sign integer, p_what text) OWNER TO kassa_owner;

CREATE FUNCTION internal.add_refresh_token(p_tenant uuid, p_family uuid, p_token_hash bytea, p_valid interval) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.add_refresh_token(p_tenant uuid, p_family uuid, p_token_hash bytea, p_valid interval) OWNER TO kassa_owner;

CREATE TABLE kassa.staff_users (
    tenant_id uuid DEFAULT (((NULLIF(current_setting('request.jwt.claims'::text, true), ''::text))::json ->> 'tenant_id'::text))::uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email text NOT NULL,
    name text NOT NULL,
    role text DEFAULT 'viewer'::text NOT NULL,
    status text DEFAULT 'active'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT staff_users_email_format CHECK ((email ~* '^[^@\s]+@[^@\s]+\.[^@\s]+$'::text)),
    CONSTRAINT staff_users_email_max_length CHECK ((char_length(email) <= 254)),
    CONSTRAINT staff_users_name_max_length CHECK (((char_length(name) >= 1) AND (char_length(name) <= 200))),
    CONSTRAINT staff_users_role_known CHECK ((role = ANY (ARRAY['admin'::text, 'billing'::text, 'support'::text, 'viewer'::text]))),
    CONSTRAINT staff_users_status_known CHECK ((status = ANY (ARRAY['active'::text, 'disabled'::text])))
);

ALTER TABLE kassa.staff_users OWNER TO kassa_owner;

CREATE FUNCTION internal.add_staff_user(p_tenant_id uuid, p_email text, p_name text, p_role text) RETURNS kassa.staff_users
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.add_staff_user(p_tenant_id uuid, p_email text, p_name text, p_role text) OWNER TO kassa_owner;

CREATE FUNCTION internal.add_usage_totals(p_tenant kassa.tenants, p_ids bigint[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.add_usage_totals(p_tenant kassa.tenants, p_ids bigint[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.address_complete(p_party jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.address_complete(p_party jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.address_text(p_free text, p_street text, p_postcode text, p_city text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.address_text(p_free text, p_street text, p_postcode text, p_city text) OWNER TO kassa_owner;

CREATE FUNCTION internal.adjust_balance(p_tenant uuid, p_customer uuid, p_amount bigint, p_reason text, p_actor text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.adjust_balance(p_tenant uuid, p_customer uuid, p_amount bigint, p_reason text, p_actor text) OWNER TO kassa_owner;

CREATE FUNCTION internal.after_quiet_hours(p_at timestamp with time zone, p_starts time without time zone, p_ends time without time zone, p_zone text) RETURNS timestamp with time zone
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.after_quiet_hours(p_at timestamp with time zone, p_starts time without time zone, p_ends time without time zone, p_zone text) OWNER TO kassa_owner;

CREATE TABLE kassa.invoice_allocations (
    tenant_id uuid NOT NULL,
    id bigint NOT NULL,
    invoice_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    amount bigint NOT NULL,
    source_type text NOT NULL,
    source_id text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    public_id uuid DEFAULT gen_random_uuid() NOT NULL,
    CONSTRAINT invoice_allocations_amount_not_zero CHECK ((amount <> 0)),
    CONSTRAINT invoice_allocations_source_id_max_length CHECK ((char_length(source_id) <= 200)),
    CONSTRAINT invoice_allocations_source_type_max_length CHECK ((char_length(source_type) <= 32))
);

ALTER TABLE kassa.invoice_allocations OWNER TO kassa_owner;

CREATE FUNCTION internal.allocate_credit(p_tenant_id uuid, p_customer_ids uuid[], p_first_invoice_ids uuid[] DEFAULT '{}'::uuid[]) RETURNS SETOF kassa.invoice_allocations
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.allocate_credit(p_tenant_id uuid, p_customer_ids uuid[], p_first_invoice_ids uuid[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.allow(p_roles text, p_commands text, p_rows text, VARIADIC p_tables regclass[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.allow(p_roles text, p_commands text, p_rows text, VARIADIC p_tables regclass[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.anonymise_customers(p_tenant_id uuid, p_now timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.anonymise_customers(p_tenant_id uuid, p_now timestamp with time zone) OWNER TO kassa_owner;

CREATE FUNCTION internal.api_key_status(p_revoked_at timestamp with time zone, p_expires_at timestamp with time zone) RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.api_key_status(p_revoked_at timestamp with time zone, p_expires_at timestamp with time zone) OWNER TO kassa_owner;

CREATE FUNCTION internal.apply_debit_order_result(p_tenant uuid, p_kind text, p_account_ref text, p_amount bigint, p_day date, p_transaction text, p_code integer, p_reason text, p_raw jsonb DEFAULT '{}'::jsonb) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.apply_debit_order_result(p_tenant uuid, p_kind text, p_account_ref text, p_amount bigint, p_day date, p_transaction text, p_code integer, p_reason text, p_raw jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.as_base_row(view_row jsonb, renamed jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.as_base_row(view_row jsonb, renamed jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.assign_account_number() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.assign_account_number() OWNER TO kassa_owner;

CREATE FUNCTION internal.assign_ticket(p_tenant uuid, p_ticket uuid, p_assignee text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.assign_ticket(p_tenant uuid, p_ticket uuid, p_assignee text) OWNER TO kassa_owner;

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
    invoice_id uuid,
    payment_link_id uuid,
    auto_pay_due_on date,
    dunning_step integer,
    CONSTRAINT payments_amount_positive CHECK ((amount > 0)),
    CONSTRAINT payments_auto_pay_names_invoice CHECK (((auto_pay_due_on IS NULL) OR (invoice_id IS NOT NULL))),
    CONSTRAINT payments_bonus_not_negative CHECK ((bonus >= 0)),
    CONSTRAINT payments_checkout_url_max_length CHECK ((char_length(checkout_url) <= 2048)),
    CONSTRAINT payments_completed_has_date CHECK (((status = ANY (ARRAY['completed'::text, 'partially_refunded'::text, 'refunded'::text])) = (completed_at IS NOT NULL))),
    CONSTRAINT payments_dunning_step_names_invoice CHECK (((dunning_step IS NULL) OR (invoice_id IS NOT NULL))),
    CONSTRAINT payments_failed_has_date CHECK (((status = 'failed'::text) = (failed_at IS NOT NULL))),
    CONSTRAINT payments_failure_reason_max_length CHECK ((char_length(failure_reason) <= 500)),
    CONSTRAINT payments_idempotency_key_max_length CHECK ((char_length(idempotency_key) <= 255)),
    CONSTRAINT payments_method_known CHECK ((method = ANY (ARRAY['card'::text, 'debit_order'::text, 'eft'::text, 'cash'::text]))),
    CONSTRAINT payments_method_max_length CHECK ((char_length(method) <= 32)),
    CONSTRAINT payments_provider_intent_ref_max_length CHECK ((char_length(provider_intent_ref) <= 255)),
    CONSTRAINT payments_provider_known CHECK ((provider = ANY (ARRAY['stripe'::text, 'netcash'::text, 'octo'::text, 'manual'::text]))),
    CONSTRAINT payments_provider_max_length CHECK ((char_length(provider) <= 32)),
    CONSTRAINT payments_provider_ref_max_length CHECK ((char_length(provider_ref) <= 255)),
    CONSTRAINT payments_purpose_known CHECK ((purpose = ANY (ARRAY['top_up'::text, 'payment'::text]))),
    CONSTRAINT payments_purpose_max_length CHECK ((char_length(purpose) <= 32)),
    CONSTRAINT payments_reason_max_length CHECK ((char_length(reason) <= 500)),
    CONSTRAINT payments_refund_within_amount CHECK (((amount_refunded >= 0) AND (amount_refunded <= amount))),
    CONSTRAINT payments_status_known CHECK ((status = ANY (ARRAY['pending'::text, 'completed'::text, 'failed'::text, 'partially_refunded'::text, 'refunded'::text]))),
    CONSTRAINT payments_status_max_length CHECK ((char_length(status) <= 32))
);

ALTER TABLE kassa.payments OWNER TO kassa_owner;

CREATE FUNCTION internal.attach_checkout(p_tenant uuid, p_payment uuid, p_session text, p_url text, p_raw jsonb) RETURNS kassa.payments
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.attach_checkout(p_tenant uuid, p_payment uuid, p_session text, p_url text, p_raw jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.audit_actor(claims json) RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.audit_actor(claims json) OWNER TO kassa_owner;

CREATE FUNCTION internal.audit_inserted_or_deleted() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.audit_inserted_or_deleted() OWNER TO kassa_owner;

CREATE FUNCTION internal.audit_key(row_json jsonb, key_columns text[]) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    AS $$…$$;

ALTER FUNCTION internal.audit_key(row_json jsonb, key_columns text[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.audit_keys(args text[]) RETURNS text[]
    LANGUAGE sql IMMUTABLE
    AS $$…$$;

ALTER FUNCTION internal.audit_keys(args text[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.audit_marked(args text[], prefix text) RETURNS text[]
    LANGUAGE sql IMMUTABLE
    AS $$…$$;

ALTER FUNCTION internal.audit_marked(args text[], prefix text) OWNER TO kassa_owner;

CREATE FUNCTION internal.audit_table(tbl regclass, tenant_column text, VARIADIC key_columns text[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.audit_table(tbl regclass, tenant_column text, VARIADIC key_columns text[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.audit_transaction_id() RETURNS uuid
    LANGUAGE plpgsql
    AS $$…$$;

ALTER FUNCTION internal.audit_transaction_id() OWNER TO kassa_owner;

CREATE FUNCTION internal.audit_updated() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET enable_nestloop TO 'on'
    AS $$…$$;

ALTER FUNCTION internal.audit_updated() OWNER TO kassa_owner;

CREATE FUNCTION internal.auto_pay_card(p_tenant uuid, p_customer uuid) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.auto_pay_card(p_tenant uuid, p_customer uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.auto_pay_due(i kassa.invoices, p_due_on date) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.auto_pay_due(i kassa.invoices, p_due_on date) OWNER TO kassa_owner;

CREATE FUNCTION internal.auto_topup_cooldown() RETURNS interval
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.auto_topup_cooldown() OWNER TO kassa_owner;

CREATE FUNCTION internal.auto_topup_max_failures() RETURNS integer
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.auto_topup_max_failures() OWNER TO kassa_owner;

CREATE FUNCTION internal.available_credit(p_tenant uuid, p_customer uuid) RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.available_credit(p_tenant uuid, p_customer uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.balances_changed_since(p_tenants uuid[], p_since timestamp with time zone[]) RETURNS TABLE(tenant_id uuid, customer_id uuid, balance bigint, currency text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.balances_changed_since(p_tenants uuid[], p_since timestamp with time zone[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.base64url_length(p_text text) RETURNS integer
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.base64url_length(p_text text) OWNER TO kassa_owner;

CREATE FUNCTION internal.begin_link_payment(p_token text, p_gateway text) RETURNS kassa.payments
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.begin_link_payment(p_token text, p_gateway text) OWNER TO kassa_owner;

CREATE FUNCTION internal.begin_top_up(p_tenant uuid, p_customer uuid, p_amount bigint, p_request_id text) RETURNS kassa.payments
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.begin_top_up(p_tenant uuid, p_customer uuid, p_amount bigint, p_request_id text) OWNER TO kassa_owner;

CREATE FUNCTION internal.begin_totp(p_tenant uuid, p_identity uuid, p_secret text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.begin_totp(p_tenant uuid, p_identity uuid, p_secret text) OWNER TO kassa_owner;

CREATE FUNCTION internal.billing_date(p_day integer, p_month date) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$…$$;

ALTER FUNCTION internal.billing_date(p_day integer, p_month date) OWNER TO kassa_owner;

CREATE FUNCTION internal.billing_date_of_month(p_day integer, p_month integer) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$…$$;

ALTER FUNCTION internal.billing_date_of_month(p_day integer, p_month integer) OWNER TO kassa_owner;

CREATE FUNCTION internal.billing_periods(p_day integer, p_months integer, p_anchor date, p_from date, p_to date) RETURNS TABLE(period_start date, period_end date)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$…$$;

ALTER FUNCTION internal.billing_periods(p_day integer, p_months integer, p_anchor date, p_from date, p_to date) OWNER TO kassa_owner;

CREATE FUNCTION internal.card_collectable(i kassa.invoices) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.card_collectable(i kassa.invoices) OWNER TO kassa_owner;

CREATE FUNCTION internal.card_refund_target(p_tenant uuid, p_payment uuid, p_amount bigint, p_reason text) RETURNS TABLE(provider text, reference text, minor_units smallint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.card_refund_target(p_tenant uuid, p_payment uuid, p_amount bigint, p_reason text) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_business_date(p_tenant uuid, p_date date, p_what text) RETURNS void
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_business_date(p_tenant uuid, p_date date, p_what text) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_claims(claims json, api_role text) RETURNS void
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_claims(claims json, api_role text) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_credit(p_tenant uuid, p_customer uuid, p_price_version_id uuid, p_quantity numeric DEFAULT 1) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_credit(p_tenant uuid, p_customer uuid, p_price_version_id uuid, p_quantity numeric) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_customer_contact(c kassa.customers) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_customer_contact(c kassa.customers) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_document_content(p_tenant kassa.tenants, p_invoice_ids uuid[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_document_content(p_tenant kassa.tenants, p_invoice_ids uuid[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_draft_edit() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_draft_edit() OWNER TO kassa_owner;

CREATE FUNCTION internal.check_dunning_fee_vat_category(p_tenant kassa.tenants) RETURNS void
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_dunning_fee_vat_category(p_tenant kassa.tenants) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_event_kind(p_kind text, p_what text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_event_kind(p_kind text, p_what text) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_event_kinds(p_kinds text[]) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_event_kinds(p_kinds text[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_finite(p_value numeric, p_what text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_finite(p_value numeric, p_what text) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_issue_date(p_tenant_id uuid, p_series text, p_issued_on date) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_issue_date(p_tenant_id uuid, p_series text, p_issued_on date) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_locale(p_locale text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_locale(p_locale text) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_new_customer() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_new_customer() OWNER TO kassa_owner;

CREATE FUNCTION internal.check_new_service() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_new_service() OWNER TO kassa_owner;

CREATE FUNCTION internal.check_plan_change(p_tenant_id uuid, p_from_version_id uuid, p_to_version_id uuid) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_plan_change(p_tenant_id uuid, p_from_version_id uuid, p_to_version_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_price_version() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_price_version() OWNER TO kassa_owner;

CREATE FUNCTION internal.check_refund(pay kassa.payments, p_amount bigint, p_reason text) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$…$$;

ALTER FUNCTION internal.check_refund(pay kassa.payments, p_amount bigint, p_reason text) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_request() RETURNS void
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_request() OWNER TO kassa_owner;

CREATE FUNCTION internal.check_return_url(p_tenant uuid, p_url text, p_bridge_origin text) RETURNS void
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_return_url(p_tenant uuid, p_url text, p_bridge_origin text) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_tenant() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_tenant() OWNER TO kassa_owner;

CREATE FUNCTION internal.check_tenant_dunning_fee() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_tenant_dunning_fee() OWNER TO kassa_owner;

CREATE FUNCTION internal.check_text(p_text text, p_what text, p_max integer, p_required boolean DEFAULT true) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_text(p_text text, p_what text, p_max integer, p_required boolean) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_text_columns() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_text_columns() OWNER TO kassa_owner;

CREATE FUNCTION internal.check_ticket_files(p_files jsonb) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_ticket_files(p_files jsonb) OWNER TO kassa_owner;

CREATE TABLE kassa.usage_records (
    tenant_id uuid NOT NULL,
    id bigint NOT NULL,
    public_id uuid DEFAULT gen_random_uuid() NOT NULL,
    service_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    source text NOT NULL,
    key text NOT NULL,
    unit text NOT NULL,
    quantity bigint NOT NULL,
    usage_at timestamp with time zone NOT NULL,
    usage_on date NOT NULL,
    period_start date NOT NULL,
    period_end date NOT NULL,
    counted_on date,
    invoice_line_id uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT usage_records_billed_when_counted CHECK (((invoice_line_id IS NULL) OR (counted_on IS NOT NULL))),
    CONSTRAINT usage_records_key_length CHECK (((char_length(key) >= 1) AND (char_length(key) <= 200))),
    CONSTRAINT usage_records_period_order CHECK (((period_start <= usage_on) AND (usage_on <= period_end))),
    CONSTRAINT usage_records_quantity_not_negative CHECK ((quantity >= 0)),
    CONSTRAINT usage_records_source_length CHECK (((char_length(source) >= 1) AND (char_length(source) <= 100))),
    CONSTRAINT usage_records_unit_known CHECK ((unit = ANY (ARRAY['bytes_up'::text, 'bytes_down'::text, 'seconds'::text, 'units'::text])))
);

ALTER TABLE kassa.usage_records OWNER TO kassa_owner;

CREATE FUNCTION internal.check_usage_record(p_tenant kassa.tenants, p_index integer, p_record jsonb) RETURNS kassa.usage_records
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_usage_record(p_tenant kassa.tenants, p_index integer, p_record jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_vat_rate() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_vat_rate() OWNER TO kassa_owner;

CREATE FUNCTION internal.check_webhook_url(p_tenant uuid, p_url text) RETURNS void
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_webhook_url(p_tenant uuid, p_url text) OWNER TO kassa_owner;

CREATE FUNCTION internal.check_webhook_worker_limits(p_what text, p_limit integer, p_lease interval) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.check_webhook_worker_limits(p_what text, p_limit integer, p_lease interval) OWNER TO kassa_owner;

CREATE FUNCTION internal.claim_auto_topup(p_tenant uuid, p_customer uuid, p_now timestamp with time zone) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.claim_auto_topup(p_tenant uuid, p_customer uuid, p_now timestamp with time zone) OWNER TO kassa_owner;

CREATE FUNCTION internal.claim_invoice_charge(p_tenant uuid, p_invoice uuid, p_due_on date, p_dunning_step integer) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.claim_invoice_charge(p_tenant uuid, p_invoice uuid, p_due_on date, p_dunning_step integer) OWNER TO kassa_owner;

CREATE FUNCTION internal.claim_login_mails(p_limit integer, p_lease interval) RETURNS TABLE(tenant_id uuid, link_id uuid, purpose text, recipient text, role text, expires_at timestamp with time zone, attempts integer, tenant_name text, sender_name text, reply_to text, smtp_profile text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.claim_login_mails(p_limit integer, p_lease interval) OWNER TO kassa_owner;

CREATE FUNCTION internal.claim_messages(p_channel text, p_limit integer, p_lease interval) RETURNS TABLE(tenant_id uuid, message_id uuid, event_id uuid, kind text, payload jsonb, recipient text, locale text, attempts integer, tenant_name text, minor_units smallint, customer_id uuid, mandatory boolean, sender_name text, reply_to text, smtp_profile text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.claim_messages(p_channel text, p_limit integer, p_lease interval) OWNER TO kassa_owner;

CREATE FUNCTION internal.claim_webhook_deliveries(p_limit integer, p_lease interval) RETURNS TABLE(tenant_id uuid, delivery_id uuid, attempt integer, url text, secrets text[], allow_private boolean, kind text, body text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.claim_webhook_deliveries(p_limit integer, p_lease interval) OWNER TO kassa_owner;

CREATE FUNCTION internal.clock_now() RETURNS timestamp with time zone
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.clock_now() OWNER TO kassa_owner;

CREATE FUNCTION internal.close_obstacle(p_tenant_id uuid, p_customer_id uuid, OUT code text, OUT message text, OUT hint text) RETURNS record
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.close_obstacle(p_tenant_id uuid, p_customer_id uuid, OUT code text, OUT message text, OUT hint text) OWNER TO kassa_owner;

CREATE FUNCTION internal.column_default(p_table regclass, p_column text) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$…$$;

ALTER FUNCTION internal.column_default(p_table regclass, p_column text) OWNER TO kassa_owner;

CREATE FUNCTION internal.complete_payment(p_tenant uuid, p_payment uuid, p_amount bigint, p_currency text, p_intent_ref text DEFAULT NULL::text, p_raw jsonb DEFAULT '{}'::jsonb) RETURNS kassa.payments
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.complete_payment(p_tenant uuid, p_payment uuid, p_amount bigint, p_currency text, p_intent_ref text, p_raw jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.configure_auto_pay(p_tenant uuid, p_customer uuid, p_enabled boolean) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.configure_auto_pay(p_tenant uuid, p_customer uuid, p_enabled boolean) OWNER TO kassa_owner;

CREATE FUNCTION internal.configure_auto_topup(p_tenant uuid, p_customer uuid, p_enabled boolean, p_threshold bigint, p_amount bigint, p_payment_method uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.configure_auto_topup(p_tenant uuid, p_customer uuid, p_enabled boolean, p_threshold bigint, p_amount bigint, p_payment_method uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.count_billing_accounts(p_tenant uuid) RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.count_billing_accounts(p_tenant uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.count_login_failure(p_slug text, p_email text, p_address text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.count_login_failure(p_slug text, p_email text, p_address text) OWNER TO kassa_owner;

CREATE FUNCTION internal.count_page_view(p_address text, p_token_bucket text, p_page_views integer, p_unknown_tokens integer, p_token_views integer) RETURNS integer
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.count_page_view(p_address text, p_token_bucket text, p_page_views integer, p_unknown_tokens integer, p_token_views integer) OWNER TO kassa_owner;

CREATE FUNCTION internal.count_request(p_bucket text, p_limit integer, p_window_s integer DEFAULT 60) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.count_request(p_bucket text, p_limit integer, p_window_s integer) OWNER TO kassa_owner;

CREATE FUNCTION internal.create_amount_link(p_tenant_id uuid, p_customer_id uuid, p_amount bigint, p_currency text, p_actor text) RETURNS TABLE(link_id uuid, token text, amount bigint, expires_at timestamp with time zone)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.create_amount_link(p_tenant_id uuid, p_customer_id uuid, p_amount bigint, p_currency text, p_actor text) OWNER TO kassa_owner;

CREATE FUNCTION internal.create_api_key(p_tenant uuid, p_name text, p_role text, p_customer uuid, p_expires_at timestamp with time zone, p_created_by text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.create_api_key(p_tenant uuid, p_name text, p_role text, p_customer uuid, p_expires_at timestamp with time zone, p_created_by text) OWNER TO kassa_owner;

CREATE FUNCTION internal.create_credit_note(p_tenant_id uuid, p_invoice_id uuid, p_reason text, p_settlement text, p_lines jsonb, p_issued_on date) RETURNS kassa.credit_notes
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.create_credit_note(p_tenant_id uuid, p_invoice_id uuid, p_reason text, p_settlement text, p_lines jsonb, p_issued_on date) OWNER TO kassa_owner;

CREATE FUNCTION internal.create_invoice(p_tenant_id uuid, p_customer_id uuid, p_notes text, p_period_start date, p_period_end date, p_supplied_on date) RETURNS kassa.invoices
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.create_invoice(p_tenant_id uuid, p_customer_id uuid, p_notes text, p_period_start date, p_period_end date, p_supplied_on date) OWNER TO kassa_owner;

CREATE FUNCTION internal.create_oidc_provider(p_tenant uuid, p_name text, p_issuer text, p_audience text, p_jwks_url text, p_actor text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.create_oidc_provider(p_tenant uuid, p_name text, p_issuer text, p_audience text, p_jwks_url text, p_actor text) OWNER TO kassa_owner;

CREATE FUNCTION internal.create_payment_links(p_tenant_id uuid, p_invoice_ids uuid[], p_actor text) RETURNS TABLE(invoice_id uuid, link_id uuid, token text, amount bigint, expires_at timestamp with time zone)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.create_payment_links(p_tenant_id uuid, p_invoice_ids uuid[], p_actor text) OWNER TO kassa_owner;

CREATE FUNCTION internal.create_tenant(p_slug text, p_legal_name text, p_country text, p_currency text, p_timezone text, p_vat_rates jsonb, p_name text DEFAULT NULL::text, p_prices_include_vat boolean DEFAULT false, p_account_number_format text DEFAULT 'CT-{YYYY}-{NNNNN}'::text, p_invoice_number_format text DEFAULT 'INV-{YYYY}-{NNNNN}'::text, p_credit_note_number_format text DEFAULT 'CN-{YYYY}-{NNNNN}'::text, p_street text DEFAULT NULL::text, p_postcode text DEFAULT NULL::text, p_city text DEFAULT NULL::text, p_vat_number text DEFAULT NULL::text, p_tax_number text DEFAULT NULL::text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.create_tenant(p_slug text, p_legal_name text, p_country text, p_currency text, p_timezone text, p_vat_rates jsonb, p_name text, p_prices_include_vat boolean, p_account_number_format text, p_invoice_number_format text, p_credit_note_number_format text, p_street text, p_postcode text, p_city text, p_vat_number text, p_tax_number text) OWNER TO kassa_owner;

CREATE FUNCTION internal.create_webhook_endpoint(p_tenant uuid, p_url text, p_event_kinds text[], p_description text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.create_webhook_endpoint(p_tenant uuid, p_url text, p_event_kinds text[], p_description text) OWNER TO kassa_owner;

CREATE FUNCTION internal.credit_note_once(p_operation text, p_request_id text, p_invoice_id uuid, p_reason text, p_settlement text, p_lines jsonb, p_issued_on date) RETURNS api.credit_notes
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.credit_note_once(p_operation text, p_request_id text, p_invoice_id uuid, p_reason text, p_settlement text, p_lines jsonb, p_issued_on date) OWNER TO kassa_owner;

CREATE FUNCTION internal.credit_note_request(p_invoice kassa.invoices, p_lines jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.credit_note_request(p_invoice kassa.invoices, p_lines jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.credit_note_vat(p_invoice kassa.invoices, p_request jsonb) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.credit_note_vat(p_invoice kassa.invoices, p_request jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.credit_unbilled_credit(p_tenant_id uuid, p_charge_id uuid, p_issued_on date) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.credit_unbilled_credit(p_tenant_id uuid, p_charge_id uuid, p_issued_on date) OWNER TO kassa_owner;

CREATE FUNCTION internal.credited_per_line(p_tenant_id uuid, p_invoice_id uuid) RETURNS TABLE(invoice_line_id uuid, vat_category text, vat_rate numeric, amount bigint, credited bigint)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.credited_per_line(p_tenant_id uuid, p_invoice_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.csv(p_rows anyarray) RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.csv(p_rows anyarray) OWNER TO kassa_owner;

CREATE FUNCTION internal.csv_field(p_value text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.csv_field(p_value text) OWNER TO kassa_owner;

CREATE FUNCTION internal.current_dunning_schedule(p_tenant_id uuid, p_on date) RETURNS kassa.dunning_schedules
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.current_dunning_schedule(p_tenant_id uuid, p_on date) OWNER TO kassa_owner;

CREATE FUNCTION internal.customer_dashboard(p_tenant_id uuid, p_customer_id uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.customer_dashboard(p_tenant_id uuid, p_customer_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.customer_data_export(p_customer_id uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.customer_data_export(p_customer_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.customer_transition(p_tenant_id uuid, p_customer_id uuid, p_action text, p_reason text) RETURNS kassa.customers
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.customer_transition(p_tenant_id uuid, p_customer_id uuid, p_action text, p_reason text) OWNER TO kassa_owner;

CREATE FUNCTION internal.cycle_date(p_day integer, p_months integer, p_anchor date, p_k integer) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$…$$;

ALTER FUNCTION internal.cycle_date(p_day integer, p_months integer, p_anchor date, p_k integer) OWNER TO kassa_owner;

CREATE FUNCTION internal.cycle_date_after(p_day integer, p_months integer, p_anchor date, p_after date) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$…$$;

ALTER FUNCTION internal.cycle_date_after(p_day integer, p_months integer, p_anchor date, p_after date) OWNER TO kassa_owner;

CREATE FUNCTION internal.cycle_step(p_months integer, p_anchor date, p_date date) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$…$$;

ALTER FUNCTION internal.cycle_step(p_months integer, p_anchor date, p_date date) OWNER TO kassa_owner;

CREATE FUNCTION internal.dashboard_customer(p_customer uuid) RETURNS uuid
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.dashboard_customer(p_customer uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.datev_batch(p_tenant_id uuid, p_from date, p_to date) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.datev_batch(p_tenant_id uuid, p_from date, p_to date) OWNER TO kassa_owner;

CREATE TABLE kassa.datev_settings (
    tenant_id uuid DEFAULT (((NULLIF(current_setting('request.jwt.claims'::text, true), ''::text))::json ->> 'tenant_id'::text))::uuid NOT NULL,
    chart text DEFAULT 'SKR03'::text NOT NULL,
    consultant_number integer NOT NULL,
    client_number integer NOT NULL,
    account_length smallint DEFAULT 4 NOT NULL,
    fiscal_year_start smallint DEFAULT 1 NOT NULL,
    debtor_account bigint NOT NULL,
    bank_account bigint NOT NULL,
    cash_account bigint,
    CONSTRAINT datev_settings_account_length_range CHECK (((account_length >= 4) AND (account_length <= 8))),
    CONSTRAINT datev_settings_bank_account_positive CHECK ((bank_account > 0)),
    CONSTRAINT datev_settings_cash_account_positive CHECK ((cash_account > 0)),
    CONSTRAINT datev_settings_chart_known CHECK ((chart = ANY (ARRAY['SKR03'::text, 'SKR04'::text]))),
    CONSTRAINT datev_settings_chart_max_length CHECK ((char_length(chart) <= 5)),
    CONSTRAINT datev_settings_client_number_range CHECK (((client_number >= 1) AND (client_number <= 99999))),
    CONSTRAINT datev_settings_consultant_number_range CHECK (((consultant_number >= 1001) AND (consultant_number <= 9999999))),
    CONSTRAINT datev_settings_debtor_account_positive CHECK ((debtor_account > 0)),
    CONSTRAINT datev_settings_fiscal_year_start_month CHECK (((fiscal_year_start >= 1) AND (fiscal_year_start <= 12)))
);

ALTER TABLE kassa.datev_settings OWNER TO kassa_owner;

CREATE FUNCTION internal.datev_bookings(p_tenant kassa.tenants, p_setup kassa.datev_settings, p_from date, p_to date) RETURNS SETOF internal.datev_booking
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.datev_bookings(p_tenant kassa.tenants, p_setup kassa.datev_settings, p_from date, p_to date) OWNER TO kassa_owner;

CREATE FUNCTION internal.datev_columns() RETURNS text[]
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.datev_columns() OWNER TO kassa_owner;

CREATE FUNCTION internal.datev_document_number(p_number text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.datev_document_number(p_number text) OWNER TO kassa_owner;

CREATE FUNCTION internal.datev_documents(p_tenant_id uuid, p_from date, p_to date) RETURNS SETOF internal.datev_document
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.datev_documents(p_tenant_id uuid, p_from date, p_to date) OWNER TO kassa_owner;

CREATE FUNCTION internal.datev_setup(p_tenant kassa.tenants, p_from date, p_to date) RETURNS kassa.datev_settings
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.datev_setup(p_tenant kassa.tenants, p_from date, p_to date) OWNER TO kassa_owner;

CREATE FUNCTION internal.datev_text(p_value text, p_length integer) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.datev_text(p_value text, p_length integer) OWNER TO kassa_owner;

CREATE FUNCTION internal.debit_order_batch_uploading(p_tenant uuid, p_batch uuid, p_items uuid[], p_reason text) RETURNS kassa.debit_order_batches
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.debit_order_batch_uploading(p_tenant uuid, p_batch uuid, p_items uuid[], p_reason text) OWNER TO kassa_owner;

CREATE FUNCTION internal.debit_order_debits(p_tenant uuid, p_batch uuid) RETURNS TABLE(item_id uuid, account_reference text, account_name text, bank text, account_type text, account_number text, amount bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.debit_order_debits(p_tenant uuid, p_batch uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.debit_order_results_from(p_tenant uuid, p_as_of date) RETURNS date
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.debit_order_results_from(p_tenant uuid, p_as_of date) OWNER TO kassa_owner;

CREATE FUNCTION internal.debit_order_service(p_tenant uuid, p_submission date, OUT service text, OUT cutoff_passed boolean) RETURNS record
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.debit_order_service(p_tenant uuid, p_submission date, OUT service text, OUT cutoff_passed boolean) OWNER TO kassa_owner;

CREATE FUNCTION internal.decrypt_payment_method(p_method uuid, p_encrypted bytea, p_key text) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.decrypt_payment_method(p_method uuid, p_encrypted bytea, p_key text) OWNER TO kassa_owner;

CREATE FUNCTION internal.default_dunning_schedule() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.default_dunning_schedule() OWNER TO kassa_owner;

CREATE FUNCTION internal.disable_webhook_endpoint(p_tenant uuid, p_endpoint uuid, p_reason text, p_error text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.disable_webhook_endpoint(p_tenant uuid, p_endpoint uuid, p_reason text, p_error text) OWNER TO kassa_owner;

CREATE FUNCTION internal.document_frame(p_tenant uuid, p_customer uuid) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.document_frame(p_tenant uuid, p_customer uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.document_problem(p_country text, p_currency text, p_gross bigint, p_breakdown jsonb, p_supplier jsonb, p_recipient jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.document_problem(p_country text, p_currency text, p_gross bigint, p_breakdown jsonb, p_supplier jsonb, p_recipient jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.document_rules(p_country text, p_currency text, p_gross bigint, p_reverse_charge boolean, OUT kind text, OUT supplier_required boolean, OUT supplier_tax_ids text[], OUT recipient_required boolean, OUT notice_required boolean) RETURNS record
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.document_rules(p_country text, p_currency text, p_gross bigint, p_reverse_charge boolean, OUT kind text, OUT supplier_required boolean, OUT supplier_tax_ids text[], OUT recipient_required boolean, OUT notice_required boolean) OWNER TO kassa_owner;

CREATE FUNCTION internal.document_source(p_tenant uuid, p_kind text, p_source uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.document_source(p_tenant uuid, p_kind text, p_source uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.document_to_serve(p_tenant uuid, p_kind text, p_source uuid, p_format text, p_variant text DEFAULT NULL::text) RETURNS TABLE(variant text, sha256 text, content bytea)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.document_to_serve(p_tenant uuid, p_kind text, p_source uuid, p_format text, p_variant text) OWNER TO kassa_owner;

CREATE FUNCTION internal.draft_for_edit(p_tenant_id uuid, p_invoice_id uuid) RETURNS kassa.invoices
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.draft_for_edit(p_tenant_id uuid, p_invoice_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.drafts_refused_at_issue(p_tenant kassa.tenants, p_invoice_ids uuid[]) RETURNS TABLE(invoice_id uuid, code text)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.drafts_refused_at_issue(p_tenant kassa.tenants, p_invoice_ids uuid[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.due_auto_pays(p_as_of date, p_tenant uuid) RETURNS TABLE(tenant_id uuid, invoice_id uuid, due_on date)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.due_auto_pays(p_as_of date, p_tenant uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.due_auto_topups(p_now timestamp with time zone) RETURNS TABLE(tenant_id uuid, customer_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.due_auto_topups(p_now timestamp with time zone) OWNER TO kassa_owner;

CREATE FUNCTION internal.due_dunning_retries(p_tenant uuid) RETURNS TABLE(tenant_id uuid, invoice_id uuid, step integer)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.due_dunning_retries(p_tenant uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.dunning_fee_vat_category(p_tenant kassa.tenants) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.dunning_fee_vat_category(p_tenant kassa.tenants) OWNER TO kassa_owner;

CREATE FUNCTION internal.dunning_retry_due(i kassa.invoices, p_step integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.dunning_retry_due(i kassa.invoices, p_step integer) OWNER TO kassa_owner;

CREATE FUNCTION internal.dunning_run(p_tenant_id uuid, p_as_of date, p_actor text) RETURNS TABLE(entered integer, taken integer, skipped integer, services_suspended integer, services_reactivated integer)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.dunning_run(p_tenant_id uuid, p_as_of date, p_actor text) OWNER TO kassa_owner;

CREATE FUNCTION internal.e164(p_phone text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.e164(p_phone text) OWNER TO kassa_owner;

CREATE FUNCTION internal.email_taken(p_tenant uuid, p_email text, p_except uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.email_taken(p_tenant uuid, p_email text, p_except uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.emit(p_tenant uuid, p_customer uuid, p_kind text, p_payload jsonb, p_version smallint DEFAULT 1) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.emit(p_tenant uuid, p_customer uuid, p_kind text, p_payload jsonb, p_version smallint) OWNER TO kassa_owner;

CREATE FUNCTION internal.emit_invoice_events(p_tenant_id uuid, p_invoice_ids uuid[], p_kind text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.emit_invoice_events(p_tenant_id uuid, p_invoice_ids uuid[], p_kind text) OWNER TO kassa_owner;

CREATE FUNCTION internal.emit_payment_event(pay kassa.payments) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.emit_payment_event(pay kassa.payments) OWNER TO kassa_owner;

CREATE TABLE kassa.tickets (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    customer_id uuid NOT NULL,
    subject text NOT NULL,
    category text NOT NULL,
    status text DEFAULT 'open'::text NOT NULL,
    invoice_id uuid,
    service_id uuid,
    assignee text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    last_message_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT tickets_assignee_max_length CHECK ((char_length(assignee) <= 200)),
    CONSTRAINT tickets_category_known CHECK ((category = ANY (ARRAY['billing'::text, 'technical'::text, 'account'::text, 'other'::text]))),
    CONSTRAINT tickets_one_subject_of CHECK (((invoice_id IS NULL) OR (service_id IS NULL))),
    CONSTRAINT tickets_status_known CHECK ((status = ANY (ARRAY['open'::text, 'pending_customer'::text, 'resolved'::text, 'closed'::text]))),
    CONSTRAINT tickets_subject_max_length CHECK ((char_length(subject) <= 200)),
    CONSTRAINT tickets_subject_not_blank CHECK ((subject ~ '[^[:space:]\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]'::text))
);

ALTER TABLE kassa.tickets OWNER TO kassa_owner;

CREATE FUNCTION internal.emit_ticket_event(p_ticket kassa.tickets, p_kind text, p_by_customer boolean, p_payload jsonb) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.emit_ticket_event(p_ticket kassa.tickets, p_kind text, p_by_customer boolean, p_payload jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.enable_totp(p_tenant uuid, p_identity uuid, p_step bigint) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.enable_totp(p_tenant uuid, p_identity uuid, p_step bigint) OWNER TO kassa_owner;

CREATE FUNCTION internal.end_push_subscription(p_tenant uuid, p_subscription uuid, p_reason text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.end_push_subscription(p_tenant uuid, p_subscription uuid, p_reason text) OWNER TO kassa_owner;

CREATE FUNCTION internal.event_customers(p_tenant uuid) RETURNS TABLE(customer_id uuid, fields jsonb)
    LANGUAGE sql STABLE
    AS $$…$$;

ALTER FUNCTION internal.event_customers(p_tenant uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.event_kinds() RETURNS text[]
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.event_kinds() OWNER TO kassa_owner;

CREATE FUNCTION internal.event_position(p_tenant uuid, p_customer uuid, p_event uuid, OUT xact_id xid8, OUT id bigint, OUT created_at timestamp with time zone) RETURNS SETOF record
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.event_position(p_tenant uuid, p_customer uuid, p_event uuid, OUT xact_id xid8, OUT id bigint, OUT created_at timestamp with time zone) OWNER TO kassa_owner;

CREATE FUNCTION internal.event_uuid(p_value text, p_what text) RETURNS uuid
    LANGUAGE plpgsql IMMUTABLE
    AS $$…$$;

ALTER FUNCTION internal.event_uuid(p_value text, p_what text) OWNER TO kassa_owner;

CREATE FUNCTION internal.events_after(p_xact_id xid8, p_id bigint, p_limit integer, p_tenant uuid DEFAULT NULL::uuid, p_customer uuid DEFAULT NULL::uuid) RETURNS TABLE(tenant_id uuid, customer_id uuid, public_id uuid, kind text, version smallint, payload jsonb, created_at timestamp with time zone, xact_id xid8, id bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.events_after(p_xact_id xid8, p_id bigint, p_limit integer, p_tenant uuid, p_customer uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.events_cursor(OUT xact_id xid8, OUT id bigint) RETURNS record
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.events_cursor(OUT xact_id xid8, OUT id bigint) OWNER TO kassa_owner;

CREATE FUNCTION internal.export_credit_notes(p_tenant_id uuid, p_from date, p_to date) RETURNS SETOF internal.credit_note_export
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.export_credit_notes(p_tenant_id uuid, p_from date, p_to date) OWNER TO kassa_owner;

CREATE FUNCTION internal.export_invoices(p_tenant_id uuid, p_from date, p_to date) RETURNS SETOF internal.invoice_export
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.export_invoices(p_tenant_id uuid, p_from date, p_to date) OWNER TO kassa_owner;

CREATE FUNCTION internal.export_ledger(p_tenant_id uuid, p_from date, p_to date) RETURNS SETOF internal.ledger_export
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.export_ledger(p_tenant_id uuid, p_from date, p_to date) OWNER TO kassa_owner;

CREATE FUNCTION internal.export_payments(p_tenant_id uuid, p_from date, p_to date) RETURNS SETOF internal.payment_export
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.export_payments(p_tenant_id uuid, p_from date, p_to date) OWNER TO kassa_owner;

CREATE FUNCTION internal.export_tenant(p_tenant_id uuid, p_from date, p_to date) RETURNS kassa.tenants
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.export_tenant(p_tenant_id uuid, p_from date, p_to date) OWNER TO kassa_owner;

CREATE FUNCTION internal.fail_interrupted_job_runs() RETURNS integer
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.fail_interrupted_job_runs() OWNER TO kassa_owner;

CREATE FUNCTION internal.fail_payment(p_tenant uuid, p_payment uuid, p_reason text, p_raw jsonb DEFAULT '{}'::jsonb) RETURNS kassa.payments
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.fail_payment(p_tenant uuid, p_payment uuid, p_reason text, p_raw jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.fan_out_events(p_limit integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.fan_out_events(p_limit integer) OWNER TO kassa_owner;

CREATE FUNCTION internal.fan_out_webhooks(p_limit integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.fan_out_webhooks(p_limit integer) OWNER TO kassa_owner;

CREATE FUNCTION internal.fill_invoice_line() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.fill_invoice_line() OWNER TO kassa_owner;

CREATE FUNCTION internal.fill_supply_dates(p_tenant kassa.tenants, p_invoice_ids uuid[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.fill_supply_dates(p_tenant kassa.tenants, p_invoice_ids uuid[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.finalise_invoices(p_tenant_id uuid, p_invoice_ids uuid[], p_issued_on date) RETURNS SETOF kassa.invoices
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.finalise_invoices(p_tenant_id uuid, p_invoice_ids uuid[], p_issued_on date) OWNER TO kassa_owner;

CREATE FUNCTION internal.find_tenant(p_tenant text) RETURNS kassa.tenants
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.find_tenant(p_tenant text) OWNER TO kassa_owner;

CREATE FUNCTION internal.finish_job_run(p_run bigint, p_status text, p_processed integer, p_skipped integer, p_failed integer, p_errors jsonb, p_detail jsonb) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.finish_job_run(p_run bigint, p_status text, p_processed integer, p_skipped integer, p_failed integer, p_errors jsonb, p_detail jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.first_billing_date(p_day integer, p_on date) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$…$$;

ALTER FUNCTION internal.first_billing_date(p_day integer, p_on date) OWNER TO kassa_owner;

CREATE TABLE kassa.login_links (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    purpose text NOT NULL,
    token_hash bytea NOT NULL,
    email text NOT NULL,
    identity_id uuid,
    name text,
    password_hash text,
    role text,
    invited_by text,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    mail_status text DEFAULT 'queued'::text NOT NULL,
    mail_attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    last_error text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT login_links_email_max_length CHECK ((char_length(email) <= 254)),
    CONSTRAINT login_links_invited_by_max_length CHECK ((char_length(invited_by) <= 200)),
    CONSTRAINT login_links_last_error_max_length CHECK ((char_length(last_error) <= 4000)),
    CONSTRAINT login_links_mail_status_known CHECK ((mail_status = ANY (ARRAY['queued'::text, 'sending'::text, 'sent'::text, 'failed'::text]))),
    CONSTRAINT login_links_name_max_length CHECK ((char_length(name) <= 200)),
    CONSTRAINT login_links_password_hash_max_length CHECK ((char_length(password_hash) <= 200)),
    CONSTRAINT login_links_purpose_fields CHECK (
CASE purpose
    WHEN 'verify'::text THEN ((identity_id IS NULL) AND (name IS NOT NULL) AND ((password_hash IS NOT NULL) OR (used_at IS NOT NULL)))
    WHEN 'reset'::text THEN ((identity_id IS NOT NULL) AND (password_hash IS NULL))
    ELSE ((identity_id IS NULL) AND (role IS NOT NULL) AND (password_hash IS NULL))
END),
    CONSTRAINT login_links_purpose_known CHECK ((purpose = ANY (ARRAY['verify'::text, 'reset'::text, 'invite'::text]))),
    CONSTRAINT login_links_role_known CHECK ((role = ANY (ARRAY['admin'::text, 'billing'::text, 'support'::text, 'viewer'::text]))),
    CONSTRAINT login_links_token_hash_sha256 CHECK ((length(token_hash) = 32))
);

ALTER TABLE kassa.login_links OWNER TO kassa_owner;

CREATE FUNCTION internal.follow_link(p_token_hash bytea, p_purpose text, OUT link kassa.login_links, OUT outcome text) RETURNS record
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.follow_link(p_token_hash bytea, p_purpose text, OUT link kassa.login_links, OUT outcome text) OWNER TO kassa_owner;

CREATE FUNCTION internal.format_number(fmt text, year integer, n bigint) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.format_number(fmt text, year integer, n bigint) OWNER TO kassa_owner;

CREATE FUNCTION internal.gateway_takes(p_gateway text, p_currency text) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.gateway_takes(p_gateway text, p_currency text) OWNER TO kassa_owner;

CREATE FUNCTION internal.grant_writes(p_view regclass, p_base regclass, p_roles text, p_privileges text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.grant_writes(p_view regclass, p_base regclass, p_roles text, p_privileges text) OWNER TO kassa_owner;

CREATE FUNCTION internal.guard_customer_update() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.guard_customer_update() OWNER TO kassa_owner;

CREATE FUNCTION internal.guard_invoice() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.guard_invoice() OWNER TO kassa_owner;

CREATE FUNCTION internal.guard_invoice_lines() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.guard_invoice_lines() OWNER TO kassa_owner;

CREATE FUNCTION internal.guard_price_version() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.guard_price_version() OWNER TO kassa_owner;

CREATE FUNCTION internal.guard_service() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.guard_service() OWNER TO kassa_owner;

CREATE FUNCTION internal.guard_usage_record() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.guard_usage_record() OWNER TO kassa_owner;

CREATE FUNCTION internal.iban_valid(p_iban text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.iban_valid(p_iban text) OWNER TO kassa_owner;

CREATE TABLE kassa.identities (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email text NOT NULL,
    password_hash text NOT NULL,
    email_verified_at timestamp with time zone NOT NULL,
    customer_id uuid,
    staff_user_id uuid,
    totp_secret text,
    totp_pending text,
    totp_enabled_at timestamp with time zone,
    totp_last_step bigint,
    last_login_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT identities_email_format CHECK ((email ~* '^[^@\s]+@[^@\s]+\.[^@\s]+$'::text)),
    CONSTRAINT identities_email_max_length CHECK ((char_length(email) <= 254)),
    CONSTRAINT identities_one_subject CHECK ((num_nonnulls(customer_id, staff_user_id) = 1)),
    CONSTRAINT identities_password_hash_argon2id CHECK (((password_hash ~~ '$argon2id$%'::text) AND (char_length(password_hash) <= 200))),
    CONSTRAINT identities_totp_enabled CHECK (((totp_secret IS NULL) = (totp_enabled_at IS NULL))),
    CONSTRAINT identities_totp_pending_max_length CHECK ((char_length(totp_pending) <= 64)),
    CONSTRAINT identities_totp_secret_max_length CHECK ((char_length(totp_secret) <= 64))
);

ALTER TABLE kassa.identities OWNER TO kassa_owner;

CREATE FUNCTION internal.identity_of(p_tenant uuid, p_email text) RETURNS kassa.identities
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.identity_of(p_tenant uuid, p_email text) OWNER TO kassa_owner;

CREATE FUNCTION internal.import_amount(p_text text, p_minor_units integer) RETURNS bigint
    LANGUAGE sql IMMUTABLE
    AS $$…$$;

ALTER FUNCTION internal.import_amount(p_text text, p_minor_units integer) OWNER TO kassa_owner;

CREATE FUNCTION internal.import_balances(p_tenant uuid, p_rows jsonb) RETURNS TABLE(line integer, kassa_id uuid)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.import_balances(p_tenant uuid, p_rows jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.import_check_balances(p_tenant uuid, p_rows jsonb) RETURNS TABLE(line integer, legacy_id text, outcome text, reason text, data jsonb)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.import_check_balances(p_tenant uuid, p_rows jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.import_check_customers(p_tenant uuid, p_rows jsonb) RETURNS TABLE(line integer, legacy_id text, outcome text, reason text, data jsonb)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.import_check_customers(p_tenant uuid, p_rows jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.import_check_invoices(p_tenant uuid, p_rows jsonb) RETURNS TABLE(line integer, legacy_id text, outcome text, reason text, data jsonb)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.import_check_invoices(p_tenant uuid, p_rows jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.import_check_mandates(p_tenant uuid, p_rows jsonb) RETURNS TABLE(line integer, legacy_id text, outcome text, reason text, data jsonb)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.import_check_mandates(p_tenant uuid, p_rows jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.import_check_services(p_tenant uuid, p_rows jsonb) RETURNS TABLE(line integer, legacy_id text, outcome text, reason text, data jsonb)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.import_check_services(p_tenant uuid, p_rows jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.import_columns(p_kind text) RETURNS TABLE(column_name text, required boolean)
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.import_columns(p_kind text) OWNER TO kassa_owner;

CREATE FUNCTION internal.import_customer(p_tenant uuid, p_legacy_id text) RETURNS uuid
    LANGUAGE sql STABLE
    AS $$…$$;

ALTER FUNCTION internal.import_customer(p_tenant uuid, p_legacy_id text) OWNER TO kassa_owner;

CREATE FUNCTION internal.import_customers(p_tenant uuid, p_rows jsonb) RETURNS TABLE(line integer, kassa_id uuid)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.import_customers(p_tenant uuid, p_rows jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.import_date(p_text text) RETURNS date
    LANGUAGE sql IMMUTABLE
    AS $$…$$;

ALTER FUNCTION internal.import_date(p_text text) OWNER TO kassa_owner;

CREATE FUNCTION internal.import_done(p_tenant uuid, p_kind text, p_legacy_id text) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$…$$;

ALTER FUNCTION internal.import_done(p_tenant uuid, p_kind text, p_legacy_id text) OWNER TO kassa_owner;

CREATE FUNCTION internal.import_invoices(p_tenant uuid, p_rows jsonb) RETURNS TABLE(line integer, kassa_id uuid)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.import_invoices(p_tenant uuid, p_rows jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.import_legacy(p_tenant uuid, p_kind text, p_rows jsonb, p_mode text) RETURNS TABLE(line integer, legacy_id text, outcome text, reason text, kassa_id uuid)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.import_legacy(p_tenant uuid, p_kind text, p_rows jsonb, p_mode text) OWNER TO kassa_owner;

CREATE FUNCTION internal.import_mandates(p_tenant uuid, p_rows jsonb) RETURNS TABLE(line integer, kassa_id uuid)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.import_mandates(p_tenant uuid, p_rows jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.import_money_reason(p_customer_legacy_id text, p_customer_id uuid, p_amount_column text, p_amount_text text, p_amount bigint, p_date_column text, p_date_text text, p_date date, p_today date) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$…$$;

ALTER FUNCTION internal.import_money_reason(p_customer_legacy_id text, p_customer_id uuid, p_amount_column text, p_amount_text text, p_amount bigint, p_date_column text, p_date_text text, p_date date, p_today date) OWNER TO kassa_owner;

CREATE FUNCTION internal.import_outcome(p_done boolean, p_reason text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$…$$;

ALTER FUNCTION internal.import_outcome(p_done boolean, p_reason text) OWNER TO kassa_owner;

CREATE FUNCTION internal.import_overlong(p_row jsonb, p_limits jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$…$$;

ALTER FUNCTION internal.import_overlong(p_row jsonb, p_limits jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.import_phone(p_text text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$…$$;

ALTER FUNCTION internal.import_phone(p_text text) OWNER TO kassa_owner;

CREATE FUNCTION internal.import_services(p_tenant uuid, p_rows jsonb) RETURNS TABLE(line integer, kassa_id uuid)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.import_services(p_tenant uuid, p_rows jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.import_text(p_row jsonb, p_column text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$…$$;

ALTER FUNCTION internal.import_text(p_row jsonb, p_column text) OWNER TO kassa_owner;

CREATE FUNCTION internal.in_flight_auto_topups(p_before timestamp with time zone) RETURNS SETOF jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.in_flight_auto_topups(p_before timestamp with time zone) OWNER TO kassa_owner;

CREATE FUNCTION internal.in_flight_invoice_charges(p_before timestamp with time zone, p_tenant uuid) RETURNS SETOF jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.in_flight_invoice_charges(p_before timestamp with time zone, p_tenant uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.interval_months(p_interval text) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$…$$;

ALTER FUNCTION internal.interval_months(p_interval text) OWNER TO kassa_owner;

CREATE TABLE kassa.payment_links (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    customer_id uuid NOT NULL,
    invoice_id uuid,
    token_hash bytea NOT NULL,
    amount bigint NOT NULL,
    currency character(3) NOT NULL,
    status text DEFAULT 'open'::text NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    created_by text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    used_at timestamp with time zone,
    payment_id uuid,
    invalidated_at timestamp with time zone,
    invalidated_by text,
    invalidated_reason text,
    replaced_by uuid,
    CONSTRAINT payment_links_amount_positive CHECK ((amount > 0)),
    CONSTRAINT payment_links_created_by_max_length CHECK ((char_length(created_by) <= 200)),
    CONSTRAINT payment_links_invalidated_by_max_length CHECK ((char_length(invalidated_by) <= 200)),
    CONSTRAINT payment_links_invalidated_has_reason CHECK (((status = 'invalidated'::text) = ((invalidated_at IS NOT NULL) AND (invalidated_reason IS NOT NULL)))),
    CONSTRAINT payment_links_invalidated_reason_max_length CHECK ((char_length(invalidated_reason) <= 500)),
    CONSTRAINT payment_links_invalidated_reason_not_blank CHECK ((invalidated_reason ~ '[^[:space:]\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]'::text)),
    CONSTRAINT payment_links_status_known CHECK ((status = ANY (ARRAY['open'::text, 'used'::text, 'invalidated'::text]))),
    CONSTRAINT payment_links_token_hash_sha256 CHECK ((length(token_hash) = 32)),
    CONSTRAINT payment_links_used_has_payment CHECK (((status = 'used'::text) = ((used_at IS NOT NULL) AND (payment_id IS NOT NULL))))
);

ALTER TABLE kassa.payment_links OWNER TO kassa_owner;

CREATE FUNCTION internal.invalidate_payment_link(p_tenant_id uuid, p_link_id uuid, p_reason text, p_actor text) RETURNS kassa.payment_links
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.invalidate_payment_link(p_tenant_id uuid, p_link_id uuid, p_reason text, p_actor text) OWNER TO kassa_owner;

CREATE FUNCTION internal.invite_staff(p_tenant uuid, p_email text, p_role text, p_invited_by text, p_link uuid, p_token_hash bytea, p_valid interval) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.invite_staff(p_tenant uuid, p_email text, p_role text, p_invited_by text, p_link uuid, p_token_hash bytea, p_valid interval) OWNER TO kassa_owner;

CREATE FUNCTION internal.invoice_for_api(p_tenant_id uuid, p_invoice_id uuid) RETURNS api.invoices
    LANGUAGE sql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.invoice_for_api(p_tenant_id uuid, p_invoice_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.invoice_run(p_as_of date, p_tenant_id uuid DEFAULT NULL::uuid, p_customer_id uuid DEFAULT NULL::uuid) RETURNS TABLE(processed integer, skipped integer, invoices integer, charges integer, credit_notes integer, held integer)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.invoice_run(p_as_of date, p_tenant_id uuid, p_customer_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.invoice_run_credit_carried(p_tenant_id uuid, p_charge_ids uuid[], p_as_of date) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.invoice_run_credit_carried(p_tenant_id uuid, p_charge_ids uuid[], p_as_of date) OWNER TO kassa_owner;

CREATE FUNCTION internal.invoice_run_finalise(p_tenant kassa.tenants, p_invoice_ids uuid[], p_as_of date) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.invoice_run_finalise(p_tenant kassa.tenants, p_invoice_ids uuid[], p_as_of date) OWNER TO kassa_owner;

CREATE FUNCTION internal.invoice_run_mark_usage(p_tenant_id uuid, p_run uuid, p_as_of date, p_ids bigint[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.invoice_run_mark_usage(p_tenant_id uuid, p_run uuid, p_as_of date, p_ids bigint[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.invoice_run_stage_charges(p_tenant_id uuid, p_run uuid, p_customer_id uuid) RETURNS uuid[]
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.invoice_run_stage_charges(p_tenant_id uuid, p_run uuid, p_customer_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.invoice_run_stage_services(p_tenant kassa.tenants, p_run uuid, p_as_of date) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.invoice_run_stage_services(p_tenant kassa.tenants, p_run uuid, p_as_of date) OWNER TO kassa_owner;

CREATE FUNCTION internal.invoice_run_stage_usage(p_tenant_id uuid, p_run uuid, p_as_of date) RETURNS bigint[]
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.invoice_run_stage_usage(p_tenant_id uuid, p_run uuid, p_as_of date) OWNER TO kassa_owner;

CREATE FUNCTION internal.invoice_run_tally(p_tenant_id uuid, p_run uuid, OUT invoice_ids uuid[], OUT services_billed integer, OUT lines_lost integer, OUT charges_billed integer) RETURNS record
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.invoice_run_tally(p_tenant_id uuid, p_run uuid, OUT invoice_ids uuid[], OUT services_billed integer, OUT lines_lost integer, OUT charges_billed integer) OWNER TO kassa_owner;

CREATE FUNCTION internal.invoice_run_write_invoices(p_tenant kassa.tenants, p_run uuid, p_as_of date) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.invoice_run_write_invoices(p_tenant kassa.tenants, p_run uuid, p_as_of date) OWNER TO kassa_owner;

CREATE FUNCTION internal.invoice_totals(p_tenant_id uuid, p_invoice_ids uuid[]) RETURNS TABLE(invoice_id uuid, net bigint, vat bigint, gross bigint, reverse_charge boolean, breakdown jsonb)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.invoice_totals(p_tenant_id uuid, p_invoice_ids uuid[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.invoice_vat_breakdown(p_tenant_id uuid, p_invoice_ids uuid[]) RETURNS TABLE(invoice_id uuid, vat_category text, vat_rate numeric, net bigint, vat bigint, gross bigint, vat_code text, exemption_reason text, exemption_code text)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.invoice_vat_breakdown(p_tenant_id uuid, p_invoice_ids uuid[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.is_blank(p_text text) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.is_blank(p_text text) OWNER TO kassa_owner;

CREATE FUNCTION internal.is_private_address(p_address inet) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.is_private_address(p_address inet) OWNER TO kassa_owner;

CREATE FUNCTION internal.jwt_claims() RETURNS json
    LANGUAGE sql STABLE
    AS $$…$$;

ALTER FUNCTION internal.jwt_claims() OWNER TO kassa_owner;

CREATE FUNCTION internal.jwt_customer_id() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$…$$;

ALTER FUNCTION internal.jwt_customer_id() OWNER TO kassa_owner;

CREATE FUNCTION internal.jwt_tenant_id() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$…$$;

ALTER FUNCTION internal.jwt_tenant_id() OWNER TO kassa_owner;

CREATE FUNCTION internal.keep_an_admin() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.keep_an_admin() OWNER TO kassa_owner;

CREATE FUNCTION internal.last_scheduled_slots() RETURNS TABLE(job text, tenant_id uuid, slot timestamp with time zone)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.last_scheduled_slots() OWNER TO kassa_owner;

CREATE FUNCTION internal.ledger_mismatches(p_tenant uuid DEFAULT NULL::uuid) RETURNS TABLE(tenant_id uuid, customer_id uuid, cached bigint, summed bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.ledger_mismatches(p_tenant uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.lift_email_suppression() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.lift_email_suppression() OWNER TO kassa_owner;

CREATE FUNCTION internal.link_oidc_subject(p_tenant uuid, p_provider uuid, p_subject text, p_identity uuid, p_actor text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.link_oidc_subject(p_tenant uuid, p_provider uuid, p_subject text, p_identity uuid, p_actor text) OWNER TO kassa_owner;

CREATE FUNCTION internal.link_reason(p_reason text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.link_reason(p_reason text) OWNER TO kassa_owner;

CREATE FUNCTION internal.link_token_hash(p_token text) RETURNS bytea
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.link_token_hash(p_token text) OWNER TO kassa_owner;

CREATE FUNCTION internal.list_tenants() RETURNS TABLE(id uuid, slug text, legal_name text, country text, currency text, timezone text, status text, created_at timestamp with time zone)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.list_tenants() OWNER TO kassa_owner;

CREATE FUNCTION internal.local_midnight(p_day date, p_timezone text) RETURNS timestamp with time zone
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.local_midnight(p_day date, p_timezone text) OWNER TO kassa_owner;

CREATE FUNCTION internal.lock_debit_order_batch(p_tenant uuid, p_batch uuid) RETURNS kassa.debit_order_batches
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.lock_debit_order_batch(p_tenant uuid, p_batch uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.lock_invoice_to_credit(p_tenant_id uuid, p_invoice_id uuid, p_settlement text, p_issued_on date) RETURNS kassa.invoices
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.lock_invoice_to_credit(p_tenant_id uuid, p_invoice_id uuid, p_settlement text, p_issued_on date) OWNER TO kassa_owner;

CREATE FUNCTION internal.lock_invoices_to_finalise(p_tenant_id uuid, p_invoice_ids uuid[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.lock_invoices_to_finalise(p_tenant_id uuid, p_invoice_ids uuid[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.lock_open_customer(p_tenant_id uuid, p_customer_id uuid) RETURNS kassa.customers
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.lock_open_customer(p_tenant_id uuid, p_customer_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.lock_open_link(p_tenant_id uuid, p_link_id uuid) RETURNS kassa.payment_links
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.lock_open_link(p_tenant_id uuid, p_link_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.lock_open_ticket(p_tenant uuid, p_customer uuid, p_ticket uuid) RETURNS kassa.tickets
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.lock_open_ticket(p_tenant uuid, p_customer uuid, p_ticket uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.lock_payment(p_tenant uuid, p_payment uuid) RETURNS kassa.payments
    LANGUAGE plpgsql
    AS $$…$$;

ALTER FUNCTION internal.lock_payment(p_tenant uuid, p_payment uuid) OWNER TO kassa_owner;

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
    netcash_account_ref text,
    mandate_url text,
    mandate_requested_at timestamp with time zone,
    mandate_postback jsonb,
    mandate_postback_at timestamp with time zone,
    mandate_decided_at timestamp with time zone,
    netcash_mandate_ref text,
    mandate_decline_reason text,
    CONSTRAINT payment_methods_account_masked_format CHECK ((account_masked ~ '^\*\*\*[0-9]{4}$'::text)),
    CONSTRAINT payment_methods_account_masked_max_length CHECK ((char_length(account_masked) <= 16)),
    CONSTRAINT payment_methods_account_type_known CHECK ((account_type = ANY (ARRAY['current'::text, 'cheque'::text, 'savings'::text, 'transmission'::text]))),
    CONSTRAINT payment_methods_account_type_max_length CHECK ((char_length(account_type) <= 32)),
    CONSTRAINT payment_methods_bank_max_length CHECK ((char_length(bank) <= 100)),
    CONSTRAINT payment_methods_brand_max_length CHECK ((char_length(brand) <= 32)),
    CONSTRAINT payment_methods_card_details CHECK (((kind <> 'card'::text) OR ((brand IS NOT NULL) AND (last4 IS NOT NULL) AND (exp_month IS NOT NULL) AND (exp_year IS NOT NULL)))),
    CONSTRAINT payment_methods_debit_order_details CHECK (((kind <> 'debit_order'::text) OR ((bank IS NOT NULL) AND (account_type IS NOT NULL) AND (account_masked IS NOT NULL) AND (mandate_reference IS NOT NULL) AND (mandate_status IS NOT NULL)))),
    CONSTRAINT payment_methods_deleted_not_primary CHECK ((NOT (is_primary AND (deleted_at IS NOT NULL)))),
    CONSTRAINT payment_methods_exp_month_range CHECK (((exp_month >= 1) AND (exp_month <= 12))),
    CONSTRAINT payment_methods_exp_year_range CHECK (((exp_year >= 2000) AND (exp_year <= 2100))),
    CONSTRAINT payment_methods_kind_known CHECK ((kind = ANY (ARRAY['card'::text, 'debit_order'::text, 'eft'::text]))),
    CONSTRAINT payment_methods_kind_max_length CHECK ((char_length(kind) <= 32)),
    CONSTRAINT payment_methods_last4_format CHECK ((last4 ~ '^[0-9]{4}$'::text)),
    CONSTRAINT payment_methods_last4_max_length CHECK ((char_length(last4) <= 4)),
    CONSTRAINT payment_methods_mandate_decline_reason_max_length CHECK ((char_length(mandate_decline_reason) <= 500)),
    CONSTRAINT payment_methods_mandate_reference_max_length CHECK ((char_length(mandate_reference) <= 100)),
    CONSTRAINT payment_methods_mandate_request_complete CHECK (((netcash_account_ref IS NULL) = (mandate_requested_at IS NULL))),
    CONSTRAINT payment_methods_mandate_status_known CHECK ((mandate_status = ANY (ARRAY['pending'::text, 'active'::text, 'declined'::text, 'cancelled'::text]))),
    CONSTRAINT payment_methods_mandate_status_max_length CHECK ((char_length(mandate_status) <= 32)),
    CONSTRAINT payment_methods_mandate_url_max_length CHECK ((char_length(mandate_url) <= 2000)),
    CONSTRAINT payment_methods_netcash_account_ref_format CHECK (((char_length(netcash_account_ref) <= 22) AND (netcash_account_ref ~ '^[A-Z0-9]{2,22}$'::text))),
    CONSTRAINT payment_methods_netcash_mandate_ref_max_length CHECK ((char_length(netcash_mandate_ref) <= 100))
);

ALTER TABLE kassa.payment_methods OWNER TO kassa_owner;

CREATE FUNCTION internal.lock_payment_method(p_tenant uuid, p_method uuid, p_customer uuid) RETURNS kassa.payment_methods
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.lock_payment_method(p_tenant uuid, p_method uuid, p_customer uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.lock_service_to_transition(p_tenant_id uuid, p_service_id uuid, p_action text, p_on date) RETURNS kassa.services
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.lock_service_to_transition(p_tenant_id uuid, p_service_id uuid, p_action text, p_on date) OWNER TO kassa_owner;

CREATE FUNCTION internal.log_message_attempt() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.log_message_attempt() OWNER TO kassa_owner;

CREATE FUNCTION internal.login_identity(p_slug text, p_email text) RETURNS TABLE(tenant_id uuid, identity_id uuid, customer_id uuid, staff_user_id uuid, staff_role text, email text, tenant_name text, password_hash text, totp_secret text, totp_pending text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.login_identity(p_slug text, p_email text) OWNER TO kassa_owner;

CREATE FUNCTION internal.login_link(p_token_hash bytea, p_purpose text) RETURNS TABLE(outcome text, email text, role text, tenant_slug text, tenant_name text, expires_at timestamp with time zone)
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.login_link(p_token_hash bytea, p_purpose text) OWNER TO kassa_owner;

CREATE FUNCTION internal.login_subject(p_tenant uuid, p_identity uuid) RETURNS TABLE(tenant_id uuid, identity_id uuid, customer_id uuid, staff_user_id uuid, staff_role text, email text, tenant_name text, password_hash text, totp_secret text, totp_pending text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.login_subject(p_tenant uuid, p_identity uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.login_tenant(p_slug text) RETURNS kassa.tenants
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.login_tenant(p_slug text) OWNER TO kassa_owner;

CREATE FUNCTION internal.login_wait(p_slug text, p_email text, p_address text) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.login_wait(p_slug text, p_email text, p_address text) OWNER TO kassa_owner;

CREATE FUNCTION internal.logout(p_token_hash bytea) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.logout(p_token_hash bytea) OWNER TO kassa_owner;

CREATE FUNCTION internal.major_units(p_amount bigint, p_exponent smallint, p_separator text DEFAULT '.'::text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.major_units(p_amount bigint, p_exponent smallint, p_separator text) OWNER TO kassa_owner;

CREATE FUNCTION internal.make_append_only(p_table regclass, p_code text, p_message text, p_hint text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.make_append_only(p_table regclass, p_code text, p_message text, p_hint text) OWNER TO kassa_owner;

CREATE FUNCTION internal.mandate_postback(p_account_ref text, p_fields jsonb) RETURNS TABLE(tenant_id uuid, payment_method_id uuid, mandate_status text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.mandate_postback(p_account_ref text, p_fields jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.mandates_to_request(p_tenant uuid) RETURNS TABLE(tenant_id uuid, payment_method_id uuid, account_reference text, customer_name text, email text, phone text, agreement_reference text, amount bigint, agreed_on date)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.mandates_to_request(p_tenant uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.mark_overdue(p_tenant_id uuid, p_as_of date DEFAULT NULL::date) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.mark_overdue(p_tenant_id uuid, p_as_of date) OWNER TO kassa_owner;

CREATE FUNCTION internal.message_channels() RETURNS text[]
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.message_channels() OWNER TO kassa_owner;

CREATE FUNCTION internal.method_owner(p_customer uuid) RETURNS uuid
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.method_owner(p_customer uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.money_text(p_tenant_id uuid, p_amount bigint) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.money_text(p_tenant_id uuid, p_amount bigint) OWNER TO kassa_owner;

CREATE FUNCTION internal.month_index(p_date date) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$…$$;

ALTER FUNCTION internal.month_index(p_date date) OWNER TO kassa_owner;

CREATE FUNCTION internal.move_service(p_service kassa.services, p_action text, p_on date, p_price_version_id uuid, p_suspension_reason text, OUT service kassa.services, OUT charged boolean) RETURNS record
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.move_service(p_service kassa.services, p_action text, p_on date, p_price_version_id uuid, p_suspension_reason text, OUT service kassa.services, OUT charged boolean) OWNER TO kassa_owner;

CREATE FUNCTION internal.name_download(p_kind text, p_from date, p_to date, p_type text DEFAULT NULL::text) RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.name_download(p_kind text, p_from date, p_to date, p_type text) OWNER TO kassa_owner;

CREATE FUNCTION internal.netcash_account_ref(p_method uuid) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.netcash_account_ref(p_method uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.new_link_token() RETURNS text
    LANGUAGE sql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.new_link_token() OWNER TO kassa_owner;

CREATE FUNCTION internal.new_payment(p_tenant uuid, p_customer uuid, p_provider text, p_method text, p_purpose text, p_amount bigint, p_currency text, p_provider_ref text DEFAULT NULL::text, p_idempotency_key text DEFAULT NULL::text, p_payment_method uuid DEFAULT NULL::uuid, p_auto_topup boolean DEFAULT false, p_reason text DEFAULT NULL::text, p_invoice uuid DEFAULT NULL::uuid) RETURNS kassa.payments
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.new_payment(p_tenant uuid, p_customer uuid, p_provider text, p_method text, p_purpose text, p_amount bigint, p_currency text, p_provider_ref text, p_idempotency_key text, p_payment_method uuid, p_auto_topup boolean, p_reason text, p_invoice uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.new_webhook_secret(p_tenant uuid, p_endpoint uuid) RETURNS text
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.new_webhook_secret(p_tenant uuid, p_endpoint uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.next_billing_date(p_day integer, p_months integer, p_billing_date date) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$…$$;

ALTER FUNCTION internal.next_billing_date(p_day integer, p_months integer, p_billing_date date) OWNER TO kassa_owner;

CREATE FUNCTION internal.next_invoice_estimate(p_tenant kassa.tenants, p_customer uuid, p_today date) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.next_invoice_estimate(p_tenant kassa.tenants, p_customer uuid, p_today date) OWNER TO kassa_owner;

CREATE FUNCTION internal.next_number(p_tenant uuid, p_kind text, p_period integer) RETURNS bigint
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.next_number(p_tenant uuid, p_kind text, p_period integer) OWNER TO kassa_owner;

CREATE FUNCTION internal.next_queued_job_run(p_job text) RETURNS TABLE(id bigint, as_of date, tenant_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.next_queued_job_run(p_job text) OWNER TO kassa_owner;

CREATE FUNCTION internal.notify_access_ended(p_tenant uuid, p_customer uuid) RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.notify_access_ended(p_tenant uuid, p_customer uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.notify_balances() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.notify_balances() OWNER TO kassa_owner;

CREATE FUNCTION internal.number_invoices(p_tenant kassa.tenants, p_invoice_ids uuid[], p_issued_on date) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.number_invoices(p_tenant kassa.tenants, p_invoice_ids uuid[], p_issued_on date) OWNER TO kassa_owner;

CREATE FUNCTION internal.number_pattern(p_format text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$…$$;

ALTER FUNCTION internal.number_pattern(p_format text) OWNER TO kassa_owner;

CREATE FUNCTION internal.octo_payment(p_octo_payment text) RETURNS TABLE(tenant_id uuid, id uuid, amount bigint, currency text, minor_units smallint, status text, provider_ref text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.octo_payment(p_octo_payment text) OWNER TO kassa_owner;

CREATE FUNCTION internal.off_session_claim(pay kassa.payments) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.off_session_claim(pay kassa.payments) OWNER TO kassa_owner;

CREATE FUNCTION internal.oidc_provider(p_slug text, p_issuer text) RETURNS TABLE(tenant_id uuid, provider_id uuid, audience text, jwks_url text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.oidc_provider(p_slug text, p_issuer text) OWNER TO kassa_owner;

CREATE FUNCTION internal.oidc_subject(p_tenant uuid, p_provider uuid, p_subject text) RETURNS TABLE(tenant_id uuid, identity_id uuid, customer_id uuid, staff_user_id uuid, staff_role text, email text, tenant_name text, password_hash text, totp_secret text, totp_pending text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.oidc_subject(p_tenant uuid, p_provider uuid, p_subject text) OWNER TO kassa_owner;

CREATE FUNCTION internal.open_billing_account() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.open_billing_account() OWNER TO kassa_owner;

CREATE FUNCTION internal.open_debit_order_batches(p_tenant uuid) RETURNS SETOF kassa.debit_order_batches
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.open_debit_order_batches(p_tenant uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.open_ticket(p_tenant uuid, p_customer uuid, p_actor text, p_subject text, p_body text, p_category text, p_invoice uuid, p_service uuid, p_files jsonb) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.open_ticket(p_tenant uuid, p_customer uuid, p_actor text, p_subject text, p_body text, p_category text, p_invoice uuid, p_service uuid, p_files jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.overdue_amount(p_tenant_id uuid, p_customer_id uuid) RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.overdue_amount(p_tenant_id uuid, p_customer_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.own_rows(p_column text DEFAULT 'customer_id'::text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.own_rows(p_column text) OWNER TO kassa_owner;

CREATE FUNCTION internal.parse_usage_instant(p_text text) RETURNS timestamp with time zone
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.parse_usage_instant(p_text text) OWNER TO kassa_owner;

CREATE FUNCTION internal.party_name(p_party jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.party_name(p_party jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.pause_dunning(p_tenant_id uuid, p_customer_id uuid, p_invoice_id uuid, p_reason text, p_until date, p_actor text) RETURNS kassa.dunning_pauses
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.pause_dunning(p_tenant_id uuid, p_customer_id uuid, p_invoice_id uuid, p_reason text, p_until date, p_actor text) OWNER TO kassa_owner;

CREATE FUNCTION internal.payment_link_lifetime(p_tenant uuid) RETURNS interval
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.payment_link_lifetime(p_tenant uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.payment_method_details(p_tenant uuid, p_method uuid) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.payment_method_details(p_tenant uuid, p_method uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.payment_method_key() RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.payment_method_key() OWNER TO kassa_owner;

CREATE FUNCTION internal.payment_method_key_decrypts_all(p_key text) RETURNS boolean
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.payment_method_key_decrypts_all(p_key text) OWNER TO kassa_owner;

CREATE FUNCTION internal.payment_page(p_token text) RETURNS TABLE(state text, tenant_id uuid, link_id uuid, customer_id uuid, tenant_name text, invoice_id uuid, invoice_number text, amount_due bigint, currency text, due_on date, expires_at timestamp with time zone, locale text, minor_units smallint, gateways text[])
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.payment_page(p_token text) OWNER TO kassa_owner;

CREATE FUNCTION internal.payment_return(p_tenant_id uuid, p_payment_id uuid) RETURNS TABLE(outcome text, state text, tenant_name text, invoice_number text, locale text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.payment_return(p_tenant_id uuid, p_payment_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.post_entries(p_entries jsonb) RETURNS SETOF kassa.ledger_entries
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.post_entries(p_entries jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.post_entry(p_tenant uuid, p_customer uuid, p_kind text, p_amount bigint, p_source_type text, p_source_id text, p_description text DEFAULT ''::text) RETURNS SETOF kassa.ledger_entries
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.post_entry(p_tenant uuid, p_customer uuid, p_kind text, p_amount bigint, p_source_type text, p_source_id text, p_description text) OWNER TO kassa_owner;

CREATE FUNCTION internal.post_invoices(p_tenant_id uuid, p_invoice_ids uuid[]) RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.post_invoices(p_tenant_id uuid, p_invoice_ids uuid[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.posting_rows(p_entries jsonb) RETURNS TABLE(n bigint, tenant_id uuid, customer_id uuid, kind text, amount bigint, currency character, source_type text, source_id text, description text)
    LANGUAGE plpgsql IMMUTABLE ROWS 1
    AS $$…$$;

ALTER FUNCTION internal.posting_rows(p_entries jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.preference_owner(p_customer uuid) RETURNS uuid
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.preference_owner(p_customer uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.price_version_in_use(p_tenant_id uuid, p_id uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.price_version_in_use(p_tenant_id uuid, p_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.prorate(p_price bigint, p_start date, p_end date, p_from date, p_to date) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$…$$;

ALTER FUNCTION internal.prorate(p_price bigint, p_start date, p_end date, p_from date, p_to date) OWNER TO kassa_owner;

CREATE FUNCTION internal.prorate_range(p_price bigint, p_day integer, p_months integer, p_anchor date, p_from date, p_to date) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$…$$;

ALTER FUNCTION internal.prorate_range(p_price bigint, p_day integer, p_months integer, p_anchor date, p_from date, p_to date) OWNER TO kassa_owner;

CREATE FUNCTION internal.prorate_share(p_price bigint, p_days integer, p_length integer) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$…$$;

ALTER FUNCTION internal.prorate_share(p_price bigint, p_days integer, p_length integer) OWNER TO kassa_owner;

CREATE FUNCTION internal.purge_webhook_log(p_retention interval) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.purge_webhook_log(p_retention interval) OWNER TO kassa_owner;

CREATE FUNCTION internal.push_target(p_tenant uuid, p_subscription uuid) RETURNS TABLE(endpoint text, p256dh text, auth text)
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.push_target(p_tenant uuid, p_subscription uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.queue_job_run(p_job text, p_tenant uuid, p_as_of date, p_origin text, p_slot timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.queue_job_run(p_job text, p_tenant uuid, p_as_of date, p_origin text, p_slot timestamp with time zone) OWNER TO kassa_owner;

CREATE FUNCTION internal.queue_login_link(l kassa.login_links) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.queue_login_link(l kassa.login_links) OWNER TO kassa_owner;

CREATE FUNCTION internal.queued_jobs() RETURNS SETOF text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.queued_jobs() OWNER TO kassa_owner;

CREATE FUNCTION internal.raise_error(code text, message text, detail text DEFAULT NULL::text, hint text DEFAULT NULL::text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.raise_error(code text, message text, detail text, hint text) OWNER TO kassa_owner;

CREATE FUNCTION internal.recipient_snapshot(p_tenant_id uuid, p_customer_id uuid, p_buyer_reference text) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.recipient_snapshot(p_tenant_id uuid, p_customer_id uuid, p_buyer_reference text) OWNER TO kassa_owner;

CREATE FUNCTION internal.reconnect_customer(p_tenant_id uuid, p_customer_id uuid) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.reconnect_customer(p_tenant_id uuid, p_customer_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.reconnect_paid_up() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.reconnect_paid_up() OWNER TO kassa_owner;

CREATE FUNCTION internal.record_debit_order_batch(p_tenant uuid, p_submission date, p_action date, p_service text, p_name text) RETURNS kassa.debit_order_batches
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.record_debit_order_batch(p_tenant uuid, p_submission date, p_action date, p_service text, p_name text) OWNER TO kassa_owner;

CREATE FUNCTION internal.record_debit_order_batch_state(p_tenant uuid, p_batch uuid, p_status text, p_token text DEFAULT NULL::text, p_load_status text DEFAULT NULL::text, p_failed_lines integer[] DEFAULT '{}'::integer[], p_error text DEFAULT NULL::text) RETURNS kassa.debit_order_batches
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.record_debit_order_batch_state(p_tenant uuid, p_batch uuid, p_status text, p_token text, p_load_status text, p_failed_lines integer[], p_error text) OWNER TO kassa_owner;

CREATE FUNCTION internal.record_login_mail_failed(p_tenant uuid, p_link uuid, p_error text, p_first_retry interval, p_max_attempts integer) RETURNS text
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.record_login_mail_failed(p_tenant uuid, p_link uuid, p_error text, p_first_retry interval, p_max_attempts integer) OWNER TO kassa_owner;

CREATE FUNCTION internal.record_login_mail_sent(p_tenant uuid, p_link uuid) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.record_login_mail_sent(p_tenant uuid, p_link uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.record_mandate_outcome(p_tenant uuid, p_method uuid, p_accepted boolean, p_mandate_ref text, p_reason text) RETURNS kassa.payment_methods
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.record_mandate_outcome(p_tenant uuid, p_method uuid, p_accepted boolean, p_mandate_ref text, p_reason text) OWNER TO kassa_owner;

CREATE FUNCTION internal.record_mandate_request(p_tenant uuid, p_method uuid, p_mandate_url text) RETURNS kassa.payment_methods
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.record_mandate_request(p_tenant uuid, p_method uuid, p_mandate_url text) OWNER TO kassa_owner;

CREATE FUNCTION internal.record_manual_payment(p_tenant uuid, p_customer uuid, p_amount bigint, p_method text, p_reason text, p_reference text, p_actor text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.record_manual_payment(p_tenant uuid, p_customer uuid, p_amount bigint, p_method text, p_reason text, p_reference text, p_actor text) OWNER TO kassa_owner;

CREATE FUNCTION internal.record_message_bounced(p_tenant uuid, p_message uuid, p_error text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.record_message_bounced(p_tenant uuid, p_message uuid, p_error text) OWNER TO kassa_owner;

CREATE FUNCTION internal.record_message_failed(p_tenant uuid, p_message uuid, p_error text, p_first_retry interval, p_max_attempts integer) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.record_message_failed(p_tenant uuid, p_message uuid, p_error text, p_first_retry interval, p_max_attempts integer) OWNER TO kassa_owner;

CREATE FUNCTION internal.record_message_sent(p_tenant uuid, p_message uuid, p_subject text, p_segments integer DEFAULT NULL::integer) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.record_message_sent(p_tenant uuid, p_message uuid, p_subject text, p_segments integer) OWNER TO kassa_owner;

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
    CONSTRAINT payment_refunds_kind_known CHECK ((kind = ANY (ARRAY['refund'::text, 'dispute'::text, 'unpaid'::text]))),
    CONSTRAINT payment_refunds_kind_max_length CHECK ((char_length(kind) <= 32)),
    CONSTRAINT payment_refunds_provider_ref_max_length CHECK ((char_length(provider_ref) <= 255)),
    CONSTRAINT payment_refunds_reason_max_length CHECK ((char_length(reason) <= 500)),
    CONSTRAINT payment_refunds_reason_not_blank CHECK ((reason ~ '[^[:space:]\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]'::text))
);

ALTER TABLE kassa.payment_refunds OWNER TO kassa_owner;

CREATE FUNCTION internal.record_octo_refund(p_tenant uuid, p_payment uuid, p_amount bigint, p_shop_refund_id text, p_reason text, p_raw jsonb) RETURNS kassa.payment_refunds
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.record_octo_refund(p_tenant uuid, p_payment uuid, p_amount bigint, p_shop_refund_id text, p_reason text, p_raw jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.record_usage(p_tenant_id uuid, p_records jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.record_usage(p_tenant_id uuid, p_records jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.record_webhook_attempt(p_tenant uuid, p_delivery uuid, p_attempt integer, p_status_code integer, p_latency_ms integer, p_response text, p_error text, p_retry_after interval, p_schedule interval[], p_disable_after interval) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.record_webhook_attempt(p_tenant uuid, p_delivery uuid, p_attempt integer, p_status_code integer, p_latency_ms integer, p_response text, p_error text, p_retry_after interval, p_schedule interval[], p_disable_after interval) OWNER TO kassa_owner;

CREATE FUNCTION internal.redacting() RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.redacting() OWNER TO kassa_owner;

CREATE FUNCTION internal.redeem_stream_ticket(p_tenant uuid, p_ticket uuid, p_expires_at timestamp with time zone) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.redeem_stream_ticket(p_tenant uuid, p_ticket uuid, p_expires_at timestamp with time zone) OWNER TO kassa_owner;

CREATE FUNCTION internal.refresh_invoice_totals(p_tenant_id uuid, p_invoice_ids uuid[]) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.refresh_invoice_totals(p_tenant_id uuid, p_invoice_ids uuid[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.refresh_login(p_token_hash bytea, p_new_hash bytea, p_valid interval) RETURNS TABLE(outcome text, tenant_id uuid, identity_id uuid, customer_id uuid, staff_user_id uuid, staff_role text, login_id uuid)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.refresh_login(p_token_hash bytea, p_new_hash bytea, p_valid interval) OWNER TO kassa_owner;

CREATE FUNCTION internal.refund_manual_payment(p_tenant uuid, p_payment uuid, p_amount bigint, p_reason text, p_actor text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.refund_manual_payment(p_tenant uuid, p_payment uuid, p_amount bigint, p_reason text, p_actor text) OWNER TO kassa_owner;

CREATE FUNCTION internal.refund_payment(p_tenant uuid, p_payment uuid, p_kind text, p_amount bigint, p_provider_ref text, p_reason text, p_raw jsonb DEFAULT '{}'::jsonb) RETURNS kassa.payment_refunds
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.refund_payment(p_tenant uuid, p_payment uuid, p_kind text, p_amount bigint, p_provider_ref text, p_reason text, p_raw jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.refuse_api_key_actor(p_actor text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.refuse_api_key_actor(p_actor text) OWNER TO kassa_owner;

CREATE FUNCTION internal.refuse_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.refuse_change() OWNER TO kassa_owner;

CREATE FUNCTION internal.refuse_closed_customer(p_account_number text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.refuse_closed_customer(p_account_number text) OWNER TO kassa_owner;

CREATE FUNCTION internal.refuse_credit_note_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.refuse_credit_note_change() OWNER TO kassa_owner;

CREATE FUNCTION internal.refuse_document_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.refuse_document_change() OWNER TO kassa_owner;

CREATE FUNCTION internal.regenerate_payment_link(p_tenant_id uuid, p_link_id uuid, p_reason text, p_actor text) RETURNS TABLE(link_id uuid, token text, amount bigint, expires_at timestamp with time zone)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.regenerate_payment_link(p_tenant_id uuid, p_link_id uuid, p_reason text, p_actor text) OWNER TO kassa_owner;

CREATE FUNCTION internal.reject_debit_order_items(p_tenant uuid, p_items uuid[], p_reason text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.reject_debit_order_items(p_tenant uuid, p_items uuid[], p_reason text) OWNER TO kassa_owner;

CREATE FUNCTION internal.reject_webhook_event(p_provider text, p_event_id text, p_type text, p_payload jsonb, p_error text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.reject_webhook_event(p_provider text, p_event_id text, p_type text, p_payload jsonb, p_error text) OWNER TO kassa_owner;

CREATE FUNCTION internal.remember(p_tenant uuid, p_request_id text, p_operation text, p_arguments jsonb, p_result jsonb) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.remember(p_tenant uuid, p_request_id text, p_operation text, p_arguments jsonb, p_result jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.remove_invoice_line(p_tenant_id uuid, p_line_id uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.remove_invoice_line(p_tenant_id uuid, p_line_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.remove_payment_method(p_tenant uuid, p_method uuid, p_customer uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.remove_payment_method(p_tenant uuid, p_method uuid, p_customer uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.replayed(p_tenant uuid, p_request_id text, p_operation text, p_arguments jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.replayed(p_tenant uuid, p_request_id text, p_operation text, p_arguments jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.reply_ticket(p_tenant uuid, p_customer uuid, p_actor text, p_ticket uuid, p_body text, p_internal boolean, p_files jsonb) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.reply_ticket(p_tenant uuid, p_customer uuid, p_actor text, p_ticket uuid, p_body text, p_internal boolean, p_files jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.request_action(p_method text, p_path text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.request_action(p_method text, p_path text) OWNER TO kassa_owner;

CREATE FUNCTION internal.request_auto_topup() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.request_auto_topup() OWNER TO kassa_owner;

CREATE FUNCTION internal.request_password_reset(p_slug text, p_email text, p_link uuid, p_token_hash bytea, p_valid interval) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.request_password_reset(p_slug text, p_email text, p_link uuid, p_token_hash bytea, p_valid interval) OWNER TO kassa_owner;

CREATE FUNCTION internal.request_signup(p_slug text, p_email text, p_name text, p_password_hash text, p_link uuid, p_token_hash bytea, p_valid interval) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.request_signup(p_slug text, p_email text, p_name text, p_password_hash text, p_link uuid, p_token_hash bytea, p_valid interval) OWNER TO kassa_owner;

CREATE FUNCTION internal.requests_over(p_bucket text, p_limit integer, p_window_s integer DEFAULT 60) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.requests_over(p_bucket text, p_limit integer, p_window_s integer) OWNER TO kassa_owner;

CREATE FUNCTION internal.require_found(p_found boolean, code text, message text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.require_found(p_found boolean, code text, message text) OWNER TO kassa_owner;

CREATE FUNCTION internal.require_reason(p_reason text, p_code text DEFAULT 'P0P09'::text, p_message text DEFAULT 'a reason is required'::text, p_hint text DEFAULT 'Say why, for the audit log (e.g. "cash at the counter, receipt 1234").'::text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.require_reason(p_reason text, p_code text, p_message text, p_hint text) OWNER TO kassa_owner;

CREATE FUNCTION internal.require_staff_action(claims json, p_action text) RETURNS void
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.require_staff_action(claims json, p_action text) OWNER TO kassa_owner;

CREATE FUNCTION internal.resend_webhook(p_tenant uuid, p_delivery uuid) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.resend_webhook(p_tenant uuid, p_delivery uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.reset_password(p_token_hash bytea, p_password_hash text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.reset_password(p_token_hash bytea, p_password_hash text) OWNER TO kassa_owner;

CREATE FUNCTION internal.resolve_debit_order_batch(p_tenant uuid, p_batch uuid, p_received boolean, p_reason text) RETURNS kassa.debit_order_batches
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.resolve_debit_order_batch(p_tenant uuid, p_batch uuid, p_received boolean, p_reason text) OWNER TO kassa_owner;

CREATE FUNCTION internal.resolve_payment_link(p_token text) RETURNS TABLE(state text, tenant_id uuid, link_id uuid, customer_id uuid, tenant_name text, invoice_id uuid, invoice_number text, amount_due bigint, currency text, due_on date, expires_at timestamp with time zone, locale text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.resolve_payment_link(p_token text) OWNER TO kassa_owner;

CREATE FUNCTION internal.resume_dunning(p_tenant_id uuid, p_pause_id uuid, p_actor text) RETURNS kassa.dunning_pauses
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.resume_dunning(p_tenant_id uuid, p_pause_id uuid, p_actor text) OWNER TO kassa_owner;

CREATE FUNCTION internal.revoke_api_key(p_tenant uuid, p_key uuid, p_actor text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.revoke_api_key(p_tenant uuid, p_key uuid, p_actor text) OWNER TO kassa_owner;

CREATE FUNCTION internal.revoke_login(p_tenant uuid, p_identity uuid, p_family uuid) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.revoke_login(p_tenant uuid, p_identity uuid, p_family uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.revoke_logins(p_tenant uuid, p_identity uuid, p_reason text) RETURNS integer
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.revoke_logins(p_tenant uuid, p_identity uuid, p_reason text) OWNER TO kassa_owner;

CREATE FUNCTION internal.rotate_payment_method_key(p_old text, p_new text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.rotate_payment_method_key(p_old text, p_new text) OWNER TO kassa_owner;

CREATE FUNCTION internal.rotate_webhook_secret(p_tenant uuid, p_endpoint uuid, p_overlap interval) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.rotate_webhook_secret(p_tenant uuid, p_endpoint uuid, p_overlap interval) OWNER TO kassa_owner;

CREATE FUNCTION internal.rows_of_visible(p_table regclass, p_parent regclass, p_key text) RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.rows_of_visible(p_table regclass, p_parent regclass, p_key text) OWNER TO kassa_owner;

CREATE FUNCTION internal.save_payment_method(p_method kassa.payment_methods, p_details jsonb, p_primary boolean) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.save_payment_method(p_method kassa.payment_methods, p_details jsonb, p_primary boolean) OWNER TO kassa_owner;

CREATE FUNCTION internal.save_service_transition(p_before kassa.services, p_after kassa.services, p_action text, p_reason text, p_on date) RETURNS kassa.services
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.save_service_transition(p_before kassa.services, p_after kassa.services, p_action text, p_reason text, p_on date) OWNER TO kassa_owner;

CREATE FUNCTION internal.send_document(p_tenant uuid, p_customer uuid, p_kind text, p_number text, p_url text, p_expires_at timestamp with time zone) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.send_document(p_tenant uuid, p_customer uuid, p_kind text, p_number text, p_url text, p_expires_at timestamp with time zone) OWNER TO kassa_owner;

CREATE FUNCTION internal.service_transition(p_tenant_id uuid, p_service_id uuid, p_action text, p_reason text, p_on date DEFAULT NULL::date, p_price_version_id uuid DEFAULT NULL::uuid, p_suspension_reason text DEFAULT 'service_suspended'::text) RETURNS kassa.services
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.service_transition(p_tenant_id uuid, p_service_id uuid, p_action text, p_reason text, p_on date, p_price_version_id uuid, p_suspension_reason text) OWNER TO kassa_owner;

CREATE FUNCTION internal.service_transition_once(p_tenant_id uuid, p_request_id text, p_service_id uuid, p_action text, p_reason text, p_on date, p_plan_version_id uuid DEFAULT NULL::uuid) RETURNS kassa.services
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.service_transition_once(p_tenant_id uuid, p_request_id text, p_service_id uuid, p_action text, p_reason text, p_on date, p_plan_version_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.services_reference(p_tenant_id uuid, p_service_ids uuid[]) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.services_reference(p_tenant_id uuid, p_service_ids uuid[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.set_credit_limit(p_tenant uuid, p_customer uuid, p_limit numeric, p_reason text, p_actor text) RETURNS kassa.credit_limits
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.set_credit_limit(p_tenant uuid, p_customer uuid, p_limit numeric, p_reason text, p_actor text) OWNER TO kassa_owner;

CREATE FUNCTION internal.set_dunning_schedule(p_tenant_id uuid, p_steps jsonb, p_tolerance bigint, p_actor text) RETURNS kassa.dunning_schedules
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.set_dunning_schedule(p_tenant_id uuid, p_steps jsonb, p_tolerance bigint, p_actor text) OWNER TO kassa_owner;

CREATE FUNCTION internal.set_message_preference(p_tenant uuid, p_customer uuid, p_kind text, p_channel text, p_enabled boolean) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.set_message_preference(p_tenant uuid, p_customer uuid, p_kind text, p_channel text, p_enabled boolean) OWNER TO kassa_owner;

CREATE FUNCTION internal.set_primary_payment_method(p_tenant uuid, p_method uuid, p_customer uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.set_primary_payment_method(p_tenant uuid, p_method uuid, p_customer uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.set_quiet_hours(p_tenant uuid, p_customer uuid, p_starts text, p_ends text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.set_quiet_hours(p_tenant uuid, p_customer uuid, p_starts text, p_ends text) OWNER TO kassa_owner;

CREATE FUNCTION internal.set_tenant_signup_mode(p_tenant text, p_mode text) RETURNS kassa.tenants
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.set_tenant_signup_mode(p_tenant text, p_mode text) OWNER TO kassa_owner;

CREATE FUNCTION internal.set_tenant_smtp_profile(p_tenant text, p_profile text) RETURNS kassa.tenants
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.set_tenant_smtp_profile(p_tenant text, p_profile text) OWNER TO kassa_owner;

CREATE FUNCTION internal.set_tenant_status(p_tenant text, p_status text) RETURNS kassa.tenants
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.set_tenant_status(p_tenant text, p_status text) OWNER TO kassa_owner;

CREATE FUNCTION internal.set_ticket_status(p_tenant uuid, p_customer uuid, p_ticket uuid, p_status text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.set_ticket_status(p_tenant uuid, p_customer uuid, p_ticket uuid, p_status text) OWNER TO kassa_owner;

CREATE FUNCTION internal.settle_auto_topup(pay kassa.payments) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.settle_auto_topup(pay kassa.payments) OWNER TO kassa_owner;

CREATE FUNCTION internal.settle_credit_note(p_invoice kassa.invoices, p_note kassa.credit_notes) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.settle_credit_note(p_invoice kassa.invoices, p_note kassa.credit_notes) OWNER TO kassa_owner;

CREATE FUNCTION internal.spread_in_proportion(p_amount bigint, p_weights bigint[]) RETURNS bigint[]
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.spread_in_proportion(p_amount bigint, p_weights bigint[]) OWNER TO kassa_owner;

CREATE FUNCTION internal.staff_dashboard(p_tenant_id uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.staff_dashboard(p_tenant_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.staff_money_request(p_operation text, p_request_id text, p_call jsonb) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.staff_money_request(p_operation text, p_request_id text, p_call jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.staff_role_matrix() RETURNS TABLE(action text, roles text[])
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.staff_role_matrix() OWNER TO kassa_owner;

CREATE FUNCTION internal.staff_role_of(claims json) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.staff_role_of(claims json) OWNER TO kassa_owner;

CREATE FUNCTION internal.start_job_run(p_job text, p_as_of date, p_tenant uuid, OUT id bigint, OUT public_id uuid) RETURNS record
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.start_job_run(p_job text, p_as_of date, p_tenant uuid, OUT id bigint, OUT public_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.start_login(p_tenant uuid, p_identity uuid, p_token_hash bytea, p_user_agent text, p_valid interval, p_totp_step bigint) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.start_login(p_tenant uuid, p_identity uuid, p_token_hash bytea, p_user_agent text, p_valid interval, p_totp_step bigint) OWNER TO kassa_owner;

CREATE FUNCTION internal.start_queued_job_run(p_run bigint) RETURNS uuid
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.start_queued_job_run(p_run bigint) OWNER TO kassa_owner;

CREATE FUNCTION internal.start_row_count() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.start_row_count() OWNER TO kassa_owner;

CREATE FUNCTION internal.statement(p_tenant_id uuid, p_customer_id uuid, p_from date, p_to date) RETURNS TABLE(tenant_id uuid, customer_id uuid, account_number text, entry_id uuid, entry_no bigint, posted_on date, kind text, source_type text, source_id text, description text, opening_balance bigint, amount bigint, balance bigint, currency character)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.statement(p_tenant_id uuid, p_customer_id uuid, p_from date, p_to date) OWNER TO kassa_owner;

CREATE FUNCTION internal.statement_customer(p_customer uuid) RETURNS uuid
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.statement_customer(p_customer uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.statement_source(p_tenant uuid, p_customer uuid, p_from date, p_to date) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.statement_source(p_tenant uuid, p_customer uuid, p_from date, p_to date) OWNER TO kassa_owner;

CREATE FUNCTION internal.store_document(p_tenant uuid, p_kind text, p_source uuid, p_variant text, p_format text, p_content bytea, p_sha256 text, p_renderer text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.store_document(p_tenant uuid, p_kind text, p_source uuid, p_variant text, p_format text, p_content bytea, p_sha256 text, p_renderer text) OWNER TO kassa_owner;

CREATE FUNCTION internal.stripe_checkout_completed(p_session jsonb) RETURNS text
    LANGUAGE plpgsql
    AS $$…$$;

ALTER FUNCTION internal.stripe_checkout_completed(p_session jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.stripe_event(p_event jsonb) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.stripe_event(p_event jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.stripe_payment(p_object jsonb, p_intent text) RETURNS kassa.payments
    LANGUAGE plpgsql STABLE
    AS $$…$$;

ALTER FUNCTION internal.stripe_payment(p_object jsonb, p_intent text) OWNER TO kassa_owner;

CREATE FUNCTION internal.stripe_payment_event(p_type text, p_object jsonb) RETURNS text
    LANGUAGE plpgsql
    AS $$…$$;

ALTER FUNCTION internal.stripe_payment_event(p_type text, p_object jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.subscribe_push(p_tenant uuid, p_customer uuid, p_endpoint text, p_p256dh text, p_auth text, p_user_agent text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.subscribe_push(p_tenant uuid, p_customer uuid, p_endpoint text, p_p256dh text, p_auth text, p_user_agent text) OWNER TO kassa_owner;

CREATE FUNCTION internal.supplier_snapshot(p_tenant_id uuid) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.supplier_snapshot(p_tenant_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.sweep_request_counts() RETURNS integer
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.sweep_request_counts() OWNER TO kassa_owner;

CREATE FUNCTION internal.sync_stripe_refunds(p_tenant uuid, p_payment uuid, p_charge text, p_refunded_total bigint, p_reason text, p_raw jsonb DEFAULT '{}'::jsonb) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.sync_stripe_refunds(p_tenant uuid, p_payment uuid, p_charge text, p_refunded_total bigint, p_reason text, p_raw jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.tenant_rows(p_column text DEFAULT 'tenant_id'::text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.tenant_rows(p_column text) OWNER TO kassa_owner;

CREATE FUNCTION internal.tenant_today(p_tenant uuid) RETURNS date
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.tenant_today(p_tenant uuid) OWNER TO kassa_owner;

CREATE TABLE kassa.webhook_endpoints (
    tenant_id uuid NOT NULL,
    id bigint NOT NULL,
    public_id uuid DEFAULT gen_random_uuid() NOT NULL,
    url text NOT NULL,
    description text,
    event_kinds text[] DEFAULT '{}'::text[] NOT NULL,
    enabled boolean DEFAULT true NOT NULL,
    disabled_reason text,
    disabled_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT webhook_endpoints_description_max_length CHECK ((char_length(description) <= 500)),
    CONSTRAINT webhook_endpoints_disabled_has_reason CHECK ((enabled = ((disabled_reason IS NULL) AND (disabled_at IS NULL)))),
    CONSTRAINT webhook_endpoints_disabled_reason_known CHECK ((disabled_reason = ANY (ARRAY['staff'::text, 'gone'::text, 'failing'::text]))),
    CONSTRAINT webhook_endpoints_event_kinds_format CHECK (((to_jsonb(event_kinds))::text ~ '^\[("[a-z_]{1,64}"(, "[a-z_]{1,64}")*)?\]$'::text)),
    CONSTRAINT webhook_endpoints_event_kinds_max CHECK ((cardinality(event_kinds) <= 100)),
    CONSTRAINT webhook_endpoints_event_kinds_max_length CHECK ((char_length(array_to_string(event_kinds, ' '::text)) <= 6500)),
    CONSTRAINT webhook_endpoints_url_max_length CHECK ((char_length(url) <= 2000))
);

ALTER TABLE kassa.webhook_endpoints OWNER TO kassa_owner;

CREATE FUNCTION internal.tenant_webhook_endpoint(p_tenant uuid, p_endpoint uuid) RETURNS kassa.webhook_endpoints
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.tenant_webhook_endpoint(p_tenant uuid, p_endpoint uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.tenant_year(p_tenant uuid) RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.tenant_year(p_tenant uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.ticket_file(p_attachment uuid) RETURNS bytea
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.ticket_file(p_attachment uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.ticket_file_signature(p_content_type text) RETURNS bytea
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.ticket_file_signature(p_content_type text) OWNER TO kassa_owner;

CREATE FUNCTION internal.top_up_bonus(p_tenant uuid, p_amount bigint) RETURNS bigint
    LANGUAGE plpgsql STABLE
    AS $$…$$;

ALTER FUNCTION internal.top_up_bonus(p_tenant uuid, p_amount bigint) OWNER TO kassa_owner;

CREATE FUNCTION internal.top_up_limits(p_tenant uuid, OUT min_top_up bigint, OUT max_top_up bigint) RETURNS record
    LANGUAGE plpgsql STABLE
    AS $$…$$;

ALTER FUNCTION internal.top_up_limits(p_tenant uuid, OUT min_top_up bigint, OUT max_top_up bigint) OWNER TO kassa_owner;

CREATE FUNCTION internal.unlink_oidc_subject(p_tenant uuid, p_provider uuid, p_subject text, p_actor text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.unlink_oidc_subject(p_tenant uuid, p_provider uuid, p_subject text, p_actor text) OWNER TO kassa_owner;

CREATE FUNCTION internal.unsubscribe(p_tenant uuid, p_customer uuid, p_kind text, p_channel text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.unsubscribe(p_tenant uuid, p_customer uuid, p_kind text, p_channel text) OWNER TO kassa_owner;

CREATE FUNCTION internal.unsubscribe_push(p_tenant uuid, p_customer uuid, p_subscription uuid) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.unsubscribe_push(p_tenant uuid, p_customer uuid, p_subscription uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.update_webhook_endpoint(p_tenant uuid, p_endpoint uuid, p_url text, p_event_kinds text[], p_description text, p_enabled boolean) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.update_webhook_endpoint(p_tenant uuid, p_endpoint uuid, p_url text, p_event_kinds text[], p_description text, p_enabled boolean) OWNER TO kassa_owner;

CREATE FUNCTION internal.usage_meter(p_unit text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$…$$;

ALTER FUNCTION internal.usage_meter(p_unit text) OWNER TO kassa_owner;

CREATE FUNCTION internal.usage_steps(p_used bigint, p_allowance bigint, p_step bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$…$$;

ALTER FUNCTION internal.usage_steps(p_used bigint, p_allowance bigint, p_step bigint) OWNER TO kassa_owner;

CREATE FUNCTION internal.use_api_key(p_key uuid, p_hash bytea) RETURNS TABLE(outcome text, tenant_id uuid, id uuid, staff_role text, customer_id uuid, expires_at timestamp with time zone)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.use_api_key(p_key uuid, p_hash bytea) OWNER TO kassa_owner;

CREATE FUNCTION internal.use_link(l kassa.login_links) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.use_link(l kassa.login_links) OWNER TO kassa_owner;

CREATE FUNCTION internal.use_payment_link(p_tenant_id uuid, p_link_id uuid, p_payment_id uuid) RETURNS boolean
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.use_payment_link(p_tenant_id uuid, p_link_id uuid, p_payment_id uuid) OWNER TO kassa_owner;

CREATE FUNCTION internal.use_totp_step(p_tenant uuid, p_identity uuid, p_step bigint) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.use_totp_step(p_tenant uuid, p_identity uuid, p_step bigint) OWNER TO kassa_owner;

CREATE FUNCTION internal.vat_of(p_amount numeric, p_rate numeric, p_includes_vat boolean) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.vat_of(p_amount numeric, p_rate numeric, p_includes_vat boolean) OWNER TO kassa_owner;

CREATE FUNCTION internal.verify_signup(p_token_hash bytea) RETURNS TABLE(outcome text, tenant_id uuid, identity_id uuid, customer_id uuid)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.verify_signup(p_token_hash bytea) OWNER TO kassa_owner;

CREATE FUNCTION internal.view_key(base regclass, renamed jsonb) RETURNS TABLE(base_column text, view_column text)
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.view_key(base regclass, renamed jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.void_invoice(p_tenant_id uuid, p_invoice_id uuid, p_reason text, p_issued_on date) RETURNS kassa.invoices
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.void_invoice(p_tenant_id uuid, p_invoice_id uuid, p_reason text, p_issued_on date) OWNER TO kassa_owner;

CREATE FUNCTION internal.wake_event_consumers() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.wake_event_consumers() OWNER TO kassa_owner;

CREATE FUNCTION internal.wants_message(p_preference boolean, p_channel text, p_mandatory boolean) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.wants_message(p_preference boolean, p_channel text, p_mandatory boolean) OWNER TO kassa_owner;

CREATE FUNCTION internal.webhook_endpoint_json(e kassa.webhook_endpoints) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.webhook_endpoint_json(e kassa.webhook_endpoints) OWNER TO kassa_owner;

CREATE FUNCTION internal.without_personal_data(p_row jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.without_personal_data(p_row jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.write_by_key(api_view regclass, base regclass, renamed jsonb DEFAULT '{}'::jsonb) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.write_by_key(api_view regclass, base regclass, renamed jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.write_credit_note(p_invoice kassa.invoices, p_reason text, p_settlement text, p_issued_on date, p_request jsonb, p_vat jsonb) RETURNS kassa.credit_notes
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.write_credit_note(p_invoice kassa.invoices, p_reason text, p_settlement text, p_issued_on date, p_request jsonb, p_vat jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.write_off_invoice(p_tenant_id uuid, p_invoice_id uuid, p_reason text, p_issued_on date) RETURNS kassa.credit_notes
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.write_off_invoice(p_tenant_id uuid, p_invoice_id uuid, p_reason text, p_issued_on date) OWNER TO kassa_owner;

CREATE FUNCTION internal.write_off_lines(p_invoice kassa.invoices, p_vat jsonb) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.write_off_lines(p_invoice kassa.invoices, p_vat jsonb) OWNER TO kassa_owner;

CREATE FUNCTION internal.write_off_vat(p_invoice kassa.invoices) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.write_off_vat(p_invoice kassa.invoices) OWNER TO kassa_owner;

CREATE FUNCTION internal.write_one_row() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.write_one_row() OWNER TO kassa_owner;

CREATE FUNCTION internal.write_ticket_message(p_ticket kassa.tickets, p_by_customer boolean, p_actor text, p_body text, p_internal boolean, p_files jsonb) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION internal.write_ticket_message(p_ticket kassa.tickets, p_by_customer boolean, p_actor text, p_body text, p_internal boolean, p_files jsonb) OWNER TO kassa_owner;

CREATE FUNCTION kassa.hand_over_objects(new_owner name) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$…$$;

ALTER FUNCTION kassa.hand_over_objects(new_owner name) OWNER TO kassa_owner;

CREATE TABLE kassa.api_keys (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name text NOT NULL,
    staff_role text,
    customer_id uuid,
    secret_hash bytea NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    last_used_at timestamp with time zone,
    created_by text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    revoked_at timestamp with time zone,
    CONSTRAINT api_keys_created_by_max_length CHECK ((char_length(created_by) <= 200)),
    CONSTRAINT api_keys_name_length CHECK (((char_length(name) <= 200) AND (btrim(name) <> ''::text))),
    CONSTRAINT api_keys_one_subject CHECK ((num_nonnulls(staff_role, customer_id) = 1)),
    CONSTRAINT api_keys_secret_hash_sha256 CHECK ((length(secret_hash) = 32)),
    CONSTRAINT api_keys_staff_role_known CHECK ((staff_role = ANY (ARRAY['admin'::text, 'billing'::text, 'support'::text, 'viewer'::text])))
);

ALTER TABLE kassa.api_keys OWNER TO kassa_owner;

CREATE VIEW api.api_keys WITH (security_invoker='true') AS
 SELECT k.tenant_id,
    k.id,
    k.name,
    ('kassa_'::text || replace((k.id)::text, '-'::text, ''::text)) AS prefix,
    k.staff_role,
    k.customer_id,
    internal.api_key_status(k.revoked_at, k.expires_at) AS status,
    k.expires_at,
    k.last_used_at,
    k.created_by,
    k.created_at,
    k.revoked_at
   FROM kassa.api_keys k;

ALTER TABLE api.api_keys OWNER TO kassa_owner;

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
    public_id uuid DEFAULT gen_random_uuid() NOT NULL,
    transaction_id uuid NOT NULL,
    CONSTRAINT log_operation_check CHECK ((operation = ANY (ARRAY['INSERT'::text, 'UPDATE'::text, 'DELETE'::text])))
);

ALTER TABLE audit.log OWNER TO kassa_owner;

CREATE VIEW api.audit_log WITH (security_invoker='true') AS
 SELECT log.public_id AS id,
    log.tenant_id,
    log.table_name,
    log.row_key,
    log.operation,
    log.old_row,
    log.new_row,
    log.actor_sub,
    log.actor_role,
    log.db_user,
    log.transaction_id,
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
    CONSTRAINT auto_topups_amount_positive CHECK ((amount > 0)),
    CONSTRAINT auto_topups_disabled_reason_max_length CHECK ((char_length(disabled_reason) <= 500))
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
    CONSTRAINT balance_adjustments_created_by_max_length CHECK ((char_length(created_by) <= 200)),
    CONSTRAINT balance_adjustments_reason_max_length CHECK ((char_length(reason) <= 500)),
    CONSTRAINT balance_adjustments_reason_not_blank CHECK ((reason ~ '[^[:space:]\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]'::text))
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
    tenants.proration_mode,
    tenants.date_window_back_days,
    tenants.date_window_forward_days,
    tenants.usage_warning_percents
   FROM kassa.tenants;

ALTER TABLE api.billing_settings OWNER TO kassa_owner;

CREATE TABLE kassa.bonus_tiers (
    tenant_id uuid DEFAULT (((NULLIF(current_setting('request.jwt.claims'::text, true), ''::text))::json ->> 'tenant_id'::text))::uuid NOT NULL,
    min_amount bigint NOT NULL,
    percent numeric(5,2) NOT NULL,
    CONSTRAINT bonus_tiers_min_amount_positive CHECK ((min_amount > 0)),
    CONSTRAINT bonus_tiers_percent_finite CHECK ((percent <> ALL (ARRAY['NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric]))),
    CONSTRAINT bonus_tiers_percent_range CHECK (((percent > (0)::numeric) AND (percent <= (100)::numeric)))
);

ALTER TABLE kassa.bonus_tiers OWNER TO kassa_owner;

CREATE VIEW api.bonus_tiers WITH (security_invoker='true') AS
 SELECT bonus_tiers.tenant_id,
    bonus_tiers.min_amount,
    bonus_tiers.percent
   FROM kassa.bonus_tiers;

ALTER TABLE api.bonus_tiers OWNER TO kassa_owner;

CREATE VIEW api.credit_limits WITH (security_invoker='true') AS
 SELECT credit_limits.tenant_id,
    credit_limits.customer_id,
    credit_limits.credit_limit,
    credit_limits.reason,
    credit_limits.set_by,
    credit_limits.set_at
   FROM kassa.credit_limits;

ALTER TABLE api.credit_limits OWNER TO kassa_owner;

CREATE TABLE kassa.credit_note_lines (
    tenant_id uuid NOT NULL,
    credit_note_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    invoice_line_id uuid NOT NULL,
    description text NOT NULL,
    amount bigint NOT NULL,
    vat_rate numeric(5,2) NOT NULL,
    CONSTRAINT credit_note_lines_amount_not_zero CHECK ((amount <> 0)),
    CONSTRAINT credit_note_lines_description_max_length CHECK ((char_length(description) <= 500)),
    CONSTRAINT credit_note_lines_vat_rate_finite CHECK ((vat_rate <> ALL (ARRAY['NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric])))
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
    vat_code text NOT NULL,
    exemption_reason text,
    exemption_code text,
    CONSTRAINT credit_note_vat_totals_add_up CHECK ((gross = (net + vat))),
    CONSTRAINT credit_note_vat_totals_exemption_code_max_length CHECK ((char_length(exemption_code) <= 30)),
    CONSTRAINT credit_note_vat_totals_exemption_reason_max_length CHECK ((char_length(exemption_reason) <= 500)),
    CONSTRAINT credit_note_vat_totals_vat_category_max_length CHECK ((char_length(vat_category) <= 32)),
    CONSTRAINT credit_note_vat_totals_vat_code_known CHECK ((vat_code = ANY (ARRAY['S'::text, 'Z'::text, 'E'::text, 'AE'::text, 'K'::text, 'G'::text, 'O'::text, 'L'::text, 'M'::text]))),
    CONSTRAINT credit_note_vat_totals_vat_rate_finite CHECK ((vat_rate <> ALL (ARRAY['NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric])))
);

ALTER TABLE kassa.credit_note_vat_totals OWNER TO kassa_owner;

CREATE VIEW api.credit_note_vat_breakdown WITH (security_invoker='true') AS
 SELECT credit_note_vat_totals.tenant_id,
    credit_note_vat_totals.credit_note_id,
    credit_note_vat_totals.vat_category,
    credit_note_vat_totals.vat_rate,
    credit_note_vat_totals.net,
    credit_note_vat_totals.vat,
    credit_note_vat_totals.gross,
    credit_note_vat_totals.vat_code,
    credit_note_vat_totals.exemption_reason,
    credit_note_vat_totals.exemption_code
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
    c.street,
    c.postcode,
    c.city,
    c.country,
    c.vat_number,
    c.buyer_reference,
    c.locale,
    c.auto_pay,
    c.created_at,
    c.closed_at,
    c.anonymised_at,
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

CREATE TABLE kassa.datev_debtor_accounts (
    tenant_id uuid DEFAULT (((NULLIF(current_setting('request.jwt.claims'::text, true), ''::text))::json ->> 'tenant_id'::text))::uuid NOT NULL,
    customer_id uuid NOT NULL,
    account bigint NOT NULL,
    CONSTRAINT datev_debtor_accounts_account_positive CHECK ((account > 0))
);

ALTER TABLE kassa.datev_debtor_accounts OWNER TO kassa_owner;

CREATE VIEW api.datev_debtor_accounts WITH (security_invoker='true') AS
 SELECT datev_debtor_accounts.tenant_id,
    datev_debtor_accounts.customer_id,
    datev_debtor_accounts.account
   FROM kassa.datev_debtor_accounts;

ALTER TABLE api.datev_debtor_accounts OWNER TO kassa_owner;

CREATE TABLE kassa.datev_revenue_accounts (
    tenant_id uuid DEFAULT (((NULLIF(current_setting('request.jwt.claims'::text, true), ''::text))::json ->> 'tenant_id'::text))::uuid NOT NULL,
    vat_category text NOT NULL,
    vat_rate numeric(5,2) NOT NULL,
    account bigint NOT NULL,
    tax_key text,
    CONSTRAINT datev_revenue_accounts_account_positive CHECK ((account > 0)),
    CONSTRAINT datev_revenue_accounts_tax_key_format CHECK ((tax_key ~ '^[0-9]{1,4}$'::text)),
    CONSTRAINT datev_revenue_accounts_tax_key_max_length CHECK ((char_length(tax_key) <= 4)),
    CONSTRAINT datev_revenue_accounts_vat_category_max_length CHECK ((char_length(vat_category) <= 32)),
    CONSTRAINT datev_revenue_accounts_vat_rate_finite CHECK ((vat_rate <> ALL (ARRAY['NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric]))),
    CONSTRAINT datev_revenue_accounts_vat_rate_range CHECK (((vat_rate >= (0)::numeric) AND (vat_rate < (100)::numeric)))
);

ALTER TABLE kassa.datev_revenue_accounts OWNER TO kassa_owner;

CREATE VIEW api.datev_revenue_accounts WITH (security_invoker='true') AS
 SELECT datev_revenue_accounts.tenant_id,
    datev_revenue_accounts.vat_category,
    datev_revenue_accounts.vat_rate,
    datev_revenue_accounts.account,
    datev_revenue_accounts.tax_key
   FROM kassa.datev_revenue_accounts;

ALTER TABLE api.datev_revenue_accounts OWNER TO kassa_owner;

CREATE VIEW api.datev_settings WITH (security_invoker='true') AS
 SELECT datev_settings.tenant_id,
    datev_settings.chart,
    datev_settings.consultant_number,
    datev_settings.client_number,
    datev_settings.account_length,
    datev_settings.fiscal_year_start,
    datev_settings.debtor_account,
    datev_settings.bank_account,
    datev_settings.cash_account
   FROM kassa.datev_settings;

ALTER TABLE api.datev_settings OWNER TO kassa_owner;

CREATE VIEW api.debit_order_batches WITH (security_invoker='true') AS
 SELECT b.id,
    b.tenant_id,
    b.submission_date,
    b.action_date,
    b.service,
    b.name,
    b.status,
    b.load_status,
    b.error,
    b.resolution,
    b.created_at,
    b.updated_at
   FROM kassa.debit_order_batches b;

ALTER TABLE api.debit_order_batches OWNER TO kassa_owner;

CREATE TABLE kassa.debit_order_items (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    batch_id uuid NOT NULL,
    submission_date date NOT NULL,
    invoice_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    payment_method_id uuid NOT NULL,
    payment_id uuid NOT NULL,
    account_reference text NOT NULL,
    amount bigint NOT NULL,
    presentation integer NOT NULL,
    line integer,
    status text DEFAULT 'pending'::text NOT NULL,
    reason_code integer,
    reason text,
    retry_allowed boolean DEFAULT false NOT NULL,
    paid_ref text,
    reversal_ref text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    settled_at timestamp with time zone,
    retry_step integer,
    CONSTRAINT debit_order_items_account_reference_max_length CHECK ((char_length(account_reference) <= 22)),
    CONSTRAINT debit_order_items_amount_positive CHECK ((amount > 0)),
    CONSTRAINT debit_order_items_paid_ref_max_length CHECK ((char_length(paid_ref) <= 100)),
    CONSTRAINT debit_order_items_presentation_range CHECK (((presentation >= 1) AND (presentation <= 3))),
    CONSTRAINT debit_order_items_reason_max_length CHECK ((char_length(reason) <= 500)),
    CONSTRAINT debit_order_items_retry_step_allowed CHECK (((retry_step IS NULL) OR retry_allowed)),
    CONSTRAINT debit_order_items_reversal_ref_max_length CHECK ((char_length(reversal_ref) <= 100)),
    CONSTRAINT debit_order_items_status_known CHECK ((status = ANY (ARRAY['pending'::text, 'submitted'::text, 'rejected'::text, 'paid'::text, 'unpaid'::text, 'disputed'::text])))
);

ALTER TABLE kassa.debit_order_items OWNER TO kassa_owner;

CREATE VIEW api.debit_order_items WITH (security_invoker='true') AS
 SELECT d.id,
    d.tenant_id,
    d.batch_id,
    d.submission_date,
    d.invoice_id,
    d.customer_id,
    d.payment_method_id,
    d.payment_id,
    d.amount,
    d.presentation,
    d.status,
    d.reason_code,
    d.reason,
    d.retry_allowed,
    d.retry_step,
    d.created_at,
    d.settled_at
   FROM kassa.debit_order_items d;

ALTER TABLE api.debit_order_items OWNER TO kassa_owner;

CREATE TABLE kassa.document_settings (
    tenant_id uuid DEFAULT (((NULLIF(current_setting('request.jwt.claims'::text, true), ''::text))::json ->> 'tenant_id'::text))::uuid NOT NULL,
    logo text,
    accent_colour text DEFAULT '#1a5fb4'::text NOT NULL,
    CONSTRAINT document_settings_accent_colour_format CHECK (((char_length(accent_colour) = 7) AND (accent_colour ~ '^#[0-9a-fA-F]+$'::text))),
    CONSTRAINT document_settings_logo_format CHECK (((logo ~ '^data:image/(png|jpeg|svg\+xml);base64,[A-Za-z0-9+/=]+$'::text) AND (char_length(logo) <= 400000)))
);

ALTER TABLE kassa.document_settings OWNER TO kassa_owner;

CREATE VIEW api.document_settings WITH (security_invoker='true') AS
 SELECT document_settings.tenant_id,
    document_settings.logo,
    document_settings.accent_colour
   FROM kassa.document_settings;

ALTER TABLE api.document_settings OWNER TO kassa_owner;

CREATE TABLE kassa.documents (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    customer_id uuid NOT NULL,
    kind text NOT NULL,
    source_id uuid NOT NULL,
    variant text NOT NULL,
    format text NOT NULL,
    content bytea NOT NULL,
    sha256 text NOT NULL,
    renderer text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT documents_content_size CHECK (((octet_length(content) >= 1) AND (octet_length(content) <= 20000000))),
    CONSTRAINT documents_format_known CHECK ((format = ANY (ARRAY['pdf'::text, 'xml'::text]))),
    CONSTRAINT documents_kind_known CHECK ((kind = ANY (ARRAY['invoice'::text, 'credit_note'::text, 'receipt'::text]))),
    CONSTRAINT documents_renderer_length CHECK (((char_length(renderer) >= 1) AND (char_length(renderer) <= 200))),
    CONSTRAINT documents_sha256_format CHECK (((char_length(sha256) = 64) AND (sha256 ~ '^[0-9a-f]+$'::text))),
    CONSTRAINT documents_variant_known CHECK ((variant = ANY (ARRAY['original'::text, 'copy'::text])))
);

ALTER TABLE kassa.documents OWNER TO kassa_owner;

CREATE VIEW api.documents WITH (security_invoker='true') AS
 SELECT documents.id,
    documents.tenant_id,
    documents.customer_id,
    documents.kind,
    documents.source_id,
    documents.variant,
    documents.format,
    documents.sha256,
    octet_length(documents.content) AS size,
    documents.renderer,
    documents.created_at
   FROM kassa.documents;

ALTER TABLE api.documents OWNER TO kassa_owner;

CREATE VIEW api.dunning_pauses WITH (security_invoker='true') AS
 SELECT dunning_pauses.id,
    dunning_pauses.tenant_id,
    dunning_pauses.customer_id,
    dunning_pauses.invoice_id,
    dunning_pauses.reason,
    dunning_pauses.until,
    dunning_pauses.actor,
    dunning_pauses.created_at,
    dunning_pauses.ended_at,
    dunning_pauses.ended_by
   FROM kassa.dunning_pauses;

ALTER TABLE api.dunning_pauses OWNER TO kassa_owner;

CREATE VIEW api.dunning_schedules WITH (security_invoker='true') AS
 SELECT dunning_schedules.tenant_id,
    dunning_schedules.version,
    dunning_schedules.valid_from,
    dunning_schedules.tolerance,
    dunning_schedules.created_by,
    dunning_schedules.created_at
   FROM kassa.dunning_schedules;

ALTER TABLE api.dunning_schedules OWNER TO kassa_owner;

CREATE TABLE kassa.dunning_steps (
    tenant_id uuid NOT NULL,
    schedule_version integer NOT NULL,
    day_offset integer NOT NULL,
    kind text NOT NULL,
    fee bigint DEFAULT 0 NOT NULL,
    retry boolean DEFAULT false NOT NULL,
    CONSTRAINT dunning_steps_day_offset_range CHECK (((day_offset >= '-90'::integer) AND (day_offset <= 365))),
    CONSTRAINT dunning_steps_fee_range CHECK (((fee >= 0) AND (fee <= 100000000))),
    CONSTRAINT dunning_steps_kind_known CHECK ((kind = ANY (ARRAY['reminder'::text, 'notice'::text, 'suspend'::text, 'final'::text]))),
    CONSTRAINT dunning_steps_retry_after_due CHECK (((NOT retry) OR (day_offset > 0)))
);

ALTER TABLE kassa.dunning_steps OWNER TO kassa_owner;

CREATE VIEW api.dunning_steps WITH (security_invoker='true') AS
 SELECT dunning_steps.tenant_id,
    dunning_steps.schedule_version,
    dunning_steps.day_offset,
    dunning_steps.kind,
    dunning_steps.fee,
    dunning_steps.retry
   FROM kassa.dunning_steps;

ALTER TABLE api.dunning_steps OWNER TO kassa_owner;

CREATE VIEW api.identities WITH (security_invoker='true') AS
 SELECT identities.tenant_id,
    identities.id,
    identities.email,
    identities.email_verified_at,
    identities.customer_id,
    identities.staff_user_id,
    (identities.totp_enabled_at IS NOT NULL) AS totp_enabled,
    identities.last_login_at,
    identities.created_at
   FROM kassa.identities;

ALTER TABLE api.identities OWNER TO kassa_owner;

CREATE VIEW api.invoice_allocations WITH (security_invoker='true') AS
 SELECT invoice_allocations.public_id AS id,
    invoice_allocations.tenant_id,
    invoice_allocations.invoice_id,
    invoice_allocations.customer_id,
    invoice_allocations.amount,
    invoice_allocations.source_type,
    invoice_allocations.source_id,
    invoice_allocations.created_at
   FROM kassa.invoice_allocations;

ALTER TABLE api.invoice_allocations OWNER TO kassa_owner;

CREATE TABLE kassa.invoice_dunning (
    tenant_id uuid NOT NULL,
    invoice_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    schedule_version integer NOT NULL,
    entered_on date NOT NULL,
    last_step integer,
    last_step_on date
);

ALTER TABLE kassa.invoice_dunning OWNER TO kassa_owner;

CREATE VIEW api.invoice_dunning WITH (security_invoker='true') AS
 SELECT invoice_dunning.tenant_id,
    invoice_dunning.invoice_id,
    invoice_dunning.customer_id,
    invoice_dunning.schedule_version,
    invoice_dunning.entered_on,
    invoice_dunning.last_step,
    invoice_dunning.last_step_on
   FROM kassa.invoice_dunning;

ALTER TABLE api.invoice_dunning OWNER TO kassa_owner;

CREATE TABLE kassa.invoice_dunning_steps (
    tenant_id uuid NOT NULL,
    invoice_id uuid NOT NULL,
    step integer NOT NULL,
    kind text NOT NULL,
    outcome text NOT NULL,
    customer_id uuid NOT NULL,
    as_of date NOT NULL,
    notification_id bigint,
    actor text NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT invoice_dunning_steps_actor_length CHECK ((char_length(actor) <= 200)),
    CONSTRAINT invoice_dunning_steps_kind_known CHECK ((kind = ANY (ARRAY['reminder'::text, 'notice'::text, 'suspend'::text, 'final'::text]))),
    CONSTRAINT invoice_dunning_steps_outcome_known CHECK ((outcome = ANY (ARRAY['taken'::text, 'skipped'::text])))
);

ALTER TABLE kassa.invoice_dunning_steps OWNER TO kassa_owner;

CREATE VIEW api.invoice_dunning_steps WITH (security_invoker='true') AS
 SELECT invoice_dunning_steps.tenant_id,
    invoice_dunning_steps.invoice_id,
    invoice_dunning_steps.customer_id,
    invoice_dunning_steps.step,
    invoice_dunning_steps.kind,
    invoice_dunning_steps.outcome,
    invoice_dunning_steps.as_of,
    invoice_dunning_steps.at
   FROM kassa.invoice_dunning_steps;

ALTER TABLE api.invoice_dunning_steps OWNER TO kassa_owner;

CREATE VIEW api.invoice_vat_breakdown WITH (security_invoker='true') AS
 SELECT i.tenant_id,
    i.id AS invoice_id,
    b.vat_category,
    b.vat_rate,
    b.net,
    b.vat,
    b.gross,
    b.vat_code,
    b.exemption_reason,
    b.exemption_code
   FROM (kassa.invoices i
     CROSS JOIN LATERAL ( SELECT f.vat_category,
            f.vat_rate,
            f.net,
            f.vat,
            f.gross,
            f.vat_code,
            f.exemption_reason,
            f.exemption_code
           FROM jsonb_to_recordset(i.vat_breakdown) f(vat_category text, vat_rate numeric, net bigint, vat bigint, gross bigint, vat_code text, exemption_reason text, exemption_code text)
        UNION ALL
         SELECT l.vat_category,
            l.vat_rate,
            l.net,
            l.vat,
            l.gross,
            l.vat_code,
            l.exemption_reason,
            l.exemption_code
           FROM internal.invoice_vat_breakdown(i.tenant_id, ARRAY[i.id]) l(invoice_id, vat_category, vat_rate, net, vat, gross, vat_code, exemption_reason, exemption_code)
          WHERE (i.vat_breakdown IS NULL)) b);

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
    public_id uuid DEFAULT gen_random_uuid() NOT NULL,
    CONSTRAINT job_runs_job_max_length CHECK ((char_length(job) <= 64)),
    CONSTRAINT job_runs_origin_known CHECK ((origin = ANY (ARRAY['manual'::text, 'schedule'::text, 'staff'::text]))),
    CONSTRAINT job_runs_origin_max_length CHECK ((char_length(origin) <= 32)),
    CONSTRAINT job_runs_slot_is_scheduled CHECK (((slot IS NOT NULL) = (origin = 'schedule'::text))),
    CONSTRAINT job_runs_status_known CHECK ((status = ANY (ARRAY['queued'::text, 'running'::text, 'succeeded'::text, 'failed'::text, 'skipped'::text]))),
    CONSTRAINT job_runs_status_max_length CHECK ((char_length(status) <= 32))
);

ALTER TABLE kassa.job_runs OWNER TO kassa_owner;

CREATE VIEW api.job_runs WITH (security_invoker='true') AS
 SELECT job_runs.public_id AS id,
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
 SELECT ledger_entries.public_id AS id,
    ledger_entries.tenant_id,
    ledger_entries.customer_id,
    ledger_entries.entry_no,
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

CREATE TABLE kassa.legacy_ids (
    tenant_id uuid NOT NULL,
    kind text NOT NULL,
    legacy_id text NOT NULL,
    kassa_id uuid NOT NULL,
    imported_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT legacy_ids_kind_known CHECK ((kind = ANY (ARRAY['customer'::text, 'service'::text, 'balance'::text, 'invoice'::text, 'mandate'::text]))),
    CONSTRAINT legacy_ids_legacy_id_length CHECK (((char_length(legacy_id) >= 1) AND (char_length(legacy_id) <= 100)))
);

ALTER TABLE kassa.legacy_ids OWNER TO kassa_owner;

CREATE VIEW api.legacy_ids WITH (security_invoker='true') AS
 SELECT legacy_ids.tenant_id,
    legacy_ids.kind,
    legacy_ids.legacy_id,
    legacy_ids.kassa_id,
    legacy_ids.imported_at
   FROM kassa.legacy_ids;

ALTER TABLE api.legacy_ids OWNER TO kassa_owner;

CREATE TABLE kassa.low_balance_thresholds (
    tenant_id uuid DEFAULT (((NULLIF(current_setting('request.jwt.claims'::text, true), ''::text))::json ->> 'tenant_id'::text))::uuid NOT NULL,
    amount bigint NOT NULL,
    urgency text DEFAULT 'warning'::text NOT NULL,
    CONSTRAINT low_balance_thresholds_urgency_known CHECK ((urgency = ANY (ARRAY['warning'::text, 'urgent'::text, 'critical'::text])))
);

ALTER TABLE kassa.low_balance_thresholds OWNER TO kassa_owner;

CREATE VIEW api.low_balance_thresholds WITH (security_invoker='true') AS
 SELECT low_balance_thresholds.tenant_id,
    low_balance_thresholds.amount,
    low_balance_thresholds.urgency
   FROM kassa.low_balance_thresholds;

ALTER TABLE api.low_balance_thresholds OWNER TO kassa_owner;

CREATE TABLE kassa.message_attempts (
    tenant_id uuid NOT NULL,
    id bigint NOT NULL,
    message_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    attempt integer NOT NULL,
    outcome text NOT NULL,
    error text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT message_attempts_attempt_positive CHECK ((attempt > 0)),
    CONSTRAINT message_attempts_error_max_length CHECK ((char_length(error) <= 4000)),
    CONSTRAINT message_attempts_outcome_known CHECK ((outcome = ANY (ARRAY['sent'::text, 'retrying'::text, 'failed'::text, 'suppressed'::text, 'lease_expired'::text])))
);

ALTER TABLE kassa.message_attempts OWNER TO kassa_owner;

CREATE VIEW api.message_attempts WITH (security_invoker='true') AS
 SELECT message_attempts.message_id,
    message_attempts.tenant_id,
    message_attempts.customer_id,
    message_attempts.attempt,
    message_attempts.outcome,
    message_attempts.error,
    message_attempts.created_at
   FROM kassa.message_attempts;

ALTER TABLE api.message_attempts OWNER TO kassa_owner;

CREATE TABLE kassa.message_preferences (
    tenant_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    kind text NOT NULL,
    channel text NOT NULL,
    enabled boolean NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT message_preferences_channel_known CHECK ((channel = ANY (ARRAY['email'::text, 'sms'::text, 'push'::text]))),
    CONSTRAINT message_preferences_kind_max_length CHECK ((char_length(kind) <= 64))
);

ALTER TABLE kassa.message_preferences OWNER TO kassa_owner;

CREATE VIEW api.message_preferences WITH (security_invoker='true') AS
 SELECT c.tenant_id,
    c.id AS customer_id,
    k.kind,
    ch.channel,
    internal.wants_message(p.enabled, ch.channel, (k.kind = ANY (t.mandatory_message_kinds))) AS enabled,
    p.enabled AS chosen,
    (k.kind = ANY (t.mandatory_message_kinds)) AS mandatory
   FROM ((((kassa.customers c
     JOIN kassa.tenants t ON ((t.id = c.tenant_id)))
     CROSS JOIN unnest(internal.event_kinds()) k(kind))
     CROSS JOIN unnest(internal.message_channels()) ch(channel))
     LEFT JOIN kassa.message_preferences p ON (((p.tenant_id = c.tenant_id) AND (p.customer_id = c.id) AND (p.kind = k.kind) AND (p.channel = ch.channel))));

ALTER TABLE api.message_preferences OWNER TO kassa_owner;

CREATE TABLE kassa.message_suppressions (
    tenant_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    channel text NOT NULL,
    recipient text NOT NULL,
    reason text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT message_suppressions_channel_known CHECK ((channel = ANY (ARRAY['email'::text, 'sms'::text]))),
    CONSTRAINT message_suppressions_reason_max_length CHECK ((char_length(reason) <= 4000)),
    CONSTRAINT message_suppressions_recipient_max_length CHECK ((char_length(recipient) <= 254))
);

ALTER TABLE kassa.message_suppressions OWNER TO kassa_owner;

CREATE VIEW api.message_suppressions WITH (security_invoker='true') AS
 SELECT message_suppressions.tenant_id,
    message_suppressions.customer_id,
    message_suppressions.channel,
    message_suppressions.recipient,
    message_suppressions.reason,
    message_suppressions.created_at
   FROM kassa.message_suppressions;

ALTER TABLE api.message_suppressions OWNER TO kassa_owner;

CREATE TABLE kassa.messages (
    tenant_id uuid NOT NULL,
    id bigint NOT NULL,
    public_id uuid DEFAULT gen_random_uuid() NOT NULL,
    notification_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    channel text NOT NULL,
    recipient text NOT NULL,
    locale text,
    subject text,
    status text DEFAULT 'queued'::text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    last_error text,
    sent_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    segments smallint,
    CONSTRAINT messages_attempts_not_negative CHECK ((attempts >= 0)),
    CONSTRAINT messages_channel_known CHECK ((channel = ANY (ARRAY['email'::text, 'sms'::text, 'push'::text]))),
    CONSTRAINT messages_last_error_max_length CHECK ((char_length(last_error) <= 4000)),
    CONSTRAINT messages_locale_max_length CHECK ((char_length(locale) <= 35)),
    CONSTRAINT messages_recipient_max_length CHECK ((char_length(recipient) <= 254)),
    CONSTRAINT messages_segments_positive CHECK ((segments > 0)),
    CONSTRAINT messages_sent_has_time CHECK (((status = 'sent'::text) = (sent_at IS NOT NULL))),
    CONSTRAINT messages_status_known CHECK ((status = ANY (ARRAY['queued'::text, 'sending'::text, 'sent'::text, 'failed'::text, 'suppressed'::text]))),
    CONSTRAINT messages_subject_max_length CHECK ((char_length(subject) <= 500))
);

ALTER TABLE kassa.messages OWNER TO kassa_owner;

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
    public_id uuid DEFAULT gen_random_uuid() NOT NULL,
    version smallint DEFAULT 1 NOT NULL,
    xact_id xid8 DEFAULT pg_current_xact_id() NOT NULL,
    CONSTRAINT notifications_kind_format CHECK ((kind ~ '^[a-z_]{1,64}$'::text)),
    CONSTRAINT notifications_kind_max_length CHECK ((char_length(kind) <= 64)),
    CONSTRAINT notifications_last_error_max_length CHECK ((char_length(last_error) <= 4000)),
    CONSTRAINT notifications_version_positive CHECK ((version > 0))
);

ALTER TABLE kassa.notifications OWNER TO kassa_owner;

CREATE VIEW api.messages WITH (security_invoker='true') AS
 SELECT m.public_id AS id,
    m.tenant_id,
    m.customer_id,
    m.notification_id AS event_id,
    n.kind,
    m.channel,
    m.recipient,
    m.locale,
    m.subject,
    m.segments,
    m.status,
    m.attempts,
    m.next_attempt_at,
    m.last_error,
    m.sent_at,
    m.created_at
   FROM (kassa.messages m
     JOIN kassa.notifications n ON (((n.tenant_id = m.tenant_id) AND (n.public_id = m.notification_id))));

ALTER TABLE api.messages OWNER TO kassa_owner;

CREATE VIEW api.notifications WITH (security_invoker='true') AS
 SELECT notifications.public_id AS id,
    notifications.tenant_id,
    notifications.customer_id,
    notifications.kind,
    notifications.version,
    notifications.payload,
    notifications.created_at,
    notifications.delivered_at
   FROM kassa.notifications;

ALTER TABLE api.notifications OWNER TO kassa_owner;

CREATE TABLE kassa.oidc_links (
    tenant_id uuid NOT NULL,
    provider_id uuid NOT NULL,
    subject text NOT NULL,
    identity_id uuid NOT NULL,
    created_by text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT oidc_links_created_by_max_length CHECK ((char_length(created_by) <= 200)),
    CONSTRAINT oidc_links_subject_length CHECK (((char_length(subject) >= 1) AND (char_length(subject) <= 255)))
);

ALTER TABLE kassa.oidc_links OWNER TO kassa_owner;

CREATE VIEW api.oidc_links WITH (security_invoker='true') AS
 SELECT oidc_links.tenant_id,
    oidc_links.provider_id,
    oidc_links.subject,
    oidc_links.identity_id,
    oidc_links.created_by,
    oidc_links.created_at
   FROM kassa.oidc_links;

ALTER TABLE api.oidc_links OWNER TO kassa_owner;

CREATE TABLE kassa.oidc_providers (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name text NOT NULL,
    issuer text NOT NULL,
    audience text NOT NULL,
    jwks_url text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT oidc_providers_audience_length CHECK (((char_length(audience) <= 500) AND (btrim(audience) <> ''::text))),
    CONSTRAINT oidc_providers_issuer_url CHECK (((issuer ~ '^https?://[^\s]+$'::text) AND (char_length(issuer) <= 500))),
    CONSTRAINT oidc_providers_jwks_url CHECK (((jwks_url ~ '^https?://[^\s]+$'::text) AND (char_length(jwks_url) <= 1000))),
    CONSTRAINT oidc_providers_name_length CHECK (((char_length(name) <= 200) AND (btrim(name) <> ''::text)))
);

ALTER TABLE kassa.oidc_providers OWNER TO kassa_owner;

CREATE VIEW api.oidc_providers WITH (security_invoker='true') AS
 SELECT oidc_providers.tenant_id,
    oidc_providers.id,
    oidc_providers.name,
    oidc_providers.issuer,
    oidc_providers.audience,
    oidc_providers.jwks_url,
    oidc_providers.created_at
   FROM kassa.oidc_providers;

ALTER TABLE api.oidc_providers OWNER TO kassa_owner;

CREATE VIEW api.payment_links WITH (security_invoker='true') AS
 SELECT l.id,
    l.tenant_id,
    l.customer_id,
    l.invoice_id,
    l.amount,
    l.currency,
    l.status,
        CASE
            WHEN ((l.status = 'open'::text) AND (l.expires_at <= internal.clock_now())) THEN 'expired'::text
            ELSE l.status
        END AS state,
    l.expires_at,
    l.created_by,
    l.created_at,
    l.used_at,
    l.payment_id,
    l.invalidated_at,
    l.invalidated_by,
    l.invalidated_reason,
    l.replaced_by
   FROM kassa.payment_links l;

ALTER TABLE api.payment_links OWNER TO kassa_owner;

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
    payment_methods.created_at,
    payment_methods.mandate_url
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
    payment_link_expiry_days integer DEFAULT 7 NOT NULL,
    link_gateways text[] DEFAULT '{stripe,octo}'::text[] NOT NULL,
    debit_order_service text DEFAULT 'two_day'::text NOT NULL,
    debit_order_cutoff time without time zone DEFAULT '11:00:00'::time without time zone NOT NULL,
    CONSTRAINT payment_settings_debit_order_service_known CHECK ((debit_order_service = ANY (ARRAY['two_day'::text, 'same_day'::text]))),
    CONSTRAINT payment_settings_link_gateways_known CHECK ((link_gateways <@ '{stripe,octo}'::text[])),
    CONSTRAINT payment_settings_link_gateways_max_length CHECK ((char_length(array_to_string(link_gateways, ' '::text)) <= 200)),
    CONSTRAINT payment_settings_max_above_min CHECK ((max_top_up >= min_top_up)),
    CONSTRAINT payment_settings_min_positive CHECK ((min_top_up > 0)),
    CONSTRAINT payment_settings_payment_link_expiry_days_range CHECK (((payment_link_expiry_days >= 1) AND (payment_link_expiry_days <= 90))),
    CONSTRAINT payment_settings_return_origins_format CHECK (((cardinality(return_origins) <= 20) AND (array_to_string(return_origins, ' '::text) ~ '^(https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?( |$))*$'::text))),
    CONSTRAINT payment_settings_return_origins_max_length CHECK ((char_length(array_to_string(return_origins, ' '::text)) <= 4000))
);

ALTER TABLE kassa.payment_settings OWNER TO kassa_owner;

CREATE VIEW api.payment_settings WITH (security_invoker='true') AS
 SELECT payment_settings.tenant_id,
    payment_settings.min_top_up,
    payment_settings.max_top_up,
    payment_settings.return_origins,
    payment_settings.payment_link_expiry_days,
    payment_settings.link_gateways,
    payment_settings.debit_order_service,
    payment_settings.debit_order_cutoff
   FROM kassa.payment_settings;

ALTER TABLE api.payment_settings OWNER TO kassa_owner;

CREATE VIEW api.payments WITH (security_invoker='true') AS
 SELECT payments.id,
    payments.tenant_id,
    payments.customer_id,
    payments.invoice_id,
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
    usage_unit text,
    usage_cap bigint,
    usage_allowance bigint,
    usage_step bigint,
    usage_step_price bigint,
    CONSTRAINT price_versions_interval_known CHECK (("interval" = ANY (ARRAY['monthly'::text, 'quarterly'::text, 'half_yearly'::text, 'annual'::text]))),
    CONSTRAINT price_versions_interval_max_length CHECK ((char_length("interval") <= 32)),
    CONSTRAINT price_versions_price_not_negative CHECK ((price >= 0)),
    CONSTRAINT price_versions_usage_allowance_not_negative CHECK ((usage_allowance >= 0)),
    CONSTRAINT price_versions_usage_cap_positive CHECK ((usage_cap > 0)),
    CONSTRAINT price_versions_usage_has_unit CHECK (((usage_unit IS NOT NULL) OR (num_nonnulls(usage_cap, usage_allowance, usage_step, usage_step_price) = 0))),
    CONSTRAINT price_versions_usage_on_plans CHECK (((usage_unit IS NULL) OR ("interval" IS NOT NULL))),
    CONSTRAINT price_versions_usage_priced_whole CHECK ((num_nonnulls(usage_allowance, usage_step, usage_step_price) = ANY (ARRAY[0, 3]))),
    CONSTRAINT price_versions_usage_step_positive CHECK ((usage_step > 0)),
    CONSTRAINT price_versions_usage_step_price_not_negative CHECK ((usage_step_price >= 0)),
    CONSTRAINT price_versions_usage_unit_known CHECK ((usage_unit = ANY (ARRAY['bytes'::text, 'seconds'::text, 'units'::text]))),
    CONSTRAINT price_versions_vat_category_max_length CHECK ((char_length(vat_category) <= 32))
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
    CONSTRAINT products_code_max_length CHECK ((char_length(code) <= 64)),
    CONSTRAINT products_description_max_length CHECK ((char_length(description) <= 500)),
    CONSTRAINT products_kind_known CHECK ((kind = ANY (ARRAY['plan'::text, 'fee'::text]))),
    CONSTRAINT products_kind_max_length CHECK ((char_length(kind) <= 32)),
    CONSTRAINT products_name_max_length CHECK ((char_length(name) <= 200)),
    CONSTRAINT products_name_not_blank CHECK ((name ~ '[^[:space:]\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]'::text))
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
    v.created_at,
    v.usage_unit,
    v.usage_cap,
    v.usage_allowance,
    v.usage_step,
    v.usage_step_price
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
    cur.valid_from,
    cur.usage_unit,
    cur.usage_cap,
    cur.usage_allowance,
    cur.usage_step,
    cur.usage_step_price
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
            v.created_at,
            v.usage_unit,
            v.usage_cap,
            v.usage_allowance,
            v.usage_step,
            v.usage_step_price
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
    price_versions.created_at,
    price_versions.usage_unit,
    price_versions.usage_cap,
    price_versions.usage_allowance,
    price_versions.usage_step,
    price_versions.usage_step_price
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

CREATE TABLE kassa.push_subscriptions (
    tenant_id uuid NOT NULL,
    id bigint NOT NULL,
    public_id uuid DEFAULT gen_random_uuid() NOT NULL,
    customer_id uuid NOT NULL,
    endpoint text NOT NULL,
    p256dh text NOT NULL,
    auth text NOT NULL,
    user_agent text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    last_pushed_at timestamp with time zone,
    CONSTRAINT push_subscriptions_auth_max_length CHECK ((char_length(auth) <= 50)),
    CONSTRAINT push_subscriptions_endpoint_max_length CHECK ((char_length(endpoint) <= 2048)),
    CONSTRAINT push_subscriptions_p256dh_max_length CHECK ((char_length(p256dh) <= 100)),
    CONSTRAINT push_subscriptions_user_agent_max_length CHECK ((char_length(user_agent) <= 500))
);

ALTER TABLE kassa.push_subscriptions OWNER TO kassa_owner;

CREATE VIEW api.push_subscriptions WITH (security_invoker='true') AS
 SELECT push_subscriptions.public_id AS id,
    push_subscriptions.tenant_id,
    push_subscriptions.customer_id,
    push_subscriptions.endpoint,
    push_subscriptions.user_agent,
    push_subscriptions.created_at,
    push_subscriptions.last_pushed_at
   FROM kassa.push_subscriptions;

ALTER TABLE api.push_subscriptions OWNER TO kassa_owner;

CREATE TABLE kassa.quiet_hours (
    tenant_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    starts time without time zone NOT NULL,
    ends time without time zone NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT quiet_hours_not_empty CHECK ((starts <> ends))
);

ALTER TABLE kassa.quiet_hours OWNER TO kassa_owner;

CREATE VIEW api.quiet_hours WITH (security_invoker='true') AS
 SELECT q.tenant_id,
    q.customer_id,
    to_char((q.starts)::interval, 'HH24:MI'::text) AS starts,
    to_char((q.ends)::interval, 'HH24:MI'::text) AS ends,
    t.timezone
   FROM (kassa.quiet_hours q
     JOIN kassa.tenants t ON ((t.id = q.tenant_id)));

ALTER TABLE api.quiet_hours OWNER TO kassa_owner;

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
    public_id uuid DEFAULT gen_random_uuid() NOT NULL,
    CONSTRAINT service_actions_action_known CHECK ((action = ANY (ARRAY['activate'::text, 'suspend'::text, 'resume'::text, 'cancel'::text, 'change_plan'::text]))),
    CONSTRAINT service_actions_action_max_length CHECK ((char_length(action) <= 32)),
    CONSTRAINT service_actions_actor_max_length CHECK ((char_length(actor) <= 200)),
    CONSTRAINT service_actions_reason_max_length CHECK ((char_length(reason) <= 500)),
    CONSTRAINT service_actions_reason_not_blank CHECK ((reason ~ '[^[:space:]\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]'::text))
);

ALTER TABLE kassa.service_actions OWNER TO kassa_owner;

CREATE VIEW api.service_actions WITH (security_invoker='true') AS
 SELECT service_actions.public_id AS id,
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

CREATE VIEW api.staff_users WITH (security_invoker='true') AS
 SELECT staff_users.tenant_id,
    staff_users.id,
    staff_users.email,
    staff_users.name,
    staff_users.role,
    staff_users.status,
    staff_users.created_at
   FROM kassa.staff_users;

ALTER TABLE api.staff_users OWNER TO kassa_owner;

CREATE VIEW api.tenants WITH (security_invoker='true') AS
 SELECT tenants.id,
    tenants.slug,
    tenants.name,
    tenants.legal_name,
    tenants.address,
    tenants.street,
    tenants.postcode,
    tenants.city,
    tenants.vat_number,
    tenants.tax_number,
    tenants.registration_number,
    tenants.iban,
    tenants.bic,
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
    tenants.created_at,
    tenants.dunning_fee_vat_category,
    tenants.mandatory_message_kinds,
    tenants.mail_sender_name,
    tenants.mail_reply_to,
    tenants.privacy_retention_days,
    tenants.signup_mode
   FROM kassa.tenants;

ALTER TABLE api.tenants OWNER TO kassa_owner;

CREATE TABLE kassa.ticket_attachments (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    message_id uuid NOT NULL,
    file_name text NOT NULL,
    content_type text NOT NULL,
    content bytea NOT NULL,
    sha256 text GENERATED ALWAYS AS (encode(sha256(content), 'hex'::text)) STORED NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ticket_attachments_content_size CHECK (((octet_length(content) >= 1) AND (octet_length(content) <= 2097152))),
    CONSTRAINT ticket_attachments_content_type_known CHECK ((content_type = ANY (ARRAY['application/pdf'::text, 'image/png'::text, 'image/jpeg'::text, 'text/plain'::text]))),
    CONSTRAINT ticket_attachments_file_name_length CHECK (((char_length(file_name) >= 1) AND (char_length(file_name) <= 255))),
    CONSTRAINT ticket_attachments_sha256_format CHECK ((char_length(sha256) = 64))
);

ALTER TABLE kassa.ticket_attachments OWNER TO kassa_owner;

CREATE TABLE kassa.ticket_messages (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    ticket_id uuid NOT NULL,
    author_role text NOT NULL,
    author_sub text,
    internal boolean DEFAULT false NOT NULL,
    body text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ticket_messages_author_role_known CHECK ((author_role = ANY (ARRAY['customer'::text, 'staff'::text]))),
    CONSTRAINT ticket_messages_author_sub_max_length CHECK ((char_length(author_sub) <= 200)),
    CONSTRAINT ticket_messages_body_max_length CHECK ((char_length(body) <= 10000)),
    CONSTRAINT ticket_messages_body_not_blank CHECK ((body ~ '[^[:space:]\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]'::text)),
    CONSTRAINT ticket_messages_internal_by_staff CHECK (((NOT internal) OR (author_role = 'staff'::text)))
);

ALTER TABLE kassa.ticket_messages OWNER TO kassa_owner;

CREATE VIEW api.ticket_attachments WITH (security_invoker='true') AS
 SELECT a.id,
    a.tenant_id,
    m.ticket_id,
    a.message_id,
    a.file_name,
    a.content_type,
    octet_length(a.content) AS size,
    a.sha256,
    a.created_at
   FROM (kassa.ticket_attachments a
     JOIN kassa.ticket_messages m ON (((m.tenant_id = a.tenant_id) AND (m.id = a.message_id))));

ALTER TABLE api.ticket_attachments OWNER TO kassa_owner;

CREATE VIEW api.ticket_messages WITH (security_invoker='true') AS
 SELECT ticket_messages.id,
    ticket_messages.tenant_id,
    ticket_messages.ticket_id,
    ticket_messages.author_role,
        CASE
            WHEN (current_setting('role'::text) = 'staff'::text) THEN ticket_messages.author_sub
            ELSE NULL::text
        END AS author_sub,
    ticket_messages.internal,
    ticket_messages.body,
    ticket_messages.created_at
   FROM kassa.ticket_messages;

ALTER TABLE api.ticket_messages OWNER TO kassa_owner;

CREATE VIEW api.tickets WITH (security_invoker='true') AS
 SELECT tickets.id,
    tickets.tenant_id,
    tickets.customer_id,
    tickets.subject,
    tickets.category,
    tickets.status,
    tickets.invoice_id,
    tickets.service_id,
        CASE
            WHEN (current_setting('role'::text) = 'staff'::text) THEN tickets.assignee
            ELSE NULL::text
        END AS assignee,
    tickets.created_at,
    tickets.updated_at,
    tickets.last_message_at
   FROM kassa.tickets;

ALTER TABLE api.tickets OWNER TO kassa_owner;

CREATE TABLE kassa.usage_daily (
    tenant_id uuid NOT NULL,
    service_id uuid NOT NULL,
    usage_on date NOT NULL,
    unit text NOT NULL,
    customer_id uuid NOT NULL,
    quantity bigint NOT NULL,
    records integer NOT NULL,
    CONSTRAINT usage_daily_quantity_not_negative CHECK ((quantity >= 0)),
    CONSTRAINT usage_daily_records_positive CHECK ((records > 0)),
    CONSTRAINT usage_daily_unit_known CHECK ((unit = ANY (ARRAY['bytes_up'::text, 'bytes_down'::text, 'seconds'::text, 'units'::text])))
);

ALTER TABLE kassa.usage_daily OWNER TO kassa_owner;

CREATE VIEW api.usage_daily WITH (security_invoker='true') AS
 SELECT usage_daily.tenant_id,
    usage_daily.service_id,
    usage_daily.customer_id,
    usage_daily.usage_on,
    usage_daily.unit,
    usage_daily.quantity,
    usage_daily.records
   FROM kassa.usage_daily;

ALTER TABLE api.usage_daily OWNER TO kassa_owner;

CREATE TABLE kassa.usage_periods (
    tenant_id uuid NOT NULL,
    service_id uuid NOT NULL,
    period_start date NOT NULL,
    meter text NOT NULL,
    period_end date NOT NULL,
    customer_id uuid NOT NULL,
    quantity bigint NOT NULL,
    warned_percents integer[] DEFAULT '{}'::integer[] NOT NULL,
    CONSTRAINT usage_periods_meter_known CHECK ((meter = ANY (ARRAY['bytes'::text, 'seconds'::text, 'units'::text]))),
    CONSTRAINT usage_periods_quantity_not_negative CHECK ((quantity >= 0))
);

ALTER TABLE kassa.usage_periods OWNER TO kassa_owner;

CREATE VIEW api.usage_periods WITH (security_invoker='true') AS
 SELECT usage_periods.tenant_id,
    usage_periods.service_id,
    usage_periods.customer_id,
    usage_periods.period_start,
    usage_periods.period_end,
    usage_periods.meter,
    usage_periods.quantity,
    usage_periods.warned_percents
   FROM kassa.usage_periods;

ALTER TABLE api.usage_periods OWNER TO kassa_owner;

CREATE VIEW api.usage_records WITH (security_invoker='true') AS
 SELECT usage_records.public_id AS id,
    usage_records.tenant_id,
    usage_records.service_id,
    usage_records.customer_id,
    usage_records.source,
    usage_records.key,
    usage_records.unit,
    usage_records.quantity,
    usage_records.usage_at,
    usage_records.usage_on,
    usage_records.period_start,
    usage_records.period_end,
    usage_records.counted_on,
    usage_records.invoice_line_id,
    usage_records.created_at
   FROM kassa.usage_records;

ALTER TABLE api.usage_records OWNER TO kassa_owner;

CREATE TABLE kassa.vat_rates (
    tenant_id uuid DEFAULT (((NULLIF(current_setting('request.jwt.claims'::text, true), ''::text))::json ->> 'tenant_id'::text))::uuid NOT NULL,
    category text NOT NULL,
    rate numeric(5,2) NOT NULL,
    code text NOT NULL,
    exemption_reason text,
    exemption_code text,
    CONSTRAINT vat_rates_category_format CHECK ((category ~ '^[a-z_]{1,32}$'::text)),
    CONSTRAINT vat_rates_category_max_length CHECK ((char_length(category) <= 32)),
    CONSTRAINT vat_rates_code_fits CHECK (
CASE code
    WHEN 'S'::text THEN ((rate <> (0)::numeric) AND (exemption_reason IS NULL) AND (exemption_code IS NULL))
    WHEN 'Z'::text THEN ((rate = (0)::numeric) AND (exemption_reason IS NULL) AND (exemption_code IS NULL))
    WHEN 'L'::text THEN ((exemption_reason IS NULL) AND (exemption_code IS NULL))
    WHEN 'M'::text THEN ((exemption_reason IS NULL) AND (exemption_code IS NULL))
    ELSE ((rate = (0)::numeric) AND ((exemption_reason IS NOT NULL) OR (exemption_code IS NOT NULL)))
END),
    CONSTRAINT vat_rates_code_known CHECK ((code = ANY (ARRAY['S'::text, 'Z'::text, 'E'::text, 'AE'::text, 'K'::text, 'G'::text, 'O'::text, 'L'::text, 'M'::text]))),
    CONSTRAINT vat_rates_exemption_code_max_length CHECK ((char_length(exemption_code) <= 30)),
    CONSTRAINT vat_rates_exemption_reason_max_length CHECK ((char_length(exemption_reason) <= 500)),
    CONSTRAINT vat_rates_rate_finite CHECK ((rate <> ALL (ARRAY['NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric]))),
    CONSTRAINT vat_rates_rate_range CHECK (((rate >= (0)::numeric) AND (rate < (100)::numeric)))
);

ALTER TABLE kassa.vat_rates OWNER TO kassa_owner;

CREATE VIEW api.vat_rates WITH (security_invoker='true') AS
 SELECT vat_rates.tenant_id,
    vat_rates.category,
    vat_rates.rate,
    vat_rates.code,
    vat_rates.exemption_reason,
    vat_rates.exemption_code
   FROM kassa.vat_rates;

ALTER TABLE api.vat_rates OWNER TO kassa_owner;

CREATE TABLE kassa.webhook_attempts (
    tenant_id uuid NOT NULL,
    id bigint NOT NULL,
    delivery_id uuid NOT NULL,
    attempt integer NOT NULL,
    status_code integer,
    latency_ms integer,
    response text,
    error text,
    outcome text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT webhook_attempts_attempt_positive CHECK ((attempt > 0)),
    CONSTRAINT webhook_attempts_error_max_length CHECK ((char_length(error) <= 4000)),
    CONSTRAINT webhook_attempts_latency_not_negative CHECK ((latency_ms >= 0)),
    CONSTRAINT webhook_attempts_outcome_known CHECK ((outcome = ANY (ARRAY['delivered'::text, 'retrying'::text, 'failed'::text, 'endpoint_disabled'::text, 'superseded'::text]))),
    CONSTRAINT webhook_attempts_response_max_length CHECK ((char_length(response) <= 1000)),
    CONSTRAINT webhook_attempts_status_code_http CHECK (((status_code >= 100) AND (status_code <= 599)))
);

ALTER TABLE kassa.webhook_attempts OWNER TO kassa_owner;

CREATE VIEW api.webhook_attempts WITH (security_invoker='true') AS
 SELECT a.delivery_id,
    a.tenant_id,
    a.attempt,
    a.status_code,
    a.latency_ms,
    a.response,
    a.error,
    a.outcome,
    a.created_at
   FROM kassa.webhook_attempts a;

ALTER TABLE api.webhook_attempts OWNER TO kassa_owner;

CREATE TABLE kassa.webhook_deliveries (
    tenant_id uuid NOT NULL,
    id bigint NOT NULL,
    public_id uuid DEFAULT gen_random_uuid() NOT NULL,
    endpoint_id uuid NOT NULL,
    notification_id uuid NOT NULL,
    status text DEFAULT 'queued'::text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    last_error text,
    delivered_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT webhook_deliveries_attempts_not_negative CHECK ((attempts >= 0)),
    CONSTRAINT webhook_deliveries_delivered_has_time CHECK (((status = 'delivered'::text) = (delivered_at IS NOT NULL))),
    CONSTRAINT webhook_deliveries_last_error_max_length CHECK ((char_length(last_error) <= 4000)),
    CONSTRAINT webhook_deliveries_status_known CHECK ((status = ANY (ARRAY['queued'::text, 'sending'::text, 'delivered'::text, 'failed'::text])))
);

ALTER TABLE kassa.webhook_deliveries OWNER TO kassa_owner;

CREATE VIEW api.webhook_deliveries WITH (security_invoker='true') AS
 SELECT d.public_id AS id,
    d.tenant_id,
    d.endpoint_id,
    d.notification_id AS event_id,
    n.kind,
    d.status,
    d.attempts,
    d.next_attempt_at,
    d.last_error,
    d.delivered_at,
    d.created_at
   FROM (kassa.webhook_deliveries d
     JOIN kassa.notifications n ON (((n.tenant_id = d.tenant_id) AND (n.public_id = d.notification_id))));

ALTER TABLE api.webhook_deliveries OWNER TO kassa_owner;

CREATE TABLE kassa.webhook_endpoint_states (
    tenant_id uuid NOT NULL,
    endpoint_id uuid NOT NULL,
    cursor_xact_id xid8 NOT NULL,
    cursor_id bigint NOT NULL,
    failing_since timestamp with time zone,
    last_error text,
    CONSTRAINT webhook_endpoint_states_last_error_max_length CHECK ((char_length(last_error) <= 4000))
);

ALTER TABLE kassa.webhook_endpoint_states OWNER TO kassa_owner;

CREATE VIEW api.webhook_endpoints WITH (security_invoker='true') AS
 SELECT e.public_id AS id,
    e.tenant_id,
    e.url,
    e.description,
    e.event_kinds,
    e.enabled,
    e.disabled_reason,
    e.disabled_at,
    s.failing_since,
    s.last_error,
    e.created_at,
    e.updated_at
   FROM (kassa.webhook_endpoints e
     JOIN kassa.webhook_endpoint_states s ON (((s.tenant_id = e.tenant_id) AND (s.endpoint_id = e.public_id))));

ALTER TABLE api.webhook_endpoints OWNER TO kassa_owner;

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
    CONSTRAINT counters_kind_max_length CHECK ((char_length(kind) <= 32)),
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
    price_version_id uuid,
    quantity numeric(12,3) NOT NULL,
    unit_price bigint NOT NULL,
    period_start date,
    period_end date,
    invoice_id uuid,
    billed boolean DEFAULT false NOT NULL,
    vat_category text,
    CONSTRAINT invoice_run_lines_charge_kind_max_length CHECK ((char_length(charge_kind) <= 32)),
    CONSTRAINT invoice_run_lines_description_max_length CHECK ((char_length(description) <= 500)),
    CONSTRAINT invoice_run_lines_quantity_finite CHECK ((quantity <> ALL (ARRAY['NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric]))),
    CONSTRAINT invoice_run_lines_vat_category_max_length CHECK ((char_length(vat_category) <= 32))
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

CREATE TABLE kassa.login_families (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    identity_id uuid NOT NULL,
    user_agent text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    last_used_at timestamp with time zone DEFAULT now() NOT NULL,
    revoked_at timestamp with time zone,
    revoked_reason text,
    CONSTRAINT login_families_revoked_has_reason CHECK (((revoked_at IS NULL) = (revoked_reason IS NULL))),
    CONSTRAINT login_families_revoked_reason_known CHECK ((revoked_reason = ANY (ARRAY['logout'::text, 'revoked'::text, 'reuse'::text, 'password_reset'::text]))),
    CONSTRAINT login_families_user_agent_max_length CHECK ((char_length(user_agent) <= 200))
);

ALTER TABLE kassa.login_families OWNER TO kassa_owner;

ALTER TABLE kassa.message_attempts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME kassa.message_attempts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

ALTER TABLE kassa.messages ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME kassa.messages_id_seq
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

ALTER TABLE kassa.push_subscriptions ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME kassa.push_subscriptions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE kassa.refresh_tokens (
    tenant_id uuid NOT NULL,
    token_hash bytea NOT NULL,
    family_id uuid NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT refresh_tokens_token_hash_sha256 CHECK ((length(token_hash) = 32))
);

ALTER TABLE kassa.refresh_tokens OWNER TO kassa_owner;

CREATE UNLOGGED TABLE kassa.request_counts (
    bucket text NOT NULL,
    window_start timestamp with time zone NOT NULL,
    hits integer NOT NULL,
    CONSTRAINT request_counts_bucket_max_length CHECK ((length(bucket) <= 200))
);

ALTER TABLE kassa.request_counts OWNER TO kassa_owner;

CREATE TABLE kassa.request_results (
    tenant_id uuid NOT NULL,
    request_id text NOT NULL,
    operation text NOT NULL,
    arguments jsonb NOT NULL,
    result jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT request_results_operation_max_length CHECK ((char_length(operation) <= 64)),
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

CREATE TABLE kassa.stream_tickets (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    expires_at timestamp with time zone NOT NULL
);

ALTER TABLE kassa.stream_tickets OWNER TO kassa_owner;

ALTER TABLE kassa.usage_records ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME kassa.usage_records_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

ALTER TABLE kassa.webhook_attempts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME kassa.webhook_attempts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

ALTER TABLE kassa.webhook_deliveries ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME kassa.webhook_deliveries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

ALTER TABLE kassa.webhook_endpoints ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME kassa.webhook_endpoints_id_seq
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

CREATE TABLE kassa.webhook_secrets (
    tenant_id uuid NOT NULL,
    id bigint NOT NULL,
    endpoint_id uuid NOT NULL,
    secret text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone,
    CONSTRAINT webhook_secrets_format CHECK ((secret ~ '^whsec_[A-Za-z0-9+/]{32,88}={0,2}$'::text)),
    CONSTRAINT webhook_secrets_secret_max_length CHECK ((char_length(secret) <= 96))
);

ALTER TABLE kassa.webhook_secrets OWNER TO kassa_owner;

ALTER TABLE kassa.webhook_secrets ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME kassa.webhook_secrets_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

ALTER TABLE ONLY audit.log
    ADD CONSTRAINT log_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.api_keys
    ADD CONSTRAINT api_keys_pkey PRIMARY KEY (tenant_id, id);

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

ALTER TABLE ONLY kassa.credit_limits
    ADD CONSTRAINT credit_limits_pkey PRIMARY KEY (tenant_id, customer_id);

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

ALTER TABLE ONLY kassa.datev_debtor_accounts
    ADD CONSTRAINT datev_debtor_accounts_pkey PRIMARY KEY (tenant_id, customer_id);

ALTER TABLE ONLY kassa.datev_revenue_accounts
    ADD CONSTRAINT datev_revenue_accounts_pkey PRIMARY KEY (tenant_id, vat_category, vat_rate);

ALTER TABLE ONLY kassa.datev_settings
    ADD CONSTRAINT datev_settings_pkey PRIMARY KEY (tenant_id);

ALTER TABLE ONLY kassa.debit_order_batches
    ADD CONSTRAINT debit_order_batches_one_per_day UNIQUE (tenant_id, submission_date);

ALTER TABLE ONLY kassa.debit_order_batches
    ADD CONSTRAINT debit_order_batches_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.debit_order_items
    ADD CONSTRAINT debit_order_items_once_per_day UNIQUE (tenant_id, submission_date, invoice_id);

ALTER TABLE ONLY kassa.debit_order_items
    ADD CONSTRAINT debit_order_items_one_payment UNIQUE (tenant_id, payment_id);

ALTER TABLE ONLY kassa.debit_order_items
    ADD CONSTRAINT debit_order_items_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.document_settings
    ADD CONSTRAINT document_settings_pkey PRIMARY KEY (tenant_id);

ALTER TABLE ONLY kassa.documents
    ADD CONSTRAINT documents_once UNIQUE (tenant_id, kind, source_id, variant, format);

ALTER TABLE ONLY kassa.documents
    ADD CONSTRAINT documents_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.dunning_pauses
    ADD CONSTRAINT dunning_pauses_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.dunning_schedules
    ADD CONSTRAINT dunning_schedules_pkey PRIMARY KEY (tenant_id, version);

ALTER TABLE ONLY kassa.dunning_steps
    ADD CONSTRAINT dunning_steps_pkey PRIMARY KEY (tenant_id, schedule_version, day_offset);

ALTER TABLE ONLY kassa.identities
    ADD CONSTRAINT identities_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.invoice_allocations
    ADD CONSTRAINT invoice_allocations_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.invoice_allocations
    ADD CONSTRAINT invoice_allocations_public_id_unique UNIQUE (tenant_id, public_id);

ALTER TABLE ONLY kassa.invoice_dunning
    ADD CONSTRAINT invoice_dunning_pkey PRIMARY KEY (tenant_id, invoice_id);

ALTER TABLE ONLY kassa.invoice_dunning_steps
    ADD CONSTRAINT invoice_dunning_steps_once UNIQUE (tenant_id, invoice_id, step);

ALTER TABLE ONLY kassa.invoice_lines
    ADD CONSTRAINT invoice_lines_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.invoice_run_lines
    ADD CONSTRAINT invoice_run_lines_pkey PRIMARY KEY (tenant_id, run_id, line_id);

ALTER TABLE ONLY kassa.invoices
    ADD CONSTRAINT invoices_legacy_number_unique UNIQUE (tenant_id, legacy_number);

ALTER TABLE ONLY kassa.invoices
    ADD CONSTRAINT invoices_number_unique UNIQUE (tenant_id, number);

ALTER TABLE ONLY kassa.invoices
    ADD CONSTRAINT invoices_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.job_runs
    ADD CONSTRAINT job_runs_key UNIQUE NULLS NOT DISTINCT (tenant_id, id);

ALTER TABLE ONLY kassa.job_runs
    ADD CONSTRAINT job_runs_public_id_unique UNIQUE (tenant_id, public_id);

ALTER TABLE ONLY kassa.ledger_entries
    ADD CONSTRAINT ledger_entries_entry_no_per_customer UNIQUE (tenant_id, customer_id, entry_no);

ALTER TABLE ONLY kassa.ledger_entries
    ADD CONSTRAINT ledger_entries_once_per_source UNIQUE (tenant_id, source_type, source_id, kind);

ALTER TABLE ONLY kassa.ledger_entries
    ADD CONSTRAINT ledger_entries_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.ledger_entries
    ADD CONSTRAINT ledger_entries_public_id_unique UNIQUE (tenant_id, public_id);

ALTER TABLE ONLY kassa.legacy_ids
    ADD CONSTRAINT legacy_ids_pkey PRIMARY KEY (tenant_id, kind, legacy_id);

ALTER TABLE ONLY kassa.login_families
    ADD CONSTRAINT login_families_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.login_links
    ADD CONSTRAINT login_links_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.low_balance_thresholds
    ADD CONSTRAINT low_balance_thresholds_pkey PRIMARY KEY (tenant_id, amount);

ALTER TABLE ONLY kassa.message_attempts
    ADD CONSTRAINT message_attempts_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.message_preferences
    ADD CONSTRAINT message_preferences_pkey PRIMARY KEY (tenant_id, customer_id, kind, channel);

ALTER TABLE ONLY kassa.message_suppressions
    ADD CONSTRAINT message_suppressions_pkey PRIMARY KEY (tenant_id, customer_id, channel);

ALTER TABLE ONLY kassa.messages
    ADD CONSTRAINT messages_one_per_recipient UNIQUE (tenant_id, notification_id, channel, recipient);

ALTER TABLE ONLY kassa.messages
    ADD CONSTRAINT messages_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.messages
    ADD CONSTRAINT messages_public_id_unique UNIQUE (tenant_id, public_id);

ALTER TABLE ONLY kassa.notifications
    ADD CONSTRAINT notifications_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.notifications
    ADD CONSTRAINT notifications_public_id_unique UNIQUE (tenant_id, public_id);

ALTER TABLE ONLY kassa.oidc_links
    ADD CONSTRAINT oidc_links_one_per_identity UNIQUE (tenant_id, provider_id, identity_id);

ALTER TABLE ONLY kassa.oidc_links
    ADD CONSTRAINT oidc_links_pkey PRIMARY KEY (tenant_id, provider_id, subject);

ALTER TABLE ONLY kassa.oidc_providers
    ADD CONSTRAINT oidc_providers_one_per_issuer UNIQUE (tenant_id, issuer);

ALTER TABLE ONLY kassa.oidc_providers
    ADD CONSTRAINT oidc_providers_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.payment_links
    ADD CONSTRAINT payment_links_pkey PRIMARY KEY (tenant_id, id);

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

ALTER TABLE ONLY kassa.push_subscriptions
    ADD CONSTRAINT push_subscriptions_one_per_endpoint UNIQUE (tenant_id, endpoint);

ALTER TABLE ONLY kassa.push_subscriptions
    ADD CONSTRAINT push_subscriptions_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.push_subscriptions
    ADD CONSTRAINT push_subscriptions_public_id_unique UNIQUE (tenant_id, public_id);

ALTER TABLE ONLY kassa.quiet_hours
    ADD CONSTRAINT quiet_hours_pkey PRIMARY KEY (tenant_id, customer_id);

ALTER TABLE ONLY kassa.refresh_tokens
    ADD CONSTRAINT refresh_tokens_pkey PRIMARY KEY (tenant_id, token_hash);

ALTER TABLE ONLY kassa.request_counts
    ADD CONSTRAINT request_counts_pkey PRIMARY KEY (bucket, window_start);

ALTER TABLE ONLY kassa.request_results
    ADD CONSTRAINT request_results_pkey PRIMARY KEY (tenant_id, request_id);

ALTER TABLE ONLY kassa.service_actions
    ADD CONSTRAINT service_actions_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.service_actions
    ADD CONSTRAINT service_actions_public_id_unique UNIQUE (tenant_id, public_id);

ALTER TABLE ONLY kassa.services
    ADD CONSTRAINT services_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.staff_users
    ADD CONSTRAINT staff_users_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.stream_tickets
    ADD CONSTRAINT stream_tickets_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.tenants
    ADD CONSTRAINT tenants_pkey PRIMARY KEY (id);

ALTER TABLE ONLY kassa.tenants
    ADD CONSTRAINT tenants_slug_key UNIQUE (slug);

ALTER TABLE ONLY kassa.ticket_attachments
    ADD CONSTRAINT ticket_attachments_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.ticket_messages
    ADD CONSTRAINT ticket_messages_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.tickets
    ADD CONSTRAINT tickets_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.usage_daily
    ADD CONSTRAINT usage_daily_pkey PRIMARY KEY (tenant_id, service_id, usage_on, unit);

ALTER TABLE ONLY kassa.usage_periods
    ADD CONSTRAINT usage_periods_pkey PRIMARY KEY (tenant_id, service_id, period_start, meter);

ALTER TABLE ONLY kassa.usage_records
    ADD CONSTRAINT usage_records_key_once UNIQUE (tenant_id, source, key);

ALTER TABLE ONLY kassa.usage_records
    ADD CONSTRAINT usage_records_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.usage_records
    ADD CONSTRAINT usage_records_public_id_unique UNIQUE (tenant_id, public_id);

ALTER TABLE ONLY kassa.vat_rates
    ADD CONSTRAINT vat_rates_pkey PRIMARY KEY (tenant_id, category);

ALTER TABLE ONLY kassa.webhook_attempts
    ADD CONSTRAINT webhook_attempts_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.webhook_deliveries
    ADD CONSTRAINT webhook_deliveries_one_per_endpoint UNIQUE (tenant_id, endpoint_id, notification_id);

ALTER TABLE ONLY kassa.webhook_deliveries
    ADD CONSTRAINT webhook_deliveries_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.webhook_deliveries
    ADD CONSTRAINT webhook_deliveries_public_id_unique UNIQUE (tenant_id, public_id);

ALTER TABLE ONLY kassa.webhook_endpoint_states
    ADD CONSTRAINT webhook_endpoint_states_pkey PRIMARY KEY (tenant_id, endpoint_id);

ALTER TABLE ONLY kassa.webhook_endpoints
    ADD CONSTRAINT webhook_endpoints_pkey PRIMARY KEY (tenant_id, id);

ALTER TABLE ONLY kassa.webhook_endpoints
    ADD CONSTRAINT webhook_endpoints_public_id_unique UNIQUE (tenant_id, public_id);

ALTER TABLE ONLY kassa.webhook_events
    ADD CONSTRAINT webhook_events_pkey PRIMARY KEY (provider, event_id);

ALTER TABLE ONLY kassa.webhook_secrets
    ADD CONSTRAINT webhook_secrets_pkey PRIMARY KEY (tenant_id, id);

CREATE INDEX log_row ON audit.log USING btree (tenant_id, table_name, row_key);

CREATE INDEX log_transaction ON audit.log USING btree (tenant_id, transaction_id);

CREATE UNIQUE INDEX api_keys_id_unique ON kassa.api_keys USING btree (id);

CREATE INDEX credit_notes_issued ON kassa.credit_notes USING btree (tenant_id, issued_on);

CREATE UNIQUE INDEX customers_email_unique ON kassa.customers USING btree (tenant_id, lower(email));

CREATE INDEX customers_status ON kassa.customers USING btree (tenant_id, status);

CREATE INDEX debit_order_items_batch ON kassa.debit_order_items USING btree (tenant_id, batch_id) INCLUDE (status, amount);

CREATE INDEX debit_order_items_by_reference ON kassa.debit_order_items USING btree (account_reference, amount);

CREATE UNIQUE INDEX debit_order_items_one_in_flight ON kassa.debit_order_items USING btree (tenant_id, invoice_id) WHERE (status = ANY (ARRAY['pending'::text, 'submitted'::text]));

CREATE INDEX dunning_pauses_open ON kassa.dunning_pauses USING btree (tenant_id, customer_id) WHERE (ended_at IS NULL);

CREATE UNIQUE INDEX dunning_steps_one_suspension ON kassa.dunning_steps USING btree (tenant_id, schedule_version) WHERE (kind = 'suspend'::text);

CREATE UNIQUE INDEX identities_customer_unique ON kassa.identities USING btree (tenant_id, customer_id);

CREATE UNIQUE INDEX identities_email_unique ON kassa.identities USING btree (tenant_id, lower(email));

CREATE UNIQUE INDEX identities_staff_user_unique ON kassa.identities USING btree (tenant_id, staff_user_id);

CREATE INDEX invoice_allocations_invoice ON kassa.invoice_allocations USING btree (tenant_id, invoice_id);

CREATE INDEX invoice_dunning_steps_customer ON kassa.invoice_dunning_steps USING btree (tenant_id, customer_id);

CREATE INDEX invoice_dunning_steps_unsent ON kassa.invoice_dunning_steps USING btree (tenant_id) WHERE ((outcome = 'taken'::text) AND (notification_id IS NULL));

CREATE INDEX invoice_lines_invoice ON kassa.invoice_lines USING btree (tenant_id, invoice_id, "position");

CREATE UNIQUE INDEX invoice_lines_recurring_once ON kassa.invoice_lines USING btree (tenant_id, service_id, period_start) WHERE (charge_kind = 'recurring'::text);

CREATE INDEX invoices_issued ON kassa.invoices USING btree (tenant_id, issued_on) INCLUDE (status, total) WHERE (number IS NOT NULL);

CREATE INDEX invoices_open ON kassa.invoices USING btree (tenant_id, customer_id, issued_on) WHERE (status = ANY (ARRAY['finalised'::text, 'partially_paid'::text, 'overdue'::text]));

CREATE INDEX invoices_open_by_due_date ON kassa.invoices USING btree (tenant_id, due_on) INCLUDE (amount_due) WHERE (status = ANY (ARRAY['finalised'::text, 'partially_paid'::text, 'overdue'::text]));

CREATE INDEX job_runs_id ON kassa.job_runs USING btree (id);

CREATE INDEX job_runs_job_as_of ON kassa.job_runs USING btree (job, as_of);

CREATE UNIQUE INDEX job_runs_one_per_slot ON kassa.job_runs USING btree (job, tenant_id, slot) NULLS NOT DISTINCT WHERE (slot IS NOT NULL);

CREATE UNIQUE INDEX job_runs_one_queued ON kassa.job_runs USING btree (job, tenant_id) NULLS NOT DISTINCT WHERE (status = 'queued'::text);

CREATE INDEX job_runs_open ON kassa.job_runs USING btree (job, id) WHERE (status = ANY (ARRAY['queued'::text, 'running'::text]));

CREATE INDEX legacy_ids_kassa_id ON kassa.legacy_ids USING btree (tenant_id, kassa_id);

CREATE INDEX login_families_identity ON kassa.login_families USING btree (tenant_id, identity_id) WHERE (revoked_at IS NULL);

CREATE INDEX login_links_mail_due ON kassa.login_links USING btree (next_attempt_at) WHERE (mail_status = ANY (ARRAY['queued'::text, 'sending'::text]));

CREATE UNIQUE INDEX login_links_token_hash_unique ON kassa.login_links USING btree (token_hash);

CREATE INDEX message_attempts_message ON kassa.message_attempts USING btree (tenant_id, message_id, attempt);

CREATE INDEX messages_customer ON kassa.messages USING btree (tenant_id, customer_id, id);

CREATE INDEX messages_due ON kassa.messages USING btree (channel, next_attempt_at) WHERE (status = ANY (ARRAY['queued'::text, 'sending'::text]));

CREATE INDEX messages_failed ON kassa.messages USING btree (tenant_id, created_at) WHERE (status = 'failed'::text);

CREATE INDEX notifications_customer ON kassa.notifications USING btree (tenant_id, customer_id, id);

CREATE INDEX notifications_in_order ON kassa.notifications USING btree (xact_id, id);

CREATE INDEX notifications_undelivered ON kassa.notifications USING btree (created_at) WHERE (delivered_at IS NULL);

CREATE INDEX payment_links_customer ON kassa.payment_links USING btree (tenant_id, customer_id, created_at);

CREATE INDEX payment_links_invoice ON kassa.payment_links USING btree (tenant_id, invoice_id) WHERE (invoice_id IS NOT NULL);

CREATE UNIQUE INDEX payment_links_token_hash ON kassa.payment_links USING btree (token_hash);

CREATE UNIQUE INDEX payment_methods_by_netcash_account_ref ON kassa.payment_methods USING btree (netcash_account_ref) WHERE (netcash_account_ref IS NOT NULL);

CREATE UNIQUE INDEX payment_methods_one_primary ON kassa.payment_methods USING btree (tenant_id, customer_id) WHERE is_primary;

CREATE INDEX payments_by_link ON kassa.payments USING btree (tenant_id, payment_link_id) WHERE (payment_link_id IS NOT NULL);

CREATE UNIQUE INDEX payments_by_octo_ref ON kassa.payments USING btree (provider_ref) WHERE (provider = 'octo'::text);

CREATE INDEX payments_by_provider_intent ON kassa.payments USING btree (provider_intent_ref) WHERE (provider_intent_ref IS NOT NULL);

CREATE INDEX payments_completed ON kassa.payments USING btree (tenant_id, completed_at) INCLUDE (amount) WHERE (completed_at IS NOT NULL);

CREATE INDEX payments_customer ON kassa.payments USING btree (tenant_id, customer_id, created_at);

CREATE INDEX payments_in_flight_invoice_charges ON kassa.payments USING btree (created_at) WHERE ((status = 'pending'::text) AND ((auto_pay_due_on IS NOT NULL) OR (dunning_step IS NOT NULL)));

CREATE UNIQUE INDEX payments_one_auto_pay_per_due_date ON kassa.payments USING btree (tenant_id, invoice_id, auto_pay_due_on) WHERE (auto_pay_due_on IS NOT NULL);

CREATE UNIQUE INDEX payments_one_auto_topup_in_flight ON kassa.payments USING btree (tenant_id, customer_id) WHERE (auto_topup AND (status = 'pending'::text));

CREATE UNIQUE INDEX payments_one_retry_per_dunning_step ON kassa.payments USING btree (tenant_id, invoice_id, dunning_step) WHERE (dunning_step IS NOT NULL);

CREATE INDEX pending_charges_open ON kassa.pending_charges USING btree (tenant_id, customer_id) WHERE (invoice_line_id IS NULL);

CREATE INDEX price_versions_current ON kassa.price_versions USING btree (tenant_id, product_id, valid_from DESC);

CREATE INDEX push_subscriptions_customer ON kassa.push_subscriptions USING btree (tenant_id, customer_id);

CREATE UNIQUE INDEX refresh_tokens_token_hash_unique ON kassa.refresh_tokens USING btree (token_hash);

CREATE INDEX request_results_age ON kassa.request_results USING btree (tenant_id, created_at);

CREATE INDEX service_actions_service ON kassa.service_actions USING btree (tenant_id, service_id, id);

CREATE INDEX services_customer ON kassa.services USING btree (tenant_id, customer_id);

CREATE INDEX services_due ON kassa.services USING btree (tenant_id, next_billing_date) WHERE (status = 'active'::text);

CREATE INDEX services_non_payment ON kassa.services USING btree (tenant_id, customer_id) WHERE (suspension_reason = 'non_payment'::text);

CREATE UNIQUE INDEX staff_users_email_unique ON kassa.staff_users USING btree (tenant_id, lower(email));

CREATE INDEX stream_tickets_expires_at ON kassa.stream_tickets USING btree (expires_at);

CREATE INDEX ticket_attachments_message ON kassa.ticket_attachments USING btree (tenant_id, message_id);

CREATE INDEX ticket_messages_ticket ON kassa.ticket_messages USING btree (tenant_id, ticket_id, created_at);

CREATE INDEX tickets_customer ON kassa.tickets USING btree (tenant_id, customer_id, last_message_at);

CREATE INDEX tickets_status ON kassa.tickets USING btree (tenant_id, status, last_message_at);

CREATE INDEX usage_daily_customer ON kassa.usage_daily USING btree (tenant_id, customer_id, usage_on);

CREATE INDEX usage_records_customer ON kassa.usage_records USING btree (tenant_id, customer_id, usage_at);

CREATE INDEX usage_records_service ON kassa.usage_records USING btree (tenant_id, service_id, usage_at);

CREATE INDEX usage_records_uncounted ON kassa.usage_records USING btree (tenant_id, period_end) WHERE (counted_on IS NULL);

CREATE INDEX webhook_attempts_created ON kassa.webhook_attempts USING btree (created_at);

CREATE INDEX webhook_attempts_delivery ON kassa.webhook_attempts USING btree (tenant_id, delivery_id, id);

CREATE INDEX webhook_deliveries_due ON kassa.webhook_deliveries USING btree (next_attempt_at) WHERE (status = ANY (ARRAY['queued'::text, 'sending'::text]));

CREATE INDEX webhook_deliveries_failed ON kassa.webhook_deliveries USING btree (tenant_id, created_at) WHERE (status = 'failed'::text);

CREATE INDEX webhook_deliveries_finished ON kassa.webhook_deliveries USING btree (created_at) WHERE (status = ANY (ARRAY['delivered'::text, 'failed'::text]));

CREATE INDEX webhook_endpoints_enabled ON kassa.webhook_endpoints USING btree (id) WHERE enabled;

CREATE UNIQUE INDEX webhook_secrets_one_current ON kassa.webhook_secrets USING btree (tenant_id, endpoint_id) WHERE (expires_at IS NULL);

CREATE TRIGGER count_rows BEFORE DELETE OR UPDATE ON api.billing_settings FOR EACH STATEMENT EXECUTE FUNCTION internal.start_row_count();

CREATE TRIGGER count_rows BEFORE DELETE OR UPDATE ON api.bonus_tiers FOR EACH STATEMENT EXECUTE FUNCTION internal.start_row_count();

CREATE TRIGGER count_rows BEFORE DELETE OR UPDATE ON api.customers FOR EACH STATEMENT EXECUTE FUNCTION internal.start_row_count();

CREATE TRIGGER count_rows BEFORE DELETE OR UPDATE ON api.datev_debtor_accounts FOR EACH STATEMENT EXECUTE FUNCTION internal.start_row_count();

CREATE TRIGGER count_rows BEFORE DELETE OR UPDATE ON api.datev_revenue_accounts FOR EACH STATEMENT EXECUTE FUNCTION internal.start_row_count();

CREATE TRIGGER count_rows BEFORE DELETE OR UPDATE ON api.datev_settings FOR EACH STATEMENT EXECUTE FUNCTION internal.start_row_count();

CREATE TRIGGER count_rows BEFORE DELETE OR UPDATE ON api.document_settings FOR EACH STATEMENT EXECUTE FUNCTION internal.start_row_count();

CREATE TRIGGER count_rows BEFORE DELETE OR UPDATE ON api.invoices FOR EACH STATEMENT EXECUTE FUNCTION internal.start_row_count();

CREATE TRIGGER count_rows BEFORE DELETE OR UPDATE ON api.low_balance_thresholds FOR EACH STATEMENT EXECUTE FUNCTION internal.start_row_count();

CREATE TRIGGER count_rows BEFORE DELETE OR UPDATE ON api.payment_settings FOR EACH STATEMENT EXECUTE FUNCTION internal.start_row_count();

CREATE TRIGGER count_rows BEFORE DELETE OR UPDATE ON api.price_versions FOR EACH STATEMENT EXECUTE FUNCTION internal.start_row_count();

CREATE TRIGGER count_rows BEFORE DELETE OR UPDATE ON api.products FOR EACH STATEMENT EXECUTE FUNCTION internal.start_row_count();

CREATE TRIGGER count_rows BEFORE DELETE OR UPDATE ON api.services FOR EACH STATEMENT EXECUTE FUNCTION internal.start_row_count();

CREATE TRIGGER count_rows BEFORE DELETE OR UPDATE ON api.staff_users FOR EACH STATEMENT EXECUTE FUNCTION internal.start_row_count();

CREATE TRIGGER count_rows BEFORE DELETE OR UPDATE ON api.tenants FOR EACH STATEMENT EXECUTE FUNCTION internal.start_row_count();

CREATE TRIGGER count_rows BEFORE DELETE OR UPDATE ON api.vat_rates FOR EACH STATEMENT EXECUTE FUNCTION internal.start_row_count();

CREATE TRIGGER write_one_row INSTEAD OF DELETE OR UPDATE ON api.billing_settings FOR EACH ROW EXECUTE FUNCTION internal.write_one_row('kassa.tenants', '{"tenant_id": "id"}');

CREATE TRIGGER write_one_row INSTEAD OF DELETE OR UPDATE ON api.bonus_tiers FOR EACH ROW EXECUTE FUNCTION internal.write_one_row('kassa.bonus_tiers', '{}');

CREATE TRIGGER write_one_row INSTEAD OF DELETE OR UPDATE ON api.customers FOR EACH ROW EXECUTE FUNCTION internal.write_one_row('kassa.customers', '{}');

CREATE TRIGGER write_one_row INSTEAD OF DELETE OR UPDATE ON api.datev_debtor_accounts FOR EACH ROW EXECUTE FUNCTION internal.write_one_row('kassa.datev_debtor_accounts', '{}');

CREATE TRIGGER write_one_row INSTEAD OF DELETE OR UPDATE ON api.datev_revenue_accounts FOR EACH ROW EXECUTE FUNCTION internal.write_one_row('kassa.datev_revenue_accounts', '{}');

CREATE TRIGGER write_one_row INSTEAD OF DELETE OR UPDATE ON api.datev_settings FOR EACH ROW EXECUTE FUNCTION internal.write_one_row('kassa.datev_settings', '{}');

CREATE TRIGGER write_one_row INSTEAD OF DELETE OR UPDATE ON api.document_settings FOR EACH ROW EXECUTE FUNCTION internal.write_one_row('kassa.document_settings', '{}');

CREATE TRIGGER write_one_row INSTEAD OF DELETE OR UPDATE ON api.invoices FOR EACH ROW EXECUTE FUNCTION internal.write_one_row('kassa.invoices', '{}');

CREATE TRIGGER write_one_row INSTEAD OF DELETE OR UPDATE ON api.low_balance_thresholds FOR EACH ROW EXECUTE FUNCTION internal.write_one_row('kassa.low_balance_thresholds', '{}');

CREATE TRIGGER write_one_row INSTEAD OF DELETE OR UPDATE ON api.payment_settings FOR EACH ROW EXECUTE FUNCTION internal.write_one_row('kassa.payment_settings', '{}');

CREATE TRIGGER write_one_row INSTEAD OF DELETE OR UPDATE ON api.price_versions FOR EACH ROW EXECUTE FUNCTION internal.write_one_row('kassa.price_versions', '{}');

CREATE TRIGGER write_one_row INSTEAD OF DELETE OR UPDATE ON api.products FOR EACH ROW EXECUTE FUNCTION internal.write_one_row('kassa.products', '{}');

CREATE TRIGGER write_one_row INSTEAD OF DELETE OR UPDATE ON api.services FOR EACH ROW EXECUTE FUNCTION internal.write_one_row('kassa.services', '{}');

CREATE TRIGGER write_one_row INSTEAD OF DELETE OR UPDATE ON api.staff_users FOR EACH ROW EXECUTE FUNCTION internal.write_one_row('kassa.staff_users', '{}');

CREATE TRIGGER write_one_row INSTEAD OF DELETE OR UPDATE ON api.tenants FOR EACH ROW EXECUTE FUNCTION internal.write_one_row('kassa.tenants', '{}');

CREATE TRIGGER write_one_row INSTEAD OF DELETE OR UPDATE ON api.vat_rates FOR EACH ROW EXECUTE FUNCTION internal.write_one_row('kassa.vat_rates', '{}');

CREATE TRIGGER append_only BEFORE DELETE OR UPDATE ON audit.log FOR EACH ROW EXECUTE FUNCTION internal.refuse_change('P0A01', 'the audit log is append-only', 'Audit rows can be read, never changed or removed.');

CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON audit.log FOR EACH STATEMENT EXECUTE FUNCTION internal.refuse_change('P0A01', 'the audit log is append-only', 'Audit rows can be read, never changed or removed.');

CREATE TRIGGER append_only BEFORE DELETE OR UPDATE ON kassa.ledger_entries FOR EACH ROW EXECUTE FUNCTION internal.refuse_change('P0L06', 'ledger entries are append-only', 'Correct a posting with a new entry (adjustment, credit note, refund).');

CREATE TRIGGER append_only BEFORE DELETE OR UPDATE ON kassa.service_actions FOR EACH ROW EXECUTE FUNCTION internal.refuse_change('P0S08', 'the service action log is append-only');

CREATE TRIGGER append_only BEFORE DELETE OR UPDATE ON kassa.ticket_attachments FOR EACH ROW EXECUTE FUNCTION internal.refuse_change('P0J39', 'a ticket attachment is never changed or deleted', 'Attach the file to another message instead.');

CREATE TRIGGER append_only BEFORE DELETE OR UPDATE ON kassa.ticket_messages FOR EACH ROW EXECUTE FUNCTION internal.refuse_change('P0J39', 'a ticket message is never changed or deleted', 'Write another message instead.');

CREATE TRIGGER append_only BEFORE DELETE ON kassa.usage_records FOR EACH ROW EXECUTE FUNCTION internal.refuse_change('P0O06', 'usage records are never deleted');

CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON kassa.ledger_entries FOR EACH STATEMENT EXECUTE FUNCTION internal.refuse_change('P0L06', 'ledger entries are append-only', 'Correct a posting with a new entry (adjustment, credit note, refund).');

CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON kassa.ticket_attachments FOR EACH STATEMENT EXECUTE FUNCTION internal.refuse_change('P0J39', 'a ticket attachment is never changed or deleted', 'Attach the file to another message instead.');

CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON kassa.ticket_messages FOR EACH STATEMENT EXECUTE FUNCTION internal.refuse_change('P0J39', 'a ticket message is never changed or deleted', 'Write another message instead.');

CREATE TRIGGER assign_account_number BEFORE INSERT ON kassa.customers FOR EACH ROW EXECUTE FUNCTION internal.assign_account_number();

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.api_keys REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id', '!secret_hash', '-last_used_at');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.auto_topups REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'customer_id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.balance_adjustments REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.bonus_tiers REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'min_amount');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.credit_limits REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'customer_id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.credit_note_lines REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.credit_note_vat_totals REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'credit_note_id', 'vat_category', 'vat_rate');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.credit_notes REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.customers REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.datev_debtor_accounts REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'customer_id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.datev_revenue_accounts REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'vat_category', 'vat_rate');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.datev_settings REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'tenant_id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.debit_order_batches REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.debit_order_items REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.document_settings REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'tenant_id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.dunning_pauses REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.dunning_schedules REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'version');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.dunning_steps REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'schedule_version', 'day_offset');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.identities REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id', '!password_hash', '!totp_secret', '!totp_pending', '-last_login_at', '-totp_last_step');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.invoice_allocations REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'public_id', '!id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.invoice_lines REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.invoices REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.legacy_ids REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'kind', 'legacy_id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.low_balance_thresholds REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'amount');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.message_preferences REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'customer_id', 'kind', 'channel');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.oidc_links REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'provider_id', 'subject');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.oidc_providers REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.payment_links REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id', '!token_hash');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.payment_methods REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.payment_refunds REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.payment_settings REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'tenant_id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.payments REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.pending_charges REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.price_versions REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.products REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.quiet_hours REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'customer_id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.services REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id', '-next_billing_date');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.staff_users REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.tenants REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.ticket_attachments REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id', '!content');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.ticket_messages REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.tickets REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id', '-updated_at', '-last_message_at');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.vat_rates REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'category');

CREATE TRIGGER audit_delete AFTER DELETE ON kassa.webhook_endpoints REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'public_id', '!id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.api_keys REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id', '!secret_hash', '-last_used_at');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.auto_topups REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'customer_id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.balance_adjustments REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.bonus_tiers REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'min_amount');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.credit_limits REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'customer_id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.credit_note_lines REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.credit_note_vat_totals REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'credit_note_id', 'vat_category', 'vat_rate');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.credit_notes REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.customers REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.datev_debtor_accounts REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'customer_id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.datev_revenue_accounts REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'vat_category', 'vat_rate');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.datev_settings REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'tenant_id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.debit_order_batches REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.debit_order_items REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.document_settings REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'tenant_id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.dunning_pauses REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.dunning_schedules REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'version');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.dunning_steps REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'schedule_version', 'day_offset');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.identities REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id', '!password_hash', '!totp_secret', '!totp_pending', '-last_login_at', '-totp_last_step');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.invoice_allocations REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'public_id', '!id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.invoice_lines REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.invoices REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.legacy_ids REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'kind', 'legacy_id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.low_balance_thresholds REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'amount');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.message_preferences REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'customer_id', 'kind', 'channel');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.oidc_links REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'provider_id', 'subject');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.oidc_providers REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.payment_links REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id', '!token_hash');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.payment_methods REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.payment_refunds REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.payment_settings REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'tenant_id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.payments REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.pending_charges REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.price_versions REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.products REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.quiet_hours REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'customer_id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.services REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id', '-next_billing_date');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.staff_users REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.tenants REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.ticket_attachments REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id', '!content');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.ticket_messages REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.tickets REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'id', '-updated_at', '-last_message_at');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.vat_rates REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'category');

CREATE TRIGGER audit_insert AFTER INSERT ON kassa.webhook_endpoints REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_inserted_or_deleted('tenant_id', 'public_id', '!id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.api_keys REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id', '!secret_hash', '-last_used_at');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.auto_topups REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'customer_id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.balance_adjustments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.bonus_tiers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'min_amount');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.credit_limits REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'customer_id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.credit_note_lines REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.credit_note_vat_totals REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'credit_note_id', 'vat_category', 'vat_rate');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.credit_notes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.customers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.datev_debtor_accounts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'customer_id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.datev_revenue_accounts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'vat_category', 'vat_rate');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.datev_settings REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'tenant_id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.debit_order_batches REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.debit_order_items REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.document_settings REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'tenant_id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.dunning_pauses REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.dunning_schedules REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'version');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.dunning_steps REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'schedule_version', 'day_offset');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.identities REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id', '!password_hash', '!totp_secret', '!totp_pending', '-last_login_at', '-totp_last_step');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.invoice_allocations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'public_id', '!id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.invoice_lines REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.invoices REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.legacy_ids REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'kind', 'legacy_id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.low_balance_thresholds REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'amount');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.message_preferences REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'customer_id', 'kind', 'channel');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.oidc_links REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'provider_id', 'subject');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.oidc_providers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.payment_links REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id', '!token_hash');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.payment_methods REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.payment_refunds REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.payment_settings REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'tenant_id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.payments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.pending_charges REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.price_versions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.products REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.quiet_hours REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'customer_id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.services REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id', '-next_billing_date');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.staff_users REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.tenants REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.ticket_attachments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id', '!content');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.ticket_messages REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.tickets REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'id', '-updated_at', '-last_message_at');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.vat_rates REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'category');

CREATE TRIGGER audit_update AFTER UPDATE ON kassa.webhook_endpoints REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION internal.audit_updated('tenant_id', 'public_id', '!id');

CREATE TRIGGER check_draft_edit BEFORE UPDATE OF notes, period_start, period_end, supplied_on, buyer_reference ON kassa.invoices FOR EACH ROW WHEN (((old.status = 'draft'::text) AND (CURRENT_USER = 'staff'::name))) EXECUTE FUNCTION internal.check_draft_edit();

CREATE TRIGGER check_dunning_fee BEFORE UPDATE OF dunning_fee_vat_category ON kassa.tenants FOR EACH ROW WHEN ((new.dunning_fee_vat_category IS NOT NULL)) EXECUTE FUNCTION internal.check_tenant_dunning_fee();

CREATE TRIGGER check_new_customer BEFORE INSERT ON kassa.customers FOR EACH ROW EXECUTE FUNCTION internal.check_new_customer();

CREATE TRIGGER check_new_service BEFORE INSERT ON kassa.services FOR EACH ROW EXECUTE FUNCTION internal.check_new_service();

CREATE TRIGGER check_price_version BEFORE INSERT OR UPDATE ON kassa.price_versions FOR EACH ROW EXECUTE FUNCTION internal.check_price_version();

CREATE TRIGGER check_product BEFORE INSERT OR UPDATE OF name, description ON kassa.products FOR EACH ROW EXECUTE FUNCTION internal.check_text_columns('name', 'name', '200', 'required', 'description', 'description', '500', 'optional');

CREATE TRIGGER check_service_text BEFORE INSERT OR UPDATE OF installation_address, reference ON kassa.services FOR EACH ROW EXECUTE FUNCTION internal.check_text_columns('installation_address', 'installation_address', '1000', 'optional', 'reference', 'reference', '4000', 'optional');

CREATE TRIGGER check_tenant BEFORE INSERT OR UPDATE OF timezone, name, legal_name, address, vat_number, locale, mandatory_message_kinds, mail_sender_name, street, postcode, city, tax_number, registration_number, iban, bic ON kassa.tenants FOR EACH ROW EXECUTE FUNCTION internal.check_tenant();

CREATE TRIGGER check_vat_rate BEFORE INSERT OR UPDATE ON kassa.vat_rates FOR EACH ROW EXECUTE FUNCTION internal.check_vat_rate();

CREATE TRIGGER default_dunning_schedule AFTER INSERT ON kassa.tenants REFERENCING NEW TABLE AS new_tenants FOR EACH STATEMENT EXECUTE FUNCTION internal.default_dunning_schedule();

CREATE TRIGGER documents_append_only BEFORE DELETE OR UPDATE ON kassa.documents FOR EACH ROW EXECUTE FUNCTION internal.refuse_document_change();

CREATE TRIGGER documents_no_truncate BEFORE TRUNCATE ON kassa.documents FOR EACH STATEMENT EXECUTE FUNCTION internal.refuse_document_change();

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

CREATE TRIGGER guard_usage_record BEFORE UPDATE ON kassa.usage_records FOR EACH ROW EXECUTE FUNCTION internal.guard_usage_record();

CREATE TRIGGER keep_an_admin BEFORE UPDATE OF role, status ON kassa.staff_users FOR EACH ROW EXECUTE FUNCTION internal.keep_an_admin();

CREATE TRIGGER lift_email_suppression AFTER UPDATE OF email ON kassa.customers FOR EACH ROW WHEN ((old.email IS DISTINCT FROM new.email)) EXECUTE FUNCTION internal.lift_email_suppression();

CREATE TRIGGER log_message_attempt AFTER UPDATE ON kassa.messages FOR EACH ROW WHEN (((old.status = 'sending'::text) AND ((new.status <> 'sending'::text) OR (new.attempts > old.attempts)))) EXECUTE FUNCTION internal.log_message_attempt();

CREATE TRIGGER notify_balances AFTER UPDATE ON kassa.billing_accounts REFERENCING OLD TABLE AS old_accounts NEW TABLE AS new_accounts FOR EACH STATEMENT EXECUTE FUNCTION internal.notify_balances();

CREATE TRIGGER open_billing_account AFTER INSERT ON kassa.customers FOR EACH ROW EXECUTE FUNCTION internal.open_billing_account();

CREATE TRIGGER reconnect_paid_up AFTER UPDATE ON kassa.invoices REFERENCING OLD TABLE AS old_invoices NEW TABLE AS new_invoices FOR EACH STATEMENT EXECUTE FUNCTION internal.reconnect_paid_up();

CREATE TRIGGER refuse_customer_delete BEFORE DELETE ON kassa.customers FOR EACH ROW EXECUTE FUNCTION internal.refuse_change('P0C03', 'customers are never deleted', 'Close them with /rpc/close_customer instead.');

CREATE TRIGGER request_auto_topup AFTER UPDATE OF balance ON kassa.billing_accounts FOR EACH ROW WHEN ((new.balance < old.balance)) EXECUTE FUNCTION internal.request_auto_topup();

CREATE TRIGGER wake_event_consumers AFTER INSERT ON kassa.notifications FOR EACH STATEMENT EXECUTE FUNCTION internal.wake_event_consumers();

ALTER TABLE ONLY kassa.api_keys
    ADD CONSTRAINT api_keys_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.api_keys
    ADD CONSTRAINT api_keys_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

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

ALTER TABLE ONLY kassa.credit_limits
    ADD CONSTRAINT credit_limits_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.billing_accounts(tenant_id, customer_id);

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

ALTER TABLE ONLY kassa.datev_debtor_accounts
    ADD CONSTRAINT datev_debtor_accounts_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.datev_revenue_accounts
    ADD CONSTRAINT datev_revenue_accounts_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.datev_settings
    ADD CONSTRAINT datev_settings_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.debit_order_batches
    ADD CONSTRAINT debit_order_batches_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.debit_order_items
    ADD CONSTRAINT debit_order_items_tenant_id_batch_id_fkey FOREIGN KEY (tenant_id, batch_id) REFERENCES kassa.debit_order_batches(tenant_id, id);

ALTER TABLE ONLY kassa.debit_order_items
    ADD CONSTRAINT debit_order_items_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.debit_order_items
    ADD CONSTRAINT debit_order_items_tenant_id_invoice_id_fkey FOREIGN KEY (tenant_id, invoice_id) REFERENCES kassa.invoices(tenant_id, id);

ALTER TABLE ONLY kassa.debit_order_items
    ADD CONSTRAINT debit_order_items_tenant_id_payment_id_fkey FOREIGN KEY (tenant_id, payment_id) REFERENCES kassa.payments(tenant_id, id);

ALTER TABLE ONLY kassa.debit_order_items
    ADD CONSTRAINT debit_order_items_tenant_id_payment_method_id_fkey FOREIGN KEY (tenant_id, payment_method_id) REFERENCES kassa.payment_methods(tenant_id, id);

ALTER TABLE ONLY kassa.document_settings
    ADD CONSTRAINT document_settings_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.documents
    ADD CONSTRAINT documents_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.documents
    ADD CONSTRAINT documents_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.dunning_pauses
    ADD CONSTRAINT dunning_pauses_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.dunning_pauses
    ADD CONSTRAINT dunning_pauses_tenant_id_invoice_id_fkey FOREIGN KEY (tenant_id, invoice_id) REFERENCES kassa.invoices(tenant_id, id);

ALTER TABLE ONLY kassa.dunning_schedules
    ADD CONSTRAINT dunning_schedules_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.dunning_steps
    ADD CONSTRAINT dunning_steps_tenant_id_schedule_version_fkey FOREIGN KEY (tenant_id, schedule_version) REFERENCES kassa.dunning_schedules(tenant_id, version);

ALTER TABLE ONLY kassa.identities
    ADD CONSTRAINT identities_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.identities
    ADD CONSTRAINT identities_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.identities
    ADD CONSTRAINT identities_tenant_id_staff_user_id_fkey FOREIGN KEY (tenant_id, staff_user_id) REFERENCES kassa.staff_users(tenant_id, id);

ALTER TABLE ONLY kassa.invoice_allocations
    ADD CONSTRAINT invoice_allocations_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.invoice_allocations
    ADD CONSTRAINT invoice_allocations_tenant_id_invoice_id_fkey FOREIGN KEY (tenant_id, invoice_id) REFERENCES kassa.invoices(tenant_id, id);

ALTER TABLE ONLY kassa.invoice_dunning_steps
    ADD CONSTRAINT invoice_dunning_steps_tenant_id_invoice_id_fkey FOREIGN KEY (tenant_id, invoice_id) REFERENCES kassa.invoice_dunning(tenant_id, invoice_id);

ALTER TABLE ONLY kassa.invoice_dunning_steps
    ADD CONSTRAINT invoice_dunning_steps_tenant_id_notification_id_fkey FOREIGN KEY (tenant_id, notification_id) REFERENCES kassa.notifications(tenant_id, id);

ALTER TABLE ONLY kassa.invoice_dunning
    ADD CONSTRAINT invoice_dunning_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.invoice_dunning
    ADD CONSTRAINT invoice_dunning_tenant_id_invoice_id_fkey FOREIGN KEY (tenant_id, invoice_id) REFERENCES kassa.invoices(tenant_id, id);

ALTER TABLE ONLY kassa.invoice_dunning
    ADD CONSTRAINT invoice_dunning_tenant_id_schedule_version_fkey FOREIGN KEY (tenant_id, schedule_version) REFERENCES kassa.dunning_schedules(tenant_id, version);

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

ALTER TABLE ONLY kassa.legacy_ids
    ADD CONSTRAINT legacy_ids_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.login_families
    ADD CONSTRAINT login_families_tenant_id_identity_id_fkey FOREIGN KEY (tenant_id, identity_id) REFERENCES kassa.identities(tenant_id, id);

ALTER TABLE ONLY kassa.login_links
    ADD CONSTRAINT login_links_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.login_links
    ADD CONSTRAINT login_links_tenant_id_identity_id_fkey FOREIGN KEY (tenant_id, identity_id) REFERENCES kassa.identities(tenant_id, id);

ALTER TABLE ONLY kassa.low_balance_thresholds
    ADD CONSTRAINT low_balance_thresholds_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.message_attempts
    ADD CONSTRAINT message_attempts_tenant_id_message_id_fkey FOREIGN KEY (tenant_id, message_id) REFERENCES kassa.messages(tenant_id, public_id) ON DELETE CASCADE;

ALTER TABLE ONLY kassa.message_preferences
    ADD CONSTRAINT message_preferences_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.message_suppressions
    ADD CONSTRAINT message_suppressions_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.messages
    ADD CONSTRAINT messages_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.messages
    ADD CONSTRAINT messages_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.messages
    ADD CONSTRAINT messages_tenant_id_notification_id_fkey FOREIGN KEY (tenant_id, notification_id) REFERENCES kassa.notifications(tenant_id, public_id);

ALTER TABLE ONLY kassa.notifications
    ADD CONSTRAINT notifications_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.notifications
    ADD CONSTRAINT notifications_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.oidc_links
    ADD CONSTRAINT oidc_links_tenant_id_identity_id_fkey FOREIGN KEY (tenant_id, identity_id) REFERENCES kassa.identities(tenant_id, id);

ALTER TABLE ONLY kassa.oidc_links
    ADD CONSTRAINT oidc_links_tenant_id_provider_id_fkey FOREIGN KEY (tenant_id, provider_id) REFERENCES kassa.oidc_providers(tenant_id, id);

ALTER TABLE ONLY kassa.oidc_providers
    ADD CONSTRAINT oidc_providers_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.payment_links
    ADD CONSTRAINT payment_links_currency_fkey FOREIGN KEY (currency) REFERENCES kassa.currencies(code);

ALTER TABLE ONLY kassa.payment_links
    ADD CONSTRAINT payment_links_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.payment_links
    ADD CONSTRAINT payment_links_tenant_id_invoice_id_fkey FOREIGN KEY (tenant_id, invoice_id) REFERENCES kassa.invoices(tenant_id, id);

ALTER TABLE ONLY kassa.payment_links
    ADD CONSTRAINT payment_links_tenant_id_payment_id_fkey FOREIGN KEY (tenant_id, payment_id) REFERENCES kassa.payments(tenant_id, id);

ALTER TABLE ONLY kassa.payment_links
    ADD CONSTRAINT payment_links_tenant_id_replaced_by_fkey FOREIGN KEY (tenant_id, replaced_by) REFERENCES kassa.payment_links(tenant_id, id);

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
    ADD CONSTRAINT payments_invoice_fkey FOREIGN KEY (tenant_id, invoice_id) REFERENCES kassa.invoices(tenant_id, id);

ALTER TABLE ONLY kassa.payments
    ADD CONSTRAINT payments_payment_link_fkey FOREIGN KEY (tenant_id, payment_link_id) REFERENCES kassa.payment_links(tenant_id, id);

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

ALTER TABLE ONLY kassa.push_subscriptions
    ADD CONSTRAINT push_subscriptions_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.push_subscriptions
    ADD CONSTRAINT push_subscriptions_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.quiet_hours
    ADD CONSTRAINT quiet_hours_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.refresh_tokens
    ADD CONSTRAINT refresh_tokens_tenant_id_family_id_fkey FOREIGN KEY (tenant_id, family_id) REFERENCES kassa.login_families(tenant_id, id);

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

ALTER TABLE ONLY kassa.staff_users
    ADD CONSTRAINT staff_users_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.stream_tickets
    ADD CONSTRAINT stream_tickets_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.tenants
    ADD CONSTRAINT tenants_currency_known FOREIGN KEY (currency) REFERENCES kassa.currencies(code);

ALTER TABLE ONLY kassa.ticket_attachments
    ADD CONSTRAINT ticket_attachments_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.ticket_attachments
    ADD CONSTRAINT ticket_attachments_tenant_id_message_id_fkey FOREIGN KEY (tenant_id, message_id) REFERENCES kassa.ticket_messages(tenant_id, id);

ALTER TABLE ONLY kassa.ticket_messages
    ADD CONSTRAINT ticket_messages_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.ticket_messages
    ADD CONSTRAINT ticket_messages_tenant_id_ticket_id_fkey FOREIGN KEY (tenant_id, ticket_id) REFERENCES kassa.tickets(tenant_id, id);

ALTER TABLE ONLY kassa.tickets
    ADD CONSTRAINT tickets_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.tickets
    ADD CONSTRAINT tickets_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.tickets
    ADD CONSTRAINT tickets_tenant_id_invoice_id_fkey FOREIGN KEY (tenant_id, invoice_id) REFERENCES kassa.invoices(tenant_id, id);

ALTER TABLE ONLY kassa.tickets
    ADD CONSTRAINT tickets_tenant_id_service_id_fkey FOREIGN KEY (tenant_id, service_id) REFERENCES kassa.services(tenant_id, id);

ALTER TABLE ONLY kassa.usage_daily
    ADD CONSTRAINT usage_daily_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.usage_daily
    ADD CONSTRAINT usage_daily_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.usage_daily
    ADD CONSTRAINT usage_daily_tenant_id_service_id_fkey FOREIGN KEY (tenant_id, service_id) REFERENCES kassa.services(tenant_id, id);

ALTER TABLE ONLY kassa.usage_periods
    ADD CONSTRAINT usage_periods_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.usage_periods
    ADD CONSTRAINT usage_periods_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.usage_periods
    ADD CONSTRAINT usage_periods_tenant_id_service_id_fkey FOREIGN KEY (tenant_id, service_id) REFERENCES kassa.services(tenant_id, id);

ALTER TABLE ONLY kassa.usage_records
    ADD CONSTRAINT usage_records_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers(tenant_id, id);

ALTER TABLE ONLY kassa.usage_records
    ADD CONSTRAINT usage_records_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.usage_records
    ADD CONSTRAINT usage_records_tenant_id_invoice_line_id_fkey FOREIGN KEY (tenant_id, invoice_line_id) REFERENCES kassa.invoice_lines(tenant_id, id);

ALTER TABLE ONLY kassa.usage_records
    ADD CONSTRAINT usage_records_tenant_id_service_id_fkey FOREIGN KEY (tenant_id, service_id) REFERENCES kassa.services(tenant_id, id);

ALTER TABLE ONLY kassa.vat_rates
    ADD CONSTRAINT vat_rates_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.webhook_attempts
    ADD CONSTRAINT webhook_attempts_tenant_id_delivery_id_fkey FOREIGN KEY (tenant_id, delivery_id) REFERENCES kassa.webhook_deliveries(tenant_id, public_id) ON DELETE CASCADE;

ALTER TABLE ONLY kassa.webhook_deliveries
    ADD CONSTRAINT webhook_deliveries_tenant_id_endpoint_id_fkey FOREIGN KEY (tenant_id, endpoint_id) REFERENCES kassa.webhook_endpoints(tenant_id, public_id) ON DELETE CASCADE;

ALTER TABLE ONLY kassa.webhook_deliveries
    ADD CONSTRAINT webhook_deliveries_tenant_id_notification_id_fkey FOREIGN KEY (tenant_id, notification_id) REFERENCES kassa.notifications(tenant_id, public_id);

ALTER TABLE ONLY kassa.webhook_endpoint_states
    ADD CONSTRAINT webhook_endpoint_states_tenant_id_endpoint_id_fkey FOREIGN KEY (tenant_id, endpoint_id) REFERENCES kassa.webhook_endpoints(tenant_id, public_id) ON DELETE CASCADE;

ALTER TABLE ONLY kassa.webhook_endpoints
    ADD CONSTRAINT webhook_endpoints_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES kassa.tenants(id);

ALTER TABLE ONLY kassa.webhook_secrets
    ADD CONSTRAINT webhook_secrets_tenant_id_endpoint_id_fkey FOREIGN KEY (tenant_id, endpoint_id) REFERENCES kassa.webhook_endpoints(tenant_id, public_id) ON DELETE CASCADE;

ALTER TABLE audit.log ENABLE ROW LEVEL SECURITY;

CREATE POLICY staff_select ON audit.log FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

ALTER TABLE kassa.api_keys ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.auto_topups ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.balance_adjustments ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.billing_accounts ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.bonus_tiers ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.clock ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.counters ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.credit_limits ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.credit_note_lines ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.credit_note_vat_totals ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.credit_notes ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.currencies ENABLE ROW LEVEL SECURITY;

CREATE POLICY customer_select ON kassa.api_keys FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.auto_topups FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.billing_accounts FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.bonus_tiers FOR SELECT TO customer USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY customer_select ON kassa.credit_note_lines FOR SELECT TO customer USING ((EXISTS ( SELECT
   FROM kassa.credit_notes p
  WHERE ((p.tenant_id = credit_note_lines.tenant_id) AND (p.id = credit_note_lines.credit_note_id)))));

CREATE POLICY customer_select ON kassa.credit_note_vat_totals FOR SELECT TO customer USING ((EXISTS ( SELECT
   FROM kassa.credit_notes p
  WHERE ((p.tenant_id = credit_note_vat_totals.tenant_id) AND (p.id = credit_note_vat_totals.credit_note_id)))));

CREATE POLICY customer_select ON kassa.credit_notes FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.currencies FOR SELECT TO customer USING (true);

CREATE POLICY customer_select ON kassa.customers FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.debit_order_items FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.documents FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.identities FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.invoice_allocations FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.invoice_dunning FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.invoice_dunning_steps FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.invoice_lines FOR SELECT TO customer USING ((EXISTS ( SELECT
   FROM kassa.invoices p
  WHERE ((p.tenant_id = invoice_lines.tenant_id) AND (p.id = invoice_lines.invoice_id)))));

CREATE POLICY customer_select ON kassa.invoices FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id)) AND (status <> 'draft'::text)));

CREATE POLICY customer_select ON kassa.ledger_entries FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.low_balance_thresholds FOR SELECT TO customer USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY customer_select ON kassa.message_attempts FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.message_preferences FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.message_suppressions FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.messages FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.notifications FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.payment_links FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.payment_methods FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.payment_refunds FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.payment_settings FOR SELECT TO customer USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY customer_select ON kassa.payments FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.pending_charges FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.price_versions FOR SELECT TO customer USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY customer_select ON kassa.products FOR SELECT TO customer USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY customer_select ON kassa.push_subscriptions FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.quiet_hours FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.service_actions FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.services FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.tenants FOR SELECT TO customer USING ((id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY customer_select ON kassa.ticket_attachments FOR SELECT TO customer USING ((EXISTS ( SELECT
   FROM kassa.ticket_messages p
  WHERE ((p.tenant_id = ticket_attachments.tenant_id) AND (p.id = ticket_attachments.message_id)))));

CREATE POLICY customer_select ON kassa.ticket_messages FOR SELECT TO customer USING (((EXISTS ( SELECT
   FROM kassa.tickets p
  WHERE ((p.tenant_id = ticket_messages.tenant_id) AND (p.id = ticket_messages.ticket_id)))) AND (NOT internal)));

CREATE POLICY customer_select ON kassa.tickets FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.usage_daily FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.usage_periods FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.usage_records FOR SELECT TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (customer_id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

CREATE POLICY customer_select ON kassa.vat_rates FOR SELECT TO customer USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY customer_update ON kassa.customers FOR UPDATE TO customer USING (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id)))) WITH CHECK (((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)) AND (id = ( SELECT internal.jwt_customer_id() AS jwt_customer_id))));

ALTER TABLE kassa.customers ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.datev_debtor_accounts ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.datev_revenue_accounts ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.datev_settings ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.debit_order_batches ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.debit_order_items ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.document_settings ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.documents ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.dunning_pauses ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.dunning_schedules ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.dunning_steps ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.identities ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.invoice_allocations ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.invoice_dunning ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.invoice_dunning_steps ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.invoice_lines ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.invoice_run_lines ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.invoices ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.job_runs ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.ledger_entries ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.legacy_ids ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.login_families ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.login_links ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.low_balance_thresholds ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.message_attempts ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.message_preferences ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.message_suppressions ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.messages ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.notifications ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.oidc_links ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.oidc_providers ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.payment_links ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.payment_method_secrets ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.payment_methods ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.payment_refunds ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.payment_settings ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.payments ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.pending_charges ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.price_versions ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.products ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.push_subscriptions ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.quiet_hours ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.refresh_tokens ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.request_counts ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.request_results ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.service_actions ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.services ENABLE ROW LEVEL SECURITY;

CREATE POLICY staff_all ON kassa.bonus_tiers TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_all ON kassa.datev_debtor_accounts TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_all ON kassa.datev_revenue_accounts TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_all ON kassa.datev_settings TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_all ON kassa.document_settings TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_all ON kassa.low_balance_thresholds TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_all ON kassa.payment_settings TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_all ON kassa.vat_rates TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_insert ON kassa.customers FOR INSERT TO staff WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_insert ON kassa.price_versions FOR INSERT TO staff WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_insert ON kassa.products FOR INSERT TO staff WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_insert ON kassa.services FOR INSERT TO staff WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_insert ON kassa.staff_users FOR INSERT TO staff WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.api_keys FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.auto_topups FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.balance_adjustments FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.billing_accounts FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.bonus_tiers FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.credit_limits FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.credit_note_lines FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.credit_note_vat_totals FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.credit_notes FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.currencies FOR SELECT TO staff USING (true);

CREATE POLICY staff_select ON kassa.customers FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.debit_order_batches FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.debit_order_items FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.documents FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.dunning_pauses FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.dunning_schedules FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.dunning_steps FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.identities FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.invoice_allocations FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.invoice_dunning FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.invoice_dunning_steps FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.invoice_lines FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.invoices FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.job_runs FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.ledger_entries FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.legacy_ids FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.low_balance_thresholds FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.message_attempts FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.message_preferences FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.message_suppressions FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.messages FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.notifications FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.oidc_links FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.oidc_providers FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.payment_links FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.payment_methods FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.payment_refunds FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.payment_settings FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.payments FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.pending_charges FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.price_versions FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.products FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.push_subscriptions FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.quiet_hours FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.service_actions FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.services FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.staff_users FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.tenants FOR SELECT TO staff USING ((id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.ticket_attachments FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.ticket_messages FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.tickets FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.usage_daily FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.usage_periods FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.usage_records FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.vat_rates FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.webhook_attempts FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.webhook_deliveries FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.webhook_endpoint_states FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_select ON kassa.webhook_endpoints FOR SELECT TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_update ON kassa.customers FOR UPDATE TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_update ON kassa.invoices FOR UPDATE TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_update ON kassa.price_versions FOR UPDATE TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_update ON kassa.products FOR UPDATE TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_update ON kassa.services FOR UPDATE TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_update ON kassa.staff_users FOR UPDATE TO staff USING ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((tenant_id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

CREATE POLICY staff_update ON kassa.tenants FOR UPDATE TO staff USING ((id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id))) WITH CHECK ((id = ( SELECT internal.jwt_tenant_id() AS jwt_tenant_id)));

ALTER TABLE kassa.staff_users ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.stream_tickets ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.tenants ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.ticket_attachments ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.ticket_messages ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.tickets ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.usage_daily ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.usage_periods ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.usage_records ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.vat_rates ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.webhook_attempts ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.webhook_deliveries ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.webhook_endpoint_states ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.webhook_endpoints ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.webhook_events ENABLE ROW LEVEL SECURITY;

ALTER TABLE kassa.webhook_secrets ENABLE ROW LEVEL SECURITY;

GRANT USAGE ON SCHEMA api TO anon;
GRANT USAGE ON SCHEMA api TO customer;
GRANT USAGE ON SCHEMA api TO staff;

GRANT USAGE ON SCHEMA audit TO staff;

GRANT USAGE ON SCHEMA internal TO customer;
GRANT USAGE ON SCHEMA internal TO staff;
GRANT USAGE ON SCHEMA internal TO anon;
GRANT USAGE ON SCHEMA internal TO kassa_worker;

GRANT USAGE ON SCHEMA kassa TO customer;
GRANT USAGE ON SCHEMA kassa TO staff;

GRANT SELECT ON TABLE kassa.services TO customer;
GRANT SELECT ON TABLE kassa.services TO staff;

GRANT INSERT(customer_id) ON TABLE kassa.services TO staff;

GRANT INSERT(price_version_id) ON TABLE kassa.services TO staff;

GRANT INSERT(installation_address),UPDATE(installation_address) ON TABLE kassa.services TO staff;

GRANT INSERT(reference),UPDATE(reference) ON TABLE kassa.services TO staff;

GRANT INSERT(billing_day) ON TABLE kassa.services TO staff;

REVOKE ALL ON FUNCTION api.activate_service(service_id uuid, reason text, activated_on date, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.activate_service(service_id uuid, reason text, activated_on date, request_id text) TO staff;

GRANT SELECT ON TABLE kassa.pending_charges TO customer;
GRANT SELECT ON TABLE kassa.pending_charges TO staff;

REVOKE ALL ON FUNCTION api.add_fee(service_id uuid, fee_version_id uuid, quantity numeric, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.add_fee(service_id uuid, fee_version_id uuid, quantity numeric, request_id text) TO staff;

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

REVOKE ALL ON FUNCTION api.assign_ticket(ticket_id uuid, assignee text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.assign_ticket(ticket_id uuid, assignee text) TO staff;

REVOKE ALL ON FUNCTION api.cancel_service(service_id uuid, reason text, cancelled_on date, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.cancel_service(service_id uuid, reason text, cancelled_on date, request_id text) TO staff;

REVOKE ALL ON FUNCTION api.change_plan(service_id uuid, plan_version_id uuid, reason text, effective_on date, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.change_plan(service_id uuid, plan_version_id uuid, reason text, effective_on date, request_id text) TO staff;

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

GRANT INSERT(locale),UPDATE(locale) ON TABLE kassa.customers TO staff;
GRANT UPDATE(locale) ON TABLE kassa.customers TO customer;

GRANT INSERT(street),UPDATE(street) ON TABLE kassa.customers TO staff;
GRANT UPDATE(street) ON TABLE kassa.customers TO customer;

GRANT INSERT(postcode),UPDATE(postcode) ON TABLE kassa.customers TO staff;
GRANT UPDATE(postcode) ON TABLE kassa.customers TO customer;

GRANT INSERT(city),UPDATE(city) ON TABLE kassa.customers TO staff;
GRANT UPDATE(city) ON TABLE kassa.customers TO customer;

GRANT INSERT(country),UPDATE(country) ON TABLE kassa.customers TO staff;
GRANT UPDATE(country) ON TABLE kassa.customers TO customer;

GRANT INSERT(buyer_reference),UPDATE(buyer_reference) ON TABLE kassa.customers TO staff;

REVOKE ALL ON FUNCTION api.close_customer(customer_id uuid, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.close_customer(customer_id uuid, reason text) TO staff;

REVOKE ALL ON FUNCTION api.configure_auto_pay(enabled boolean, customer_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.configure_auto_pay(enabled boolean, customer_id uuid) TO customer;
GRANT ALL ON FUNCTION api.configure_auto_pay(enabled boolean, customer_id uuid) TO staff;

REVOKE ALL ON FUNCTION api.configure_auto_topup(enabled boolean, threshold bigint, amount bigint, payment_method_id uuid, customer_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.configure_auto_topup(enabled boolean, threshold bigint, amount bigint, payment_method_id uuid, customer_id uuid) TO customer;
GRANT ALL ON FUNCTION api.configure_auto_topup(enabled boolean, threshold bigint, amount bigint, payment_method_id uuid, customer_id uuid) TO staff;

REVOKE ALL ON FUNCTION api.create_amount_link(customer_id uuid, amount bigint, currency text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.create_amount_link(customer_id uuid, amount bigint, currency text) TO staff;

REVOKE ALL ON FUNCTION api.create_api_key(name text, expires_at timestamp with time zone, role text, customer_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.create_api_key(name text, expires_at timestamp with time zone, role text, customer_id uuid) TO staff;

GRANT SELECT ON TABLE kassa.credit_notes TO customer;
GRANT SELECT ON TABLE kassa.credit_notes TO staff;

GRANT SELECT ON TABLE api.credit_notes TO customer;
GRANT SELECT ON TABLE api.credit_notes TO staff;

REVOKE ALL ON FUNCTION api.create_credit_note(invoice_id uuid, reason text, settlement text, lines jsonb, issued_on date, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.create_credit_note(invoice_id uuid, reason text, settlement text, lines jsonb, issued_on date, request_id text) TO staff;

GRANT SELECT ON TABLE kassa.invoices TO customer;
GRANT SELECT ON TABLE kassa.invoices TO staff;

GRANT UPDATE(period_start) ON TABLE kassa.invoices TO staff;

GRANT UPDATE(period_end) ON TABLE kassa.invoices TO staff;

GRANT UPDATE(notes) ON TABLE kassa.invoices TO staff;

GRANT UPDATE(supplied_on) ON TABLE kassa.invoices TO staff;

GRANT UPDATE(buyer_reference) ON TABLE kassa.invoices TO staff;

GRANT SELECT ON TABLE api.invoices TO customer;
GRANT SELECT ON TABLE api.invoices TO staff;

GRANT UPDATE(period_start) ON TABLE api.invoices TO staff;

GRANT UPDATE(period_end) ON TABLE api.invoices TO staff;

GRANT UPDATE(notes) ON TABLE api.invoices TO staff;

GRANT UPDATE(supplied_on) ON TABLE api.invoices TO staff;

GRANT UPDATE(buyer_reference) ON TABLE api.invoices TO staff;

REVOKE ALL ON FUNCTION api.create_invoice(customer_id uuid, notes text, period_start date, period_end date, supplied_on date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.create_invoice(customer_id uuid, notes text, period_start date, period_end date, supplied_on date) TO staff;

REVOKE ALL ON FUNCTION api.create_oidc_provider(name text, issuer text, audience text, jwks_url text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.create_oidc_provider(name text, issuer text, audience text, jwks_url text) TO staff;

REVOKE ALL ON FUNCTION api.create_payment_link(invoice_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.create_payment_link(invoice_id uuid) TO staff;

REVOKE ALL ON FUNCTION api.create_webhook_endpoint(url text, event_kinds text[], description text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.create_webhook_endpoint(url text, event_kinds text[], description text) TO staff;

REVOKE ALL ON FUNCTION api.customer_dashboard(customer_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.customer_dashboard(customer_id uuid) TO customer;
GRANT ALL ON FUNCTION api.customer_dashboard(customer_id uuid) TO staff;

REVOKE ALL ON FUNCTION api.customer_data_export(customer_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.customer_data_export(customer_id uuid) TO customer;
GRANT ALL ON FUNCTION api.customer_data_export(customer_id uuid) TO staff;

REVOKE ALL ON FUNCTION api.export_credit_notes("from" date, "to" date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.export_credit_notes("from" date, "to" date) TO staff;

REVOKE ALL ON FUNCTION api.export_datev("from" date, "to" date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.export_datev("from" date, "to" date) TO staff;

REVOKE ALL ON FUNCTION api.export_invoices("from" date, "to" date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.export_invoices("from" date, "to" date) TO staff;

REVOKE ALL ON FUNCTION api.export_ledger("from" date, "to" date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.export_ledger("from" date, "to" date) TO staff;

REVOKE ALL ON FUNCTION api.export_payments("from" date, "to" date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.export_payments("from" date, "to" date) TO staff;

REVOKE ALL ON FUNCTION api.fail_payment(payment_id uuid, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.fail_payment(payment_id uuid, reason text) TO staff;

REVOKE ALL ON FUNCTION api.finalise_invoice(invoice_id uuid, issued_on date, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.finalise_invoice(invoice_id uuid, issued_on date, request_id text) TO staff;

REVOKE ALL ON FUNCTION api.invalidate_payment_link(link_id uuid, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.invalidate_payment_link(link_id uuid, reason text) TO staff;

REVOKE ALL ON FUNCTION api.link_oidc_subject(provider_id uuid, subject text, identity_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.link_oidc_subject(provider_id uuid, subject text, identity_id uuid) TO staff;

REVOKE ALL ON FUNCTION api.open_ticket(subject text, body text, category text, invoice_id uuid, service_id uuid, attachments jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.open_ticket(subject text, body text, category text, invoice_id uuid, service_id uuid, attachments jsonb) TO customer;

GRANT SELECT ON TABLE kassa.dunning_pauses TO staff;

REVOKE ALL ON FUNCTION api.pause_dunning(reason text, until date, customer_id uuid, invoice_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.pause_dunning(reason text, until date, customer_id uuid, invoice_id uuid) TO staff;

REVOKE ALL ON FUNCTION api.record_manual_payment(customer_id uuid, amount bigint, method text, reason text, reference text, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.record_manual_payment(customer_id uuid, amount bigint, method text, reason text, reference text, request_id text) TO staff;

REVOKE ALL ON FUNCTION api.record_usage(records jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.record_usage(records jsonb) TO staff;

REVOKE ALL ON FUNCTION api.refund_payment(payment_id uuid, amount bigint, reason text, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.refund_payment(payment_id uuid, amount bigint, reason text, request_id text) TO staff;

REVOKE ALL ON FUNCTION api.regenerate_payment_link(link_id uuid, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.regenerate_payment_link(link_id uuid, reason text) TO staff;

REVOKE ALL ON FUNCTION api.remove_invoice_line(line_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.remove_invoice_line(line_id uuid) TO staff;

REVOKE ALL ON FUNCTION api.remove_payment_method(payment_method_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.remove_payment_method(payment_method_id uuid) TO customer;
GRANT ALL ON FUNCTION api.remove_payment_method(payment_method_id uuid) TO staff;

REVOKE ALL ON FUNCTION api.reply_ticket(ticket_id uuid, body text, internal boolean, attachments jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.reply_ticket(ticket_id uuid, body text, internal boolean, attachments jsonb) TO customer;
GRANT ALL ON FUNCTION api.reply_ticket(ticket_id uuid, body text, internal boolean, attachments jsonb) TO staff;

REVOKE ALL ON FUNCTION api.resend_webhook(delivery_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.resend_webhook(delivery_id uuid) TO staff;

GRANT SELECT ON TABLE kassa.debit_order_batches TO staff;

REVOKE ALL ON FUNCTION api.resolve_debit_order_batch(batch_id uuid, received boolean, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.resolve_debit_order_batch(batch_id uuid, received boolean, reason text) TO staff;

REVOKE ALL ON FUNCTION api.resume_customer(customer_id uuid, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.resume_customer(customer_id uuid, reason text) TO staff;

REVOKE ALL ON FUNCTION api.resume_dunning(pause_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.resume_dunning(pause_id uuid) TO staff;

REVOKE ALL ON FUNCTION api.resume_service(service_id uuid, reason text, resumed_on date, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.resume_service(service_id uuid, reason text, resumed_on date, request_id text) TO staff;

REVOKE ALL ON FUNCTION api.revoke_api_key(id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.revoke_api_key(id uuid) TO staff;

REVOKE ALL ON FUNCTION api.rotate_webhook_secret(endpoint_id uuid, overlap_hours integer) FROM PUBLIC;
GRANT ALL ON FUNCTION api.rotate_webhook_secret(endpoint_id uuid, overlap_hours integer) TO staff;

GRANT SELECT ON TABLE kassa.credit_limits TO staff;

REVOKE ALL ON FUNCTION api.set_credit_limit(customer_id uuid, credit_limit numeric, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.set_credit_limit(customer_id uuid, credit_limit numeric, reason text) TO staff;

GRANT SELECT ON TABLE kassa.dunning_schedules TO staff;

REVOKE ALL ON FUNCTION api.set_dunning_schedule(steps jsonb, tolerance bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION api.set_dunning_schedule(steps jsonb, tolerance bigint) TO staff;

REVOKE ALL ON FUNCTION api.set_message_preference(kind text, channel text, enabled boolean, customer_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.set_message_preference(kind text, channel text, enabled boolean, customer_id uuid) TO customer;
GRANT ALL ON FUNCTION api.set_message_preference(kind text, channel text, enabled boolean, customer_id uuid) TO staff;

REVOKE ALL ON FUNCTION api.set_primary_payment_method(payment_method_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.set_primary_payment_method(payment_method_id uuid) TO customer;
GRANT ALL ON FUNCTION api.set_primary_payment_method(payment_method_id uuid) TO staff;

REVOKE ALL ON FUNCTION api.set_quiet_hours(starts text, ends text, customer_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.set_quiet_hours(starts text, ends text, customer_id uuid) TO customer;
GRANT ALL ON FUNCTION api.set_quiet_hours(starts text, ends text, customer_id uuid) TO staff;

REVOKE ALL ON FUNCTION api.set_ticket_status(ticket_id uuid, status text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.set_ticket_status(ticket_id uuid, status text) TO customer;
GRANT ALL ON FUNCTION api.set_ticket_status(ticket_id uuid, status text) TO staff;

REVOKE ALL ON FUNCTION api.staff_dashboard() FROM PUBLIC;
GRANT ALL ON FUNCTION api.staff_dashboard() TO staff;

REVOKE ALL ON FUNCTION api.start_invoice_run(request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.start_invoice_run(request_id text) TO staff;

GRANT SELECT ON TABLE kassa.ledger_entries TO customer;
GRANT SELECT ON TABLE kassa.ledger_entries TO staff;

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

GRANT UPDATE(date_window_back_days) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(date_window_forward_days) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(dunning_fee_vat_category) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(mandatory_message_kinds) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(mail_sender_name) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(mail_reply_to) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(usage_warning_percents) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(street) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(postcode) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(city) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(tax_number) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(registration_number) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(iban) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(bic) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(privacy_retention_days) ON TABLE kassa.tenants TO staff;

GRANT UPDATE(signup_mode) ON TABLE kassa.tenants TO staff;

GRANT SELECT ON TABLE api.statement_lines TO customer;
GRANT SELECT ON TABLE api.statement_lines TO staff;

REVOKE ALL ON FUNCTION api.statement(customer_id uuid, "from" date, "to" date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.statement(customer_id uuid, "from" date, "to" date) TO staff;
GRANT ALL ON FUNCTION api.statement(customer_id uuid, "from" date, "to" date) TO customer;

REVOKE ALL ON FUNCTION api.subscribe_push(endpoint text, p256dh text, auth text, user_agent text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.subscribe_push(endpoint text, p256dh text, auth text, user_agent text) TO customer;

REVOKE ALL ON FUNCTION api.suspend_customer(customer_id uuid, reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.suspend_customer(customer_id uuid, reason text) TO staff;

REVOKE ALL ON FUNCTION api.suspend_service(service_id uuid, reason text, suspended_on date, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.suspend_service(service_id uuid, reason text, suspended_on date, request_id text) TO staff;

REVOKE ALL ON FUNCTION api.ticket_attachment(attachment_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.ticket_attachment(attachment_id uuid) TO customer;
GRANT ALL ON FUNCTION api.ticket_attachment(attachment_id uuid) TO staff;

REVOKE ALL ON FUNCTION api.unlink_oidc_subject(provider_id uuid, subject text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.unlink_oidc_subject(provider_id uuid, subject text) TO staff;

REVOKE ALL ON FUNCTION api.unsubscribe_push(subscription_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.unsubscribe_push(subscription_id uuid) TO customer;
GRANT ALL ON FUNCTION api.unsubscribe_push(subscription_id uuid) TO staff;

REVOKE ALL ON FUNCTION api.update_webhook_endpoint(endpoint_id uuid, url text, event_kinds text[], description text, enabled boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION api.update_webhook_endpoint(endpoint_id uuid, url text, event_kinds text[], description text, enabled boolean) TO staff;

REVOKE ALL ON FUNCTION api.void_invoice(invoice_id uuid, reason text, issued_on date, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.void_invoice(invoice_id uuid, reason text, issued_on date, request_id text) TO staff;

REVOKE ALL ON FUNCTION api.write_off_invoice(invoice_id uuid, reason text, issued_on date, request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.write_off_invoice(invoice_id uuid, reason text, issued_on date, request_id text) TO staff;

REVOKE ALL ON FUNCTION internal.accept_invitation(p_token_hash bytea, p_name text, p_password_hash text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.accept_invitation(p_token_hash bytea, p_name text, p_password_hash text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.act_as(p_actor text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.act_as(p_actor text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.active_logins(p_tenant uuid, p_identity uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.active_logins(p_tenant uuid, p_identity uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.add_card(p_tenant uuid, p_customer uuid, p_brand text, p_last4 text, p_exp_month integer, p_exp_year integer, p_gateway_customer text, p_gateway_payment_method text, p_primary boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.add_card(p_tenant uuid, p_customer uuid, p_brand text, p_last4 text, p_exp_month integer, p_exp_year integer, p_gateway_customer text, p_gateway_payment_method text, p_primary boolean) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.add_fee(p_tenant_id uuid, p_service_id uuid, p_price_version_id uuid, p_quantity numeric) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.add_invoice_line(p_tenant_id uuid, p_invoice_id uuid, p_description text, p_unit_price bigint, p_quantity numeric, p_vat_category text, p_period_start date, p_period_end date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.add_payment_method(p_tenant uuid, p_customer uuid, p_kind text, p_bank text, p_account_type text, p_account_number text, p_mandate_reference text, p_primary boolean) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.add_proration(p_service kassa.services, p_version_id uuid, p_from date, p_to date, p_sign integer, p_what text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.add_refresh_token(p_tenant uuid, p_family uuid, p_token_hash bytea, p_valid interval) FROM PUBLIC;

GRANT SELECT ON TABLE kassa.staff_users TO staff;

GRANT INSERT(email) ON TABLE kassa.staff_users TO staff;

GRANT INSERT(name),UPDATE(name) ON TABLE kassa.staff_users TO staff;

GRANT INSERT(role),UPDATE(role) ON TABLE kassa.staff_users TO staff;

GRANT UPDATE(status) ON TABLE kassa.staff_users TO staff;

REVOKE ALL ON FUNCTION internal.add_staff_user(p_tenant_id uuid, p_email text, p_name text, p_role text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.add_usage_totals(p_tenant kassa.tenants, p_ids bigint[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.address_complete(p_party jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.address_text(p_free text, p_street text, p_postcode text, p_city text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.adjust_balance(p_tenant uuid, p_customer uuid, p_amount bigint, p_reason text, p_actor text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.after_quiet_hours(p_at timestamp with time zone, p_starts time without time zone, p_ends time without time zone, p_zone text) FROM PUBLIC;

GRANT SELECT ON TABLE kassa.invoice_allocations TO customer;
GRANT SELECT ON TABLE kassa.invoice_allocations TO staff;

REVOKE ALL ON FUNCTION internal.allocate_credit(p_tenant_id uuid, p_customer_ids uuid[], p_first_invoice_ids uuid[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.allow(p_roles text, p_commands text, p_rows text, VARIADIC p_tables regclass[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.anonymise_customers(p_tenant_id uuid, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.anonymise_customers(p_tenant_id uuid, p_now timestamp with time zone) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.api_key_status(p_revoked_at timestamp with time zone, p_expires_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.api_key_status(p_revoked_at timestamp with time zone, p_expires_at timestamp with time zone) TO customer;
GRANT ALL ON FUNCTION internal.api_key_status(p_revoked_at timestamp with time zone, p_expires_at timestamp with time zone) TO staff;

REVOKE ALL ON FUNCTION internal.apply_debit_order_result(p_tenant uuid, p_kind text, p_account_ref text, p_amount bigint, p_day date, p_transaction text, p_code integer, p_reason text, p_raw jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.apply_debit_order_result(p_tenant uuid, p_kind text, p_account_ref text, p_amount bigint, p_day date, p_transaction text, p_code integer, p_reason text, p_raw jsonb) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.as_base_row(view_row jsonb, renamed jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.as_base_row(view_row jsonb, renamed jsonb) TO customer;
GRANT ALL ON FUNCTION internal.as_base_row(view_row jsonb, renamed jsonb) TO staff;

REVOKE ALL ON FUNCTION internal.assign_account_number() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.assign_ticket(p_tenant uuid, p_ticket uuid, p_assignee text) FROM PUBLIC;

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

GRANT SELECT(invoice_id) ON TABLE kassa.payments TO customer;

REVOKE ALL ON FUNCTION internal.attach_checkout(p_tenant uuid, p_payment uuid, p_session text, p_url text, p_raw jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.attach_checkout(p_tenant uuid, p_payment uuid, p_session text, p_url text, p_raw jsonb) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.audit_actor(claims json) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.audit_inserted_or_deleted() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.audit_key(row_json jsonb, key_columns text[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.audit_keys(args text[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.audit_marked(args text[], prefix text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.audit_table(tbl regclass, tenant_column text, VARIADIC key_columns text[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.audit_transaction_id() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.audit_updated() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.auto_pay_card(p_tenant uuid, p_customer uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.auto_pay_due(i kassa.invoices, p_due_on date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.auto_topup_cooldown() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.auto_topup_max_failures() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.available_credit(p_tenant uuid, p_customer uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.balances_changed_since(p_tenants uuid[], p_since timestamp with time zone[]) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.balances_changed_since(p_tenants uuid[], p_since timestamp with time zone[]) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.base64url_length(p_text text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.begin_link_payment(p_token text, p_gateway text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.begin_link_payment(p_token text, p_gateway text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.begin_top_up(p_tenant uuid, p_customer uuid, p_amount bigint, p_request_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.begin_top_up(p_tenant uuid, p_customer uuid, p_amount bigint, p_request_id text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.begin_totp(p_tenant uuid, p_identity uuid, p_secret text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.begin_totp(p_tenant uuid, p_identity uuid, p_secret text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.billing_date(p_day integer, p_month date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.billing_date_of_month(p_day integer, p_month integer) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.billing_periods(p_day integer, p_months integer, p_anchor date, p_from date, p_to date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.card_collectable(i kassa.invoices) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.card_refund_target(p_tenant uuid, p_payment uuid, p_amount bigint, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.card_refund_target(p_tenant uuid, p_payment uuid, p_amount bigint, p_reason text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.check_business_date(p_tenant uuid, p_date date, p_what text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.check_business_date(p_tenant uuid, p_date date, p_what text) TO customer;
GRANT ALL ON FUNCTION internal.check_business_date(p_tenant uuid, p_date date, p_what text) TO staff;

REVOKE ALL ON FUNCTION internal.check_claims(claims json, api_role text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.check_claims(claims json, api_role text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.check_credit(p_tenant uuid, p_customer uuid, p_price_version_id uuid, p_quantity numeric) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.check_customer_contact(c kassa.customers) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.check_customer_contact(c kassa.customers) TO customer;
GRANT ALL ON FUNCTION internal.check_customer_contact(c kassa.customers) TO staff;

REVOKE ALL ON FUNCTION internal.check_document_content(p_tenant kassa.tenants, p_invoice_ids uuid[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.check_draft_edit() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.check_dunning_fee_vat_category(p_tenant kassa.tenants) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.check_event_kind(p_kind text, p_what text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.check_event_kind(p_kind text, p_what text) TO customer;
GRANT ALL ON FUNCTION internal.check_event_kind(p_kind text, p_what text) TO staff;

REVOKE ALL ON FUNCTION internal.check_event_kinds(p_kinds text[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.check_finite(p_value numeric, p_what text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.check_finite(p_value numeric, p_what text) TO customer;
GRANT ALL ON FUNCTION internal.check_finite(p_value numeric, p_what text) TO staff;

REVOKE ALL ON FUNCTION internal.check_issue_date(p_tenant_id uuid, p_series text, p_issued_on date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.check_locale(p_locale text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.check_locale(p_locale text) TO customer;
GRANT ALL ON FUNCTION internal.check_locale(p_locale text) TO staff;

REVOKE ALL ON FUNCTION internal.check_new_customer() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.check_new_service() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.check_plan_change(p_tenant_id uuid, p_from_version_id uuid, p_to_version_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.check_price_version() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.check_refund(pay kassa.payments, p_amount bigint, p_reason text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.check_request() FROM PUBLIC;
GRANT ALL ON FUNCTION internal.check_request() TO anon;
GRANT ALL ON FUNCTION internal.check_request() TO customer;
GRANT ALL ON FUNCTION internal.check_request() TO staff;

REVOKE ALL ON FUNCTION internal.check_return_url(p_tenant uuid, p_url text, p_bridge_origin text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.check_return_url(p_tenant uuid, p_url text, p_bridge_origin text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.check_tenant() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.check_tenant_dunning_fee() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.check_text(p_text text, p_what text, p_max integer, p_required boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.check_text(p_text text, p_what text, p_max integer, p_required boolean) TO customer;
GRANT ALL ON FUNCTION internal.check_text(p_text text, p_what text, p_max integer, p_required boolean) TO staff;

REVOKE ALL ON FUNCTION internal.check_text_columns() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.check_ticket_files(p_files jsonb) FROM PUBLIC;

GRANT SELECT ON TABLE kassa.usage_records TO customer;
GRANT SELECT ON TABLE kassa.usage_records TO staff;

REVOKE ALL ON FUNCTION internal.check_usage_record(p_tenant kassa.tenants, p_index integer, p_record jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.check_vat_rate() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.check_webhook_url(p_tenant uuid, p_url text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.check_webhook_worker_limits(p_what text, p_limit integer, p_lease interval) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.claim_auto_topup(p_tenant uuid, p_customer uuid, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.claim_auto_topup(p_tenant uuid, p_customer uuid, p_now timestamp with time zone) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.claim_invoice_charge(p_tenant uuid, p_invoice uuid, p_due_on date, p_dunning_step integer) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.claim_invoice_charge(p_tenant uuid, p_invoice uuid, p_due_on date, p_dunning_step integer) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.claim_login_mails(p_limit integer, p_lease interval) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.claim_login_mails(p_limit integer, p_lease interval) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.claim_messages(p_channel text, p_limit integer, p_lease interval) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.claim_messages(p_channel text, p_limit integer, p_lease interval) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.claim_webhook_deliveries(p_limit integer, p_lease interval) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.claim_webhook_deliveries(p_limit integer, p_lease interval) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.clock_now() FROM PUBLIC;
GRANT ALL ON FUNCTION internal.clock_now() TO customer;
GRANT ALL ON FUNCTION internal.clock_now() TO staff;
GRANT ALL ON FUNCTION internal.clock_now() TO kassa_worker;

REVOKE ALL ON FUNCTION internal.close_obstacle(p_tenant_id uuid, p_customer_id uuid, OUT code text, OUT message text, OUT hint text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.column_default(p_table regclass, p_column text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.complete_payment(p_tenant uuid, p_payment uuid, p_amount bigint, p_currency text, p_intent_ref text, p_raw jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.complete_payment(p_tenant uuid, p_payment uuid, p_amount bigint, p_currency text, p_intent_ref text, p_raw jsonb) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.configure_auto_pay(p_tenant uuid, p_customer uuid, p_enabled boolean) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.configure_auto_topup(p_tenant uuid, p_customer uuid, p_enabled boolean, p_threshold bigint, p_amount bigint, p_payment_method uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.count_billing_accounts(p_tenant uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.count_billing_accounts(p_tenant uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.count_login_failure(p_slug text, p_email text, p_address text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.count_login_failure(p_slug text, p_email text, p_address text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.count_page_view(p_address text, p_token_bucket text, p_page_views integer, p_unknown_tokens integer, p_token_views integer) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.count_page_view(p_address text, p_token_bucket text, p_page_views integer, p_unknown_tokens integer, p_token_views integer) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.count_request(p_bucket text, p_limit integer, p_window_s integer) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.count_request(p_bucket text, p_limit integer, p_window_s integer) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.create_amount_link(p_tenant_id uuid, p_customer_id uuid, p_amount bigint, p_currency text, p_actor text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.create_api_key(p_tenant uuid, p_name text, p_role text, p_customer uuid, p_expires_at timestamp with time zone, p_created_by text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.create_credit_note(p_tenant_id uuid, p_invoice_id uuid, p_reason text, p_settlement text, p_lines jsonb, p_issued_on date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.create_invoice(p_tenant_id uuid, p_customer_id uuid, p_notes text, p_period_start date, p_period_end date, p_supplied_on date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.create_oidc_provider(p_tenant uuid, p_name text, p_issuer text, p_audience text, p_jwks_url text, p_actor text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.create_payment_links(p_tenant_id uuid, p_invoice_ids uuid[], p_actor text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.create_tenant(p_slug text, p_legal_name text, p_country text, p_currency text, p_timezone text, p_vat_rates jsonb, p_name text, p_prices_include_vat boolean, p_account_number_format text, p_invoice_number_format text, p_credit_note_number_format text, p_street text, p_postcode text, p_city text, p_vat_number text, p_tax_number text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.create_webhook_endpoint(p_tenant uuid, p_url text, p_event_kinds text[], p_description text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.credit_note_once(p_operation text, p_request_id text, p_invoice_id uuid, p_reason text, p_settlement text, p_lines jsonb, p_issued_on date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.credit_note_request(p_invoice kassa.invoices, p_lines jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.credit_note_vat(p_invoice kassa.invoices, p_request jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.credit_unbilled_credit(p_tenant_id uuid, p_charge_id uuid, p_issued_on date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.credited_per_line(p_tenant_id uuid, p_invoice_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.csv(p_rows anyarray) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.csv(p_rows anyarray) TO staff;

REVOKE ALL ON FUNCTION internal.csv_field(p_value text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.csv_field(p_value text) TO staff;

REVOKE ALL ON FUNCTION internal.current_dunning_schedule(p_tenant_id uuid, p_on date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.customer_dashboard(p_tenant_id uuid, p_customer_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.customer_data_export(p_customer_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.customer_data_export(p_customer_id uuid) TO customer;
GRANT ALL ON FUNCTION internal.customer_data_export(p_customer_id uuid) TO staff;

REVOKE ALL ON FUNCTION internal.customer_transition(p_tenant_id uuid, p_customer_id uuid, p_action text, p_reason text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.cycle_date(p_day integer, p_months integer, p_anchor date, p_k integer) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.cycle_date_after(p_day integer, p_months integer, p_anchor date, p_after date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.cycle_step(p_months integer, p_anchor date, p_date date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.dashboard_customer(p_customer uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.datev_batch(p_tenant_id uuid, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.datev_batch(p_tenant_id uuid, p_from date, p_to date) TO staff;

GRANT SELECT,INSERT,DELETE ON TABLE kassa.datev_settings TO staff;

GRANT UPDATE(chart) ON TABLE kassa.datev_settings TO staff;

GRANT UPDATE(consultant_number) ON TABLE kassa.datev_settings TO staff;

GRANT UPDATE(client_number) ON TABLE kassa.datev_settings TO staff;

GRANT UPDATE(account_length) ON TABLE kassa.datev_settings TO staff;

GRANT UPDATE(fiscal_year_start) ON TABLE kassa.datev_settings TO staff;

GRANT UPDATE(debtor_account) ON TABLE kassa.datev_settings TO staff;

GRANT UPDATE(bank_account) ON TABLE kassa.datev_settings TO staff;

GRANT UPDATE(cash_account) ON TABLE kassa.datev_settings TO staff;

REVOKE ALL ON FUNCTION internal.datev_bookings(p_tenant kassa.tenants, p_setup kassa.datev_settings, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.datev_bookings(p_tenant kassa.tenants, p_setup kassa.datev_settings, p_from date, p_to date) TO staff;

REVOKE ALL ON FUNCTION internal.datev_columns() FROM PUBLIC;
GRANT ALL ON FUNCTION internal.datev_columns() TO staff;

REVOKE ALL ON FUNCTION internal.datev_document_number(p_number text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.datev_document_number(p_number text) TO staff;

REVOKE ALL ON FUNCTION internal.datev_documents(p_tenant_id uuid, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.datev_documents(p_tenant_id uuid, p_from date, p_to date) TO staff;

REVOKE ALL ON FUNCTION internal.datev_setup(p_tenant kassa.tenants, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.datev_setup(p_tenant kassa.tenants, p_from date, p_to date) TO staff;

REVOKE ALL ON FUNCTION internal.datev_text(p_value text, p_length integer) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.datev_text(p_value text, p_length integer) TO staff;

REVOKE ALL ON FUNCTION internal.debit_order_batch_uploading(p_tenant uuid, p_batch uuid, p_items uuid[], p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.debit_order_batch_uploading(p_tenant uuid, p_batch uuid, p_items uuid[], p_reason text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.debit_order_debits(p_tenant uuid, p_batch uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.debit_order_debits(p_tenant uuid, p_batch uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.debit_order_results_from(p_tenant uuid, p_as_of date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.debit_order_results_from(p_tenant uuid, p_as_of date) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.debit_order_service(p_tenant uuid, p_submission date, OUT service text, OUT cutoff_passed boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.debit_order_service(p_tenant uuid, p_submission date, OUT service text, OUT cutoff_passed boolean) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.decrypt_payment_method(p_method uuid, p_encrypted bytea, p_key text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.default_dunning_schedule() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.disable_webhook_endpoint(p_tenant uuid, p_endpoint uuid, p_reason text, p_error text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.document_frame(p_tenant uuid, p_customer uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.document_problem(p_country text, p_currency text, p_gross bigint, p_breakdown jsonb, p_supplier jsonb, p_recipient jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.document_rules(p_country text, p_currency text, p_gross bigint, p_reverse_charge boolean, OUT kind text, OUT supplier_required boolean, OUT supplier_tax_ids text[], OUT recipient_required boolean, OUT notice_required boolean) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.document_source(p_tenant uuid, p_kind text, p_source uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.document_source(p_tenant uuid, p_kind text, p_source uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.document_to_serve(p_tenant uuid, p_kind text, p_source uuid, p_format text, p_variant text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.document_to_serve(p_tenant uuid, p_kind text, p_source uuid, p_format text, p_variant text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.draft_for_edit(p_tenant_id uuid, p_invoice_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.drafts_refused_at_issue(p_tenant kassa.tenants, p_invoice_ids uuid[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.due_auto_pays(p_as_of date, p_tenant uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.due_auto_pays(p_as_of date, p_tenant uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.due_auto_topups(p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.due_auto_topups(p_now timestamp with time zone) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.due_dunning_retries(p_tenant uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.due_dunning_retries(p_tenant uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.dunning_fee_vat_category(p_tenant kassa.tenants) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.dunning_retry_due(i kassa.invoices, p_step integer) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.dunning_run(p_tenant_id uuid, p_as_of date, p_actor text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.dunning_run(p_tenant_id uuid, p_as_of date, p_actor text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.e164(p_phone text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.email_taken(p_tenant uuid, p_email text, p_except uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.email_taken(p_tenant uuid, p_email text, p_except uuid) TO customer;

REVOKE ALL ON FUNCTION internal.emit(p_tenant uuid, p_customer uuid, p_kind text, p_payload jsonb, p_version smallint) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.emit_invoice_events(p_tenant_id uuid, p_invoice_ids uuid[], p_kind text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.emit_payment_event(pay kassa.payments) FROM PUBLIC;

GRANT SELECT ON TABLE kassa.tickets TO customer;
GRANT SELECT ON TABLE kassa.tickets TO staff;

REVOKE ALL ON FUNCTION internal.emit_ticket_event(p_ticket kassa.tickets, p_kind text, p_by_customer boolean, p_payload jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.enable_totp(p_tenant uuid, p_identity uuid, p_step bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.enable_totp(p_tenant uuid, p_identity uuid, p_step bigint) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.end_push_subscription(p_tenant uuid, p_subscription uuid, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.end_push_subscription(p_tenant uuid, p_subscription uuid, p_reason text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.event_customers(p_tenant uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.event_kinds() FROM PUBLIC;
GRANT ALL ON FUNCTION internal.event_kinds() TO customer;
GRANT ALL ON FUNCTION internal.event_kinds() TO staff;

REVOKE ALL ON FUNCTION internal.event_position(p_tenant uuid, p_customer uuid, p_event uuid, OUT xact_id xid8, OUT id bigint, OUT created_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.event_position(p_tenant uuid, p_customer uuid, p_event uuid, OUT xact_id xid8, OUT id bigint, OUT created_at timestamp with time zone) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.event_uuid(p_value text, p_what text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.events_after(p_xact_id xid8, p_id bigint, p_limit integer, p_tenant uuid, p_customer uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.events_after(p_xact_id xid8, p_id bigint, p_limit integer, p_tenant uuid, p_customer uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.events_cursor(OUT xact_id xid8, OUT id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.events_cursor(OUT xact_id xid8, OUT id bigint) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.export_credit_notes(p_tenant_id uuid, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.export_credit_notes(p_tenant_id uuid, p_from date, p_to date) TO staff;

REVOKE ALL ON FUNCTION internal.export_invoices(p_tenant_id uuid, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.export_invoices(p_tenant_id uuid, p_from date, p_to date) TO staff;

REVOKE ALL ON FUNCTION internal.export_ledger(p_tenant_id uuid, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.export_ledger(p_tenant_id uuid, p_from date, p_to date) TO staff;

REVOKE ALL ON FUNCTION internal.export_payments(p_tenant_id uuid, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.export_payments(p_tenant_id uuid, p_from date, p_to date) TO staff;

REVOKE ALL ON FUNCTION internal.export_tenant(p_tenant_id uuid, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.export_tenant(p_tenant_id uuid, p_from date, p_to date) TO staff;

REVOKE ALL ON FUNCTION internal.fail_interrupted_job_runs() FROM PUBLIC;
GRANT ALL ON FUNCTION internal.fail_interrupted_job_runs() TO kassa_worker;

REVOKE ALL ON FUNCTION internal.fail_payment(p_tenant uuid, p_payment uuid, p_reason text, p_raw jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.fail_payment(p_tenant uuid, p_payment uuid, p_reason text, p_raw jsonb) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.fan_out_events(p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.fan_out_events(p_limit integer) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.fan_out_webhooks(p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.fan_out_webhooks(p_limit integer) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.fill_invoice_line() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.fill_supply_dates(p_tenant kassa.tenants, p_invoice_ids uuid[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.finalise_invoices(p_tenant_id uuid, p_invoice_ids uuid[], p_issued_on date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.find_tenant(p_tenant text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.finish_job_run(p_run bigint, p_status text, p_processed integer, p_skipped integer, p_failed integer, p_errors jsonb, p_detail jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.finish_job_run(p_run bigint, p_status text, p_processed integer, p_skipped integer, p_failed integer, p_errors jsonb, p_detail jsonb) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.first_billing_date(p_day integer, p_on date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.follow_link(p_token_hash bytea, p_purpose text, OUT link kassa.login_links, OUT outcome text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.format_number(fmt text, year integer, n bigint) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.gateway_takes(p_gateway text, p_currency text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.grant_writes(p_view regclass, p_base regclass, p_roles text, p_privileges text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.guard_customer_update() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.guard_invoice() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.guard_invoice_lines() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.guard_price_version() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.guard_service() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.guard_usage_record() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.iban_valid(p_iban text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.iban_valid(p_iban text) TO staff;

GRANT SELECT(tenant_id) ON TABLE kassa.identities TO customer;
GRANT SELECT(tenant_id) ON TABLE kassa.identities TO staff;

GRANT SELECT(id) ON TABLE kassa.identities TO customer;
GRANT SELECT(id) ON TABLE kassa.identities TO staff;

GRANT SELECT(email) ON TABLE kassa.identities TO customer;
GRANT SELECT(email) ON TABLE kassa.identities TO staff;

GRANT SELECT(email_verified_at) ON TABLE kassa.identities TO customer;
GRANT SELECT(email_verified_at) ON TABLE kassa.identities TO staff;

GRANT SELECT(customer_id) ON TABLE kassa.identities TO customer;
GRANT SELECT(customer_id) ON TABLE kassa.identities TO staff;

GRANT SELECT(staff_user_id) ON TABLE kassa.identities TO customer;
GRANT SELECT(staff_user_id) ON TABLE kassa.identities TO staff;

GRANT SELECT(totp_enabled_at) ON TABLE kassa.identities TO customer;
GRANT SELECT(totp_enabled_at) ON TABLE kassa.identities TO staff;

GRANT SELECT(last_login_at) ON TABLE kassa.identities TO customer;
GRANT SELECT(last_login_at) ON TABLE kassa.identities TO staff;

GRANT SELECT(created_at) ON TABLE kassa.identities TO customer;
GRANT SELECT(created_at) ON TABLE kassa.identities TO staff;

REVOKE ALL ON FUNCTION internal.identity_of(p_tenant uuid, p_email text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.import_amount(p_text text, p_minor_units integer) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.import_balances(p_tenant uuid, p_rows jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.import_check_balances(p_tenant uuid, p_rows jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.import_check_customers(p_tenant uuid, p_rows jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.import_check_invoices(p_tenant uuid, p_rows jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.import_check_mandates(p_tenant uuid, p_rows jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.import_check_services(p_tenant uuid, p_rows jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.import_columns(p_kind text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.import_customer(p_tenant uuid, p_legacy_id text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.import_customers(p_tenant uuid, p_rows jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.import_date(p_text text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.import_done(p_tenant uuid, p_kind text, p_legacy_id text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.import_invoices(p_tenant uuid, p_rows jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.import_legacy(p_tenant uuid, p_kind text, p_rows jsonb, p_mode text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.import_mandates(p_tenant uuid, p_rows jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.import_money_reason(p_customer_legacy_id text, p_customer_id uuid, p_amount_column text, p_amount_text text, p_amount bigint, p_date_column text, p_date_text text, p_date date, p_today date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.import_outcome(p_done boolean, p_reason text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.import_overlong(p_row jsonb, p_limits jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.import_phone(p_text text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.import_services(p_tenant uuid, p_rows jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.import_text(p_row jsonb, p_column text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.in_flight_auto_topups(p_before timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.in_flight_auto_topups(p_before timestamp with time zone) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.in_flight_invoice_charges(p_before timestamp with time zone, p_tenant uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.in_flight_invoice_charges(p_before timestamp with time zone, p_tenant uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.interval_months(p_interval text) FROM PUBLIC;

GRANT SELECT(tenant_id) ON TABLE kassa.payment_links TO customer;
GRANT SELECT(tenant_id) ON TABLE kassa.payment_links TO staff;

GRANT SELECT(id) ON TABLE kassa.payment_links TO customer;
GRANT SELECT(id) ON TABLE kassa.payment_links TO staff;

GRANT SELECT(customer_id) ON TABLE kassa.payment_links TO customer;
GRANT SELECT(customer_id) ON TABLE kassa.payment_links TO staff;

GRANT SELECT(invoice_id) ON TABLE kassa.payment_links TO customer;
GRANT SELECT(invoice_id) ON TABLE kassa.payment_links TO staff;

GRANT SELECT(amount) ON TABLE kassa.payment_links TO customer;
GRANT SELECT(amount) ON TABLE kassa.payment_links TO staff;

GRANT SELECT(currency) ON TABLE kassa.payment_links TO customer;
GRANT SELECT(currency) ON TABLE kassa.payment_links TO staff;

GRANT SELECT(status) ON TABLE kassa.payment_links TO customer;
GRANT SELECT(status) ON TABLE kassa.payment_links TO staff;

GRANT SELECT(expires_at) ON TABLE kassa.payment_links TO customer;
GRANT SELECT(expires_at) ON TABLE kassa.payment_links TO staff;

GRANT SELECT(created_by) ON TABLE kassa.payment_links TO customer;
GRANT SELECT(created_by) ON TABLE kassa.payment_links TO staff;

GRANT SELECT(created_at) ON TABLE kassa.payment_links TO customer;
GRANT SELECT(created_at) ON TABLE kassa.payment_links TO staff;

GRANT SELECT(used_at) ON TABLE kassa.payment_links TO customer;
GRANT SELECT(used_at) ON TABLE kassa.payment_links TO staff;

GRANT SELECT(payment_id) ON TABLE kassa.payment_links TO customer;
GRANT SELECT(payment_id) ON TABLE kassa.payment_links TO staff;

GRANT SELECT(invalidated_at) ON TABLE kassa.payment_links TO customer;
GRANT SELECT(invalidated_at) ON TABLE kassa.payment_links TO staff;

GRANT SELECT(invalidated_by) ON TABLE kassa.payment_links TO customer;
GRANT SELECT(invalidated_by) ON TABLE kassa.payment_links TO staff;

GRANT SELECT(invalidated_reason) ON TABLE kassa.payment_links TO customer;
GRANT SELECT(invalidated_reason) ON TABLE kassa.payment_links TO staff;

GRANT SELECT(replaced_by) ON TABLE kassa.payment_links TO customer;
GRANT SELECT(replaced_by) ON TABLE kassa.payment_links TO staff;

REVOKE ALL ON FUNCTION internal.invalidate_payment_link(p_tenant_id uuid, p_link_id uuid, p_reason text, p_actor text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.invite_staff(p_tenant uuid, p_email text, p_role text, p_invited_by text, p_link uuid, p_token_hash bytea, p_valid interval) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.invite_staff(p_tenant uuid, p_email text, p_role text, p_invited_by text, p_link uuid, p_token_hash bytea, p_valid interval) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.invoice_for_api(p_tenant_id uuid, p_invoice_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.invoice_run(p_as_of date, p_tenant_id uuid, p_customer_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.invoice_run(p_as_of date, p_tenant_id uuid, p_customer_id uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.invoice_run_credit_carried(p_tenant_id uuid, p_charge_ids uuid[], p_as_of date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.invoice_run_finalise(p_tenant kassa.tenants, p_invoice_ids uuid[], p_as_of date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.invoice_run_mark_usage(p_tenant_id uuid, p_run uuid, p_as_of date, p_ids bigint[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.invoice_run_stage_charges(p_tenant_id uuid, p_run uuid, p_customer_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.invoice_run_stage_services(p_tenant kassa.tenants, p_run uuid, p_as_of date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.invoice_run_stage_usage(p_tenant_id uuid, p_run uuid, p_as_of date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.invoice_run_tally(p_tenant_id uuid, p_run uuid, OUT invoice_ids uuid[], OUT services_billed integer, OUT lines_lost integer, OUT charges_billed integer) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.invoice_run_write_invoices(p_tenant kassa.tenants, p_run uuid, p_as_of date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.invoice_totals(p_tenant_id uuid, p_invoice_ids uuid[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.invoice_vat_breakdown(p_tenant_id uuid, p_invoice_ids uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.invoice_vat_breakdown(p_tenant_id uuid, p_invoice_ids uuid[]) TO staff;
GRANT ALL ON FUNCTION internal.invoice_vat_breakdown(p_tenant_id uuid, p_invoice_ids uuid[]) TO customer;

REVOKE ALL ON FUNCTION internal.is_blank(p_text text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.is_blank(p_text text) TO customer;
GRANT ALL ON FUNCTION internal.is_blank(p_text text) TO staff;

REVOKE ALL ON FUNCTION internal.is_private_address(p_address inet) FROM PUBLIC;

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

REVOKE ALL ON FUNCTION internal.keep_an_admin() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.last_scheduled_slots() FROM PUBLIC;
GRANT ALL ON FUNCTION internal.last_scheduled_slots() TO kassa_worker;

REVOKE ALL ON FUNCTION internal.ledger_mismatches(p_tenant uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.ledger_mismatches(p_tenant uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.lift_email_suppression() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.link_oidc_subject(p_tenant uuid, p_provider uuid, p_subject text, p_identity uuid, p_actor text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.link_reason(p_reason text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.link_token_hash(p_token text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.list_tenants() FROM PUBLIC;
GRANT ALL ON FUNCTION internal.list_tenants() TO kassa_worker;

REVOKE ALL ON FUNCTION internal.local_midnight(p_day date, p_timezone text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.local_midnight(p_day date, p_timezone text) TO staff;

REVOKE ALL ON FUNCTION internal.lock_debit_order_batch(p_tenant uuid, p_batch uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.lock_invoice_to_credit(p_tenant_id uuid, p_invoice_id uuid, p_settlement text, p_issued_on date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.lock_invoices_to_finalise(p_tenant_id uuid, p_invoice_ids uuid[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.lock_open_customer(p_tenant_id uuid, p_customer_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.lock_open_link(p_tenant_id uuid, p_link_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.lock_open_ticket(p_tenant uuid, p_customer uuid, p_ticket uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.lock_payment(p_tenant uuid, p_payment uuid) FROM PUBLIC;

GRANT SELECT ON TABLE kassa.payment_methods TO customer;
GRANT SELECT ON TABLE kassa.payment_methods TO staff;

REVOKE ALL ON FUNCTION internal.lock_payment_method(p_tenant uuid, p_method uuid, p_customer uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.lock_service_to_transition(p_tenant_id uuid, p_service_id uuid, p_action text, p_on date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.log_message_attempt() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.login_identity(p_slug text, p_email text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.login_identity(p_slug text, p_email text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.login_link(p_token_hash bytea, p_purpose text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.login_link(p_token_hash bytea, p_purpose text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.login_subject(p_tenant uuid, p_identity uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.login_subject(p_tenant uuid, p_identity uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.login_tenant(p_slug text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.login_wait(p_slug text, p_email text, p_address text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.login_wait(p_slug text, p_email text, p_address text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.logout(p_token_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.logout(p_token_hash bytea) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.major_units(p_amount bigint, p_exponent smallint, p_separator text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.major_units(p_amount bigint, p_exponent smallint, p_separator text) TO staff;

REVOKE ALL ON FUNCTION internal.make_append_only(p_table regclass, p_code text, p_message text, p_hint text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.mandate_postback(p_account_ref text, p_fields jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.mandate_postback(p_account_ref text, p_fields jsonb) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.mandates_to_request(p_tenant uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.mandates_to_request(p_tenant uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.mark_overdue(p_tenant_id uuid, p_as_of date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.mark_overdue(p_tenant_id uuid, p_as_of date) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.message_channels() FROM PUBLIC;
GRANT ALL ON FUNCTION internal.message_channels() TO customer;
GRANT ALL ON FUNCTION internal.message_channels() TO staff;

REVOKE ALL ON FUNCTION internal.method_owner(p_customer uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.money_text(p_tenant_id uuid, p_amount bigint) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.month_index(p_date date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.move_service(p_service kassa.services, p_action text, p_on date, p_price_version_id uuid, p_suspension_reason text, OUT service kassa.services, OUT charged boolean) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.name_download(p_kind text, p_from date, p_to date, p_type text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.name_download(p_kind text, p_from date, p_to date, p_type text) TO staff;

REVOKE ALL ON FUNCTION internal.netcash_account_ref(p_method uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.new_link_token() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.new_payment(p_tenant uuid, p_customer uuid, p_provider text, p_method text, p_purpose text, p_amount bigint, p_currency text, p_provider_ref text, p_idempotency_key text, p_payment_method uuid, p_auto_topup boolean, p_reason text, p_invoice uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.new_webhook_secret(p_tenant uuid, p_endpoint uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.next_billing_date(p_day integer, p_months integer, p_billing_date date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.next_invoice_estimate(p_tenant kassa.tenants, p_customer uuid, p_today date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.next_number(p_tenant uuid, p_kind text, p_period integer) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.next_queued_job_run(p_job text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.next_queued_job_run(p_job text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.notify_access_ended(p_tenant uuid, p_customer uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.notify_balances() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.number_invoices(p_tenant kassa.tenants, p_invoice_ids uuid[], p_issued_on date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.number_pattern(p_format text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.octo_payment(p_octo_payment text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.octo_payment(p_octo_payment text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.off_session_claim(pay kassa.payments) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.oidc_provider(p_slug text, p_issuer text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.oidc_provider(p_slug text, p_issuer text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.oidc_subject(p_tenant uuid, p_provider uuid, p_subject text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.oidc_subject(p_tenant uuid, p_provider uuid, p_subject text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.open_billing_account() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.open_debit_order_batches(p_tenant uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.open_debit_order_batches(p_tenant uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.open_ticket(p_tenant uuid, p_customer uuid, p_actor text, p_subject text, p_body text, p_category text, p_invoice uuid, p_service uuid, p_files jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.overdue_amount(p_tenant_id uuid, p_customer_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.own_rows(p_column text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.parse_usage_instant(p_text text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.party_name(p_party jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.party_name(p_party jsonb) TO staff;

REVOKE ALL ON FUNCTION internal.pause_dunning(p_tenant_id uuid, p_customer_id uuid, p_invoice_id uuid, p_reason text, p_until date, p_actor text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.payment_link_lifetime(p_tenant uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.payment_method_details(p_tenant uuid, p_method uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.payment_method_key() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.payment_method_key_decrypts_all(p_key text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.payment_page(p_token text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.payment_page(p_token text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.payment_return(p_tenant_id uuid, p_payment_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.payment_return(p_tenant_id uuid, p_payment_id uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.post_entries(p_entries jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.post_entry(p_tenant uuid, p_customer uuid, p_kind text, p_amount bigint, p_source_type text, p_source_id text, p_description text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.post_invoices(p_tenant_id uuid, p_invoice_ids uuid[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.posting_rows(p_entries jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.preference_owner(p_customer uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.price_version_in_use(p_tenant_id uuid, p_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.prorate(p_price bigint, p_start date, p_end date, p_from date, p_to date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.prorate_range(p_price bigint, p_day integer, p_months integer, p_anchor date, p_from date, p_to date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.prorate_share(p_price bigint, p_days integer, p_length integer) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.purge_webhook_log(p_retention interval) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.purge_webhook_log(p_retention interval) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.push_target(p_tenant uuid, p_subscription uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.push_target(p_tenant uuid, p_subscription uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.queue_job_run(p_job text, p_tenant uuid, p_as_of date, p_origin text, p_slot timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.queue_job_run(p_job text, p_tenant uuid, p_as_of date, p_origin text, p_slot timestamp with time zone) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.queue_login_link(l kassa.login_links) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.queued_jobs() FROM PUBLIC;
GRANT ALL ON FUNCTION internal.queued_jobs() TO kassa_worker;

REVOKE ALL ON FUNCTION internal.raise_error(code text, message text, detail text, hint text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.raise_error(code text, message text, detail text, hint text) TO customer;
GRANT ALL ON FUNCTION internal.raise_error(code text, message text, detail text, hint text) TO staff;

REVOKE ALL ON FUNCTION internal.recipient_snapshot(p_tenant_id uuid, p_customer_id uuid, p_buyer_reference text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.reconnect_customer(p_tenant_id uuid, p_customer_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.reconnect_paid_up() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.record_debit_order_batch(p_tenant uuid, p_submission date, p_action date, p_service text, p_name text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.record_debit_order_batch(p_tenant uuid, p_submission date, p_action date, p_service text, p_name text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.record_debit_order_batch_state(p_tenant uuid, p_batch uuid, p_status text, p_token text, p_load_status text, p_failed_lines integer[], p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.record_debit_order_batch_state(p_tenant uuid, p_batch uuid, p_status text, p_token text, p_load_status text, p_failed_lines integer[], p_error text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.record_login_mail_failed(p_tenant uuid, p_link uuid, p_error text, p_first_retry interval, p_max_attempts integer) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.record_login_mail_failed(p_tenant uuid, p_link uuid, p_error text, p_first_retry interval, p_max_attempts integer) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.record_login_mail_sent(p_tenant uuid, p_link uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.record_login_mail_sent(p_tenant uuid, p_link uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.record_mandate_outcome(p_tenant uuid, p_method uuid, p_accepted boolean, p_mandate_ref text, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.record_mandate_outcome(p_tenant uuid, p_method uuid, p_accepted boolean, p_mandate_ref text, p_reason text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.record_mandate_request(p_tenant uuid, p_method uuid, p_mandate_url text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.record_mandate_request(p_tenant uuid, p_method uuid, p_mandate_url text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.record_manual_payment(p_tenant uuid, p_customer uuid, p_amount bigint, p_method text, p_reason text, p_reference text, p_actor text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.record_message_bounced(p_tenant uuid, p_message uuid, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.record_message_bounced(p_tenant uuid, p_message uuid, p_error text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.record_message_failed(p_tenant uuid, p_message uuid, p_error text, p_first_retry interval, p_max_attempts integer) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.record_message_failed(p_tenant uuid, p_message uuid, p_error text, p_first_retry interval, p_max_attempts integer) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.record_message_sent(p_tenant uuid, p_message uuid, p_subject text, p_segments integer) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.record_message_sent(p_tenant uuid, p_message uuid, p_subject text, p_segments integer) TO kassa_worker;

GRANT SELECT ON TABLE kassa.payment_refunds TO staff;
GRANT SELECT ON TABLE kassa.payment_refunds TO customer;

REVOKE ALL ON FUNCTION internal.record_octo_refund(p_tenant uuid, p_payment uuid, p_amount bigint, p_shop_refund_id text, p_reason text, p_raw jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.record_octo_refund(p_tenant uuid, p_payment uuid, p_amount bigint, p_shop_refund_id text, p_reason text, p_raw jsonb) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.record_usage(p_tenant_id uuid, p_records jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.record_usage(p_tenant_id uuid, p_records jsonb) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.record_webhook_attempt(p_tenant uuid, p_delivery uuid, p_attempt integer, p_status_code integer, p_latency_ms integer, p_response text, p_error text, p_retry_after interval, p_schedule interval[], p_disable_after interval) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.record_webhook_attempt(p_tenant uuid, p_delivery uuid, p_attempt integer, p_status_code integer, p_latency_ms integer, p_response text, p_error text, p_retry_after interval, p_schedule interval[], p_disable_after interval) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.redacting() FROM PUBLIC;
GRANT ALL ON FUNCTION internal.redacting() TO customer;
GRANT ALL ON FUNCTION internal.redacting() TO staff;

REVOKE ALL ON FUNCTION internal.redeem_stream_ticket(p_tenant uuid, p_ticket uuid, p_expires_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.redeem_stream_ticket(p_tenant uuid, p_ticket uuid, p_expires_at timestamp with time zone) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.refresh_invoice_totals(p_tenant_id uuid, p_invoice_ids uuid[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.refresh_login(p_token_hash bytea, p_new_hash bytea, p_valid interval) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.refresh_login(p_token_hash bytea, p_new_hash bytea, p_valid interval) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.refund_manual_payment(p_tenant uuid, p_payment uuid, p_amount bigint, p_reason text, p_actor text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.refund_payment(p_tenant uuid, p_payment uuid, p_kind text, p_amount bigint, p_provider_ref text, p_reason text, p_raw jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.refuse_api_key_actor(p_actor text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.refuse_change() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.refuse_closed_customer(p_account_number text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.refuse_closed_customer(p_account_number text) TO customer;
GRANT ALL ON FUNCTION internal.refuse_closed_customer(p_account_number text) TO staff;

REVOKE ALL ON FUNCTION internal.refuse_credit_note_change() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.refuse_document_change() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.regenerate_payment_link(p_tenant_id uuid, p_link_id uuid, p_reason text, p_actor text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.reject_debit_order_items(p_tenant uuid, p_items uuid[], p_reason text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.reject_webhook_event(p_provider text, p_event_id text, p_type text, p_payload jsonb, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.reject_webhook_event(p_provider text, p_event_id text, p_type text, p_payload jsonb, p_error text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.remember(p_tenant uuid, p_request_id text, p_operation text, p_arguments jsonb, p_result jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.remove_invoice_line(p_tenant_id uuid, p_line_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.remove_payment_method(p_tenant uuid, p_method uuid, p_customer uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.replayed(p_tenant uuid, p_request_id text, p_operation text, p_arguments jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.reply_ticket(p_tenant uuid, p_customer uuid, p_actor text, p_ticket uuid, p_body text, p_internal boolean, p_files jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.request_action(p_method text, p_path text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.request_auto_topup() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.request_password_reset(p_slug text, p_email text, p_link uuid, p_token_hash bytea, p_valid interval) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.request_password_reset(p_slug text, p_email text, p_link uuid, p_token_hash bytea, p_valid interval) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.request_signup(p_slug text, p_email text, p_name text, p_password_hash text, p_link uuid, p_token_hash bytea, p_valid interval) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.request_signup(p_slug text, p_email text, p_name text, p_password_hash text, p_link uuid, p_token_hash bytea, p_valid interval) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.requests_over(p_bucket text, p_limit integer, p_window_s integer) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.require_found(p_found boolean, code text, message text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.require_reason(p_reason text, p_code text, p_message text, p_hint text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.require_staff_action(claims json, p_action text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.require_staff_action(claims json, p_action text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.resend_webhook(p_tenant uuid, p_delivery uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.reset_password(p_token_hash bytea, p_password_hash text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.reset_password(p_token_hash bytea, p_password_hash text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.resolve_debit_order_batch(p_tenant uuid, p_batch uuid, p_received boolean, p_reason text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.resolve_payment_link(p_token text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.resume_dunning(p_tenant_id uuid, p_pause_id uuid, p_actor text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.revoke_api_key(p_tenant uuid, p_key uuid, p_actor text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.revoke_login(p_tenant uuid, p_identity uuid, p_family uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.revoke_login(p_tenant uuid, p_identity uuid, p_family uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.revoke_logins(p_tenant uuid, p_identity uuid, p_reason text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.rotate_payment_method_key(p_old text, p_new text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.rotate_webhook_secret(p_tenant uuid, p_endpoint uuid, p_overlap interval) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.rows_of_visible(p_table regclass, p_parent regclass, p_key text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.save_payment_method(p_method kassa.payment_methods, p_details jsonb, p_primary boolean) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.save_service_transition(p_before kassa.services, p_after kassa.services, p_action text, p_reason text, p_on date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.send_document(p_tenant uuid, p_customer uuid, p_kind text, p_number text, p_url text, p_expires_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.send_document(p_tenant uuid, p_customer uuid, p_kind text, p_number text, p_url text, p_expires_at timestamp with time zone) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.service_transition(p_tenant_id uuid, p_service_id uuid, p_action text, p_reason text, p_on date, p_price_version_id uuid, p_suspension_reason text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.service_transition_once(p_tenant_id uuid, p_request_id text, p_service_id uuid, p_action text, p_reason text, p_on date, p_plan_version_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.services_reference(p_tenant_id uuid, p_service_ids uuid[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.set_credit_limit(p_tenant uuid, p_customer uuid, p_limit numeric, p_reason text, p_actor text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.set_dunning_schedule(p_tenant_id uuid, p_steps jsonb, p_tolerance bigint, p_actor text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.set_message_preference(p_tenant uuid, p_customer uuid, p_kind text, p_channel text, p_enabled boolean) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.set_primary_payment_method(p_tenant uuid, p_method uuid, p_customer uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.set_quiet_hours(p_tenant uuid, p_customer uuid, p_starts text, p_ends text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.set_tenant_signup_mode(p_tenant text, p_mode text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.set_tenant_smtp_profile(p_tenant text, p_profile text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.set_tenant_status(p_tenant text, p_status text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.set_ticket_status(p_tenant uuid, p_customer uuid, p_ticket uuid, p_status text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.settle_auto_topup(pay kassa.payments) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.settle_credit_note(p_invoice kassa.invoices, p_note kassa.credit_notes) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.spread_in_proportion(p_amount bigint, p_weights bigint[]) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.staff_dashboard(p_tenant_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.staff_money_request(p_operation text, p_request_id text, p_call jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.staff_role_matrix() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.staff_role_of(claims json) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.start_job_run(p_job text, p_as_of date, p_tenant uuid, OUT id bigint, OUT public_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.start_job_run(p_job text, p_as_of date, p_tenant uuid, OUT id bigint, OUT public_id uuid) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.start_login(p_tenant uuid, p_identity uuid, p_token_hash bytea, p_user_agent text, p_valid interval, p_totp_step bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.start_login(p_tenant uuid, p_identity uuid, p_token_hash bytea, p_user_agent text, p_valid interval, p_totp_step bigint) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.start_queued_job_run(p_run bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.start_queued_job_run(p_run bigint) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.start_row_count() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.statement(p_tenant_id uuid, p_customer_id uuid, p_from date, p_to date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.statement_customer(p_customer uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.statement_source(p_tenant uuid, p_customer uuid, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.statement_source(p_tenant uuid, p_customer uuid, p_from date, p_to date) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.store_document(p_tenant uuid, p_kind text, p_source uuid, p_variant text, p_format text, p_content bytea, p_sha256 text, p_renderer text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.store_document(p_tenant uuid, p_kind text, p_source uuid, p_variant text, p_format text, p_content bytea, p_sha256 text, p_renderer text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.stripe_checkout_completed(p_session jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.stripe_event(p_event jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.stripe_event(p_event jsonb) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.stripe_payment(p_object jsonb, p_intent text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.stripe_payment_event(p_type text, p_object jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.subscribe_push(p_tenant uuid, p_customer uuid, p_endpoint text, p_p256dh text, p_auth text, p_user_agent text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.supplier_snapshot(p_tenant_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.sweep_request_counts() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.sync_stripe_refunds(p_tenant uuid, p_payment uuid, p_charge text, p_refunded_total bigint, p_reason text, p_raw jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.sync_stripe_refunds(p_tenant uuid, p_payment uuid, p_charge text, p_refunded_total bigint, p_reason text, p_raw jsonb) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.tenant_rows(p_column text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.tenant_today(p_tenant uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.tenant_today(p_tenant uuid) TO customer;
GRANT ALL ON FUNCTION internal.tenant_today(p_tenant uuid) TO staff;
GRANT ALL ON FUNCTION internal.tenant_today(p_tenant uuid) TO kassa_worker;

GRANT SELECT ON TABLE kassa.webhook_endpoints TO staff;

REVOKE ALL ON FUNCTION internal.tenant_webhook_endpoint(p_tenant uuid, p_endpoint uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.tenant_year(p_tenant uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.tenant_year(p_tenant uuid) TO customer;
GRANT ALL ON FUNCTION internal.tenant_year(p_tenant uuid) TO staff;

REVOKE ALL ON FUNCTION internal.ticket_file(p_attachment uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.ticket_file(p_attachment uuid) TO customer;
GRANT ALL ON FUNCTION internal.ticket_file(p_attachment uuid) TO staff;

REVOKE ALL ON FUNCTION internal.ticket_file_signature(p_content_type text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.top_up_bonus(p_tenant uuid, p_amount bigint) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.top_up_limits(p_tenant uuid, OUT min_top_up bigint, OUT max_top_up bigint) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.unlink_oidc_subject(p_tenant uuid, p_provider uuid, p_subject text, p_actor text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.unsubscribe(p_tenant uuid, p_customer uuid, p_kind text, p_channel text) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.unsubscribe(p_tenant uuid, p_customer uuid, p_kind text, p_channel text) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.unsubscribe_push(p_tenant uuid, p_customer uuid, p_subscription uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.update_webhook_endpoint(p_tenant uuid, p_endpoint uuid, p_url text, p_event_kinds text[], p_description text, p_enabled boolean) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.usage_meter(p_unit text) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.usage_steps(p_used bigint, p_allowance bigint, p_step bigint) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.use_api_key(p_key uuid, p_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.use_api_key(p_key uuid, p_hash bytea) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.use_link(l kassa.login_links) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.use_payment_link(p_tenant_id uuid, p_link_id uuid, p_payment_id uuid) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.use_totp_step(p_tenant uuid, p_identity uuid, p_step bigint) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.vat_of(p_amount numeric, p_rate numeric, p_includes_vat boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.vat_of(p_amount numeric, p_rate numeric, p_includes_vat boolean) TO staff;
GRANT ALL ON FUNCTION internal.vat_of(p_amount numeric, p_rate numeric, p_includes_vat boolean) TO customer;

REVOKE ALL ON FUNCTION internal.verify_signup(p_token_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.verify_signup(p_token_hash bytea) TO kassa_worker;

REVOKE ALL ON FUNCTION internal.view_key(base regclass, renamed jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.view_key(base regclass, renamed jsonb) TO customer;
GRANT ALL ON FUNCTION internal.view_key(base regclass, renamed jsonb) TO staff;

REVOKE ALL ON FUNCTION internal.void_invoice(p_tenant_id uuid, p_invoice_id uuid, p_reason text, p_issued_on date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.wake_event_consumers() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.wants_message(p_preference boolean, p_channel text, p_mandatory boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION internal.wants_message(p_preference boolean, p_channel text, p_mandatory boolean) TO customer;
GRANT ALL ON FUNCTION internal.wants_message(p_preference boolean, p_channel text, p_mandatory boolean) TO staff;

REVOKE ALL ON FUNCTION internal.webhook_endpoint_json(e kassa.webhook_endpoints) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.without_personal_data(p_row jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.write_by_key(api_view regclass, base regclass, renamed jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.write_credit_note(p_invoice kassa.invoices, p_reason text, p_settlement text, p_issued_on date, p_request jsonb, p_vat jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.write_off_invoice(p_tenant_id uuid, p_invoice_id uuid, p_reason text, p_issued_on date) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.write_off_lines(p_invoice kassa.invoices, p_vat jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.write_off_vat(p_invoice kassa.invoices) FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.write_one_row() FROM PUBLIC;

REVOKE ALL ON FUNCTION internal.write_ticket_message(p_ticket kassa.tickets, p_by_customer boolean, p_actor text, p_body text, p_internal boolean, p_files jsonb) FROM PUBLIC;

REVOKE ALL ON FUNCTION kassa.hand_over_objects(new_owner name) FROM PUBLIC;

GRANT SELECT(tenant_id) ON TABLE kassa.api_keys TO customer;
GRANT SELECT(tenant_id) ON TABLE kassa.api_keys TO staff;

GRANT SELECT(id) ON TABLE kassa.api_keys TO customer;
GRANT SELECT(id) ON TABLE kassa.api_keys TO staff;

GRANT SELECT(name) ON TABLE kassa.api_keys TO customer;
GRANT SELECT(name) ON TABLE kassa.api_keys TO staff;

GRANT SELECT(staff_role) ON TABLE kassa.api_keys TO customer;
GRANT SELECT(staff_role) ON TABLE kassa.api_keys TO staff;

GRANT SELECT(customer_id) ON TABLE kassa.api_keys TO customer;
GRANT SELECT(customer_id) ON TABLE kassa.api_keys TO staff;

GRANT SELECT(expires_at) ON TABLE kassa.api_keys TO customer;
GRANT SELECT(expires_at) ON TABLE kassa.api_keys TO staff;

GRANT SELECT(last_used_at) ON TABLE kassa.api_keys TO customer;
GRANT SELECT(last_used_at) ON TABLE kassa.api_keys TO staff;

GRANT SELECT(created_by) ON TABLE kassa.api_keys TO customer;
GRANT SELECT(created_by) ON TABLE kassa.api_keys TO staff;

GRANT SELECT(created_at) ON TABLE kassa.api_keys TO customer;
GRANT SELECT(created_at) ON TABLE kassa.api_keys TO staff;

GRANT SELECT(revoked_at) ON TABLE kassa.api_keys TO customer;
GRANT SELECT(revoked_at) ON TABLE kassa.api_keys TO staff;

GRANT SELECT ON TABLE api.api_keys TO customer;
GRANT SELECT ON TABLE api.api_keys TO staff;

GRANT SELECT ON TABLE audit.log TO staff;

GRANT SELECT ON TABLE api.audit_log TO staff;

GRANT SELECT ON TABLE kassa.auto_topups TO customer;
GRANT SELECT ON TABLE kassa.auto_topups TO staff;

GRANT SELECT ON TABLE api.auto_topups TO customer;
GRANT SELECT ON TABLE api.auto_topups TO staff;

GRANT SELECT ON TABLE kassa.balance_adjustments TO staff;

GRANT SELECT ON TABLE api.balance_adjustments TO staff;

GRANT SELECT ON TABLE api.billing_settings TO staff;

GRANT UPDATE(billing_days) ON TABLE api.billing_settings TO staff;

GRANT UPDATE(invoice_lead_days) ON TABLE api.billing_settings TO staff;

GRANT UPDATE(invoice_run_mode) ON TABLE api.billing_settings TO staff;

GRANT UPDATE(proration_mode) ON TABLE api.billing_settings TO staff;

GRANT UPDATE(date_window_back_days) ON TABLE api.billing_settings TO staff;

GRANT UPDATE(date_window_forward_days) ON TABLE api.billing_settings TO staff;

GRANT UPDATE(usage_warning_percents) ON TABLE api.billing_settings TO staff;

GRANT SELECT ON TABLE kassa.bonus_tiers TO customer;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE kassa.bonus_tiers TO staff;

GRANT SELECT ON TABLE api.bonus_tiers TO customer;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE api.bonus_tiers TO staff;

GRANT SELECT ON TABLE api.credit_limits TO staff;

GRANT SELECT ON TABLE kassa.credit_note_lines TO customer;
GRANT SELECT ON TABLE kassa.credit_note_lines TO staff;

GRANT SELECT ON TABLE api.credit_note_lines TO customer;
GRANT SELECT ON TABLE api.credit_note_lines TO staff;

GRANT SELECT ON TABLE kassa.credit_note_vat_totals TO customer;
GRANT SELECT ON TABLE kassa.credit_note_vat_totals TO staff;

GRANT SELECT ON TABLE api.credit_note_vat_breakdown TO customer;
GRANT SELECT ON TABLE api.credit_note_vat_breakdown TO staff;

GRANT SELECT ON TABLE kassa.currencies TO customer;
GRANT SELECT ON TABLE kassa.currencies TO staff;

GRANT SELECT ON TABLE api.currencies TO customer;
GRANT SELECT ON TABLE api.currencies TO staff;

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

GRANT INSERT(street),UPDATE(street) ON TABLE api.customers TO staff;
GRANT UPDATE(street) ON TABLE api.customers TO customer;

GRANT INSERT(postcode),UPDATE(postcode) ON TABLE api.customers TO staff;
GRANT UPDATE(postcode) ON TABLE api.customers TO customer;

GRANT INSERT(city),UPDATE(city) ON TABLE api.customers TO staff;
GRANT UPDATE(city) ON TABLE api.customers TO customer;

GRANT INSERT(country),UPDATE(country) ON TABLE api.customers TO staff;
GRANT UPDATE(country) ON TABLE api.customers TO customer;

GRANT INSERT(vat_number),UPDATE(vat_number) ON TABLE api.customers TO staff;

GRANT INSERT(buyer_reference),UPDATE(buyer_reference) ON TABLE api.customers TO staff;

GRANT INSERT(locale),UPDATE(locale) ON TABLE api.customers TO staff;
GRANT UPDATE(locale) ON TABLE api.customers TO customer;

GRANT SELECT,INSERT,DELETE ON TABLE kassa.datev_debtor_accounts TO staff;

GRANT UPDATE(account) ON TABLE kassa.datev_debtor_accounts TO staff;

GRANT SELECT,INSERT,DELETE ON TABLE api.datev_debtor_accounts TO staff;

GRANT UPDATE(account) ON TABLE api.datev_debtor_accounts TO staff;

GRANT SELECT,INSERT,DELETE ON TABLE kassa.datev_revenue_accounts TO staff;

GRANT UPDATE(account) ON TABLE kassa.datev_revenue_accounts TO staff;

GRANT UPDATE(tax_key) ON TABLE kassa.datev_revenue_accounts TO staff;

GRANT SELECT,INSERT,DELETE ON TABLE api.datev_revenue_accounts TO staff;

GRANT UPDATE(account) ON TABLE api.datev_revenue_accounts TO staff;

GRANT UPDATE(tax_key) ON TABLE api.datev_revenue_accounts TO staff;

GRANT SELECT,INSERT,DELETE ON TABLE api.datev_settings TO staff;

GRANT UPDATE(chart) ON TABLE api.datev_settings TO staff;

GRANT UPDATE(consultant_number) ON TABLE api.datev_settings TO staff;

GRANT UPDATE(client_number) ON TABLE api.datev_settings TO staff;

GRANT UPDATE(account_length) ON TABLE api.datev_settings TO staff;

GRANT UPDATE(fiscal_year_start) ON TABLE api.datev_settings TO staff;

GRANT UPDATE(debtor_account) ON TABLE api.datev_settings TO staff;

GRANT UPDATE(bank_account) ON TABLE api.datev_settings TO staff;

GRANT UPDATE(cash_account) ON TABLE api.datev_settings TO staff;

GRANT SELECT ON TABLE api.debit_order_batches TO staff;

GRANT SELECT ON TABLE kassa.debit_order_items TO customer;
GRANT SELECT ON TABLE kassa.debit_order_items TO staff;

GRANT SELECT ON TABLE api.debit_order_items TO customer;
GRANT SELECT ON TABLE api.debit_order_items TO staff;

GRANT SELECT,INSERT ON TABLE kassa.document_settings TO staff;

GRANT UPDATE(logo) ON TABLE kassa.document_settings TO staff;

GRANT UPDATE(accent_colour) ON TABLE kassa.document_settings TO staff;

GRANT SELECT,INSERT ON TABLE api.document_settings TO staff;

GRANT UPDATE(logo) ON TABLE api.document_settings TO staff;

GRANT UPDATE(accent_colour) ON TABLE api.document_settings TO staff;

GRANT SELECT ON TABLE kassa.documents TO customer;
GRANT SELECT ON TABLE kassa.documents TO staff;

GRANT SELECT ON TABLE api.documents TO customer;
GRANT SELECT ON TABLE api.documents TO staff;

GRANT SELECT ON TABLE api.dunning_pauses TO staff;

GRANT SELECT ON TABLE api.dunning_schedules TO staff;

GRANT SELECT ON TABLE kassa.dunning_steps TO staff;

GRANT SELECT ON TABLE api.dunning_steps TO staff;

GRANT SELECT ON TABLE api.identities TO customer;
GRANT SELECT ON TABLE api.identities TO staff;

GRANT SELECT ON TABLE api.invoice_allocations TO customer;
GRANT SELECT ON TABLE api.invoice_allocations TO staff;

GRANT SELECT ON TABLE kassa.invoice_dunning TO customer;
GRANT SELECT ON TABLE kassa.invoice_dunning TO staff;

GRANT SELECT ON TABLE api.invoice_dunning TO customer;
GRANT SELECT ON TABLE api.invoice_dunning TO staff;

GRANT SELECT ON TABLE kassa.invoice_dunning_steps TO customer;
GRANT SELECT ON TABLE kassa.invoice_dunning_steps TO staff;

GRANT SELECT ON TABLE api.invoice_dunning_steps TO customer;
GRANT SELECT ON TABLE api.invoice_dunning_steps TO staff;

GRANT SELECT ON TABLE api.invoice_vat_breakdown TO customer;
GRANT SELECT ON TABLE api.invoice_vat_breakdown TO staff;

GRANT SELECT ON TABLE kassa.job_runs TO staff;

GRANT SELECT ON TABLE api.job_runs TO staff;

GRANT SELECT ON TABLE api.ledger_entries TO customer;
GRANT SELECT ON TABLE api.ledger_entries TO staff;

GRANT SELECT ON TABLE kassa.legacy_ids TO staff;

GRANT SELECT ON TABLE api.legacy_ids TO staff;

GRANT SELECT ON TABLE kassa.low_balance_thresholds TO customer;
GRANT SELECT,INSERT,DELETE ON TABLE kassa.low_balance_thresholds TO staff;

GRANT SELECT ON TABLE api.low_balance_thresholds TO customer;
GRANT SELECT,INSERT,DELETE ON TABLE api.low_balance_thresholds TO staff;

GRANT SELECT ON TABLE kassa.message_attempts TO customer;
GRANT SELECT ON TABLE kassa.message_attempts TO staff;

GRANT SELECT ON TABLE api.message_attempts TO customer;
GRANT SELECT ON TABLE api.message_attempts TO staff;

GRANT SELECT ON TABLE kassa.message_preferences TO customer;
GRANT SELECT ON TABLE kassa.message_preferences TO staff;

GRANT SELECT ON TABLE api.message_preferences TO customer;
GRANT SELECT ON TABLE api.message_preferences TO staff;

GRANT SELECT ON TABLE kassa.message_suppressions TO customer;
GRANT SELECT ON TABLE kassa.message_suppressions TO staff;

GRANT SELECT ON TABLE api.message_suppressions TO customer;
GRANT SELECT ON TABLE api.message_suppressions TO staff;

GRANT SELECT ON TABLE kassa.messages TO customer;
GRANT SELECT ON TABLE kassa.messages TO staff;

GRANT SELECT ON TABLE kassa.notifications TO customer;
GRANT SELECT ON TABLE kassa.notifications TO staff;

GRANT SELECT ON TABLE api.messages TO customer;
GRANT SELECT ON TABLE api.messages TO staff;

GRANT SELECT ON TABLE api.notifications TO customer;
GRANT SELECT ON TABLE api.notifications TO staff;

GRANT SELECT ON TABLE kassa.oidc_links TO staff;

GRANT SELECT ON TABLE api.oidc_links TO staff;

GRANT SELECT ON TABLE kassa.oidc_providers TO staff;

GRANT SELECT ON TABLE api.oidc_providers TO staff;

GRANT SELECT ON TABLE api.payment_links TO customer;
GRANT SELECT ON TABLE api.payment_links TO staff;

GRANT SELECT ON TABLE api.payment_methods TO customer;
GRANT SELECT ON TABLE api.payment_methods TO staff;

GRANT SELECT ON TABLE api.payment_provider_responses TO staff;

GRANT SELECT ON TABLE api.payment_refunds TO customer;
GRANT SELECT ON TABLE api.payment_refunds TO staff;

GRANT SELECT ON TABLE kassa.payment_settings TO customer;
GRANT SELECT,INSERT ON TABLE kassa.payment_settings TO staff;

GRANT UPDATE(min_top_up) ON TABLE kassa.payment_settings TO staff;

GRANT UPDATE(max_top_up) ON TABLE kassa.payment_settings TO staff;

GRANT UPDATE(return_origins) ON TABLE kassa.payment_settings TO staff;

GRANT UPDATE(payment_link_expiry_days) ON TABLE kassa.payment_settings TO staff;

GRANT UPDATE(link_gateways) ON TABLE kassa.payment_settings TO staff;

GRANT UPDATE(debit_order_service) ON TABLE kassa.payment_settings TO staff;

GRANT UPDATE(debit_order_cutoff) ON TABLE kassa.payment_settings TO staff;

GRANT SELECT ON TABLE api.payment_settings TO customer;
GRANT SELECT,INSERT ON TABLE api.payment_settings TO staff;

GRANT UPDATE(min_top_up) ON TABLE api.payment_settings TO staff;

GRANT UPDATE(max_top_up) ON TABLE api.payment_settings TO staff;

GRANT UPDATE(return_origins) ON TABLE api.payment_settings TO staff;

GRANT UPDATE(payment_link_expiry_days) ON TABLE api.payment_settings TO staff;

GRANT UPDATE(link_gateways) ON TABLE api.payment_settings TO staff;

GRANT UPDATE(debit_order_service) ON TABLE api.payment_settings TO staff;

GRANT UPDATE(debit_order_cutoff) ON TABLE api.payment_settings TO staff;

GRANT SELECT ON TABLE api.payments TO customer;
GRANT SELECT ON TABLE api.payments TO staff;

GRANT SELECT ON TABLE api.pending_charges TO customer;
GRANT SELECT ON TABLE api.pending_charges TO staff;

GRANT SELECT ON TABLE kassa.price_versions TO customer;
GRANT SELECT ON TABLE kassa.price_versions TO staff;

GRANT INSERT(product_id) ON TABLE kassa.price_versions TO staff;

GRANT INSERT(price),UPDATE(price) ON TABLE kassa.price_versions TO staff;

GRANT INSERT("interval"),UPDATE("interval") ON TABLE kassa.price_versions TO staff;

GRANT INSERT(currency),UPDATE(currency) ON TABLE kassa.price_versions TO staff;

GRANT INSERT(vat_category),UPDATE(vat_category) ON TABLE kassa.price_versions TO staff;

GRANT INSERT(valid_from),UPDATE(valid_from) ON TABLE kassa.price_versions TO staff;

GRANT INSERT(usage_unit),UPDATE(usage_unit) ON TABLE kassa.price_versions TO staff;

GRANT INSERT(usage_cap),UPDATE(usage_cap) ON TABLE kassa.price_versions TO staff;

GRANT INSERT(usage_allowance),UPDATE(usage_allowance) ON TABLE kassa.price_versions TO staff;

GRANT INSERT(usage_step),UPDATE(usage_step) ON TABLE kassa.price_versions TO staff;

GRANT INSERT(usage_step_price),UPDATE(usage_step_price) ON TABLE kassa.price_versions TO staff;

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

GRANT INSERT(usage_unit),UPDATE(usage_unit) ON TABLE api.price_versions TO staff;

GRANT INSERT(usage_cap),UPDATE(usage_cap) ON TABLE api.price_versions TO staff;

GRANT INSERT(usage_allowance),UPDATE(usage_allowance) ON TABLE api.price_versions TO staff;

GRANT INSERT(usage_step),UPDATE(usage_step) ON TABLE api.price_versions TO staff;

GRANT INSERT(usage_step_price),UPDATE(usage_step_price) ON TABLE api.price_versions TO staff;

GRANT SELECT ON TABLE api.products TO customer;
GRANT SELECT ON TABLE api.products TO staff;

GRANT INSERT(code) ON TABLE api.products TO staff;

GRANT INSERT(name),UPDATE(name) ON TABLE api.products TO staff;

GRANT INSERT(kind) ON TABLE api.products TO staff;

GRANT INSERT(description),UPDATE(description) ON TABLE api.products TO staff;

GRANT INSERT(active),UPDATE(active) ON TABLE api.products TO staff;

GRANT SELECT ON TABLE kassa.push_subscriptions TO customer;
GRANT SELECT ON TABLE kassa.push_subscriptions TO staff;

GRANT SELECT ON TABLE api.push_subscriptions TO customer;
GRANT SELECT ON TABLE api.push_subscriptions TO staff;

GRANT SELECT ON TABLE kassa.quiet_hours TO customer;
GRANT SELECT ON TABLE kassa.quiet_hours TO staff;

GRANT SELECT ON TABLE api.quiet_hours TO customer;
GRANT SELECT ON TABLE api.quiet_hours TO staff;

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

GRANT SELECT ON TABLE api.staff_users TO staff;

GRANT INSERT(email) ON TABLE api.staff_users TO staff;

GRANT INSERT(name),UPDATE(name) ON TABLE api.staff_users TO staff;

GRANT INSERT(role),UPDATE(role) ON TABLE api.staff_users TO staff;

GRANT UPDATE(status) ON TABLE api.staff_users TO staff;

GRANT SELECT ON TABLE api.tenants TO customer;
GRANT SELECT ON TABLE api.tenants TO staff;

GRANT UPDATE(name) ON TABLE api.tenants TO staff;

GRANT UPDATE(legal_name) ON TABLE api.tenants TO staff;

GRANT UPDATE(address) ON TABLE api.tenants TO staff;

GRANT UPDATE(street) ON TABLE api.tenants TO staff;

GRANT UPDATE(postcode) ON TABLE api.tenants TO staff;

GRANT UPDATE(city) ON TABLE api.tenants TO staff;

GRANT UPDATE(vat_number) ON TABLE api.tenants TO staff;

GRANT UPDATE(tax_number) ON TABLE api.tenants TO staff;

GRANT UPDATE(registration_number) ON TABLE api.tenants TO staff;

GRANT UPDATE(iban) ON TABLE api.tenants TO staff;

GRANT UPDATE(bic) ON TABLE api.tenants TO staff;

GRANT UPDATE(prices_include_vat) ON TABLE api.tenants TO staff;

GRANT UPDATE(timezone) ON TABLE api.tenants TO staff;

GRANT UPDATE(locale) ON TABLE api.tenants TO staff;

GRANT UPDATE(account_number_format) ON TABLE api.tenants TO staff;

GRANT UPDATE(invoice_number_format) ON TABLE api.tenants TO staff;

GRANT UPDATE(credit_note_number_format) ON TABLE api.tenants TO staff;

GRANT UPDATE(payment_terms_days) ON TABLE api.tenants TO staff;

GRANT UPDATE(dunning_fee_vat_category) ON TABLE api.tenants TO staff;

GRANT UPDATE(mandatory_message_kinds) ON TABLE api.tenants TO staff;

GRANT UPDATE(mail_sender_name) ON TABLE api.tenants TO staff;

GRANT UPDATE(mail_reply_to) ON TABLE api.tenants TO staff;

GRANT UPDATE(privacy_retention_days) ON TABLE api.tenants TO staff;

GRANT UPDATE(signup_mode) ON TABLE api.tenants TO staff;

GRANT SELECT ON TABLE kassa.ticket_attachments TO customer;
GRANT SELECT ON TABLE kassa.ticket_attachments TO staff;

GRANT SELECT ON TABLE kassa.ticket_messages TO customer;
GRANT SELECT ON TABLE kassa.ticket_messages TO staff;

GRANT SELECT ON TABLE api.ticket_attachments TO customer;
GRANT SELECT ON TABLE api.ticket_attachments TO staff;

GRANT SELECT ON TABLE api.ticket_messages TO customer;
GRANT SELECT ON TABLE api.ticket_messages TO staff;

GRANT SELECT ON TABLE api.tickets TO customer;
GRANT SELECT ON TABLE api.tickets TO staff;

GRANT SELECT ON TABLE kassa.usage_daily TO customer;
GRANT SELECT ON TABLE kassa.usage_daily TO staff;

GRANT SELECT ON TABLE api.usage_daily TO customer;
GRANT SELECT ON TABLE api.usage_daily TO staff;

GRANT SELECT ON TABLE kassa.usage_periods TO customer;
GRANT SELECT ON TABLE kassa.usage_periods TO staff;

GRANT SELECT ON TABLE api.usage_periods TO customer;
GRANT SELECT ON TABLE api.usage_periods TO staff;

GRANT SELECT ON TABLE api.usage_records TO customer;
GRANT SELECT ON TABLE api.usage_records TO staff;

GRANT SELECT ON TABLE kassa.vat_rates TO customer;
GRANT SELECT ON TABLE kassa.vat_rates TO staff;

GRANT INSERT(category) ON TABLE kassa.vat_rates TO staff;

GRANT INSERT(rate),UPDATE(rate) ON TABLE kassa.vat_rates TO staff;

GRANT INSERT(code),UPDATE(code) ON TABLE kassa.vat_rates TO staff;

GRANT INSERT(exemption_reason),UPDATE(exemption_reason) ON TABLE kassa.vat_rates TO staff;

GRANT INSERT(exemption_code),UPDATE(exemption_code) ON TABLE kassa.vat_rates TO staff;

GRANT SELECT ON TABLE api.vat_rates TO customer;
GRANT SELECT ON TABLE api.vat_rates TO staff;

GRANT INSERT(category) ON TABLE api.vat_rates TO staff;

GRANT INSERT(rate),UPDATE(rate) ON TABLE api.vat_rates TO staff;

GRANT INSERT(code),UPDATE(code) ON TABLE api.vat_rates TO staff;

GRANT INSERT(exemption_reason),UPDATE(exemption_reason) ON TABLE api.vat_rates TO staff;

GRANT INSERT(exemption_code),UPDATE(exemption_code) ON TABLE api.vat_rates TO staff;

GRANT SELECT ON TABLE kassa.webhook_attempts TO staff;

GRANT SELECT ON TABLE api.webhook_attempts TO staff;

GRANT SELECT ON TABLE kassa.webhook_deliveries TO staff;

GRANT SELECT ON TABLE api.webhook_deliveries TO staff;

GRANT SELECT ON TABLE kassa.webhook_endpoint_states TO staff;

GRANT SELECT ON TABLE api.webhook_endpoints TO staff;
