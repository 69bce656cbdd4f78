-- Documents (issue 12): the PDFs of issued documents, each rendered once by the document
-- worker and kept with its SHA-256 for the retention period (GoBD: what was sent is what is
-- kept), and the tenant's look of its documents (logo and accent colour).
BEGIN;
CREATE TABLE kassa.documents (
  tenant_id   uuid NOT NULL REFERENCES kassa.tenants (id),
  id          uuid NOT NULL DEFAULT gen_random_uuid(),
  customer_id uuid NOT NULL,
  kind        text NOT NULL CONSTRAINT documents_kind_known CHECK (kind IN ('invoice', 'credit_note', 'receipt')),
  source_id   uuid NOT NULL,  -- the invoice, credit note or payment the document shows
  -- original: the first rendering; copy: what a South African re-delivery gets (s20(3) VAT Act)
  variant     text NOT NULL CONSTRAINT documents_variant_known CHECK (variant IN ('original', 'copy')),
  format      text NOT NULL CONSTRAINT documents_format_known CHECK (format IN ('pdf', 'xml')),
  content     bytea NOT NULL CONSTRAINT documents_content_size CHECK (octet_length(content) BETWEEN 1 AND 20000000),
  sha256      text NOT NULL CONSTRAINT documents_sha256_format CHECK (char_length(sha256) = 64 AND sha256 ~ '^[0-9a-f]+$'),
  renderer    text NOT NULL CONSTRAINT documents_renderer_length CHECK (char_length(renderer) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id),
  CONSTRAINT documents_once UNIQUE (tenant_id, kind, source_id, variant, format)
);
ALTER TABLE kassa.documents ENABLE ROW LEVEL SECURITY;

CREATE TABLE kassa.document_settings (
  tenant_id     uuid PRIMARY KEY REFERENCES kassa.tenants (id)
                DEFAULT (nullif(current_setting('request.jwt.claims', true), '')::json ->> 'tenant_id')::uuid,
  -- a data: URI (PNG, JPEG or SVG), so rendering never fetches anything
  logo          text CONSTRAINT document_settings_logo_format
                CHECK (logo ~ '^data:image/(png|jpeg|svg\+xml);base64,[A-Za-z0-9+/=]+$' AND char_length(logo) <= 400000),
  accent_colour text NOT NULL DEFAULT '#1a5fb4'
                CONSTRAINT document_settings_accent_colour_format
                CHECK (char_length(accent_colour) = 7 AND accent_colour ~ '^#[0-9a-fA-F]+$')
);
ALTER TABLE kassa.document_settings ENABLE ROW LEVEL SECURITY;
COMMIT;
