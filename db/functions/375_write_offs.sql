-- Write-offs: staff give up collecting what an invoice still has due (docs/billing.md,
-- "Write-offs and the VAT correction"). A write-off is a credit note of settlement write_off for
-- exactly the invoice's amount due now — not the whole invoice when part of it is paid — and
-- the invoice is written_off afterwards, a final state like void: nothing is due on it, no
-- payment settles it, dunning and the invoice run pass it by, no later note credits it.
--
-- The amount due is spread over the VAT categories and rates in proportion to what each still
-- has uncredited (gross), by largest remainder, so the parts sum exactly to the amount due.
-- A rate's VAT is the VAT share of its written-off gross amount, amount x rate / (100 + rate)
-- rounded half away from zero — the correction bad-debt relief (ZA) and §17 UStG (DE) allow —
-- kept within what is still uncredited there; a rate written off whole takes exactly its
-- remaining VAT, so an invoice's notes always sum to its VAT. The net is the rest. Because VAT
-- follows from the gross amount, even a net-basis invoice is written off to the minor unit (net
-- + VAT = amount due): rounding the VAT of a chosen net could miss by one unit, this cannot.
-- Within a rate the amount (gross or net: the invoice's basis) is spread over its lines in
-- proportion to what each has uncredited, again by largest remainder.

-- p_amount split in proportion to p_weights (their sum not zero) by largest remainder: the
-- parts sum exactly to p_amount; equal remainders go to the earlier weight.
CREATE OR REPLACE FUNCTION internal.spread_in_proportion(p_amount bigint, p_weights bigint[])
RETURNS bigint[] LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  WITH weighted AS (  -- each part is p_amount * weight / total, with a positive divisor
    SELECT u.n, p_amount::numeric * u.weight * sign(t.total) AS dividend, abs(t.total) AS divisor
      FROM unnest(p_weights) WITH ORDINALITY AS u(weight, n), (SELECT sum(w) AS total FROM unnest(p_weights) w) t
  ), floored AS (
    SELECT w.n, mod(mod(w.dividend, w.divisor) + w.divisor, w.divisor) AS remainder, w.dividend, w.divisor
      FROM weighted w
  ), ranked AS (
    SELECT f.n, (f.dividend - f.remainder) / f.divisor AS part,
           row_number() OVER (ORDER BY f.remainder DESC, f.n) AS place,
           p_amount - sum((f.dividend - f.remainder) / f.divisor) OVER () AS units_left
      FROM floored f
  )
  SELECT array_agg((r.part + CASE WHEN r.place <= r.units_left THEN 1 ELSE 0 END)::bigint ORDER BY r.n) FROM ranked r
$$;

-- The write-off's VAT breakdown, one {vat_category, vat_rate, net, vat, gross} per rate it
-- touches: the invoice's amount due shared out as the top of this file says.
CREATE OR REPLACE FUNCTION internal.write_off_vat(p_invoice kassa.invoices) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = '' AS $$
  WITH uncredited AS (
    SELECT c.vat_category, c.vat_rate, sum(c.amount - c.credited) AS amount,
           internal.vat_of(sum(c.amount), c.vat_rate, p_invoice.prices_include_vat)
           - internal.vat_of(sum(c.credited), c.vat_rate, p_invoice.prices_include_vat) AS vat
      FROM internal.credited_per_line(p_invoice.tenant_id, p_invoice.id) c
     GROUP BY c.vat_category, c.vat_rate
  ), open_rate AS (
    SELECT u.vat_category, u.vat_rate, u.vat AS vat_left,
           CASE WHEN p_invoice.prices_include_vat THEN u.amount ELSE u.amount + u.vat END AS gross_left,
           row_number() OVER (ORDER BY u.vat_category, u.vat_rate) AS n
      FROM uncredited u
  ), shared AS (
    SELECT o.*, sign(o.gross_left) AS direction,
           (internal.spread_in_proportion(p_invoice.amount_due,
                                          ARRAY(SELECT x.gross_left::bigint FROM open_rate x ORDER BY x.n)))[o.n] AS gross
      FROM open_rate o
  ), rated AS (
    -- Within bounds: VAT no more than is left at the rate, net no more than is left there.
    SELECT s.*, CASE WHEN s.gross = s.gross_left THEN s.vat_left
                     ELSE s.direction * least(greatest(s.direction * internal.vat_of(s.gross, s.vat_rate, true),
                                                       s.direction * (s.gross - (s.gross_left - s.vat_left))),
                                              s.direction * s.vat_left) END AS vat
      FROM shared s WHERE s.gross <> 0
  )
  SELECT jsonb_agg(jsonb_build_object('vat_category', r.vat_category, 'vat_rate', r.vat_rate,
                                      'net', r.gross - r.vat, 'vat', r.vat, 'gross', r.gross) ORDER BY r.n)
    FROM rated r
$$;

-- The write-off's lines, as [{"invoice_line_id", "amount"}]: each rate's amount in the
-- invoice's basis (gross or net) spread over that rate's lines in proportion to what each has
-- uncredited.
CREATE OR REPLACE FUNCTION internal.write_off_lines(p_invoice kassa.invoices, p_vat jsonb) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = '' AS $$
  WITH open_line AS (
    SELECT c.invoice_line_id, c.vat_category, c.vat_rate, c.amount - c.credited AS uncredited,
           row_number() OVER (PARTITION BY c.vat_category, c.vat_rate ORDER BY l.position, l.id) AS n
      FROM internal.credited_per_line(p_invoice.tenant_id, p_invoice.id) c
      JOIN kassa.invoice_lines l ON l.tenant_id = p_invoice.tenant_id AND l.id = c.invoice_line_id
  ), rate AS (
    SELECT r.vat_category, r.vat_rate, CASE WHEN p_invoice.prices_include_vat THEN r.gross ELSE r.net END AS amount
      FROM jsonb_to_recordset(p_vat) AS r(vat_category text, vat_rate numeric, net bigint, gross bigint)
  ), shared AS (
    SELECT o.invoice_line_id, o.n,
           (internal.spread_in_proportion(r.amount::bigint,
              ARRAY(SELECT x.uncredited::bigint FROM open_line x
                     WHERE x.vat_category = o.vat_category AND x.vat_rate = o.vat_rate ORDER BY x.n)))[o.n] AS amount
      FROM open_line o JOIN rate r ON r.vat_category = o.vat_category AND r.vat_rate = o.vat_rate
     WHERE r.amount <> 0
  )
  SELECT jsonb_agg(jsonb_build_object('invoice_line_id', s.invoice_line_id, 'amount', s.amount)) FROM shared s
   WHERE s.amount <> 0
$$;

-- The write-off of an invoice: locked as for any credit note, refused when nothing is due.
CREATE OR REPLACE FUNCTION internal.write_off_invoice(p_tenant_id uuid, p_invoice_id uuid, p_reason text, p_issued_on date)
RETURNS kassa.credit_notes LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  inv     kassa.invoices;
  vat     jsonb;
  request jsonb;
  note    kassa.credit_notes;
BEGIN
  PERFORM internal.check_text(p_reason, 'reason', 500);
  inv := internal.lock_invoice_to_credit(p_tenant_id, p_invoice_id, 'write_off', p_issued_on);
  IF inv.amount_due <= 0 THEN
    PERFORM internal.raise_error('P0N09', format('invoice %s has nothing due to write off', inv.number), NULL,
      'A settled invoice is corrected with a credit note (api.create_credit_note).');
  END IF;
  vat := internal.write_off_vat(inv);
  -- The checks every credit note's lines pass: within what each line has uncredited.
  request := internal.credit_note_request(inv, internal.write_off_lines(inv, vat));
  note := internal.write_credit_note(inv, p_reason, 'write_off', p_issued_on, request, vat);
  PERFORM internal.settle_credit_note(inv, note);
  RETURN note;
END $$;

-- Staff RPC: write off what is due on an invoice, dated issued_on (the tenant's today by default).
CREATE OR REPLACE FUNCTION api.write_off_invoice(invoice_id uuid, reason text, issued_on date DEFAULT NULL,
                                                 request_id text DEFAULT NULL)
RETURNS api.credit_notes LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.credit_note_once('write_off_invoice', request_id, invoice_id, reason, NULL, NULL, issued_on)
$$;

GRANT EXECUTE ON FUNCTION api.write_off_invoice(uuid, text, date, text) TO staff;
