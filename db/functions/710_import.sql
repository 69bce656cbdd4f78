-- Legacy import (docs/import.md; the CLI `kassa import KIND FILE.csv`, kassa/legacy_import.py,
-- parses the file and hands its rows here as a JSON array of objects, one per line, each with
-- its line number). internal.import_legacy checks every row first, set-based, with the reason
-- of the first rule it breaks; then writes all of them, the valid ones only (skip_invalid), or
-- nothing (dry_run; all_or_nothing with a rejected row). Every row written keeps its legacy id in
-- kassa.legacy_ids, and a row whose legacy id is there already is skipped: re-running a file
-- creates nothing twice. The caller names the actor (internal.act_as('cli:import:<kind>')).
--
-- Per kind: internal.import_check_<kind>(tenant, rows) gives each row's line, legacy id,
-- outcome (valid, rejected, skipped), reason and the normalised values (data), and
-- internal.import_<kind>(tenant, valid rows) writes those and gives each line its Kassa id.

-- The columns of each kind, and which a file must have.
CREATE OR REPLACE FUNCTION internal.import_columns(p_kind text) RETURNS TABLE (column_name text, required boolean)
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT c.column_name, c.required FROM (VALUES
    ('customers', 'legacy_id', true), ('customers', 'name', true), ('customers', 'email', true),
    ('customers', 'phone', false), ('customers', 'type', false), ('customers', 'company_name', false),
    ('customers', 'vat_number', false), ('customers', 'street', false), ('customers', 'postcode', false),
    ('customers', 'city', false), ('customers', 'country', false), ('customers', 'locale', false),
    ('customers', 'account_number', false),
    ('services', 'legacy_id', true), ('services', 'customer_legacy_id', true), ('services', 'plan_code', true),
    ('services', 'billing_day', true), ('services', 'start_date', true), ('services', 'status', false),
    ('services', 'installation_address', false),
    ('balances', 'customer_legacy_id', true), ('balances', 'amount', true), ('balances', 'as_of', true),
    ('invoices', 'legacy_number', true), ('invoices', 'customer_legacy_id', true), ('invoices', 'issued_on', true),
    ('invoices', 'due_on', true), ('invoices', 'amount_due', true), ('invoices', 'currency', false),
    ('mandates', 'legacy_id', true), ('mandates', 'customer_legacy_id', true), ('mandates', 'bank', true),
    ('mandates', 'account_type', true), ('mandates', 'account_number', true), ('mandates', 'mandate_reference', true),
    ('mandates', 'status', false), ('mandates', 'netcash_account_ref', false)
  ) c (kind, column_name, required)
   WHERE c.kind = p_kind
$$;

-- A regular expression matching every number a tenant's number format can produce: a legacy
-- account number it matches could be Kassa's own some day, so Kassa numbers that customer.
CREATE OR REPLACE FUNCTION internal.number_pattern(p_format text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT '^' || regexp_replace(regexp_replace(regexp_replace(p_format, '([.^$*+?()\[\]\\|])', '\\\1', 'g'),
                                              '\{YYYY\}', '[0-9]{4}', 'g'), '\{N+\}', '[0-9]+', 'g') || '$'
$$;

-- The helpers below run for every row and column of a file: plain SQL without SET search_path
-- (names qualified, not security definer), so the planner inlines them into the checks.

-- Parsers that answer NULL for text that is not what they read (the reason is the caller's),
-- so that a file's bad values never raise: YYYY-MM-DD in 1900–2099 ...
CREATE OR REPLACE FUNCTION internal.import_date(p_text text) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN t ~ '^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' THEN  -- then the day fits the month
              CASE WHEN substr(t, 9, 2)::int <= extract(day FROM make_date(substr(t, 1, 4)::int, substr(t, 6, 2)::int, 1)
                                                                  + interval '1 month - 1 day')
                   THEN t::date END END
    FROM (SELECT btrim(p_text) AS t) x
$$;

-- ... an amount in major units with a decimal point and at most the currency's decimals, to
-- minor units ...
CREATE OR REPLACE FUNCTION internal.import_amount(p_text text, p_minor_units integer) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN t ~ ('^-?[0-9]{1,13}' || CASE WHEN p_minor_units > 0 THEN '(\.[0-9]{1,' || p_minor_units || '})?' ELSE '' END || '$')
              THEN (t::numeric * power(10::numeric, p_minor_units))::bigint END
    FROM (SELECT btrim(p_text) AS t) x
$$;

-- ... and a phone number in international form: spaces, dots, dashes and brackets dropped, a
-- leading 00 read as + and a trunk (0) after the country code dropped, then + and 7 to 15
-- digits (E.164).
CREATE OR REPLACE FUNCTION internal.import_phone(p_text text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p ~ '^\+[1-9][0-9]{6,14}$' THEN p END
    FROM (SELECT regexp_replace(regexp_replace(replace(p_text, '(0)', ''), '[[:space:]().-]', '', 'g'), '^00', '+') AS p) x
$$;

-- The first column of a row longer than its limit, as a reason; NULL when none is.
CREATE OR REPLACE FUNCTION internal.import_overlong(p_row jsonb, p_limits jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT format('%s is over %s characters', l.key, l.value) FROM jsonb_each_text(p_limits) l
   WHERE char_length(btrim(p_row ->> l.key)) > l.value::int ORDER BY l.key LIMIT 1
$$;

-- A row's text value: trimmed, and NULL when blank.
CREATE OR REPLACE FUNCTION internal.import_text(p_row jsonb, p_column text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT nullif(btrim(p_row ->> p_column), '')
$$;

-- The Kassa id of an imported customer, by legacy id.
CREATE OR REPLACE FUNCTION internal.import_customer(p_tenant uuid, p_legacy_id text) RETURNS uuid
LANGUAGE sql STABLE AS $$
  SELECT l.kassa_id FROM kassa.legacy_ids l
   WHERE l.tenant_id = p_tenant AND l.kind = 'customer' AND l.legacy_id = p_legacy_id
$$;

-- Whether that legacy id of that kind was imported already.
CREATE OR REPLACE FUNCTION internal.import_done(p_tenant uuid, p_kind text, p_legacy_id text) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT FROM kassa.legacy_ids l WHERE l.tenant_id = p_tenant AND l.kind = p_kind AND l.legacy_id = p_legacy_id)
$$;

-- A row's outcome from its reason: skipped when imported already, whatever else it says.
CREATE OR REPLACE FUNCTION internal.import_outcome(p_done boolean, p_reason text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p_done THEN 'skipped' WHEN p_reason IS NOT NULL THEN 'rejected' ELSE 'valid' END
$$;

CREATE OR REPLACE FUNCTION internal.import_check_customers(p_tenant uuid, p_rows jsonb)
RETURNS TABLE (line integer, legacy_id text, outcome text, reason text, data jsonb)
LANGUAGE sql STABLE SET search_path = '' AS $$
  WITH r AS (
    SELECT (e ->> 'line')::int AS line, e AS raw, internal.import_text(e, 'legacy_id') AS legacy_id,
           internal.import_text(e, 'name') AS name, lower(internal.import_text(e, 'email')) AS email,
           internal.import_text(e, 'phone') AS phone_given, internal.import_phone(e ->> 'phone') AS phone,
           coalesce(lower(internal.import_text(e, 'type')), 'personal') AS type,
           coalesce(upper(internal.import_text(e, 'country')), t.country) AS country,
           internal.import_text(e, 'locale') AS locale, internal.import_text(e, 'account_number') AS account_number,
           internal.number_pattern(t.account_number_format) AS series
      FROM jsonb_array_elements(p_rows) e, kassa.tenants t WHERE t.id = p_tenant
  ), f AS (
    SELECT r.*, min(r.line) OVER (PARTITION BY r.legacy_id) AS first_of_id,
           min(r.line) OVER (PARTITION BY r.email) AS first_of_email,
           min(r.line) OVER (PARTITION BY r.account_number) AS first_of_account,
           internal.import_done(p_tenant, 'customer', r.legacy_id) AS done
      FROM r
  ), checked AS (
    SELECT f.*, CASE
      WHEN f.legacy_id IS NULL THEN 'legacy_id is missing'
      WHEN f.first_of_id <> f.line THEN format('legacy_id %s repeats line %s', f.legacy_id, f.first_of_id)
      WHEN f.name IS NULL THEN 'name is missing'
      WHEN f.email IS NULL THEN 'email is missing'
      WHEN f.email !~* '^[^@\s]+@[^@\s]+\.[^@\s]+$' THEN format('email "%s" is malformed', f.email)
      WHEN f.first_of_email <> f.line THEN format('email %s repeats line %s', f.email, f.first_of_email)
      WHEN EXISTS (SELECT FROM kassa.customers c WHERE c.tenant_id = p_tenant AND lower(c.email) = f.email)
        THEN format('email %s is an existing customer''s', f.email)
      WHEN f.phone_given IS NOT NULL AND f.phone IS NULL
        THEN format('phone "%s" is not in international form (+ or 00, then 7 to 15 digits)', f.phone_given)
      WHEN f.type NOT IN ('personal', 'business') THEN format('type "%s" is not personal or business', f.type)
      WHEN f.country !~ '^[A-Z]{2}$' THEN format('country "%s" is not an ISO 3166-1 alpha-2 code', f.country)
      WHEN f.locale !~ '^(en|de)(_[A-Z]{2})?$' THEN format('locale "%s" is not en or de (e.g. en_ZA, de_DE)', f.locale)
      WHEN f.account_number IS NOT NULL AND f.first_of_account <> f.line
        THEN format('account_number %s repeats line %s', f.account_number, f.first_of_account)
      WHEN EXISTS (SELECT FROM kassa.customers c WHERE c.tenant_id = p_tenant AND c.account_number = f.account_number)
        THEN format('account_number %s is an existing customer''s', f.account_number)
      ELSE internal.import_overlong(f.raw, '{"legacy_id": 100, "name": 200, "company_name": 200, "vat_number": 50,
                                             "street": 200, "postcode": 20, "city": 100, "account_number": 64}')
    END AS reason
      FROM f
  )
  SELECT c.line, c.legacy_id, internal.import_outcome(c.done, c.reason), c.reason,
         jsonb_build_object('name', c.name, 'email', c.email, 'phone', c.phone, 'type', c.type, 'country', c.country,
                            'locale', c.locale, 'company_name', internal.import_text(c.raw, 'company_name'),
                            'vat_number', internal.import_text(c.raw, 'vat_number'),
                            'street', internal.import_text(c.raw, 'street'),
                            'postcode', internal.import_text(c.raw, 'postcode'),
                            'city', internal.import_text(c.raw, 'city'),
                            -- one Kassa's own series could produce: Kassa numbers the customer
                            'account_number', CASE WHEN c.account_number !~ c.series THEN c.account_number END)
    FROM checked c
$$;

-- Set-based: one INSERT for every row (the row triggers number the accounts, open the billing
-- accounts), the ids made first so each line knows its customer.
CREATE OR REPLACE FUNCTION internal.import_customers(p_tenant uuid, p_rows jsonb)
RETURNS TABLE (line integer, kassa_id uuid)
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  -- internal.assign_account_number keeps an account number given here (checked to be free).
  PERFORM set_config('kassa.legacy_account_numbers', 'on', true);
  RETURN QUERY
  WITH d AS MATERIALIZED (SELECT (e ->> 'line')::int AS line, gen_random_uuid() AS id, e FROM jsonb_array_elements(p_rows) e),
  made AS (
    INSERT INTO kassa.customers (tenant_id, id, account_number, type, name, company_name, email, phone, street,
                                 postcode, city, country, vat_number, locale)
    SELECT p_tenant, d.id, d.e ->> 'account_number', d.e ->> 'type', d.e ->> 'name', d.e ->> 'company_name',
           d.e ->> 'email', d.e ->> 'phone', d.e ->> 'street', d.e ->> 'postcode', d.e ->> 'city', d.e ->> 'country',
           d.e ->> 'vat_number', d.e ->> 'locale'
      FROM d ORDER BY d.line
    RETURNING id)
  SELECT d.line, d.id FROM d JOIN made m ON m.id = d.id;
  PERFORM set_config('kassa.legacy_account_numbers', 'off', true);
END $$;

CREATE OR REPLACE FUNCTION internal.import_check_services(p_tenant uuid, p_rows jsonb)
RETURNS TABLE (line integer, legacy_id text, outcome text, reason text, data jsonb)
LANGUAGE sql STABLE SET search_path = '' AS $$
  WITH r AS (
    SELECT (e ->> 'line')::int AS line, e AS raw, internal.import_text(e, 'legacy_id') AS legacy_id,
           internal.import_text(e, 'customer_legacy_id') AS customer_legacy_id,
           internal.import_customer(p_tenant, internal.import_text(e, 'customer_legacy_id')) AS customer_id,
           internal.import_text(e, 'plan_code') AS plan_code, internal.import_text(e, 'billing_day') AS billing_day,
           internal.import_text(e, 'start_date') AS start_text, internal.import_date(e ->> 'start_date') AS start_date,
           coalesce(lower(internal.import_text(e, 'status')), 'active') AS status,
           t.billing_days, internal.tenant_today(p_tenant) AS today
      FROM jsonb_array_elements(p_rows) e, kassa.tenants t WHERE t.id = p_tenant
  ), f AS (
    SELECT r.*, min(r.line) OVER (PARTITION BY r.legacy_id) AS first_of_id,
           internal.import_done(p_tenant, 'service', r.legacy_id) AS done,
           EXISTS (SELECT FROM kassa.products p WHERE p.tenant_id = p_tenant AND p.code = r.plan_code AND p.kind = 'plan') AS plan_known,
           -- the plan's version in force today
           (SELECT v.id FROM kassa.products p JOIN kassa.price_versions v ON v.tenant_id = p.tenant_id AND v.product_id = p.id
             WHERE p.tenant_id = p_tenant AND p.code = r.plan_code AND p.kind = 'plan' AND v.valid_from <= r.today
             ORDER BY v.valid_from DESC, v.version DESC LIMIT 1) AS price_version_id
      FROM r
  ), checked AS (
    SELECT f.*, CASE
      WHEN f.legacy_id IS NULL THEN 'legacy_id is missing'
      WHEN f.first_of_id <> f.line THEN format('legacy_id %s repeats line %s', f.legacy_id, f.first_of_id)
      WHEN f.customer_id IS NULL THEN format('customer_legacy_id %s is no imported customer', coalesce(f.customer_legacy_id, '(missing)'))
      WHEN NOT f.plan_known THEN format('plan_code %s is no plan of the tenant', coalesce(f.plan_code, '(missing)'))
      WHEN f.price_version_id IS NULL THEN format('plan %s has no price in force today', f.plan_code)
      WHEN CASE WHEN f.billing_day ~ '^[0-9]{1,2}$' THEN NOT f.billing_day::int = ANY (f.billing_days) ELSE true END
        THEN format('billing_day %s is not one of the tenant''s (%s)', coalesce(f.billing_day, '(missing)'), array_to_string(f.billing_days, ', '))
      WHEN f.start_date IS NULL THEN format('start_date "%s" is not a date (YYYY-MM-DD)', coalesce(f.start_text, ''))
      WHEN f.status NOT IN ('pending', 'active', 'suspended') THEN format('status "%s" is not pending, active or suspended', f.status)
      WHEN f.status <> 'pending' AND f.start_date > f.today THEN format('start_date %s is after today: import the service as pending', f.start_date)
      ELSE internal.import_overlong(f.raw, '{"legacy_id": 100, "installation_address": 1000}')
    END AS reason
      FROM f
  )
  SELECT c.line, c.legacy_id, internal.import_outcome(c.done, c.reason), c.reason,
         jsonb_build_object('customer_id', c.customer_id, 'price_version_id', c.price_version_id,
                            'billing_day', CASE WHEN c.billing_day ~ '^[0-9]{1,2}$' THEN c.billing_day::int END,
                            'start_date', c.start_date, 'status', c.status,
                            'installation_address', coalesce(internal.import_text(c.raw, 'installation_address'), ''))
    FROM checked c
$$;

-- Services as they stand in the legacy system, active or suspended from their start date. The
-- legacy system billed them so far: Kassa bills from the first billing day after today, with
-- no pro-rata charge (the way a DBA migrates a book of services, db/functions/330_services.sql).
CREATE OR REPLACE FUNCTION internal.import_services(p_tenant uuid, p_rows jsonb)
RETURNS TABLE (line integer, kassa_id uuid)
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  today date := internal.tenant_today(p_tenant);
BEGIN
  PERFORM set_config('kassa.service_transition', 'on', true);
  RETURN QUERY
  WITH d AS MATERIALIZED (
    SELECT (e ->> 'line')::int AS line, gen_random_uuid() AS id, (e ->> 'customer_id')::uuid AS customer_id,
           (e ->> 'price_version_id')::uuid AS price_version_id, (e ->> 'billing_day')::int AS billing_day,
           (e ->> 'start_date')::date AS start_date, e ->> 'status' AS status, e ->> 'installation_address' AS address
      FROM jsonb_array_elements(p_rows) e),
  made AS (
    INSERT INTO kassa.services (tenant_id, id, customer_id, price_version_id, installation_address, billing_day, status,
                                activated_on, next_billing_date, suspended_on, suspension_reason)
    SELECT p_tenant, d.id, d.customer_id, d.price_version_id, d.address, d.billing_day, d.status,
           CASE WHEN d.status <> 'pending' THEN d.start_date END,
           CASE WHEN d.status <> 'pending' THEN internal.first_billing_date(d.billing_day, today + 1) END,
           CASE WHEN d.status = 'suspended' THEN today END,
           CASE WHEN d.status = 'suspended' THEN 'service_suspended' END
      FROM d ORDER BY d.line
    RETURNING id)
  SELECT d.line, d.id FROM d JOIN made m ON m.id = d.id;
  PERFORM set_config('kassa.service_transition', 'off', true);
END $$;

-- Money rows (balances, invoices) share their checks of customer, amount and date.
CREATE OR REPLACE FUNCTION internal.import_money_reason(p_customer_legacy_id text, p_customer_id uuid, p_amount_column text,
                                                        p_amount_text text, p_amount bigint, p_date_column text,
                                                        p_date_text text, p_date date, p_today date)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN p_customer_id IS NULL THEN format('customer_legacy_id %s is no imported customer', coalesce(p_customer_legacy_id, '(missing)'))
    WHEN p_amount IS NULL
      THEN format('%s "%s" is not an amount in major units with a decimal point (e.g. 1250.50)', p_amount_column, coalesce(p_amount_text, ''))
    WHEN p_date IS NULL THEN format('%s "%s" is not a date (YYYY-MM-DD)', p_date_column, coalesce(p_date_text, ''))
    WHEN p_date > p_today THEN format('%s %s is after today', p_date_column, p_date)
  END
$$;

CREATE OR REPLACE FUNCTION internal.import_check_balances(p_tenant uuid, p_rows jsonb)
RETURNS TABLE (line integer, legacy_id text, outcome text, reason text, data jsonb)
LANGUAGE sql STABLE SET search_path = '' AS $$
  WITH r AS (
    SELECT (e ->> 'line')::int AS line, internal.import_text(e, 'customer_legacy_id') AS legacy_id,
           internal.import_customer(p_tenant, internal.import_text(e, 'customer_legacy_id')) AS customer_id,
           internal.import_text(e, 'amount') AS amount_text, internal.import_amount(e ->> 'amount', cur.minor_units) AS amount,
           internal.import_text(e, 'as_of') AS as_of_text, internal.import_date(e ->> 'as_of') AS as_of,
           internal.tenant_today(p_tenant) AS today
      FROM jsonb_array_elements(p_rows) e, kassa.tenants t JOIN kassa.currencies cur ON cur.code = t.currency
     WHERE t.id = p_tenant
  ), checked AS (
    SELECT r.*, internal.import_done(p_tenant, 'balance', r.legacy_id) AS done, CASE
      WHEN r.legacy_id IS NULL THEN 'customer_legacy_id is missing'
      WHEN min(r.line) OVER (PARTITION BY r.legacy_id) <> r.line
        THEN format('customer_legacy_id %s repeats line %s', r.legacy_id, min(r.line) OVER (PARTITION BY r.legacy_id))
      ELSE coalesce(internal.import_money_reason(r.legacy_id, r.customer_id, 'amount', r.amount_text, r.amount, 'as_of',
                                                 r.as_of_text, r.as_of, r.today),
                    CASE WHEN r.amount = 0 THEN 'amount is zero: no opening balance to post' END)
    END AS reason
      FROM r
  )
  SELECT c.line, c.legacy_id, internal.import_outcome(c.done, c.reason), c.reason,
         jsonb_build_object('customer_id', c.customer_id, 'amount', c.amount, 'as_of', c.as_of)
    FROM checked c
$$;

-- One ledger entry of kind opening_balance per customer, all through one posting (the ledger's
-- own rules, balances and running totals); what was owed is owed whatever the credit limit.
-- Then credit settles the customer's open (imported) invoices, as any credit does.
CREATE OR REPLACE FUNCTION internal.import_balances(p_tenant uuid, p_rows jsonb)
RETURNS TABLE (line integer, kassa_id uuid)
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  posted jsonb;
BEGIN
  SELECT jsonb_agg(jsonb_build_object('source_id', p.source_id, 'id', p.public_id)) INTO posted
    FROM internal.post_entries((
      SELECT jsonb_agg(jsonb_build_object('tenant_id', p_tenant, 'customer_id', e ->> 'customer_id', 'kind', 'opening_balance',
                                          'amount', (e ->> 'amount')::bigint, 'source_type', 'legacy_balance',
                                          'source_id', e ->> 'legacy_id', 'allow_overdraft', true,
                                          'description', format('Opening balance as of %s', e ->> 'as_of'))
                       ORDER BY (e ->> 'line')::int)
        FROM jsonb_array_elements(p_rows) e)) p;
  PERFORM internal.allocate_credit(p_tenant, ARRAY(SELECT DISTINCT (e ->> 'customer_id')::uuid FROM jsonb_array_elements(p_rows) e));
  RETURN QUERY
  SELECT (e ->> 'line')::int, (p ->> 'id')::uuid
    FROM jsonb_array_elements(p_rows) e JOIN jsonb_array_elements(posted) p ON p ->> 'source_id' = e ->> 'legacy_id';
END $$;

CREATE OR REPLACE FUNCTION internal.import_check_invoices(p_tenant uuid, p_rows jsonb)
RETURNS TABLE (line integer, legacy_id text, outcome text, reason text, data jsonb)
LANGUAGE sql STABLE SET search_path = '' AS $$
  WITH r AS (
    SELECT (e ->> 'line')::int AS line, e AS raw, internal.import_text(e, 'legacy_number') AS legacy_id,
           internal.import_text(e, 'customer_legacy_id') AS customer_legacy_id,
           internal.import_customer(p_tenant, internal.import_text(e, 'customer_legacy_id')) AS customer_id,
           internal.import_text(e, 'amount_due') AS amount_text,
           internal.import_amount(e ->> 'amount_due', cur.minor_units) AS amount,
           internal.import_text(e, 'issued_on') AS issued_text, internal.import_date(e ->> 'issued_on') AS issued_on,
           internal.import_text(e, 'due_on') AS due_text, internal.import_date(e ->> 'due_on') AS due_on,
           coalesce(upper(internal.import_text(e, 'currency')), t.currency) AS currency, t.currency AS tenant_currency,
           internal.tenant_today(p_tenant) AS today
      FROM jsonb_array_elements(p_rows) e, kassa.tenants t JOIN kassa.currencies cur ON cur.code = t.currency
     WHERE t.id = p_tenant
  ), checked AS (
    SELECT r.*, internal.import_done(p_tenant, 'invoice', r.legacy_id) AS done, CASE
      WHEN r.legacy_id IS NULL THEN 'legacy_number is missing'
      WHEN min(r.line) OVER (PARTITION BY r.legacy_id) <> r.line
        THEN format('legacy_number %s repeats line %s', r.legacy_id, min(r.line) OVER (PARTITION BY r.legacy_id))
      WHEN r.currency <> r.tenant_currency
        THEN format('currency %s is not the tenant''s (%s): accounts are kept in one currency', r.currency, r.tenant_currency)
      ELSE coalesce(
        internal.import_money_reason(r.customer_legacy_id, r.customer_id, 'amount_due', r.amount_text, r.amount,
                                     'issued_on', r.issued_text, r.issued_on, r.today),
        CASE WHEN r.amount <= 0 THEN format('amount_due %s is not positive: an open invoice owes something', r.amount_text)
             WHEN r.due_on IS NULL THEN format('due_on "%s" is not a date (YYYY-MM-DD)', coalesce(r.due_text, ''))
             WHEN r.due_on < r.issued_on THEN format('due_on %s is before issued_on %s', r.due_on, r.issued_on) END,
        internal.import_overlong(r.raw, '{"legacy_number": 64}'))
    END AS reason
      FROM r
  )
  SELECT c.line, c.legacy_id, internal.import_outcome(c.done, c.reason), c.reason,
         jsonb_build_object('customer_id', c.customer_id, 'amount', c.amount, 'issued_on', c.issued_on,
                            'due_on', c.due_on, 'currency', c.currency)
    FROM checked c
$$;

-- Open invoices of the legacy system: issued (finalised, or overdue once past due) without a
-- Kassa number, so the gapless series and its dates stay Kassa's; no lines, so no VAT, no
-- document, no export (the legacy system reported them). Each debits the ledger by its amount
-- due (an opening_balance entry): balance plus open invoices stays the credit to allocate,
-- so payments, allocation and dunning treat them as any open invoice.
CREATE OR REPLACE FUNCTION internal.import_invoices(p_tenant uuid, p_rows jsonb)
RETURNS TABLE (line integer, kassa_id uuid)
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  today date := internal.tenant_today(p_tenant);
  made jsonb;
BEGIN
  WITH d AS MATERIALIZED (
    SELECT (e ->> 'line')::int AS line, gen_random_uuid() AS id, e ->> 'legacy_id' AS legacy_number,
           (e ->> 'customer_id')::uuid AS customer_id, (e ->> 'amount')::bigint AS amount,
           (e ->> 'issued_on')::date AS issued_on, (e ->> 'due_on')::date AS due_on, e ->> 'currency' AS currency
      FROM jsonb_array_elements(p_rows) e),
  written AS (
    INSERT INTO kassa.invoices (tenant_id, id, customer_id, legacy_number, status, currency, prices_include_vat,
                                issued_on, due_on, net_total, vat_total, total, notes, finalised_at)
    SELECT p_tenant, d.id, d.customer_id, d.legacy_number, CASE WHEN d.due_on < today THEN 'overdue' ELSE 'finalised' END,
           d.currency, t.prices_include_vat, d.issued_on, d.due_on, d.amount, 0, d.amount,
           format('Imported from the legacy system: invoice %s', d.legacy_number), now()
      FROM d, kassa.tenants t WHERE t.id = p_tenant ORDER BY d.line
    RETURNING id)
  SELECT jsonb_agg(jsonb_build_object('line', d.line, 'id', d.id, 'customer_id', d.customer_id, 'amount', d.amount,
                                      'legacy_number', d.legacy_number) ORDER BY d.line)
    INTO made FROM d JOIN written w ON w.id = d.id;
  PERFORM internal.post_entries((
    SELECT jsonb_agg(jsonb_build_object('tenant_id', p_tenant, 'customer_id', m ->> 'customer_id', 'kind', 'opening_balance',
                                        'amount', -(m ->> 'amount')::bigint, 'source_type', 'legacy_invoice',
                                        'source_id', m ->> 'id', 'allow_overdraft', true,
                                        'description', format('Legacy invoice %s', m ->> 'legacy_number')))
      FROM jsonb_array_elements(made) m));
  PERFORM internal.allocate_credit(p_tenant, ARRAY(SELECT DISTINCT (m ->> 'customer_id')::uuid FROM jsonb_array_elements(made) m));
  RETURN QUERY SELECT (m ->> 'line')::int, (m ->> 'id')::uuid FROM jsonb_array_elements(made) m;
END $$;

CREATE OR REPLACE FUNCTION internal.import_check_mandates(p_tenant uuid, p_rows jsonb)
RETURNS TABLE (line integer, legacy_id text, outcome text, reason text, data jsonb)
LANGUAGE sql STABLE SET search_path = '' AS $$
  WITH r AS (
    SELECT (e ->> 'line')::int AS line, e AS raw, internal.import_text(e, 'legacy_id') AS legacy_id,
           internal.import_text(e, 'customer_legacy_id') AS customer_legacy_id,
           internal.import_customer(p_tenant, internal.import_text(e, 'customer_legacy_id')) AS customer_id,
           internal.import_text(e, 'bank') AS bank, lower(internal.import_text(e, 'account_type')) AS account_type,
           regexp_replace(coalesce(e ->> 'account_number', ''), '[[:space:]-]', '', 'g') AS account_number,
           internal.import_text(e, 'mandate_reference') AS mandate_reference,
           coalesce(lower(internal.import_text(e, 'status')), 'active') AS status,
           upper(internal.import_text(e, 'netcash_account_ref')) AS account_ref
      FROM jsonb_array_elements(p_rows) e
  ), checked AS (
    SELECT r.*, internal.import_done(p_tenant, 'mandate', r.legacy_id) AS done, CASE
      WHEN r.legacy_id IS NULL THEN 'legacy_id is missing'
      WHEN min(r.line) OVER (PARTITION BY r.legacy_id) <> r.line
        THEN format('legacy_id %s repeats line %s', r.legacy_id, min(r.line) OVER (PARTITION BY r.legacy_id))
      WHEN r.customer_id IS NULL THEN format('customer_legacy_id %s is no imported customer', coalesce(r.customer_legacy_id, '(missing)'))
      WHEN r.bank IS NULL THEN 'bank is missing'
      WHEN r.account_type IS NULL OR r.account_type NOT IN ('current', 'cheque', 'savings', 'transmission')
        THEN format('account_type "%s" is not current, cheque, savings or transmission', coalesce(r.account_type, ''))
      WHEN r.account_number !~ '^[0-9]{6,20}$' THEN 'account_number is not 6 to 20 digits'
      WHEN r.mandate_reference IS NULL THEN 'mandate_reference is missing'
      WHEN r.status NOT IN ('active', 'pending') THEN format('status "%s" is not active or pending', r.status)
      WHEN r.status = 'active' AND r.account_ref IS NULL
        THEN 'netcash_account_ref is missing: an active mandate is debited under its NetCash account reference'
      WHEN r.account_ref !~ '^[A-Z0-9]{2,22}$' THEN format('netcash_account_ref "%s" is not 2 to 22 letters and digits', r.account_ref)
      WHEN r.status = 'pending' AND r.account_ref IS NOT NULL
        THEN 'netcash_account_ref is for active mandates: Kassa requests a pending one at NetCash'
      WHEN r.account_ref IS NOT NULL AND min(r.line) OVER (PARTITION BY r.account_ref) <> r.line
        THEN format('netcash_account_ref %s repeats line %s', r.account_ref, min(r.line) OVER (PARTITION BY r.account_ref))
      WHEN EXISTS (SELECT FROM kassa.payment_methods pm WHERE pm.netcash_account_ref = r.account_ref)
        THEN format('netcash_account_ref %s is a payment method''s already', r.account_ref)
      ELSE internal.import_overlong(r.raw, '{"legacy_id": 100, "bank": 100, "mandate_reference": 100}')
    END AS reason
      FROM r
  )
  SELECT c.line, c.legacy_id, internal.import_outcome(c.done, c.reason), c.reason,
         jsonb_build_object('customer_id', c.customer_id, 'bank', c.bank, 'account_type', c.account_type,
                            'account_number', c.account_number, 'mandate_reference', c.mandate_reference, 'status', c.status,
                            'netcash_account_ref', c.account_ref)
    FROM checked c
$$;

-- Debit-order methods through internal.add_payment_method (the account number encrypted as
-- every one is: the session needs the payment method key), one a row. A mandate the customer
-- signed for the legacy system is active at once under its NetCash account reference, as if
-- Kassa had requested it; a pending one is requested by the mandate job like any new one.
CREATE OR REPLACE FUNCTION internal.import_mandates(p_tenant uuid, p_rows jsonb)
RETURNS TABLE (line integer, kassa_id uuid)
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  m record;
  method uuid;
BEGIN
  FOR m IN SELECT (e ->> 'line')::int AS line, e FROM jsonb_array_elements(p_rows) e ORDER BY 1 LOOP
    method := internal.add_payment_method(p_tenant, (m.e ->> 'customer_id')::uuid, 'debit_order', m.e ->> 'bank',
                                          m.e ->> 'account_type', m.e ->> 'account_number', m.e ->> 'mandate_reference', false);
    IF m.e ->> 'status' = 'active' THEN
      UPDATE kassa.payment_methods pm
         SET mandate_status = 'active', mandate_decided_at = now(), mandate_requested_at = now(),
             netcash_account_ref = m.e ->> 'netcash_account_ref'
       WHERE pm.tenant_id = p_tenant AND pm.id = method;
    END IF;
    line := m.line;
    kassa_id := method;
    RETURN NEXT;
  END LOOP;
END $$;

-- The import: every row checked, then written or not by p_mode (dry_run, all_or_nothing,
-- skip_invalid); one answer row per file row: valid (would be imported; dry run, or held back
-- by a rejected row), imported (with its Kassa id), skipped (imported before) or rejected.
CREATE OR REPLACE FUNCTION internal.import_legacy(p_tenant uuid, p_kind text, p_rows jsonb, p_mode text)
RETURNS TABLE (line integer, legacy_id text, outcome text, reason text, kassa_id uuid)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  known text[] := ARRAY(SELECT c.column_name FROM internal.import_columns(p_kind) c);
  named text;
  checked jsonb;
  written jsonb := '[]';
BEGIN
  IF NOT EXISTS (SELECT FROM kassa.tenants t WHERE t.id = p_tenant) THEN
    PERFORM internal.raise_error('P0T02', format('unknown tenant %s', p_tenant));
  END IF;
  IF cardinality(known) = 0 THEN
    PERFORM internal.raise_error('P0J20', format('unknown import kind "%s"', p_kind),
      hint => 'Import customers, services, balances, invoices or mandates.');
  END IF;
  IF p_mode IS NULL OR p_mode NOT IN ('dry_run', 'all_or_nothing', 'skip_invalid') THEN
    PERFORM internal.raise_error('P0J22', format('unknown import mode "%s"', p_mode),
      hint => 'The modes are dry_run, all_or_nothing and skip_invalid.');
  END IF;
  IF jsonb_typeof(p_rows) IS DISTINCT FROM 'array' OR jsonb_array_length(p_rows) = 0
     OR EXISTS (SELECT FROM jsonb_array_elements(p_rows) e
                 WHERE jsonb_typeof(e) <> 'object' OR coalesce(e ->> 'line', '') !~ '^[0-9]{1,9}$'
                    OR EXISTS (SELECT FROM jsonb_each(e) v WHERE jsonb_typeof(v.value) NOT IN ('string', 'null', 'number')))
     OR (SELECT count(DISTINCT e ->> 'line') <> count(*) FROM jsonb_array_elements(p_rows) e) THEN
    PERFORM internal.raise_error('P0J23', 'the rows are not a list of objects of text values, each with its own line number',
      hint => 'One object a row of the file: {"line": 2, "legacy_id": "C-1", ...}.');
  END IF;
  SELECT string_agg(DISTINCT k, ', ' ORDER BY k) INTO named
    FROM jsonb_array_elements(p_rows) e, jsonb_object_keys(e) k WHERE k <> 'line' AND k <> ALL (known);
  IF named IS NOT NULL THEN
    PERFORM internal.raise_error('P0J21', format('unknown column(s) for %s: %s', p_kind, named),
      hint => format('The columns of %s are: %s.', p_kind, array_to_string(known, ', ')));
  END IF;
  SELECT string_agg(c.column_name, ', ') INTO named FROM internal.import_columns(p_kind) c
   WHERE c.required AND EXISTS (SELECT FROM jsonb_array_elements(p_rows) e WHERE NOT e ? c.column_name);
  IF named IS NOT NULL THEN
    PERFORM internal.raise_error('P0J21', format('missing column(s) for %s: %s', p_kind, named),
      hint => format('A %s file needs the columns %s.', p_kind,
                     (SELECT string_agg(c.column_name, ', ') FROM internal.import_columns(p_kind) c WHERE c.required)));
  END IF;

  -- One import of a kind per tenant at a time: the second waits, then skips what the first wrote.
  PERFORM pg_advisory_xact_lock(hashtext('kassa.import'), hashtext(p_tenant::text || p_kind));
  EXECUTE format('SELECT jsonb_agg(to_jsonb(c) ORDER BY c.line) FROM internal.%I($1, $2) c', 'import_check_' || p_kind)
    INTO checked USING p_tenant, p_rows;

  IF p_mode = 'skip_invalid' OR (p_mode = 'all_or_nothing' AND NOT checked @? '$[*] ? (@.outcome == "rejected")') THEN
    IF checked @? '$[*] ? (@.outcome == "valid")' THEN
      EXECUTE format('SELECT jsonb_agg(to_jsonb(w)) FROM internal.%I($1, $2) w', 'import_' || p_kind)
        INTO written
        USING p_tenant, (SELECT jsonb_agg(c -> 'data' || jsonb_build_object('line', c -> 'line', 'legacy_id', c -> 'legacy_id'))
                           FROM jsonb_array_elements(checked) c WHERE c ->> 'outcome' = 'valid');
      INSERT INTO kassa.legacy_ids (tenant_id, kind, legacy_id, kassa_id)
      SELECT p_tenant, left(p_kind, -1), c ->> 'legacy_id', (w ->> 'kassa_id')::uuid
        FROM jsonb_array_elements(checked) c JOIN jsonb_array_elements(written) w ON w -> 'line' = c -> 'line';
    END IF;
  END IF;

  -- A skipped row names what it became the first time.
  RETURN QUERY
  SELECT (c ->> 'line')::int, c ->> 'legacy_id', CASE WHEN w IS NULL THEN c ->> 'outcome' ELSE 'imported' END,
         CASE WHEN c ->> 'outcome' = 'skipped' THEN 'imported before' ELSE c ->> 'reason' END,
         coalesce((w ->> 'kassa_id')::uuid, l.kassa_id)
    FROM jsonb_array_elements(checked) c LEFT JOIN jsonb_array_elements(written) w ON w -> 'line' = c -> 'line'
    LEFT JOIN kassa.legacy_ids l ON c ->> 'outcome' = 'skipped' AND l.tenant_id = p_tenant AND l.kind = left(p_kind, -1)
                                AND l.legacy_id = c ->> 'legacy_id'
   ORDER BY 1;
END $$;

SELECT internal.audit_table('kassa.legacy_ids', 'tenant_id', 'kind', 'legacy_id');
SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.legacy_ids');
GRANT SELECT ON kassa.legacy_ids TO staff;

-- Reconciliation: which Kassa row each legacy id became.
CREATE VIEW api.legacy_ids WITH (security_invoker = true) AS
  SELECT tenant_id, kind, legacy_id, kassa_id, imported_at FROM kassa.legacy_ids;
GRANT SELECT ON api.legacy_ids TO staff;
