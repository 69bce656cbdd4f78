-- The catalog: plans (recurring price per month, quarter, half-year or year) and one-off fees (installation,
-- hardware), each priced by versions. A price version is in the tenant's currency and
-- pricing mode (VAT-inclusive or not, as the tenant says). Once a service, a pending charge or
-- an invoice line points at a version it never changes: a new price is a new version.

-- Version numbers per product, the tenant's currency and today by default, the interval rule by kind.
CREATE OR REPLACE FUNCTION internal.check_price_version() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
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
  IF TG_OP = 'INSERT' OR NEW.valid_from IS DISTINCT FROM OLD.valid_from THEN
    PERFORM internal.check_business_date(NEW.tenant_id, NEW.valid_from, 'valid_from');
  END IF;
  IF TG_OP = 'INSERT' THEN
    -- Valid from the tenant's today unless given (not current_date: the session's UTC day).
    NEW.valid_from := coalesce(NEW.valid_from, internal.tenant_today(NEW.tenant_id));
    NEW.version := (SELECT coalesce(max(v.version), 0) + 1 FROM kassa.price_versions v
                     WHERE v.tenant_id = NEW.tenant_id AND v.product_id = NEW.product_id);
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION internal.price_version_in_use(p_tenant_id uuid, p_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT EXISTS (SELECT FROM kassa.services s WHERE s.tenant_id = p_tenant_id AND s.price_version_id = p_id)
      OR EXISTS (SELECT FROM kassa.pending_charges c WHERE c.tenant_id = p_tenant_id AND c.price_version_id = p_id)
      OR EXISTS (SELECT FROM kassa.invoice_lines l WHERE l.tenant_id = p_tenant_id AND l.price_version_id = p_id)
$$;

CREATE OR REPLACE FUNCTION internal.guard_price_version() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
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

-- A product's name and description, with the field named (P0V03, P0V04).
CREATE OR REPLACE TRIGGER check_product BEFORE INSERT OR UPDATE OF name, description ON kassa.products
  FOR EACH ROW EXECUTE FUNCTION internal.check_text_columns('name', 'name', '200', 'required',
                                                            'description', 'description', '500', 'optional');
CREATE OR REPLACE TRIGGER check_price_version BEFORE INSERT OR UPDATE ON kassa.price_versions
  FOR EACH ROW EXECUTE FUNCTION internal.check_price_version();
CREATE OR REPLACE TRIGGER guard_price_version BEFORE UPDATE ON kassa.price_versions
  FOR EACH ROW EXECUTE FUNCTION internal.guard_price_version();
SELECT internal.audit_table('kassa.products', 'tenant_id', 'id');
SELECT internal.audit_table('kassa.price_versions', 'tenant_id', 'id');

SELECT internal.allow('customer, staff', 'SELECT', internal.tenant_rows(), 'kassa.products', 'kassa.price_versions');
SELECT internal.allow('staff', 'INSERT, UPDATE', internal.tenant_rows(), 'kassa.products', 'kassa.price_versions');

GRANT SELECT ON kassa.products, kassa.price_versions TO customer, staff;

CREATE VIEW api.products WITH (security_invoker = true) AS
  SELECT id, tenant_id, code, name, kind, description, active, created_at FROM kassa.products;
GRANT SELECT ON api.products TO customer, staff;
SELECT internal.grant_writes('api.products', 'kassa.products', 'staff',
  'INSERT (code, name, kind, description, active), UPDATE (name, description, active)');
SELECT internal.write_by_key('api.products', 'kassa.products');

CREATE VIEW api.price_versions WITH (security_invoker = true) AS
  SELECT id, tenant_id, product_id, version, price, interval, currency, vat_category, valid_from, created_at,
         usage_unit, usage_cap, usage_allowance, usage_step, usage_step_price
    FROM kassa.price_versions;
GRANT SELECT ON api.price_versions TO customer, staff;
SELECT internal.grant_writes('api.price_versions', 'kassa.price_versions', 'staff',
  'INSERT (product_id, price, interval, currency, vat_category, valid_from, usage_unit, usage_cap, usage_allowance,
           usage_step, usage_step_price),
   UPDATE (price, interval, currency, vat_category, valid_from, usage_unit, usage_cap, usage_allowance, usage_step,
           usage_step_price)');
SELECT internal.write_by_key('api.price_versions', 'kassa.price_versions');

-- Every version of every plan, with the plan's code and name.
CREATE VIEW api.plan_versions WITH (security_invoker = true) AS
  SELECT v.id, v.tenant_id, v.product_id AS plan_id, p.code, p.name, v.version, v.price, v.interval,
         v.currency, v.vat_category, v.valid_from, v.created_at, v.usage_unit, v.usage_cap, v.usage_allowance,
         v.usage_step, v.usage_step_price
    FROM kassa.price_versions v JOIN kassa.products p ON p.tenant_id = v.tenant_id AND p.id = v.product_id
   WHERE p.kind = 'plan';
GRANT SELECT ON api.plan_versions TO customer, staff;

-- Plans on sale with the version in force today (latest valid_from not after the tenant's today).
CREATE VIEW api.plans WITH (security_invoker = true) AS
  SELECT p.id, p.tenant_id, p.code, p.name, p.description, p.active, cur.id AS current_version_id,
         cur.version AS current_version, cur.price, cur.interval, cur.currency, cur.vat_category, cur.valid_from,
         cur.usage_unit, cur.usage_cap, cur.usage_allowance, cur.usage_step, cur.usage_step_price
    FROM kassa.products p
    LEFT JOIN LATERAL (SELECT v.* FROM kassa.price_versions v
                        WHERE v.tenant_id = p.tenant_id AND v.product_id = p.id AND v.valid_from <= internal.tenant_today(p.tenant_id)
                        ORDER BY v.valid_from DESC, v.version DESC LIMIT 1) cur ON true
   WHERE p.kind = 'plan';
GRANT SELECT ON api.plans TO customer, staff;
