-- Events (docs/events.md): the outbox kassa.notifications, one row per business fact, written
-- in the transaction of the fact by the function that makes the change (a rollback takes the
-- event with it). Each row has a stable type name (kind), a versioned payload (version), its
-- tenant and customer, and a uuid (public_id) that stays the same however often a consumer
-- retries it. Every event's payload starts with the customer's fields (internal.event_customer),
-- so a message template needs nothing else.
--
-- Consumers (delivery workers, the SSE gateway) are woken by NOTIFY kassa_events with an empty
-- payload: PostgreSQL folds identical notifications of one transaction into one, so a
-- transaction that writes thousands of events (an invoice run) sends one wake-up and takes the
-- notify queue's lock once. Consumers read the rows themselves, in (xact_id, id) order.

-- The customer's part of every event: who, and in which language to write to them.
CREATE OR REPLACE FUNCTION internal.event_customer(p_tenant uuid, p_customer uuid) RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT jsonb_build_object('customer_id', c.id, 'customer_name', c.name, 'account_number', c.account_number,
                            'locale', coalesce(c.locale, t.locale))
    FROM kassa.customers c JOIN kassa.tenants t ON t.id = c.tenant_id
   WHERE c.tenant_id = p_tenant AND c.id = p_customer
$$;

-- One event of a customer (p_payload: the fact's own fields, version 1 unless given).
CREATE OR REPLACE FUNCTION internal.emit(p_tenant uuid, p_customer uuid, p_kind text, p_payload jsonb,
                                         p_version smallint DEFAULT 1) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload, version)
  VALUES (p_tenant, p_customer, p_kind, coalesce(internal.event_customer(p_tenant, p_customer), '{}') || p_payload,
          p_version)
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
