-- Payment methods: card, debit order, EFT. Exactly one primary per customer (partial unique
-- index), soft delete, sensitive details (card gateway ids, full account number) encrypted
-- with pgp_sym_encrypt under the configured key in kassa.payment_method_secrets.
--
-- The key (KASSA_PAYMENT_METHOD_KEY) reaches SQL as the session setting
-- app.settings.payment_method_key: PostgREST sets it from its config for every request, the
-- bridges and jobs set it on their connections. Only the security definer functions below read
-- it; the API roles have no privilege on kassa.payment_method_secrets, and only the worker's
-- internal.payment_method_details decrypts.
--
-- `kassa payment-key rotate` re-encrypts every secret in one transaction
-- (internal.rotate_payment_method_key). A process still holding the old key afterwards gets
-- P0Y01 instead of writing a secret no key in the configuration decrypts.

CREATE OR REPLACE FUNCTION internal.payment_method_key() RETURNS text
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
DECLARE
  key text := nullif(current_setting('app.settings.payment_method_key', true), '');
BEGIN
  IF key IS NULL THEN
    PERFORM internal.raise_error('P0M03', 'the payment method key is not configured for this session',
      hint => 'Set app.settings.payment_method_key (KASSA_PAYMENT_METHOD_KEY) on the connection.');
  END IF;
  RETURN key;
END $$;

-- The stored details under `p_key`; pgcrypto's "Wrong key or corrupt data" (39000) becomes
-- P0Y01, naming the method.
CREATE OR REPLACE FUNCTION internal.decrypt_payment_method(p_method uuid, p_encrypted bytea, p_key text) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
BEGIN
  RETURN public.pgp_sym_decrypt(p_encrypted, p_key)::jsonb;
EXCEPTION WHEN external_routine_invocation_exception THEN
  PERFORM internal.raise_error('P0Y01', format('the payment method key does not decrypt the details of payment method %s', p_method),
    hint => 'The key was rotated (`kassa payment-key rotate`): restart the process so it reads the current KASSA_PAYMENT_METHOD_KEY.');
END $$;

-- The decrypted details of one method: for the worker when it charges a card.
CREATE OR REPLACE FUNCTION internal.payment_method_details(p_tenant uuid, p_method uuid) RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.decrypt_payment_method(s.payment_method_id, s.details_encrypted, internal.payment_method_key())
    FROM kassa.payment_method_secrets s
   WHERE s.tenant_id = p_tenant AND s.payment_method_id = p_method
$$;

-- Re-encrypts every stored secret from `p_old` to `p_new`, checking that each decrypts under
-- both, in the caller's transaction; returns how many. Any secret `p_old` does not decrypt
-- aborts it all (P0Y01), so the secrets are all under one key at any commit. The lock holds
-- back new secrets (internal.save_payment_method) until the commit. Operators only
-- (`kassa payment-key rotate`, as the owner DSN): granted to no role.
CREATE OR REPLACE FUNCTION internal.rotate_payment_method_key(p_old text, p_new text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  s kassa.payment_method_secrets;
  details jsonb;
  done bigint := 0;
BEGIN
  IF length(coalesce(p_new, '')) < 16 OR p_new = p_old THEN
    PERFORM internal.raise_error('P0Y02', 'the new payment method key must be at least 16 characters and differ from the old one');
  END IF;
  LOCK TABLE kassa.payment_method_secrets IN EXCLUSIVE MODE;
  FOR s IN SELECT * FROM kassa.payment_method_secrets ORDER BY tenant_id, payment_method_id LOOP
    details := internal.decrypt_payment_method(s.payment_method_id, s.details_encrypted, p_old);
    s.details_encrypted := public.pgp_sym_encrypt(details::text, p_new);
    ASSERT internal.decrypt_payment_method(s.payment_method_id, s.details_encrypted, p_new) = details,
      format('the details of payment method %s did not survive re-encryption', s.payment_method_id);
    UPDATE kassa.payment_method_secrets t SET details_encrypted = s.details_encrypted
     WHERE t.tenant_id = s.tenant_id AND t.payment_method_id = s.payment_method_id;
    done := done + 1;
  END LOOP;
  RETURN done;
END $$;

-- Whether `p_key` decrypts every stored secret (and there is one): tells `kassa payment-key
-- rotate`, resuming after a crash, whether the rotation's transaction committed.
CREATE OR REPLACE FUNCTION internal.payment_method_key_decrypts_all(p_key text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  s kassa.payment_method_secrets;
  found_one boolean := false;
BEGIN
  FOR s IN SELECT * FROM kassa.payment_method_secrets LOOP
    BEGIN
      PERFORM public.pgp_sym_decrypt(s.details_encrypted, p_key);
    EXCEPTION WHEN external_routine_invocation_exception THEN
      RETURN false;
    END;
    found_one := true;
  END LOOP;
  RETURN found_one;
END $$;

-- Inserts a method; the customer's first method (or one asked to be) becomes the primary.
CREATE OR REPLACE FUNCTION internal.save_payment_method(p_method kassa.payment_methods, p_details jsonb, p_primary boolean)
RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
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
    -- A stale key (the process was not restarted after a rotation) must not write a secret:
    -- waits for a running rotation, then checks the key on one stored secret.
    LOCK TABLE kassa.payment_method_secrets IN ROW EXCLUSIVE MODE;
    PERFORM internal.decrypt_payment_method(s.payment_method_id, s.details_encrypted, internal.payment_method_key())
       FROM kassa.payment_method_secrets s LIMIT 1;
    INSERT INTO kassa.payment_method_secrets (tenant_id, payment_method_id, details_encrypted)
    VALUES (p_method.tenant_id, new_id, public.pgp_sym_encrypt(p_details::text, internal.payment_method_key()));
  END IF;
  RETURN new_id;
END $$;

-- A card saved at the gateway (the bridge, after the gateway confirmed it).
CREATE OR REPLACE FUNCTION internal.add_card(
  p_tenant uuid, p_customer uuid, p_brand text, p_last4 text, p_exp_month int, p_exp_year int,
  p_gateway_customer text, p_gateway_payment_method text, p_primary boolean DEFAULT false)
RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  m kassa.payment_methods;
BEGIN
  m.tenant_id := p_tenant; m.customer_id := p_customer; m.kind := 'card';
  m.brand := p_brand; m.last4 := p_last4; m.exp_month := p_exp_month; m.exp_year := p_exp_year;
  RETURN internal.save_payment_method(m, jsonb_build_object(
    'gateway', 'stripe', 'customer', p_gateway_customer, 'payment_method', p_gateway_payment_method), p_primary);
END $$;

-- Whose methods the caller may manage: a customer their own, staff their tenant's.
CREATE OR REPLACE FUNCTION internal.method_owner(p_customer uuid) RETURNS uuid
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
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

-- A debit order or EFT method (cards come only from the gateway: internal.add_card).
CREATE OR REPLACE FUNCTION internal.add_payment_method(
  p_tenant uuid, p_customer uuid, p_kind text, p_bank text, p_account_type text, p_account_number text,
  p_mandate_reference text, p_primary boolean)
RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  m kassa.payment_methods;
  digits text := regexp_replace(coalesce(p_account_number, ''), '[ -]', '', 'g');
BEGIN
  m.tenant_id := p_tenant;
  m.customer_id := p_customer;
  m.kind := p_kind;
  m.bank := p_bank;
  IF m.kind = 'card' THEN
    PERFORM internal.raise_error('P0M02', 'cards are saved through the payment gateway, not entered here',
      hint => 'Top up by card with "save card" ticked; the gateway confirms the card to Kassa.');
  ELSIF m.kind = 'debit_order' THEN
    IF digits !~ '^[0-9]{6,20}$' OR p_bank IS NULL OR p_account_type IS NULL OR internal.is_blank(p_mandate_reference) THEN
      PERFORM internal.raise_error('P0M02', 'a debit order needs bank, account_type, mandate_reference and an account_number of 6 to 20 digits');
    END IF;
    m.account_type := p_account_type;
    m.account_masked := '***' || right(digits, 4);
    m.mandate_reference := p_mandate_reference;
    m.mandate_status := 'pending';
    RETURN internal.save_payment_method(m, jsonb_build_object('account_number', digits), p_primary);
  ELSIF m.kind = 'eft' THEN
    RETURN internal.save_payment_method(m, NULL, p_primary);
  END IF;
  PERFORM internal.raise_error('P0M02', format('unknown payment method kind "%s"', m.kind),
    hint => 'Use debit_order or eft.');
END $$;

CREATE OR REPLACE FUNCTION api.add_payment_method(
  kind text, bank text DEFAULT NULL, account_type text DEFAULT NULL, account_number text DEFAULT NULL,
  mandate_reference text DEFAULT NULL, make_primary boolean DEFAULT false, customer_id uuid DEFAULT NULL)
RETURNS uuid
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.add_payment_method(internal.jwt_tenant_id(), internal.method_owner(customer_id), kind, bank,
                                     account_type, account_number, mandate_reference, make_primary)
$$;

-- A customer's (p_customer) or, when NULL, any customer's of the tenant method, locked, or an
-- error naming it.
CREATE OR REPLACE FUNCTION internal.lock_payment_method(p_tenant uuid, p_method uuid, p_customer uuid)
RETURNS kassa.payment_methods
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  m kassa.payment_methods;
BEGIN
  SELECT * INTO m FROM kassa.payment_methods pm
   WHERE pm.tenant_id = p_tenant AND pm.id = p_method AND pm.deleted_at IS NULL
     AND (p_customer IS NULL OR pm.customer_id = p_customer)
     FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0M01', format('payment method %s not found', p_method));
  END IF;
  RETURN m;
END $$;

CREATE OR REPLACE FUNCTION internal.set_primary_payment_method(p_tenant uuid, p_method uuid, p_customer uuid)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  m kassa.payment_methods := internal.lock_payment_method(p_tenant, p_method, p_customer);
BEGIN
  UPDATE kassa.payment_methods pm SET is_primary = false
   WHERE pm.tenant_id = m.tenant_id AND pm.customer_id = m.customer_id AND pm.is_primary AND pm.id <> m.id;
  UPDATE kassa.payment_methods pm SET is_primary = true WHERE pm.tenant_id = m.tenant_id AND pm.id = m.id;
END $$;

-- Soft delete. An auto top-up charging this method is switched off with it.
CREATE OR REPLACE FUNCTION internal.remove_payment_method(p_tenant uuid, p_method uuid, p_customer uuid)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  m kassa.payment_methods := internal.lock_payment_method(p_tenant, p_method, p_customer);
BEGIN
  UPDATE kassa.payment_methods pm SET deleted_at = now(), is_primary = false
   WHERE pm.tenant_id = m.tenant_id AND pm.id = m.id;
  UPDATE kassa.auto_topups a SET enabled = false, disabled_reason = 'payment method removed', updated_at = now()
   WHERE a.tenant_id = m.tenant_id AND a.payment_method_id = m.id AND a.enabled;
END $$;

-- A customer token carries its customer_id (only its own methods); a staff token none (any
-- method of the tenant): internal.check_claims holds tokens to that.
CREATE OR REPLACE FUNCTION api.set_primary_payment_method(payment_method_id uuid) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.set_primary_payment_method(internal.jwt_tenant_id(), payment_method_id, internal.jwt_customer_id())
$$;

CREATE OR REPLACE FUNCTION api.remove_payment_method(payment_method_id uuid) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.remove_payment_method(internal.jwt_tenant_id(), payment_method_id, internal.jwt_customer_id())
$$;

SELECT internal.audit_table('kassa.payment_methods', 'tenant_id', 'id');

ALTER TABLE kassa.payment_method_secrets ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON kassa.payment_method_secrets FROM customer, staff, anon;
SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.payment_methods');
SELECT internal.allow('customer', 'SELECT', internal.own_rows(), 'kassa.payment_methods');
GRANT SELECT ON kassa.payment_methods TO customer, staff;

GRANT EXECUTE ON FUNCTION api.add_payment_method(text, text, text, text, text, boolean, uuid),
  api.set_primary_payment_method(uuid), api.remove_payment_method(uuid) TO customer, staff;

CREATE VIEW api.payment_methods WITH (security_invoker = true) AS
  SELECT id, tenant_id, customer_id, kind, is_primary, brand, last4, exp_month, exp_year, bank,
         account_type, account_masked, mandate_reference, mandate_status, created_at, mandate_url
    FROM kassa.payment_methods
   WHERE deleted_at IS NULL;
GRANT SELECT ON api.payment_methods TO customer, staff;
