-- Support tickets (docs/api.md, "Support tickets"): a customer opens one about their account,
-- optionally about one of their invoices or services; customers and staff write messages on it,
-- staff also internal notes. Row-level security keeps internal notes (and their files) out of
-- every query a customer makes, whatever the client asks for. Files travel with a message:
-- at most 5, each up to 2 MiB of one of four types, kept in the database with their SHA-256.
-- A closed ticket takes nothing more. Each change writes its event for the side that did not
-- make it (internal.emit_ticket_event); internal notes write none.

SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(),
                      'kassa.tickets', 'kassa.ticket_messages', 'kassa.ticket_attachments');
SELECT internal.allow('customer', 'SELECT', internal.own_rows(), 'kassa.tickets');
SELECT internal.allow('customer', 'SELECT',
                      internal.rows_of_visible('kassa.ticket_messages', 'kassa.tickets', 'ticket_id') || ' AND NOT internal',
                      'kassa.ticket_messages');
-- A file follows its message: the message's policy (no internal notes) decides.
SELECT internal.allow('customer', 'SELECT',
                      internal.rows_of_visible('kassa.ticket_attachments', 'kassa.ticket_messages', 'message_id'),
                      'kassa.ticket_attachments');
GRANT SELECT ON kassa.tickets, kassa.ticket_messages, kassa.ticket_attachments TO customer, staff;

-- updated_at and last_message_at move with every message: the message's own audit row says it.
-- The files' bytes stay out of the log (their SHA-256 is in it).
SELECT internal.audit_table('kassa.tickets', 'tenant_id', 'id', '-updated_at', '-last_message_at');
SELECT internal.audit_table('kassa.ticket_messages', 'tenant_id', 'id');
SELECT internal.audit_table('kassa.ticket_attachments', 'tenant_id', 'id', '!content');
SELECT internal.make_append_only('kassa.ticket_messages', 'P0J39', 'a ticket message is never changed or deleted',
                                 'Write another message instead.');
SELECT internal.make_append_only('kassa.ticket_attachments', 'P0J39', 'a ticket attachment is never changed or deleted',
                                 'Attach the file to another message instead.');

-- Who wrote a message is the customer's business only as "staff": the assignee and the staff
-- member's subject show to staff alone.
CREATE VIEW api.tickets WITH (security_invoker = true) AS
  SELECT id, tenant_id, customer_id, subject, category, status, invoice_id, service_id,
         CASE WHEN current_setting('role') = 'staff' THEN assignee END AS assignee,
         created_at, updated_at, last_message_at
    FROM kassa.tickets;
CREATE VIEW api.ticket_messages WITH (security_invoker = true) AS
  SELECT id, tenant_id, ticket_id, author_role,
         CASE WHEN current_setting('role') = 'staff' THEN author_sub END AS author_sub,
         internal, body, created_at
    FROM kassa.ticket_messages;
-- The bytes are read one file at a time (api.ticket_attachment): a listing stays small.
CREATE VIEW api.ticket_attachments WITH (security_invoker = true) AS
  SELECT a.id, a.tenant_id, m.ticket_id, a.message_id, a.file_name, a.content_type, octet_length(a.content) AS size,
         a.sha256, a.created_at
    FROM kassa.ticket_attachments a JOIN kassa.ticket_messages m ON m.tenant_id = a.tenant_id AND m.id = a.message_id;
GRANT SELECT ON api.tickets, api.ticket_messages, api.ticket_attachments TO customer, staff;

-- What a file of each allowed type begins with; text has no signature, only no NUL byte.
CREATE OR REPLACE FUNCTION internal.ticket_file_signature(p_content_type text) RETURNS bytea
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT CASE p_content_type WHEN 'application/pdf' THEN '\x255044462d'::bytea       -- %PDF-
                             WHEN 'image/png' THEN '\x89504e470d0a1a0a'::bytea
                             WHEN 'image/jpeg' THEN '\xffd8ff'::bytea
                             WHEN 'text/plain' THEN ''::bytea END
$$;

-- The files sent with a message, checked whole before anything is written: a list of at most 5
-- objects {file_name, content_type, content (base64)}, each 1 byte to 2 MiB of an allowed type
-- whose bytes are what that type's files are (a "PNG" that is a program is refused).
CREATE OR REPLACE FUNCTION internal.check_ticket_files(p_files jsonb) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
DECLARE
  max_files constant integer := 5;
  max_bytes constant integer := 2097152;
  file jsonb;
  n integer := 0;
  encoded text;
  size bigint;
  content bytea;
  signature bytea;
BEGIN
  IF jsonb_typeof(p_files) IS DISTINCT FROM 'array' OR jsonb_array_length(p_files) > max_files THEN
    PERFORM internal.raise_error('P0J36', format('attachments must be a list of at most %s files', max_files), NULL,
      'Each file is {"file_name": "...", "content_type": "...", "content": "<base64>"}.');
  END IF;
  FOR file IN SELECT f FROM jsonb_array_elements(p_files) f LOOP
    n := n + 1;
    IF jsonb_typeof(file) IS DISTINCT FROM 'object'
       OR EXISTS (SELECT FROM jsonb_object_keys(file) k WHERE k NOT IN ('file_name', 'content_type', 'content'))
       OR jsonb_typeof(file -> 'file_name') IS DISTINCT FROM 'string'
       OR jsonb_typeof(file -> 'content_type') IS DISTINCT FROM 'string'
       OR jsonb_typeof(file -> 'content') IS DISTINCT FROM 'string' THEN
      PERFORM internal.raise_error('P0J36', format('attachment %s is not {"file_name", "content_type", "content"}', n),
        NULL, 'All three are strings; content is the file in base64.');
    END IF;
    IF char_length(file ->> 'file_name') NOT BETWEEN 1 AND 255 OR internal.is_blank(file ->> 'file_name')
       OR file ->> 'file_name' ~ '[/\\[:cntrl:]]' THEN
      PERFORM internal.raise_error('P0J36', format('attachment %s: the file name is not 1 to 255 characters without / \ or control characters', n));
    END IF;
    encoded := translate(file ->> 'content', E' \t\r\n', '');
    IF encoded !~ '^[A-Za-z0-9+/]*={0,2}$' OR char_length(encoded) % 4 <> 0 THEN
      PERFORM internal.raise_error('P0J36', format('attachment %s (%s): the content is not base64', n,
                                                   left(file ->> 'file_name', 255)));
    END IF;
    -- The size is known from the text: a file too large is refused before it is decoded.
    size := char_length(encoded) / 4 * 3 - (char_length(encoded) - char_length(rtrim(encoded, '=')));
    IF size NOT BETWEEN 1 AND max_bytes THEN
      PERFORM internal.raise_error('P0J37', format('attachment %s (%s) is %s bytes: a file is 1 byte to 2 MiB (%s bytes)',
                                                   n, left(file ->> 'file_name', 255), size, max_bytes));
    END IF;
    signature := internal.ticket_file_signature(file ->> 'content_type');
    IF signature IS NULL THEN
      PERFORM internal.raise_error('P0J38', format('attachment %s: the type "%s" is not allowed', n,
                                                   left(file ->> 'content_type', 100)), NULL,
        'Attach application/pdf, image/png, image/jpeg or text/plain.');
    END IF;
    content := decode(encoded, 'base64');
    IF substring(content FROM 1 FOR octet_length(signature)) <> signature
       OR (file ->> 'content_type' = 'text/plain' AND position('\x00'::bytea IN content) > 0) THEN
      PERFORM internal.raise_error('P0J38', format('attachment %s (%s) is not a %s file', n,
                                                   left(file ->> 'file_name', 255), file ->> 'content_type'));
    END IF;
  END LOOP;
END $$;

-- The ticket a message or a change is for, locked: of the tenant and, given p_customer, that
-- customer's (P0J31 otherwise, saying no more); not closed (P0J34).
CREATE OR REPLACE FUNCTION internal.lock_open_ticket(p_tenant uuid, p_customer uuid, p_ticket uuid)
RETURNS kassa.tickets LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  ticket kassa.tickets;
BEGIN
  SELECT * INTO ticket FROM kassa.tickets t
   WHERE t.tenant_id = p_tenant AND t.id = p_ticket AND (p_customer IS NULL OR t.customer_id = p_customer)
     FOR UPDATE;
  PERFORM internal.require_found(FOUND, 'P0J31', format('no ticket %s', p_ticket));
  IF ticket.status = 'closed' THEN
    PERFORM internal.raise_error('P0J34', format('ticket %s is closed: nothing more is written on it', p_ticket), NULL,
      'Open a new ticket instead.');
  END IF;
  RETURN ticket;
END $$;

-- A message on a ticket with its files (checked first); its id. p_by_customer: the ticket's
-- customer wrote it, else staff.
CREATE OR REPLACE FUNCTION internal.write_ticket_message(p_ticket kassa.tickets, p_by_customer boolean, p_actor text,
                                                         p_body text, p_internal boolean, p_files jsonb)
RETURNS uuid LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  message uuid;
BEGIN
  PERFORM internal.check_text(p_body, 'body', 10000);
  PERFORM internal.check_ticket_files(p_files);
  INSERT INTO kassa.ticket_messages (tenant_id, ticket_id, author_role, author_sub, internal, body, created_at)
  VALUES (p_ticket.tenant_id, p_ticket.id, CASE WHEN p_by_customer THEN 'customer' ELSE 'staff' END, left(p_actor, 200),
          p_internal, p_body, internal.clock_now())
  RETURNING id INTO message;
  INSERT INTO kassa.ticket_attachments (tenant_id, message_id, file_name, content_type, content, created_at)
  SELECT p_ticket.tenant_id, message, f ->> 'file_name', f ->> 'content_type',
         decode(translate(f ->> 'content', E' \t\r\n', ''), 'base64'), internal.clock_now()
    FROM jsonb_array_elements(p_files) WITH ORDINALITY AS files (f, n) ORDER BY n;
  RETURN message;
END $$;

-- A ticket's event, for the side that did not act: a staff member's change is the customer's
-- (their message and their stream), a customer's is the staff's (customer_id NULL: the tenant's
-- streams and webhooks, no message to the customer who wrote it). The payload names the
-- ticket's customer either way.
CREATE OR REPLACE FUNCTION internal.emit_ticket_event(p_ticket kassa.tickets, p_kind text, p_by_customer boolean,
                                                      p_payload jsonb) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.emit(p_ticket.tenant_id, CASE WHEN NOT p_by_customer THEN p_ticket.customer_id END, p_kind,
           coalesce((SELECT c.fields FROM internal.event_customers(p_ticket.tenant_id) c
                      WHERE c.customer_id = p_ticket.customer_id), '{}')
           || jsonb_build_object('ticket_id', p_ticket.id, 'subject', p_ticket.subject, 'category', p_ticket.category,
                                 'status', p_ticket.status,
                                 'by', CASE WHEN p_by_customer THEN 'customer' ELSE 'staff' END)
           || p_payload)
$$;

-- A customer opens a ticket, about one of their issued invoices or one of their services if
-- they name one (never both); its id.
CREATE OR REPLACE FUNCTION internal.open_ticket(p_tenant uuid, p_customer uuid, p_actor text, p_subject text,
                                                p_body text, p_category text, p_invoice uuid, p_service uuid,
                                                p_files jsonb)
RETURNS uuid LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  opened_at constant timestamptz := internal.clock_now();
  ticket kassa.tickets;
  message uuid;
BEGIN
  PERFORM internal.check_text(p_subject, 'subject', 200);
  IF p_category IS NULL OR NOT p_category = ANY (ARRAY['billing', 'technical', 'account', 'other']) THEN
    PERFORM internal.raise_error('P0J32', format('unknown ticket category "%s"', left(p_category, 64)), NULL,
      'The categories are billing, technical, account and other.');
  END IF;
  IF p_invoice IS NOT NULL AND p_service IS NOT NULL THEN
    PERFORM internal.raise_error('P0J33', 'a ticket is about one invoice or one service, not both');
  END IF;
  IF p_invoice IS NOT NULL AND NOT EXISTS (SELECT FROM kassa.invoices i
                                            WHERE i.tenant_id = p_tenant AND i.id = p_invoice
                                              AND i.customer_id = p_customer AND i.status <> 'draft') THEN
    PERFORM internal.raise_error('P0J33', format('no invoice %s of yours', p_invoice));
  END IF;
  IF p_service IS NOT NULL AND NOT EXISTS (SELECT FROM kassa.services s
                                            WHERE s.tenant_id = p_tenant AND s.id = p_service
                                              AND s.customer_id = p_customer) THEN
    PERFORM internal.raise_error('P0J33', format('no service %s of yours', p_service));
  END IF;
  INSERT INTO kassa.tickets (tenant_id, customer_id, subject, category, invoice_id, service_id,
                             created_at, updated_at, last_message_at)
  VALUES (p_tenant, p_customer, p_subject, p_category, p_invoice, p_service, opened_at, opened_at, opened_at)
  RETURNING * INTO ticket;
  message := internal.write_ticket_message(ticket, true, p_actor, p_body, false, p_files);
  PERFORM internal.emit_ticket_event(ticket, 'ticket_opened', true,
    jsonb_build_object('message_id', message, 'body', p_body, 'invoice_id', p_invoice, 'service_id', p_service));
  RETURN ticket.id;
END $$;

-- A reply on a ticket (p_customer: the ticket's customer writes it; NULL: staff), or a staff
-- member's internal note (p_internal). A customer's reply on a ticket waiting for them or
-- resolved opens it again. An internal note changes nothing a customer sees: not the ticket's
-- times, no event. Answers the message's id.
CREATE OR REPLACE FUNCTION internal.reply_ticket(p_tenant uuid, p_customer uuid, p_actor text, p_ticket uuid,
                                                 p_body text, p_internal boolean, p_files jsonb)
RETURNS uuid LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  by_customer constant boolean := p_customer IS NOT NULL;
  ticket kassa.tickets := internal.lock_open_ticket(p_tenant, p_customer, p_ticket);
  previous constant text := ticket.status;
  message uuid;
BEGIN
  IF p_internal IS NULL OR (p_internal AND by_customer) THEN
    PERFORM internal.raise_error('P0J39', 'only staff write internal notes', NULL,
      'Send internal: false (the default) for a reply the customer reads.');
  END IF;
  message := internal.write_ticket_message(ticket, by_customer, p_actor, p_body, p_internal, p_files);
  IF p_internal THEN
    RETURN message;
  END IF;
  UPDATE kassa.tickets t
     SET last_message_at = internal.clock_now(), updated_at = internal.clock_now(),
         status = CASE WHEN by_customer AND t.status IN ('pending_customer', 'resolved') THEN 'open' ELSE t.status END
   WHERE t.tenant_id = p_tenant AND t.id = p_ticket
  RETURNING * INTO ticket;
  PERFORM internal.emit_ticket_event(ticket, 'ticket_replied', by_customer,
    jsonb_build_object('message_id', message, 'body', p_body,
                       'attachments', jsonb_array_length(p_files)));
  IF ticket.status <> previous THEN
    PERFORM internal.emit_ticket_event(ticket, 'ticket_status_changed', by_customer,
                                       jsonb_build_object('previous_status', previous));
  END IF;
  RETURN message;
END $$;

-- A ticket's status changes: staff set any status, its customer (p_customer) only closes it.
-- Closed is final.
CREATE OR REPLACE FUNCTION internal.set_ticket_status(p_tenant uuid, p_customer uuid, p_ticket uuid, p_status text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  ticket kassa.tickets := internal.lock_open_ticket(p_tenant, p_customer, p_ticket);
  previous constant text := ticket.status;
BEGIN
  IF p_status IS NULL OR NOT p_status = ANY (ARRAY['open', 'pending_customer', 'resolved', 'closed']) THEN
    PERFORM internal.raise_error('P0J35', format('unknown ticket status "%s"', left(p_status, 64)), NULL,
      'The statuses are open, pending_customer, resolved and closed.');
  END IF;
  IF p_customer IS NOT NULL AND p_status <> 'closed' THEN
    PERFORM internal.raise_error('P0J35', format('a customer closes their ticket; setting it %s is for staff', p_status),
      NULL, 'Reply to the ticket to open it again.');
  END IF;
  IF p_status = previous THEN
    PERFORM internal.raise_error('P0J35', format('ticket %s is %s already', p_ticket, p_status));
  END IF;
  UPDATE kassa.tickets t SET status = p_status, updated_at = internal.clock_now()
   WHERE t.tenant_id = p_tenant AND t.id = p_ticket
  RETURNING * INTO ticket;
  PERFORM internal.emit_ticket_event(ticket, 'ticket_status_changed', p_customer IS NOT NULL,
                                     jsonb_build_object('previous_status', previous));
END $$;

-- Staff give a ticket to one of them (a staff token's sub), or to nobody (NULL). Staff's own
-- business: no event, and the ticket's times stay.
CREATE OR REPLACE FUNCTION internal.assign_ticket(p_tenant uuid, p_ticket uuid, p_assignee text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  PERFORM internal.lock_open_ticket(p_tenant, NULL, p_ticket);
  IF p_assignee IS NOT NULL THEN
    PERFORM internal.check_text(p_assignee, 'assignee', 200);
  END IF;
  UPDATE kassa.tickets t SET assignee = p_assignee WHERE t.tenant_id = p_tenant AND t.id = p_ticket;
END $$;

-- POST /rpc/open_ticket (customers), /rpc/reply_ticket and /rpc/set_ticket_status (customers:
-- their own tickets; staff), /rpc/assign_ticket (staff). A customer token's customer_id makes
-- the caller that customer; a staff token carries none.
CREATE OR REPLACE FUNCTION api.open_ticket(subject text, body text, category text, invoice_id uuid DEFAULT NULL,
                                           service_id uuid DEFAULT NULL, attachments jsonb DEFAULT '[]')
RETURNS uuid LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.open_ticket(internal.jwt_tenant_id(), internal.jwt_customer_id(),
                              internal.audit_actor(internal.jwt_claims()), open_ticket.subject, open_ticket.body,
                              open_ticket.category, open_ticket.invoice_id, open_ticket.service_id,
                              open_ticket.attachments)
$$;
GRANT EXECUTE ON FUNCTION api.open_ticket(text, text, text, uuid, uuid, jsonb) TO customer;

CREATE OR REPLACE FUNCTION api.reply_ticket(ticket_id uuid, body text, internal boolean DEFAULT false,
                                            attachments jsonb DEFAULT '[]')
RETURNS uuid LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.reply_ticket(internal.jwt_tenant_id(),
                               CASE WHEN current_setting('role') = 'customer' THEN internal.jwt_customer_id() END,
                               internal.audit_actor(internal.jwt_claims()), reply_ticket.ticket_id, reply_ticket.body,
                               reply_ticket.internal, reply_ticket.attachments)
$$;
GRANT EXECUTE ON FUNCTION api.reply_ticket(uuid, text, boolean, jsonb) TO customer, staff;

CREATE OR REPLACE FUNCTION api.set_ticket_status(ticket_id uuid, status text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.set_ticket_status(internal.jwt_tenant_id(),
                                    CASE WHEN current_setting('role') = 'customer' THEN internal.jwt_customer_id() END,
                                    set_ticket_status.ticket_id, set_ticket_status.status)
$$;
GRANT EXECUTE ON FUNCTION api.set_ticket_status(uuid, text) TO customer, staff;

CREATE OR REPLACE FUNCTION api.assign_ticket(ticket_id uuid, assignee text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.assign_ticket(internal.jwt_tenant_id(), assign_ticket.ticket_id, assign_ticket.assignee)
$$;
GRANT EXECUTE ON FUNCTION api.assign_ticket(uuid, text) TO staff;

-- One file's bytes, read as the caller: row-level security decides (so an internal note's file
-- is never a customer's), as it does for the listing. The response carries the file's own
-- Content-Type, as a download the browser neither renders nor sniffs.
CREATE OR REPLACE FUNCTION internal.ticket_file(p_attachment uuid) RETURNS bytea
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
DECLARE
  file record;
BEGIN
  SELECT a.content, a.content_type INTO file FROM kassa.ticket_attachments a
   WHERE a.tenant_id = internal.jwt_tenant_id() AND a.id = p_attachment;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0J31', format('no ticket attachment %s', p_attachment));
  END IF;
  PERFORM set_config('response.headers', json_build_array(json_build_object('Content-Type', file.content_type),
    json_build_object('Content-Disposition', 'attachment'), json_build_object('X-Content-Type-Options', 'nosniff'))::text,
    true);
  RETURN file.content;
END $$;
GRANT EXECUTE ON FUNCTION internal.ticket_file(uuid) TO customer, staff;

-- GET /rpc/ticket_attachment?attachment_id=…: the bytes as they were sent (PostgREST answers a
-- function returning the "*/*" domain of 390_exports.sql raw, whatever the client accepts).
CREATE OR REPLACE FUNCTION api.ticket_attachment(attachment_id uuid) RETURNS api."*/*"
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT internal.ticket_file(ticket_attachment.attachment_id)::api."*/*"
$$;
GRANT EXECUTE ON FUNCTION api.ticket_attachment(uuid) TO customer, staff;
