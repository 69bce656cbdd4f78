-- The worker role (kassa_worker: the bridges in bridge/ and the jobs in jobs/) reads and writes
-- no table itself: it has no BYPASSRLS and no table privilege, only EXECUTE on the functions
-- granted at the end of this file, each a security definer step of one bridge or job that
-- names its tenant. db/tests/00_catalog.sql holds the list; docs/security.md explains it.
-- The steps below are those no domain file has: reads and job-log writes the processes made
-- with their own SQL before.

-- SSE gateway: the balances of each tenant's accounts changed by a transaction that started at
-- its p_since (or later), named by kassa_balance notifications (db/functions/200_ledger.sql):
-- one read for the tenants of every notification that came meanwhile.
CREATE OR REPLACE FUNCTION internal.balances_changed_since(p_tenants uuid[], p_since timestamptz[])
RETURNS TABLE (tenant_id uuid, customer_id uuid, balance bigint, currency text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT a.tenant_id, a.customer_id, a.balance, a.currency::text
    FROM unnest(p_tenants, p_since) AS moved (tenant_id, since)
    JOIN kassa.billing_accounts a ON a.tenant_id = moved.tenant_id AND a.updated_at >= moved.since
   ORDER BY a.tenant_id, a.customer_id
$$;

-- POST /refunds, before the gateway is asked: the refund rules (internal.check_refund) for a
-- card payment of the tenant through Stripe or OCTO; the gateway, what it names the payment by
-- (Stripe's payment intent, OCTO's payment id) and the currency's minor units. No row when the
-- tenant has no such payment.
CREATE OR REPLACE FUNCTION internal.card_refund_target(p_tenant uuid, p_payment uuid, p_amount bigint, p_reason text)
RETURNS TABLE (provider text, reference text, minor_units smallint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  pay kassa.payments;
BEGIN
  SELECT p.* INTO pay FROM kassa.payments p
   WHERE p.tenant_id = p_tenant AND p.id = p_payment AND p.provider IN ('stripe', 'octo');
  IF FOUND THEN
    PERFORM internal.check_refund(pay, p_amount, p_reason);
    RETURN QUERY SELECT pay.provider, CASE pay.provider WHEN 'stripe' THEN pay.provider_intent_ref ELSE pay.provider_ref END,
                        c.minor_units FROM kassa.currencies c WHERE c.code = pay.currency;
  END IF;
END $$;

-- POST /refunds, after OCTO refunded: the refund, once per shop_refund_id (OCTO has no refund
-- webhook: this is the only record of it).
CREATE OR REPLACE FUNCTION internal.record_octo_refund(p_tenant uuid, p_payment uuid, p_amount bigint,
                                                       p_shop_refund_id text, p_reason text, p_raw jsonb)
RETURNS kassa.payment_refunds LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM kassa.payments p WHERE p.tenant_id = p_tenant AND p.id = p_payment AND p.provider = 'octo') THEN
    PERFORM internal.raise_error('P0P03', format('unknown payment %s in tenant %s', p_payment, p_tenant));
  END IF;
  RETURN internal.refund_payment(p_tenant, p_payment, 'refund', p_amount, p_shop_refund_id, p_reason, p_raw);
END $$;

-- Job runner (jobs/runner.py): a new run in the job log, dated p_as_of or the tenant's today.
-- Its row's key, and the public id the audit log names the run by (the key counts every
-- tenant's runs: the API never shows it).
CREATE OR REPLACE FUNCTION internal.start_job_run(p_job text, p_as_of date, p_tenant uuid,
                                                  OUT id bigint, OUT public_id uuid)
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  INSERT INTO kassa.job_runs (job, as_of, tenant_id)
  VALUES (p_job, coalesce(p_as_of, internal.tenant_today(p_tenant)), p_tenant)
  RETURNING id, public_id
$$;

-- Job runner: a queued run (the scheduler's queue) starts.
CREATE OR REPLACE FUNCTION internal.start_queued_job_run(p_run bigint) RETURNS uuid
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  UPDATE kassa.job_runs SET status = 'running', started_at = pg_catalog.clock_timestamp() WHERE id = p_run
  RETURNING public_id
$$;

-- Job runner: a run's outcome.
CREATE OR REPLACE FUNCTION internal.finish_job_run(p_run bigint, p_status text, p_processed integer,
                                                   p_skipped integer, p_failed integer, p_errors jsonb,
                                                   p_detail jsonb)
RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  UPDATE kassa.job_runs
     SET status = p_status, finished_at = pg_catalog.clock_timestamp(), processed = p_processed,
         skipped = p_skipped, failed = p_failed, errors = p_errors, detail = p_detail
   WHERE id = p_run
$$;

-- Scheduler (jobs/scheduler.py): the latest schedule slot run of each job and tenant.
CREATE OR REPLACE FUNCTION internal.last_scheduled_slots()
RETURNS TABLE (job text, tenant_id uuid, slot timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT r.job, r.tenant_id, max(r.slot) FROM kassa.job_runs r WHERE r.slot IS NOT NULL GROUP BY 1, 2
$$;

-- Scheduler: the jobs with queued runs, and the oldest queued run of one job.
CREATE OR REPLACE FUNCTION internal.queued_jobs() RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT DISTINCT r.job FROM kassa.job_runs r WHERE r.status = 'queued'
$$;

CREATE OR REPLACE FUNCTION internal.next_queued_job_run(p_job text)
RETURNS TABLE (id bigint, as_of date, tenant_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT r.id, r.as_of, r.tenant_id FROM kassa.job_runs r
   WHERE r.job = p_job AND r.status = 'queued' ORDER BY r.id LIMIT 1
$$;

-- Ledger check (jobs/ledger_check.py): how many accounts it proved, of one tenant or (NULL) all.
CREATE OR REPLACE FUNCTION internal.count_billing_accounts(p_tenant uuid) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT count(*) FROM kassa.billing_accounts a WHERE p_tenant IS NULL OR a.tenant_id = p_tenant
$$;

-- No table, view or sequence privilege, whatever earlier versions granted (tables outlive a
-- deploy; the functions above and the domain files' do not).
REVOKE ALL ON ALL TABLES IN SCHEMA kassa, audit FROM kassa_worker;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA kassa, audit FROM kassa_worker;
REVOKE ALL ON SCHEMA kassa, audit, api FROM kassa_worker;
GRANT USAGE ON SCHEMA internal TO kassa_worker;

GRANT EXECUTE ON FUNCTION
  -- every bridge: the caller's token; jobs and webhooks: who acts
  internal.check_claims(json, text), internal.require_staff_action(json, text), internal.act_as(text),
  internal.count_request(text, integer, integer),
  internal.count_page_view(text, text, integer, integer, integer),
  -- SSE gateway
  internal.balances_changed_since(uuid[], timestamptz[]), internal.events_cursor(),
  internal.redeem_stream_ticket(uuid, uuid, timestamptz),
  internal.events_after(xid8, bigint, integer, uuid, uuid), internal.event_position(uuid, uuid, uuid),
  -- message delivery (bridge/mailer.py)
  internal.fan_out_events(integer), internal.claim_messages(text, integer, interval),
  internal.record_message_sent(uuid, uuid, text, integer), internal.record_message_failed(uuid, uuid, text, interval, integer),
  internal.record_message_bounced(uuid, uuid, text),
  -- login mails (bridge/mailer.py)
  internal.claim_login_mails(integer, interval), internal.record_login_mail_sent(uuid, uuid),
  internal.record_login_mail_failed(uuid, uuid, text, interval, integer),
  -- built-in login (bridge/logins.py)
  internal.request_signup(text, text, text, text, uuid, bytea, interval),
  internal.request_password_reset(text, text, uuid, bytea, interval),
  internal.invite_staff(uuid, text, text, text, uuid, bytea, interval), internal.login_link(bytea, text),
  internal.verify_signup(bytea), internal.reset_password(bytea, text), internal.accept_invitation(bytea, text, text),
  internal.login_wait(text, text, text), internal.count_login_failure(text, text, text),
  internal.login_identity(text, text), internal.login_subject(uuid, uuid),
  internal.start_login(uuid, uuid, bytea, text, interval, bigint), internal.refresh_login(bytea, bytea, interval),
  internal.logout(bytea), internal.active_logins(uuid, uuid), internal.revoke_login(uuid, uuid, uuid),
  internal.begin_totp(uuid, uuid, text), internal.enable_totp(uuid, uuid, bigint),
  -- API keys and single sign-on (bridge/api_keys.py, bridge/oidc.py)
  internal.use_api_key(uuid, bytea), internal.oidc_provider(text, text), internal.oidc_subject(uuid, uuid, text),
  -- the unsubscribe links of mail (bridge/unsubscribe.py)
  internal.unsubscribe(uuid, uuid, text, text),
  -- web push (bridge/pusher.py)
  internal.push_target(uuid, uuid), internal.end_push_subscription(uuid, uuid, text),
  -- documents: the downloads (bridge/downloads.py) and the document worker (bridge/document_worker.py)
  internal.document_to_serve(uuid, text, uuid, text, text), internal.send_document(uuid, uuid, text, text, text, timestamptz),
  internal.document_source(uuid, text, uuid), internal.statement_source(uuid, uuid, date, date),
  internal.store_document(uuid, text, uuid, text, text, bytea, text, text),
  -- webhook delivery (bridge/webhook_sender.py)
  internal.fan_out_webhooks(integer), internal.claim_webhook_deliveries(integer, interval),
  internal.record_webhook_attempt(uuid, uuid, integer, integer, integer, text, text, interval, interval[], interval),
  internal.purge_webhook_log(interval),
  -- top-ups, refunds, Stripe webhooks
  internal.check_return_url(uuid, text, text), internal.begin_top_up(uuid, uuid, bigint, text),
  internal.attach_checkout(uuid, uuid, text, text, jsonb),
  internal.card_refund_target(uuid, uuid, bigint, text), internal.record_octo_refund(uuid, uuid, bigint, text, text, jsonb),
  internal.sync_stripe_refunds(uuid, uuid, text, bigint, text, jsonb),
  internal.stripe_event(jsonb), internal.reject_webhook_event(text, text, text, jsonb, text),
  internal.add_card(uuid, uuid, text, text, int, int, text, text, boolean),
  -- payment link pages
  internal.payment_page(text), internal.begin_link_payment(text, text), internal.payment_return(uuid, uuid),
  internal.octo_payment(text),
  -- NetCash debit orders: mandates (the bridge's postback, the jobs' requests)
  internal.mandates_to_request(uuid), internal.record_mandate_request(uuid, uuid, text),
  internal.mandate_postback(text, jsonb), internal.record_mandate_outcome(uuid, uuid, boolean, text, text),
  -- NetCash debit orders: the run (jobs/debit_order_run.py)
  internal.debit_order_service(uuid, date), internal.record_debit_order_batch(uuid, date, date, text, text),
  internal.debit_order_debits(uuid, uuid), internal.debit_order_batch_uploading(uuid, uuid, uuid[], text),
  internal.record_debit_order_batch_state(uuid, uuid, text, text, text, integer[], text),
  internal.open_debit_order_batches(uuid), internal.debit_order_results_from(uuid, date),
  internal.apply_debit_order_result(uuid, text, text, bigint, date, text, integer, text, jsonb),
  -- job runner and scheduler
  internal.clock_now(), internal.tenant_today(uuid), internal.list_tenants(),
  internal.start_job_run(text, date, uuid), internal.start_queued_job_run(bigint),
  internal.finish_job_run(bigint, text, integer, integer, integer, jsonb, jsonb),
  internal.queue_job_run(text, uuid, date, text, timestamptz), internal.fail_interrupted_job_runs(),
  internal.last_scheduled_slots(), internal.queued_jobs(), internal.next_queued_job_run(text),
  -- the jobs
  internal.invoice_run(date, uuid, uuid), internal.mark_overdue(uuid, date), internal.dunning_run(uuid, date, text),
  internal.anonymise_customers(uuid, timestamp with time zone),
  internal.record_usage(uuid, jsonb),
  internal.ledger_mismatches(uuid), internal.count_billing_accounts(uuid),
  internal.due_auto_topups(timestamptz), internal.in_flight_auto_topups(timestamptz),
  internal.claim_auto_topup(uuid, uuid, timestamptz),
  internal.due_auto_pays(date, uuid), internal.due_dunning_retries(uuid),
  internal.claim_invoice_charge(uuid, uuid, date, integer),
  internal.in_flight_invoice_charges(timestamptz, uuid),
  internal.complete_payment(uuid, uuid, bigint, text, text, jsonb), internal.fail_payment(uuid, uuid, text, jsonb)
  TO kassa_worker;
