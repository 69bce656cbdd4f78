-- Webhooks: the outbox's events (kassa.notifications) delivered to the tenants' own systems,
-- one HTTP POST per event and endpoint, signed per the Standard Webhooks scheme
-- (docs/messages.md, "Webhooks"). Staff manage their tenant's endpoints with the RPCs below; the
-- delivery worker (bridge/webhook_sender.py) fans events out into deliveries, claims the due
-- ones, posts them and records each attempt, each step one function here.
--
-- An endpoint reads the outbox through its own cursor, in the commit-safe order of
-- internal.events_after (120_events.sql), so the e-mail fan-out's delivered_at is none of its
-- business; the key (endpoint, event) makes a second fan-out of an event add nothing. Delivery
-- is at least once: a delivery claimed by a worker that died is claimed again when its lease
-- runs out, under the same public id (the webhook-id header).

SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.webhook_endpoints',
                      'kassa.webhook_endpoint_states', 'kassa.webhook_deliveries', 'kassa.webhook_attempts');
-- Signing secrets are shown once, by the RPC that makes them, and never read over the API.
ALTER TABLE kassa.webhook_secrets ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON kassa.webhook_endpoints, kassa.webhook_endpoint_states, kassa.webhook_deliveries,
  kassa.webhook_attempts TO staff;
-- Staff's changes of an endpoint (where the tenant's data goes) are in the audit log; what
-- delivery changes each round is in kassa.webhook_endpoint_states.
-- Logged under the public id, without the bigint id (a counter of the whole platform).
SELECT internal.audit_table('kassa.webhook_endpoints', 'tenant_id', 'public_id', '!id');

CREATE VIEW api.webhook_endpoints WITH (security_invoker = true) AS
  SELECT e.public_id AS id, e.tenant_id, e.url, e.description, e.event_kinds, e.enabled, e.disabled_reason,
         e.disabled_at, s.failing_since, s.last_error, e.created_at, e.updated_at
    FROM kassa.webhook_endpoints e
    JOIN kassa.webhook_endpoint_states s ON s.tenant_id = e.tenant_id AND s.endpoint_id = e.public_id;

CREATE VIEW api.webhook_deliveries WITH (security_invoker = true) AS
  SELECT d.public_id AS id, d.tenant_id, d.endpoint_id, d.notification_id AS event_id, n.kind, d.status,
         d.attempts, d.next_attempt_at, d.last_error, d.delivered_at, d.created_at
    FROM kassa.webhook_deliveries d
    JOIN kassa.notifications n ON n.tenant_id = d.tenant_id AND n.public_id = d.notification_id;

CREATE VIEW api.webhook_attempts WITH (security_invoker = true) AS
  SELECT a.delivery_id, a.tenant_id, a.attempt, a.status_code, a.latency_ms, a.response, a.error, a.outcome, a.created_at
    FROM kassa.webhook_attempts a;
GRANT SELECT ON api.webhook_endpoints, api.webhook_deliveries, api.webhook_attempts TO staff;

-- --- Endpoints --------------------------------------------------------------------------------

-- Addresses no webhook goes to unless the tenant may reach private networks (a DBA sets
-- kassa.tenants.webhooks_allow_private): loopback, private, carrier-grade NAT, link-local,
-- unspecified, multicast and reserved. The worker checks every resolved address the same way
-- (Python's ipaddress: not is_global); this one refuses an address literal in the URL at once.
CREATE OR REPLACE FUNCTION internal.is_private_address(p_address inet) RETURNS boolean
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT EXISTS (SELECT FROM unnest(ARRAY['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16',
                                          '172.16.0.0/12', '192.0.0.0/24', '192.168.0.0/16', '198.18.0.0/15',
                                          '224.0.0.0/3', '::/127', '::ffff:0:0/96', 'fc00::/7', 'fe80::/10',
                                          'ff00::/8']::inet[]) r
                  WHERE pg_catalog.family(r) = pg_catalog.family(p_address) AND p_address <<= r)
$$;

-- A URL a webhook may be posted to, else an error with a stable code: http or https, a host,
-- no user or password (they would travel in every request and show in every log), at most 2000
-- characters, and no private address literal for a tenant not allowed one.
CREATE OR REPLACE FUNCTION internal.check_webhook_url(p_tenant uuid, p_url text) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  parts text[];
  host text;
  port text;
  literal inet;
BEGIN
  IF p_url IS NULL OR p_url = '' OR char_length(p_url) > 2000 THEN
    PERFORM internal.raise_error('P0F03', format('a webhook URL has 1 to 2000 characters, not %s',
                                                 coalesce(char_length(p_url), 0)));
  END IF;
  parts := regexp_match(p_url, '^(https?)://([^/?#]*)([/?#].*)?$', 'i');
  IF parts IS NULL THEN
    PERFORM internal.raise_error('P0F01', 'a webhook URL starts with http:// or https://',
                                 format('not %s', left(p_url, 100)));
  END IF;
  IF position('@' IN parts[2]) > 0 THEN
    PERFORM internal.raise_error('P0F02', 'a webhook URL carries no user name or password',
                                 hint => 'Verify the signature instead (docs/messages.md, "Webhooks").');
  END IF;
  IF parts[2] ~ '^\[' THEN  -- an IPv6 literal: [::1]:8080
    host := substring(parts[2] FROM '^\[([0-9A-Fa-f:.]+)\]');
    port := substring(parts[2] FROM '^\[[^]]*\](?::(.*))?$');
  ELSE
    host := split_part(parts[2], ':', 1);
    port := nullif(substring(parts[2] FROM ':(.*)$'), '');
  END IF;
  IF host IS NULL OR host !~ '^[A-Za-z0-9.:-]{1,253}$' OR p_url ~ '[[:space:][:cntrl:]]'
     OR (port IS NOT NULL AND (port !~ '^[0-9]{1,5}$' OR port::integer NOT BETWEEN 1 AND 65535)) THEN
    PERFORM internal.raise_error('P0F04', format('a webhook URL needs a host name and a port from 1 to 65535: %s',
                                                 left(p_url, 100)));
  END IF;
  IF host ~ '^[0-9.]+$|:' THEN  -- an address, not a name
    BEGIN
      literal := host::inet;
    EXCEPTION WHEN invalid_text_representation THEN
      PERFORM internal.raise_error('P0F04', format('a webhook URL names no valid address: %s', host));
    END;
  END IF;
  IF NOT coalesce((SELECT t.webhooks_allow_private FROM kassa.tenants t WHERE t.id = p_tenant), false)
     AND (lower(host) = 'localhost' OR lower(host) LIKE '%.localhost' OR internal.is_private_address(literal)) THEN
    PERFORM internal.raise_error('P0F05', format('webhooks do not go to private, loopback or link-local addresses: %s', host));
  END IF;
END $$;

CREATE OR REPLACE FUNCTION internal.check_event_kinds(p_kinds text[]) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = '' AS $$
BEGIN
  IF cardinality(p_kinds) > 100 OR EXISTS (SELECT FROM unnest(p_kinds) k WHERE k IS NULL OR k !~ '^[a-z_]{1,64}$') THEN
    PERFORM internal.raise_error('P0F06', 'an event filter lists at most 100 event kinds, each lower case with underscores',
                                 hint => 'The kinds are in docs/events.md; an empty list takes every kind.');
  END IF;
END $$;

-- A fresh signing secret: whsec_ and 24 random bytes in base64, as Standard Webhooks writes them.
CREATE OR REPLACE FUNCTION internal.new_webhook_secret(p_tenant uuid, p_endpoint uuid) RETURNS text
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = '' AS $$
  INSERT INTO kassa.webhook_secrets (tenant_id, endpoint_id, secret, created_at)
  VALUES (p_tenant, p_endpoint, 'whsec_' || pg_catalog.encode(public.gen_random_bytes(24), 'base64'), internal.clock_now())
  RETURNING secret
$$;

CREATE OR REPLACE FUNCTION internal.webhook_endpoint_json(e kassa.webhook_endpoints) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT pg_catalog.jsonb_build_object('id', e.public_id, 'url', e.url, 'description', e.description,
                                       'event_kinds', e.event_kinds, 'enabled', e.enabled,
                                       'disabled_reason', e.disabled_reason, 'created_at', e.created_at)
$$;

-- A new endpoint of the tenant, with its first secret (in the answer only). It takes the events
-- written from now on.
CREATE OR REPLACE FUNCTION internal.create_webhook_endpoint(p_tenant uuid, p_url text, p_event_kinds text[],
                                                            p_description text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  endpoint kassa.webhook_endpoints;
BEGIN
  PERFORM internal.check_webhook_url(p_tenant, p_url);
  PERFORM internal.check_event_kinds(coalesce(p_event_kinds, '{}'));
  INSERT INTO kassa.webhook_endpoints (tenant_id, url, event_kinds, description, created_at, updated_at)
  VALUES (p_tenant, p_url, coalesce(p_event_kinds, '{}'), p_description, internal.clock_now(), internal.clock_now())
  RETURNING * INTO endpoint;
  INSERT INTO kassa.webhook_endpoint_states (tenant_id, endpoint_id, cursor_xact_id, cursor_id)
  SELECT p_tenant, endpoint.public_id, c.xact_id, c.id FROM internal.events_cursor() c;
  RETURN internal.webhook_endpoint_json(endpoint)
         || pg_catalog.jsonb_build_object('secret', internal.new_webhook_secret(p_tenant, endpoint.public_id));
END $$;

CREATE OR REPLACE FUNCTION internal.tenant_webhook_endpoint(p_tenant uuid, p_endpoint uuid) RETURNS kassa.webhook_endpoints
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  endpoint kassa.webhook_endpoints;
BEGIN
  SELECT e.* INTO endpoint FROM kassa.webhook_endpoints e
   WHERE e.tenant_id = p_tenant AND e.public_id = p_endpoint FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0F07', format('no webhook endpoint %s in this tenant', p_endpoint));
  END IF;
  RETURN endpoint;
END $$;

-- Staff change an endpoint: what is not given stays. Enabled again, it is no longer failing and
-- takes up the outbox where it stopped: what happened while it was off is delivered too.
CREATE OR REPLACE FUNCTION internal.update_webhook_endpoint(p_tenant uuid, p_endpoint uuid, p_url text,
                                                            p_event_kinds text[], p_description text, p_enabled boolean)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  endpoint kassa.webhook_endpoints := internal.tenant_webhook_endpoint(p_tenant, p_endpoint);
BEGIN
  IF p_url IS NOT NULL THEN
    PERFORM internal.check_webhook_url(p_tenant, p_url);
  END IF;
  PERFORM internal.check_event_kinds(p_event_kinds);
  UPDATE kassa.webhook_endpoints e
     SET url = coalesce(p_url, e.url), event_kinds = coalesce(p_event_kinds, e.event_kinds),
         description = coalesce(p_description, e.description),
         enabled = coalesce(p_enabled, e.enabled),
         disabled_reason = CASE WHEN NOT coalesce(p_enabled, e.enabled) THEN coalesce(e.disabled_reason, 'staff') END,
         disabled_at = CASE WHEN NOT coalesce(p_enabled, e.enabled) THEN coalesce(e.disabled_at, internal.clock_now()) END,
         updated_at = internal.clock_now()
   WHERE e.tenant_id = p_tenant AND e.id = endpoint.id
  RETURNING * INTO endpoint;
  IF p_enabled THEN
    UPDATE kassa.webhook_endpoint_states s SET failing_since = NULL
     WHERE s.tenant_id = p_tenant AND s.endpoint_id = endpoint.public_id;
  END IF;
  RETURN internal.webhook_endpoint_json(endpoint);
END $$;

-- A new signing secret; the ones before it stay valid (deliveries are signed with each) for
-- p_overlap, so the receiver can switch to the new one meanwhile.
CREATE OR REPLACE FUNCTION internal.rotate_webhook_secret(p_tenant uuid, p_endpoint uuid, p_overlap interval)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  endpoint kassa.webhook_endpoints := internal.tenant_webhook_endpoint(p_tenant, p_endpoint);
  previous_until timestamptz := internal.clock_now() + p_overlap;
BEGIN
  IF p_overlap IS NULL OR p_overlap < interval '0' OR p_overlap > interval '7 days' THEN
    PERFORM internal.raise_error('P0F10', format('the overlap of two secrets is 0 to 168 hours, not %s', p_overlap));
  END IF;
  DELETE FROM kassa.webhook_secrets s
   WHERE s.tenant_id = p_tenant AND s.endpoint_id = endpoint.public_id AND s.expires_at <= internal.clock_now();
  UPDATE kassa.webhook_secrets s SET expires_at = least(s.expires_at, previous_until)
   WHERE s.tenant_id = p_tenant AND s.endpoint_id = endpoint.public_id AND (s.expires_at IS NULL OR s.expires_at > previous_until);
  RETURN pg_catalog.jsonb_build_object('id', endpoint.public_id, 'secret', internal.new_webhook_secret(p_tenant, endpoint.public_id),
                                       'previous_secrets_expire_at', previous_until);
END $$;

-- The endpoint stops receiving (410 Gone, or failing for too long) and staff are told: an event
-- in the outbox without a customer.
CREATE OR REPLACE FUNCTION internal.disable_webhook_endpoint(p_tenant uuid, p_endpoint uuid, p_reason text, p_error text)
RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  WITH disabled AS (
    UPDATE kassa.webhook_endpoints e
       SET enabled = false, disabled_reason = p_reason, disabled_at = internal.clock_now(), updated_at = internal.clock_now()
     WHERE e.tenant_id = p_tenant AND e.public_id = p_endpoint AND e.enabled
    RETURNING e.*
  )
  SELECT internal.emit(d.tenant_id, NULL, 'webhook_endpoint_disabled', pg_catalog.jsonb_build_object(
           'endpoint_id', d.public_id, 'url', d.url, 'reason', p_reason, 'failing_since', s.failing_since,
           'last_error', p_error, 'disabled_at', d.disabled_at))
    FROM disabled d JOIN kassa.webhook_endpoint_states s ON s.tenant_id = d.tenant_id AND s.endpoint_id = d.public_id
$$;

-- Staff send one delivery again: queued for an attempt at once (the next attempt after it, if
-- that one fails, follows the schedule from where the delivery's attempts stand).
CREATE OR REPLACE FUNCTION internal.resend_webhook(p_tenant uuid, p_delivery uuid) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  delivery kassa.webhook_deliveries;
  endpoint_enabled boolean;
BEGIN
  SELECT d.* INTO delivery FROM kassa.webhook_deliveries d
   WHERE d.tenant_id = p_tenant AND d.public_id = p_delivery FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0F08', format('no webhook delivery %s in this tenant', p_delivery));
  END IF;
  SELECT e.enabled INTO endpoint_enabled FROM kassa.webhook_endpoints e
   WHERE e.tenant_id = p_tenant AND e.public_id = delivery.endpoint_id;
  IF NOT endpoint_enabled OR delivery.status = 'sending' THEN
    PERFORM internal.raise_error('P0F09', format('delivery %s cannot be sent again now: %s', p_delivery,
                                                 CASE WHEN delivery.status = 'sending' THEN 'it is being sent'
                                                      ELSE 'its endpoint is disabled (enable it first)' END));
  END IF;
  UPDATE kassa.webhook_deliveries d
     SET status = 'queued', next_attempt_at = internal.clock_now(), delivered_at = NULL
   WHERE d.tenant_id = p_tenant AND d.id = delivery.id
  RETURNING * INTO delivery;
  RETURN pg_catalog.jsonb_build_object('id', delivery.public_id, 'status', delivery.status,
                                       'next_attempt_at', delivery.next_attempt_at);
END $$;

CREATE OR REPLACE FUNCTION api.create_webhook_endpoint(url text, event_kinds text[] DEFAULT '{}',
                                                       description text DEFAULT NULL) RETURNS jsonb
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.create_webhook_endpoint(internal.jwt_tenant_id(), create_webhook_endpoint.url,
                                          create_webhook_endpoint.event_kinds, create_webhook_endpoint.description)
$$;

CREATE OR REPLACE FUNCTION api.update_webhook_endpoint(endpoint_id uuid, url text DEFAULT NULL,
                                                       event_kinds text[] DEFAULT NULL, description text DEFAULT NULL,
                                                       enabled boolean DEFAULT NULL) RETURNS jsonb
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.update_webhook_endpoint(internal.jwt_tenant_id(), update_webhook_endpoint.endpoint_id,
                                          update_webhook_endpoint.url, update_webhook_endpoint.event_kinds,
                                          update_webhook_endpoint.description, update_webhook_endpoint.enabled)
$$;

CREATE OR REPLACE FUNCTION api.rotate_webhook_secret(endpoint_id uuid, overlap_hours integer DEFAULT 24) RETURNS jsonb
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.rotate_webhook_secret(internal.jwt_tenant_id(), rotate_webhook_secret.endpoint_id,
                                        pg_catalog.make_interval(hours => rotate_webhook_secret.overlap_hours))
$$;

CREATE OR REPLACE FUNCTION api.resend_webhook(delivery_id uuid) RETURNS jsonb
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.resend_webhook(internal.jwt_tenant_id(), resend_webhook.delivery_id)
$$;

GRANT EXECUTE ON FUNCTION api.create_webhook_endpoint(text, text[], text),
  api.update_webhook_endpoint(uuid, text, text[], text, boolean), api.rotate_webhook_secret(uuid, integer),
  api.resend_webhook(uuid) TO staff;

-- --- Delivery (bridge/webhook_sender.py) -------------------------------------------------------

CREATE OR REPLACE FUNCTION internal.check_webhook_worker_limits(p_what text, p_limit integer, p_lease interval)
RETURNS void LANGUAGE plpgsql IMMUTABLE SET search_path = '' AS $$
BEGIN
  IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 10000 OR p_lease IS NULL OR p_lease <= interval '0' THEN
    PERFORM internal.raise_error('P0F11', format('%s needs a limit of 1 to 10000 and a positive interval, not %s and %s',
                                                 p_what, p_limit, p_lease));
  END IF;
END $$;

-- Each enabled endpoint not locked by another worker reads up to p_limit events of its tenant
-- after its cursor and queues one delivery per event its filter takes; its cursor moves past
-- what it read, and past the outbox's end when it read everything, so an endpoint of a quiet
-- tenant does not scan the other tenants' events again each round (the end and the events come
-- from one snapshot). Returns the number of events read.
CREATE OR REPLACE FUNCTION internal.fan_out_webhooks(p_limit integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  endpoint record;
  events_read integer;
  total integer := 0;
BEGIN
  PERFORM internal.check_webhook_worker_limits('the webhook fan-out', p_limit, interval '1 second');
  FOR endpoint IN SELECT e.tenant_id, e.public_id, e.event_kinds, s.cursor_xact_id, s.cursor_id
                    FROM kassa.webhook_endpoints e
                    JOIN kassa.webhook_endpoint_states s ON s.tenant_id = e.tenant_id AND s.endpoint_id = e.public_id
                   WHERE e.enabled ORDER BY e.id FOR UPDATE OF s SKIP LOCKED LOOP
    WITH outbox_end AS (
      SELECT c.xact_id, c.id FROM internal.events_cursor() c
    ), events AS (
      SELECT n.tenant_id, n.public_id, n.kind, n.xact_id, n.id
        FROM internal.events_after(endpoint.cursor_xact_id, endpoint.cursor_id, p_limit, endpoint.tenant_id) n
    ), queued AS (
      INSERT INTO kassa.webhook_deliveries (tenant_id, endpoint_id, notification_id, next_attempt_at, created_at)
      SELECT n.tenant_id, endpoint.public_id, n.public_id, internal.clock_now(), internal.clock_now() FROM events n
       WHERE cardinality(endpoint.event_kinds) = 0 OR n.kind = ANY (endpoint.event_kinds)
          ON CONFLICT ON CONSTRAINT webhook_deliveries_one_per_endpoint DO NOTHING
    ), last_read AS (
      SELECT n.xact_id, n.id FROM events n ORDER BY n.xact_id DESC, n.id DESC LIMIT 1
    ), moved AS (
      UPDATE kassa.webhook_endpoint_states s
         SET cursor_xact_id = position.xact_id, cursor_id = position.id
        FROM (SELECT CASE WHEN (SELECT count(*) FROM events) < p_limit THEN o.xact_id ELSE l.xact_id END AS xact_id,
                     CASE WHEN (SELECT count(*) FROM events) < p_limit THEN o.id ELSE l.id END AS id
                FROM outbox_end o LEFT JOIN last_read l ON true) position
       WHERE s.tenant_id = endpoint.tenant_id AND s.endpoint_id = endpoint.public_id
         AND (position.xact_id, position.id) > (s.cursor_xact_id, s.cursor_id)
    )
    SELECT count(*) INTO events_read FROM events;
    total := total + events_read;
  END LOOP;
  RETURN total;
END $$;

-- Up to p_limit deliveries due for an attempt, of enabled endpoints: queued ones whose next
-- attempt has come, and sends whose lease ran out (the worker that claimed them died or hung).
-- Each becomes `sending`, one attempt more, leased for p_lease. With each, what the request
-- needs: the URL, the secrets to sign with (newest first), whether the tenant may reach private
-- addresses, and the body: the event as JSON.
CREATE OR REPLACE FUNCTION internal.claim_webhook_deliveries(p_limit integer, p_lease interval)
RETURNS TABLE (tenant_id uuid, delivery_id uuid, attempt integer, url text, secrets text[], allow_private boolean,
               kind text, body text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  PERFORM internal.check_webhook_worker_limits('claiming webhook deliveries', p_limit, p_lease);
  RETURN QUERY
  WITH due AS (
    SELECT d.tenant_id, d.id FROM kassa.webhook_deliveries d
      JOIN kassa.webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.public_id = d.endpoint_id
     WHERE d.status IN ('queued', 'sending') AND d.next_attempt_at <= internal.clock_now() AND e.enabled
     ORDER BY d.next_attempt_at, d.id LIMIT p_limit
       FOR UPDATE OF d SKIP LOCKED
  ), claimed AS (
    UPDATE kassa.webhook_deliveries d
       SET status = 'sending', attempts = d.attempts + 1, next_attempt_at = internal.clock_now() + p_lease
      FROM due WHERE d.tenant_id = due.tenant_id AND d.id = due.id
    RETURNING d.*
  )
  SELECT c.tenant_id, c.public_id, c.attempts, e.url,
         ARRAY(SELECT s.secret FROM kassa.webhook_secrets s
                WHERE s.tenant_id = c.tenant_id AND s.endpoint_id = c.endpoint_id
                  AND (s.expires_at IS NULL OR s.expires_at > internal.clock_now())
                ORDER BY s.id DESC),
         t.webhooks_allow_private, n.kind,
         pg_catalog.jsonb_build_object('id', n.public_id, 'type', n.kind, 'version', n.version,
                                       'timestamp', n.created_at, 'tenant_id', n.tenant_id,
                                       'customer_id', n.customer_id, 'data', n.payload)::text
    FROM claimed c
    JOIN kassa.webhook_endpoints e ON e.tenant_id = c.tenant_id AND e.public_id = c.endpoint_id
    JOIN kassa.tenants t ON t.id = c.tenant_id
    JOIN kassa.notifications n ON n.tenant_id = c.tenant_id AND n.public_id = c.notification_id;
END $$;

-- What one attempt of a claimed delivery came to, logged, and what follows: a 2xx answer
-- delivers it; 410 Gone disables the endpoint at once; any other answer or none (p_error: a
-- timeout, a refused address, a redirect) queues it for its next attempt after the schedule's
-- delay for it (p_schedule[n]: before attempt n; a tenth to either side, so receivers coming
-- back are not hit by every retry at once), or a receiver's longer Retry-After (at most a day),
-- and fails it for good after the schedule's last attempt. An endpoint failing without a
-- single success for p_disable_after is disabled. An attempt whose lease ran out meanwhile
-- (another worker claimed the delivery, or recorded it) is logged and changes nothing else.
-- Returns the outcome: delivered, retrying, failed, endpoint_disabled or superseded.
CREATE OR REPLACE FUNCTION internal.record_webhook_attempt(p_tenant uuid, p_delivery uuid, p_attempt integer,
                                                           p_status_code integer, p_latency_ms integer,
                                                           p_response text, p_error text, p_retry_after interval,
                                                           p_schedule interval[], p_disable_after interval)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  delivery kassa.webhook_deliveries;
  endpoint kassa.webhook_endpoints;
  state kassa.webhook_endpoint_states;
  moment timestamptz := internal.clock_now();
  failure text := left(coalesce(p_error, CASE WHEN p_status_code NOT BETWEEN 200 AND 299
                                            THEN format('HTTP %s', p_status_code) END), 4000);
  outcome text;
BEGIN
  IF cardinality(p_schedule) IS NULL OR cardinality(p_schedule) = 0 OR p_disable_after IS NULL
     OR p_disable_after <= interval '0' OR EXISTS (SELECT FROM unnest(p_schedule) s WHERE s IS NULL OR s < interval '0') THEN
    PERFORM internal.raise_error('P0F11', 'a webhook attempt needs a retry schedule of delays (none negative) and a positive disable period');
  END IF;
  SELECT d.* INTO delivery FROM kassa.webhook_deliveries d
   WHERE d.tenant_id = p_tenant AND d.public_id = p_delivery FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0F08', format('no webhook delivery %s in tenant %s', p_delivery, p_tenant));
  END IF;
  SELECT e.* INTO endpoint FROM kassa.webhook_endpoints e
   WHERE e.tenant_id = p_tenant AND e.public_id = delivery.endpoint_id FOR UPDATE;
  IF delivery.status <> 'sending' OR delivery.attempts <> p_attempt THEN
    outcome := 'superseded';
  ELSIF failure IS NULL THEN
    UPDATE kassa.webhook_deliveries d SET status = 'delivered', delivered_at = moment, last_error = NULL
     WHERE d.tenant_id = p_tenant AND d.id = delivery.id;
    UPDATE kassa.webhook_endpoint_states s SET failing_since = NULL, last_error = NULL
     WHERE s.tenant_id = p_tenant AND s.endpoint_id = endpoint.public_id AND s.failing_since IS NOT NULL;
    outcome := 'delivered';
  ELSE
    UPDATE kassa.webhook_deliveries d
       SET status = CASE WHEN d.attempts >= cardinality(p_schedule) THEN 'failed' ELSE 'queued' END,
           next_attempt_at = moment + greatest(p_schedule[d.attempts + 1] * (0.9 + 0.2 * random()),
                                            least(coalesce(p_retry_after, interval '0'), interval '1 day')),
           last_error = failure
     WHERE d.tenant_id = p_tenant AND d.id = delivery.id
    RETURNING CASE d.status WHEN 'failed' THEN 'failed' ELSE 'retrying' END INTO outcome;
    UPDATE kassa.webhook_endpoint_states s SET failing_since = coalesce(s.failing_since, moment), last_error = failure
     WHERE s.tenant_id = p_tenant AND s.endpoint_id = endpoint.public_id
    RETURNING s.* INTO state;
    IF endpoint.enabled AND (p_status_code = 410 OR state.failing_since <= moment - p_disable_after) THEN
      PERFORM internal.disable_webhook_endpoint(p_tenant, endpoint.public_id,
                                                CASE WHEN p_status_code = 410 THEN 'gone' ELSE 'failing' END, failure);
      outcome := 'endpoint_disabled';
    END IF;
  END IF;
  INSERT INTO kassa.webhook_attempts (tenant_id, delivery_id, attempt, status_code, latency_ms, response, error,
                                      outcome, created_at)
  VALUES (p_tenant, delivery.public_id, p_attempt, p_status_code, p_latency_ms, left(p_response, 1000), failure,
          outcome, moment);
  RETURN outcome;
END $$;

-- The delivery log's retention: attempts older than p_retention go, and so do deliveries that
-- ended (delivered or failed) that long ago. Returns the number of rows removed.
CREATE OR REPLACE FUNCTION internal.purge_webhook_log(p_retention interval) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  attempts integer;
  deliveries integer;
BEGIN
  PERFORM internal.check_webhook_worker_limits('purging the webhook log', 1, p_retention);
  DELETE FROM kassa.webhook_attempts a WHERE a.created_at < internal.clock_now() - p_retention;
  GET DIAGNOSTICS attempts = ROW_COUNT;
  DELETE FROM kassa.webhook_deliveries d
   WHERE d.status IN ('delivered', 'failed') AND d.created_at < internal.clock_now() - p_retention;
  GET DIAGNOSTICS deliveries = ROW_COUNT;
  RETURN attempts + deliveries;
END $$;
