-- Credit notes: corrections of a finalised invoice, in their own gapless series.
--
-- A credit note credits amounts of the invoice's lines (in the invoice's basis: gross when the
-- invoice's prices include VAT, net otherwise), never more than what each line still has
-- uncredited. VAT per category and rate follows the invoice rule (summed amount, rounded once
-- half away from zero), cumulatively: a note's VAT at a category and rate is the VAT of all
-- credited there so far minus the VAT of what earlier notes credited, so a series of partial
-- credit notes sums exactly to the invoice and no note carries more VAT than was invoiced.
-- Each note keeps that breakdown (kassa.credit_note_vat_totals, with the VAT codes and exemption
-- reasons of its invoice as issued), the parties as they were, and the number and date of the
-- invoice it corrects.
-- A note is dated on or after its invoice, and keeps its series in date order (P0I13/P0I14).
--
-- Settlement:
--   balance  the credit first reduces what is still due on the invoice (amount_credited up);
--            any rest releases money already paid on it (amount_paid down by the rest), which
--            then stays on the customer's balance and settles other open invoices. Ledger:
--            one 'credit_note' entry of +total.
--   refund   the money paid on the invoice goes back to the customer: needs total <= amount_paid;
--            amount_credited up, amount_paid down by the total. Ledger: 'credit_note' +total and
--            'refund' -total (net zero): the credit note itself records the pay-out, made by
--            staff outside any gateway (cash, EFT). To give back a card payment, credit to the
--            balance and refund the payment at the gateway (bridge POST /refunds), which takes
--            the money off the balance; doing both for the same money would pay it out twice.
--   write_off  the amount due that will not be collected (db/functions/375_write_offs.sql): settles
--            like balance, and the invoice is then written_off, a final state.
-- Status afterwards: written_off after a write-off, void when fully credited, paid when nothing is due, otherwise unchanged
-- (partially_paid when something was settled).

-- Per invoice line, what credit notes already took.
CREATE OR REPLACE FUNCTION internal.credited_per_line(p_tenant_id uuid, p_invoice_id uuid)
RETURNS TABLE (invoice_line_id uuid, vat_category text, vat_rate numeric, amount bigint, credited bigint)
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT l.id, l.vat_category, l.vat_rate, l.amount, coalesce(sum(cl.amount), 0)::bigint
    FROM kassa.invoice_lines l
    LEFT JOIN kassa.credit_note_lines cl ON cl.tenant_id = l.tenant_id AND cl.invoice_line_id = l.id
   WHERE l.tenant_id = p_tenant_id AND l.invoice_id = p_invoice_id
   GROUP BY l.id, l.vat_category, l.vat_rate, l.amount
$$;

-- Crediting, step 1: the invoice, locked (account first, then the invoice: the lock order of
-- postings and allocations), if it can take a credit note of that date and settlement.
CREATE OR REPLACE FUNCTION internal.lock_invoice_to_credit(p_tenant_id uuid, p_invoice_id uuid, p_settlement text,
                                                           p_issued_on date)
RETURNS kassa.invoices LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  inv kassa.invoices;
BEGIN
  SELECT i.* INTO inv FROM kassa.invoices i WHERE i.tenant_id = p_tenant_id AND i.id = p_invoice_id;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0I01', format('invoice %s not found in this tenant', p_invoice_id));
  END IF;
  PERFORM 1 FROM kassa.billing_accounts a WHERE a.tenant_id = p_tenant_id AND a.customer_id = inv.customer_id FOR UPDATE;
  SELECT i.* INTO inv FROM kassa.invoices i WHERE i.tenant_id = p_tenant_id AND i.id = p_invoice_id FOR UPDATE;

  IF inv.status NOT IN ('finalised', 'partially_paid', 'paid', 'overdue') THEN
    PERFORM internal.raise_error('P0N01',
      format('invoice %s is %s: only finalised invoices can be credited', coalesce(inv.number, inv.id::text), inv.status), NULL,
      'Edit or void a draft directly; a void invoice is already fully credited, a written-off one final.');
  END IF;
  IF p_issued_on IS NULL THEN
    PERFORM internal.raise_error('P0I10', 'an issue date is required to issue a credit note');
  ELSIF p_issued_on < inv.issued_on THEN
    PERFORM internal.raise_error('P0I16',
      format('credit note date %s is before %s, the issue date of invoice %s', p_issued_on, inv.issued_on, inv.number),
      NULL, 'Date the credit note on or after its invoice.');
  END IF;
  IF p_settlement IS NULL OR p_settlement NOT IN ('balance', 'refund', 'write_off') THEN
    PERFORM internal.raise_error('P0N07',
      format('settlement must be ''balance'' or ''refund'', not %s', coalesce(p_settlement, 'null')));
  END IF;
  RETURN inv;
END $$;

-- Crediting, step 2: the lines to credit, as [{"invoice_line_id", "amount"}]: those asked for,
-- checked, or (p_lines null) whatever each line still has uncredited. A credit has the sign of
-- its line: positive for a charge, negative for a discount or a pro-rata credit line
-- (crediting that gives the deduction back).
CREATE OR REPLACE FUNCTION internal.credit_note_request(p_invoice kassa.invoices, p_lines jsonb)
RETURNS jsonb
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  req     jsonb := p_lines;
  problem record;
BEGIN
  IF req IS NULL THEN  -- in full: whatever each line still has uncredited
    SELECT jsonb_agg(jsonb_build_object('invoice_line_id', c.invoice_line_id, 'amount', c.amount - c.credited))
      INTO req FROM internal.credited_per_line(p_invoice.tenant_id, p_invoice.id) c WHERE c.amount - c.credited <> 0;
    IF req IS NULL THEN
      PERFORM internal.raise_error('P0N06', format('invoice %s has nothing left to credit', p_invoice.number));
    END IF;
  ELSIF jsonb_typeof(req) <> 'array' OR jsonb_array_length(req) = 0
        OR EXISTS (SELECT FROM jsonb_array_elements(req) e WHERE jsonb_typeof(e) <> 'object') THEN
    PERFORM internal.raise_error('P0N04',
      'lines must be a non-empty array of {"invoice_line_id": ..., "amount": ...}', NULL,
      'Pass null to credit the whole invoice.');
  END IF;

  SELECT r.invoice_line_id, r.amount, c.invoice_line_id AS known, c.amount AS line_amount,
         count(*) OVER (PARTITION BY r.invoice_line_id) AS times INTO problem
    FROM jsonb_to_recordset(req) AS r(invoice_line_id uuid, amount bigint)
    LEFT JOIN internal.credited_per_line(p_invoice.tenant_id, p_invoice.id) c USING (invoice_line_id)
   ORDER BY (r.invoice_line_id IS NULL OR r.amount IS NULL OR r.amount = 0 OR c.invoice_line_id IS NULL
             OR sign(r.amount) <> sign(c.amount)) DESC,
            count(*) OVER (PARTITION BY r.invoice_line_id) DESC
   LIMIT 1;
  IF problem.invoice_line_id IS NULL OR problem.amount IS NULL OR problem.amount = 0 THEN
    PERFORM internal.raise_error('P0N04',
      'every credited line needs an invoice_line_id and a positive amount in minor units');
  ELSIF problem.known IS NULL THEN
    PERFORM internal.raise_error('P0N04',
      format('line %s is not a line of invoice %s', problem.invoice_line_id, p_invoice.number));
  ELSIF sign(problem.amount) <> sign(problem.line_amount) THEN
    PERFORM internal.raise_error('P0N04',
      format('credit of %s on line %s has the wrong sign: the line is %s', problem.amount,
             problem.invoice_line_id, problem.line_amount));
  ELSIF problem.times > 1 THEN
    PERFORM internal.raise_error('P0N04', format('line %s is named more than once', problem.invoice_line_id));
  END IF;

  SELECT r.invoice_line_id, r.amount, c.amount - c.credited AS creditable INTO problem
    FROM jsonb_to_recordset(req) AS r(invoice_line_id uuid, amount bigint)
    JOIN internal.credited_per_line(p_invoice.tenant_id, p_invoice.id) c USING (invoice_line_id)
   WHERE abs(r.amount) > abs(c.amount - c.credited) LIMIT 1;
  IF FOUND THEN
    PERFORM internal.raise_error('P0N02',
      format('credit of %s on line %s exceeds what is still creditable there (%s)', problem.amount,
             problem.invoice_line_id, problem.creditable));
  END IF;
  RETURN req;
END $$;

-- Crediting, step 3: VAT per category and rate, rounded cumulatively: this note takes the VAT
-- of everything credited there so far, less the VAT of what earlier notes credited. Each
-- note's VAT is then never negative, and a series of partial notes sums exactly to the
-- invoice's VAT there. One {vat_category, vat_rate, net, vat, gross} per category and rate.
CREATE OR REPLACE FUNCTION internal.credit_note_vat(p_invoice kassa.invoices, p_request jsonb)
RETURNS jsonb
LANGUAGE sql STABLE SET search_path = '' AS $$
  WITH lines AS (
    SELECT c.vat_category, c.vat_rate, sum(c.credited) AS credited_before, coalesce(sum(r.amount), 0) AS crediting
      FROM internal.credited_per_line(p_invoice.tenant_id, p_invoice.id) c
      LEFT JOIN jsonb_to_recordset(p_request) AS r(invoice_line_id uuid, amount bigint) USING (invoice_line_id)
     GROUP BY c.vat_category, c.vat_rate
  ), rated AS (
    SELECT l.vat_category, l.vat_rate, l.crediting AS amount,
           internal.vat_of(l.credited_before + l.crediting, l.vat_rate, p_invoice.prices_include_vat)
           - internal.vat_of(l.credited_before, l.vat_rate, p_invoice.prices_include_vat) AS vat
      FROM lines l
     WHERE l.crediting <> 0
  )
  SELECT jsonb_agg(jsonb_build_object(
           'vat_category', vat_category, 'vat_rate', vat_rate,
           'net', CASE WHEN p_invoice.prices_include_vat THEN amount - vat ELSE amount END, 'vat', vat,
           'gross', CASE WHEN p_invoice.prices_include_vat THEN amount ELSE amount + vat END))
    FROM rated
$$;

-- Crediting, step 4: the note itself, if its total fits what is still creditable (and, for a
-- refund, what was paid): numbered in its series, with its VAT breakdown and its lines.
CREATE OR REPLACE FUNCTION internal.write_credit_note(p_invoice kassa.invoices, p_reason text, p_settlement text,
                                                      p_issued_on date, p_request jsonb, p_vat jsonb)
RETURNS kassa.credit_notes
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  note kassa.credit_notes;
BEGIN
  SELECT sum(b.net), sum(b.vat), sum(b.gross) INTO note.net_total, note.vat_total, note.total
    FROM jsonb_to_recordset(p_vat) AS b(net bigint, vat bigint, gross bigint);
  IF note.total > p_invoice.total - p_invoice.amount_credited OR note.total <= 0 THEN
    PERFORM internal.raise_error('P0N03',
      format('credit note total %s exceeds what is still creditable on invoice %s (%s)', note.total, p_invoice.number,
             p_invoice.total - p_invoice.amount_credited), NULL,
      'Credit less, or credit single lines.');
  END IF;
  IF p_settlement = 'refund' AND note.total > p_invoice.amount_paid THEN
    PERFORM internal.raise_error('P0N05',
      format('cannot refund %s on invoice %s: only %s was paid on it', note.total, p_invoice.number,
             p_invoice.amount_paid), NULL,
      'Use settlement ''balance'' to credit what is not paid.');
  END IF;

  INSERT INTO kassa.credit_notes (tenant_id, invoice_id, customer_id, number, reason, settlement, currency,
                                  issued_on, net_total, vat_total, total, supplier, recipient, invoice_number,
                                  invoice_issued_on)
  SELECT p_invoice.tenant_id, p_invoice.id, p_invoice.customer_id,
         internal.format_number(t.credit_note_number_format, extract(year FROM p_issued_on)::int,
                                internal.next_number(t.id, 'credit_note', extract(year FROM p_issued_on)::int)),
         p_reason, p_settlement, p_invoice.currency, p_issued_on, note.net_total, note.vat_total, note.total,
         internal.supplier_snapshot(t.id), internal.recipient_snapshot(t.id, p_invoice.customer_id, p_invoice.buyer_reference),
         p_invoice.number, p_invoice.issued_on
    FROM kassa.tenants t WHERE t.id = p_invoice.tenant_id
  RETURNING * INTO note;
  -- Numbered, so the series' counter row is locked: earlier notes of the series are seen.
  PERFORM internal.check_issue_date(note.tenant_id, 'credit_note', p_issued_on);

  INSERT INTO kassa.credit_note_vat_totals (tenant_id, credit_note_id, vat_category, vat_rate, net, vat, gross,
                                            vat_code, exemption_reason, exemption_code)
  SELECT note.tenant_id, note.id, b.vat_category, b.vat_rate, b.net, b.vat, b.gross,
         f.vat_code, f.exemption_reason, f.exemption_code
    FROM jsonb_to_recordset(p_vat) AS b(vat_category text, vat_rate numeric, net bigint, vat bigint, gross bigint)
    LEFT JOIN jsonb_to_recordset(p_invoice.vat_breakdown)
           AS f(vat_category text, vat_rate numeric, vat_code text, exemption_reason text, exemption_code text)
           ON f.vat_category = b.vat_category AND f.vat_rate = b.vat_rate;

  INSERT INTO kassa.credit_note_lines (tenant_id, credit_note_id, invoice_line_id, description, amount, vat_rate)
  SELECT note.tenant_id, note.id, l.id, l.description, r.amount, l.vat_rate
    FROM jsonb_to_recordset(p_request) AS r(invoice_line_id uuid, amount bigint)
    JOIN kassa.invoice_lines l ON l.tenant_id = note.tenant_id AND l.id = r.invoice_line_id;
  RETURN note;
END $$;

-- Crediting, step 5: the settlement (see the top of this file): the invoice's amounts and
-- status, the allocation of what reduces its amount due, the ledger, a released payment
-- settling the customer's other open invoices, and the event credit_note_issued.
CREATE OR REPLACE FUNCTION internal.settle_credit_note(p_invoice kassa.invoices, p_note kassa.credit_notes)
RETURNS void
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  applied  bigint := CASE WHEN p_note.settlement = 'refund' THEN 0 ELSE least(p_note.total, p_invoice.amount_due) END;
  released bigint := p_note.total - applied;
BEGIN
  UPDATE kassa.invoices i
     SET amount_credited = i.amount_credited + p_note.total,
         amount_paid = i.amount_paid - released,
         status = CASE WHEN p_note.settlement = 'write_off' THEN 'written_off'
                       WHEN i.amount_credited + p_note.total = i.total THEN 'void'
                       WHEN i.amount_due - applied = 0 THEN 'paid'
                       WHEN i.status = 'finalised' AND applied > 0 THEN 'partially_paid'
                       ELSE i.status END
   WHERE i.tenant_id = p_invoice.tenant_id AND i.id = p_invoice.id;
  IF applied > 0 THEN
    INSERT INTO kassa.invoice_allocations (tenant_id, invoice_id, customer_id, amount, source_type, source_id)
    VALUES (p_invoice.tenant_id, p_invoice.id, p_invoice.customer_id, applied, 'credit_note', p_note.id::text);
  END IF;

  PERFORM internal.post_entries(jsonb_build_array(
    jsonb_build_object('tenant_id', p_invoice.tenant_id, 'customer_id', p_invoice.customer_id, 'kind', 'credit_note',
                       'amount', p_note.total, 'source_type', 'credit_note', 'source_id', p_note.id,
                       'description', format(CASE WHEN p_note.settlement = 'write_off' THEN 'Write-off %s of invoice %s'
                                                  ELSE 'Credit note %s for invoice %s' END, p_note.number, p_invoice.number))
    ) || CASE WHEN p_note.settlement = 'refund' THEN jsonb_build_array(
    jsonb_build_object('tenant_id', p_invoice.tenant_id, 'customer_id', p_invoice.customer_id, 'kind', 'refund',
                       'amount', -p_note.total, 'source_type', 'credit_note', 'source_id', p_note.id,
                       'description', format('Refund of credit note %s', p_note.number))) ELSE '[]'::jsonb END);

  IF released > 0 AND p_note.settlement = 'balance' THEN
    PERFORM internal.allocate_credit(p_invoice.tenant_id, ARRAY[p_invoice.customer_id]);
  END IF;
  PERFORM internal.emit(p_invoice.tenant_id, p_invoice.customer_id, 'credit_note_issued',
    jsonb_build_object('credit_note_id', p_note.id, 'credit_note_number', p_note.number, 'settlement', p_note.settlement,
                       'total', p_note.total, 'currency', p_note.currency, 'issued_on', p_note.issued_on,
                       'reason', p_note.reason, 'invoice_id', i.id, 'invoice_number', i.number,
                       'invoice_amount_due', i.amount_due))
     FROM kassa.invoices i WHERE i.tenant_id = p_invoice.tenant_id AND i.id = p_invoice.id;
END $$;

CREATE OR REPLACE FUNCTION internal.create_credit_note(
  p_tenant_id uuid, p_invoice_id uuid, p_reason text, p_settlement text, p_lines jsonb, p_issued_on date)
RETURNS kassa.credit_notes
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  inv     kassa.invoices;
  request jsonb;
  note    kassa.credit_notes;
BEGIN
  PERFORM internal.check_text(p_reason, 'reason', 500);
  IF p_settlement = 'write_off' THEN  -- a write-off takes the amount due, not lines (375_write_offs.sql)
    PERFORM internal.raise_error('P0N07', 'settlement must be ''balance'' or ''refund'', not write_off', NULL,
      'Write off what is due with api.write_off_invoice.');
  END IF;
  inv := internal.lock_invoice_to_credit(p_tenant_id, p_invoice_id, p_settlement, p_issued_on);
  request := internal.credit_note_request(inv, p_lines);
  note := internal.write_credit_note(inv, p_reason, p_settlement, p_issued_on, request,
                                     internal.credit_note_vat(inv, request));
  PERFORM internal.settle_credit_note(inv, note);
  RETURN note;
END $$;

SELECT internal.audit_table('kassa.credit_notes', 'tenant_id', 'id');
SELECT internal.audit_table('kassa.credit_note_lines', 'tenant_id', 'id');
SELECT internal.audit_table('kassa.credit_note_vat_totals', 'tenant_id', 'credit_note_id', 'vat_category', 'vat_rate');

-- Credit notes are documents: never changed or removed once written.
CREATE OR REPLACE FUNCTION internal.refuse_credit_note_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  PERFORM internal.raise_error('P0N08', 'credit notes are final', NULL,
      'Issue a new document instead of changing an issued one.');
  RETURN NULL;  -- not reached: raise_error always raises
END $$;
CREATE OR REPLACE TRIGGER final BEFORE UPDATE OR DELETE ON kassa.credit_notes
  FOR EACH ROW EXECUTE FUNCTION internal.refuse_credit_note_change();
CREATE OR REPLACE TRIGGER final BEFORE UPDATE OR DELETE ON kassa.credit_note_lines
  FOR EACH ROW EXECUTE FUNCTION internal.refuse_credit_note_change();
CREATE OR REPLACE TRIGGER final BEFORE UPDATE OR DELETE ON kassa.credit_note_vat_totals
  FOR EACH ROW EXECUTE FUNCTION internal.refuse_credit_note_change();

-- Row-level security, the API's views and the staff RPC of credit notes.
SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(),
                      'kassa.credit_notes', 'kassa.credit_note_lines', 'kassa.credit_note_vat_totals');
SELECT internal.allow('customer', 'SELECT', internal.own_rows(), 'kassa.credit_notes');
SELECT internal.allow('customer', 'SELECT', internal.rows_of_visible('kassa.credit_note_lines', 'kassa.credit_notes', 'credit_note_id'),
                      'kassa.credit_note_lines');
SELECT internal.allow('customer', 'SELECT', internal.rows_of_visible('kassa.credit_note_vat_totals', 'kassa.credit_notes', 'credit_note_id'),
                      'kassa.credit_note_vat_totals');
GRANT SELECT ON kassa.credit_notes, kassa.credit_note_lines, kassa.credit_note_vat_totals TO customer, staff;

CREATE VIEW api.credit_notes WITH (security_invoker = true) AS
  SELECT id, tenant_id, invoice_id, customer_id, number, reason, settlement, currency, issued_on, net_total,
         vat_total, total, created_at, supplier, recipient, invoice_number, invoice_issued_on
    FROM kassa.credit_notes;
GRANT SELECT ON api.credit_notes TO customer, staff;

CREATE VIEW api.credit_note_vat_breakdown WITH (security_invoker = true) AS
  SELECT tenant_id, credit_note_id, vat_category, vat_rate, net, vat, gross, vat_code, exemption_reason, exemption_code
    FROM kassa.credit_note_vat_totals;
GRANT SELECT ON api.credit_note_vat_breakdown TO customer, staff;

CREATE VIEW api.credit_note_lines WITH (security_invoker = true) AS
  SELECT id, tenant_id, credit_note_id, invoice_line_id, description, amount, vat_rate
    FROM kassa.credit_note_lines;
GRANT SELECT ON api.credit_note_lines TO customer, staff;

-- The RPCs that issue a credit note (create_credit_note, and write_off_invoice of
-- 375_write_offs.sql), for the tenant in the token: a request id answered before answers the
-- same note again; otherwise the note is issued, dated the tenant's today unless p_issued_on
-- says otherwise.
CREATE OR REPLACE FUNCTION internal.credit_note_once(p_operation text, p_request_id text, p_invoice_id uuid,
                                                     p_reason text, p_settlement text, p_lines jsonb, p_issued_on date)
RETURNS api.credit_notes LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  tenant  uuid := internal.jwt_tenant_id();
  call    jsonb := jsonb_build_object('invoice_id', p_invoice_id, 'reason', p_reason, 'issued_on', p_issued_on)
                   || CASE WHEN p_operation = 'create_credit_note'
                           THEN jsonb_build_object('settlement', p_settlement, 'lines', p_lines) ELSE '{}' END;
  note_id uuid := internal.replayed(tenant, p_request_id, p_operation, call) #>> '{}';
  issued_on constant date := coalesce(p_issued_on, internal.tenant_today(tenant));
  made    api.credit_notes;
BEGIN
  IF note_id IS NULL THEN
    PERFORM internal.check_business_date(tenant, p_issued_on, 'issued_on');
    note_id := CASE p_operation
                 WHEN 'write_off_invoice' THEN (internal.write_off_invoice(tenant, p_invoice_id, p_reason, issued_on)).id
                 ELSE (internal.create_credit_note(tenant, p_invoice_id, p_reason, p_settlement, p_lines, issued_on)).id
               END;
    PERFORM internal.remember(tenant, p_request_id, p_operation, call, to_jsonb(note_id));
  END IF;
  SELECT * INTO made FROM api.credit_notes n WHERE n.tenant_id = tenant AND n.id = note_id;
  RETURN made;
END $$;

CREATE OR REPLACE FUNCTION api.create_credit_note(invoice_id uuid, reason text, settlement text DEFAULT 'balance',
                                                  lines jsonb DEFAULT NULL, issued_on date DEFAULT NULL,
                                                  request_id text DEFAULT NULL)
RETURNS api.credit_notes LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.credit_note_once('create_credit_note', request_id, invoice_id, reason, settlement, lines, issued_on)
$$;

GRANT EXECUTE ON FUNCTION api.create_credit_note(uuid, text, text, jsonb, date, text) TO staff;
