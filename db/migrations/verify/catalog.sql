SELECT tenant_id, id, code, name, kind, description, active FROM kassa.products WHERE false;
SELECT tenant_id, id, product_id, version, price, interval, currency, vat_category, valid_from
  FROM kassa.price_versions WHERE false;
SELECT price_version_id FROM kassa.invoice_lines WHERE false;
