-- Invoices: line amounts, totals (VAT per rate rounded once), finalisation with gapless
-- numbers and the ledger posting, the freeze of finalised invoices, and the overdue sweep.
--
-- VAT (EN 16931 BR-CO-17): per invoice and rate, from the summed line amounts of that rate,
-- rounded once half away from zero (round() on numeric). Prices excluding VAT: the sum is the
-- net, vat = round(net * rate / 100). Prices including VAT: the sum is the gross,
-- vat = round(gross * rate / (100 + rate)), net = gross - vat.

-- VAT of one rate's summed amount; the same rule for invoices and credit notes.
CREATE OR REPLACE FUNCTION internal.vat_of(p_amount numeric, p_rate numeric, p_includes_vat boolean)
RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = '' AS $$
  SELECT CASE WHEN p_includes_vat THEN round(p_amount * p_rate / (100 + p_rate))
              ELSE round(p_amount * p_rate / 100) END::bigint
$$;

-- Net, VAT and gross per invoice and rate: the figures an invoice prints in its VAT summary.
CREATE OR REPLACE FUNCTION internal.invoice_vat_breakdown(p_tenant_id uuid, p_invoice_ids uuid[])
RETURNS TABLE (invoice_id uuid, vat_rate numeric, net bigint, vat bigint, gross bigint)
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT s.invoice_id, s.vat_rate,
         CASE WHEN s.inc THEN s.amount - s.vat ELSE s.amount END,
         s.vat,
         CASE WHEN s.inc THEN s.amount ELSE s.amount + s.vat END
    FROM (SELECT l.invoice_id, l.vat_rate, i.prices_include_vat AS inc, sum(l.amount)::bigint AS amount,
                 internal.vat_of(sum(l.amount), l.vat_rate, i.prices_include_vat) AS vat
            FROM kassa.invoice_lines l
            JOIN kassa.invoices i ON i.tenant_id = l.tenant_id AND i.id = l.invoice_id
           WHERE l.tenant_id = p_tenant_id AND l.invoice_id = ANY (p_invoice_ids)
           GROUP BY l.invoice_id, l.vat_rate, i.prices_include_vat) s
$$;

-- Totals of drafts from their lines (a draft without lines totals zero).
CREATE OR REPLACE FUNCTION internal.refresh_invoice_totals(p_tenant_id uuid, p_invoice_ids uuid[])
RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  UPDATE kassa.invoices i
     SET net_total = coalesce(t.net, 0), vat_total = coalesce(t.vat, 0), total = coalesce(t.gross, 0)
    FROM (SELECT d.id, sum(b.net)::bigint AS net, sum(b.vat)::bigint AS vat, sum(b.gross)::bigint AS gross
            FROM unnest(p_invoice_ids) AS d(id)
            LEFT JOIN internal.invoice_vat_breakdown(p_tenant_id, p_invoice_ids) b ON b.invoice_id = d.id
           GROUP BY d.id) t
   WHERE i.tenant_id = p_tenant_id AND i.id = t.id AND i.status = 'draft'
$$;

-- A line's amount is quantity x unit price (half away from zero) unless the caller gives it
-- (pro-rata lines carry their own largest-remainder amount); the VAT rate comes from the
-- tenant's category unless given.
CREATE OR REPLACE FUNCTION internal.fill_invoice_line() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  IF TG_OP = 'UPDATE' OR NEW.amount IS NULL THEN
    NEW.amount := round(NEW.quantity * NEW.unit_price);
  END IF;
  IF NEW.vat_rate IS NULL OR (TG_OP = 'UPDATE' AND NEW.vat_category IS DISTINCT FROM OLD.vat_category) THEN
    SELECT r.rate INTO NEW.vat_rate FROM kassa.vat_rates r
     WHERE r.tenant_id = NEW.tenant_id AND r.category = NEW.vat_category;
    IF NOT FOUND THEN
      PERFORM internal.raise_error('P0I06', format('unknown VAT category "%s"', NEW.vat_category), NULL,
      'Use a category of the tenant''s VAT rates (api.vat_rates), e.g. standard.');
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER fill_line_insert BEFORE INSERT ON kassa.invoice_lines
  FOR EACH ROW WHEN (NEW.amount IS NULL OR NEW.vat_rate IS NULL) EXECUTE FUNCTION internal.fill_invoice_line();
CREATE OR REPLACE TRIGGER fill_line_update BEFORE UPDATE OF quantity, unit_price, vat_category ON kassa.invoice_lines
  FOR EACH ROW EXECUTE FUNCTION internal.fill_invoice_line();

-- The freeze. A finalised invoice changes only its payment state: amount_paid,
-- amount_credited and status among the open/paid states, or to void when nothing was paid.
-- A void invoice never changes again. Lines of a non-draft invoice are never touched.
CREATE OR REPLACE FUNCTION internal.guard_invoice() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM internal.raise_error('P0I05',
      format('invoice %s is %s and cannot be deleted', OLD.number, OLD.status), NULL,
      'Only drafts can be deleted; cancel a finalised invoice with a credit note.');
  END IF;
  IF OLD.status = 'void'
     OR (NEW.status = 'void' AND (NEW.amount_paid <> 0 OR NEW.amount_credited <> NEW.total))
     OR NEW.status = 'draft'
     OR (to_jsonb(NEW) - '{amount_paid,amount_credited,amount_due,status}'::text[])
        IS DISTINCT FROM (to_jsonb(OLD) - '{amount_paid,amount_credited,amount_due,status}'::text[]) THEN
    PERFORM internal.raise_error('P0I05',
      format('invoice %s is %s and frozen: only its payment state can change', OLD.number, OLD.status), NULL,
      'Correct a finalised invoice with a credit note (api.create_credit_note).');
  END IF;
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER freeze_finalised BEFORE UPDATE OR DELETE ON kassa.invoices
  FOR EACH ROW WHEN (OLD.status <> 'draft') EXECUTE FUNCTION internal.guard_invoice();

-- Statement-level checks on the lines touched (set-based: cheap for bulk invoice runs).
CREATE OR REPLACE FUNCTION internal.guard_invoice_lines() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  frozen record;
BEGIN
  -- From the changed lines to their invoices by primary key (the transition table has no
  -- statistics; starting from invoices made the planner compare every pair).
  SELECT i.number, i.status INTO frozen
    FROM (SELECT DISTINCT c.tenant_id, c.invoice_id FROM changed_lines c) c
    JOIN kassa.invoices i ON i.tenant_id = c.tenant_id AND i.id = c.invoice_id
   WHERE i.status <> 'draft'
   LIMIT 1;
  IF FOUND THEN
    PERFORM internal.raise_error('P0I05',
      format('invoice %s is %s and frozen: its lines cannot change', frozen.number, frozen.status), NULL,
      'Correct a finalised invoice with a credit note (api.create_credit_note).');
  END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER freeze_lines_insert AFTER INSERT ON kassa.invoice_lines
  REFERENCING NEW TABLE AS changed_lines FOR EACH STATEMENT EXECUTE FUNCTION internal.guard_invoice_lines();
CREATE OR REPLACE TRIGGER freeze_lines_update AFTER UPDATE ON kassa.invoice_lines
  REFERENCING OLD TABLE AS changed_lines FOR EACH STATEMENT EXECUTE FUNCTION internal.guard_invoice_lines();
-- ... and a line moved onto a finalised invoice.
CREATE OR REPLACE TRIGGER freeze_lines_update_target AFTER UPDATE ON kassa.invoice_lines
  REFERENCING NEW TABLE AS changed_lines FOR EACH STATEMENT EXECUTE FUNCTION internal.guard_invoice_lines();
CREATE OR REPLACE TRIGGER freeze_lines_delete AFTER DELETE ON kassa.invoice_lines
  REFERENCING OLD TABLE AS changed_lines FOR EACH STATEMENT EXECUTE FUNCTION internal.guard_invoice_lines();

-- Finalise drafts in one set-based pass: totals, gapless numbers, dates, the ledger posting
-- (one internal.post_entries call), then any credit on the customers' accounts is applied.
CREATE OR REPLACE FUNCTION internal.finalise_invoices(p_tenant_id uuid, p_invoice_ids uuid[], p_issued_on date)
RETURNS SETOF kassa.invoices
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  problem   record;
  wanted    int;
  fmt       text;
  token     text;
  width     int;
  terms     int;
  first_no  bigint;
  year      int := extract(year FROM p_issued_on)::int;
BEGIN
  IF p_issued_on IS NULL THEN
    PERFORM internal.raise_error('P0I10', 'an issue date is required to finalise invoices');
  END IF;
  SELECT t.invoice_number_format, t.payment_terms_days INTO fmt, terms FROM kassa.tenants t WHERE t.id = p_tenant_id;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0T02', format('unknown tenant %s', p_tenant_id));
  END IF;

  -- Lock the invoices in a fixed order, then check them all before changing anything.
  -- The checks are set differences (EXCEPT hashes) or per-invoice lookups, never joins: the
  -- invoices were usually written by this very transaction, statistics know nothing of them,
  -- and a join planned on "one row" compares every pair.
  PERFORM 1 FROM kassa.invoices i
   WHERE i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids) ORDER BY i.id FOR UPDATE;
  SELECT d.id INTO problem FROM (SELECT unnest(p_invoice_ids) AS id
                                 EXCEPT SELECT i.id FROM kassa.invoices i
                                         WHERE i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids)) d LIMIT 1;
  IF FOUND THEN
    PERFORM internal.raise_error('P0I01', format('invoice %s not found in this tenant', problem.id));
  END IF;
  SELECT i.id, i.number, i.status INTO problem FROM kassa.invoices i
   WHERE i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids) AND i.status <> 'draft' LIMIT 1;
  IF FOUND THEN
    PERFORM internal.raise_error('P0I02',
      format('invoice %s is %s (number %s), only drafts can be finalised', problem.id, problem.status, problem.number));
  END IF;
  SELECT d.id INTO problem FROM (SELECT unnest(p_invoice_ids) AS id
                                 EXCEPT SELECT l.invoice_id FROM kassa.invoice_lines l
                                         WHERE l.tenant_id = p_tenant_id AND l.invoice_id = ANY (p_invoice_ids)) d LIMIT 1;
  IF FOUND THEN
    PERFORM internal.raise_error('P0I03', format('invoice %s has no lines', problem.id), NULL,
      'Add at least one line (api.add_invoice_line) before finalising.');
  END IF;
  SELECT c.id, c.currency, c.account_currency INTO problem
    FROM (SELECT i.id, i.currency, (SELECT a.currency FROM kassa.billing_accounts a
                                     WHERE a.tenant_id = i.tenant_id AND a.customer_id = i.customer_id LIMIT 1)
                                    AS account_currency
            FROM kassa.invoices i WHERE i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids)) c
   WHERE c.account_currency <> c.currency LIMIT 1;
  IF FOUND THEN
    PERFORM internal.raise_error('P0I04',
      format('invoice %s is in %s, the customer''s account is in %s', problem.id, problem.currency,
             problem.account_currency));
  END IF;
  SELECT b.invoice_id, sum(b.gross) AS total INTO problem
    FROM internal.invoice_vat_breakdown(p_tenant_id, p_invoice_ids) b GROUP BY b.invoice_id HAVING sum(b.gross) < 0 LIMIT 1;
  IF FOUND THEN
    PERFORM internal.raise_error('P0I12',
      format('invoice %s would total %s: an invoice cannot be negative', problem.invoice_id, problem.total), NULL,
      'Credit the customer with a credit note, or carry the credit to the next invoice.');
  END IF;
  SELECT count(DISTINCT x) INTO wanted FROM unnest(p_invoice_ids) x;

  -- One counter row, locked once: the batch takes a block of consecutive numbers.
  INSERT INTO kassa.counters AS c (tenant_id, kind, period, last_value)
  VALUES (p_tenant_id, 'invoice', year, wanted)
  ON CONFLICT (tenant_id, kind, period) DO UPDATE SET last_value = c.last_value + wanted
  RETURNING c.last_value - wanted INTO first_no;

  -- The format rendered once, only the counter per row (format_number costs two regexps a row).
  -- A counter wider than the format's digits is printed whole, never cut.
  token := substring(fmt FROM '\{N+\}');
  width := length(token) - 2;
  fmt := replace(fmt, '{YYYY}', year::text);
  WITH totals AS (
    SELECT b.invoice_id, sum(b.net)::bigint AS net, sum(b.vat)::bigint AS vat, sum(b.gross)::bigint AS gross
      FROM internal.invoice_vat_breakdown(p_tenant_id, p_invoice_ids) b GROUP BY b.invoice_id
  ), numbered AS (
    SELECT i.id, row_number() OVER (ORDER BY i.created_at, i.id) AS n
      FROM kassa.invoices i WHERE i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids)
  )
  UPDATE kassa.invoices i
     SET net_total = t.net, vat_total = t.vat, total = t.gross,
         number = split_part(fmt, token, 1)
                  || lpad((first_no + n.n)::text, greatest(width, length((first_no + n.n)::text)), '0')
                  || split_part(fmt, token, 2),
         -- Nothing to collect (a zero invoice) is settled the moment it is issued.
         status = CASE WHEN t.gross = 0 THEN 'paid' ELSE 'finalised' END,
         issued_on = p_issued_on, due_on = p_issued_on + terms, finalised_at = now()
    FROM totals t JOIN numbered n ON n.id = t.invoice_id
   WHERE i.tenant_id = p_tenant_id AND i.id = t.invoice_id;

  PERFORM internal.post_entries(e.entries)
     FROM (SELECT jsonb_agg(jsonb_build_object(
                    'tenant_id', i.tenant_id, 'customer_id', i.customer_id, 'kind', 'invoice',
                    'amount', -i.total, 'currency', i.currency, 'source_type', 'invoice',
                    'source_id', i.id, 'description', 'Invoice ' || i.number) ORDER BY i.number) AS entries
             FROM kassa.invoices i
            WHERE i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids) AND i.total <> 0) e
    WHERE e.entries IS NOT NULL;

  PERFORM internal.allocate_credit(p_tenant_id, array_agg(DISTINCT i.customer_id))
     FROM kassa.invoices i WHERE i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids);

  RETURN QUERY SELECT i.* FROM kassa.invoices i
                WHERE i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids) ORDER BY i.number;
END $$;

-- The overdue sweep (job invoice-overdue): open invoices whose due date has passed on as_of.
-- Idempotent: a second run for the same date finds nothing left to mark. With a tenant, only
-- that tenant's (the scheduler sweeps each tenant at its own local hour and date).
CREATE OR REPLACE FUNCTION internal.mark_overdue(p_as_of date, p_tenant_id uuid DEFAULT NULL)
RETURNS integer LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  WITH marked AS (
    UPDATE kassa.invoices i SET status = 'overdue'
     WHERE i.status IN ('finalised', 'partially_paid') AND i.due_on < p_as_of AND i.amount_due > 0
       AND (p_tenant_id IS NULL OR i.tenant_id = p_tenant_id)
    RETURNING 1)
  SELECT count(*)::int FROM marked
$$;

SELECT internal.audit_table('kassa.invoices', 'tenant_id', 'id');
SELECT internal.audit_table('kassa.invoice_lines', 'tenant_id', 'id');
SELECT internal.audit_table('kassa.invoice_allocations', 'tenant_id', 'id');

GRANT EXECUTE ON FUNCTION internal.finalise_invoices(uuid, uuid[], date),
  internal.refresh_invoice_totals(uuid, uuid[]), internal.mark_overdue(date, uuid),
  internal.invoice_vat_breakdown(uuid, uuid[]), internal.vat_of(numeric, numeric, boolean) TO kassa_worker;
