-- Reminders and dunning (docs/collections.md), and reconnection when the debt is cleared.
--
-- A tenant's schedule is a list of steps, each a number of tenant-local days from an invoice's
-- due date (negative: before it) and a kind: reminder, notice, suspend, final. Schedules are
-- versioned; an invoice keeps the version it entered dunning with. internal.dunning_run takes,
-- for each open invoice above the tolerance, the latest step that is due and not yet taken —
-- once (kassa.invoice_dunning_steps is unique per invoice and step), earlier missed steps are
-- recorded as skipped, so a run after downtime sends no burst of stale reminders. A missed
-- suspension is the one step never skipped: it is an action, not a message. The events are
-- written to the outbox (kassa.notifications) here, by the function that takes the step, with
-- a fresh payment link (db/functions/460_payment_links.sql) for each reminder and notice.
-- A step may charge a dunning fee: a one-off charge for the customer's next invoice, in the
-- tenant's dunning fee VAT category, charged when the step is taken (never for a skipped step).
-- A step after the due date may retry the collection (retry): a debit order returned for a
-- reason that allows another presentation is marked for the next debit-order run
-- (db/functions/480_debit_orders.sql), and an auto-pay customer's primary card is charged once
-- for the step by the dunning job (internal.due_dunning_retries, 475_auto_pay.sql); the step's
-- event says which (`retry`).

-- The VAT category of the tenant's dunning fees: its own setting, else its country's default
-- ('zero' in Germany, where a dunning fee is damages, not a supply, and carries no VAT).
CREATE OR REPLACE FUNCTION internal.dunning_fee_vat_category(p_tenant kassa.tenants) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT coalesce(p_tenant.dunning_fee_vat_category, CASE WHEN p_tenant.country = 'DE' THEN 'zero' ELSE 'standard' END)
$$;

-- Dunning fees need a VAT rate for their category (the invoice run prices a line by it).
CREATE OR REPLACE FUNCTION internal.check_dunning_fee_vat_category(p_tenant kassa.tenants) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM kassa.vat_rates r
                  WHERE r.tenant_id = p_tenant.id AND r.category = internal.dunning_fee_vat_category(p_tenant)) THEN
    PERFORM internal.raise_error('P0D10',
      format('the dunning fee VAT category %s has no VAT rate in this tenant', internal.dunning_fee_vat_category(p_tenant)),
      hint => 'Add the category to /vat_rates (rate 0 for no VAT), or set tenants.dunning_fee_vat_category to one there.');
  END IF;
END $$;

-- A tenant's dunning fee category is checked when set, and by every schedule with a fee.
CREATE OR REPLACE FUNCTION internal.check_tenant_dunning_fee() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  PERFORM internal.check_dunning_fee_vat_category(NEW);
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER check_dunning_fee BEFORE UPDATE OF dunning_fee_vat_category ON kassa.tenants
  FOR EACH ROW WHEN (NEW.dunning_fee_vat_category IS NOT NULL) EXECUTE FUNCTION internal.check_tenant_dunning_fee();

-- The default schedule (the dunning migration gave it to the tenants that existed then).
CREATE OR REPLACE FUNCTION internal.default_dunning_schedule() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  INSERT INTO kassa.dunning_schedules (tenant_id, version, valid_from, created_by)
  SELECT n.id, 1, '-infinity', 'default' FROM new_tenants n;
  INSERT INTO kassa.dunning_steps (tenant_id, schedule_version, day_offset, kind, retry)
  SELECT n.id, 1, d.day_offset, d.kind, d.kind = 'notice'
    FROM new_tenants n,
         (VALUES (-7, 'reminder'), (-3, 'reminder'), (-1, 'reminder'), (1, 'notice'), (7, 'notice'), (14, 'suspend'))
           AS d (day_offset, kind);
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER default_dunning_schedule AFTER INSERT ON kassa.tenants
  REFERENCING NEW TABLE AS new_tenants FOR EACH STATEMENT EXECUTE FUNCTION internal.default_dunning_schedule();

-- The version invoices entering dunning on p_on take: the newest valid by then.
CREATE OR REPLACE FUNCTION internal.current_dunning_schedule(p_tenant_id uuid, p_on date)
RETURNS kassa.dunning_schedules LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT s.* FROM kassa.dunning_schedules s
   WHERE s.tenant_id = p_tenant_id AND s.valid_from <= p_on ORDER BY s.version DESC LIMIT 1
$$;

-- What a template needs about a customer's services (for a network system: its reference data).
CREATE OR REPLACE FUNCTION internal.services_reference(p_tenant_id uuid, p_service_ids uuid[]) RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT coalesce(jsonb_agg(jsonb_build_object('service_id', s.id, 'reference', s.reference,
                                               'installation_address', s.installation_address,
                                               'price_version_id', s.price_version_id, 'status', s.status)
                            ORDER BY s.id), '[]')
    FROM kassa.services s WHERE s.tenant_id = p_tenant_id AND s.id = ANY (p_service_ids)
$$;

-- One dunning run of a tenant on p_as_of (NULL: the tenant's today). Set-based: each statement
-- handles every invoice of the tenant at once; only the suspensions go service by service,
-- through internal.service_transition (its rules and action log).
CREATE OR REPLACE FUNCTION internal.dunning_run(p_tenant_id uuid, p_as_of date, p_actor text)
RETURNS TABLE (entered integer, taken integer, skipped integer, services_suspended integer,
               services_reactivated integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  as_of    date := coalesce(p_as_of, internal.tenant_today(p_tenant_id));
  schedule kassa.dunning_schedules := internal.current_dunning_schedule(p_tenant_id, as_of);
  service  record;
  debtor   record;
BEGIN
  PERFORM internal.check_text(p_actor, 'actor', 200);
  services_suspended := 0;
  services_reactivated := 0;
  -- Reconnection a payment could not do at once (the customer was suspended as a whole then and
  -- resumed since, or the tolerance was raised): before this run suspends anyone.
  FOR debtor IN
    SELECT DISTINCT s.customer_id FROM kassa.services s
     WHERE s.tenant_id = p_tenant_id AND s.suspension_reason = 'non_payment' ORDER BY 1
  LOOP
    services_reactivated := services_reactivated + internal.reconnect_customer(p_tenant_id, debtor.customer_id);
  END LOOP;
  -- Invoices enter dunning with the current version when its first step is due.
  INSERT INTO kassa.invoice_dunning (tenant_id, invoice_id, customer_id, schedule_version, entered_on)
  SELECT i.tenant_id, i.id, i.customer_id, schedule.version, as_of
    FROM kassa.invoices i
   WHERE i.tenant_id = p_tenant_id AND i.status IN ('finalised', 'partially_paid', 'overdue')
     AND i.amount_due > schedule.tolerance
     AND i.due_on + (SELECT min(st.day_offset) FROM kassa.dunning_steps st
                      WHERE st.tenant_id = p_tenant_id AND st.schedule_version = schedule.version) <= as_of
     AND NOT EXISTS (SELECT FROM kassa.invoice_dunning d WHERE d.tenant_id = i.tenant_id AND d.invoice_id = i.id);
  GET DIAGNOSTICS entered = ROW_COUNT;

  -- The steps due and not yet recorded, of open invoices above their version's tolerance that
  -- no pause holds: the latest is taken, a suspension always, the others skipped.
  WITH candidates AS (
    SELECT d.tenant_id, d.invoice_id, d.customer_id, d.schedule_version, i.due_on
      FROM kassa.invoice_dunning d
      JOIN kassa.invoices i ON i.tenant_id = d.tenant_id AND i.id = d.invoice_id
      JOIN kassa.dunning_schedules s ON s.tenant_id = d.tenant_id AND s.version = d.schedule_version
     WHERE d.tenant_id = p_tenant_id AND i.status IN ('finalised', 'partially_paid', 'overdue')
       AND i.amount_due > s.tolerance
       AND NOT EXISTS (SELECT FROM kassa.dunning_pauses p
                        WHERE p.tenant_id = d.tenant_id AND p.customer_id = d.customer_id
                          AND (p.invoice_id IS NULL OR p.invoice_id = d.invoice_id)
                          AND p.ended_at IS NULL AND p.until >= as_of)
  ), due AS (
    SELECT c.*, st.day_offset, st.kind,
           st.day_offset = max(st.day_offset) OVER (PARTITION BY c.invoice_id) AS latest
      FROM candidates c
      JOIN kassa.dunning_steps st ON st.tenant_id = c.tenant_id AND st.schedule_version = c.schedule_version
     WHERE c.due_on + st.day_offset <= as_of
       AND NOT EXISTS (SELECT FROM kassa.invoice_dunning_steps x
                        WHERE x.tenant_id = c.tenant_id AND x.invoice_id = c.invoice_id AND x.step = st.day_offset)
  ), recorded AS (
    INSERT INTO kassa.invoice_dunning_steps (tenant_id, invoice_id, step, kind, outcome, customer_id, as_of, actor)
    SELECT d.tenant_id, d.invoice_id, d.day_offset, d.kind,
           CASE WHEN d.latest OR d.kind = 'suspend' THEN 'taken' ELSE 'skipped' END, d.customer_id, as_of, p_actor
      FROM due d
    ON CONFLICT ON CONSTRAINT invoice_dunning_steps_once DO NOTHING
    RETURNING outcome
  )
  SELECT count(*) FILTER (WHERE r.outcome = 'taken'), count(*) FILTER (WHERE r.outcome = 'skipped')
    INTO taken, skipped FROM recorded r;

  -- Suspension: the active services of customers whose suspension step this run took.
  FOR service IN
    SELECT s.id, s.activated_on FROM kassa.services s
     WHERE s.tenant_id = p_tenant_id AND s.status = 'active'
       AND s.customer_id IN (SELECT x.customer_id FROM kassa.invoice_dunning_steps x
                              WHERE x.tenant_id = p_tenant_id AND x.outcome = 'taken' AND x.kind = 'suspend'
                                AND x.notification_id IS NULL)
     ORDER BY s.customer_id, s.id
  LOOP
    PERFORM internal.service_transition(p_tenant_id, service.id, 'suspend', 'Dunning: overdue invoice unpaid',
                                        greatest(as_of, service.activated_on),
                                        p_suspension_reason => 'non_payment');
    services_suspended := services_suspended + 1;
  END LOOP;

  -- The fees of the steps this run took, once each: a one-off charge for the next invoice.
  INSERT INTO kassa.pending_charges (tenant_id, customer_id, kind, description, quantity, unit_price, vat_category)
  SELECT x.tenant_id, x.customer_id, 'one_off', format('Dunning fee (%s of %s), invoice %s', x.kind, x.as_of, i.number),
         1, st.fee, internal.dunning_fee_vat_category(t)
    FROM kassa.invoice_dunning_steps x
    JOIN kassa.invoice_dunning d ON d.tenant_id = x.tenant_id AND d.invoice_id = x.invoice_id
    JOIN kassa.dunning_steps st ON st.tenant_id = x.tenant_id AND st.schedule_version = d.schedule_version
                               AND st.day_offset = x.step
    JOIN kassa.invoices i ON i.tenant_id = x.tenant_id AND i.id = x.invoice_id
    JOIN kassa.tenants t ON t.id = x.tenant_id
   WHERE x.tenant_id = p_tenant_id AND x.outcome = 'taken' AND x.notification_id IS NULL AND st.fee > 0
   ORDER BY x.customer_id, x.invoice_id;

  -- Retry steps taken by this run: debits returned for a reason that allows another
  -- presentation are marked for the next debit-order run (once: the step that asked is kept).
  UPDATE kassa.debit_order_items di SET retry_step = x.step
    FROM kassa.invoice_dunning_steps x
    JOIN kassa.invoice_dunning d ON d.tenant_id = x.tenant_id AND d.invoice_id = x.invoice_id
    JOIN kassa.dunning_steps st ON st.tenant_id = x.tenant_id AND st.schedule_version = d.schedule_version
                               AND st.day_offset = x.step AND st.retry
   WHERE x.tenant_id = p_tenant_id AND x.outcome = 'taken' AND x.notification_id IS NULL
     AND di.tenant_id = x.tenant_id AND di.invoice_id = x.invoice_id
     AND di.status = 'unpaid' AND di.retry_allowed AND di.retry_step IS NULL;

  -- The events of the steps taken (those without a notification yet: this run's), with what a
  -- template needs; each message step carries a fresh payment link for its invoice.
  WITH steps AS (
    SELECT x.tenant_id, x.invoice_id, x.customer_id, x.step, x.kind, c.name, c.account_number,
           coalesce(c.locale, t.locale) AS locale,
           coalesce(i.number, i.legacy_number) AS number,  -- an imported invoice by its legacy number
           i.amount_due, i.currency, i.due_on, d.schedule_version, st.fee,
           CASE WHEN NOT st.retry THEN NULL
                WHEN EXISTS (SELECT FROM kassa.debit_order_items di
                              WHERE di.tenant_id = x.tenant_id AND di.invoice_id = x.invoice_id
                                AND di.retry_step = x.step AND di.status = 'unpaid') THEN 'debit_order'
                WHEN internal.card_collectable(i) THEN 'card' END AS retry
      FROM kassa.invoice_dunning_steps x
      JOIN kassa.invoice_dunning d ON d.tenant_id = x.tenant_id AND d.invoice_id = x.invoice_id
      JOIN kassa.dunning_steps st ON st.tenant_id = x.tenant_id AND st.schedule_version = d.schedule_version
                                 AND st.day_offset = x.step
      JOIN kassa.invoices i ON i.tenant_id = x.tenant_id AND i.id = x.invoice_id
      JOIN kassa.customers c ON c.tenant_id = x.tenant_id AND c.id = x.customer_id
      JOIN kassa.tenants t ON t.id = x.tenant_id
     WHERE x.tenant_id = p_tenant_id AND x.outcome = 'taken' AND x.notification_id IS NULL
  ), links AS (
    SELECT l.invoice_id, l.token, l.expires_at
      FROM internal.create_payment_links(p_tenant_id, ARRAY(SELECT s.invoice_id FROM steps s WHERE s.kind <> 'suspend'),
                                         p_actor) l
  ), written AS (
    INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload)
    SELECT s.tenant_id, s.customer_id,
           CASE s.kind WHEN 'reminder' THEN 'invoice_reminder' WHEN 'notice' THEN 'invoice_overdue_notice'
                       WHEN 'suspend' THEN 'services_suspended' ELSE 'invoice_final_notice' END,
           jsonb_build_object(
             'customer_id', s.customer_id, 'customer_name', s.name, 'account_number', s.account_number,
             'locale', s.locale, 'invoice_id', s.invoice_id, 'invoice_number', s.number,
             'amount_due', s.amount_due, 'currency', s.currency, 'due_on', s.due_on, 'as_of', as_of,
             'step', s.step, 'step_kind', s.kind, 'days_overdue', greatest(as_of - s.due_on, 0),
             'schedule_version', s.schedule_version, 'fee', s.fee, 'retry', s.retry,
             'urgency', CASE s.kind WHEN 'reminder' THEN 'low' WHEN 'notice' THEN 'medium'
                                    WHEN 'suspend' THEN 'high' ELSE 'critical' END)
           || CASE WHEN s.kind = 'suspend' THEN jsonb_build_object('reason', 'non_payment', 'services',
                internal.services_reference(s.tenant_id, ARRAY(
                  SELECT sv.id FROM kassa.services sv
                   WHERE sv.tenant_id = s.tenant_id AND sv.customer_id = s.customer_id
                     AND sv.suspension_reason = 'non_payment')))
              ELSE jsonb_build_object('payment_token', l.token, 'payment_link_expires_at', l.expires_at) END
      FROM steps s LEFT JOIN links l ON l.invoice_id = s.invoice_id AND s.kind <> 'suspend'
     ORDER BY s.customer_id, s.due_on, s.invoice_id
    RETURNING tenant_id, id, (payload ->> 'invoice_id')::uuid AS invoice_id, (payload ->> 'step')::integer AS step
  ), linked AS (
    UPDATE kassa.invoice_dunning_steps x SET notification_id = w.id
      FROM written w
     WHERE x.tenant_id = w.tenant_id AND x.invoice_id = w.invoice_id AND x.step = w.step
  )
  UPDATE kassa.invoice_dunning d SET last_step = w.step, last_step_on = as_of
    FROM (SELECT w.tenant_id, w.invoice_id, max(w.step) AS step FROM written w GROUP BY 1, 2) w
   WHERE d.tenant_id = w.tenant_id AND d.invoice_id = w.invoice_id;
  RETURN NEXT;
END $$;

-- What a customer owes past its due date (tenant's today): the open invoices' amounts due.
CREATE OR REPLACE FUNCTION internal.overdue_amount(p_tenant_id uuid, p_customer_id uuid) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT coalesce(sum(i.amount_due), 0)::bigint FROM kassa.invoices i
   WHERE i.tenant_id = p_tenant_id AND i.customer_id = p_customer_id
     AND i.status IN ('finalised', 'partially_paid', 'overdue') AND i.amount_due > 0
     AND i.due_on < internal.tenant_today(p_tenant_id)
$$;

-- Reconnection: once the customer's overdue amount is within the tolerance, the services
-- dunning suspended (reason non_payment; never those suspended by hand) are resumed, in the
-- transaction that cleared the debt. A customer suspended or closed as a whole stays off.
CREATE OR REPLACE FUNCTION internal.reconnect_customer(p_tenant_id uuid, p_customer_id uuid) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  today   date := internal.tenant_today(p_tenant_id);
  service kassa.services;
  resumed uuid[] := '{}';
BEGIN
  IF internal.overdue_amount(p_tenant_id, p_customer_id) > (internal.current_dunning_schedule(p_tenant_id, today)).tolerance
     OR NOT EXISTS (SELECT FROM kassa.customers c WHERE c.tenant_id = p_tenant_id AND c.id = p_customer_id
                                                    AND c.status = 'active') THEN
    RETURN 0;
  END IF;
  FOR service IN
    SELECT s.* FROM kassa.services s
     WHERE s.tenant_id = p_tenant_id AND s.customer_id = p_customer_id AND s.suspension_reason = 'non_payment'
     ORDER BY s.id
  LOOP
    -- A resumption billed at once (immediate proration) may have reconnected the rest already.
    IF EXISTS (SELECT FROM kassa.services s WHERE s.tenant_id = p_tenant_id AND s.id = service.id
                                              AND s.suspension_reason = 'non_payment') THEN
      PERFORM internal.service_transition(p_tenant_id, service.id, 'resume', 'Reconnected: overdue amount cleared',
                                          greatest(today, service.suspended_on));
      resumed := resumed || service.id;
    END IF;
  END LOOP;
  IF resumed <> '{}' THEN
    INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload)
    SELECT c.tenant_id, c.id, 'services_reactivated',
           jsonb_build_object('customer_id', c.id, 'customer_name', c.name, 'account_number', c.account_number,
                              'locale', coalesce(c.locale, t.locale), 'reason', 'non_payment',
                              'services', internal.services_reference(p_tenant_id, resumed))
      FROM kassa.customers c JOIN kassa.tenants t ON t.id = c.tenant_id
     WHERE c.tenant_id = p_tenant_id AND c.id = p_customer_id;
  END IF;
  RETURN cardinality(resumed);
END $$;

-- Any statement that lowers an invoice's amount due (an allocation of a payment, a credit
-- note, a write-off) may clear a debt: reconnect its customers that dunning suspended.
CREATE OR REPLACE FUNCTION internal.reconnect_paid_up() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  debtor record;
BEGIN
  FOR debtor IN
    SELECT DISTINCT n.tenant_id, n.customer_id
      FROM new_invoices n JOIN old_invoices o ON o.tenant_id = n.tenant_id AND o.id = n.id
     WHERE n.amount_due < o.amount_due
       AND EXISTS (SELECT FROM kassa.services s WHERE s.tenant_id = n.tenant_id AND s.customer_id = n.customer_id
                                                  AND s.suspension_reason = 'non_payment')
     ORDER BY 1, 2
  LOOP
    PERFORM internal.reconnect_customer(debtor.tenant_id, debtor.customer_id);
  END LOOP;
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER reconnect_paid_up AFTER UPDATE ON kassa.invoices
  REFERENCING OLD TABLE AS old_invoices NEW TABLE AS new_invoices
  FOR EACH STATEMENT EXECUTE FUNCTION internal.reconnect_paid_up();

-- Staff: pause dunning of a customer or of one invoice until a date (inclusive).
CREATE OR REPLACE FUNCTION internal.pause_dunning(p_tenant_id uuid, p_customer_id uuid, p_invoice_id uuid,
                                                  p_reason text, p_until date, p_actor text)
RETURNS kassa.dunning_pauses LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  customer uuid := p_customer_id;
  pause    kassa.dunning_pauses;
BEGIN
  IF (p_customer_id IS NULL) = (p_invoice_id IS NULL) THEN
    PERFORM internal.raise_error('P0D01', 'a dunning pause names either a customer or an invoice',
      hint => 'Give customer_id to pause all of a customer''s invoices, or invoice_id for one.');
  END IF;
  PERFORM internal.check_text(p_reason, 'reason', 500);
  IF p_invoice_id IS NOT NULL THEN
    SELECT i.customer_id INTO customer FROM kassa.invoices i
     WHERE i.tenant_id = p_tenant_id AND i.id = p_invoice_id AND i.status <> 'draft';
  ELSIF NOT EXISTS (SELECT FROM kassa.customers c WHERE c.tenant_id = p_tenant_id AND c.id = p_customer_id) THEN
    customer := NULL;
  END IF;
  IF customer IS NULL THEN
    PERFORM internal.raise_error('P0D02', format('%s %s not found in this tenant',
                                                 CASE WHEN p_invoice_id IS NULL THEN 'customer' ELSE 'issued invoice' END,
                                                 coalesce(p_invoice_id, p_customer_id)));
  END IF;
  IF p_until IS NULL OR p_until < internal.tenant_today(p_tenant_id) THEN
    PERFORM internal.raise_error('P0D03', format('a dunning pause needs an end date from today on, not %s',
                                                 coalesce(p_until::text, 'none')));
  END IF;
  PERFORM internal.check_business_date(p_tenant_id, p_until, 'pause end date');
  INSERT INTO kassa.dunning_pauses (tenant_id, customer_id, invoice_id, reason, until, actor)
  VALUES (p_tenant_id, customer, p_invoice_id, btrim(p_reason), p_until, p_actor)
  RETURNING * INTO pause;
  RETURN pause;
END $$;

-- Staff: end a pause before its date. Steps that fell due meanwhile follow the usual rule:
-- only the latest is taken.
CREATE OR REPLACE FUNCTION internal.resume_dunning(p_tenant_id uuid, p_pause_id uuid, p_actor text)
RETURNS kassa.dunning_pauses LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  pause kassa.dunning_pauses;
BEGIN
  UPDATE kassa.dunning_pauses p SET ended_at = internal.clock_now(), ended_by = p_actor
   WHERE p.tenant_id = p_tenant_id AND p.id = p_pause_id AND p.ended_at IS NULL
  RETURNING * INTO pause;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0D04', format('no open dunning pause %s in this tenant', p_pause_id),
      hint => 'See /dunning_pauses; an ended pause stays ended.');
  END IF;
  RETURN pause;
END $$;

-- Staff: a new version of the tenant's schedule, valid from today, for invoices entering
-- dunning from then on. p_steps: [{"day": -7, "kind": "reminder"}, {"day": 7, "kind": "notice",
-- "fee": 500, "retry": true}, …], days strictly increasing, at most one suspension, a final
-- step only last, a fee (optional, minor units) from 0 to 100000000, a retry (optional) only
-- after the due date.
CREATE OR REPLACE FUNCTION internal.set_dunning_schedule(p_tenant_id uuid, p_steps jsonb, p_tolerance bigint,
                                                         p_actor text)
RETURNS kassa.dunning_schedules LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  made  kassa.dunning_schedules;
  steps constant jsonb := coalesce(p_steps, 'null');
BEGIN
  IF jsonb_typeof(steps) <> 'array' OR jsonb_array_length(steps) > 20
     OR EXISTS (SELECT FROM jsonb_array_elements(steps) e
                 WHERE jsonb_typeof(e) <> 'object'
                    OR NOT e ?& '{day,kind}' OR EXISTS (SELECT FROM jsonb_object_keys(e) k
                                                         WHERE k NOT IN ('day', 'kind', 'fee', 'retry'))
                    OR jsonb_typeof(e -> 'day') <> 'number' OR (e ->> 'day') !~ '^-?[0-9]{1,4}$'
                    OR jsonb_typeof(coalesce(e -> 'fee', '0')) <> 'number' OR coalesce(e ->> 'fee', '0') !~ '^-?[0-9]{1,10}$'
                    OR jsonb_typeof(coalesce(e -> 'retry', 'false')) <> 'boolean'
                    OR coalesce(e ->> 'kind', '') NOT IN ('reminder', 'notice', 'suspend', 'final')) THEN
    PERFORM internal.raise_error('P0D05',
      'steps must be a list of at most 20 objects {"day": <integer>, "kind": <kind>, "fee": <integer, optional>, "retry": <boolean, optional>}',
      hint => 'kind is one of reminder, notice, suspend, final; e.g. [{"day": -3, "kind": "reminder"}, {"day": 7, "kind": "notice", "retry": true}, {"day": 14, "kind": "suspend", "fee": 500}]');
  END IF;
  IF EXISTS (SELECT FROM jsonb_array_elements(steps) e WHERE (e ->> 'day')::integer NOT BETWEEN -90 AND 365)
     OR p_tolerance IS NULL OR p_tolerance NOT BETWEEN 0 AND 100000000 THEN
    PERFORM internal.raise_error('P0D08', 'a step''s day lies from -90 to 365 and the tolerance from 0 to 100000000',
      hint => 'Days count from the due date (negative: before it); the tolerance is in minor units.');
  END IF;
  IF EXISTS (SELECT FROM jsonb_array_elements(steps) WITH ORDINALITY AS e(step, n)
               JOIN jsonb_array_elements(steps) WITH ORDINALITY AS f(step, n) ON f.n = e.n + 1
              WHERE (f.step ->> 'day')::integer <= (e.step ->> 'day')::integer) THEN
    PERFORM internal.raise_error('P0D06', 'the steps'' days must be strictly increasing');
  END IF;
  IF (SELECT count(*) FROM jsonb_array_elements(steps) e WHERE e ->> 'kind' = 'suspend') > 1
     OR EXISTS (SELECT FROM jsonb_array_elements(steps) WITH ORDINALITY AS e(step, n)
                 WHERE e.step ->> 'kind' = 'final' AND e.n < jsonb_array_length(steps)) THEN
    PERFORM internal.raise_error('P0D07', 'a schedule has at most one suspend step, and a final step only as its last');
  END IF;
  IF EXISTS (SELECT FROM jsonb_array_elements(steps) e WHERE (e ->> 'retry')::boolean AND (e ->> 'day')::integer <= 0) THEN
    PERFORM internal.raise_error('P0D11', 'a step retries the collection only after the due date (day 1 or later)',
      hint => 'Before the due date nothing is owed yet: card auto-pay and the debit-order run collect on the due date.');
  END IF;
  IF EXISTS (SELECT FROM jsonb_array_elements(steps) e WHERE (e ->> 'fee')::bigint NOT BETWEEN 0 AND 100000000) THEN
    PERFORM internal.raise_error('P0D09', 'a step''s fee lies from 0 to 100000000 minor units');
  ELSIF EXISTS (SELECT FROM jsonb_array_elements(steps) e WHERE (e ->> 'fee')::bigint > 0) THEN
    PERFORM internal.check_dunning_fee_vat_category(t) FROM kassa.tenants t WHERE t.id = p_tenant_id;
  END IF;
  -- Versions of one tenant are numbered in order: the lock makes two changes queue.
  PERFORM 1 FROM kassa.tenants t WHERE t.id = p_tenant_id FOR UPDATE;
  INSERT INTO kassa.dunning_schedules (tenant_id, version, valid_from, tolerance, created_by)
  SELECT p_tenant_id, coalesce(max(s.version), 0) + 1, internal.tenant_today(p_tenant_id), p_tolerance, p_actor
    FROM kassa.dunning_schedules s WHERE s.tenant_id = p_tenant_id
  RETURNING * INTO made;
  INSERT INTO kassa.dunning_steps (tenant_id, schedule_version, day_offset, kind, fee, retry)
  SELECT p_tenant_id, made.version, (e ->> 'day')::integer, e ->> 'kind', coalesce((e ->> 'fee')::bigint, 0),
         coalesce((e ->> 'retry')::boolean, false)
    FROM jsonb_array_elements(steps) e;
  RETURN made;
END $$;

-- The RPCs (staff of the tenant in the token).
CREATE OR REPLACE FUNCTION api.pause_dunning(reason text, until date, customer_id uuid DEFAULT NULL,
                                             invoice_id uuid DEFAULT NULL)
RETURNS kassa.dunning_pauses LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.pause_dunning(internal.jwt_tenant_id(), customer_id, invoice_id, reason, until,
                                internal.audit_actor(internal.jwt_claims()))
$$;
CREATE OR REPLACE FUNCTION api.resume_dunning(pause_id uuid)
RETURNS kassa.dunning_pauses LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.resume_dunning(internal.jwt_tenant_id(), pause_id, internal.audit_actor(internal.jwt_claims()))
$$;
CREATE OR REPLACE FUNCTION api.set_dunning_schedule(steps jsonb, tolerance bigint DEFAULT 0)
RETURNS kassa.dunning_schedules LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.set_dunning_schedule(internal.jwt_tenant_id(), steps, tolerance,
                                       internal.audit_actor(internal.jwt_claims()))
$$;
GRANT EXECUTE ON FUNCTION api.pause_dunning(text, date, uuid, uuid), api.resume_dunning(uuid),
  api.set_dunning_schedule(jsonb, bigint) TO staff;

SELECT internal.audit_table('kassa.dunning_schedules', 'tenant_id', 'version');
SELECT internal.audit_table('kassa.dunning_steps', 'tenant_id', 'schedule_version', 'day_offset');
SELECT internal.audit_table('kassa.dunning_pauses', 'tenant_id', 'id');

SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.dunning_schedules', 'kassa.dunning_steps',
                      'kassa.dunning_pauses', 'kassa.invoice_dunning', 'kassa.invoice_dunning_steps');
SELECT internal.allow('customer', 'SELECT', internal.own_rows(), 'kassa.invoice_dunning', 'kassa.invoice_dunning_steps');
GRANT SELECT ON kassa.dunning_schedules, kassa.dunning_steps, kassa.dunning_pauses TO staff;
GRANT SELECT ON kassa.invoice_dunning, kassa.invoice_dunning_steps TO customer, staff;

CREATE VIEW api.dunning_schedules WITH (security_invoker = true) AS
  SELECT tenant_id, version, valid_from, tolerance, created_by, created_at FROM kassa.dunning_schedules;
CREATE VIEW api.dunning_steps WITH (security_invoker = true) AS
  SELECT tenant_id, schedule_version, day_offset, kind, fee, retry FROM kassa.dunning_steps;
CREATE VIEW api.dunning_pauses WITH (security_invoker = true) AS
  SELECT id, tenant_id, customer_id, invoice_id, reason, until, actor, created_at, ended_at, ended_by
    FROM kassa.dunning_pauses;
GRANT SELECT ON api.dunning_schedules, api.dunning_steps, api.dunning_pauses TO staff;
CREATE VIEW api.invoice_dunning WITH (security_invoker = true) AS
  SELECT tenant_id, invoice_id, customer_id, schedule_version, entered_on, last_step, last_step_on
    FROM kassa.invoice_dunning;
CREATE VIEW api.invoice_dunning_steps WITH (security_invoker = true) AS
  SELECT tenant_id, invoice_id, customer_id, step, kind, outcome, as_of, at FROM kassa.invoice_dunning_steps;
GRANT SELECT ON api.invoice_dunning, api.invoice_dunning_steps TO customer, staff;
