SELECT tenant_id, id, customer_id, subject, category, status, invoice_id, service_id, assignee, created_at, updated_at,
       last_message_at
  FROM kassa.tickets WHERE false;
SELECT tenant_id, id, ticket_id, author_role, author_sub, internal, body, created_at FROM kassa.ticket_messages WHERE false;
SELECT tenant_id, id, message_id, file_name, content_type, content, sha256, created_at FROM kassa.ticket_attachments WHERE false;
