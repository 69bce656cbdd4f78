-- Webhooks: the outbox's events delivered to the tenants' own systems over HTTP, signed per the
-- Standard Webhooks scheme (db/functions/510_webhooks.sql, docs/messages.md "Webhooks").
-- An endpoint keeps its own cursor into the outbox (fan-out reads in (xact_id, id) order); a
-- delivery is one event for one endpoint (the unique key makes fan-out idempotent) and its
-- public id is the webhook-id a receiver deduplicates by; every attempt is logged. The tables
-- refer to one another by public id (uuid): ids counted by a sequence stay out of the API.
BEGIN;
-- Set by a DBA only (no API role may write it): deliveries of this tenant may go to private,
-- loopback and link-local addresses (a receiver on the same network, the tests' 127.0.0.1).
ALTER TABLE kassa.tenants ADD COLUMN webhooks_allow_private boolean NOT NULL DEFAULT false;

CREATE TABLE kassa.webhook_endpoints (
  tenant_id       uuid NOT NULL REFERENCES kassa.tenants (id),
  id              bigint GENERATED ALWAYS AS IDENTITY,
  public_id       uuid NOT NULL DEFAULT gen_random_uuid(),
  url             text NOT NULL CONSTRAINT webhook_endpoints_url_max_length CHECK (char_length(url) <= 2000),
  description     text CONSTRAINT webhook_endpoints_description_max_length CHECK (char_length(description) <= 500),
  event_kinds     text[] NOT NULL DEFAULT '{}'   -- the kinds it takes; empty: every kind
                  CONSTRAINT webhook_endpoints_event_kinds_max CHECK (cardinality(event_kinds) <= 100)
                  -- each kind 1 to 64 lower case letters and underscores: in the list's JSON text a
                  -- null, or a kind with any other character (a quote comes escaped), does not match
                  CONSTRAINT webhook_endpoints_event_kinds_format
                  CHECK (to_jsonb(event_kinds)::text ~ '^\[("[a-z_]{1,64}"(, "[a-z_]{1,64}")*)?\]$')
                  CONSTRAINT webhook_endpoints_event_kinds_max_length CHECK (char_length(array_to_string(event_kinds, ' ')) <= 6500),
  enabled         boolean NOT NULL DEFAULT true,
  disabled_reason text CONSTRAINT webhook_endpoints_disabled_reason_known
                  CHECK (disabled_reason = ANY (ARRAY['staff', 'gone', 'failing'])),
  disabled_at     timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT webhook_endpoints_public_id_unique UNIQUE (tenant_id, public_id),
  CONSTRAINT webhook_endpoints_disabled_has_reason CHECK (enabled = (disabled_reason IS NULL AND disabled_at IS NULL))
);
CREATE INDEX webhook_endpoints_enabled ON kassa.webhook_endpoints (id) WHERE enabled;

-- What delivery keeps of an endpoint, apart from what staff configure (so the audit log of the
-- endpoints holds staff's changes, not every round's): its cursor into the outbox and whether
-- it is failing.
CREATE TABLE kassa.webhook_endpoint_states (
  tenant_id      uuid NOT NULL,
  endpoint_id    uuid NOT NULL,                  -- the endpoint's public id
  cursor_xact_id xid8 NOT NULL,                  -- the last outbox event fanned out to it
  cursor_id      bigint NOT NULL,
  failing_since  timestamptz,                    -- the first failed attempt since the last success
  last_error     text CONSTRAINT webhook_endpoint_states_last_error_max_length CHECK (char_length(last_error) <= 4000),
  PRIMARY KEY (tenant_id, endpoint_id),
  FOREIGN KEY (tenant_id, endpoint_id) REFERENCES kassa.webhook_endpoints (tenant_id, public_id) ON DELETE CASCADE
);

-- The signing secrets of an endpoint: the current one (expires_at null) and, after a rotation,
-- the previous ones until their overlap ends. Never readable over the API.
CREATE TABLE kassa.webhook_secrets (
  tenant_id   uuid NOT NULL,
  id          bigint GENERATED ALWAYS AS IDENTITY,
  endpoint_id uuid NOT NULL,
  secret      text NOT NULL CONSTRAINT webhook_secrets_format CHECK (secret ~ '^whsec_[A-Za-z0-9+/]{32,88}={0,2}$')
              CONSTRAINT webhook_secrets_secret_max_length CHECK (char_length(secret) <= 96),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, endpoint_id) REFERENCES kassa.webhook_endpoints (tenant_id, public_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX webhook_secrets_one_current ON kassa.webhook_secrets (tenant_id, endpoint_id) WHERE expires_at IS NULL;

CREATE TABLE kassa.webhook_deliveries (
  tenant_id       uuid NOT NULL,
  id              bigint GENERATED ALWAYS AS IDENTITY,
  public_id       uuid NOT NULL DEFAULT gen_random_uuid(),   -- the webhook-id header, the same on every attempt
  endpoint_id     uuid NOT NULL,
  notification_id uuid NOT NULL,
  status          text NOT NULL DEFAULT 'queued'
                  CONSTRAINT webhook_deliveries_status_known CHECK (status = ANY (ARRAY['queued', 'sending', 'delivered', 'failed'])),
  attempts        integer NOT NULL DEFAULT 0 CONSTRAINT webhook_deliveries_attempts_not_negative CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text CONSTRAINT webhook_deliveries_last_error_max_length CHECK (char_length(last_error) <= 4000),
  delivered_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT webhook_deliveries_public_id_unique UNIQUE (tenant_id, public_id),
  CONSTRAINT webhook_deliveries_one_per_endpoint UNIQUE (tenant_id, endpoint_id, notification_id),
  FOREIGN KEY (tenant_id, endpoint_id) REFERENCES kassa.webhook_endpoints (tenant_id, public_id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, notification_id) REFERENCES kassa.notifications (tenant_id, public_id),
  CONSTRAINT webhook_deliveries_delivered_has_time CHECK ((status = 'delivered') = (delivered_at IS NOT NULL))
);
CREATE INDEX webhook_deliveries_due ON kassa.webhook_deliveries (next_attempt_at) WHERE status IN ('queued', 'sending');
CREATE INDEX webhook_deliveries_finished ON kassa.webhook_deliveries (created_at) WHERE status IN ('delivered', 'failed');

-- The delivery log: one row per attempt, what the receiver answered or why there was no answer.
CREATE TABLE kassa.webhook_attempts (
  tenant_id   uuid NOT NULL,
  id          bigint GENERATED ALWAYS AS IDENTITY,
  delivery_id uuid NOT NULL,      -- the delivery's public id
  attempt     integer NOT NULL CONSTRAINT webhook_attempts_attempt_positive CHECK (attempt > 0),
  status_code integer CONSTRAINT webhook_attempts_status_code_http CHECK (status_code BETWEEN 100 AND 599),
  latency_ms  integer CONSTRAINT webhook_attempts_latency_not_negative CHECK (latency_ms >= 0),
  response    text CONSTRAINT webhook_attempts_response_max_length CHECK (char_length(response) <= 1000),
  error       text CONSTRAINT webhook_attempts_error_max_length CHECK (char_length(error) <= 4000),
  outcome     text NOT NULL CONSTRAINT webhook_attempts_outcome_known
              CHECK (outcome = ANY (ARRAY['delivered', 'retrying', 'failed', 'endpoint_disabled', 'superseded'])),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, delivery_id) REFERENCES kassa.webhook_deliveries (tenant_id, public_id) ON DELETE CASCADE
);
CREATE INDEX webhook_attempts_delivery ON kassa.webhook_attempts (tenant_id, delivery_id, id);
CREATE INDEX webhook_attempts_created ON kassa.webhook_attempts (created_at);
COMMIT;
