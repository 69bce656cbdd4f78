-- Customers: account numbers from the tenant's never-resetting counter, a billing account in
-- the tenant's currency, a status that only moves forward to `closed` and only through the
-- status RPCs (450_customer_status.sql), and the rule that a customer is never deleted.

CREATE OR REPLACE FUNCTION internal.assign_account_number() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  fmt text;
BEGIN
  SELECT t.account_number_format INTO fmt FROM kassa.tenants t WHERE t.id = NEW.tenant_id;
  IF fmt IS NULL THEN
    PERFORM internal.raise_error('P0T02', format('unknown tenant %s', NEW.tenant_id));
  END IF;
  -- A legacy import keeps the customer's old account number (internal.import_customers, which
  -- checked it is free and of no shape Kassa's own series takes); every other gets the next.
  IF NEW.account_number IS NULL OR current_setting('kassa.legacy_account_numbers', true) IS DISTINCT FROM 'on' THEN
    -- {YYYY} is the tenant's local year: a customer opened at 00:30 on 1 January is that year's.
    NEW.account_number := internal.format_number(
      fmt, internal.tenant_year(NEW.tenant_id), internal.next_number(NEW.tenant_id, 'account', 0));
  END IF;
  NEW.closed_at := CASE WHEN NEW.status = 'closed' THEN now() END;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION internal.open_billing_account() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  INSERT INTO kassa.billing_accounts (tenant_id, customer_id, currency)
  SELECT NEW.tenant_id, NEW.id, t.currency FROM kassa.tenants t WHERE t.id = NEW.tenant_id;
  RETURN NULL;
END $$;

-- The one refusal for anything done to (or for) a closed customer.
CREATE OR REPLACE FUNCTION internal.refuse_closed_customer(p_account_number text) RETURNS void
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  PERFORM internal.raise_error('P0C01', format('customer %s is closed', p_account_number),
    hint => 'A closed account is kept for the record and cannot change; open a new customer.');
END $$;
-- The guard runs as the API role that updates the customer.
GRANT EXECUTE ON FUNCTION internal.refuse_closed_customer(text) TO customer, staff;

-- Is this email address taken by another customer of the tenant? For the guard below, which
-- runs as the customer: their policies hide every other customer.
CREATE OR REPLACE FUNCTION internal.email_taken(p_tenant uuid, p_email text, p_except uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT EXISTS (SELECT FROM kassa.customers c
                  WHERE c.tenant_id = p_tenant AND lower(c.email) = lower(p_email) AND c.id <> p_except)
$$;
GRANT EXECUTE ON FUNCTION internal.email_taken(uuid, text, uuid) TO customer;

-- For whatever is added or changed for a customer (a service, an invoice, a payment): the
-- customer row, refused if closed. Locked FOR KEY SHARE, which waits for a status change in
-- progress (internal.customer_transition holds FOR UPDATE) and then sees its outcome, so
-- nothing slips in next to a close or a suspension. NULL when there is no such customer.
CREATE OR REPLACE FUNCTION internal.lock_open_customer(p_tenant_id uuid, p_customer_id uuid) RETURNS kassa.customers
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  c kassa.customers;
BEGIN
  SELECT * INTO c FROM kassa.customers cu WHERE cu.tenant_id = p_tenant_id AND cu.id = p_customer_id FOR KEY SHARE;
  IF c.status = 'closed' THEN
    PERFORM internal.refuse_closed_customer(c.account_number);
  END IF;
  RETURN c;
END $$;

-- The contact data staff and customers write, checked with the field named (P0V03, P0V04)
-- before the constraints would refuse it (limits of the poison_input_limits migration).
CREATE OR REPLACE FUNCTION internal.check_customer_contact(c kassa.customers) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
BEGIN
  PERFORM internal.check_text(c.name, 'name', 200);
  PERFORM internal.check_text(c.company_name, 'company_name', 200, false);
  PERFORM internal.check_text(c.email, 'email', 254);
  PERFORM internal.check_text(c.address, 'address', 1000, false);
  PERFORM internal.check_text(c.vat_number, 'vat_number', 50, false);
  PERFORM internal.check_text(c.street, 'street', 200, false);
  PERFORM internal.check_text(c.postcode, 'postcode', 20, false);
  PERFORM internal.check_text(c.city, 'city', 100, false);
  PERFORM internal.check_text(c.buyer_reference, 'buyer_reference', 200, false);
  IF c.country !~ '^[A-Z]{2}$' THEN
    PERFORM internal.raise_error('P0C15', format('bad country "%s"', c.country),
      hint => 'Use the ISO 3166-1 alpha-2 code in capitals, e.g. ZA or DE.');
  END IF;
  PERFORM internal.check_locale(c.locale);
END $$;
GRANT EXECUTE ON FUNCTION internal.check_customer_contact(kassa.customers) TO customer, staff;

CREATE OR REPLACE FUNCTION internal.guard_customer_update() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  PERFORM internal.check_customer_contact(NEW);
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
  IF OLD.status = 'closed' AND NEW IS DISTINCT FROM OLD AND NOT internal.redacting() THEN
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

-- A new customer starts active (suspending or closing is for an existing account, via the RPCs)
-- and, unless told otherwise, lives in their tenant's country.
CREATE OR REPLACE FUNCTION internal.check_new_customer() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  NEW.country := coalesce(NEW.country, (SELECT t.country FROM kassa.tenants t WHERE t.id = NEW.tenant_id));
  PERFORM internal.check_customer_contact(NEW);
  IF NEW.status IN ('suspended', 'closed')
     AND current_setting('kassa.customer_status_change', true) IS DISTINCT FROM 'on' THEN
    PERFORM internal.raise_error('P0C06', format('a new customer starts active, not %s', NEW.status),
      hint => 'Create the customer, then use /rpc/suspend_customer or /rpc/close_customer with a reason.');
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE TRIGGER check_new_customer BEFORE INSERT ON kassa.customers
  FOR EACH ROW EXECUTE FUNCTION internal.check_new_customer();
CREATE OR REPLACE TRIGGER assign_account_number BEFORE INSERT ON kassa.customers
  FOR EACH ROW EXECUTE FUNCTION internal.assign_account_number();
CREATE OR REPLACE TRIGGER open_billing_account AFTER INSERT ON kassa.customers
  FOR EACH ROW EXECUTE FUNCTION internal.open_billing_account();
CREATE OR REPLACE TRIGGER guard_customer_update BEFORE UPDATE ON kassa.customers
  FOR EACH ROW EXECUTE FUNCTION internal.guard_customer_update();
CREATE OR REPLACE TRIGGER refuse_customer_delete BEFORE DELETE ON kassa.customers
  FOR EACH ROW EXECUTE FUNCTION internal.refuse_change('P0C03', 'customers are never deleted',
                                                       'Close them with /rpc/close_customer instead.');
SELECT internal.audit_table('kassa.customers', 'tenant_id', 'id');

SELECT internal.allow('staff', 'SELECT, INSERT, UPDATE', internal.tenant_rows(), 'kassa.customers');
SELECT internal.allow('customer', 'SELECT, UPDATE', internal.own_rows('id'), 'kassa.customers');

-- Column grants: contact data is what a customer may change; staff also set type. Status stays
-- granted to staff so that setting it meets the trigger's clear refusal (P0C06), not a bare 42501.
GRANT SELECT ON kassa.customers TO customer, staff;

CREATE VIEW api.customers WITH (security_invoker = true) AS
  SELECT c.id, c.tenant_id, c.account_number, c.status, c.status_reason, c.type, c.name, c.company_name,
         c.email, c.phone, c.address, c.street, c.postcode, c.city, c.country, c.vat_number, c.buyer_reference, c.locale, c.auto_pay, c.created_at, c.closed_at, c.anonymised_at,
         -- The billing account appears with the customer (after-insert trigger); until then
         -- (in an INSERT's RETURNING) it is an empty account in the tenant's currency.
         coalesce((SELECT a.balance FROM kassa.billing_accounts a
                    WHERE a.tenant_id = c.tenant_id AND a.customer_id = c.id), 0) AS balance,
         (SELECT t.currency FROM kassa.tenants t WHERE t.id = c.tenant_id) AS currency,
         coalesce((SELECT a.credit_limit FROM kassa.billing_accounts a
                    WHERE a.tenant_id = c.tenant_id AND a.customer_id = c.id), 0) AS credit_limit
    FROM kassa.customers c;
GRANT SELECT ON api.customers TO customer, staff;
SELECT internal.grant_writes('api.customers', 'kassa.customers', 'staff',
  'INSERT (type, status, name, company_name, email, phone, address, street, postcode, city, country, vat_number,
           buyer_reference, locale),
   UPDATE (type, status, name, company_name, email, phone, address, street, postcode, city, country, vat_number,
           buyer_reference, locale)');
SELECT internal.grant_writes('api.customers', 'kassa.customers', 'customer',
  'UPDATE (name, email, phone, address, street, postcode, city, country, locale)');
SELECT internal.write_by_key('api.customers', 'kassa.customers');
