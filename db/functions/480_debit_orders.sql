-- NetCash debit orders: eMandates on debit-order payment methods, debit-order runs (a batch
-- of debits per tenant and submission date, one pending payment per debit) and their results
-- from NetCash's merchant statement. NetCash is called by the jobs and the bridge
-- (jobs/debit_order_run.py, bridge/webhooks.py); these functions record what it answered.
--
-- A mandate is `pending` until NetCash confirms it `active` or `declined`; an unpaid whose
-- reason withdraws the authority (internal.debit_order_unpaid) makes it `cancelled`. Only an
-- active mandate is debited.

-- The NetCash account reference of a payment method: 22 characters from its id (the postback
-- names only this, no tenant).
CREATE OR REPLACE FUNCTION internal.netcash_account_ref(p_method uuid) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT 'K' || upper(left(replace(p_method::text, '-', ''), 21))
$$;

-- The debit-order methods of a tenant (or all: NULL) whose mandate has not been asked of NetCash
-- yet, with what AddMandate needs. The mandate amount is the customer's largest invoice, at
-- least 100.00: NetCash's "default amount" shown on the mandate, not a limit Kassa enforces.
CREATE OR REPLACE FUNCTION internal.mandates_to_request(p_tenant uuid)
RETURNS TABLE (tenant_id uuid, payment_method_id uuid, account_reference text, customer_name text,
               email text, phone text, agreement_reference text, amount bigint, agreed_on date)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT m.tenant_id, m.id, internal.netcash_account_ref(m.id), c.name, c.email, c.phone, m.mandate_reference,
         greatest(10000, (SELECT max(i.total) FROM kassa.invoices i
                           WHERE i.tenant_id = m.tenant_id AND i.customer_id = m.customer_id)),
         internal.tenant_today(m.tenant_id)
    FROM kassa.payment_methods m
    JOIN kassa.customers c ON c.tenant_id = m.tenant_id AND c.id = m.customer_id
   WHERE (p_tenant IS NULL OR m.tenant_id = p_tenant) AND m.kind = 'debit_order' AND m.deleted_at IS NULL
     AND m.mandate_status = 'pending' AND m.netcash_account_ref IS NULL AND c.status <> 'closed'
   ORDER BY m.tenant_id, m.created_at
$$;

-- NetCash accepted the mandate request: the account reference and the page the customer signs
-- on. Recording it again (a retried run) keeps the first request's reference.
CREATE OR REPLACE FUNCTION internal.record_mandate_request(p_tenant uuid, p_method uuid, p_mandate_url text)
RETURNS kassa.payment_methods
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  m kassa.payment_methods := internal.lock_payment_method(p_tenant, p_method, NULL);
BEGIN
  IF m.kind <> 'debit_order' THEN
    PERFORM internal.raise_error('P0E05', format('payment method %s is a %s, not a debit order', p_method, m.kind),
      hint => 'Mandates are asked for debit-order payment methods only.');
  END IF;
  PERFORM internal.check_text(p_mandate_url, 'mandate_url', 2000);
  UPDATE kassa.payment_methods pm
     SET netcash_account_ref = coalesce(pm.netcash_account_ref, internal.netcash_account_ref(pm.id)),
         mandate_requested_at = coalesce(pm.mandate_requested_at, now()), mandate_url = p_mandate_url
   WHERE pm.tenant_id = p_tenant AND pm.id = p_method
  RETURNING * INTO m;
  RETURN m;
END $$;

-- The bridge, on NetCash's unsigned postback: keeps it on the method as a hint (nothing else
-- changes) and answers whose method it is; P0E01 for an account reference Kassa never sent.
CREATE OR REPLACE FUNCTION internal.mandate_postback(p_account_ref text, p_fields jsonb)
RETURNS TABLE (tenant_id uuid, payment_method_id uuid, mandate_status text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  RETURN QUERY
  UPDATE kassa.payment_methods m SET mandate_postback = p_fields, mandate_postback_at = now()
   WHERE m.netcash_account_ref = p_account_ref AND m.deleted_at IS NULL
  RETURNING m.tenant_id, m.id, m.mandate_status;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0E01', format('no debit-order mandate has the account reference "%s"', left(p_account_ref, 40)),
      hint => 'The reference is the one Kassa sent with AddMandate.');
  END IF;
END $$;

-- A mandate's outcome as NetCash confirmed it: pending -> active or declined. The same outcome
-- again is a no-op; any other change of a decided mandate is refused (P0E02), so a replayed or
-- forged postback cannot revive a cancelled mandate.
CREATE OR REPLACE FUNCTION internal.record_mandate_outcome(
  p_tenant uuid, p_method uuid, p_accepted boolean, p_mandate_ref text, p_reason text)
RETURNS kassa.payment_methods
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  m kassa.payment_methods := internal.lock_payment_method(p_tenant, p_method, NULL);
  outcome text := CASE WHEN p_accepted THEN 'active' ELSE 'declined' END;
BEGIN
  IF m.mandate_status = outcome THEN
    RETURN m;
  END IF;
  IF m.mandate_status IS DISTINCT FROM 'pending' OR m.netcash_account_ref IS NULL THEN
    PERFORM internal.raise_error('P0E02', format('the mandate of payment method %s is %s and cannot become %s',
                                                 p_method, coalesce(m.mandate_status, 'not a debit order'), outcome),
      hint => 'Only a pending mandate Kassa asked NetCash for is decided; a new mandate needs a new payment method.');
  END IF;
  PERFORM internal.check_text(p_mandate_ref, 'mandate_reference', 100, false);
  UPDATE kassa.payment_methods pm
     SET mandate_status = outcome, mandate_decided_at = now(), netcash_mandate_ref = nullif(p_mandate_ref, ''),
         mandate_decline_reason = CASE WHEN p_accepted THEN NULL ELSE left(coalesce(nullif(btrim(p_reason), ''), 'declined'), 500) END
   WHERE pm.tenant_id = p_tenant AND pm.id = p_method
  RETURNING * INTO m;
  RETURN m;
END $$;

-- --- Debit-order runs ------------------------------------------------------------------------

-- The tenant's debit-order service and whether a submission on p_submission is past its cut-off
-- (a past date always is; today is after debit_order_cutoff in the tenant's time), the
-- settings' column defaults without a row.
CREATE OR REPLACE FUNCTION internal.debit_order_service(p_tenant uuid, p_submission date,
                                                        OUT service text, OUT cutoff_passed boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT coalesce(s.debit_order_service, internal.column_default('kassa.payment_settings', 'debit_order_service')),
         p_submission < here.now::date
           OR (p_submission = here.now::date
               AND here.now::time > coalesce(s.debit_order_cutoff,
                                             internal.column_default('kassa.payment_settings', 'debit_order_cutoff')::time))
    FROM kassa.tenants t
   CROSS JOIN LATERAL (SELECT internal.clock_now() AT TIME ZONE t.timezone AS now) here
    LEFT JOIN kassa.payment_settings s ON s.tenant_id = t.id
   WHERE t.id = p_tenant
$$;

-- The batch of a tenant's submission date, recorded with its debits on the first call that finds
-- any (NULL while there is nothing to collect); later calls (a re-run for the same date) answer
-- the batch as it stands and add nothing. The debits,
-- one per invoice: customers whose primary payment method is a debit order with an active
-- mandate, their invoices due on or before the action date with an amount due, at that amount,
-- none with a debit in flight, none returned unless the reason allows another presentation and
-- a dunning retry step asked for it since (debit_order_items.retry_step,
-- db/functions/470_dunning.sql), none presented three times. Each debit gets a pending NetCash payment naming its invoice. Set-based.
CREATE OR REPLACE FUNCTION internal.record_debit_order_batch(
  p_tenant uuid, p_submission date, p_action date, p_service text, p_name text)
RETURNS kassa.debit_order_batches
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  batch kassa.debit_order_batches;
BEGIN
  IF p_submission IS NULL OR p_action IS NULL OR p_action < p_submission THEN
    PERFORM internal.raise_error('P0E06', format('the action date %s must not be before the submission date %s', p_action, p_submission));
  END IF;
  PERFORM internal.check_text(p_name, 'batch name', 100);
  INSERT INTO kassa.debit_order_batches (tenant_id, submission_date, action_date, service, name)
  VALUES (p_tenant, p_submission, p_action, p_service, p_name)
  ON CONFLICT (tenant_id, submission_date) DO NOTHING
  RETURNING * INTO batch;
  IF NOT FOUND THEN
    SELECT * INTO batch FROM kassa.debit_order_batches b WHERE b.tenant_id = p_tenant AND b.submission_date = p_submission;
    RETURN batch;
  END IF;
  -- One invoice at a time against a concurrent payment: the invoices are locked while chosen.
  WITH due AS (
    SELECT i.tenant_id, i.id AS invoice_id, i.customer_id, i.amount_due, a.currency, m.id AS method_id,
           m.netcash_account_ref,
           1 + (SELECT count(*) FROM kassa.debit_order_items d
                 WHERE d.tenant_id = i.tenant_id AND d.invoice_id = i.id AND d.status <> 'rejected') AS presentation
      FROM kassa.invoices i
      JOIN kassa.customers c ON c.tenant_id = i.tenant_id AND c.id = i.customer_id AND c.status <> 'closed'
      JOIN kassa.billing_accounts a ON a.tenant_id = i.tenant_id AND a.customer_id = i.customer_id
      JOIN kassa.payment_methods m ON m.tenant_id = i.tenant_id AND m.customer_id = i.customer_id AND m.is_primary
       AND m.deleted_at IS NULL AND m.kind = 'debit_order' AND m.mandate_status = 'active'
     WHERE i.tenant_id = p_tenant AND i.status IN ('finalised', 'partially_paid', 'overdue') AND i.amount_due > 0
       AND i.due_on <= p_action
       AND NOT EXISTS (SELECT FROM kassa.debit_order_items d WHERE d.tenant_id = i.tenant_id AND d.invoice_id = i.id
                          AND (d.status IN ('pending', 'submitted', 'disputed')
                               OR (d.status = 'unpaid' AND d.retry_step IS NULL)))
     ORDER BY i.id
       FOR UPDATE OF i
  ), chosen AS (
    SELECT * FROM due WHERE presentation <= 3
  ), paid AS (
    INSERT INTO kassa.payments (tenant_id, customer_id, provider, method, purpose, amount, currency,
                                payment_method_id, invoice_id, reason)
    SELECT tenant_id, customer_id, 'netcash', 'debit_order', 'payment', amount_due, currency, method_id, invoice_id,
           format('debit order of %s', p_submission)
      FROM chosen
    RETURNING tenant_id, id, invoice_id
  )
  INSERT INTO kassa.debit_order_items (tenant_id, batch_id, submission_date, invoice_id, customer_id, payment_method_id,
                                       payment_id, account_reference, amount, presentation)
  SELECT c.tenant_id, batch.id, p_submission, c.invoice_id, c.customer_id, c.method_id, p.id, c.netcash_account_ref,
         c.amount_due, c.presentation
    FROM chosen c JOIN paid p ON p.tenant_id = c.tenant_id AND p.invoice_id = c.invoice_id;
  IF NOT FOUND THEN  -- nothing to collect: no batch (a later run that day may find something)
    DELETE FROM kassa.debit_order_batches b WHERE b.tenant_id = p_tenant AND b.id = batch.id;
    RETURN NULL;
  END IF;
  RETURN batch;
END $$;

-- The debits of a recorded batch, with the bank details the file needs (decrypted: the job's
-- connection carries the payment method key).
CREATE OR REPLACE FUNCTION internal.debit_order_debits(p_tenant uuid, p_batch uuid)
RETURNS TABLE (item_id uuid, account_reference text, account_name text, bank text, account_type text,
               account_number text, amount bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT d.id, d.account_reference, c.name, m.bank, m.account_type,
         internal.payment_method_details(d.tenant_id, d.payment_method_id) ->> 'account_number', d.amount
    FROM kassa.debit_order_items d
    JOIN kassa.customers c ON c.tenant_id = d.tenant_id AND c.id = d.customer_id
    JOIN kassa.payment_methods m ON m.tenant_id = d.tenant_id AND m.id = d.payment_method_id
   WHERE d.tenant_id = p_tenant AND d.batch_id = p_batch AND d.status = 'pending'
   ORDER BY d.account_reference, d.invoice_id
$$;

-- Debits that will not reach NetCash (refused before the upload, in the load report, or with
-- their whole batch): rejected, their payments failed (nothing was collected), their invoices
-- free for the next run.
CREATE OR REPLACE FUNCTION internal.reject_debit_order_items(p_tenant uuid, p_items uuid[], p_reason text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  rejected uuid[];
BEGIN
  WITH r AS (
    UPDATE kassa.debit_order_items d SET status = 'rejected', reason = left(p_reason, 500), settled_at = now()
     WHERE d.tenant_id = p_tenant AND d.id = ANY (p_items) AND d.status IN ('pending', 'submitted')
    RETURNING d.payment_id
  )
  SELECT array_agg(payment_id) INTO rejected FROM r;
  PERFORM internal.fail_payment(p_tenant, p.id, p_reason) FROM unnest(rejected) AS p(id);
  RETURN coalesce(cardinality(rejected), 0);
END $$;

-- A batch, locked: every change of a batch starts here, so the job's steps and a second run of
-- the job take their turns (P0E07 when the tenant has no such batch).
CREATE OR REPLACE FUNCTION internal.lock_debit_order_batch(p_tenant uuid, p_batch uuid) RETURNS kassa.debit_order_batches
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  batch kassa.debit_order_batches;
BEGIN
  SELECT * INTO batch FROM kassa.debit_order_batches b WHERE b.tenant_id = p_tenant AND b.id = p_batch FOR UPDATE;
  PERFORM internal.require_found(FOUND, 'P0E07', format('unknown debit-order batch %s', p_batch));
  RETURN batch;
END $$;

-- The job is about to upload the batch: the debits it sends (in file order: T lines 3, 4, ...)
-- get their line; any other pending debit of the batch is rejected (p_reason: why the job left
-- it out). Committed before NetCash is called, so a crash during the upload leaves `uploading`,
-- which is never uploaded again.
CREATE OR REPLACE FUNCTION internal.debit_order_batch_uploading(p_tenant uuid, p_batch uuid, p_items uuid[], p_reason text)
RETURNS kassa.debit_order_batches
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  batch kassa.debit_order_batches := internal.lock_debit_order_batch(p_tenant, p_batch);
BEGIN
  IF batch.status <> 'recorded' THEN
    PERFORM internal.raise_error('P0E07', format('debit-order batch %s is %s, only a recorded batch is uploaded', p_batch,
                                                 batch.status),
      hint => 'A batch is uploaded once; one whose upload answer was lost is checked in NetCash''s portal.');
  END IF;
  UPDATE kassa.debit_order_items d SET line = 2 + u.n
    FROM unnest(p_items) WITH ORDINALITY AS u(id, n)
   WHERE d.tenant_id = p_tenant AND d.batch_id = p_batch AND d.id = u.id;
  PERFORM internal.reject_debit_order_items(p_tenant, array_agg(d.id), p_reason)
     FROM kassa.debit_order_items d
    WHERE d.tenant_id = p_tenant AND d.batch_id = p_batch AND d.status = 'pending' AND NOT d.id = ANY (p_items)
   HAVING count(*) > 0;
  UPDATE kassa.debit_order_batches b
     SET status = CASE WHEN cardinality(p_items) > 0 THEN 'uploading' ELSE 'failed' END,
         error = CASE WHEN cardinality(p_items) = 0 THEN 'no debit to send' END, updated_at = now()
   WHERE b.tenant_id = p_tenant AND b.id = p_batch
  RETURNING * INTO batch;
  RETURN batch;
END $$;

-- What NetCash answered the upload or the load report, and what its portal says: the batch's
-- next status. p_status: loading (the upload's file token), upload_unknown (no answer: never
-- sent again by the job), failed (refused: every debit rejected), submitted or
-- awaiting_authorisation (loaded; the load report's failed lines are rejected).
CREATE OR REPLACE FUNCTION internal.record_debit_order_batch_state(
  p_tenant uuid, p_batch uuid, p_status text, p_token text DEFAULT NULL, p_load_status text DEFAULT NULL,
  p_failed_lines integer[] DEFAULT '{}', p_error text DEFAULT NULL)
RETURNS kassa.debit_order_batches
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  batch kassa.debit_order_batches := internal.lock_debit_order_batch(p_tenant, p_batch);
BEGIN
  IF NOT (batch.status, p_status) IN (('uploading', 'loading'), ('uploading', 'upload_unknown'), ('uploading', 'failed'),
                                      ('loading', 'failed'), ('loading', 'submitted'), ('loading', 'awaiting_authorisation'),
                                      ('awaiting_authorisation', 'submitted')) THEN
    PERFORM internal.raise_error('P0E07', format('debit-order batch %s is %s and cannot become %s', p_batch, batch.status, p_status));
  END IF;
  IF p_status = 'failed' THEN
    PERFORM internal.reject_debit_order_items(p_tenant, array_agg(d.id), coalesce(p_error, 'the batch was refused by NetCash'))
       FROM kassa.debit_order_items d WHERE d.tenant_id = p_tenant AND d.batch_id = p_batch HAVING count(*) > 0;
  ELSIF p_status IN ('submitted', 'awaiting_authorisation') AND batch.status = 'loading' THEN
    PERFORM internal.reject_debit_order_items(p_tenant, array_agg(d.id), 'refused in NetCash''s load report')
       FROM kassa.debit_order_items d
      WHERE d.tenant_id = p_tenant AND d.batch_id = p_batch AND d.line = ANY (p_failed_lines) HAVING count(*) > 0;
    UPDATE kassa.debit_order_items d SET status = 'submitted'
     WHERE d.tenant_id = p_tenant AND d.batch_id = p_batch AND d.status = 'pending';
  END IF;
  UPDATE kassa.debit_order_batches b
     SET status = p_status, file_token = coalesce(p_token, b.file_token), load_status = coalesce(p_load_status, b.load_status),
         error = coalesce(left(p_error, 2000), b.error), updated_at = now()
   WHERE b.tenant_id = p_tenant AND b.id = p_batch
  RETURNING * INTO batch;
  RETURN batch;
END $$;

-- The batches of a tenant (or all) the job still has to move on: recorded, loading, or waiting
-- for authorisation.
CREATE OR REPLACE FUNCTION internal.open_debit_order_batches(p_tenant uuid)
RETURNS SETOF kassa.debit_order_batches
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT * FROM kassa.debit_order_batches b
   WHERE (p_tenant IS NULL OR b.tenant_id = p_tenant) AND b.status IN ('recorded', 'loading', 'awaiting_authorisation')
   ORDER BY b.tenant_id, b.submission_date
$$;

-- Staff: what NetCash's portal shows of a batch whose upload answer was lost (upload_unknown,
-- never sent again by the job). Received: NetCash has the file, its debits are submitted and
-- their results come with the merchant statement (a batch held for authorisation there is
-- authorised there first). Not received: its debits are rejected, their payments fail and the
-- invoices are free for the next run. The reason is kept on the batch (audited); a batch in
-- any other state is refused (P0E07).
CREATE OR REPLACE FUNCTION internal.resolve_debit_order_batch(p_tenant uuid, p_batch uuid, p_received boolean,
                                                              p_reason text)
RETURNS kassa.debit_order_batches
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  batch kassa.debit_order_batches := internal.lock_debit_order_batch(p_tenant, p_batch);
BEGIN
  IF p_received IS NULL THEN
    PERFORM internal.raise_error('P0E09', 'received must be true (NetCash has the batch) or false (it has not)');
  END IF;
  PERFORM internal.check_text(p_reason, 'reason', 500);
  IF batch.status <> 'upload_unknown' THEN
    PERFORM internal.raise_error('P0E07', format('debit-order batch %s is %s, only a batch whose upload answer was lost is resolved',
                                                 p_batch, batch.status),
      hint => 'The job moves every other batch on by NetCash''s answers.');
  END IF;
  IF p_received THEN
    UPDATE kassa.debit_order_items d SET status = 'submitted'
     WHERE d.tenant_id = p_tenant AND d.batch_id = p_batch AND d.status = 'pending';
  ELSE
    PERFORM internal.reject_debit_order_items(p_tenant, array_agg(d.id), 'the batch never reached NetCash: ' || p_reason)
       FROM kassa.debit_order_items d WHERE d.tenant_id = p_tenant AND d.batch_id = p_batch HAVING count(*) > 0;
  END IF;
  UPDATE kassa.debit_order_batches b
     SET status = CASE WHEN p_received THEN 'submitted' ELSE 'failed' END, resolution = p_reason, updated_at = now()
   WHERE b.tenant_id = p_tenant AND b.id = p_batch
  RETURNING * INTO batch;
  RETURN batch;
END $$;

CREATE OR REPLACE FUNCTION api.resolve_debit_order_batch(batch_id uuid, received boolean, reason text)
RETURNS kassa.debit_order_batches LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.resolve_debit_order_batch(internal.jwt_tenant_id(), batch_id, received, reason)
$$;
GRANT EXECUTE ON FUNCTION api.resolve_debit_order_batch(uuid, boolean, text) TO staff;

SELECT internal.audit_table('kassa.debit_order_batches', 'tenant_id', 'id');
SELECT internal.audit_table('kassa.debit_order_items', 'tenant_id', 'id');
SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.debit_order_batches', 'kassa.debit_order_items');
SELECT internal.allow('customer', 'SELECT', internal.own_rows(), 'kassa.debit_order_items');
GRANT SELECT ON kassa.debit_order_batches TO staff;
GRANT SELECT ON kassa.debit_order_items TO customer, staff;

-- Staff see each run's batch (awaiting_authorisation: authorise it in NetCash's portal) and its
-- debits; a customer sees their own debits.
CREATE VIEW api.debit_order_batches WITH (security_invoker = true) AS
  SELECT b.id, b.tenant_id, b.submission_date, b.action_date, b.service, b.name, b.status, b.load_status, b.error,
         b.resolution, b.created_at, b.updated_at
    FROM kassa.debit_order_batches b;
GRANT SELECT ON api.debit_order_batches TO staff;

CREATE VIEW api.debit_order_items WITH (security_invoker = true) AS
  SELECT d.id, d.tenant_id, d.batch_id, d.submission_date, d.invoice_id, d.customer_id, d.payment_method_id,
         d.payment_id, d.amount, d.presentation, d.status, d.reason_code, d.reason, d.retry_allowed, d.retry_step, d.created_at,
         d.settled_at
    FROM kassa.debit_order_items d;
GRANT SELECT ON api.debit_order_items TO customer, staff;

-- --- Results -------------------------------------------------------------------------------

-- The earliest action date the merchant statement is read from on p_as_of: debits at NetCash
-- whose action date has come, and paid ones of the last 40 days (a bank takes disputes that
-- long). NULL: nothing to read.
CREATE OR REPLACE FUNCTION internal.debit_order_results_from(p_tenant uuid, p_as_of date) RETURNS date
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT min(b.action_date)
    FROM kassa.debit_order_items d
    JOIN kassa.debit_order_batches b ON b.tenant_id = d.tenant_id AND b.id = d.batch_id
   WHERE (p_tenant IS NULL OR d.tenant_id = p_tenant) AND b.action_date <= p_as_of
     AND (d.status = 'submitted' OR (d.status = 'paid' AND b.action_date >= p_as_of - 40))
$$;

-- One line of NetCash's merchant statement for a debit: p_kind paid (TDD/SDD), unpaid (DRU, the
-- bank's reason code) or dispute (PND), naming the account reference and amount; p_transaction
-- is NetCash's transaction id (a line applied once). Paid completes the debit's payment (which
-- settles its invoice first). Unpaid and dispute return the money: a payment already completed
-- gets a reversal (a refund of kind `unpaid` or `dispute`, which un-settles its invoice), one
-- still pending fails (nothing was booked). The reason decides what follows: a dispute, 12
-- (account closed) and 30 (no authority) cancel the mandate; 2 (not provided for) allows the
-- invoice to be presented again when a dunning step retries it, at most three presentations in
-- all; any other reason ends the
-- debit-order collection of that invoice. Answers applied, duplicate or unknown (not a debit of
-- Kassa's, or of p_tenant when given).
CREATE OR REPLACE FUNCTION internal.apply_debit_order_result(
  p_tenant uuid, p_kind text, p_account_ref text, p_amount bigint, p_day date, p_transaction text,
  p_code integer, p_reason text, p_raw jsonb DEFAULT '{}')
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  item kassa.debit_order_items;
  pay kassa.payments;
  why text;
BEGIN
  IF p_kind IS NULL OR p_kind NOT IN ('paid', 'unpaid', 'dispute') THEN
    PERFORM internal.raise_error('P0E08', format('a debit-order result is paid, unpaid or dispute, not %s', coalesce(p_kind, 'nothing')));
  END IF;
  IF internal.is_blank(p_transaction) OR char_length(p_transaction) > 100 THEN
    PERFORM internal.raise_error('P0E08', 'a debit-order result names NetCash''s transaction id (1 to 100 characters)');
  END IF;
  IF EXISTS (SELECT FROM kassa.debit_order_items d WHERE d.account_reference = p_account_ref
                AND (d.paid_ref = p_transaction OR d.reversal_ref = p_transaction)) THEN
    RETURN 'duplicate';
  END IF;
  SELECT d.* INTO item FROM kassa.debit_order_items d
    JOIN kassa.debit_order_batches b ON b.tenant_id = d.tenant_id AND b.id = d.batch_id
   WHERE d.account_reference = p_account_ref AND d.amount = p_amount AND (p_tenant IS NULL OR d.tenant_id = p_tenant)
     AND b.action_date <= p_day
     AND CASE WHEN p_kind = 'paid' THEN d.status = 'submitted'
              ELSE d.status IN ('submitted', 'paid') AND d.reversal_ref IS NULL END
   ORDER BY b.action_date, d.created_at
   LIMIT 1
     FOR UPDATE OF d;
  IF NOT FOUND THEN
    RETURN 'unknown';
  END IF;
  pay := internal.lock_payment(item.tenant_id, item.payment_id);
  IF p_kind = 'paid' THEN
    PERFORM internal.complete_payment(item.tenant_id, item.payment_id, item.amount, pay.currency, p_transaction, p_raw);
    UPDATE kassa.debit_order_items d SET status = 'paid', paid_ref = p_transaction, settled_at = now()
     WHERE d.tenant_id = item.tenant_id AND d.id = item.id;
    RETURN 'applied';
  END IF;
  why := left(coalesce(nullif(btrim(p_reason), ''), CASE p_kind WHEN 'dispute' THEN 'debit order disputed'
                                                                  ELSE format('debit order unpaid (bank code %s)', p_code) END), 500);
  IF pay.status = 'pending' THEN
    PERFORM internal.fail_payment(item.tenant_id, pay.id, why, p_raw);
  ELSE
    PERFORM internal.refund_payment(item.tenant_id, pay.id, p_kind, item.amount, p_transaction, why, p_raw);
  END IF;
  UPDATE kassa.debit_order_items d
     SET status = CASE p_kind WHEN 'dispute' THEN 'disputed' ELSE 'unpaid' END, reason_code = p_code, reason = why,
         reversal_ref = p_transaction, settled_at = now(),
         retry_allowed = p_kind = 'unpaid' AND p_code = 2 AND d.presentation < 3
   WHERE d.tenant_id = item.tenant_id AND d.id = item.id;
  IF p_kind = 'dispute' OR p_code IN (12, 30) THEN
    UPDATE kassa.payment_methods m SET mandate_status = 'cancelled'
     WHERE m.tenant_id = item.tenant_id AND m.id = item.payment_method_id AND m.mandate_status = 'active';
  END IF;
  RETURN 'applied';
END $$;
