SELECT tenant_id, kind, legacy_id, kassa_id, imported_at FROM kassa.legacy_ids WHERE false;
SELECT legacy_number FROM kassa.invoices WHERE false;
