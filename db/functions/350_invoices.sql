-- Invoices: line amounts, totals (VAT per category and rate rounded once), finalisation with
-- gapless numbers, date checks and the ledger posting, the freeze of finalised invoices, and
-- the overdue sweep.
--
-- VAT (EN 16931 BR-CO-17): per invoice, VAT category and rate, from the summed line amounts of
-- that category and rate, rounded once half away from zero (round() on numeric). Prices
-- excluding VAT: the sum is the net, vat = round(net * rate / 100). Prices including VAT: the
-- sum is the gross, vat = round(gross * rate / (100 + rate)), net = gross - vat.

-- VAT of one rate's summed amount; the same rule for invoices and credit notes.
CREATE OR REPLACE FUNCTION internal.vat_of(p_amount numeric, p_rate numeric, p_includes_vat boolean)
RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = '' AS $$
  SELECT CASE WHEN p_includes_vat THEN round(p_amount * p_rate / (100 + p_rate))
              ELSE round(p_amount * p_rate / 100) END::bigint
$$;

-- Net, VAT and gross per invoice, VAT category and rate: the invoice's VAT summary, and the
-- source of its totals, with the category's UNTDID 5305 code and exemption reason as the
-- tenant's VAT rates say now (an issued invoice keeps them as they were: vat_breakdown). Runs
-- as its caller, so over the API it sees what RLS lets them see.
CREATE OR REPLACE FUNCTION internal.invoice_vat_breakdown(p_tenant_id uuid, p_invoice_ids uuid[])
RETURNS TABLE (invoice_id uuid, vat_category text, vat_rate numeric, net bigint, vat bigint, gross bigint,
               vat_code text, exemption_reason text, exemption_code text)
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT s.invoice_id, s.vat_category, s.vat_rate,
         CASE WHEN s.inc THEN s.amount - s.vat ELSE s.amount END,
         s.vat,
         CASE WHEN s.inc THEN s.amount ELSE s.amount + s.vat END,
         -- A category removed since its lines were written: its code by the rate.
         coalesce(r.code, CASE WHEN s.vat_rate > 0 THEN 'S' ELSE 'Z' END), r.exemption_reason, r.exemption_code
    FROM (SELECT l.invoice_id, l.vat_category, l.vat_rate, i.prices_include_vat AS inc,
                 sum(l.amount)::bigint AS amount,
                 internal.vat_of(sum(l.amount), l.vat_rate, i.prices_include_vat) AS vat
            FROM kassa.invoice_lines l
            JOIN kassa.invoices i ON i.tenant_id = l.tenant_id AND i.id = l.invoice_id
           WHERE l.tenant_id = p_tenant_id AND l.invoice_id = ANY (p_invoice_ids)
           GROUP BY l.invoice_id, l.vat_category, l.vat_rate, i.prices_include_vat) s
    LEFT JOIN kassa.vat_rates r ON r.tenant_id = p_tenant_id AND r.category = s.vat_category
$$;

-- A party's address as one text: from its parts when street, postcode and city are all given,
-- otherwise the free text a client wrote (docs/documents.md).
CREATE OR REPLACE FUNCTION internal.address_text(p_free text, p_street text, p_postcode text, p_city text)
RETURNS text LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT CASE WHEN internal.is_blank(p_street) OR internal.is_blank(p_postcode) OR internal.is_blank(p_city) THEN p_free
              ELSE p_street || ', ' || p_postcode || ' ' || p_city END
$$;
-- Does a party's snapshot carry a whole postal address (what the legal checks require)?
CREATE OR REPLACE FUNCTION internal.address_complete(p_party jsonb)
RETURNS boolean LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT NOT (internal.is_blank(p_party ->> 'street') OR internal.is_blank(p_party ->> 'postcode')
              OR internal.is_blank(p_party ->> 'city') OR internal.is_blank(p_party ->> 'country'))
$$;

-- The parties as an issued document prints them, frozen into it at issue (the keys are listed
-- in docs/documents.md). The buyer reference is the document's own when it has one, else the
-- customer's.
CREATE OR REPLACE FUNCTION internal.supplier_snapshot(p_tenant_id uuid)
RETURNS jsonb LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT jsonb_build_object('name', t.legal_name,
                            'address', internal.address_text(t.address, t.street, t.postcode, t.city),
                            'street', t.street, 'postcode', t.postcode, 'city', t.city, 'country', t.country,
                            'vat_number', t.vat_number, 'tax_number', t.tax_number,
                            'registration_number', t.registration_number, 'iban', t.iban, 'bic', t.bic,
                            'email', t.mail_reply_to)  -- the e-invoice's electronic address (BT-34)
    FROM kassa.tenants t WHERE t.id = p_tenant_id
$$;
CREATE OR REPLACE FUNCTION internal.recipient_snapshot(p_tenant_id uuid, p_customer_id uuid, p_buyer_reference text)
RETURNS jsonb LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT jsonb_build_object('name', c.name, 'company_name', c.company_name, 'type', c.type,
                            'account_number', c.account_number,
                            'address', internal.address_text(c.address, c.street, c.postcode, c.city),
                            'street', c.street, 'postcode', c.postcode, 'city', c.city, 'country', c.country,
                            'vat_number', c.vat_number, 'email', c.email,  -- BT-49
                            'buyer_reference', coalesce(p_buyer_reference, c.buyer_reference))
    FROM kassa.customers c WHERE c.tenant_id = p_tenant_id AND c.id = p_customer_id
$$;

-- What an invoice of the tenant's country must say beyond what every issued invoice says, and
-- what kind of document that makes it (its title), for its gross in its currency and whether
-- it has reverse-charge (AE) or intra-community (K) lines. The thresholds are the country's,
-- in its currency (an invoice in another currency is taken as above them); docs/documents.md,
-- "What an issued document says", explains each.
--   DE  §14(4) UStG: the supplier's name, address and Steuernummer or USt-IdNr.; the
--       recipient's name and address, except on a small-amount invoice (gross up to €250,
--       §33 UStDV), which reverse-charge and intra-community supplies never are (§14a); a
--       reverse-charge invoice states "Steuerschuldnerschaft des Leistungsempfängers".
--   ZA  s20 VAT Act: the supplier's name, address and VAT number always; above R5,000 a (full)
--       tax invoice, naming the recipient and their address; above R50 up to R5,000 an abridged
--       tax invoice; up to R50 no tax invoice is needed: an invoice.
--   everywhere: reverse-charge and intra-community lines name the recipient, with address and
--       VAT number (EN 16931 BR-AE-02, BR-IC-02).
CREATE OR REPLACE FUNCTION internal.document_rules(
  p_country text, p_currency text, p_gross bigint, p_reverse_charge boolean,
  OUT kind text, OUT supplier_required boolean, OUT supplier_tax_ids text[], OUT recipient_required boolean,
  OUT notice_required boolean)
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT k.kind, p_country IN ('DE', 'ZA'),
         CASE p_country WHEN 'DE' THEN '{tax_number,vat_number}' WHEN 'ZA' THEN '{vat_number}' ELSE '{}' END::text[],
         p_reverse_charge OR (p_country = 'DE' AND k.kind = 'invoice') OR k.kind = 'tax_invoice',
         p_country = 'DE' AND p_reverse_charge
    FROM (SELECT CASE
                   WHEN p_country = 'DE' AND p_currency = 'EUR' AND p_gross <= 25000 AND NOT p_reverse_charge
                     THEN 'small_amount_invoice'
                   WHEN p_country = 'ZA' AND (p_currency <> 'ZAR' OR p_gross > 500000) THEN 'tax_invoice'
                   WHEN p_country = 'ZA' AND p_gross > 5000 THEN 'abridged_tax_invoice'
                   ELSE 'invoice' END AS kind) k
$$;

-- The first of its country's rules (internal.document_rules) that an invoice with these totals,
-- VAT breakdown and parties' snapshots breaks, as its error code, or NULL when it breaks none.
-- Checked in this order: supplier's address, supplier's tax ids, recipient's address, the
-- recipient's VAT number on reverse charge, the German reverse-charge notice.
CREATE OR REPLACE FUNCTION internal.document_problem(p_country text, p_currency text, p_gross bigint,
                                                     p_breakdown jsonb, p_supplier jsonb, p_recipient jsonb)
RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT CASE WHEN r.supplier_required AND NOT internal.address_complete(p_supplier) THEN 'P0I18'
              WHEN r.supplier_required
                   AND NOT EXISTS (SELECT FROM unnest(r.supplier_tax_ids) k WHERE NOT internal.is_blank(p_supplier ->> k))
                THEN 'P0I19'
              WHEN r.recipient_required AND NOT internal.address_complete(p_recipient) THEN 'P0I20'
              WHEN x.reverse_charge AND internal.is_blank(p_recipient ->> 'vat_number') THEN 'P0I21'
              WHEN r.notice_required AND EXISTS (SELECT FROM jsonb_array_elements(p_breakdown) b
                                                  WHERE b ->> 'vat_code' = 'AE'
                                                    AND internal.is_blank(b ->> 'exemption_reason')) THEN 'P0I22'
         END
    FROM (SELECT EXISTS (SELECT FROM jsonb_array_elements(p_breakdown) b WHERE b ->> 'vat_code' IN ('AE', 'K'))
                 AS reverse_charge) x
   CROSS JOIN LATERAL internal.document_rules(p_country, p_currency, p_gross, x.reverse_charge) r
$$;

-- Finalising, step 4: the issued invoices as numbered say all their country's rules ask for
-- (internal.document_problem), or the first that does not is refused with the rule it breaks
-- and the whole batch with it: nothing is issued. One pass over the batch, in number order.
-- (The invoice run then holds such drafts back and issues the rest: internal.drafts_refused_at_issue.)
CREATE OR REPLACE FUNCTION internal.check_document_content(p_tenant kassa.tenants, p_invoice_ids uuid[])
RETURNS void
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  law     text := CASE p_tenant.country WHEN 'DE' THEN '§14(4) UStG' WHEN 'ZA' THEN 's20 of the VAT Act' END;
  problem record;
BEGIN
  SELECT d.* INTO problem
    FROM (SELECT i.number, i.total, i.currency, i.recipient ->> 'account_number' AS account_number, i.document_kind AS kind,
                 array_to_string((internal.document_rules(p_tenant.country, i.currency, i.total, false)).supplier_tax_ids,
                                 ' or ') AS tax_ids,
                 (SELECT string_agg(DISTINCT b ->> 'vat_category', ', ') FROM jsonb_array_elements(i.vat_breakdown) b
                   WHERE b ->> 'vat_code' IN ('AE', 'K') AND internal.is_blank(b ->> 'exemption_reason')) AS unnoticed,
                 internal.document_problem(p_tenant.country, i.currency, i.total, i.vat_breakdown, i.supplier, i.recipient)
                   AS code
            FROM kassa.invoices i
           WHERE i.tenant_id = p_tenant.id AND i.id = ANY (p_invoice_ids)) d
   WHERE d.code IS NOT NULL ORDER BY d.number LIMIT 1;
  IF NOT FOUND THEN
    RETURN;
  ELSIF problem.code = 'P0I18' THEN
    PERFORM internal.raise_error('P0I18',
      format('invoice %s cannot be issued: the supplier''s address is incomplete (%s requires it)', problem.number, law),
      NULL, 'Set street, postcode and city on the tenant (PATCH /tenants).');
  ELSIF problem.code = 'P0I19' THEN
    PERFORM internal.raise_error('P0I19',
      format('invoice %s cannot be issued: the supplier has no %s (%s requires it)', problem.number, problem.tax_ids, law),
      NULL, format('Set %s on the tenant (PATCH /tenants).', problem.tax_ids));
  ELSIF problem.code = 'P0I20' THEN
    PERFORM internal.raise_error('P0I20',
      format('invoice %s (%s %s, a %s) cannot be issued: customer %s has no complete address (street, postcode, city, country)',
             problem.number, problem.total, problem.currency, replace(problem.kind, '_', ' '), problem.account_number),
      NULL, 'Set the customer''s street, postcode, city and country (PATCH /customers).');
  ELSIF problem.code = 'P0I21' THEN
    PERFORM internal.raise_error('P0I21',
      format('invoice %s cannot be issued: it has reverse-charge or intra-community lines and customer %s has no VAT number',
             problem.number, problem.account_number),
      NULL, 'Set the customer''s vat_number (PATCH /customers), or bill those lines in another VAT category.');
  ELSE
    PERFORM internal.raise_error('P0I22',
      format('invoice %s cannot be issued: VAT category %s is reverse charge without the notice a German invoice prints',
             problem.number, problem.unnoticed),
      NULL, 'Set the category''s exemption_reason (PATCH /vat_rates), e.g. Steuerschuldnerschaft des Leistungsempfängers.');
  END IF;
END $$;

-- An issue date must keep its series in date order and may not lie ahead: not after the
-- tenant's today, not before the last document already issued in the same series and year.
-- One indexed lookup per call (a batch shares one date). Call it with the series' counter row
-- locked, so a concurrent issuer of the series has committed and is seen.
CREATE OR REPLACE FUNCTION internal.check_issue_date(p_tenant_id uuid, p_series text, p_issued_on date)
RETURNS void LANGUAGE plpgsql STABLE SET search_path = '' AS $$
DECLARE
  today  date := internal.tenant_today(p_tenant_id);
  latest date;
  year_start date := date_trunc('year', p_issued_on)::date;
BEGIN
  IF p_issued_on > today THEN
    PERFORM internal.raise_error('P0I13',
      format('issue date %s is after today (%s): documents cannot be dated ahead', p_issued_on, today), NULL,
      'Issue it today or on an earlier day not before the last document of the series.');
  END IF;
  IF p_series = 'invoice' THEN
    SELECT max(i.issued_on) INTO latest FROM kassa.invoices i
     WHERE i.tenant_id = p_tenant_id AND i.number IS NOT NULL
       AND i.issued_on >= year_start AND i.issued_on < (year_start + interval '1 year')::date;
  ELSE
    SELECT max(n.issued_on) INTO latest FROM kassa.credit_notes n
     WHERE n.tenant_id = p_tenant_id
       AND n.issued_on >= year_start AND n.issued_on < (year_start + interval '1 year')::date;
  END IF;
  IF p_issued_on < latest THEN
    PERFORM internal.raise_error('P0I14',
      format('issue date %s is before %s, the date of the last %s already issued in %s: numbers must follow dates',
             p_issued_on, latest, replace(p_series, '_', ' '), extract(year FROM p_issued_on)), NULL,
      format('Issue it on %s or later.', latest));
  END IF;
END $$;

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
  PERFORM internal.check_text(NEW.description, 'description', 500);
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

-- What staff PATCH on a draft (notes, period, supply date, buyer reference), checked like what they give
-- create_invoice; an unchanged date is not checked again. Only staff's own updates: the
-- invoice run (as the owner) sets a draft's supply date from its charges.
CREATE OR REPLACE FUNCTION internal.check_draft_edit() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  PERFORM internal.check_text(NEW.notes, 'notes', 4000, false);
  PERFORM internal.check_text(NEW.buyer_reference, 'buyer_reference', 200, false);
  IF NEW.period_start IS DISTINCT FROM OLD.period_start THEN
    PERFORM internal.check_business_date(NEW.tenant_id, NEW.period_start, 'period_start');
  END IF;
  IF NEW.period_end IS DISTINCT FROM OLD.period_end THEN
    PERFORM internal.check_business_date(NEW.tenant_id, NEW.period_end, 'period_end');
  END IF;
  IF NEW.supplied_on IS DISTINCT FROM OLD.supplied_on THEN
    PERFORM internal.check_business_date(NEW.tenant_id, NEW.supplied_on, 'supplied_on');
  END IF;
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER check_draft_edit BEFORE UPDATE OF notes, period_start, period_end, supplied_on, buyer_reference
  ON kassa.invoices FOR EACH ROW WHEN (OLD.status = 'draft' AND current_user = 'staff')
  EXECUTE FUNCTION internal.check_draft_edit();

-- The freeze. A finalised invoice changes only its payment state: amount_paid,
-- amount_credited and status among the open/paid states, or to void when nothing was paid.
-- A void or written-off invoice never changes again. Lines of a non-draft invoice are never touched.
CREATE OR REPLACE FUNCTION internal.guard_invoice() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM internal.raise_error('P0I05',
      format('invoice %s is %s and cannot be deleted', OLD.number, OLD.status), NULL,
      'Only drafts can be deleted; cancel a finalised invoice with a credit note.');
  END IF;
  IF OLD.status IN ('void', 'written_off')
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

-- Finalising, step 1: lock the invoices in a fixed order, then check them all before anything
-- changes: each exists in the tenant, is a draft, has lines, is in its customer's account
-- currency and does not total below zero.
-- The checks are set differences (EXCEPT hashes) or per-invoice lookups, never joins: the
-- invoices were usually written by this very transaction, statistics know nothing of them,
-- and a join planned on "one row" compares every pair.
CREATE OR REPLACE FUNCTION internal.lock_invoices_to_finalise(p_tenant_id uuid, p_invoice_ids uuid[])
RETURNS void
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  problem record;
BEGIN
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
END $$;

-- Finalising, step 2: the supply date. An invoice of charges without a period (one-off fees of
-- the invoice run) was supplied when its latest charge was recorded, unless it states a supply
-- date or period itself. German invoices state when the supply was made (§14(4) no. 6 UStG):
-- a date or a period.
CREATE OR REPLACE FUNCTION internal.fill_supply_dates(p_tenant kassa.tenants, p_invoice_ids uuid[])
RETURNS void
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  undated uuid;
BEGIN
  UPDATE kassa.invoices i
     SET supplied_on = (SELECT max((pc.created_at AT TIME ZONE p_tenant.timezone)::date)
                          FROM kassa.invoice_lines l
                          JOIN kassa.pending_charges pc ON pc.tenant_id = l.tenant_id AND pc.invoice_line_id = l.id
                         WHERE l.tenant_id = i.tenant_id AND l.invoice_id = i.id)
   WHERE i.tenant_id = p_tenant.id AND i.id = ANY (p_invoice_ids)
     AND i.supplied_on IS NULL AND (i.period_start IS NULL OR i.period_end IS NULL);
  IF p_tenant.country = 'DE' THEN
    SELECT i.id INTO undated FROM kassa.invoices i
     WHERE i.tenant_id = p_tenant.id AND i.id = ANY (p_invoice_ids)
       AND i.supplied_on IS NULL AND (i.period_start IS NULL OR i.period_end IS NULL) LIMIT 1;
    IF FOUND THEN
      PERFORM internal.raise_error('P0I15',
        format('invoice %s has neither a supply date nor a supply period: a German invoice needs one', undated),
        NULL, 'Set supplied_on, or period_start and period_end, on the draft (PATCH api.invoices).');
    END IF;
  END IF;
END $$;

-- The totals and the VAT breakdown (as an issued invoice keeps it) of drafts, from their lines.
CREATE OR REPLACE FUNCTION internal.invoice_totals(p_tenant_id uuid, p_invoice_ids uuid[])
RETURNS TABLE (invoice_id uuid, net bigint, vat bigint, gross bigint, reverse_charge boolean, breakdown jsonb)
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT b.invoice_id, sum(b.net)::bigint, sum(b.vat)::bigint, sum(b.gross)::bigint,
         bool_or(b.vat_code IN ('AE', 'K')),
         jsonb_agg(jsonb_build_object('vat_category', b.vat_category, 'vat_rate', b.vat_rate, 'vat_code', b.vat_code,
                                      'exemption_reason', b.exemption_reason, 'exemption_code', b.exemption_code,
                                      'net', b.net, 'vat', b.vat, 'gross', b.gross)
                   ORDER BY b.vat_category, b.vat_rate)
    FROM internal.invoice_vat_breakdown(p_tenant_id, p_invoice_ids) b GROUP BY b.invoice_id
$$;

-- The drafts that finalising would refuse for what their country requires them to say, each
-- with the code of the rule it breaks: the totals and parties they would be issued with, put to
-- internal.document_problem. The invoice run holds them back when finalising its batch fails
-- on them (docs/billing.md, "Invoices held back").
CREATE OR REPLACE FUNCTION internal.drafts_refused_at_issue(p_tenant kassa.tenants, p_invoice_ids uuid[])
RETURNS TABLE (invoice_id uuid, code text)
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT t.invoice_id, p.code
    FROM internal.invoice_totals(p_tenant.id, p_invoice_ids) t
    JOIN kassa.invoices i ON i.tenant_id = p_tenant.id AND i.id = t.invoice_id
   CROSS JOIN LATERAL (SELECT internal.document_problem(
                         p_tenant.country, i.currency, t.gross, t.breakdown, internal.supplier_snapshot(p_tenant.id),
                         internal.recipient_snapshot(p_tenant.id, i.customer_id, i.buyer_reference)) AS code) p
   WHERE p.code IS NOT NULL
$$;

-- Finalising, step 3: a block of consecutive numbers, one counter row locked once for the
-- batch, then totals, numbers, dates, status, the parties' snapshot, the VAT breakdown and the
-- document's kind in one UPDATE.
CREATE OR REPLACE FUNCTION internal.number_invoices(p_tenant kassa.tenants, p_invoice_ids uuid[], p_issued_on date)
RETURNS void
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  year     int := extract(year FROM p_issued_on)::int;
  wanted   int := (SELECT count(DISTINCT x) FROM unnest(p_invoice_ids) x);
  first_no bigint;
  -- The format rendered once, only the counter per row (format_number costs two regexps a row).
  -- A counter wider than the format's digits is printed whole, never cut.
  token    text := substring(p_tenant.invoice_number_format FROM '\{N+\}');
  width    int := length(token) - 2;
  fmt      text := replace(p_tenant.invoice_number_format, '{YYYY}', year::text);
  issuer   jsonb := internal.supplier_snapshot(p_tenant.id);
BEGIN
  INSERT INTO kassa.counters AS c (tenant_id, kind, period, last_value)
  VALUES (p_tenant.id, 'invoice', year, wanted)
  ON CONFLICT (tenant_id, kind, period) DO UPDATE SET last_value = c.last_value + wanted
  RETURNING c.last_value - wanted INTO first_no;
  -- With the counter row locked: whoever numbered before us has committed and is seen.
  PERFORM internal.check_issue_date(p_tenant.id, 'invoice', p_issued_on);

  WITH numbered AS (
    SELECT i.id, row_number() OVER (ORDER BY i.created_at, i.id) AS n
      FROM kassa.invoices i WHERE i.tenant_id = p_tenant.id AND i.id = ANY (p_invoice_ids)
  )
  UPDATE kassa.invoices i
     SET net_total = t.net, vat_total = t.vat, total = t.gross,
         number = split_part(fmt, token, 1)
                  || lpad((first_no + n.n)::text, greatest(width, length((first_no + n.n)::text)), '0')
                  || split_part(fmt, token, 2),
         -- Nothing to collect (a zero invoice) is settled the moment it is issued.
         status = CASE WHEN t.gross = 0 THEN 'paid' ELSE 'finalised' END,
         issued_on = p_issued_on, due_on = p_issued_on + p_tenant.payment_terms_days, finalised_at = now(),
         supplier = issuer,
         recipient = internal.recipient_snapshot(p_tenant.id, i.customer_id, i.buyer_reference),
         vat_breakdown = t.breakdown,
         document_kind = (internal.document_rules(p_tenant.country, i.currency, t.gross, t.reverse_charge)).kind
    FROM internal.invoice_totals(p_tenant.id, p_invoice_ids) t JOIN numbered n ON n.id = t.invoice_id
   WHERE i.tenant_id = p_tenant.id AND i.id = t.invoice_id;
END $$;

-- Finalising, step 5: the ledger posting, one internal.post_entries call for the batch.
CREATE OR REPLACE FUNCTION internal.post_invoices(p_tenant_id uuid, p_invoice_ids uuid[])
RETURNS void
LANGUAGE sql SET search_path = '' AS $$
  SELECT internal.post_entries(e.entries)
    FROM (SELECT jsonb_agg(jsonb_build_object(
                   'tenant_id', i.tenant_id, 'customer_id', i.customer_id, 'kind', 'invoice',
                   'amount', -i.total, 'currency', i.currency, 'source_type', 'invoice',
                   'source_id', i.id, 'description', 'Invoice ' || i.number) ORDER BY i.number) AS entries
            FROM kassa.invoices i
           WHERE i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids) AND i.total <> 0) e
   WHERE e.entries IS NOT NULL
$$;

-- The events of invoices (docs/events.md), set-based: invoice_issued, invoice_overdue.
CREATE OR REPLACE FUNCTION internal.emit_invoice_events(p_tenant_id uuid, p_invoice_ids uuid[], p_kind text)
RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload)
  SELECT i.tenant_id, i.customer_id, p_kind,
         c.fields
         || jsonb_build_object('invoice_id', i.id, 'invoice_number', i.number, 'total', i.total,
                               'amount_due', i.amount_due, 'currency', i.currency, 'issued_on', i.issued_on,
                               'due_on', i.due_on, 'status', i.status)
    FROM kassa.invoices i JOIN internal.event_customers(p_tenant_id) c ON c.customer_id = i.customer_id
   WHERE i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids)
   ORDER BY i.customer_id, i.number
$$;

-- Finalise drafts in one set-based pass: the checks, supply dates, totals and gapless numbers,
-- the legal content of what was numbered, the ledger posting, then any credit on the
-- customers' accounts is applied.
CREATE OR REPLACE FUNCTION internal.finalise_invoices(p_tenant_id uuid, p_invoice_ids uuid[], p_issued_on date)
RETURNS SETOF kassa.invoices
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  tenant kassa.tenants;
BEGIN
  IF p_issued_on IS NULL THEN
    PERFORM internal.raise_error('P0I10', 'an issue date is required to finalise invoices');
  END IF;
  SELECT * INTO tenant FROM kassa.tenants t WHERE t.id = p_tenant_id;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0T02', format('unknown tenant %s', p_tenant_id));
  END IF;
  PERFORM internal.lock_invoices_to_finalise(p_tenant_id, p_invoice_ids);
  PERFORM internal.fill_supply_dates(tenant, p_invoice_ids);
  PERFORM internal.number_invoices(tenant, p_invoice_ids, p_issued_on);
  PERFORM internal.check_document_content(tenant, p_invoice_ids);
  PERFORM internal.post_invoices(p_tenant_id, p_invoice_ids);
  PERFORM internal.allocate_credit(p_tenant_id, array_agg(DISTINCT i.customer_id))
     FROM kassa.invoices i WHERE i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids);
  PERFORM internal.emit_invoice_events(p_tenant_id, p_invoice_ids, 'invoice_issued');

  RETURN QUERY SELECT i.* FROM kassa.invoices i
                WHERE i.tenant_id = p_tenant_id AND i.id = ANY (p_invoice_ids) ORDER BY i.number;
END $$;

-- The overdue sweep (job invoice-overdue), one tenant at a time: its open invoices whose due
-- date is before p_as_of, by default the tenant's today (each tenant's day ends at its own
-- midnight). Idempotent: a second run for the same date finds nothing left to mark.
CREATE OR REPLACE FUNCTION internal.mark_overdue(p_tenant_id uuid, p_as_of date DEFAULT NULL)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  as_of   date := coalesce(p_as_of, internal.tenant_today(p_tenant_id));
  overdue uuid[];
BEGIN
  IF as_of IS NULL THEN  -- only an unknown tenant has no today
    PERFORM internal.raise_error('P0T02', format('unknown tenant %s', p_tenant_id));
  END IF;
  WITH marked_now AS (
    UPDATE kassa.invoices i SET status = 'overdue'
     WHERE i.tenant_id = p_tenant_id AND i.status IN ('finalised', 'partially_paid') AND i.due_on < as_of
       AND i.amount_due > 0
    RETURNING i.id
  )
  SELECT array_agg(m.id) INTO overdue FROM marked_now m;
  PERFORM internal.emit_invoice_events(p_tenant_id, overdue, 'invoice_overdue');
  RETURN coalesce(cardinality(overdue), 0);
END $$;

SELECT internal.audit_table('kassa.invoices', 'tenant_id', 'id');
SELECT internal.audit_table('kassa.invoice_lines', 'tenant_id', 'id');
SELECT internal.audit_table('kassa.invoice_allocations', 'tenant_id', 'public_id', '!id');

-- The breakdown runs as its caller: the API views read it under RLS.
GRANT EXECUTE ON FUNCTION internal.invoice_vat_breakdown(uuid, uuid[]), internal.vat_of(numeric, numeric, boolean)
  TO staff, customer;

-- Row-level security, the API's views and the staff RPCs of invoices. Writes go through the RPCs
-- (security definer, tenant from the token); staff may also PATCH a draft's notes, period and
-- supply date, which the freeze refuses once it is finalised.
SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.invoices', 'kassa.invoice_lines');
SELECT internal.allow('staff', 'UPDATE', internal.tenant_rows(), 'kassa.invoices');
SELECT internal.allow('customer', 'SELECT', internal.own_rows() || ' AND status <> ''draft''', 'kassa.invoices');
SELECT internal.allow('customer', 'SELECT', internal.rows_of_visible('kassa.invoice_lines', 'kassa.invoices', 'invoice_id'),
                      'kassa.invoice_lines');
GRANT SELECT ON kassa.invoices, kassa.invoice_lines TO customer, staff;

CREATE VIEW api.invoices WITH (security_invoker = true) AS
  SELECT id, tenant_id, customer_id, number, status, currency, net_total, vat_total, total, amount_paid,
         amount_credited, amount_due, issued_on, due_on, period_start, period_end, prices_include_vat, notes,
         created_at, finalised_at, supplied_on, supplier, recipient, buyer_reference, document_kind, legacy_number
    FROM kassa.invoices;
GRANT SELECT ON api.invoices TO customer, staff;
SELECT internal.grant_writes('api.invoices', 'kassa.invoices', 'staff', 'UPDATE (notes, period_start, period_end, supplied_on, buyer_reference)');
SELECT internal.write_by_key('api.invoices', 'kassa.invoices');

-- One row per invoice, VAT category and rate: the figures its totals were computed from, with
-- the category's code and exemption reason: an issued invoice's as frozen at issue, a draft's
-- as the tenant's VAT rates say now.
CREATE VIEW api.invoice_vat_breakdown WITH (security_invoker = true) AS
  SELECT i.tenant_id, i.id AS invoice_id, b.vat_category, b.vat_rate, b.net, b.vat, b.gross, b.vat_code,
         b.exemption_reason, b.exemption_code
    FROM kassa.invoices i
   CROSS JOIN LATERAL (
     SELECT f.vat_category, f.vat_rate, f.net, f.vat, f.gross, f.vat_code, f.exemption_reason, f.exemption_code
       FROM jsonb_to_recordset(i.vat_breakdown) AS f(vat_category text, vat_rate numeric, net bigint, vat bigint,
                                                     gross bigint, vat_code text, exemption_reason text,
                                                     exemption_code text)
     UNION ALL
     SELECT l.vat_category, l.vat_rate, l.net, l.vat, l.gross, l.vat_code, l.exemption_reason, l.exemption_code
       FROM internal.invoice_vat_breakdown(i.tenant_id, ARRAY[i.id]) l WHERE i.vat_breakdown IS NULL) b;
GRANT SELECT ON api.invoice_vat_breakdown TO customer, staff;

CREATE VIEW api.invoice_lines WITH (security_invoker = true) AS
  SELECT id, tenant_id, invoice_id, position, description, quantity, unit_price, amount, vat_category, vat_rate,
         period_start, period_end, service_id, charge_kind
    FROM kassa.invoice_lines;
GRANT SELECT ON api.invoice_lines TO customer, staff;

-- The rules live in the internal functions (jobs, bridges and DBAs call them directly); each
-- api function takes the tenant (and actor) from the token, delegates and answers the row.
CREATE OR REPLACE FUNCTION internal.create_invoice(p_tenant_id uuid, p_customer_id uuid, p_notes text,
                                                   p_period_start date, p_period_end date, p_supplied_on date)
RETURNS kassa.invoices LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  made kassa.invoices;
BEGIN
  PERFORM internal.check_text(p_notes, 'notes', 4000, false);
  PERFORM internal.check_business_date(p_tenant_id, p_period_start, 'period_start');
  PERFORM internal.check_business_date(p_tenant_id, p_period_end, 'period_end');
  PERFORM internal.check_business_date(p_tenant_id, p_supplied_on, 'supplied_on');
  IF NOT EXISTS (SELECT FROM kassa.customers c WHERE c.tenant_id = p_tenant_id AND c.id = p_customer_id
                                                 AND c.status <> 'closed') THEN
    PERFORM internal.raise_error('P0I07',
      format('customer %s not found in this tenant or closed', p_customer_id));
  END IF;
  INSERT INTO kassa.invoices (tenant_id, customer_id, currency, prices_include_vat, notes, period_start, period_end,
                              supplied_on)
  SELECT p_tenant_id, p_customer_id, t.currency, t.prices_include_vat, coalesce(p_notes, ''),
         p_period_start, p_period_end, p_supplied_on
    FROM kassa.tenants t WHERE t.id = p_tenant_id
  RETURNING * INTO made;
  RETURN made;
END $$;

-- The invoice as the API answers it (the api row of a security definer RPC's result).
CREATE OR REPLACE FUNCTION internal.invoice_for_api(p_tenant_id uuid, p_invoice_id uuid)
RETURNS api.invoices LANGUAGE sql SET search_path = '' AS $$
  SELECT * FROM api.invoices i WHERE i.tenant_id = p_tenant_id AND i.id = p_invoice_id
$$;

CREATE OR REPLACE FUNCTION api.create_invoice(customer_id uuid, notes text DEFAULT '',
                                              period_start date DEFAULT NULL, period_end date DEFAULT NULL,
                                              supplied_on date DEFAULT NULL)
RETURNS api.invoices LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  tenant uuid := internal.jwt_tenant_id();
  made   kassa.invoices := internal.create_invoice(tenant, customer_id, notes, period_start, period_end, supplied_on);
BEGIN
  RETURN internal.invoice_for_api(tenant, made.id);
END $$;

-- The draft, locked, or a clear error.
CREATE OR REPLACE FUNCTION internal.draft_for_edit(p_tenant_id uuid, p_invoice_id uuid)
RETURNS kassa.invoices LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  inv kassa.invoices;
BEGIN
  SELECT * INTO inv FROM kassa.invoices i WHERE i.tenant_id = p_tenant_id AND i.id = p_invoice_id FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0I01', format('invoice %s not found in this tenant', p_invoice_id));
  END IF;
  IF inv.status <> 'draft' THEN
    PERFORM internal.raise_error('P0I02',
      format('invoice %s is %s and frozen: only drafts can be edited', inv.number, inv.status), NULL,
      'Correct a finalised invoice with a credit note (api.create_credit_note).');
  END IF;
  RETURN inv;
END $$;

CREATE OR REPLACE FUNCTION internal.add_invoice_line(p_tenant_id uuid, p_invoice_id uuid, p_description text,
                                                     p_unit_price bigint, p_quantity numeric, p_vat_category text,
                                                     p_period_start date, p_period_end date)
RETURNS kassa.invoice_lines LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  made kassa.invoice_lines;
BEGIN
  -- Before the insert: Infinity does not even fit the column (numeric field overflow).
  PERFORM internal.check_finite(p_quantity, 'quantity');
  PERFORM internal.check_business_date(p_tenant_id, p_period_start, 'period_start');
  PERFORM internal.check_business_date(p_tenant_id, p_period_end, 'period_end');
  PERFORM internal.draft_for_edit(p_tenant_id, p_invoice_id);
  INSERT INTO kassa.invoice_lines (tenant_id, invoice_id, position, description, quantity, unit_price,
                                   vat_category, period_start, period_end, charge_kind)
  SELECT p_tenant_id, p_invoice_id,
         coalesce((SELECT max(l.position) FROM kassa.invoice_lines l
                    WHERE l.tenant_id = p_tenant_id AND l.invoice_id = p_invoice_id), 0) + 1,
         p_description, p_quantity, p_unit_price, p_vat_category, p_period_start, p_period_end, 'manual'
  RETURNING * INTO made;
  PERFORM internal.refresh_invoice_totals(p_tenant_id, ARRAY[p_invoice_id]);
  RETURN made;
END $$;

CREATE OR REPLACE FUNCTION api.add_invoice_line(invoice_id uuid, description text, unit_price bigint,
                                                quantity numeric DEFAULT 1, vat_category text DEFAULT 'standard',
                                                period_start date DEFAULT NULL, period_end date DEFAULT NULL)
RETURNS api.invoice_lines LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  tenant  uuid := internal.jwt_tenant_id();
  line_id uuid := (internal.add_invoice_line(tenant, invoice_id, description, unit_price, quantity, vat_category,
                                             period_start, period_end)).id;
  made    api.invoice_lines;
BEGIN
  SELECT * INTO made FROM api.invoice_lines l WHERE l.tenant_id = tenant AND l.id = line_id;
  RETURN made;
END $$;

CREATE OR REPLACE FUNCTION internal.remove_invoice_line(p_tenant_id uuid, p_line_id uuid)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  invoice uuid;
BEGIN
  SELECT l.invoice_id INTO invoice FROM kassa.invoice_lines l WHERE l.tenant_id = p_tenant_id AND l.id = p_line_id;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0I09', format('invoice line %s not found in this tenant', p_line_id));
  END IF;
  PERFORM internal.draft_for_edit(p_tenant_id, invoice);
  DELETE FROM kassa.invoice_lines l WHERE l.tenant_id = p_tenant_id AND l.id = p_line_id;
  PERFORM internal.refresh_invoice_totals(p_tenant_id, ARRAY[invoice]);
END $$;

CREATE OR REPLACE FUNCTION api.remove_invoice_line(line_id uuid)
RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.remove_invoice_line(internal.jwt_tenant_id(), line_id)
$$;

-- Default dates (issued_on, statement "to") are NULL in the signature and mean the tenant's
-- today (internal.tenant_today), not current_date: the session's day is UTC.
-- A request_id makes a retry safe (060_request_results.sql): a retried finalise or void answers
-- the invoice as it is now, a retried credit note the note it made, instead of an error.
CREATE OR REPLACE FUNCTION api.finalise_invoice(invoice_id uuid, issued_on date DEFAULT NULL, request_id text DEFAULT NULL)
RETURNS api.invoices LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  tenant uuid := internal.jwt_tenant_id();
  call   jsonb := jsonb_build_object('invoice_id', invoice_id, 'issued_on', issued_on);
BEGIN
  IF internal.replayed(tenant, request_id, 'finalise_invoice', call) IS NULL THEN
    PERFORM internal.check_business_date(tenant, finalise_invoice.issued_on, 'issued_on');
    PERFORM internal.finalise_invoices(tenant, ARRAY[finalise_invoice.invoice_id],
                                       coalesce(finalise_invoice.issued_on, internal.tenant_today(tenant)));
    PERFORM internal.remember(tenant, request_id, 'finalise_invoice', call, to_jsonb(finalise_invoice.invoice_id));
  END IF;
  RETURN internal.invoice_for_api(tenant, finalise_invoice.invoice_id);
END $$;

-- Void: a draft simply becomes void (the reason goes into its notes); a finalised invoice
-- with no payment on it is cancelled by a credit note for whatever is still uncredited
-- (settlement balance), which voids it. Credit notes already on it are not payments. An
-- invoice of zero has nothing to credit: it only changes its status (the audit log keeps who).
CREATE OR REPLACE FUNCTION internal.void_invoice(p_tenant_id uuid, p_invoice_id uuid, p_reason text, p_issued_on date)
RETURNS kassa.invoices LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  inv kassa.invoices;
BEGIN
  IF internal.is_blank(p_reason) THEN
    PERFORM internal.raise_error('P0I11', 'a reason is required to void an invoice');
  END IF;
  PERFORM internal.check_text(p_reason, 'reason', 500, false);
  PERFORM internal.check_business_date(p_tenant_id, p_issued_on, 'issued_on');
  SELECT * INTO inv FROM kassa.invoices i WHERE i.tenant_id = p_tenant_id AND i.id = p_invoice_id;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0I01', format('invoice %s not found in this tenant', p_invoice_id));
  END IF;
  -- Locked (account, then invoice: the order of payments) before the checks, so no payment
  -- can land between the check and the cancelling credit note.
  PERFORM 1 FROM kassa.billing_accounts a WHERE a.tenant_id = p_tenant_id AND a.customer_id = inv.customer_id FOR UPDATE;
  SELECT * INTO inv FROM kassa.invoices i WHERE i.tenant_id = p_tenant_id AND i.id = inv.id FOR UPDATE;
  IF inv.status = 'void' THEN
    PERFORM internal.raise_error('P0I17',
      format('invoice %s is already void', coalesce(inv.number, 'draft ' || inv.id)));
  ELSIF inv.status = 'draft' THEN
    UPDATE kassa.invoices i SET status = 'void', notes = p_reason WHERE i.tenant_id = p_tenant_id AND i.id = inv.id;
  ELSIF inv.amount_paid > 0 THEN
    PERFORM internal.raise_error('P0I08',
      format('invoice %s has %s paid on it: only an invoice without payments can be voided', inv.number, inv.amount_paid),
      NULL, 'Issue a credit note (api.create_credit_note) with settlement balance or refund instead.');
  ELSIF inv.total = 0 THEN
    UPDATE kassa.invoices i SET status = 'void' WHERE i.tenant_id = p_tenant_id AND i.id = inv.id;
  ELSE
    PERFORM internal.create_credit_note(p_tenant_id, inv.id, p_reason, 'balance', NULL, p_issued_on);
  END IF;
  SELECT * INTO inv FROM kassa.invoices i WHERE i.tenant_id = p_tenant_id AND i.id = inv.id;
  RETURN inv;
END $$;

CREATE OR REPLACE FUNCTION api.void_invoice(invoice_id uuid, reason text, issued_on date DEFAULT NULL,
                                            request_id text DEFAULT NULL)
RETURNS api.invoices LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  tenant uuid := internal.jwt_tenant_id();
  call   jsonb := jsonb_build_object('invoice_id', invoice_id, 'reason', reason, 'issued_on', issued_on);
BEGIN
  IF internal.replayed(tenant, request_id, 'void_invoice', call) IS NULL THEN
    PERFORM internal.void_invoice(tenant, void_invoice.invoice_id, reason,
                                  coalesce(void_invoice.issued_on, internal.tenant_today(tenant)));
    PERFORM internal.remember(tenant, request_id, 'void_invoice', call, to_jsonb(void_invoice.invoice_id));
  END IF;
  RETURN internal.invoice_for_api(tenant, void_invoice.invoice_id);
END $$;

GRANT EXECUTE ON FUNCTION api.create_invoice(uuid, text, date, date, date),
  api.add_invoice_line(uuid, text, bigint, numeric, text, date, date), api.remove_invoice_line(uuid),
  api.finalise_invoice(uuid, date, text), api.void_invoice(uuid, text, date, text) TO staff;
