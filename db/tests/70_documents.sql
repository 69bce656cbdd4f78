-- Documents: what the document worker renders from (an issued invoice's frozen parties, lines
-- and VAT), a rendering kept once with its digest and never changed, the South African copy
-- rule, and who sees what was kept. (Rendering and downloads: tests/test_documents.py.)
BEGIN;
SELECT plan(13);
\ir helpers/two_tenants.sql

UPDATE kassa.tenants SET street = 'Old Road 1', postcode = '8001', city = 'Cape Town' WHERE id = 'aaaaaaaa-0000-4000-8000-00000000000a';
CREATE TEMP TABLE inv AS
  SELECT id FROM kassa.invoices WHERE false;
WITH made AS (
  INSERT INTO kassa.invoices (tenant_id, customer_id, currency, prices_include_vat)
  VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'ZAR', true) RETURNING id
) INSERT INTO inv SELECT id FROM made;
INSERT INTO kassa.invoice_lines (tenant_id, invoice_id, description, unit_price)
  SELECT 'aaaaaaaa-0000-4000-8000-00000000000a', id, 'Fibre', 11500 FROM inv;

SELECT is((SELECT internal.document_source('aaaaaaaa-0000-4000-8000-00000000000a', 'invoice', id) FROM inv), NULL,
          'a draft is no document');
SELECT internal.finalise_invoices('aaaaaaaa-0000-4000-8000-00000000000a', ARRAY[(SELECT id FROM inv)], internal.tenant_today('aaaaaaaa-0000-4000-8000-00000000000a'));
UPDATE kassa.tenants SET street = 'New Road 2', postcode = '4001', city = 'Durban' WHERE id = 'aaaaaaaa-0000-4000-8000-00000000000a';

CREATE TEMP TABLE src AS
  SELECT internal.document_source('aaaaaaaa-0000-4000-8000-00000000000a', 'invoice', id) AS s FROM inv;
SELECT is((SELECT s -> 'supplier' ->> 'address' FROM src), 'Old Road 1, 8001 Cape Town',
          'the source carries the supplier as it was at issue');
SELECT is((SELECT (s ->> 'total')::bigint FROM src), 11500::bigint, 'and the totals');
SELECT is((SELECT s -> 'vat' -> 0 ->> 'vat' FROM src), '1500', 'and the VAT breakdown');
SELECT is((SELECT internal.document_source('bbbbbbbb-0000-4000-8000-00000000000b', 'invoice', id) FROM inv), NULL,
          'another tenant has no such document');

SELECT throws_ok($$SELECT internal.store_document('aaaaaaaa-0000-4000-8000-00000000000a', 'invoice', gen_random_uuid(), 'original',
                   'pdf', '\x25504446', encode(sha256('\x25504446'), 'hex'), 'tap')$$, 'P0G11', NULL,
                 'only an issued document is kept');
SELECT throws_ok($$SELECT internal.store_document('aaaaaaaa-0000-4000-8000-00000000000a', 'invoice', id, 'original',
                   'pdf', '\x25504446', repeat('0', 64), 'tap') FROM inv$$, 'P0G12', NULL,
                 'bytes that do not match their digest are not kept');

SELECT is((SELECT d.variant FROM inv, internal.document_to_serve('aaaaaaaa-0000-4000-8000-00000000000a', 'invoice', inv.id, 'pdf') d),
          'original', 'the first delivery is the original');
SELECT is((SELECT internal.store_document('aaaaaaaa-0000-4000-8000-00000000000a', 'invoice', id, 'original',
             'pdf', '\x25504446', encode(sha256('\x25504446'), 'hex'), 'tap') FROM inv),
          encode(sha256('\x25504446'), 'hex'), 'a rendering is kept with its digest');
SELECT is((SELECT internal.store_document('aaaaaaaa-0000-4000-8000-00000000000a', 'invoice', id, 'original',
             'pdf', '\x2550444631', encode(sha256('\x2550444631'), 'hex'), 'tap') FROM inv),
          encode(sha256('\x25504446'), 'hex'), 'a second rendering is discarded: the first kept stays');
SELECT is((SELECT d.variant || coalesce(d.sha256, '-') FROM inv,
                  internal.document_to_serve('aaaaaaaa-0000-4000-8000-00000000000a', 'invoice', inv.id, 'pdf') d),
          'copy-', 'in South Africa every later delivery is the copy, rendered on its own');

SELECT throws_ok($$UPDATE kassa.documents SET renderer = 'changed'$$, 'P0G10', NULL, 'a kept document never changes');

SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2');
SELECT is((SELECT count(*)::int FROM api.documents), 0, 'another customer sees none of it');
SELECT pg_temp.act_as_owner();

SELECT * FROM finish();
ROLLBACK;
