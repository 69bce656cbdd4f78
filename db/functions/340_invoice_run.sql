-- The invoice run. For one tenant (or all) and a run date as_of, in set-based statements:
--  1. claim every active service whose next billing date is within the tenant's lead time
--     (next_billing_date <= as_of + invoice_lead_days) by advancing next_billing_date past
--     that horizon, in one UPDATE guarded by the old value: the row lock and the re-check
--     make a concurrent run skip a service this one claimed;
--  2. one recurring line per period from the old to the new next billing date (a run after a
--     pause catches up), at the service's plan version;
--  2b. what finished periods used above the plan's allowance (520_usage.sql), billed in
--     arrears, one line per service and period, the records marked with it once written;
--  3. every pending charge (pro-rata, one-off fee) not yet billed, locked and re-checked the
--     same way; the credits of a customer whose invoice would come out negative are kept off
--     the invoice (step 6);
--  4. one draft invoice per customer, its lines, and the pending charges marked billed;
--  5. finalise (tenant setting invoice_run_mode = 'finalise') or refresh the drafts' totals;
--  6. credits no invoice absorbed: credit notes against the invoice lines that billed those
--     days; what no such line can take any more waits for the customer's next invoice.
-- Steps 1–4 stage the lines in kassa.invoice_run_lines under this run's id and remove them when
-- the tenant is done: a real table of our own, not a temporary one, because a security
-- definer function must never pick up an object the caller could have prepared in pg_temp.
-- The unique index invoice_lines_recurring_once is the last word: a period already billed is
-- skipped (ON CONFLICT DO NOTHING), whatever else billed it. The job commits per tenant, so a
-- run killed half way leaves whole tenants done and the rerun does the rest.

-- A pending credit (a negative pro-rata) that no invoice absorbed, as credit notes. The days it
-- gives back were billed by lines of the same service at the same price version whose period
-- overlaps the credit's: a recurring line, or a pro-rata line (first period, resumption, plan
-- change). The latest line takes first (a credit is the tail of what was charged), each at
-- most what it still has uncredited and each invoice at most its uncredited lines net of
-- discounts: the checks internal.create_credit_note would make, made before the call, so an
-- error from it is a bug and fails the run instead of being caught. One credit note per
-- invoice, the pending credit split into one part per note. What no line can take any more is
-- a part of its own: while a draft not yet finalised billed some of those days, it stays
-- pending and the customer's next invoice nets it as a line; when only finalised lines billed
-- them, those days were given back already (staff credited the line) and the part is closed
-- with the credit notes' numbers as its reason, never paid twice. Returns the number of credit
-- notes.
CREATE OR REPLACE FUNCTION internal.credit_unbilled_credit(p_tenant_id uuid, p_charge_id uuid, p_issued_on date)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  pc      kassa.pending_charges;
  part    record;
  rest    bigint;
  notes   integer := 0;
  note_id uuid;
  note_ids uuid[] := '{}';
  on_draft boolean;
  credited_by text;
  leftover uuid;
BEGIN
  SELECT * INTO pc FROM kassa.pending_charges c
   WHERE c.tenant_id = p_tenant_id AND c.id = p_charge_id AND NOT c.settled
     FOR UPDATE;
  rest := -round(pc.quantity * pc.unit_price)::bigint;
  FOR part IN
    WITH lines AS (
      SELECT l.id, l.invoice_id, l.period_start, l.period_end, l.amount - coalesce(cr.credited, 0) AS line_left
        FROM kassa.invoice_lines l
        JOIN kassa.invoices i ON i.tenant_id = l.tenant_id AND i.id = l.invoice_id
        LEFT JOIN LATERAL (SELECT sum(cl.amount) AS credited FROM kassa.credit_note_lines cl
                            WHERE cl.tenant_id = l.tenant_id AND cl.invoice_line_id = l.id) cr ON true
       WHERE l.tenant_id = p_tenant_id AND l.service_id = pc.service_id AND l.price_version_id = pc.price_version_id
         AND l.amount > 0 AND l.period_start <= pc.period_end AND l.period_end >= pc.period_start
         AND i.status IN ('finalised', 'partially_paid', 'paid', 'overdue')
    ), room AS (
      SELECT x.invoice_id, (SELECT sum(c.amount - c.credited) FROM internal.credited_per_line(p_tenant_id, x.invoice_id) c)
             AS invoice_left
        FROM (SELECT DISTINCT l.invoice_id FROM lines l) x
    ), by_line AS (
      SELECT l.*, greatest(0, least(l.line_left, rest - coalesce(sum(l.line_left) OVER earlier, 0))) AS take
        FROM lines l WHERE l.line_left > 0
      WINDOW earlier AS (ORDER BY l.period_start DESC, l.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
    ), by_invoice AS (
      SELECT b.*, greatest(0, least(b.take, r.invoice_left - coalesce(sum(b.take) OVER earlier, 0))) AS amount
        FROM by_line b JOIN room r ON r.invoice_id = b.invoice_id
      WINDOW earlier AS (PARTITION BY b.invoice_id ORDER BY b.period_start DESC, b.id
                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
    )
    SELECT b.invoice_id, sum(b.amount)::bigint AS amount,
           jsonb_agg(jsonb_build_object('invoice_line_id', b.id, 'amount', b.amount)) AS lines,
           greatest(pc.period_start, min(b.period_start)) AS period_start, least(pc.period_end, max(b.period_end)) AS period_end
      FROM by_invoice b WHERE b.amount > 0
     GROUP BY b.invoice_id ORDER BY max(b.period_start) DESC, b.invoice_id
  LOOP
    note_id := (internal.create_credit_note(p_tenant_id, part.invoice_id, pc.description, 'balance', part.lines,
                                            p_issued_on)).id;
    -- The first part keeps the pending charge's row, every other part is a row of its own.
    IF notes = 0 THEN
      UPDATE kassa.pending_charges c
         SET quantity = 1, unit_price = -part.amount, period_start = part.period_start, period_end = part.period_end,
             credit_note_id = note_id
       WHERE c.tenant_id = p_tenant_id AND c.id = pc.id;
    ELSE
      INSERT INTO kassa.pending_charges (tenant_id, customer_id, service_id, kind, description, price_version_id,
                                         unit_price, period_start, period_end, credit_note_id)
      VALUES (p_tenant_id, pc.customer_id, pc.service_id, pc.kind, pc.description, pc.price_version_id,
              -part.amount, part.period_start, part.period_end, note_id);
    END IF;
    rest := rest - part.amount;
    notes := notes + 1;
    note_ids := note_ids || note_id;
  END LOOP;
  IF rest = 0 THEN
    RETURN notes;
  END IF;
  IF notes = 0 THEN
    leftover := pc.id;
  ELSE
    INSERT INTO kassa.pending_charges (tenant_id, customer_id, service_id, kind, description, price_version_id,
                                       unit_price, period_start, period_end)
    VALUES (p_tenant_id, pc.customer_id, pc.service_id, pc.kind, pc.description, pc.price_version_id,
            -rest, pc.period_start, pc.period_end)
    RETURNING id INTO leftover;
  END IF;
  -- The leftover's days: billed on a draft (it waits), or on issued lines only (closed: given
  -- back by earlier credit notes, or never owed on a void invoice).
  SELECT bool_or(i.status = 'draft'),
         'already credited: ' || string_agg(DISTINCT cn.number, ', ' ORDER BY cn.number) FILTER (WHERE cn.id <> ALL (note_ids))
    INTO on_draft, credited_by
    FROM kassa.invoice_lines l
    JOIN kassa.invoices i ON i.tenant_id = l.tenant_id AND i.id = l.invoice_id
    LEFT JOIN kassa.credit_note_lines cl ON cl.tenant_id = l.tenant_id AND cl.invoice_line_id = l.id
    LEFT JOIN kassa.credit_notes cn ON cn.tenant_id = cl.tenant_id AND cn.id = cl.credit_note_id
   WHERE l.tenant_id = p_tenant_id AND l.service_id = pc.service_id AND l.price_version_id = pc.price_version_id
     AND l.amount > 0 AND l.period_start <= pc.period_end AND l.period_end >= pc.period_start;
  IF NOT coalesce(on_draft, true) THEN
    UPDATE kassa.pending_charges c
       SET unit_price = -rest, quantity = 1, closed_on = p_issued_on,
           closed_reason = coalesce(credited_by, 'nothing was left to credit on the invoice')
     WHERE c.tenant_id = p_tenant_id AND c.id = leftover;
  END IF;
  RETURN notes;
END $$;

-- Steps 1 + 2 for one tenant: claim its due services and stage one recurring line per period.
-- Returns how many it skipped: periods some other path already billed (they stay billed once)
-- and services due by date but suspended (not billed).
CREATE OR REPLACE FUNCTION internal.invoice_run_stage_services(p_tenant kassa.tenants, p_run uuid, p_as_of date)
RETURNS integer
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  already_billed integer;
BEGIN
  WITH due AS (
    SELECT s.id, s.next_billing_date AS old_next,
           internal.cycle_date_after(s.billing_day, internal.interval_months(v.interval), s.next_billing_date,
                                     p_as_of + p_tenant.invoice_lead_days) AS new_next
      FROM kassa.services s
      JOIN kassa.price_versions v ON v.tenant_id = s.tenant_id AND v.id = s.price_version_id
     WHERE s.tenant_id = p_tenant.id AND s.status = 'active' AND s.next_billing_date <= p_as_of + p_tenant.invoice_lead_days
  ), claimed AS (
    UPDATE kassa.services s SET next_billing_date = d.new_next
      FROM due d
     WHERE s.tenant_id = p_tenant.id AND s.id = d.id AND s.status = 'active' AND s.next_billing_date = d.old_next
    RETURNING s.id, s.customer_id, s.price_version_id, s.billing_day, d.old_next, d.new_next
  )
  INSERT INTO kassa.invoice_run_lines (tenant_id, run_id, customer_id, service_id, charge_kind, description,
                                       price_version_id, quantity, unit_price, period_start, period_end)
  SELECT p_tenant.id, p_run, c.customer_id, c.id, 'recurring',
         format('%s, %s to %s', p.name, per.period_start, per.period_end - 1),
         c.price_version_id, 1, v.price, per.period_start, per.period_end - 1
    FROM claimed c
    JOIN kassa.price_versions v ON v.tenant_id = p_tenant.id AND v.id = c.price_version_id
    JOIN kassa.products p ON p.tenant_id = p_tenant.id AND p.id = v.product_id
   CROSS JOIN LATERAL internal.billing_periods(c.billing_day, internal.interval_months(v.interval), c.old_next,
                                               c.old_next, c.new_next) per;

  DELETE FROM kassa.invoice_run_lines l
   WHERE l.tenant_id = p_tenant.id AND l.run_id = p_run
     AND EXISTS (SELECT FROM kassa.invoice_lines il
                  WHERE il.tenant_id = p_tenant.id AND il.service_id = l.service_id
                    AND il.period_start = l.period_start AND il.charge_kind = 'recurring');
  GET DIAGNOSTICS already_billed = ROW_COUNT;
  RETURN already_billed + (SELECT count(*) FROM kassa.services s
                            WHERE s.tenant_id = p_tenant.id AND s.status = 'suspended'
                              AND s.next_billing_date <= p_as_of + p_tenant.invoice_lead_days);
END $$;

-- Step 3 for one tenant (one customer, if given): stage its pending charges not yet billed,
-- locked (a concurrent run waits, then skips them). The credits of a customer whose invoice
-- would come out negative are taken off again; their ids are returned for step 6.
CREATE OR REPLACE FUNCTION internal.invoice_run_stage_charges(p_tenant_id uuid, p_run uuid, p_customer_id uuid)
RETURNS uuid[]
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  carried_ids uuid[];
BEGIN
  INSERT INTO kassa.invoice_run_lines (tenant_id, run_id, customer_id, service_id, pending_charge_id, charge_kind,
                                       description, price_version_id, vat_category, quantity, unit_price,
                                       period_start, period_end)
  SELECT p_tenant_id, p_run, pc.customer_id, pc.service_id, pc.id, pc.kind, pc.description, pc.price_version_id,
         pc.vat_category, pc.quantity, pc.unit_price, pc.period_start, pc.period_end
    FROM kassa.pending_charges pc
   WHERE pc.tenant_id = p_tenant_id AND NOT pc.settled
     AND (p_customer_id IS NULL OR pc.customer_id = p_customer_id)
   ORDER BY pc.tenant_id, pc.id
     FOR UPDATE OF pc;
  WITH carried AS (
    DELETE FROM kassa.invoice_run_lines l
     WHERE l.tenant_id = p_tenant_id AND l.run_id = p_run AND l.unit_price < 0
       AND l.customer_id IN (SELECT x.customer_id FROM kassa.invoice_run_lines x
                              WHERE x.tenant_id = p_tenant_id AND x.run_id = p_run
                              GROUP BY x.customer_id HAVING sum(round(x.quantity * x.unit_price)) < 0)
    RETURNING l.pending_charge_id
  )
  SELECT array_agg(c.pending_charge_id) INTO carried_ids FROM carried c;
  RETURN carried_ids;
END $$;

-- Step 4 for one tenant: one draft invoice per customer of the staged lines, then its lines
-- (a period already billed is lost to the unique index), and the pending charges marked
-- billed. The staging table's statistics say it is empty (its rows live only inside a run),
-- so the planner would pair the new invoices and lines with their staged rows by nested
-- loops: 1,000 x 1,000 comparisons for one tenant.
CREATE OR REPLACE FUNCTION internal.invoice_run_write_invoices(p_tenant kassa.tenants, p_run uuid, p_as_of date)
RETURNS void LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  nestloop text := current_setting('enable_nestloop');
BEGIN
  PERFORM set_config('enable_nestloop', 'off', true);
  WITH inv AS (
    INSERT INTO kassa.invoices (tenant_id, customer_id, currency, prices_include_vat, period_start, period_end, notes)
    SELECT p_tenant.id, l.customer_id, p_tenant.currency, p_tenant.prices_include_vat, min(l.period_start),
           max(l.period_end), format('Invoice run of %s', p_as_of)
      FROM kassa.invoice_run_lines l WHERE l.tenant_id = p_tenant.id AND l.run_id = p_run GROUP BY l.customer_id
    RETURNING id, customer_id
  )
  UPDATE kassa.invoice_run_lines l SET invoice_id = inv.id
    FROM inv WHERE l.tenant_id = p_tenant.id AND l.run_id = p_run AND l.customer_id = inv.customer_id;

  WITH ins AS (
    INSERT INTO kassa.invoice_lines AS il (tenant_id, invoice_id, id, position, description, quantity, unit_price,
                                           amount, vat_category, vat_rate, period_start, period_end, service_id,
                                           charge_kind, price_version_id)
    SELECT p_tenant.id, l.invoice_id, l.line_id,
           row_number() OVER (PARTITION BY l.invoice_id ORDER BY l.service_id, l.period_start, l.charge_kind, l.line_id),
           l.description, l.quantity, l.unit_price, round(l.quantity * l.unit_price)::bigint, r.category, r.rate,
           l.period_start, l.period_end, l.service_id, l.charge_kind, l.price_version_id
      FROM kassa.invoice_run_lines l
      -- A charge without a price version (a dunning fee) states its VAT category itself.
      LEFT JOIN kassa.price_versions v ON v.tenant_id = p_tenant.id AND v.id = l.price_version_id
      JOIN kassa.vat_rates r ON r.tenant_id = p_tenant.id AND r.category = coalesce(l.vat_category, v.vat_category)
     WHERE l.tenant_id = p_tenant.id AND l.run_id = p_run
    ON CONFLICT (tenant_id, service_id, period_start) WHERE charge_kind = 'recurring' DO NOTHING
    RETURNING il.id
  )
  UPDATE kassa.invoice_run_lines l SET billed = true
    FROM ins WHERE l.tenant_id = p_tenant.id AND l.run_id = p_run AND l.line_id = ins.id;
  PERFORM set_config('enable_nestloop', nestloop, true);

  UPDATE kassa.pending_charges pc SET invoice_line_id = l.line_id
    FROM kassa.invoice_run_lines l
   WHERE pc.tenant_id = p_tenant.id AND l.tenant_id = p_tenant.id AND l.run_id = p_run AND pc.id = l.pending_charge_id
     AND l.billed;
END $$;

-- The end of step 4 for one tenant: what the run billed, from its staged lines, which are then
-- removed; an invoice whose every line was a conflict stays empty, and its draft is removed too.
CREATE OR REPLACE FUNCTION internal.invoice_run_tally(p_tenant_id uuid, p_run uuid,
                                                      OUT invoice_ids uuid[], OUT services_billed integer,
                                                      OUT lines_lost integer, OUT charges_billed integer)
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  empty_ids uuid[];
BEGIN
  SELECT array_agg(DISTINCT l.invoice_id) FILTER (WHERE l.billed),
         count(DISTINCT l.service_id) FILTER (WHERE l.billed AND l.charge_kind = 'recurring'),
         count(*) FILTER (WHERE NOT l.billed AND l.charge_kind = 'recurring'),
         count(*) FILTER (WHERE l.billed AND l.pending_charge_id IS NOT NULL)
    INTO invoice_ids, services_billed, lines_lost, charges_billed
    FROM kassa.invoice_run_lines l WHERE l.tenant_id = p_tenant_id AND l.run_id = p_run;
  SELECT array_agg(x.invoice_id) INTO empty_ids
    FROM (SELECT l.invoice_id FROM kassa.invoice_run_lines l WHERE l.tenant_id = p_tenant_id AND l.run_id = p_run
           GROUP BY 1 HAVING NOT bool_or(l.billed)) x;
  DELETE FROM kassa.invoice_run_lines l WHERE l.tenant_id = p_tenant_id AND l.run_id = p_run;
  IF empty_ids IS NOT NULL THEN
    DELETE FROM kassa.invoices i WHERE i.tenant_id = p_tenant_id AND i.id = ANY (empty_ids);
  END IF;
END $$;

-- Step 6 for one tenant: the credits step 3 kept off the invoices become credit notes (see
-- internal.credit_unbilled_credit). Returns the number of credit notes.
CREATE OR REPLACE FUNCTION internal.invoice_run_credit_carried(p_tenant_id uuid, p_charge_ids uuid[], p_as_of date)
RETURNS integer
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  credit_id uuid;
  notes     integer := 0;
BEGIN
  FOR credit_id IN
    SELECT pc.id FROM kassa.pending_charges pc
     WHERE pc.tenant_id = p_tenant_id AND pc.id = ANY (coalesce(p_charge_ids, '{}')) ORDER BY pc.id
  LOOP
    notes := notes + internal.credit_unbilled_credit(p_tenant_id, credit_id, p_as_of);
  END LOOP;
  RETURN notes;
END $$;

-- Step 5 in finalise mode: the run's drafts issued as one batch. When the batch is refused for
-- what some drafts' country requires them to say (a customer without an address, P0I18–P0I22),
-- those drafts are held back, with their totals, for staff to complete and finalise, and the
-- rest is issued: one customer's missing address never stops the tenant's run. Answers how many
-- were held back. (The first try costs nothing extra when every draft is complete.)
CREATE OR REPLACE FUNCTION internal.invoice_run_finalise(p_tenant kassa.tenants, p_invoice_ids uuid[], p_as_of date)
RETURNS integer
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  held uuid[];
BEGIN
  BEGIN
    PERFORM internal.finalise_invoices(p_tenant.id, p_invoice_ids, p_as_of);
    RETURN 0;
  EXCEPTION WHEN SQLSTATE 'P0I18' OR SQLSTATE 'P0I19' OR SQLSTATE 'P0I20' OR SQLSTATE 'P0I21' OR SQLSTATE 'P0I22' THEN
    held := ARRAY(SELECT r.invoice_id FROM internal.drafts_refused_at_issue(p_tenant, p_invoice_ids) r);
  END;
  PERFORM internal.refresh_invoice_totals(p_tenant.id, held);
  IF cardinality(held) < cardinality(p_invoice_ids) THEN
    PERFORM internal.finalise_invoices(p_tenant.id, ARRAY(SELECT unnest(p_invoice_ids) EXCEPT SELECT unnest(held)),
                                       p_as_of);
  END IF;
  RETURN cardinality(held);
END $$;

-- The run itself: the steps above, tenant by tenant, and the run's counts.
CREATE OR REPLACE FUNCTION internal.invoice_run(p_as_of date, p_tenant_id uuid DEFAULT NULL,
                                                p_customer_id uuid DEFAULT NULL)
RETURNS TABLE (processed integer, skipped integer, invoices integer, charges integer, credit_notes integer,
               held integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  t              kassa.tenants;
  carried_ids    uuid[];
  usage_ids      bigint[];
  billed         record;
  run            uuid := gen_random_uuid();  -- this run's rows in kassa.invoice_run_lines
BEGIN
  IF p_as_of IS NULL THEN
    PERFORM internal.raise_error('P0R01', 'the invoice run needs a run date (as_of)');
  END IF;
  IF p_tenant_id IS NOT NULL AND NOT EXISTS (SELECT FROM kassa.tenants tn WHERE tn.id = p_tenant_id) THEN
    PERFORM internal.raise_error('P0R02', format('unknown tenant %s', p_tenant_id));
  END IF;
  processed := 0;
  skipped := 0;
  invoices := 0;
  charges := 0;
  credit_notes := 0;
  held := 0;
  FOR t IN SELECT * FROM kassa.tenants tn
            WHERE (p_tenant_id IS NULL AND tn.status = 'active') OR tn.id = p_tenant_id ORDER BY tn.id LOOP
    -- 1 + 2 (+ 2b): a run for one customer bills only its pending charges.
    usage_ids := '{}';
    IF p_customer_id IS NULL THEN
      skipped := skipped + internal.invoice_run_stage_services(t, run, p_as_of);
      usage_ids := internal.invoice_run_stage_usage(t.id, run, p_as_of);
    END IF;
    -- 3
    carried_ids := internal.invoice_run_stage_charges(t.id, run, p_customer_id);
    -- 4
    PERFORM internal.invoice_run_write_invoices(t, run, p_as_of);
    PERFORM internal.invoice_run_mark_usage(t.id, run, p_as_of, usage_ids);
    billed := internal.invoice_run_tally(t.id, run);
    processed := processed + billed.services_billed;
    skipped := skipped + billed.lines_lost;  -- lost to the unique index: billed by someone else
    charges := charges + billed.charges_billed;
    -- 5: finalise or leave drafts for review.
    IF billed.invoice_ids IS NOT NULL THEN
      IF t.invoice_run_mode = 'finalise' THEN
        held := held + internal.invoice_run_finalise(t, billed.invoice_ids, p_as_of);
      ELSE
        PERFORM internal.refresh_invoice_totals(t.id, billed.invoice_ids);
      END IF;
      invoices := invoices + cardinality(billed.invoice_ids);
    END IF;
    -- 6
    credit_notes := credit_notes + internal.invoice_run_credit_carried(t.id, carried_ids, p_as_of);
  END LOOP;
  RETURN NEXT;
END $$;

-- Staging only: the run's own rows, read and written by the owner inside internal.invoice_run.
ALTER TABLE kassa.invoice_run_lines ENABLE ROW LEVEL SECURITY;

