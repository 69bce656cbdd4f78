-- Privacy (docs/operations.md, "Privacy"): a customer's data export (their own rows only, staff
-- for their tenant's customers, internal notes never); the anonymisation of closed customers
-- after the tenant's retention period, keeping issued documents, redacting the audit log.
BEGIN;
SELECT plan(17);
\ir helpers/invoice_documents.sql
\ir helpers/clock.sql
SELECT pg_temp.travel_to('2026-01-10 12:00+00');

-- Alice (a1) has an issued invoice, a ticket with a customer message, a staff reply and an
-- internal note with a file, a push subscription; Adam (a2) a ticket of his own.
INSERT INTO inv SELECT 'a1', pg_temp.draft(ta, a1, ARRAY[11500]) FROM ids;
SELECT internal.finalise_invoices(ta, ARRAY[(SELECT id FROM inv WHERE name = 'a1')], '2026-01-10') FROM ids;
CREATE TEMP TABLE t AS SELECT
  internal.open_ticket(ta, a1, 'customer:tap', 'Slow line', 'Since Monday it is slow', 'technical', NULL, NULL,
                       '[{"file_name": "trace.txt", "content_type": "text/plain", "content": "cGluZyAxMDAwbXM="}]') AS alice,
  internal.open_ticket(ta, a2, 'customer:tap', 'Adam asks', 'A question', 'other', NULL, NULL, '[]') AS adam
  FROM ids;
SELECT internal.reply_ticket(ta, NULL, 'staff:tap', (SELECT alice FROM t), 'We are on it', false, '[]') FROM ids;
SELECT internal.reply_ticket(ta, NULL, 'staff:tap', (SELECT alice FROM t), 'Customer sounds angry', true, '[]') FROM ids;
INSERT INTO kassa.push_subscriptions (tenant_id, customer_id, endpoint, p256dh, auth)
SELECT ta, a1, 'https://push.example/alice', 'key', 'auth' FROM ids;
GRANT SELECT ON t TO customer, staff;

-- The export.
SELECT pg_temp.act_as('customer', ta, a1) FROM ids;
CREATE TEMP TABLE mine AS SELECT api.customer_data_export() AS e;
SELECT is((SELECT e #>> '{customer,name}' FROM mine), 'Alice A1', 'a customer exports their own data');
SELECT is((SELECT jsonb_array_length(e -> 'invoices') FROM mine), 1, 'with their invoice');
SELECT ok((SELECT jsonb_array_length(e -> 'invoice_lines') >= 1 FROM mine), 'and its lines, which follow the invoice');
SELECT is((SELECT array_agg(m ->> 'body' ORDER BY m ->> 'created_at', m ->> 'body') FROM mine, jsonb_array_elements(e -> 'ticket_messages') m),
          ARRAY['Since Monday it is slow', 'We are on it'], 'their ticket''s messages, never staff''s internal note');
SELECT is((SELECT jsonb_array_length(e -> 'tickets') FROM mine), 1, 'and not Adam''s ticket');
SELECT throws_ok($$SELECT api.customer_data_export('aaaaaaaa-0000-4000-8000-0000000000a2')$$, 'P0G31', NULL,
                 'another customer''s export is refused to a customer');
SELECT pg_temp.act_as('staff', ta) FROM ids;
SELECT ok((SELECT api.customer_data_export(a1) -> 'ticket_messages' @> '[{"body": "Customer sounds angry"}]' FROM ids),
          'staff export a customer of their tenant, internal notes included');
SELECT pg_temp.act_as('staff', tb) FROM ids;
SELECT throws_ok($$SELECT api.customer_data_export('aaaaaaaa-0000-4000-8000-0000000000a1')$$, 'P0G31', NULL,
                 'and never another tenant''s');
SELECT pg_temp.act_as_owner();

-- Closed on 2026-01-10; the tenant keeps personal data 365 days.
SELECT set_config('kassa.customer_status_change', 'on', true);
UPDATE kassa.customers SET status = 'closed' WHERE id = (SELECT a1 FROM ids);
SELECT set_config('kassa.customer_status_change', '', true);
SELECT is(internal.anonymise_customers(ta, '2027-01-09 12:00+00'), 0, 'within the retention period nothing is removed') FROM ids;
SELECT is(internal.anonymise_customers(ta, '2027-01-10 13:00+00'), 1, 'after it the closed customer is anonymised') FROM ids;
SELECT is((SELECT (name, phone, street, email LIKE 'anonymised-%@anonymised.invalid', account_number IS NOT NULL)::text
             FROM kassa.customers WHERE id = (SELECT a1 FROM ids)),
          '("Anonymised customer",,,t,t)', 'name, contact data and address are gone; the account number stays');
SELECT is((SELECT recipient ->> 'name' FROM kassa.invoices JOIN inv USING (id) WHERE name = 'a1'), 'Alice A1',
          'the issued invoice keeps its frozen recipient (tax law)');
SELECT is((SELECT array_agg(DISTINCT body) FROM kassa.ticket_messages WHERE ticket_id = (SELECT alice FROM t)), ARRAY['Anonymised'],
          'the ticket''s messages are emptied');
SELECT is((SELECT count(*)::int FROM kassa.ticket_attachments a JOIN kassa.ticket_messages m ON m.id = a.message_id
            WHERE m.ticket_id = (SELECT alice FROM t))
          + (SELECT count(*)::int FROM kassa.push_subscriptions WHERE customer_id = (SELECT a1 FROM ids)), 0,
          'files and push subscriptions are deleted');
SELECT is_empty($$SELECT table_name || ' ' || left((coalesce(old_row, '{}') || coalesce(new_row, '{}'))::text, 300) FROM audit.log WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'
                    AND table_name NOT IN ('kassa.invoices', 'kassa.credit_notes')
                    AND (coalesce(old_row, '{}') || coalesce(new_row, '{}'))::text ~ 'Alice A1|Since Monday|a1@example'$$,
                'and the audit log keeps none of it beyond the issued invoice''s own record');
SELECT is((SELECT body FROM kassa.ticket_messages WHERE ticket_id = (SELECT adam FROM t)), 'A question',
          'another customer''s data is untouched');
SELECT throws_ok($$UPDATE kassa.ticket_messages SET body = 'x' WHERE ticket_id = (SELECT adam FROM t)$$, 'P0J39', NULL,
                 'outside the anonymisation the append-only guards hold');

SELECT * FROM finish();
ROLLBACK;
