-- Tenants and their VAT rates. Staff read and adjust their own tenant's settings; customers
-- read their tenant's public face (name, currency, VAT handling). Tenants are created by DBAs
-- (SQL) or provisioning scripts: there is no platform role over HTTP.

ALTER TABLE kassa.tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE kassa.vat_rates ENABLE ROW LEVEL SECURITY;
ALTER TABLE kassa.currencies ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS "Users see their own tenant" ON kassa.tenants;
CREATE POLICY "Users see their own tenant" ON kassa.tenants FOR SELECT TO customer, staff
  USING (id = (SELECT internal.jwt_tenant_id()));
DROP POLICY IF EXISTS "Staff update their own tenant" ON kassa.tenants;
CREATE POLICY "Staff update their own tenant" ON kassa.tenants FOR UPDATE TO staff
  USING (id = (SELECT internal.jwt_tenant_id())) WITH CHECK (id = (SELECT internal.jwt_tenant_id()));

DROP POLICY IF EXISTS "Users see their tenant's VAT rates" ON kassa.vat_rates;
CREATE POLICY "Users see their tenant's VAT rates" ON kassa.vat_rates FOR SELECT TO customer, staff
  USING (tenant_id = (SELECT internal.jwt_tenant_id()));
DROP POLICY IF EXISTS "Staff manage their tenant's VAT rates" ON kassa.vat_rates;
CREATE POLICY "Staff manage their tenant's VAT rates" ON kassa.vat_rates FOR ALL TO staff
  USING (tenant_id = (SELECT internal.jwt_tenant_id())) WITH CHECK (tenant_id = (SELECT internal.jwt_tenant_id()));

DROP POLICY IF EXISTS "Everyone reads the currency list" ON kassa.currencies;
CREATE POLICY "Everyone reads the currency list" ON kassa.currencies FOR SELECT TO customer, staff USING (true);

GRANT SELECT ON kassa.tenants, kassa.vat_rates, kassa.currencies TO customer, staff;
GRANT UPDATE (name, legal_name, address, vat_number, prices_include_vat, timezone, locale,
              account_number_format, invoice_number_format, credit_note_number_format,
              payment_terms_days) ON kassa.tenants TO staff;
GRANT INSERT, UPDATE (rate) ON kassa.vat_rates TO staff;

-- Tenant settings that must name real things: an IANA time zone.
CREATE OR REPLACE FUNCTION internal.check_tenant() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_timezone_names WHERE name = NEW.timezone) THEN
    PERFORM internal.raise_error('P0T01', format('unknown time zone "%s"', NEW.timezone),
      hint => 'Use an IANA name such as Africa/Johannesburg or Europe/Berlin.');
  END IF;
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER check_tenant BEFORE INSERT OR UPDATE OF timezone ON kassa.tenants
  FOR EACH ROW EXECUTE FUNCTION internal.check_tenant();

SELECT internal.audit_table('kassa.tenants', 'id', 'id');
SELECT internal.audit_table('kassa.vat_rates', 'tenant_id', 'category');

CREATE VIEW api.tenants WITH (security_invoker = true) AS
  SELECT id, slug, name, legal_name, address, vat_number, country, currency, prices_include_vat,
         timezone, locale, account_number_format, invoice_number_format, credit_note_number_format,
         payment_terms_days, status, created_at
    FROM kassa.tenants;
GRANT SELECT ON api.tenants TO customer, staff;
GRANT UPDATE (name, legal_name, address, vat_number, prices_include_vat, timezone, locale,
              account_number_format, invoice_number_format, credit_note_number_format,
              payment_terms_days) ON api.tenants TO staff;

CREATE VIEW api.vat_rates WITH (security_invoker = true) AS
  SELECT tenant_id, category, rate FROM kassa.vat_rates;
GRANT SELECT ON api.vat_rates TO customer, staff;
GRANT INSERT (category, rate), UPDATE (rate) ON api.vat_rates TO staff;

CREATE VIEW api.currencies WITH (security_invoker = true) AS
  SELECT code, name, minor_units FROM kassa.currencies;
GRANT SELECT ON api.currencies TO customer, staff;
