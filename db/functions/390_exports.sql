-- Exports for the accountant (docs/exports.md): a tenant's invoices, credit notes, payments and
-- ledger for a period of its own calendar (tenants.timezone) as CSV, and for German tenants a
-- DATEV booking batch. Amounts are major units written from the minor units with the
-- currency's exponent (kassa.currencies.minor_units), never through a float.
--   internal.export_<kind>(tenant, from, to)  the rows, security invoker: an API role gets what
--                                             row-level security shows it; `kassa export` runs
--                                             them as the owner for the tenant it names
--   internal.csv(rows[])                      one RFC 4180 document: header row, CRLF lines
--   api.export_<kind>(from, to)               the caller's tenant's document, staff only
-- A function answering one whole document (its return type names the media type) rather than
-- rows for PostgREST's own text/csv: that one writes no header row for an empty result and
-- doubles backslashes inside quoted fields, and a custom text/csv aggregate copies its state at
-- every row (quadratic: 36 s for 40,000 rows).

CREATE DOMAIN api."text/csv" AS text;
-- The DATEV batch is Windows-1252 bytes: answered whatever the Accept header, with its own
-- Content-Type (PostgREST's "any" media type handler).
CREATE DOMAIN api."*/*" AS bytea;

-- Minor units as major units: 123450 with exponent 2 is 1234.50 (DATEV wants 1234,50).
CREATE OR REPLACE FUNCTION internal.major_units(p_amount bigint, p_exponent smallint, p_separator text DEFAULT '.')
RETURNS text LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT CASE WHEN p_amount < 0 THEN '-' ELSE '' END || (abs(p_amount) / u.unit)::text
         || CASE WHEN p_exponent > 0 THEN p_separator || lpad((abs(p_amount) % u.unit)::text, p_exponent, '0') ELSE '' END
    FROM (SELECT pg_catalog.power(10::numeric, p_exponent)::bigint AS unit) u
$$;

-- The tenant of an export and its period, checked: both dates, in order, at most 366 days.
CREATE OR REPLACE FUNCTION internal.export_tenant(p_tenant_id uuid, p_from date, p_to date)
RETURNS kassa.tenants LANGUAGE plpgsql STABLE SET search_path = '' AS $$
DECLARE
  tenant kassa.tenants;
BEGIN
  SELECT * INTO tenant FROM kassa.tenants t WHERE t.id = p_tenant_id;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0G23', format('unknown tenant %s', p_tenant_id));
  END IF;
  IF p_from IS NULL OR p_to IS NULL THEN
    PERFORM internal.raise_error('P0G20', 'an export needs a period: from and to', NULL,
      'Give both dates (YYYY-MM-DD, the tenant''s calendar), e.g. from=2026-01-01&to=2026-01-31.');
  END IF;
  IF p_from > p_to THEN
    PERFORM internal.raise_error('P0G21', format('the period %s to %s is empty', p_from, p_to), NULL,
      'Give from <= to.');
  END IF;
  IF p_to - p_from >= 366 THEN
    PERFORM internal.raise_error('P0G22', format('the period %s to %s is longer than 366 days', p_from, p_to), NULL,
      'Export a year or less at a time.');
  END IF;
  RETURN tenant;
END $$;

-- The first instant of a tenant-local day, so a period's timestamps are compared on their index.
CREATE OR REPLACE FUNCTION internal.local_midnight(p_day date, p_timezone text) RETURNS timestamptz
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT p_day::timestamp AT TIME ZONE p_timezone
$$;

-- How a document's frozen recipient (or, without one, the customer row) names the customer:
-- the company, else the person.
CREATE OR REPLACE FUNCTION internal.party_name(p_party jsonb) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT coalesce(nullif(btrim(p_party ->> 'company_name'), ''), p_party ->> 'name')
$$;

-- One row per issued invoice and VAT category and rate (most invoices have one), by issue date.
CREATE TYPE internal.invoice_export AS (
  number text, issued_on date, due_on date, status text, customer_account text, customer_name text,
  customer_vat_number text, currency text, vat_category text, vat_rate numeric, net text, vat text, gross text,
  supplied_on date, period_start date, period_end date, invoice_id uuid, customer_id uuid);

CREATE OR REPLACE FUNCTION internal.export_invoices(p_tenant_id uuid, p_from date, p_to date)
RETURNS SETOF internal.invoice_export LANGUAGE plpgsql STABLE SET search_path = '' AS $$
DECLARE
  tenant kassa.tenants := internal.export_tenant(p_tenant_id, p_from, p_to);
BEGIN
  RETURN QUERY
  SELECT i.number, i.issued_on, i.due_on, i.status, c.account_number,
         internal.party_name(coalesce(i.recipient, to_jsonb(c))),
         CASE WHEN i.recipient IS NULL THEN c.vat_number ELSE i.recipient ->> 'vat_number' END, i.currency::text,
         b.vat_category, b.vat_rate, internal.major_units(b.net, cur.minor_units),
         internal.major_units(b.vat, cur.minor_units), internal.major_units(b.gross, cur.minor_units),
         i.supplied_on, i.period_start, i.period_end, i.id, i.customer_id
    FROM kassa.invoices i
    JOIN kassa.customers c ON c.tenant_id = i.tenant_id AND c.id = i.customer_id
    JOIN kassa.currencies cur ON cur.code = i.currency
   CROSS JOIN LATERAL internal.invoice_vat_breakdown(i.tenant_id, ARRAY[i.id]) b
   WHERE i.tenant_id = tenant.id AND i.number IS NOT NULL AND i.issued_on BETWEEN p_from AND p_to
   ORDER BY i.issued_on, i.number, b.vat_category, b.vat_rate;
END $$;

-- One row per credit note and VAT category and rate, by issue date; amounts are positive (they
-- reduce the invoice's).
CREATE TYPE internal.credit_note_export AS (
  number text, issued_on date, invoice_number text, invoice_issued_on date, settlement text, reason text,
  customer_account text, customer_name text, customer_vat_number text, currency text, vat_category text,
  vat_rate numeric, net text, vat text, gross text, credit_note_id uuid, invoice_id uuid, customer_id uuid);

CREATE OR REPLACE FUNCTION internal.export_credit_notes(p_tenant_id uuid, p_from date, p_to date)
RETURNS SETOF internal.credit_note_export LANGUAGE plpgsql STABLE SET search_path = '' AS $$
DECLARE
  tenant kassa.tenants := internal.export_tenant(p_tenant_id, p_from, p_to);
BEGIN
  RETURN QUERY
  SELECT n.number, n.issued_on, i.number, i.issued_on, n.settlement, n.reason, c.account_number,
         internal.party_name(coalesce(n.recipient, to_jsonb(c))),
         CASE WHEN n.recipient IS NULL THEN c.vat_number ELSE n.recipient ->> 'vat_number' END, n.currency::text,
         v.vat_category, v.vat_rate, internal.major_units(v.net, cur.minor_units),
         internal.major_units(v.vat, cur.minor_units), internal.major_units(v.gross, cur.minor_units),
         n.id, n.invoice_id, n.customer_id
    FROM kassa.credit_notes n
    JOIN kassa.invoices i ON i.tenant_id = n.tenant_id AND i.id = n.invoice_id
    JOIN kassa.customers c ON c.tenant_id = n.tenant_id AND c.id = n.customer_id
    JOIN kassa.currencies cur ON cur.code = n.currency
    JOIN kassa.credit_note_vat_totals v ON v.tenant_id = n.tenant_id AND v.credit_note_id = n.id
   WHERE n.tenant_id = tenant.id AND n.issued_on BETWEEN p_from AND p_to
   ORDER BY n.issued_on, n.number, v.vat_category, v.vat_rate;
END $$;

-- Money that moved, by when: completed payments (positive) and their refunds, disputes and
-- unpaid debits (negative), dated in the tenant's time zone. A top-up's bonus is credit the
-- tenant gave, not money received: its own column.
CREATE TYPE internal.payment_export AS (
  posted_on date, posted_at text, kind text, payment_id uuid, refund_id uuid, customer_account text,
  customer_name text, method text, provider text, provider_ref text, purpose text, invoice_number text,
  currency text, amount text, bonus text, customer_id uuid);

CREATE OR REPLACE FUNCTION internal.export_payments(p_tenant_id uuid, p_from date, p_to date)
RETURNS SETOF internal.payment_export LANGUAGE plpgsql STABLE SET search_path = '' AS $$
DECLARE
  tenant kassa.tenants := internal.export_tenant(p_tenant_id, p_from, p_to);
  starts timestamptz := internal.local_midnight(p_from, tenant.timezone);
  ends   timestamptz := internal.local_midnight(p_to + 1, tenant.timezone);
BEGIN
  RETURN QUERY
  SELECT (m.at AT TIME ZONE tenant.timezone)::date, to_char(m.at AT TIME ZONE tenant.timezone, 'YYYY-MM-DD HH24:MI:SS'),
         m.kind, m.payment_id, m.refund_id, c.account_number, internal.party_name(to_jsonb(c)), p.method,
         p.provider, m.provider_ref, p.purpose, i.number, p.currency::text,
         internal.major_units(m.amount, cur.minor_units), internal.major_units(m.bonus, cur.minor_units), p.customer_id
    FROM (SELECT p.completed_at AS at, 'payment' AS kind, p.id AS payment_id, NULL::uuid AS refund_id,
                 p.provider_ref, p.amount, p.bonus
            FROM kassa.payments p
           WHERE p.tenant_id = tenant.id AND p.completed_at >= starts AND p.completed_at < ends
          UNION ALL
          SELECT r.created_at, r.kind, r.payment_id, r.id, coalesce(r.provider_ref, p.provider_ref), -r.amount,
                 -r.bonus_reversed
            FROM kassa.payment_refunds r
            JOIN kassa.payments p ON p.tenant_id = r.tenant_id AND p.id = r.payment_id
           WHERE r.tenant_id = tenant.id AND r.created_at >= starts AND r.created_at < ends) m
    JOIN kassa.payments p ON p.tenant_id = tenant.id AND p.id = m.payment_id
    JOIN kassa.customers c ON c.tenant_id = p.tenant_id AND c.id = p.customer_id
    JOIN kassa.currencies cur ON cur.code = p.currency
    LEFT JOIN kassa.invoices i ON i.tenant_id = p.tenant_id AND i.id = p.invoice_id
   ORDER BY m.at, m.payment_id, m.refund_id NULLS FIRST;
END $$;

-- Every ledger entry posted in the period (the customers' balances), by when.
CREATE TYPE internal.ledger_export AS (
  posted_on date, posted_at text, customer_account text, customer_name text, entry_no bigint, kind text,
  description text, source_type text, source_id text, currency text, amount text, balance_after text,
  entry_id uuid, customer_id uuid);

CREATE OR REPLACE FUNCTION internal.export_ledger(p_tenant_id uuid, p_from date, p_to date)
RETURNS SETOF internal.ledger_export LANGUAGE plpgsql STABLE SET search_path = '' AS $$
DECLARE
  tenant kassa.tenants := internal.export_tenant(p_tenant_id, p_from, p_to);
BEGIN
  RETURN QUERY
  SELECT (l.created_at AT TIME ZONE tenant.timezone)::date,
         to_char(l.created_at AT TIME ZONE tenant.timezone, 'YYYY-MM-DD HH24:MI:SS'), c.account_number,
         internal.party_name(to_jsonb(c)), l.entry_no, l.kind, l.description, l.source_type, l.source_id,
         l.currency::text, internal.major_units(l.amount, cur.minor_units),
         internal.major_units(l.balance_after, cur.minor_units), l.public_id, l.customer_id
    FROM kassa.ledger_entries l
    JOIN kassa.customers c ON c.tenant_id = l.tenant_id AND c.id = l.customer_id
    JOIN kassa.currencies cur ON cur.code = l.currency
   WHERE l.tenant_id = tenant.id AND l.created_at >= internal.local_midnight(p_from, tenant.timezone)
     AND l.created_at < internal.local_midnight(p_to + 1, tenant.timezone)
   ORDER BY l.created_at, l.customer_id, l.entry_no;
END $$;

-- One RFC 4180 field: quoted when it holds a comma, a quote or a line break (quotes doubled).
CREATE OR REPLACE FUNCTION internal.csv_field(p_value text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT CASE WHEN p_value ~ '[",\r\n]' THEN '"' || replace(p_value, '"', '""') || '"' ELSE coalesce(p_value, '') END
$$;

-- Rows of one composite type as a CSV document (UTF-8): the header row of the type's column
-- names, then a line per row, each ended by CRLF; only the header when there are no rows.
-- Through json, whose objects keep the columns in order (empty for null).
CREATE OR REPLACE FUNCTION internal.csv(p_rows anyarray) RETURNS text
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT (SELECT string_agg(internal.csv_field(a.attname), ',' ORDER BY a.attnum)
            FROM pg_catalog.pg_type t JOIN pg_catalog.pg_type e ON e.oid = t.typelem
            JOIN pg_catalog.pg_attribute a ON a.attrelid = e.typrelid AND a.attnum > 0 AND NOT a.attisdropped
           WHERE t.oid = pg_catalog.pg_typeof(p_rows)) || E'\r\n'
         || coalesce((SELECT string_agg(l.line || E'\r\n', '' ORDER BY r.n)
                        FROM json_array_elements(to_json(p_rows)) WITH ORDINALITY r(item, n)
                       CROSS JOIN LATERAL (SELECT string_agg(internal.csv_field(f.value), ',' ORDER BY f.k) AS line
                                             FROM json_each_text(r.item) WITH ORDINALITY f(key, value, k)) l), '')
$$;

-- The download's file name (PostgREST answers the header), e.g. invoices_2026-01-01_2026-01-31.csv.
CREATE OR REPLACE FUNCTION internal.name_download(p_kind text, p_from date, p_to date, p_type text DEFAULT NULL)
RETURNS void LANGUAGE sql SET search_path = '' AS $$
  SELECT set_config('response.headers', (SELECT json_agg(json_build_object(h.name, h.value))
                                            FROM (VALUES ('Content-Disposition',
                                                          format('attachment; filename="%s_%s_%s.csv"', p_kind, p_from, p_to)),
                                                         ('Content-Type', p_type)) h(name, value)
                                           WHERE h.value IS NOT NULL)::text, true)
$$;

CREATE OR REPLACE FUNCTION api.export_invoices("from" date DEFAULT NULL, "to" date DEFAULT NULL)
RETURNS api."text/csv" LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT internal.csv(ARRAY(SELECT e FROM internal.export_invoices(internal.jwt_tenant_id(), $1, $2) e))::api."text/csv"
    FROM internal.name_download('invoices', $1, $2)
$$;
CREATE OR REPLACE FUNCTION api.export_credit_notes("from" date DEFAULT NULL, "to" date DEFAULT NULL)
RETURNS api."text/csv" LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT internal.csv(ARRAY(SELECT e FROM internal.export_credit_notes(internal.jwt_tenant_id(), $1, $2) e))::api."text/csv"
    FROM internal.name_download('credit_notes', $1, $2)
$$;
CREATE OR REPLACE FUNCTION api.export_payments("from" date DEFAULT NULL, "to" date DEFAULT NULL)
RETURNS api."text/csv" LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT internal.csv(ARRAY(SELECT e FROM internal.export_payments(internal.jwt_tenant_id(), $1, $2) e))::api."text/csv"
    FROM internal.name_download('payments', $1, $2)
$$;
CREATE OR REPLACE FUNCTION api.export_ledger("from" date DEFAULT NULL, "to" date DEFAULT NULL)
RETURNS api."text/csv" LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT internal.csv(ARRAY(SELECT e FROM internal.export_ledger(internal.jwt_tenant_id(), $1, $2) e))::api."text/csv"
    FROM internal.name_download('ledger', $1, $2)
$$;

-- DATEV: the account mapping, staff's to keep (audited); nobody else reads it.
SELECT internal.audit_table('kassa.datev_settings', 'tenant_id', 'tenant_id');
SELECT internal.audit_table('kassa.datev_revenue_accounts', 'tenant_id', 'vat_category', 'vat_rate');
SELECT internal.audit_table('kassa.datev_debtor_accounts', 'tenant_id', 'customer_id');
SELECT internal.allow('staff', 'ALL', internal.tenant_rows(), 'kassa.datev_settings', 'kassa.datev_revenue_accounts',
                      'kassa.datev_debtor_accounts');
GRANT SELECT ON kassa.datev_settings, kassa.datev_revenue_accounts, kassa.datev_debtor_accounts TO staff;

CREATE VIEW api.datev_settings WITH (security_invoker = true) AS
  SELECT tenant_id, chart, consultant_number, client_number, account_length, fiscal_year_start, debtor_account,
         bank_account, cash_account
    FROM kassa.datev_settings;
CREATE VIEW api.datev_revenue_accounts WITH (security_invoker = true) AS
  SELECT tenant_id, vat_category, vat_rate, account, tax_key FROM kassa.datev_revenue_accounts;
CREATE VIEW api.datev_debtor_accounts WITH (security_invoker = true) AS
  SELECT tenant_id, customer_id, account FROM kassa.datev_debtor_accounts;
GRANT SELECT ON api.datev_settings, api.datev_revenue_accounts, api.datev_debtor_accounts TO staff;
SELECT internal.grant_writes(w.api_view, w.base, 'staff', w.privileges), internal.write_by_key(w.api_view, w.base)
  FROM (VALUES ('api.datev_settings'::regclass, 'kassa.datev_settings'::regclass,
                'INSERT, UPDATE (chart, consultant_number, client_number, account_length, fiscal_year_start,
                 debtor_account, bank_account, cash_account), DELETE'),
               ('api.datev_revenue_accounts', 'kassa.datev_revenue_accounts', 'INSERT, UPDATE (account, tax_key), DELETE'),
               ('api.datev_debtor_accounts', 'kassa.datev_debtor_accounts', 'INSERT, UPDATE (account), DELETE'))
       AS w (api_view, base, privileges);

-- One booking of the batch, on the debtor's account (Konto) against revenue or the bank
-- (Gegenkonto), or the bank's against the debtor: amount positive, S (Soll) or H (Haben) for Konto.
CREATE TYPE internal.datev_booking AS (
  amount bigint, side text, account bigint, contra_account bigint, tax_key text, document_date date,
  document_number text, posting_text text, supply_date date);

-- The checks of a batch: a German tenant with its DATEV settings, a period inside one fiscal year,
-- and accounts that fit the account length (Sachkonten at most that many digits, debtors one more).
CREATE OR REPLACE FUNCTION internal.datev_setup(p_tenant kassa.tenants, p_from date, p_to date)
RETURNS kassa.datev_settings LANGUAGE plpgsql STABLE SET search_path = '' AS $$
DECLARE
  setup kassa.datev_settings;
  year_start date;
  misfit text;
BEGIN
  IF p_tenant.country <> 'DE' THEN
    PERFORM internal.raise_error('P0G24', format('DATEV batches are for German tenants; this one is in %s', p_tenant.country),
      NULL, 'Use the CSV exports.');
  END IF;
  SELECT * INTO setup FROM kassa.datev_settings s WHERE s.tenant_id = p_tenant.id;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0G25', 'the tenant has no DATEV settings', NULL,
      'Staff POST /datev_settings (consultant and client number, chart, debtor and bank account) and /datev_revenue_accounts.');
  END IF;
  year_start := make_date(extract(year FROM p_from)::int - (extract(month FROM p_from) < setup.fiscal_year_start)::int,
                          setup.fiscal_year_start, 1);
  IF p_to >= (year_start + interval '1 year')::date THEN
    PERFORM internal.raise_error('P0G26', format('the period %s to %s is not within one fiscal year (it starts %s)',
                                                 p_from, p_to, year_start), NULL,
      'A DATEV batch lies in one fiscal year: export up to the day before the next one starts, then the rest.');
  END IF;
  SELECT string_agg(a.account::text, ', ') INTO misfit
    FROM (SELECT setup.bank_account AS account, false AS debtor UNION ALL SELECT setup.cash_account, false
          UNION ALL SELECT r.account, false FROM kassa.datev_revenue_accounts r WHERE r.tenant_id = p_tenant.id
          UNION ALL SELECT setup.debtor_account, true
          UNION ALL SELECT d.account, true FROM kassa.datev_debtor_accounts d WHERE d.tenant_id = p_tenant.id) a
   WHERE length(a.account::text) > setup.account_length + a.debtor::int
      OR (a.debtor AND length(a.account::text) <> setup.account_length + 1);
  IF misfit IS NOT NULL THEN
    PERFORM internal.raise_error('P0G28', format('accounts %s do not fit the account length %s', misfit, setup.account_length),
      NULL, format('General ledger accounts have at most %s digits, debtor accounts exactly %s.',
                   setup.account_length, setup.account_length + 1));
  END IF;
  RETURN setup;
END $$;

-- The documents of a batch: each invoice's gross per VAT category and rate (positive), each
-- credit note's (negative).
CREATE TYPE internal.datev_document AS (
  rank int, id uuid, customer_id uuid, number text, issued_on date, supply_date date, posting_text text,
  vat_category text, vat_rate numeric, gross bigint);

CREATE OR REPLACE FUNCTION internal.datev_documents(p_tenant_id uuid, p_from date, p_to date)
RETURNS SETOF internal.datev_document LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT 1, i.id, i.customer_id, i.number, i.issued_on, coalesce(i.supplied_on, i.period_end),
         internal.party_name(coalesce(i.recipient, to_jsonb(c))),
         b.vat_category, b.vat_rate, b.gross
    FROM kassa.invoices i
    JOIN kassa.customers c ON c.tenant_id = i.tenant_id AND c.id = i.customer_id
   CROSS JOIN LATERAL internal.invoice_vat_breakdown(i.tenant_id, ARRAY[i.id]) b
   WHERE i.tenant_id = p_tenant_id AND i.number IS NOT NULL AND i.issued_on BETWEEN p_from AND p_to
  UNION ALL
  SELECT 2, n.id, n.customer_id, n.number, n.issued_on, NULL, i.number || ' ' || n.reason,
         v.vat_category, v.vat_rate, -v.gross
    FROM kassa.credit_notes n
    JOIN kassa.invoices i ON i.tenant_id = n.tenant_id AND i.id = n.invoice_id
    JOIN kassa.credit_note_vat_totals v ON v.tenant_id = n.tenant_id AND v.credit_note_id = n.id
   WHERE n.tenant_id = p_tenant_id AND n.issued_on BETWEEN p_from AND p_to
$$;

-- The bookings, by date: invoices (the debtor S against the revenue account of the VAT category
-- and rate), credit notes (the debtor H), then payments (the bank S against the debtor) and
-- refunds, disputes and unpaid debits (the bank H). Every VAT category and rate of the period
-- needs its revenue account.
CREATE OR REPLACE FUNCTION internal.datev_bookings(p_tenant kassa.tenants, p_setup kassa.datev_settings, p_from date, p_to date)
RETURNS SETOF internal.datev_booking LANGUAGE plpgsql STABLE SET search_path = '' AS $$
DECLARE
  starts timestamptz := internal.local_midnight(p_from, p_tenant.timezone);
  ends   timestamptz := internal.local_midnight(p_to + 1, p_tenant.timezone);
  unmapped text;
BEGIN
  SELECT string_agg(DISTINCT format('%s at %s %%', d.vat_category, d.vat_rate), ', ') INTO unmapped
    FROM internal.datev_documents(p_tenant.id, p_from, p_to) d
   WHERE NOT EXISTS (SELECT FROM kassa.datev_revenue_accounts r
                      WHERE r.tenant_id = p_tenant.id AND r.vat_category = d.vat_category AND r.vat_rate = d.vat_rate);
  IF unmapped IS NOT NULL THEN
    PERFORM internal.raise_error('P0G27', format('no DATEV revenue account for VAT %s', unmapped), NULL,
      'Staff POST /datev_revenue_accounts {"vat_category", "vat_rate", "account", "tax_key"} for each.');
  END IF;

  RETURN QUERY
  SELECT b.amount, b.side, b.account, b.contra_account, b.tax_key, b.document_date, b.document_number,
         b.posting_text, b.supply_date
    FROM (SELECT d.rank, d.id, abs(d.gross) AS amount, CASE WHEN d.gross > 0 THEN 'S' ELSE 'H' END AS side,
                 coalesce(da.account, p_setup.debtor_account) AS account, r.account AS contra_account, r.tax_key,
                 d.issued_on AS document_date, d.number AS document_number, d.posting_text, d.supply_date
            FROM internal.datev_documents(p_tenant.id, p_from, p_to) d
            JOIN kassa.datev_revenue_accounts r
              ON r.tenant_id = p_tenant.id AND r.vat_category = d.vat_category AND r.vat_rate = d.vat_rate
            LEFT JOIN kassa.datev_debtor_accounts da ON da.tenant_id = p_tenant.id AND da.customer_id = d.customer_id
           WHERE d.gross <> 0
          UNION ALL
          SELECT 3, m.id, abs(m.amount), CASE WHEN m.amount > 0 THEN 'S' ELSE 'H' END,
                 CASE WHEN p.method = 'cash' THEN coalesce(p_setup.cash_account, p_setup.bank_account)
                      ELSE p_setup.bank_account END,
                 coalesce(da.account, p_setup.debtor_account), NULL, (m.at AT TIME ZONE p_tenant.timezone)::date,
                 -- Belegfeld 1 of the invoice paid, so DATEV's open items match the payment to it.
                 coalesce(i.number, p.provider_ref, left(p.id::text, 8)),
                 m.text || ' ' || internal.party_name(to_jsonb(c)), NULL
            FROM (SELECT p.completed_at AS at, p.id AS payment_id, p.id, p.amount, 'Zahlung' AS text
                    FROM kassa.payments p
                   WHERE p.tenant_id = p_tenant.id AND p.completed_at >= starts AND p.completed_at < ends
                  UNION ALL
                  SELECT r.created_at, r.payment_id, r.id, -r.amount,
                         CASE r.kind WHEN 'refund' THEN 'Erstattung' WHEN 'dispute' THEN 'Rückbuchung' ELSE 'Rücklastschrift' END
                    FROM kassa.payment_refunds r
                   WHERE r.tenant_id = p_tenant.id AND r.created_at >= starts AND r.created_at < ends) m
            JOIN kassa.payments p ON p.tenant_id = p_tenant.id AND p.id = m.payment_id
            JOIN kassa.customers c ON c.tenant_id = p.tenant_id AND c.id = p.customer_id
            LEFT JOIN kassa.invoices i ON i.tenant_id = p.tenant_id AND i.id = p.invoice_id
            LEFT JOIN kassa.datev_debtor_accounts da ON da.tenant_id = p_tenant.id AND da.customer_id = p.customer_id) b
   ORDER BY b.document_date, b.rank, b.document_number, b.id, b.contra_account;
END $$;

-- A text field of the batch: quoted, quotes doubled, line breaks as spaces, and what
-- Windows-1252 cannot write as '?'; cut to DATEV's length.
CREATE OR REPLACE FUNCTION internal.datev_text(p_value text, p_length int) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT '"' || replace(left(regexp_replace(regexp_replace(coalesce(p_value, ''), '[\r\n\t]+', ' ', 'g'),
                                            '[^\x20-\x7E\u00A0-\u00FF\u20AC\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u017D\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u017E\u0178]',
                                            '?', 'g'), p_length), '"', '""') || '"'
$$;

-- Belegfeld 1, the key DATEV matches open items by: capitals, digits and _$&%*+-/ only, 36 at most.
CREATE OR REPLACE FUNCTION internal.datev_document_number(p_number text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT left(regexp_replace(upper(p_number), '[^A-Z0-9_$&%*+/-]', '_', 'g'), 36)
$$;

-- The column names of a Buchungsstapel, format version 12: 120 fields. Kassa fills 1-3, 7-11,
-- 14 and 115 (docs/exports.md); the others stay empty.
CREATE OR REPLACE FUNCTION internal.datev_columns() RETURNS text[]
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT ARRAY['Umsatz (ohne Soll/Haben-Kz)', 'Soll/Haben-Kennzeichen', 'WKZ Umsatz', 'Kurs', 'Basis-Umsatz',
               'WKZ Basis-Umsatz', 'Konto', 'Gegenkonto (ohne BU-Schlüssel)', 'BU-Schlüssel', 'Belegdatum',
               'Belegfeld 1', 'Belegfeld 2', 'Skonto', 'Buchungstext', 'Postensperre', 'Diverse Adressnummer',
               'Geschäftspartnerbank', 'Sachverhalt', 'Zinssperre', 'Beleglink']
         || (SELECT array_agg(f ORDER BY n, k) FROM generate_series(1, 8) n,
                    LATERAL (VALUES (1, 'Beleginfo - Art ' || n), (2, 'Beleginfo - Inhalt ' || n)) v(k, f))
         || ARRAY['KOST1 - Kostenstelle', 'KOST2 - Kostenstelle', 'Kost-Menge', 'EU-Land u. UStID', 'EU-Steuersatz',
                  'Abw. Versteuerungsart', 'Sachverhalt L+L', 'Funktionsergänzung L+L', 'BU 49 Hauptfunktionstyp',
                  'BU 49 Hauptfunktionsnummer', 'BU 49 Funktionsergänzung']
         || (SELECT array_agg(f ORDER BY n, k) FROM generate_series(1, 20) n,
                    LATERAL (VALUES (1, 'Zusatzinformation - Art ' || n), (2, 'Zusatzinformation - Inhalt ' || n)) v(k, f))
         || ARRAY['Stück', 'Gewicht', 'Zahlweise', 'Forderungsart', 'Veranlagungsjahr', 'Zugeordnete Fälligkeit',
                  'Skontotyp', 'Auftragsnummer', 'Buchungstyp', 'USt-Schlüssel (Anzahlungen)', 'EU-Land (Anzahlungen)',
                  'Sachverhalt L+L (Anzahlungen)', 'EU-Steuersatz (Anzahlungen)', 'Erlöskonto (Anzahlungen)',
                  'Herkunft-Kz', 'Buchungs GUID', 'KOST-Datum', 'SEPA-Mandatsreferenz', 'Skontosperre',
                  'Gesellschaftername', 'Beteiligtennummer', 'Identifikationsnummer', 'Zeichnernummer',
                  'Postensperre bis', 'Bezeichnung SoBil-Sachverhalt', 'Kennzeichen SoBil-Buchung', 'Festschreibung',
                  'Leistungsdatum', 'Datum Zuord. Steuerperiode', 'Fälligkeit', 'Generalumkehr (GU)', 'Steuersatz',
                  'Land']
$$;

-- The DATEV-Format file "EXTF" Buchungsstapel (header version 700, category 21, format version
-- 12), as text: the header line, the column line, one line per booking, CRLF, semicolons.
-- Header fields filled: 1-6, 9, 11-17, 19-22, 27; the rest stay empty (7, 10: DATEV's own).
CREATE OR REPLACE FUNCTION internal.datev_batch(p_tenant_id uuid, p_from date, p_to date) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
DECLARE
  tenant kassa.tenants := internal.export_tenant(p_tenant_id, p_from, p_to);
  setup kassa.datev_settings := internal.datev_setup(tenant, p_from, p_to);
  exponent smallint := (SELECT c.minor_units FROM kassa.currencies c WHERE c.code = tenant.currency);
  year_start date := make_date(extract(year FROM p_from)::int - (extract(month FROM p_from) < setup.fiscal_year_start)::int,
                               setup.fiscal_year_start, 1);
BEGIN
  RETURN concat_ws(E'\r\n',
    concat_ws(';', '"EXTF"', 700, 21, '"Buchungsstapel"', 12,
              to_char(internal.clock_now() AT TIME ZONE tenant.timezone, 'YYYYMMDDHH24MISSMS'), '', '""', '"Kassa"', '""',
              setup.consultant_number, setup.client_number, to_char(year_start, 'YYYYMMDD'), setup.account_length,
              to_char(p_from, 'YYYYMMDD'), to_char(p_to, 'YYYYMMDD'),
              internal.datev_text(format('Kassa %s-%s', to_char(p_from, 'YYYYMMDD'), to_char(p_to, 'YYYYMMDD')), 30),
              '""', 1, 0, 0, internal.datev_text(tenant.currency, 3), '', '""', '', '',
              internal.datev_text(right(setup.chart, 2), 2), '', '', '""', '""'),
    array_to_string(internal.datev_columns(), ';'),
    (SELECT string_agg(concat_ws(';', internal.major_units(b.amount, exponent, ','), internal.datev_text(b.side, 1),
                                 internal.datev_text(tenant.currency, 3), '', '', '', b.account, b.contra_account,
                                 internal.datev_text(b.tax_key, 4), to_char(b.document_date, 'DDMM'),
                                 internal.datev_text(internal.datev_document_number(b.document_number), 36), '""', '',
                                 internal.datev_text(b.posting_text, 60))
                       -- fields 15 to 114 empty, 115 Leistungsdatum, 116 to 120 empty
                       || repeat(';', 101) || coalesce(to_char(b.supply_date, 'DDMMYYYY'), '') || repeat(';', 5),
                       E'\r\n')
       FROM internal.datev_bookings(tenant, setup, p_from, p_to) b)) || E'\r\n';
END $$;

CREATE OR REPLACE FUNCTION api.export_datev("from" date DEFAULT NULL, "to" date DEFAULT NULL)
RETURNS api."*/*" LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT convert_to(internal.datev_batch(internal.jwt_tenant_id(), $1, $2), 'WIN1252')::api."*/*"
    FROM internal.name_download('EXTF_Buchungsstapel', $1, $2, 'text/csv; charset=windows-1252')
$$;

GRANT EXECUTE ON FUNCTION internal.major_units(bigint, smallint, text), internal.export_tenant(uuid, date, date),
  internal.local_midnight(date, text), internal.party_name(jsonb),
  internal.export_invoices(uuid, date, date), internal.export_credit_notes(uuid, date, date),
  internal.export_payments(uuid, date, date), internal.export_ledger(uuid, date, date),
  internal.csv_field(text), internal.csv(anyarray), internal.name_download(text, date, date, text),
  internal.datev_setup(kassa.tenants, date, date), internal.datev_documents(uuid, date, date),
  internal.datev_bookings(kassa.tenants, kassa.datev_settings, date, date), internal.datev_text(text, int),
  internal.datev_document_number(text), internal.datev_columns(), internal.datev_batch(uuid, date, date),
  api.export_invoices(date, date), api.export_credit_notes(date, date), api.export_payments(date, date),
  api.export_ledger(date, date), api.export_datev(date, date)
  TO staff;
