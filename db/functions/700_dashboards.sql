-- Dashboards (docs/api.md "Dashboards"): one JSON object per call, for a customer's portal and
-- for a tenant's staff. Security definer like the statements, every read filtered by the
-- token's tenant (and customer): one plan per call instead of the policies of ten tables, and
-- the indexes of the Sqitch change dashboard_indexes answer each part. Money in minor units of
-- the answer's currency; dates and months are the tenant's local calendar (tenant_today).

-- Whose dashboard the caller may read: a customer their own (customer_id left out or their
-- own id), staff the customer they name (internal.customer_dashboard says whether it is theirs).
CREATE OR REPLACE FUNCTION internal.dashboard_customer(p_customer uuid) RETURNS uuid
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
DECLARE
  own uuid := internal.jwt_customer_id();
BEGIN
  IF current_setting('role') = 'customer' THEN
    IF p_customer IS NOT NULL AND p_customer IS DISTINCT FROM own THEN
      PERFORM internal.raise_error('P0G30', format('customer %s not found', p_customer), NULL,
        'A customer reads only their own dashboard: leave customer_id out.');
    END IF;
    RETURN own;
  END IF;
  IF p_customer IS NULL THEN
    PERFORM internal.raise_error('P0G30', 'customer_id is required', NULL,
      'Staff name a customer of their tenant: customer_id.');
  END IF;
  RETURN p_customer;
END $$;

-- What the invoice run would bill a customer next (340_invoice_run.sql). The run bills every
-- pending charge not yet billed (pro-rata, one-off and dunning fees, credits) at its next run,
-- and claims an active service once its next billing date is within the tenant's lead time: so
-- the next invoice is today's run's when charges are pending, else that of the earliest
-- next_billing_date - invoice_lead_days (today at the earliest). It bills one period of each
-- service it claims at the service's plan price, and those charges; VAT per category and rate,
-- rounded once, as on an invoice (internal.vat_of). Not estimated: usage above the allowance
-- (billed in arrears, when its period has ended) and catch-up periods of a paused run.
-- PL/pgSQL, not SQL, for its cached plan: a SQL function with a SET clause is planned anew on
-- every call.
CREATE OR REPLACE FUNCTION internal.next_invoice_estimate(p_tenant kassa.tenants, p_customer uuid, p_today date)
RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
BEGIN
  RETURN (
  WITH pending AS (
    SELECT round(pc.quantity * pc.unit_price)::bigint AS amount, coalesce(pc.vat_category, v.vat_category) AS vat_category
      FROM kassa.pending_charges pc
      LEFT JOIN kassa.price_versions v ON v.tenant_id = pc.tenant_id AND v.id = pc.price_version_id
     WHERE pc.tenant_id = p_tenant.id AND pc.customer_id = p_customer AND pc.invoice_line_id IS NULL AND NOT pc.settled
  ), run AS (
    SELECT CASE WHEN EXISTS (SELECT FROM pending) THEN p_today
                ELSE min(greatest(s.next_billing_date - p_tenant.invoice_lead_days, p_today)) END AS on_day
      FROM kassa.services s
     WHERE s.tenant_id = p_tenant.id AND s.customer_id = p_customer AND s.status = 'active'
  ), charges AS (
    SELECT 'service' AS source, v.price AS amount, v.vat_category
      FROM run, kassa.services s
      JOIN kassa.price_versions v ON v.tenant_id = s.tenant_id AND v.id = s.price_version_id
     WHERE s.tenant_id = p_tenant.id AND s.customer_id = p_customer AND s.status = 'active'
       AND s.next_billing_date <= run.on_day + p_tenant.invoice_lead_days
    UNION ALL
    SELECT 'pending_charge', p.amount, p.vat_category FROM pending p
  ), per_rate AS (
    SELECT sum(c.amount) AS amount, internal.vat_of(sum(c.amount), coalesce(r.rate, 0), p_tenant.prices_include_vat) AS vat
      FROM charges c
      LEFT JOIN kassa.vat_rates r ON r.tenant_id = p_tenant.id AND r.category = c.vat_category
     GROUP BY c.vat_category, r.rate
  )
  SELECT CASE WHEN (SELECT count(*) FROM charges) > 0 THEN jsonb_build_object(
           'on', run.on_day,
           'net', coalesce(sum(CASE WHEN p_tenant.prices_include_vat THEN p.amount - p.vat ELSE p.amount END), 0)::bigint,
           'vat', coalesce(sum(p.vat), 0)::bigint,
           'total', coalesce(sum(CASE WHEN p_tenant.prices_include_vat THEN p.amount ELSE p.amount + p.vat END), 0)::bigint,
           'services', (SELECT count(*) FROM charges c WHERE c.source = 'service'),
           'pending_charges', (SELECT count(*) FROM charges c WHERE c.source = 'pending_charge')) END
    FROM run LEFT JOIN per_rate p ON true
   GROUP BY run.on_day);
END $$;

CREATE OR REPLACE FUNCTION internal.customer_dashboard(p_tenant_id uuid, p_customer_id uuid) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
DECLARE
  tenant kassa.tenants;
  today  date;
  answer jsonb;
BEGIN
  SELECT * INTO tenant FROM kassa.tenants t WHERE t.id = p_tenant_id;
  today := internal.tenant_today(p_tenant_id);
  SELECT jsonb_build_object(
           'customer_id', c.id, 'account_number', c.account_number, 'name', c.name, 'status', c.status,
           'currency', a.currency, 'as_of', today, 'balance', a.balance,
           'amount_due', open.amount_due, 'open_invoices', open.invoices, 'next_due_on', open.next_due_on,
           'next_invoice', internal.next_invoice_estimate(tenant, c.id, today),
           'active_services', coalesce((
             SELECT jsonb_agg(jsonb_build_object('id', s.id, 'product', p.name, 'price', v.price, 'interval', v.interval,
                                                 'next_billing_date', s.next_billing_date) ORDER BY s.next_billing_date, s.id)
               FROM kassa.services s
               JOIN kassa.price_versions v ON v.tenant_id = s.tenant_id AND v.id = s.price_version_id
               JOIN kassa.products p ON p.tenant_id = v.tenant_id AND p.id = v.product_id
              WHERE s.tenant_id = p_tenant_id AND s.customer_id = c.id AND s.status = 'active'), '[]'),
           'last_payment', (
             SELECT jsonb_build_object('id', y.id, 'amount', y.amount, 'method', y.method, 'purpose', y.purpose,
                                       'completed_at', y.completed_at)
               FROM kassa.payments y
              WHERE y.tenant_id = p_tenant_id AND y.customer_id = c.id AND y.completed_at IS NOT NULL
              ORDER BY y.completed_at DESC, y.id LIMIT 1),
           'usage_this_period', coalesce((
             SELECT jsonb_agg(jsonb_build_object('service_id', u.service_id, 'meter', u.meter,
                                                 'period_start', u.period_start, 'period_end', u.period_end,
                                                 'quantity', u.quantity, 'allowance', v.usage_allowance,
                                                 'cap', v.usage_cap) ORDER BY u.service_id, u.meter)
               FROM kassa.services s
               JOIN kassa.usage_periods u ON u.tenant_id = s.tenant_id AND u.service_id = s.id
               JOIN kassa.price_versions v ON v.tenant_id = s.tenant_id AND v.id = s.price_version_id
              WHERE s.tenant_id = p_tenant_id AND s.customer_id = c.id
                AND today BETWEEN u.period_start AND u.period_end), '[]'),
           'open_tickets', (SELECT count(*) FROM kassa.tickets k
                             WHERE k.tenant_id = p_tenant_id AND k.customer_id = c.id
                               AND k.status IN ('open', 'pending_customer')))
    INTO answer
    FROM kassa.customers c
    JOIN kassa.billing_accounts a ON a.tenant_id = c.tenant_id AND a.customer_id = c.id
   CROSS JOIN LATERAL (
     SELECT coalesce(sum(i.amount_due), 0)::bigint AS amount_due, count(*) AS invoices, min(i.due_on) AS next_due_on
       FROM kassa.invoices i
      WHERE i.tenant_id = p_tenant_id AND i.customer_id = c.id AND i.status IN ('finalised', 'partially_paid', 'overdue')) open
   WHERE c.tenant_id = p_tenant_id AND c.id = p_customer_id;
  IF answer IS NULL THEN
    PERFORM internal.raise_error('P0G30', format('customer %s not found', p_customer_id), NULL,
      'Staff name a customer of their tenant; a customer reads only their own dashboard.');
  END IF;
  RETURN answer;
END $$;

CREATE OR REPLACE FUNCTION api.customer_dashboard(customer_id uuid DEFAULT NULL) RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.customer_dashboard(internal.jwt_tenant_id(), internal.dashboard_customer(customer_dashboard.customer_id))
$$;
GRANT EXECUTE ON FUNCTION api.customer_dashboard(uuid) TO customer, staff;

-- A tenant's month at a glance. Invoiced: the invoices issued this month (void ones left out),
-- their totals. Collected: the payments completed this month, their amounts (refunds are not
-- netted). Overdue: open invoices past their due date by age; debit orders: the latest five
-- batches with their items; failed deliveries: messages and webhook deliveries that failed in
-- the last 30 days, how many and the latest five of each.
CREATE OR REPLACE FUNCTION internal.staff_dashboard(p_tenant_id uuid) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
DECLARE
  tenant      kassa.tenants;
  today       date;
  month_start date;
  month_end   date;
  since       timestamptz := internal.clock_now() - interval '30 days';
BEGIN
  SELECT * INTO tenant FROM kassa.tenants t WHERE t.id = p_tenant_id;
  today := internal.tenant_today(p_tenant_id);
  month_start := date_trunc('month', today)::date;
  month_end := (month_start + interval '1 month')::date;
  RETURN jsonb_build_object(
    'tenant_id', tenant.id, 'currency', tenant.currency, 'as_of', today,
    'month', jsonb_build_object('from', month_start, 'to', month_end - 1),
    'customers', (
      SELECT jsonb_build_object('active', count(*) FILTER (WHERE c.status = 'active'),
                                'suspended', count(*) FILTER (WHERE c.status = 'suspended'),
                                'closed', count(*) FILTER (WHERE c.status = 'closed'), 'total', count(*))
        FROM kassa.customers c WHERE c.tenant_id = p_tenant_id),
    'invoiced', (
      SELECT jsonb_build_object('count', count(*), 'total', coalesce(sum(i.total), 0))
        FROM kassa.invoices i
       WHERE i.tenant_id = p_tenant_id AND i.number IS NOT NULL AND i.issued_on >= month_start
         AND i.issued_on < month_end AND i.status <> 'void'),
    'collected', (
      SELECT jsonb_build_object('count', count(*), 'amount', coalesce(sum(y.amount), 0))
        FROM kassa.payments y
       WHERE y.tenant_id = p_tenant_id AND y.completed_at >= month_start::timestamp AT TIME ZONE tenant.timezone
         AND y.completed_at < month_end::timestamp AT TIME ZONE tenant.timezone),
    'overdue', (
      SELECT jsonb_build_object('count', count(*), 'amount', coalesce(sum(o.amount_due), 0),
               'days_1_30', jsonb_build_object('count', count(*) FILTER (WHERE o.days <= 30),
                                               'amount', coalesce(sum(o.amount_due) FILTER (WHERE o.days <= 30), 0)),
               'days_31_60', jsonb_build_object('count', count(*) FILTER (WHERE o.days BETWEEN 31 AND 60),
                                                'amount', coalesce(sum(o.amount_due) FILTER (WHERE o.days BETWEEN 31 AND 60), 0)),
               'days_61_90', jsonb_build_object('count', count(*) FILTER (WHERE o.days BETWEEN 61 AND 90),
                                                'amount', coalesce(sum(o.amount_due) FILTER (WHERE o.days BETWEEN 61 AND 90), 0)),
               'days_over_90', jsonb_build_object('count', count(*) FILTER (WHERE o.days > 90),
                                                  'amount', coalesce(sum(o.amount_due) FILTER (WHERE o.days > 90), 0)))
        FROM (SELECT i.amount_due, today - i.due_on AS days
                FROM kassa.invoices i
               WHERE i.tenant_id = p_tenant_id AND i.status IN ('finalised', 'partially_paid', 'overdue')
                 AND i.due_on < today) o),
    'debit_orders', coalesce((
      SELECT jsonb_agg(jsonb_build_object('id', b.id, 'submission_date', b.submission_date, 'action_date', b.action_date,
                                          'status', b.status, 'items', n.items, 'amount', n.amount, 'paid', n.paid,
                                          'unpaid', n.unpaid) ORDER BY b.submission_date DESC)
        FROM (SELECT * FROM kassa.debit_order_batches b
               WHERE b.tenant_id = p_tenant_id ORDER BY b.submission_date DESC LIMIT 5) b
       CROSS JOIN LATERAL (
         SELECT count(*) AS items, coalesce(sum(d.amount), 0) AS amount,
                count(*) FILTER (WHERE d.status = 'paid') AS paid,
                count(*) FILTER (WHERE d.status IN ('unpaid', 'rejected', 'disputed')) AS unpaid
           FROM kassa.debit_order_items d WHERE d.tenant_id = p_tenant_id AND d.batch_id = b.id) n), '[]'),
    'failed_deliveries', jsonb_build_object(
      'since', since,
      'messages', (SELECT count(*) FROM kassa.messages m
                    WHERE m.tenant_id = p_tenant_id AND m.status = 'failed' AND m.created_at >= since),
      'webhooks', (SELECT count(*) FROM kassa.webhook_deliveries d
                    WHERE d.tenant_id = p_tenant_id AND d.status = 'failed' AND d.created_at >= since),
      'latest_messages', coalesce((
        SELECT jsonb_agg(jsonb_build_object('id', m.public_id, 'customer_id', m.customer_id, 'channel', m.channel,
                                            'last_error', m.last_error, 'created_at', m.created_at)
                         ORDER BY m.created_at DESC)
          FROM (SELECT * FROM kassa.messages m
                 WHERE m.tenant_id = p_tenant_id AND m.status = 'failed' AND m.created_at >= since
                 ORDER BY m.created_at DESC LIMIT 5) m), '[]'),
      'latest_webhooks', coalesce((
        SELECT jsonb_agg(jsonb_build_object('id', d.public_id, 'endpoint_id', d.endpoint_id, 'last_error', d.last_error,
                                            'created_at', d.created_at) ORDER BY d.created_at DESC)
          FROM (SELECT * FROM kassa.webhook_deliveries d
                 WHERE d.tenant_id = p_tenant_id AND d.status = 'failed' AND d.created_at >= since
                 ORDER BY d.created_at DESC LIMIT 5) d), '[]')));
END $$;

CREATE OR REPLACE FUNCTION api.staff_dashboard() RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.staff_dashboard(internal.jwt_tenant_id())
$$;
GRANT EXECUTE ON FUNCTION api.staff_dashboard() TO staff;
