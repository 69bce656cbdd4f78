-- Messages: the outbox's events (kassa.notifications) delivered to people. The delivery worker
-- (bridge/mailer.py) fans undelivered events out into messages, one per channel and recipient,
-- claims the messages that are due, sends them and records the outcome, each step one function
-- below. Delivery is at least once: a message claimed by a worker that died is claimed again
-- when its lease runs out, under the same public id (docs/messages.md).

SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.messages');
SELECT internal.allow('customer', 'SELECT', internal.own_rows(), 'kassa.messages');
GRANT SELECT ON kassa.messages TO customer, staff;

CREATE VIEW api.messages WITH (security_invoker = true) AS
  SELECT m.public_id AS id, m.tenant_id, m.customer_id, m.notification_id AS event_id, n.kind, m.channel, m.recipient,
         m.locale, m.subject, m.segments, m.status, m.attempts, m.next_attempt_at, m.last_error, m.sent_at, m.created_at
    FROM kassa.messages m JOIN kassa.notifications n ON n.tenant_id = m.tenant_id AND n.public_id = m.notification_id;
GRANT SELECT ON api.messages TO customer, staff;

-- Every attempt at a message, as its worker recorded it (or as its lease ran out): the trigger
-- below writes one row for each change from `sending`, whichever function made it.
SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.message_attempts');
SELECT internal.allow('customer', 'SELECT', internal.own_rows(), 'kassa.message_attempts');
GRANT SELECT ON kassa.message_attempts TO customer, staff;
CREATE VIEW api.message_attempts WITH (security_invoker = true) AS
  SELECT message_id, tenant_id, customer_id, attempt, outcome, error, created_at FROM kassa.message_attempts;
GRANT SELECT ON api.message_attempts TO customer, staff;

CREATE OR REPLACE FUNCTION internal.log_message_attempt() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  INSERT INTO kassa.message_attempts (tenant_id, message_id, customer_id, attempt, outcome, error, created_at)
  VALUES (NEW.tenant_id, NEW.public_id, NEW.customer_id, OLD.attempts,
          CASE NEW.status WHEN 'sending' THEN 'lease_expired' WHEN 'queued' THEN 'retrying' ELSE NEW.status END,
          CASE WHEN NEW.status = 'sending' THEN 'no outcome was recorded within the lease: the worker died or hung'
               WHEN NEW.status <> 'sent' THEN NEW.last_error END,
          internal.clock_now());
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER log_message_attempt AFTER UPDATE ON kassa.messages
  FOR EACH ROW WHEN (OLD.status = 'sending' AND (NEW.status <> 'sending' OR NEW.attempts > OLD.attempts))
  EXECUTE FUNCTION internal.log_message_attempt();

-- Addresses that bounced hard: a customer's mail is suppressed until their address changes.
SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.message_suppressions');
SELECT internal.allow('customer', 'SELECT', internal.own_rows(), 'kassa.message_suppressions');
GRANT SELECT ON kassa.message_suppressions TO customer, staff;
CREATE VIEW api.message_suppressions WITH (security_invoker = true) AS
  SELECT tenant_id, customer_id, channel, recipient, reason, created_at FROM kassa.message_suppressions;
GRANT SELECT ON api.message_suppressions TO customer, staff;

-- A new address is tried again: a customer's e-mail changed lifts the suppression of the old one.
CREATE OR REPLACE FUNCTION internal.lift_email_suppression() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  DELETE FROM kassa.message_suppressions s
   WHERE s.tenant_id = NEW.tenant_id AND s.customer_id = NEW.id AND s.channel = 'email';
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER lift_email_suppression AFTER UPDATE OF email ON kassa.customers
  FOR EACH ROW WHEN (OLD.email IS DISTINCT FROM NEW.email) EXECUTE FUNCTION internal.lift_email_suppression();

-- Up to p_limit undelivered events of a customer become messages, one per channel the customer
-- gets the kind on (internal.wants_message, db/functions/505_message_preferences.sql: e-mail to
-- their address, SMS to their phone number in E.164 form, web push to each of their subscribed
-- browsers (db/functions/530_push.sql); none on a channel they opted out of),
-- suppressed for a closed customer, due when the customer's quiet hours end (at once for a
-- mandatory kind), suppressed with the reason when the recipient bounced hard before; and the
-- events are marked delivered: handed to the channels. Events locked by
-- another worker's fan-out are skipped, and the unique key keeps an event fanned out twice (say,
-- after its delivered_at was reset) to one message a channel. Events without a customer wait for
-- a channel that takes them. Returns the number of events fanned out.
CREATE OR REPLACE FUNCTION internal.fan_out_events(p_limit integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  fanned integer;
BEGIN
  IF p_limit IS NULL OR p_limit < 1 THEN
    PERFORM internal.raise_error('P0Z01', format('the fan-out limit must be a positive number, not %s', p_limit));
  END IF;
  WITH events AS (
    SELECT n.tenant_id, n.id, n.public_id, n.customer_id, n.kind, n.payload ->> 'locale' AS locale
      FROM kassa.notifications n
     WHERE n.delivered_at IS NULL AND n.customer_id IS NOT NULL
     ORDER BY n.created_at, n.id LIMIT p_limit
       FOR UPDATE SKIP LOCKED
  ), queued AS (
    INSERT INTO kassa.messages (tenant_id, notification_id, customer_id, channel, recipient, locale, status,
                                last_error, next_attempt_at)
    SELECT e.tenant_id, e.public_id, e.customer_id, ch.channel, ch.recipient, coalesce(e.locale, c.locale, t.locale),
           CASE WHEN c.status = 'closed' OR s.reason IS NOT NULL THEN 'suppressed' ELSE 'queued' END,
           CASE WHEN c.status = 'closed' THEN 'the customer is closed'
                WHEN s.reason IS NOT NULL THEN left(format('the address bounced on %s: %s', s.created_at::date, s.reason), 4000)
           END,
           CASE WHEN e.kind = ANY (t.mandatory_message_kinds) THEN internal.clock_now()
                ELSE internal.after_quiet_hours(internal.clock_now(), q.starts, q.ends, t.timezone) END
      FROM events e
      JOIN kassa.customers c ON c.tenant_id = e.tenant_id AND c.id = e.customer_id
      JOIN kassa.tenants t ON t.id = e.tenant_id
     CROSS JOIN LATERAL (VALUES ('email', c.email), ('sms', internal.e164(c.phone))
                         UNION ALL
                         SELECT 'push', device.public_id::text FROM kassa.push_subscriptions device
                          WHERE device.tenant_id = c.tenant_id AND device.customer_id = c.id) ch (channel, recipient)
      LEFT JOIN kassa.message_preferences p ON p.tenant_id = e.tenant_id AND p.customer_id = e.customer_id
                                           AND p.kind = e.kind AND p.channel = ch.channel
      LEFT JOIN kassa.quiet_hours q ON q.tenant_id = e.tenant_id AND q.customer_id = e.customer_id
      LEFT JOIN kassa.message_suppressions s ON s.tenant_id = e.tenant_id AND s.customer_id = e.customer_id
                                            AND s.channel = ch.channel AND s.recipient = ch.recipient
     WHERE ch.recipient IS NOT NULL
       AND internal.wants_message(p.enabled, ch.channel, e.kind = ANY (t.mandatory_message_kinds))
        ON CONFLICT ON CONSTRAINT messages_one_per_recipient DO NOTHING
  )
  UPDATE kassa.notifications n SET delivered_at = internal.clock_now()
    FROM events e WHERE n.tenant_id = e.tenant_id AND n.id = e.id;
  GET DIAGNOSTICS fanned = ROW_COUNT;
  RETURN fanned;
END $$;

-- Up to p_limit messages of a channel due for an attempt: queued ones whose next attempt has come, and sends
-- whose lease ran out (the worker that claimed them died or hung). Each becomes `sending`, one
-- attempt more, leased for p_lease: another worker claims it only after that. With the message,
-- what its template needs: the event's kind, payload and id, the tenant's name, and the minor
-- units of the payload's currency (NULL without a known one); and what its headers need: the
-- customer, whether the kind is mandatory for the tenant (no unsubscribe link), the tenant's
-- sender name and reply-to address; and the SMTP profile its mail goes out through.
CREATE OR REPLACE FUNCTION internal.claim_messages(p_channel text, p_limit integer, p_lease interval)
RETURNS TABLE (tenant_id uuid, message_id uuid, event_id uuid, kind text, payload jsonb, recipient text,
               locale text, attempts integer, tenant_name text, minor_units smallint, customer_id uuid,
               mandatory boolean, sender_name text, reply_to text, smtp_profile text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  IF p_limit IS NULL OR p_limit < 1 OR p_lease IS NULL OR p_lease <= interval '0' THEN
    PERFORM internal.raise_error('P0Z01', format('claiming messages needs a positive limit and lease, not %s and %s',
                                                 p_limit, p_lease));
  END IF;
  RETURN QUERY
  WITH due AS (
    SELECT m.tenant_id, m.id FROM kassa.messages m
     WHERE m.channel = p_channel AND m.status IN ('queued', 'sending') AND m.next_attempt_at <= internal.clock_now()
     ORDER BY m.next_attempt_at, m.id LIMIT p_limit
       FOR UPDATE SKIP LOCKED
  ), claimed AS (
    UPDATE kassa.messages m
       SET status = 'sending', attempts = m.attempts + 1, next_attempt_at = internal.clock_now() + p_lease
      FROM due WHERE m.tenant_id = due.tenant_id AND m.id = due.id
    RETURNING m.*
  )
  SELECT c.tenant_id, c.public_id, n.public_id, n.kind, n.payload, c.recipient, c.locale, c.attempts, t.name,
         cur.minor_units, c.customer_id, n.kind = ANY (t.mandatory_message_kinds), t.mail_sender_name, t.mail_reply_to,
         t.smtp_profile
    FROM claimed c
    JOIN kassa.notifications n ON n.tenant_id = c.tenant_id AND n.public_id = c.notification_id
    JOIN kassa.tenants t ON t.id = c.tenant_id
    LEFT JOIN kassa.currencies cur ON cur.code = n.payload ->> 'currency';
END $$;

-- A claimed message went out, with this subject (an SMS: its text) and, an SMS, in this many
-- segments. Sent twice (its lease ran out while the first worker was still sending it), it stays
-- recorded as its first send.
CREATE OR REPLACE FUNCTION internal.record_message_sent(p_tenant uuid, p_message uuid, p_subject text,
                                                        p_segments integer DEFAULT NULL)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  UPDATE kassa.messages m SET status = 'sent', sent_at = internal.clock_now(), subject = left(p_subject, 500),
                              segments = p_segments, last_error = NULL
   WHERE m.tenant_id = p_tenant AND m.public_id = p_message AND m.status = 'sending';
  IF NOT FOUND AND NOT EXISTS (SELECT FROM kassa.messages m
                                WHERE m.tenant_id = p_tenant AND m.public_id = p_message AND m.status = 'sent') THEN
    PERFORM internal.raise_error('P0Z02', format('no message %s of tenant %s is being sent', p_message, p_tenant));
  END IF;
END $$;

-- A claimed message did not go out: it is queued again, its next attempt after a backoff that
-- doubles with each attempt (p_first_retry after the first), or it failed for good once it had
-- p_max_attempts attempts.
CREATE OR REPLACE FUNCTION internal.record_message_failed(p_tenant uuid, p_message uuid, p_error text,
                                                          p_first_retry interval, p_max_attempts integer)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  outcome text;
BEGIN
  IF p_first_retry IS NULL OR p_first_retry <= interval '0' OR p_max_attempts IS NULL OR p_max_attempts < 1 THEN
    PERFORM internal.raise_error('P0Z01', format('a failed send needs a positive first retry and attempt limit, not %s and %s',
                                                 p_first_retry, p_max_attempts));
  END IF;
  UPDATE kassa.messages m
     SET status = CASE WHEN m.attempts >= p_max_attempts THEN 'failed' ELSE 'queued' END,
         next_attempt_at = internal.clock_now() + p_first_retry * power(2, m.attempts - 1),
         last_error = left(coalesce(p_error, 'unknown error'), 4000)
   WHERE m.tenant_id = p_tenant AND m.public_id = p_message AND m.status = 'sending'
  RETURNING m.status INTO outcome;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0Z02', format('no message %s of tenant %s is being sent', p_message, p_tenant));
  END IF;
  RETURN outcome;
END $$;

-- A claimed message was refused for good by the recipient's server (an SMTP 5xx for the
-- address: a hard bounce). It fails without more attempts, and later messages to the address
-- are suppressed until the customer's address changes.
CREATE OR REPLACE FUNCTION internal.record_message_bounced(p_tenant uuid, p_message uuid, p_error text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  bounced kassa.messages;
BEGIN
  UPDATE kassa.messages m SET status = 'failed', last_error = left(coalesce(p_error, 'bounced'), 4000)
   WHERE m.tenant_id = p_tenant AND m.public_id = p_message AND m.status = 'sending'
  RETURNING m.* INTO bounced;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0Z02', format('no message %s of tenant %s is being sent', p_message, p_tenant));
  END IF;
  INSERT INTO kassa.message_suppressions AS s (tenant_id, customer_id, channel, recipient, reason, created_at)
  VALUES (p_tenant, bounced.customer_id, bounced.channel, bounced.recipient, bounced.last_error, internal.clock_now())
      ON CONFLICT (tenant_id, customer_id, channel)
      DO UPDATE SET recipient = excluded.recipient, reason = excluded.reason, created_at = excluded.created_at;
END $$;

-- Sets the SMTP profile a tenant's mail goes out through (NULL: the platform's own SMTP
-- settings), for operators (kassa tenant smtp-profile). The name must be one the mail workers'
-- profiles file holds; a name it lacks fails those messages' attempts, naming it.
CREATE OR REPLACE FUNCTION internal.set_tenant_smtp_profile(p_tenant text, p_profile text) RETURNS kassa.tenants
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  tenant_id uuid := (internal.find_tenant(p_tenant)).id;
BEGIN
  IF p_profile !~ '^[a-z0-9][a-z0-9_-]{0,62}$' THEN
    PERFORM internal.raise_error('P0Z03', format('"%s" is no SMTP profile name', left(p_profile, 100)), NULL,
      'A profile name is 1 to 63 lower-case letters, digits, "-" and "_", starting with a letter or digit.');
  END IF;
  UPDATE kassa.tenants t SET smtp_profile = p_profile WHERE t.id = tenant_id;
  RETURN internal.find_tenant(tenant_id::text);
END $$;
