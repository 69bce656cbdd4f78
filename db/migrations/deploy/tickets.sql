-- Support tickets (accounts and portal): a customer's question to their tenant's staff, the
-- messages written on it by both sides (staff's internal notes among them, which customers never
-- see) and the files attached to messages, kept in the database with their SHA-256
-- (db/functions/700_tickets.sql, docs/api.md "Support tickets").
BEGIN;
CREATE TABLE kassa.tickets (
  tenant_id       uuid NOT NULL REFERENCES kassa.tenants (id),
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  customer_id     uuid NOT NULL,
  subject         text NOT NULL CONSTRAINT tickets_subject_max_length CHECK (char_length(subject) <= 200)
                  CONSTRAINT tickets_subject_not_blank CHECK (subject ~ '[^[:space:]\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]'),
  category        text NOT NULL CONSTRAINT tickets_category_known
                  CHECK (category = ANY (ARRAY['billing', 'technical', 'account', 'other'])),
  status          text NOT NULL DEFAULT 'open' CONSTRAINT tickets_status_known
                  CHECK (status = ANY (ARRAY['open', 'pending_customer', 'resolved', 'closed'])),
  -- what the ticket is about, when it is about one of the customer's invoices or services
  invoice_id      uuid,
  service_id      uuid,
  assignee        text CONSTRAINT tickets_assignee_max_length CHECK (char_length(assignee) <= 200),  -- a staff token's sub
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  last_message_at timestamptz NOT NULL DEFAULT now(),  -- of the last message the customer sees
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES kassa.customers (tenant_id, id),
  FOREIGN KEY (tenant_id, invoice_id) REFERENCES kassa.invoices (tenant_id, id),
  FOREIGN KEY (tenant_id, service_id) REFERENCES kassa.services (tenant_id, id),
  CONSTRAINT tickets_one_subject_of CHECK (invoice_id IS NULL OR service_id IS NULL)
);
CREATE INDEX tickets_customer ON kassa.tickets (tenant_id, customer_id, last_message_at);
CREATE INDEX tickets_status ON kassa.tickets (tenant_id, status, last_message_at);
ALTER TABLE kassa.tickets ENABLE ROW LEVEL SECURITY;

CREATE TABLE kassa.ticket_messages (
  tenant_id   uuid NOT NULL REFERENCES kassa.tenants (id),
  id          uuid NOT NULL DEFAULT gen_random_uuid(),
  ticket_id   uuid NOT NULL,
  author_role text NOT NULL CONSTRAINT ticket_messages_author_role_known
              CHECK (author_role = ANY (ARRAY['customer', 'staff'])),
  author_sub  text CONSTRAINT ticket_messages_author_sub_max_length CHECK (char_length(author_sub) <= 200),
  internal    boolean NOT NULL DEFAULT false,  -- a staff note the customer never sees
  body        text NOT NULL CONSTRAINT ticket_messages_body_max_length CHECK (char_length(body) <= 10000)
              CONSTRAINT ticket_messages_body_not_blank CHECK (body ~ '[^[:space:]\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, ticket_id) REFERENCES kassa.tickets (tenant_id, id),
  CONSTRAINT ticket_messages_internal_by_staff CHECK (NOT internal OR author_role = 'staff')
);
CREATE INDEX ticket_messages_ticket ON kassa.ticket_messages (tenant_id, ticket_id, created_at);
ALTER TABLE kassa.ticket_messages ENABLE ROW LEVEL SECURITY;

CREATE TABLE kassa.ticket_attachments (
  tenant_id    uuid NOT NULL REFERENCES kassa.tenants (id),
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  message_id   uuid NOT NULL,
  file_name    text NOT NULL CONSTRAINT ticket_attachments_file_name_length CHECK (char_length(file_name) BETWEEN 1 AND 255),
  content_type text NOT NULL CONSTRAINT ticket_attachments_content_type_known
               CHECK (content_type = ANY (ARRAY['application/pdf', 'image/png', 'image/jpeg', 'text/plain'])),
  content      bytea NOT NULL CONSTRAINT ticket_attachments_content_size CHECK (octet_length(content) BETWEEN 1 AND 2097152),
  sha256       text NOT NULL GENERATED ALWAYS AS (encode(sha256(content), 'hex')) STORED
               CONSTRAINT ticket_attachments_sha256_format CHECK (char_length(sha256) = 64),
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, message_id) REFERENCES kassa.ticket_messages (tenant_id, id)
);
CREATE INDEX ticket_attachments_message ON kassa.ticket_attachments (tenant_id, message_id);
ALTER TABLE kassa.ticket_attachments ENABLE ROW LEVEL SECURITY;
COMMIT;
