-- Message preferences (docs/messages.md#preferences): per customer, which event kinds come on
-- which channel (kassa.message_preferences; without a row e-mail is on and SMS off) and the
-- quiet hours their messages wait out (kassa.quiet_hours, local times of the tenant's time
-- zone); per tenant, the mandatory kinds (kassa.tenants.mandatory_message_kinds, set by staff
-- with PATCH /tenants): a mandatory kind always goes by e-mail, whatever the customer chose, and
-- never waits for quiet hours. The customer's language is their locale (PATCH /customers).
-- internal.fan_out_events (db/functions/500_messages.sql) applies all of it.

SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.message_preferences', 'kassa.quiet_hours');
SELECT internal.allow('customer', 'SELECT', internal.own_rows(), 'kassa.message_preferences', 'kassa.quiet_hours');
GRANT SELECT ON kassa.message_preferences, kassa.quiet_hours TO customer, staff;
SELECT internal.audit_table('kassa.message_preferences', 'tenant_id', 'customer_id', 'kind', 'channel');
SELECT internal.audit_table('kassa.quiet_hours', 'tenant_id', 'customer_id');

-- The channels a message goes by.
CREATE OR REPLACE FUNCTION internal.message_channels() RETURNS text[]
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT ARRAY['email', 'sms', 'push']
$$;
GRANT EXECUTE ON FUNCTION internal.message_channels() TO customer, staff;

-- A phone number as SMS gateways take it (E.164: +, country code, number; 8 to 15 digits),
-- written with or without spaces, dashes and brackets; NULL for one that is not.
CREATE OR REPLACE FUNCTION internal.e164(p_phone text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT NULLIF(substring(pg_catalog.regexp_replace(p_phone, '[ ()-]', '', 'g') FROM '^\+[1-9][0-9]{7,14}$'), '')
$$;

-- Whether a customer gets a kind on a channel: a mandatory kind by e-mail always, otherwise
-- their preference, else the channel's default (e-mail on, SMS off, web push on: subscribing a
-- browser is the customer's opt-in).
CREATE OR REPLACE FUNCTION internal.wants_message(p_preference boolean, p_channel text, p_mandatory boolean)
RETURNS boolean LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT (p_mandatory AND p_channel = 'email') OR coalesce(p_preference, p_channel IN ('email', 'push'))
$$;
GRANT EXECUTE ON FUNCTION internal.wants_message(boolean, text, boolean) TO customer, staff;

-- Every customer's choice for every kind and channel, as the fan-out applies it: `enabled` is
-- what they get (their row, else the default; a mandatory kind on e-mail whatever they chose),
-- `chosen` their own row's answer (NULL: none).
CREATE VIEW api.message_preferences WITH (security_invoker = true) AS
  SELECT c.tenant_id, c.id AS customer_id, k.kind, ch.channel,
         internal.wants_message(p.enabled, ch.channel, k.kind = ANY (t.mandatory_message_kinds)) AS enabled,
         p.enabled AS chosen, k.kind = ANY (t.mandatory_message_kinds) AS mandatory
    FROM kassa.customers c
    JOIN kassa.tenants t ON t.id = c.tenant_id
   CROSS JOIN unnest(internal.event_kinds()) k (kind)
   CROSS JOIN unnest(internal.message_channels()) ch (channel)
    LEFT JOIN kassa.message_preferences p
           ON p.tenant_id = c.tenant_id AND p.customer_id = c.id AND p.kind = k.kind AND p.channel = ch.channel;
GRANT SELECT ON api.message_preferences TO customer, staff;

CREATE VIEW api.quiet_hours WITH (security_invoker = true) AS
  SELECT q.tenant_id, q.customer_id, to_char(q.starts, 'HH24:MI') AS starts, to_char(q.ends, 'HH24:MI') AS ends,
         t.timezone
    FROM kassa.quiet_hours q JOIN kassa.tenants t ON t.id = q.tenant_id;
GRANT SELECT ON api.quiet_hours TO customer, staff;

-- Whose preferences the caller may set: a customer their own, staff any of their tenant's
-- (not closed: a closed customer gets no messages).
CREATE OR REPLACE FUNCTION internal.preference_owner(p_customer uuid) RETURNS uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  whose uuid := CASE WHEN current_setting('role') = 'customer' THEN internal.jwt_customer_id() ELSE p_customer END;
BEGIN
  IF whose IS NULL THEN
    PERFORM internal.raise_error('P0Z25', 'staff name the customer (customer_id)');
  END IF;
  IF (p_customer IS NOT NULL AND p_customer <> whose)
     OR NOT EXISTS (SELECT FROM kassa.customers c
                     WHERE c.tenant_id = internal.jwt_tenant_id() AND c.id = whose AND c.status <> 'closed') THEN
    PERFORM internal.raise_error('P0Z25', format('unknown or closed customer %s (customers set only their own preferences)',
                                                 coalesce(p_customer, whose)));
  END IF;
  RETURN whose;
END $$;

-- Yes or no to one kind on one channel, for one customer.
CREATE OR REPLACE FUNCTION internal.set_message_preference(p_tenant uuid, p_customer uuid, p_kind text, p_channel text,
                                                           p_enabled boolean)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  PERFORM internal.check_event_kind(p_kind, 'a message preference');
  IF p_channel IS NULL OR NOT p_channel = ANY (internal.message_channels()) THEN
    PERFORM internal.raise_error('P0Z22', format('unknown channel "%s"', left(p_channel, 16)),
      hint => 'The channels are email, sms and push.');
  END IF;
  IF p_enabled IS NULL THEN
    PERFORM internal.raise_error('P0Z23', 'enabled must be true or false');
  END IF;
  INSERT INTO kassa.message_preferences AS p (tenant_id, customer_id, kind, channel, enabled)
  VALUES (p_tenant, p_customer, p_kind, p_channel, p_enabled)
      ON CONFLICT (tenant_id, customer_id, kind, channel)
      DO UPDATE SET enabled = excluded.enabled, updated_at = now();
END $$;

-- A customer's quiet hours: from p_starts to p_ends ("HH:MM", the tenant's time zone; ends
-- before starts: over midnight) messages wait; both null: none.
CREATE OR REPLACE FUNCTION internal.set_quiet_hours(p_tenant uuid, p_customer uuid, p_starts text, p_ends text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  IF p_starts IS NULL AND p_ends IS NULL THEN
    DELETE FROM kassa.quiet_hours q WHERE q.tenant_id = p_tenant AND q.customer_id = p_customer;
    RETURN;
  END IF;
  IF p_starts IS NULL OR p_ends IS NULL OR p_starts !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'
     OR p_ends !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' OR p_starts = p_ends THEN
    PERFORM internal.raise_error('P0Z24', format('quiet hours need two different times "HH:MM", not %s and %s',
                                                 coalesce(left(p_starts, 16), 'none'), coalesce(left(p_ends, 16), 'none')),
      hint => 'E.g. {"starts": "21:00", "ends": "07:00"}; both null for none.');
  END IF;
  INSERT INTO kassa.quiet_hours AS q (tenant_id, customer_id, starts, ends)
  VALUES (p_tenant, p_customer, p_starts::time, p_ends::time)
      ON CONFLICT (tenant_id, customer_id) DO UPDATE SET starts = excluded.starts, ends = excluded.ends, updated_at = now();
END $$;

-- POST /rpc/set_message_preference, POST /rpc/set_quiet_hours: for the caller (a customer) or
-- the customer named (staff).
CREATE OR REPLACE FUNCTION api.set_message_preference(kind text, channel text, enabled boolean, customer_id uuid DEFAULT NULL)
RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.set_message_preference(internal.jwt_tenant_id(), internal.preference_owner(customer_id), kind, channel,
                                         enabled)
$$;
CREATE OR REPLACE FUNCTION api.set_quiet_hours(starts text, ends text, customer_id uuid DEFAULT NULL)
RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.set_quiet_hours(internal.jwt_tenant_id(), internal.preference_owner(customer_id), starts, ends)
$$;
GRANT EXECUTE ON FUNCTION api.set_message_preference(text, text, boolean, uuid), api.set_quiet_hours(text, text, uuid)
  TO customer, staff;

-- When a message made at p_at may go: at once, or (inside quiet hours from p_starts to p_ends,
-- local times in p_zone) when they end.
CREATE OR REPLACE FUNCTION internal.after_quiet_hours(p_at timestamptz, p_starts time, p_ends time, p_zone text)
RETURNS timestamptz LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT CASE
           WHEN p_starts IS NULL THEN p_at
           WHEN p_starts < p_ends AND local.at::time >= p_starts AND local.at::time < p_ends
             THEN (local.at::date + p_ends) AT TIME ZONE p_zone
           WHEN p_starts > p_ends AND local.at::time >= p_starts
             THEN (local.at::date + 1 + p_ends) AT TIME ZONE p_zone
           WHEN p_starts > p_ends AND local.at::time < p_ends
             THEN (local.at::date + p_ends) AT TIME ZONE p_zone
           ELSE p_at
         END
    FROM (SELECT p_at AT TIME ZONE p_zone) local (at)
$$;

-- The unsubscribe link of a mail (bridge/unsubscribe.py, its token signed by the bridge): the
-- kind off on the channel for the customer. False when there was nothing to turn off: the kind
-- is mandatory for the tenant (its mail carries no link), or the customer is unknown.
CREATE OR REPLACE FUNCTION internal.unsubscribe(p_tenant uuid, p_customer uuid, p_kind text, p_channel text)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  PERFORM internal.check_event_kind(p_kind, 'an unsubscribe link');
  IF NOT EXISTS (SELECT FROM kassa.customers c JOIN kassa.tenants t ON t.id = c.tenant_id
                  WHERE c.tenant_id = p_tenant AND c.id = p_customer AND NOT p_kind = ANY (t.mandatory_message_kinds))
     OR NOT p_channel = ANY (internal.message_channels()) THEN
    RETURN false;
  END IF;
  INSERT INTO kassa.message_preferences AS p (tenant_id, customer_id, kind, channel, enabled)
  VALUES (p_tenant, p_customer, p_kind, p_channel, false)
      ON CONFLICT (tenant_id, customer_id, kind, channel) DO UPDATE SET enabled = false, updated_at = now();
  RETURN true;
END $$;
