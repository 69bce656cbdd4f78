-- Paying through a payment link (bridge/pay.py, docs/collections.md): the page, the start of a
-- gateway payment of the amount due now, the customer's return, and the gateway's callback.
-- Completing such a payment (internal.complete_payment, shared by every gateway) uses its link
-- and settles its invoice first.

-- Gateways and the currencies they take (OCTO: Uzbek sum and US dollars; Stripe: every
-- currency Kassa knows).
CREATE OR REPLACE FUNCTION internal.gateway_takes(p_gateway text, p_currency text) RETURNS boolean
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT CASE p_gateway WHEN 'octo' THEN p_currency IN ('UZS', 'USD') WHEN 'stripe' THEN true ELSE false END
$$;

-- What the page shows: the link (internal.resolve_payment_link), the currency's minor units,
-- and the gateways the tenant offers that take the currency. An open link whose invoice has a
-- debit order in flight (db/functions/480_debit_orders.sql: recorded, or at NetCash and not yet
-- paid or returned) is `debit_order_scheduled`: it cannot be paid twice.
CREATE OR REPLACE FUNCTION internal.payment_page(p_token text)
RETURNS TABLE (state text, tenant_id uuid, link_id uuid, customer_id uuid, tenant_name text, invoice_id uuid,
               invoice_number text, amount_due bigint, currency text, due_on date, expires_at timestamptz,
               locale text, minor_units smallint, gateways text[])
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT CASE WHEN r.state = 'open' AND EXISTS (
                SELECT FROM kassa.debit_order_items d WHERE d.tenant_id = r.tenant_id AND d.invoice_id = r.invoice_id
                   AND d.status IN ('pending', 'submitted')) THEN 'debit_order_scheduled' ELSE r.state END,
         r.tenant_id, r.link_id, r.customer_id, r.tenant_name, r.invoice_id, r.invoice_number, r.amount_due,
         r.currency, r.due_on, r.expires_at, r.locale, c.minor_units,
         ARRAY(SELECT g FROM unnest(coalesce(s.link_gateways,
                                              internal.column_default('kassa.payment_settings', 'link_gateways')::text[])) g
                WHERE internal.gateway_takes(g, r.currency))
    FROM internal.resolve_payment_link(p_token) r
    LEFT JOIN kassa.currencies c ON c.code = r.currency
    LEFT JOIN kassa.payment_settings s ON s.tenant_id = r.tenant_id
$$;

-- The pay button: the pending payment of the amount due now through p_gateway. A second click,
-- a reload or a retry continues the same payment (the link's row lock orders them); an amount
-- changed since (a part paid otherwise) starts a new one. A gateway's page left open for an
-- older payment can still be paid: that money is not lost, it stays on the customer's account
-- as credit (and settles their next invoice).
CREATE OR REPLACE FUNCTION internal.begin_link_payment(p_token text, p_gateway text) RETURNS kassa.payments
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  page record;
  pay kassa.payments;
BEGIN
  -- The link first, locked: a payment completing it meanwhile (which uses the link under the
  -- same lock) is then seen, and no second payment starts for what was just paid.
  PERFORM FROM kassa.payment_links l WHERE l.token_hash = internal.link_token_hash(p_token) FOR UPDATE;
  SELECT * INTO page FROM internal.payment_page(p_token);
  IF page.state = 'debit_order_scheduled' THEN
    PERFORM internal.raise_error('P0E04', format('invoice %s is in a debit-order run: it is collected by debit order', page.invoice_number),
      hint => 'Pay through the link once the debit order is returned unpaid.');
  END IF;
  IF page.state <> 'open' THEN
    PERFORM internal.raise_error('P0H20', format('this payment link cannot be paid: it is %s', page.state));
  END IF;
  IF NOT p_gateway = ANY (page.gateways) THEN
    PERFORM internal.raise_error('P0H21', format('the gateway %s is not offered for this link', p_gateway),
      hint => 'The page lists the gateways the tenant offers for the currency.');
  END IF;
  SELECT * INTO pay FROM kassa.payments p
   WHERE p.tenant_id = page.tenant_id AND p.payment_link_id = page.link_id AND p.provider = p_gateway
     AND p.status = 'pending' AND p.amount = page.amount_due
   ORDER BY p.created_at DESC LIMIT 1;
  IF FOUND THEN
    RETURN pay;
  END IF;
  -- An invoice's link pays the invoice; an amount link tops the balance up (limits and bonus
  -- as for any top-up).
  pay := internal.new_payment(page.tenant_id, page.customer_id, p_gateway, 'card',
                              CASE WHEN page.invoice_id IS NULL THEN 'top_up' ELSE 'payment' END, page.amount_due,
                              page.currency, p_invoice => page.invoice_id);
  UPDATE kassa.payments p SET payment_link_id = page.link_id
   WHERE p.tenant_id = pay.tenant_id AND p.id = pay.id
  RETURNING * INTO pay;
  RETURN pay;
END $$;

-- The customer is back from the gateway, at a page named by the payment (the gateways keep the
-- URLs they are given, so none of them holds the link's token): how the payment stands
-- (success: completed or being confirmed; failure; cancelled), whether its invoice or amount
-- is paid, and what the page shows. No row for a payment not started on a link's page.
CREATE OR REPLACE FUNCTION internal.payment_return(p_tenant_id uuid, p_payment_id uuid)
RETURNS TABLE (outcome text, state text, tenant_name text, invoice_number text, locale text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT CASE WHEN p.status = 'failed' AND p.failure_reason LIKE 'cancelled%' THEN 'cancelled'
              WHEN p.status = 'failed' THEN 'failure'
              ELSE 'success' END,
         CASE WHEN l.status = 'used' OR i.amount_due <= 0 THEN 'paid' ELSE 'open' END,
         t.name, i.number, coalesce(c.locale, t.locale)
    FROM kassa.payments p
    JOIN kassa.payment_links l ON l.tenant_id = p.tenant_id AND l.id = p.payment_link_id
    JOIN kassa.tenants t ON t.id = p.tenant_id
    JOIN kassa.customers c ON c.tenant_id = p.tenant_id AND c.id = p.customer_id
    LEFT JOIN kassa.invoices i ON i.tenant_id = l.tenant_id AND i.id = l.invoice_id
   WHERE p.tenant_id = p_tenant_id AND p.id = p_payment_id
$$;

-- An OCTO callback names OCTO's payment id (octo_payment_UUID), which is the payment's
-- provider_ref: the payment, with its currency's minor units.
CREATE OR REPLACE FUNCTION internal.octo_payment(p_octo_payment text)
RETURNS TABLE (tenant_id uuid, id uuid, amount bigint, currency text, minor_units smallint, status text,
               provider_ref text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT p.tenant_id, p.id, p.amount, p.currency::text, c.minor_units, p.status, p.provider_ref
    FROM kassa.payments p JOIN kassa.currencies c ON c.code = p.currency
   WHERE p.provider = 'octo' AND p.provider_ref = p_octo_payment
$$;
