SELECT tenant_id, id, customer_id, kind, source_id, variant, format, content, sha256, renderer, created_at
  FROM kassa.documents WHERE false;
SELECT tenant_id, logo, accent_colour FROM kassa.document_settings WHERE false;
