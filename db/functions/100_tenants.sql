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

-- An IBAN as ISO 13616 checks it: country, check digits, account; the whole, with its first
-- four characters moved to the end and letters read as 10 to 35, leaves 1 when divided by 97.
CREATE OR REPLACE FUNCTION internal.iban_valid(p_iban text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = '' AS $$
  SELECT p_iban ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$'
     AND (SELECT string_agg(CASE WHEN c.ch ~ '[A-Z]' THEN (ascii(c.ch) - 55)::text ELSE c.ch END, '' ORDER BY c.n)
            FROM unnest(string_to_array(substr(p_iban, 5) || substr(p_iban, 1, 4), NULL)) WITH ORDINALITY AS c(ch, n)
         )::numeric % 97 = 1
$$;
-- Staff's updates of their tenant run the check below as staff.
GRANT EXECUTE ON FUNCTION internal.iban_valid(text) TO staff;

-- Tenant settings that must name real things: an IANA time zone, a valid IBAN and BIC (stored
-- compact and in capitals, however they were typed).
CREATE OR REPLACE FUNCTION internal.check_tenant() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  NEW.iban := nullif(upper(regexp_replace(NEW.iban, '\s', '', 'g')), '');
  NEW.bic := nullif(upper(regexp_replace(NEW.bic, '\s', '', 'g')), '');
  IF NEW.iban IS NOT NULL AND NOT internal.iban_valid(NEW.iban) THEN
    PERFORM internal.raise_error('P0T11', format('"%s" is not a valid IBAN', NEW.iban),
      hint => 'Country code, two check digits and the account (e.g. DE89 3704 0044 0532 0130 00); the check digits must match.');
  END IF;
  IF NEW.bic !~ '^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$' THEN
    PERFORM internal.raise_error('P0T12', format('"%s" is not a valid BIC', NEW.bic),
      hint => '8 or 11 characters: bank, country, location and optionally branch, e.g. COBADEFFXXX.');
  END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_timezone_names WHERE name = NEW.timezone) THEN
    PERFORM internal.raise_error('P0T01', format('unknown time zone "%s"', NEW.timezone),
      hint => 'Use an IANA name such as Africa/Johannesburg or Europe/Berlin.');
  END IF;
  PERFORM internal.check_text(NEW.name, 'name', 200);
  PERFORM internal.check_text(NEW.legal_name, 'legal name', 200);
  PERFORM internal.check_text(NEW.address, 'address', 1000, false);
  PERFORM internal.check_text(NEW.vat_number, 'vat_number', 50, false);
  PERFORM internal.check_text(NEW.street, 'street', 200, false);
  PERFORM internal.check_text(NEW.postcode, 'postcode', 20, false);
  PERFORM internal.check_text(NEW.city, 'city', 100, false);
  PERFORM internal.check_text(NEW.tax_number, 'tax_number', 50, false);
  PERFORM internal.check_text(NEW.registration_number, 'registration_number', 100, false);
  PERFORM internal.check_locale(NEW.locale);
  PERFORM internal.check_event_kind(k, 'mandatory_message_kinds') FROM unnest(NEW.mandatory_message_kinds) k;
  PERFORM internal.check_text(NEW.mail_sender_name, 'mail_sender_name', 100, false);
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER check_tenant BEFORE INSERT OR UPDATE OF timezone, name, legal_name, address, vat_number, locale,
  mandatory_message_kinds, mail_sender_name, street, postcode, city, tax_number, registration_number, iban, bic
  ON kassa.tenants
  FOR EACH ROW EXECUTE FUNCTION internal.check_tenant();

-- A VAT category's UNTDID 5305 code: S (standard) when its rate is above zero, Z (zero-rated)
-- otherwise, unless given. Exempt (E), reverse charge (AE), intra-community (K), export (G) and
-- out of scope (O) are at 0 % and state why (the reason printed, or its VATEX code); S and Z
-- state none (EN 16931 BR-S-10, BR-Z-10, BR-E-10, BR-AE-10, ...).
CREATE OR REPLACE FUNCTION internal.check_vat_rate() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  NEW.code := coalesce(NEW.code, CASE WHEN NEW.rate > 0 THEN 'S' ELSE 'Z' END);
  PERFORM internal.check_text(NEW.exemption_reason, 'exemption_reason', 500, false);
  PERFORM internal.check_text(NEW.exemption_code, 'exemption_code', 30, false);
  IF NEW.code NOT IN ('S', 'Z', 'E', 'AE', 'K', 'G', 'O', 'L', 'M') THEN
    PERFORM internal.raise_error('P0T13', format('unknown VAT category code "%s"', NEW.code),
      hint => 'Use a UNTDID 5305 code: S, Z, E, AE, K, G, O, L or M.');
  ELSIF (NEW.code = 'S' AND NEW.rate = 0) OR (NEW.code NOT IN ('S', 'L', 'M') AND NEW.rate <> 0) THEN
    PERFORM internal.raise_error('P0T13', format('VAT code %s does not fit a rate of %s %%', NEW.code, NEW.rate),
      hint => 'S is for a rate above zero; Z, E, AE, K, G and O are at 0 %.');
  ELSIF NEW.code IN ('S', 'Z', 'L', 'M') AND (NEW.exemption_reason IS NOT NULL OR NEW.exemption_code IS NOT NULL) THEN
    PERFORM internal.raise_error('P0T13', format('VAT code %s states no exemption reason', NEW.code));
  ELSIF NEW.code IN ('E', 'AE', 'K', 'G', 'O') AND internal.is_blank(NEW.exemption_reason) AND NEW.exemption_code IS NULL THEN
    PERFORM internal.raise_error('P0T13', format('VAT code %s needs an exemption reason', NEW.code),
      hint => 'Set exemption_reason (the text the invoice prints, e.g. Steuerschuldnerschaft des Leistungsempfängers) '
              'or exemption_code (VATEX, e.g. VATEX-EU-AE).');
  END IF;
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER check_vat_rate BEFORE INSERT OR UPDATE ON kassa.vat_rates
  FOR EACH ROW EXECUTE FUNCTION internal.check_vat_rate();

SELECT internal.audit_table('kassa.tenants', 'id', 'id');
SELECT internal.audit_table('kassa.vat_rates', 'tenant_id', 'category');

CREATE VIEW api.tenants WITH (security_invoker = true) AS
  SELECT id, slug, name, legal_name, address, street, postcode, city, vat_number, tax_number, registration_number,
         iban, bic, country, currency, prices_include_vat, timezone, locale, account_number_format, invoice_number_format, credit_note_number_format,
         payment_terms_days, status, created_at, dunning_fee_vat_category, mandatory_message_kinds, mail_sender_name,
         mail_reply_to, privacy_retention_days, signup_mode
    FROM kassa.tenants;
GRANT SELECT ON api.tenants TO customer, staff;
SELECT internal.grant_writes('api.tenants', 'kassa.tenants', 'staff',
  'UPDATE (name, legal_name, address, street, postcode, city, vat_number, tax_number, registration_number, iban, bic,
           prices_include_vat, timezone, locale, account_number_format,
           invoice_number_format, credit_note_number_format, payment_terms_days, dunning_fee_vat_category,
           mandatory_message_kinds, mail_sender_name, mail_reply_to, privacy_retention_days, signup_mode)');
SELECT internal.write_by_key('api.tenants', 'kassa.tenants');

CREATE VIEW api.vat_rates WITH (security_invoker = true) AS
  SELECT tenant_id, category, rate, code, exemption_reason, exemption_code FROM kassa.vat_rates;
GRANT SELECT ON api.vat_rates TO customer, staff;
SELECT internal.grant_writes('api.vat_rates', 'kassa.vat_rates', 'staff',
  'INSERT (category, rate, code, exemption_reason, exemption_code), UPDATE (rate, code, exemption_reason, exemption_code)');
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
  p_credit_note_number_format text DEFAULT 'CN-{YYYY}-{NNNNN}',
  p_street text DEFAULT NULL, p_postcode text DEFAULT NULL, p_city text DEFAULT NULL,
  p_vat_number text DEFAULT NULL, p_tax_number text DEFAULT NULL)
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
                             account_number_format, invoice_number_format, credit_note_number_format,
                             street, postcode, city, vat_number, tax_number)
  VALUES (p_slug, coalesce(p_name, p_legal_name), p_legal_name, p_country, p_currency, p_prices_include_vat,
          p_timezone, p_account_number_format, p_invoice_number_format, p_credit_note_number_format,
          p_street, p_postcode, p_city, p_vat_number, p_tax_number)
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
