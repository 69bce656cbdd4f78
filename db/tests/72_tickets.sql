-- Support tickets: a customer opens one (about their own invoice or service only), staff reply
-- and write internal notes no customer ever reads (nor their files), other customers and other
-- tenants see nothing; the status rules (a customer's reply reopens, a customer only closes,
-- closed takes nothing more); the files' limits; the events, each for the side that did not act.
BEGIN;
SELECT plan(49);

-- Ids the steps hand on: pg_temp.id('name'), kept by pg_temp.keep('name', id).
CREATE TEMP TABLE kept (name text PRIMARY KEY, id uuid NOT NULL);
CREATE FUNCTION pg_temp.id(p_name text) RETURNS uuid LANGUAGE sql AS $$ SELECT id FROM kept WHERE name = p_name $$;
CREATE FUNCTION pg_temp.keep(p_name text, p_id uuid) RETURNS uuid LANGUAGE sql AS $$
  INSERT INTO kept VALUES (p_name, p_id) RETURNING id
$$;
-- One attachment of that type with those bytes, as a client sends it.
CREATE FUNCTION pg_temp.file(p_name text, p_type text, p_bytes bytea) RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('file_name', p_name, 'content_type', p_type, 'content', encode(p_bytes, 'base64'))
$$;
\ir helpers/invoices.sql
\ir helpers/two_tenants.sql
\ir helpers/catalog.sql

SELECT pg_temp.keep('inv_a1', pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', ARRAY[1000::bigint]));
SELECT pg_temp.keep('draft_a1', pg_temp.draft('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', ARRAY[1000::bigint]));
SELECT pg_temp.keep('inv_a2', pg_temp.issued('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', ARRAY[1000::bigint]));
INSERT INTO kassa.services (tenant_id, customer_id, price_version_id, billing_day)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'aaaaaaaa-0000-4000-8000-00000000f050', 1),
       ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2', 'aaaaaaaa-0000-4000-8000-00000000f050', 1);
SELECT pg_temp.keep('svc_' || right(customer_id::text, 2), id) FROM kassa.services
 WHERE tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a';

-- --- Opening: the category, the link, the files -------------------------------------------
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT throws_ok($$SELECT api.open_ticket('Wrong bill', 'Twice?', 'complaints')$$, 'P0J32', NULL,
                 'an unknown category is refused');
SELECT throws_ok($$SELECT api.open_ticket(' ', 'Twice?', 'billing')$$, 'P0V03', NULL, 'a blank subject is refused');
SELECT throws_ok($$SELECT api.open_ticket('Wrong bill', repeat('x', 10001), 'billing')$$, 'P0V04', NULL,
                 'a body over 10,000 characters is refused');
SELECT throws_ok($$SELECT api.open_ticket('Wrong bill', 'Twice?', 'billing', invoice_id => pg_temp.id('inv_a2'))$$,
                 'P0J33', NULL, 'another customer''s invoice cannot be named');
SELECT throws_ok($$SELECT api.open_ticket('Wrong bill', 'Twice?', 'billing', invoice_id => pg_temp.id('draft_a1'))$$,
                 'P0J33', NULL, 'nor a draft (a customer never sees one)');
SELECT throws_ok($$SELECT api.open_ticket('Slow line', 'Slow', 'technical', service_id => pg_temp.id('svc_a2'))$$,
                 'P0J33', NULL, 'nor another customer''s service');
SELECT throws_ok($$SELECT api.open_ticket('Both', 'Both', 'billing', pg_temp.id('inv_a1'), pg_temp.id('svc_a1'))$$,
                 'P0J33', NULL, 'a ticket is about an invoice or a service, not both');

SELECT throws_ok($$SELECT api.open_ticket('Files', 'See', 'other', attachments => '{}')$$, 'P0J36', NULL,
                 'attachments that are not a list are refused');
SELECT throws_ok($$SELECT api.open_ticket('Files', 'See', 'other', attachments =>
                   (SELECT jsonb_agg(pg_temp.file('n.txt', 'text/plain', 'hi')) FROM generate_series(1, 6)))$$,
                 'P0J36', NULL, 'more than 5 files are refused');
SELECT throws_ok($$SELECT api.open_ticket('Files', 'See', 'other', attachments =>
                   '[{"file_name": "a.txt", "content_type": "text/plain", "content": "not base64!"}]')$$,
                 'P0J36', NULL, 'content that is not base64 is refused');
SELECT throws_ok($$SELECT api.open_ticket('Files', 'See', 'other', attachments =>
                   jsonb_build_array(pg_temp.file('../etc/passwd', 'text/plain', 'x')))$$,
                 'P0J36', NULL, 'a file name with a path is refused');
SELECT throws_ok($$SELECT api.open_ticket('Files', 'See', 'other', attachments =>
                   jsonb_build_array(pg_temp.file('big.pdf', 'application/pdf', '\x255044462d'::bytea || decode(repeat('20', 2097148), 'hex'))))$$,
                 'P0J37', NULL, 'a file of 2 MiB and a byte is refused');
SELECT throws_ok($$SELECT api.open_ticket('Files', 'See', 'other', attachments =>
                   jsonb_build_array(pg_temp.file('empty.txt', 'text/plain', '')))$$,
                 'P0J37', NULL, 'an empty file is refused');
SELECT throws_ok($$SELECT api.open_ticket('Files', 'See', 'other', attachments =>
                   jsonb_build_array(pg_temp.file('a.zip', 'application/zip', '\x504b0304'::bytea)))$$,
                 'P0J38', NULL, 'a type not allowed is refused');
SELECT throws_ok($$SELECT api.open_ticket('Files', 'See', 'other', attachments =>
                   jsonb_build_array(pg_temp.file('photo.png', 'image/png', '\x4d5a9000'::bytea)))$$,
                 'P0J38', NULL, 'a "PNG" whose bytes are not a PNG is refused');
SELECT is((SELECT count(*)::int FROM api.tickets), 0, 'a refused ticket leaves nothing behind');

SELECT lives_ok($$SELECT pg_temp.keep('t1', api.open_ticket('Invoice twice?', 'I was billed twice.', 'billing',
                   invoice_id => pg_temp.id('inv_a1'),
                   attachments => jsonb_build_array(
                     pg_temp.file('bill.pdf', 'application/pdf', '\x255044462d'::bytea || decode(repeat('20', 2097147), 'hex')),
                     pg_temp.file('screen.png', 'image/png', '\x89504e470d0a1a0a0000'::bytea))))$$,
                'a customer opens a ticket about their invoice, with a file of exactly 2 MiB and a PNG');
SELECT lives_ok($$SELECT pg_temp.keep('t2', api.open_ticket('Slow line', 'Since Monday.', 'technical',
                   service_id => pg_temp.id('svc_a1')))$$, 'and one about their service');
SELECT results_eq($$SELECT status, category, invoice_id, last_message_at = created_at FROM api.tickets WHERE id = pg_temp.id('t1')$$,
                  $$VALUES ('open', 'billing', pg_temp.id('inv_a1'), true)$$, 'a new ticket is open');
SELECT results_eq($$SELECT file_name, size, sha256 FROM api.ticket_attachments WHERE ticket_id = pg_temp.id('t1') ORDER BY file_name$$,
                  $$VALUES ('bill.pdf', 2097152, encode(sha256('\x255044462d'::bytea || decode(repeat('20', 2097147), 'hex')), 'hex')),
                           ('screen.png', 10, encode(sha256('\x89504e470d0a1a0a0000'::bytea), 'hex'))$$,
                  'the files are kept with their size and SHA-256');

-- --- Staff reply, and write a note the customer never sees ------------------------------------
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT is((SELECT count(*)::int FROM api.tickets), 2, 'staff see their tenant''s tickets');
SELECT lives_ok($$SELECT pg_temp.keep('reply', api.reply_ticket(pg_temp.id('t1'), 'We are looking into it.'))$$,
                'staff reply');
SELECT pg_temp.act_as_owner();
UPDATE kassa.clock SET shift = shift + interval '1 hour';  -- the note comes an hour later
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT lives_ok($$SELECT pg_temp.keep('note', api.reply_ticket(pg_temp.id('t1'), 'Customer is a known double-payer.', true,
                   jsonb_build_array(pg_temp.file('note.txt', 'text/plain', 'internal'))))$$,
                'staff write an internal note with a file');
SELECT lives_ok($$SELECT api.assign_ticket(pg_temp.id('t1'), 'staff:alice')$$, 'staff assign the ticket');
SELECT pg_temp.keep('note_file', id) FROM api.ticket_attachments WHERE file_name = 'note.txt';
SELECT is((SELECT count(*)::int FROM api.ticket_messages WHERE ticket_id = pg_temp.id('t1') AND internal), 1,
          'staff read the note');

SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT results_eq($$SELECT author_role, author_sub, internal FROM api.ticket_messages WHERE ticket_id = pg_temp.id('t1') ORDER BY created_at$$,
                  $$VALUES ('customer', NULL::text, false), ('staff', NULL, false)$$,
                  'the customer reads their message and the reply, never the note (nor who of the staff wrote)');
SELECT is((SELECT count(*)::int FROM api.ticket_attachments WHERE file_name = 'note.txt'), 0, 'nor the note''s file');
SELECT throws_ok($$SELECT api.ticket_attachment(pg_temp.id('note_file'))$$, 'P0J31', NULL,
                 'nor its bytes (row-level security decides, not the client)');
SELECT results_eq($$SELECT assignee, last_message_at = created_at FROM api.tickets WHERE id = pg_temp.id('t1')$$,
                  $$VALUES (NULL::text, true)$$, 'the customer sees no assignee, and the note moved no time they see');
SELECT throws_ok($$SELECT api.reply_ticket(pg_temp.id('t1'), 'psst', true)$$, 'P0J39', NULL,
                 'a customer cannot write an internal note');

SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a2');
SELECT is((SELECT count(*)::int FROM api.tickets) + (SELECT count(*)::int FROM api.ticket_messages)
          + (SELECT count(*)::int FROM api.ticket_attachments), 0, 'another customer sees none of it');
SELECT throws_ok($$SELECT api.reply_ticket(pg_temp.id('t1'), 'Me too')$$, 'P0J31', NULL, 'nor writes on it');
SELECT pg_temp.act_as('staff', 'bbbbbbbb-0000-4000-8000-00000000000b');
SELECT is((SELECT count(*)::int FROM api.tickets) + (SELECT count(*)::int FROM api.ticket_messages), 0,
          'staff of another tenant see none of it');
SELECT throws_ok($$SELECT api.set_ticket_status(pg_temp.id('t1'), 'closed')$$, 'P0J31', NULL, 'nor change it');

-- --- Status rules ------------------------------------------------------------------------------
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT throws_ok($$SELECT api.set_ticket_status(pg_temp.id('t1'), 'resolved')$$, 'P0J35', NULL,
                 'a customer does not resolve their ticket (only closes it)');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT throws_ok($$SELECT api.set_ticket_status(pg_temp.id('t1'), 'solved')$$, 'P0J35', NULL, 'an unknown status is refused');
SELECT throws_ok($$SELECT api.set_ticket_status(pg_temp.id('t1'), 'open')$$, 'P0J35', NULL, 'so is the status it has');
SELECT lives_ok($$SELECT api.set_ticket_status(pg_temp.id('t1'), 'pending_customer')$$, 'staff wait for the customer');
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT lives_ok($$SELECT pg_temp.keep('answer', api.reply_ticket(pg_temp.id('t1'), 'Here is my bank statement.'))$$,
                'the customer answers');
SELECT is((SELECT status FROM api.tickets WHERE id = pg_temp.id('t1')), 'open', 'which opens the ticket again');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT api.set_ticket_status(pg_temp.id('t1'), 'resolved');
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT api.reply_ticket(pg_temp.id('t1'), 'Not quite.');
SELECT is((SELECT status FROM api.tickets WHERE id = pg_temp.id('t1')), 'open', 'a reply on a resolved ticket opens it too');
SELECT lives_ok($$SELECT api.set_ticket_status(pg_temp.id('t1'), 'closed')$$, 'the customer closes their ticket');
SELECT throws_ok($$SELECT api.reply_ticket(pg_temp.id('t1'), 'One more thing')$$, 'P0J34', NULL,
                 'nothing is written on a closed ticket: no reply');
SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT throws_ok($$SELECT api.reply_ticket(pg_temp.id('t1'), 'noted', true)$$, 'P0J34', NULL, 'no note');
SELECT throws_ok($$SELECT api.set_ticket_status(pg_temp.id('t1'), 'open')$$, 'P0J34', NULL, 'no status');

-- --- Events: each for the side that did not act; the note writes none ------------------------------
SELECT pg_temp.act_as_owner();
SELECT results_eq($$SELECT kind, customer_id, payload ->> 'by', payload ->> 'status', payload ->> 'previous_status'
                      FROM kassa.notifications WHERE payload ->> 'ticket_id' = pg_temp.id('t1')::text ORDER BY id$$,
                  $$VALUES ('ticket_opened', NULL::uuid, 'customer', 'open', NULL),
                           ('ticket_replied', 'aaaaaaaa-0000-4000-8000-0000000000a1'::uuid, 'staff', 'open', NULL),
                           ('ticket_status_changed', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'staff', 'pending_customer', 'open'),
                           ('ticket_replied', NULL, 'customer', 'open', NULL),
                           ('ticket_status_changed', NULL, 'customer', 'open', 'pending_customer'),
                           ('ticket_status_changed', 'aaaaaaaa-0000-4000-8000-0000000000a1', 'staff', 'resolved', 'open'),
                           ('ticket_replied', NULL, 'customer', 'open', NULL),
                           ('ticket_status_changed', NULL, 'customer', 'open', 'resolved'),
                           ('ticket_status_changed', NULL, 'customer', 'closed', 'open')$$,
                  'staff''s changes are events of the customer, the customer''s the staff''s (no customer); the note none');
SELECT results_eq($$SELECT payload ->> 'customer_name', payload ->> 'subject', payload ->> 'body', payload ->> 'message_id'
                      FROM kassa.notifications WHERE kind = 'ticket_replied' AND payload ->> 'ticket_id' = pg_temp.id('t1')::text
                     ORDER BY id LIMIT 1$$,
                  $$VALUES ('Alice A1', 'Invoice twice?', 'We are looking into it.', pg_temp.id('reply')::text)$$,
                  'a reply''s event names the customer, the ticket and the message');

-- --- Messages and files stay as written; the audit log has the changes, not the bytes ---------------
SELECT throws_ok($$UPDATE kassa.ticket_messages SET body = 'rewritten' WHERE id = pg_temp.id('reply')$$, 'P0J39', NULL,
                 'a message is never changed');
SELECT is((SELECT count(*)::int FROM audit.log WHERE table_name = 'kassa.ticket_attachments' AND new_row ? 'sha256'
                                                 AND NOT new_row ? 'content'), 3,
          'every file is in the audit log, without its bytes');

SELECT * FROM finish();
ROLLBACK;
