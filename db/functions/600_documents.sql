-- Documents (docs/documents.md): what the document worker (bridge/document_worker.py) renders
-- an issued document from, and the PDFs it rendered, each kept once with its SHA-256.
--
-- An invoice or credit note is rendered from what was frozen with it at issue (its supplier
-- and recipient snapshots, its lines, its VAT breakdown), so a rendering today shows what the
-- document said the day it was issued. A top-up receipt has no snapshot: its first rendering,
-- kept here, is what freezes it. Statements are not kept: a period's account is rendered on
-- demand from the ledger.
--
-- South Africa (s20(3) and s21(3) VAT Act): one tax invoice or credit note per supply; every
-- later delivery is a copy marked "Copy". The first rendering is the original; once it is kept,
-- the document to serve is the copy, itself rendered once and kept. Germany knows no such rule:
-- every delivery is the original, unchanged.

-- The stored documents are append-only: a document sent is the document kept.
CREATE OR REPLACE FUNCTION internal.refuse_document_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  PERFORM internal.raise_error('P0G10', 'a stored document never changes and is never deleted', NULL,
    'Documents are kept for the retention period as they were first rendered (docs/documents.md).');
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER documents_append_only BEFORE UPDATE OR DELETE ON kassa.documents
  FOR EACH ROW EXECUTE FUNCTION internal.refuse_document_change();
CREATE OR REPLACE TRIGGER documents_no_truncate BEFORE TRUNCATE ON kassa.documents
  FOR EACH STATEMENT EXECUTE FUNCTION internal.refuse_document_change();

SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.documents');
SELECT internal.allow('customer', 'SELECT', internal.own_rows(), 'kassa.documents');
GRANT SELECT ON kassa.documents TO customer, staff;

-- What was kept, without the bytes: the SHA-256 a download can be checked against.
CREATE VIEW api.documents WITH (security_invoker = true) AS
  SELECT id, tenant_id, customer_id, kind, source_id, variant, format, sha256, octet_length(content) AS size,
         renderer, created_at
    FROM kassa.documents;
GRANT SELECT ON api.documents TO customer, staff;

-- The tenant's look of its documents: staff read and write it.
SELECT internal.audit_table('kassa.document_settings', 'tenant_id', 'tenant_id');
SELECT internal.allow('staff', 'ALL', internal.tenant_rows(), 'kassa.document_settings');
GRANT SELECT ON kassa.document_settings TO staff;
CREATE VIEW api.document_settings WITH (security_invoker = true) AS
  SELECT tenant_id, logo, accent_colour FROM kassa.document_settings;
GRANT SELECT ON api.document_settings TO staff;
SELECT internal.grant_writes('api.document_settings', 'kassa.document_settings', 'staff',
                             'INSERT, UPDATE (logo, accent_colour)');
SELECT internal.write_by_key('api.document_settings', 'kassa.document_settings');

-- What every document of a tenant shares: its country, language, currency and look, and the
-- customer it is for.
CREATE OR REPLACE FUNCTION internal.document_frame(p_tenant uuid, p_customer uuid) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT jsonb_build_object(
           'country', t.country, 'currency', t.currency, 'minor_units', cur.minor_units,
           'locale', coalesce(c.locale, t.locale), 'timezone', t.timezone,
           'customer_id', c.id, 'account_number', c.account_number,
           'logo', s.logo, 'accent_colour', coalesce(s.accent_colour, '#1a5fb4'),
           'debit_order_mandate', (SELECT m.mandate_reference FROM kassa.payment_methods m
                                    WHERE m.tenant_id = c.tenant_id AND m.customer_id = c.id AND m.kind = 'debit_order'
                                      AND m.deleted_at IS NULL AND m.mandate_status = 'active'
                                    ORDER BY m.is_primary DESC, m.created_at LIMIT 1))
    FROM kassa.tenants t
    JOIN kassa.currencies cur ON cur.code = t.currency
    JOIN kassa.customers c ON c.tenant_id = t.id AND c.id = p_customer
    LEFT JOIN kassa.document_settings s ON s.tenant_id = t.id
   WHERE t.id = p_tenant
$$;

-- Everything an issued invoice, credit note or completed top-up shows, as the document
-- worker renders it; NULL when the tenant has no such issued document.
CREATE OR REPLACE FUNCTION internal.document_source(p_tenant uuid, p_kind text, p_source uuid) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  made jsonb;
BEGIN
  IF p_kind = 'invoice' THEN
    SELECT internal.document_frame(i.tenant_id, i.customer_id) || jsonb_build_object(
             'kind', 'invoice', 'id', i.id, 'number', i.number, 'issued_on', i.issued_on, 'due_on', i.due_on,
             'supplied_on', i.supplied_on, 'period_start', i.period_start, 'period_end', i.period_end,
             'prices_include_vat', i.prices_include_vat, 'net_total', i.net_total, 'vat_total', i.vat_total,
             'total', i.total, 'notes', i.notes, 'supplier', i.supplier, 'recipient', i.recipient,
             'document_kind', i.document_kind, 'buyer_reference', i.recipient ->> 'buyer_reference',
             'lines', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                 'description', l.description, 'quantity', l.quantity, 'unit_price', l.unit_price,
                                 'amount', l.amount, 'vat_category', l.vat_category, 'vat_rate', l.vat_rate,
                                 'period_start', l.period_start, 'period_end', l.period_end) ORDER BY l.position), '[]')
                         FROM kassa.invoice_lines l WHERE l.tenant_id = i.tenant_id AND l.invoice_id = i.id),
             -- as frozen at issue; a document issued before breakdowns were frozen: from its lines
             'vat', coalesce(i.vat_breakdown,
                             (SELECT coalesce(jsonb_agg(to_jsonb(b) - 'invoice_id' ORDER BY b.vat_rate DESC, b.vat_category), '[]')
                                FROM internal.invoice_vat_breakdown(i.tenant_id, ARRAY[i.id]) b)))
      INTO made
      FROM kassa.invoices i WHERE i.tenant_id = p_tenant AND i.id = p_source AND i.number IS NOT NULL;
  ELSIF p_kind = 'credit_note' THEN
    SELECT internal.document_frame(n.tenant_id, n.customer_id) || jsonb_build_object(
             'kind', 'credit_note', 'id', n.id, 'number', n.number, 'issued_on', n.issued_on, 'reason', n.reason,
             'prices_include_vat', i.prices_include_vat, 'net_total', n.net_total, 'vat_total', n.vat_total,
             'total', n.total, 'supplier', n.supplier, 'recipient', n.recipient,
             'invoice_number', coalesce(n.invoice_number, i.number),
             'invoice_issued_on', coalesce(n.invoice_issued_on, i.issued_on),
             'lines', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                 'description', l.description, 'amount', l.amount, 'vat_rate', l.vat_rate,
                                 'vat_category', il.vat_category) ORDER BY il.position, l.id), '[]')
                         FROM kassa.credit_note_lines l
                         JOIN kassa.invoice_lines il ON il.tenant_id = l.tenant_id AND il.id = l.invoice_line_id
                        WHERE l.tenant_id = n.tenant_id AND l.credit_note_id = n.id),
             'vat', (SELECT coalesce(jsonb_agg(jsonb_build_object('vat_category', v.vat_category, 'vat_rate', v.vat_rate,
                                                                  'vat_code', v.vat_code, 'exemption_reason', v.exemption_reason,
                                                                  'exemption_code', v.exemption_code,
                                                                  'net', v.net, 'vat', v.vat, 'gross', v.gross)
                                               ORDER BY v.vat_rate DESC, v.vat_category), '[]')
                       FROM kassa.credit_note_vat_totals v WHERE v.tenant_id = n.tenant_id AND v.credit_note_id = n.id))
      INTO made
      FROM kassa.credit_notes n JOIN kassa.invoices i ON i.tenant_id = n.tenant_id AND i.id = n.invoice_id
     WHERE n.tenant_id = p_tenant AND n.id = p_source;
  ELSIF p_kind = 'receipt' THEN
    SELECT internal.document_frame(p.tenant_id, p.customer_id) || jsonb_build_object(
             'kind', 'receipt', 'id', p.id, 'amount', p.amount, 'bonus', p.bonus, 'currency', p.currency,
             'method', p.method, 'provider', p.provider,
             'paid_on', (p.completed_at AT TIME ZONE t.timezone)::date,
             'supplier', internal.supplier_snapshot(p.tenant_id),
             'recipient', internal.recipient_snapshot(p.tenant_id, p.customer_id, NULL))
      INTO made
      FROM kassa.payments p JOIN kassa.tenants t ON t.id = p.tenant_id
     WHERE p.tenant_id = p_tenant AND p.id = p_source AND p.purpose = 'top_up' AND p.completed_at IS NOT NULL;
  END IF;
  RETURN made;
END $$;

-- A customer's statement for a period, rendered on demand: internal.statement's rows and the
-- parties as they are now. Its errors (P0G01 unknown customer, P0G02 empty period) are the RPC's.
CREATE OR REPLACE FUNCTION internal.statement_source(p_tenant uuid, p_customer uuid, p_from date, p_to date)
RETURNS jsonb LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.document_frame(p_tenant, p_customer) || jsonb_build_object(
           'kind', 'statement', 'id', p_customer, 'from', p_from, 'to', upto,
           'supplier', internal.supplier_snapshot(p_tenant), 'recipient', internal.recipient_snapshot(p_tenant, p_customer, NULL),
           'entries', (SELECT jsonb_agg(jsonb_build_object('posted_on', s.posted_on, 'kind', s.kind,
                                                           'description', s.description, 'amount', s.amount,
                                                           'balance', s.balance))
                         FROM internal.statement(p_tenant, p_customer, p_from, upto) s))
    FROM (SELECT coalesce(p_to, internal.tenant_today(p_tenant)) AS upto) d
$$;

-- The document to hand out now (the rule at the top of this file; p_variant: that one instead),
-- and its bytes when kept: variant, sha256 and content, the latter two NULL while it is still
-- to be rendered.
CREATE OR REPLACE FUNCTION internal.document_to_serve(p_tenant uuid, p_kind text, p_source uuid, p_format text,
                                                      p_variant text DEFAULT NULL)
RETURNS TABLE (variant text, sha256 text, content bytea)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT w.variant, d.sha256, d.content
    FROM (SELECT CASE WHEN p_variant IS NOT NULL THEN p_variant
                      WHEN t.country = 'ZA' AND p_kind IN ('invoice', 'credit_note') AND p_format = 'pdf'
                        AND EXISTS (SELECT FROM kassa.documents o
                                     WHERE o.tenant_id = p_tenant AND o.kind = p_kind AND o.source_id = p_source
                                       AND o.variant = 'original' AND o.format = p_format)
                      THEN 'copy' ELSE 'original' END AS variant
            FROM kassa.tenants t WHERE t.id = p_tenant) w
    LEFT JOIN kassa.documents d ON d.tenant_id = p_tenant AND d.kind = p_kind AND d.source_id = p_source
                               AND d.variant = w.variant AND d.format = p_format
$$;

-- Keeps a rendered document unless one is kept already (two first downloads at once: the
-- first stored wins, both serve it); the SHA-256 of the one kept. The digest is checked here,
-- so no row ever holds bytes that do not match it.
CREATE OR REPLACE FUNCTION internal.store_document(p_tenant uuid, p_kind text, p_source uuid, p_variant text,
                                                   p_format text, p_content bytea, p_sha256 text, p_renderer text)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  owner uuid := (internal.document_source(p_tenant, p_kind, p_source) ->> 'customer_id')::uuid;
  kept  text;
BEGIN
  IF owner IS NULL THEN
    PERFORM internal.raise_error('P0G11', format('no issued %s %s in this tenant', replace(p_kind, '_', ' '), p_source));
  END IF;
  IF p_sha256 IS DISTINCT FROM encode(pg_catalog.sha256(p_content), 'hex') THEN
    PERFORM internal.raise_error('P0G12', 'the SHA-256 given is not the digest of the content');
  END IF;
  INSERT INTO kassa.documents (tenant_id, customer_id, kind, source_id, variant, format, content, sha256, renderer)
  VALUES (p_tenant, owner, p_kind, p_source, p_variant, p_format, p_content, p_sha256, p_renderer)
  ON CONFLICT ON CONSTRAINT documents_once DO NOTHING;
  SELECT d.sha256 INTO kept FROM kassa.documents d
   WHERE d.tenant_id = p_tenant AND d.kind = p_kind AND d.source_id = p_source AND d.variant = p_variant
     AND d.format = p_format;
  RETURN kept;
END $$;

-- Staff send a document by e-mail: an event document_sent to the customer, its payload the
-- signed download link the bridge made (no token in it) and what the message names.
CREATE OR REPLACE FUNCTION internal.send_document(p_tenant uuid, p_customer uuid, p_kind text, p_number text,
                                                  p_url text, p_expires_at timestamptz)
RETURNS uuid LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  made uuid;
BEGIN
  PERFORM internal.check_text(p_url, 'url', 2000);
  PERFORM internal.check_text(p_number, 'number', 100, false);
  INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload)
  SELECT p_tenant, p_customer, 'document_sent',
         c.fields || jsonb_build_object('document_kind', p_kind, 'document_number', coalesce(p_number, ''),
                                        'document_url', p_url, 'expires_on', (p_expires_at AT TIME ZONE t.timezone)::date)
    FROM internal.event_customers(p_tenant) c JOIN kassa.tenants t ON t.id = p_tenant
   WHERE c.customer_id = p_customer
  RETURNING public_id INTO made;
  RETURN made;
END $$;
