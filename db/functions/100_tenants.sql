-- Tenants and their VAT rates. Staff read and adjust their own tenant's settings; customers
-- read their tenant's public face (name, currency, VAT handling). Tenants are created by
-- operators (`kassa tenant create`, internal.create_tenant below): there is no platform role
-- over HTTP.

SELECT internal.allow('customer, staff', 'SELECT', internal.tenant_rows('id'), 'kassa.tenants');
SELECT internal.allow('staff', 'UPDATE', internal.tenant_rows('id'), 'kassa.tenants');
SELECT internal.allow('customer, staff', 'SELECT', internal.tenant_rows(), 'kassa.vat_rates');
SELECT internal.allow('staff', 'ALL', internal.tenant_rows(), 'kassa.vat_rates');
SELECT internal.allow('customer, staff', 'SELECT', 'true', 'kassa.currencies');

GRANT SELECT ON kassa.tenants, kassa.vat_rates, kassa.currencies TO customer, staff;

-- Tenant settings that must name real things: an IANA time zone.
CREATE OR REPLACE FUNCTION internal.check_tenant() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_timezone_names WHERE name = NEW.timezone) THEN
    PERFORM internal.raise_error('P0T01', format('unknown time zone "%s"', NEW.timezone),
      hint => 'Use an IANA name such as Africa/Johannesburg or Europe/Berlin.');
  END IF;
  PERFORM internal.check_text(NEW.name, 'name', 200);
  PERFORM internal.check_text(NEW.legal_name, 'legal name', 200);
  PERFORM internal.check_text(NEW.address, 'address', 1000, false);
  PERFORM internal.check_text(NEW.vat_number, 'vat_number', 50, false);
  PERFORM internal.check_locale(NEW.locale);
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER check_tenant BEFORE INSERT OR UPDATE OF timezone, name, legal_name, address, vat_number, locale
  ON kassa.tenants
  FOR EACH ROW EXECUTE FUNCTION internal.check_tenant();

SELECT internal.audit_table('kassa.tenants', 'id', 'id');
SELECT internal.audit_table('kassa.vat_rates', 'tenant_id', 'category');

CREATE VIEW api.tenants WITH (security_invoker = true) AS
  SELECT id, slug, name, legal_name, address, vat_number, country, currency, prices_include_vat,
         timezone, locale, account_number_format, invoice_number_format, credit_note_number_format,
         payment_terms_days, status, created_at, dunning_fee_vat_category
    FROM kassa.tenants;
GRANT SELECT ON api.tenants TO customer, staff;
SELECT internal.grant_writes('api.tenants', 'kassa.tenants', 'staff',
  'UPDATE (name, legal_name, address, vat_number, prices_include_vat, timezone, locale, account_number_format,
           invoice_number_format, credit_note_number_format, payment_terms_days, dunning_fee_vat_category)');
SELECT internal.write_by_key('api.tenants', 'kassa.tenants');

CREATE VIEW api.vat_rates WITH (security_invoker = true) AS
  SELECT tenant_id, category, rate FROM kassa.vat_rates;
GRANT SELECT ON api.vat_rates TO customer, staff;
SELECT internal.grant_writes('api.vat_rates', 'kassa.vat_rates', 'staff', 'INSERT (category, rate), UPDATE (rate)');
SELECT internal.write_by_key('api.vat_rates', 'kassa.vat_rates');

CREATE VIEW api.currencies WITH (security_invoker = true) AS
  SELECT code, name, minor_units FROM kassa.currencies;
GRANT SELECT ON api.currencies TO customer, staff;

-- Tenant provisioning for operators (`kassa tenant create|list|suspend|resume`, as the owner;
-- no API role may call these). Each input is checked first, so a mistake gets one clear
-- message with a stable code and nothing is written.
CREATE OR REPLACE FUNCTION internal.create_tenant(
  p_slug text, p_legal_name text, p_country text, p_currency text, p_timezone text, p_vat_rates jsonb,
  p_name text DEFAULT NULL, p_prices_include_vat boolean DEFAULT false,
  p_account_number_format text DEFAULT 'CT-{YYYY}-{NNNNN}',
  p_invoice_number_format text DEFAULT 'INV-{YYYY}-{NNNNN}',
  p_credit_note_number_format text DEFAULT 'CN-{YYYY}-{NNNNN}')
RETURNS uuid LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
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
  IF internal.is_blank(p_legal_name) OR internal.is_blank(coalesce(p_name, 'x')) THEN
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
END $$;

-- A tenant named by its id or its slug; P0T02 when there is none.
CREATE OR REPLACE FUNCTION internal.find_tenant(p_tenant text) RETURNS kassa.tenants
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
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
END $$;

-- Suspends or resumes a tenant (idempotent). A suspended tenant's tokens are refused
-- (internal.check_claims: HTTP 403), its open SSE streams end (the gateway listens on
-- internal.notify_access_ended) and the scheduler runs none of its jobs.
CREATE OR REPLACE FUNCTION internal.set_tenant_status(p_tenant text, p_status text) RETURNS kassa.tenants
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
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

CREATE OR REPLACE FUNCTION internal.list_tenants()
RETURNS TABLE (id uuid, slug text, legal_name text, country text, currency text, timezone text,
               status text, created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT t.id, t.slug, t.legal_name, t.country::text, t.currency::text, t.timezone, t.status, t.created_at
    FROM kassa.tenants t ORDER BY t.slug
$$;
