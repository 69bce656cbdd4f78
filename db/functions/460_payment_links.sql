-- Payment links: a single-use, expiring link (`<bridge>/pay/<token>`) that pays an invoice, or
-- an amount without one. The token is 64 URL-safe characters from PostgreSQL's CSPRNG, made
-- inside the statement that stores the link, so reminders create thousands in one statement;
-- only its SHA-256 is stored and the token is shown once, to whoever created the link.
--
-- A link is open, used (a payment through it succeeded) or invalidated (by staff, or replaced
-- by a regenerated one); expired follows from expires_at. An invoice may carry several open
-- links (each reminder its own): the first one paid settles the invoice, and the others then
-- resolve as paid. Staff create, invalidate and regenerate links (with a reason, audited);
-- the bridge resolves a token for its public page and marks a link used.

-- A new token: 48 random bytes in base64url, 64 characters without padding (48 is a
-- multiple of 3, and base64 breaks lines only after 76 characters).
CREATE OR REPLACE FUNCTION internal.new_link_token() RETURNS text
LANGUAGE sql VOLATILE SET search_path = '' AS $$
  SELECT pg_catalog.translate(pg_catalog.encode(public.gen_random_bytes(48), 'base64'), '+/', '-_')
$$;

-- What is stored of a token; any text hashes, so a malformed token costs the same lookup.
CREATE OR REPLACE FUNCTION internal.link_token_hash(p_token text) RETURNS bytea
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT pg_catalog.sha256(pg_catalog.convert_to(coalesce(p_token, ''), 'UTF8'))
$$;

-- How long the tenant's new links stay open (payment_settings.payment_link_expiry_days).
CREATE OR REPLACE FUNCTION internal.payment_link_lifetime(p_tenant uuid) RETURNS interval
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT pg_catalog.make_interval(days => coalesce(
    (SELECT s.payment_link_expiry_days FROM kassa.payment_settings s WHERE s.tenant_id = p_tenant), 7))
$$;

-- The reason of an invalidation: required, not blank, at most 500 characters.
CREATE OR REPLACE FUNCTION internal.link_reason(p_reason text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT internal.require_reason(p_reason, 'P0H08', 'invalidating or regenerating a payment link needs a reason',
                                 'Say why, for the audit log (e.g. "customer lost the email").')
$$;

-- New links for invoices, one per invoice, each for the invoice's amount due now. All or
-- nothing: an invoice that cannot be paid (not of the tenant, a draft, void, paid or fully
-- credited) refuses the whole call, with the first such invoice named.
CREATE OR REPLACE FUNCTION internal.create_payment_links(p_tenant_id uuid, p_invoice_ids uuid[], p_actor text)
RETURNS TABLE (invoice_id uuid, link_id uuid, token text, amount bigint, expires_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  refused record;
BEGIN
  SELECT r.id, i.status, i.number, i.amount_due, i.amount_credited >= i.total AND i.amount_credited > 0 AS credited INTO refused
    FROM unnest(p_invoice_ids) AS r(id)
    LEFT JOIN kassa.invoices i ON i.tenant_id = p_tenant_id AND i.id = r.id
   WHERE i.id IS NULL OR i.status IN ('draft', 'void', 'written_off') OR i.amount_due <= 0
   LIMIT 1;
  IF FOUND THEN
    CASE
      WHEN refused.status IS NULL THEN
        PERFORM internal.raise_error('P0H01', format('unknown invoice %s', refused.id),
          hint => 'The invoice does not exist in this tenant.');
      WHEN refused.status = 'draft' THEN
        PERFORM internal.raise_error('P0H02', format('invoice %s is a draft', refused.id),
          hint => 'Finalise the invoice first: a draft asks nobody for money.');
      WHEN refused.status = 'written_off' THEN  -- before "credited": a write-off credits what was due
        PERFORM internal.raise_error('P0H03', format('invoice %s is written off', refused.number),
          hint => 'Nothing is collected on a written-off invoice; a payment the customer makes stays on their balance.');
      WHEN refused.credited THEN  -- a finalised invoice credited in full is void too: this says why
        PERFORM internal.raise_error('P0H05', format('invoice %s is credited in full', refused.number));
      WHEN refused.status = 'void' THEN
        PERFORM internal.raise_error('P0H03', format('invoice %s is void', coalesce(refused.number, refused.id::text)));
      ELSE
        PERFORM internal.raise_error('P0H04', format('invoice %s is paid: nothing is due', refused.number));
    END CASE;
  END IF;
  PERFORM internal.check_text(p_actor, 'actor', 200, false);

  RETURN QUERY
  WITH fresh AS MATERIALIZED (
    SELECT i.id, i.customer_id, i.amount_due, i.currency, internal.new_link_token() AS token
      FROM kassa.invoices i
     WHERE i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids)
  ), made AS (
    INSERT INTO kassa.payment_links AS l (tenant_id, customer_id, invoice_id, token_hash, amount, currency,
                                          expires_at, created_by)
    SELECT p_tenant_id, f.customer_id, f.id, internal.link_token_hash(f.token), f.amount_due, f.currency,
           internal.clock_now() + internal.payment_link_lifetime(p_tenant_id), p_actor
      FROM fresh f
    RETURNING l.invoice_id, l.id, l.amount, l.expires_at
  )
  SELECT m.invoice_id, m.id, f.token, m.amount, m.expires_at FROM made m JOIN fresh f ON f.id = m.invoice_id;
END $$;

-- A link for an amount without an invoice (a top-up, a deposit), in the customer's account
-- currency and within the tenant's top-up limits (the payment it makes is a top-up).
CREATE OR REPLACE FUNCTION internal.create_amount_link(p_tenant_id uuid, p_customer_id uuid, p_amount bigint,
                                                       p_currency text, p_actor text)
RETURNS TABLE (link_id uuid, token text, amount bigint, expires_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  account_currency text;
  limits record := internal.top_up_limits(p_tenant_id);
  fresh text := internal.new_link_token();
BEGIN
  SELECT a.currency INTO account_currency FROM kassa.billing_accounts a JOIN kassa.customers c
      ON c.tenant_id = a.tenant_id AND c.id = a.customer_id
   WHERE a.tenant_id = p_tenant_id AND a.customer_id = p_customer_id AND c.status <> 'closed';
  IF account_currency IS NULL THEN
    PERFORM internal.raise_error('P0H10', format('unknown customer %s', p_customer_id),
      hint => 'The customer does not exist in this tenant or is closed.');
  END IF;
  IF p_currency IS DISTINCT FROM account_currency THEN
    PERFORM internal.raise_error('P0H11', format('currency "%s" is not the account currency %s',
                                                 left(p_currency, 10), account_currency));
  END IF;
  IF p_amount IS NULL OR p_amount NOT BETWEEN limits.min_top_up AND limits.max_top_up THEN
    PERFORM internal.raise_error('P0H12', format('amount %s is outside the tenant''s limits %s to %s', p_amount,
                                                 limits.min_top_up, limits.max_top_up),
      hint => 'Amounts are in minor units (cents); the limits are min_top_up and max_top_up of /payment_settings.');
  END IF;
  PERFORM internal.check_text(p_actor, 'actor', 200, false);
  RETURN QUERY
  INSERT INTO kassa.payment_links AS l (tenant_id, customer_id, token_hash, amount, currency, expires_at, created_by)
  VALUES (p_tenant_id, p_customer_id, internal.link_token_hash(fresh), p_amount, account_currency,
          internal.clock_now() + internal.payment_link_lifetime(p_tenant_id), p_actor)
  RETURNING l.id, fresh, l.amount, l.expires_at;
END $$;

-- The link, locked, if it is open (used and invalidated links change no more), or the error.
CREATE OR REPLACE FUNCTION internal.lock_open_link(p_tenant_id uuid, p_link_id uuid) RETURNS kassa.payment_links
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  link kassa.payment_links := (SELECT l FROM kassa.payment_links l
                                WHERE l.tenant_id = p_tenant_id AND l.id = p_link_id FOR UPDATE);
BEGIN
  CASE
    WHEN link.id IS NULL THEN
      PERFORM internal.raise_error('P0H06', format('unknown payment link %s', p_link_id));
    WHEN link.status <> 'open' THEN
      PERFORM internal.raise_error('P0H07', format('payment link %s is %s, not open', p_link_id, link.status),
        hint => 'Only an open link (expired or not) can be invalidated or regenerated; create a new one instead.');
    ELSE
      NULL;  -- open: the caller's to change
  END CASE;
  RETURN link;
END $$;

CREATE OR REPLACE FUNCTION internal.invalidate_payment_link(p_tenant_id uuid, p_link_id uuid, p_reason text, p_actor text)
RETURNS kassa.payment_links LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  why text := internal.link_reason(p_reason);
  link kassa.payment_links := internal.lock_open_link(p_tenant_id, p_link_id);
BEGIN
  UPDATE kassa.payment_links l
     SET status = 'invalidated', invalidated_at = internal.clock_now(), invalidated_by = p_actor,
         invalidated_reason = why
   WHERE l.tenant_id = p_tenant_id AND l.id = link.id
  RETURNING * INTO link;
  RETURN link;
END $$;

-- A new token for the same purpose (an invoice's link for its amount due now); the old link
-- is invalidated with the reason and names its replacement.
CREATE OR REPLACE FUNCTION internal.regenerate_payment_link(p_tenant_id uuid, p_link_id uuid, p_reason text,
                                                            p_actor text)
RETURNS TABLE (link_id uuid, token text, amount bigint, expires_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  why text := internal.link_reason(p_reason);
  old kassa.payment_links := internal.lock_open_link(p_tenant_id, p_link_id);
  made record;
BEGIN
  IF old.invoice_id IS NOT NULL THEN
    SELECT n.link_id, n.token, n.amount, n.expires_at INTO made
      FROM internal.create_payment_links(p_tenant_id, ARRAY[old.invoice_id], p_actor) n;
  ELSE
    SELECT n.link_id, n.token, n.amount, n.expires_at INTO made
      FROM internal.create_amount_link(p_tenant_id, old.customer_id, old.amount, old.currency, p_actor) n;
  END IF;
  UPDATE kassa.payment_links l
     SET status = 'invalidated', invalidated_at = internal.clock_now(), invalidated_by = p_actor,
         invalidated_reason = why,
         replaced_by = made.link_id
   WHERE l.tenant_id = p_tenant_id AND l.id = old.id;
  RETURN QUERY SELECT made.link_id, made.token, made.amount, made.expires_at;
END $$;

-- The bridge's public page: what a token stands for. One index probe by the token's hash,
-- whatever the token (unknown and malformed tokens alike answer 'unknown', with no error).
-- state: open | paid (the link was used, or its invoice has nothing due) | expired |
-- invalidated (also when its invoice was voided or written off) | unknown. amount_due is what is due now: an
-- invoice's current amount due, not the amount recorded when the link was made.
CREATE OR REPLACE FUNCTION internal.resolve_payment_link(p_token text)
RETURNS TABLE (state text, tenant_id uuid, link_id uuid, customer_id uuid, tenant_name text, invoice_id uuid,
               invoice_number text, amount_due bigint, currency text, due_on date, expires_at timestamptz,
               locale text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT CASE WHEN l.id IS NULL THEN 'unknown'
              WHEN l.status = 'invalidated' OR i.status IN ('void', 'written_off') THEN 'invalidated'
              WHEN l.status = 'used' OR i.amount_due <= 0 THEN 'paid'
              WHEN l.expires_at <= internal.clock_now() THEN 'expired'
              ELSE 'open' END,
         l.tenant_id, l.id, l.customer_id, t.name, l.invoice_id, i.number,
         CASE WHEN l.invoice_id IS NULL THEN l.amount ELSE greatest(i.amount_due, 0) END,
         l.currency::text, i.due_on, l.expires_at, coalesce(c.locale, t.locale)
    FROM (SELECT internal.link_token_hash(p_token) AS token_hash) k
    LEFT JOIN kassa.payment_links l ON l.token_hash = k.token_hash
    LEFT JOIN kassa.tenants t ON t.id = l.tenant_id
    LEFT JOIN kassa.customers c ON c.tenant_id = l.tenant_id AND c.id = l.customer_id
    LEFT JOIN kassa.invoices i ON i.tenant_id = l.tenant_id AND i.id = l.invoice_id
$$;

-- A payment through the link succeeded: the link is used. Only an open link, only once;
-- anything else answers false and changes nothing (never an error that would roll back the
-- payment it is called with). An expired link is still marked: its payment began in time.
CREATE OR REPLACE FUNCTION internal.use_payment_link(p_tenant_id uuid, p_link_id uuid, p_payment_id uuid)
RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  WITH used AS (
    UPDATE kassa.payment_links l SET status = 'used', used_at = internal.clock_now(), payment_id = p_payment_id
     WHERE l.tenant_id = p_tenant_id AND l.id = p_link_id AND l.status = 'open'
       AND EXISTS (SELECT FROM kassa.payments p WHERE p.tenant_id = p_tenant_id AND p.id = p_payment_id)
    RETURNING 1
  )
  SELECT EXISTS (SELECT FROM used)
$$;

SELECT internal.audit_table('kassa.payment_links', 'tenant_id', 'id', '!token_hash');

SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.payment_links');
SELECT internal.allow('customer', 'SELECT', internal.own_rows(), 'kassa.payment_links');
-- Every column but the token's hash.
GRANT SELECT (tenant_id, id, customer_id, invoice_id, amount, currency, status, expires_at, created_by, created_at,
              used_at, payment_id, invalidated_at, invalidated_by, invalidated_reason, replaced_by)
  ON kassa.payment_links TO customer, staff;

-- state adds 'expired' to the stored status.
CREATE VIEW api.payment_links WITH (security_invoker = true) AS
  SELECT l.id, l.tenant_id, l.customer_id, l.invoice_id, l.amount, l.currency, l.status,
         CASE WHEN l.status = 'open' AND l.expires_at <= internal.clock_now() THEN 'expired' ELSE l.status END AS state,
         l.expires_at, l.created_by, l.created_at, l.used_at, l.payment_id, l.invalidated_at, l.invalidated_by,
         l.invalidated_reason, l.replaced_by
    FROM kassa.payment_links l;
GRANT SELECT ON api.payment_links TO customer, staff;

-- The API (staff): tenant and actor from the token. The answer carries the token once; the
-- page is `<bridge>/pay/<token>`.
CREATE OR REPLACE FUNCTION api.create_payment_link(invoice_id uuid) RETURNS jsonb
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT jsonb_build_object('id', n.link_id, 'token', n.token, 'amount', n.amount, 'expires_at', n.expires_at)
    FROM internal.create_payment_links(internal.jwt_tenant_id(), ARRAY[create_payment_link.invoice_id],
                                       internal.audit_actor(internal.jwt_claims())) n
$$;

CREATE OR REPLACE FUNCTION api.create_amount_link(customer_id uuid, amount bigint, currency text) RETURNS jsonb
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT jsonb_build_object('id', n.link_id, 'token', n.token, 'amount', n.amount, 'expires_at', n.expires_at)
    FROM internal.create_amount_link(internal.jwt_tenant_id(), create_amount_link.customer_id,
                                     create_amount_link.amount, create_amount_link.currency,
                                     internal.audit_actor(internal.jwt_claims())) n
$$;

CREATE OR REPLACE FUNCTION api.invalidate_payment_link(link_id uuid, reason text) RETURNS jsonb
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT jsonb_build_object('id', l.id, 'status', l.status, 'invalidated_at', l.invalidated_at)
    FROM internal.invalidate_payment_link(internal.jwt_tenant_id(), invalidate_payment_link.link_id,
                                          invalidate_payment_link.reason,
                                          internal.audit_actor(internal.jwt_claims())) l
$$;

CREATE OR REPLACE FUNCTION api.regenerate_payment_link(link_id uuid, reason text) RETURNS jsonb
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT jsonb_build_object('id', n.link_id, 'token', n.token, 'amount', n.amount, 'expires_at', n.expires_at,
                            'replaces', regenerate_payment_link.link_id)
    FROM internal.regenerate_payment_link(internal.jwt_tenant_id(), regenerate_payment_link.link_id,
                                          regenerate_payment_link.reason,
                                          internal.audit_actor(internal.jwt_claims())) n
$$;

GRANT EXECUTE ON FUNCTION api.create_payment_link(uuid), api.create_amount_link(uuid, bigint, text),
  api.invalidate_payment_link(uuid, text), api.regenerate_payment_link(uuid, text) TO staff;
