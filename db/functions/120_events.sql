-- Events (docs/events.md): the outbox kassa.notifications, one row per business fact, written
-- in the transaction of the fact by the function that makes the change (a rollback takes the
-- event with it). Each row has a stable type name (kind), a versioned payload (version), its
-- tenant and customer, and a uuid (public_id) that stays the same however often a consumer
-- retries it. Every event's payload starts with the customer's fields (internal.event_customers),
-- so a message template needs nothing else.
--
-- Consumers (delivery workers, the SSE gateway) are woken by NOTIFY kassa_events with an empty
-- payload: PostgreSQL folds identical notifications of one transaction into one, so a
-- transaction that writes thousands of events (an invoice run) sends one wake-up and takes the
-- notify queue's lock once. Consumers read the rows themselves, in (xact_id, id) order.

-- The customer's part of every event: who, and in which language to write to them. Not a
-- security definer and without a SET clause, so PostgreSQL inlines it into the set-based
-- writers' queries (a join, not a function call per event).
CREATE OR REPLACE FUNCTION internal.event_customers(p_tenant uuid)
RETURNS TABLE (customer_id uuid, fields jsonb) LANGUAGE sql STABLE AS $$
  SELECT c.id, pg_catalog.jsonb_build_object('customer_id', c.id, 'customer_name', c.name,
                                             'account_number', c.account_number,
                                             'locale', coalesce(c.locale, t.locale))
    FROM kassa.customers c JOIN kassa.tenants t ON t.id = c.tenant_id
   WHERE c.tenant_id = p_tenant
$$;

-- The kinds of event Kassa writes (docs/events.md lists each, tests/test_message_preferences.py
-- holds the two equal): what preferences and mandatory kinds may name.
CREATE OR REPLACE FUNCTION internal.event_kinds() RETURNS text[]
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT ARRAY['invoice_issued', 'invoice_overdue', 'payment_received', 'topup_succeeded', 'auto_topup_charged',
               'payment_failed', 'auto_topup_failed', 'auto_topup_disabled', 'payment_refunded',
               'credit_note_issued', 'low_balance', 'service_activated', 'service_suspended',
               'service_reactivated', 'service_cancelled', 'service_plan_changed', 'invoice_reminder',
               'invoice_overdue_notice', 'invoice_final_notice', 'services_suspended', 'services_reactivated',
               'webhook_endpoint_disabled', 'usage_cap_warning', 'document_sent', 'ticket_opened', 'ticket_replied',
               'ticket_status_changed']
$$;

-- Refuses a kind Kassa does not write (P0Z21), naming where p_what came from.
CREATE OR REPLACE FUNCTION internal.check_event_kind(p_kind text, p_what text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
BEGIN
  IF p_kind IS NULL OR NOT p_kind = ANY (internal.event_kinds()) THEN
    PERFORM internal.raise_error('P0Z21', format('%s: unknown event kind "%s"', p_what, left(p_kind, 64)),
      hint => 'The kinds are listed in docs/events.md, e.g. invoice_issued, payment_received, low_balance.');
  END IF;
END $$;
GRANT EXECUTE ON FUNCTION internal.event_kinds(), internal.check_event_kind(text, text) TO customer, staff;

-- One event of a customer (p_payload: the fact's own fields, version 1 unless given).
CREATE OR REPLACE FUNCTION internal.emit(p_tenant uuid, p_customer uuid, p_kind text, p_payload jsonb,
                                         p_version smallint DEFAULT 1) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload, version)
  VALUES (p_tenant, p_customer, p_kind,
          coalesce((SELECT c.fields FROM internal.event_customers(p_tenant) c WHERE c.customer_id = p_customer), '{}')
          || p_payload, p_version)
$$;

-- The wake-up: once per statement that writes events, folded into one per transaction.
CREATE OR REPLACE FUNCTION internal.wake_event_consumers() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  PERFORM pg_catalog.pg_notify('kassa_events', '');
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER wake_event_consumers AFTER INSERT ON kassa.notifications
  FOR EACH STATEMENT EXECUTE FUNCTION internal.wake_event_consumers();

-- --- Reading the outbox in order (the SSE gateway; delivery workers) -----------------------
-- Events are read in (xact_id, id) order and only below the oldest transaction still running
-- (pg_snapshot_xmin): a transaction that started earlier but commits later cannot slip an
-- event in behind a reader's cursor. A long transaction therefore holds events back until it
-- ends (docs/events.md).

-- Where a reader starting now begins: after the newest event it may read.
CREATE OR REPLACE FUNCTION internal.events_cursor(OUT xact_id xid8, OUT id bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT coalesce(newest.xact_id, '0'::xid8), coalesce(newest.id, 0)
    FROM (SELECT) AS always
    LEFT JOIN LATERAL (SELECT n.xact_id, n.id FROM kassa.notifications n
                        WHERE n.xact_id < pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot())
                        ORDER BY n.xact_id DESC, n.id DESC LIMIT 1) newest ON true
$$;

-- The events after a cursor, at most p_limit, of every tenant (the gateway fans them out) or of
-- one tenant and, given p_customer, one customer's (a stream that resumes).
CREATE OR REPLACE FUNCTION internal.events_after(p_xact_id xid8, p_id bigint, p_limit integer,
                                                 p_tenant uuid DEFAULT NULL, p_customer uuid DEFAULT NULL)
RETURNS TABLE (tenant_id uuid, customer_id uuid, public_id uuid, kind text, version smallint, payload jsonb,
               created_at timestamptz, xact_id xid8, id bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT n.tenant_id, n.customer_id, n.public_id, n.kind, n.version, n.payload, n.created_at, n.xact_id, n.id
    FROM kassa.notifications n
   WHERE (n.xact_id, n.id) > (p_xact_id, p_id)
     AND n.xact_id < pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot())
     AND (p_tenant IS NULL OR n.tenant_id = p_tenant) AND (p_customer IS NULL OR n.customer_id = p_customer)
   ORDER BY n.xact_id, n.id
   LIMIT least(greatest(p_limit, 1), 10000)
$$;

-- The cursor of an event a stream saw (its SSE id is the event's uuid), if that stream may see
-- it: of the tenant and, given p_customer, of that customer; no row otherwise.
CREATE OR REPLACE FUNCTION internal.event_position(p_tenant uuid, p_customer uuid, p_event uuid,
                                                   OUT xact_id xid8, OUT id bigint, OUT created_at timestamptz)
RETURNS SETOF record LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT n.xact_id, n.id, n.created_at FROM kassa.notifications n
   WHERE n.tenant_id = p_tenant AND n.public_id = p_event AND (p_customer IS NULL OR n.customer_id = p_customer)
$$;
