-- Catalog rules that keep the API safe by construction. A new table, view or function that
-- breaks one fails the build.
BEGIN;
SELECT plan(17);

SELECT is_empty($$
  SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p') AND n.nspname IN ('kassa', 'audit') AND NOT c.relrowsecurity
$$, 'every table in kassa and audit has row-level security enabled');

SELECT is_empty($$
  SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'api' AND c.relkind = 'v'
     AND NOT coalesce(c.reloptions @> ARRAY['security_invoker=true'], false)
$$, 'every view in api is security_invoker');

SELECT is_empty($$
  SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'api' AND c.relkind NOT IN ('v')
$$, 'api holds views only (no tables, sequences or materialised data)');

SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname IN ('api', 'internal', 'kassa', 'audit')
     AND (p.proacl IS NULL OR EXISTS (SELECT FROM aclexplode(p.proacl) a
                                       WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE'))
$$, 'no function of ours is executable by PUBLIC');

-- Who may run what: anon only the request check; API roles what each domain file grants.
SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname IN ('api', 'internal')
     AND has_function_privilege('anon', p.oid, 'EXECUTE')
     AND p.proname NOT IN ('check_request', 'jwt_claims', 'jwt_tenant_id', 'jwt_customer_id')
$$, 'anon can execute nothing but the request check and its claim readers');

SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname = 'internal' AND p.prosecdef
     AND NOT EXISTS (SELECT FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')
$$, 'every security definer function pins its search_path');

-- Tenant isolation by construction (and ready for Citus): in a table with tenant_id, every
-- primary key, unique key and foreign key includes tenant_id, except foreign keys to
-- platform reference data (tables without tenant_id, such as currencies).
SELECT is_empty($$
  SELECT con.conrelid::regclass || ' ' || con.conname
    FROM pg_constraint con
    JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname IN ('kassa', 'audit') AND con.contype IN ('p', 'u', 'f')
     AND EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id')
     AND NOT EXISTS (SELECT FROM unnest(con.conkey) k JOIN pg_attribute a
                       ON a.attrelid = c.oid AND a.attnum = k WHERE a.attname = 'tenant_id')
     AND NOT (con.contype = 'f' AND NOT EXISTS (
                SELECT FROM pg_attribute a WHERE a.attrelid = con.confrelid AND a.attname IN ('tenant_id')
              ) AND con.confrelid <> 'kassa.tenants'::regclass)
     AND NOT (c.oid = 'kassa.tenants'::regclass)
$$, 'every key of a tenant table includes tenant_id');

-- Ownership and creation rights: a security definer function runs with its owner's rights, so
-- the owner is kassa_owner (never a superuser), and no role a request or a job logs in as can
-- create an object (a table, a temp table, a function) that such a function might pick up.
SELECT is_empty($$
  SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname IN ('api', 'internal', 'kassa', 'audit') AND c.relkind IN ('r', 'p', 'v', 'S', 'm')
     AND c.relowner <> 'kassa_owner'::regrole
  UNION ALL
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname IN ('api', 'internal', 'kassa', 'audit') AND p.proowner <> 'kassa_owner'::regrole
  UNION ALL
  SELECT n.nspname FROM pg_namespace n
   WHERE n.nspname IN ('api', 'internal', 'kassa', 'audit') AND n.nspowner <> 'kassa_owner'::regrole
$$, 'every schema, table, view and function of Kassa belongs to kassa_owner');

SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
   WHERE p.prosecdef AND r.rolsuper AND p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
     AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
$$, 'no security definer function outside extensions is owned by a superuser');

SELECT ok(NOT (SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolcanlogin OR rolbypassrls
                 FROM pg_roles WHERE rolname = 'kassa_owner'),
          'kassa_owner is a plain NOLOGIN role: no superuser, CREATEROLE, CREATEDB or BYPASSRLS');

SELECT is_empty($$
  SELECT r.rolname || ' CREATE ON SCHEMA ' || n.nspname
    FROM pg_roles r CROSS JOIN pg_namespace n
   WHERE r.rolname IN ('authenticator', 'anon', 'customer', 'staff', 'kassa_worker')
     AND has_schema_privilege(r.oid, n.oid, 'CREATE')
  UNION ALL
  SELECT r.rolname || ' TEMPORARY ON DATABASE' FROM pg_roles r
   WHERE r.rolname IN ('authenticator', 'anon', 'customer', 'staff', 'kassa_worker')
     AND has_database_privilege(r.oid, current_database(), 'TEMPORARY')
$$, 'no API or worker role can create objects in any schema or temporary tables');

-- A security definer function runs as kassa_owner: it must not name pg_temp (where a caller
-- can plant a table or function of its own beforehand) nor any schema a caller can write to.
SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname IN ('api', 'internal', 'kassa', 'audit') AND p.prosecdef
     AND (p.prosrc ~* 'pg_temp|\mtemp(orary)?\s+table'
          OR EXISTS (SELECT FROM pg_namespace w
                      WHERE p.prosrc ~* ('\m' || w.nspname || '\.')
                        AND EXISTS (SELECT FROM pg_roles r
                                     WHERE r.rolname IN ('authenticator', 'anon', 'customer', 'staff', 'kassa_worker')
                                       AND has_schema_privilege(r.oid, w.oid, 'CREATE'))))
$$, 'no security definer function uses pg_temp, a temporary table, or a schema callers can write to');

-- The worker login (bridges and jobs) holds no table: it executes exactly these functions, each
-- a security definer step (db/functions/890_worker.sql). A new step is added here on purpose.
SELECT set_eq($$
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'public')
     AND has_function_privilege('kassa_worker', p.oid, 'EXECUTE')
$$, ARRAY[
  'internal.check_claims(json,text)', 'internal.require_staff_action(json,text)', 'internal.act_as(text)', 'internal.balances_changed_since(uuid[],timestamp with time zone[])',
  'internal.events_cursor()', 'internal.events_after(xid8,bigint,integer,uuid,uuid)',
  'internal.redeem_stream_ticket(uuid,uuid,timestamp with time zone)',
  'internal.event_position(uuid,uuid,uuid)',
  'internal.fan_out_events(integer)', 'internal.claim_messages(text,integer,interval)',
  'internal.record_message_sent(uuid,uuid,text,integer)', 'internal.record_message_failed(uuid,uuid,text,interval,integer)',
  'internal.record_message_bounced(uuid,uuid,text)', 'internal.unsubscribe(uuid,uuid,text,text)',
  'internal.claim_login_mails(integer,interval)', 'internal.record_login_mail_sent(uuid,uuid)',
  'internal.record_login_mail_failed(uuid,uuid,text,interval,integer)',
  'internal.request_signup(text,text,text,text,uuid,bytea,interval)',
  'internal.request_password_reset(text,text,uuid,bytea,interval)',
  'internal.invite_staff(uuid,text,text,text,uuid,bytea,interval)', 'internal.login_link(bytea,text)',
  'internal.verify_signup(bytea)', 'internal.reset_password(bytea,text)', 'internal.accept_invitation(bytea,text,text)',
  'internal.login_wait(text,text,text)', 'internal.count_login_failure(text,text,text)',
  'internal.login_identity(text,text)', 'internal.login_subject(uuid,uuid)',
  'internal.start_login(uuid,uuid,bytea,text,interval,bigint)', 'internal.refresh_login(bytea,bytea,interval)',
  'internal.logout(bytea)', 'internal.active_logins(uuid,uuid)', 'internal.revoke_login(uuid,uuid,uuid)',
  'internal.begin_totp(uuid,uuid,text)', 'internal.enable_totp(uuid,uuid,bigint)',
  'internal.use_api_key(uuid,bytea)', 'internal.oidc_provider(text,text)', 'internal.oidc_subject(uuid,uuid,text)',
  'internal.push_target(uuid,uuid)', 'internal.end_push_subscription(uuid,uuid,text)',
  'internal.document_to_serve(uuid,text,uuid,text,text)', 'internal.send_document(uuid,uuid,text,text,text,timestamp with time zone)',
  'internal.document_source(uuid,text,uuid)', 'internal.statement_source(uuid,uuid,date,date)',
  'internal.store_document(uuid,text,uuid,text,text,bytea,text,text)',
  'internal.fan_out_webhooks(integer)', 'internal.claim_webhook_deliveries(integer,interval)',
  'internal.record_webhook_attempt(uuid,uuid,integer,integer,integer,text,text,interval,interval[],interval)',
  'internal.purge_webhook_log(interval)',
  'internal.count_request(text,integer,integer)', 'internal.count_page_view(text,text,integer,integer,integer)',
  'internal.check_return_url(uuid,text,text)', 'internal.begin_top_up(uuid,uuid,bigint,text)',
  'internal.attach_checkout(uuid,uuid,text,text,jsonb)', 'internal.card_refund_target(uuid,uuid,bigint,text)',
  'internal.record_octo_refund(uuid,uuid,bigint,text,text,jsonb)',
  'internal.sync_stripe_refunds(uuid,uuid,text,bigint,text,jsonb)', 'internal.stripe_event(jsonb)',
  'internal.reject_webhook_event(text,text,text,jsonb,text)',
  'internal.add_card(uuid,uuid,text,text,integer,integer,text,text,boolean)',
  'internal.payment_page(text)', 'internal.begin_link_payment(text,text)',
  'internal.payment_return(uuid,uuid)', 'internal.octo_payment(text)',
  'internal.mandates_to_request(uuid)', 'internal.record_mandate_request(uuid,uuid,text)',
  'internal.mandate_postback(text,jsonb)', 'internal.record_mandate_outcome(uuid,uuid,boolean,text,text)',
  'internal.debit_order_service(uuid,date)', 'internal.record_debit_order_batch(uuid,date,date,text,text)',
  'internal.debit_order_debits(uuid,uuid)', 'internal.debit_order_batch_uploading(uuid,uuid,uuid[],text)',
  'internal.record_debit_order_batch_state(uuid,uuid,text,text,text,integer[],text)',
  'internal.open_debit_order_batches(uuid)', 'internal.debit_order_results_from(uuid,date)',
  'internal.apply_debit_order_result(uuid,text,text,bigint,date,text,integer,text,jsonb)',
  'internal.clock_now()', 'internal.tenant_today(uuid)', 'internal.list_tenants()',
  'internal.start_job_run(text,date,uuid)', 'internal.start_queued_job_run(bigint)',
  'internal.finish_job_run(bigint,text,integer,integer,integer,jsonb,jsonb)',
  'internal.queue_job_run(text,uuid,date,text,timestamp with time zone)', 'internal.fail_interrupted_job_runs()',
  'internal.last_scheduled_slots()', 'internal.queued_jobs()', 'internal.next_queued_job_run(text)',
  'internal.invoice_run(date,uuid,uuid)', 'internal.mark_overdue(uuid,date)', 'internal.dunning_run(uuid,date,text)',
  'internal.anonymise_customers(uuid,timestamp with time zone)',
  'internal.record_usage(uuid,jsonb)',
  'internal.ledger_mismatches(uuid)', 'internal.count_billing_accounts(uuid)',
  'internal.due_auto_topups(timestamp with time zone)', 'internal.in_flight_auto_topups(timestamp with time zone)',
  'internal.claim_auto_topup(uuid,uuid,timestamp with time zone)',
  'internal.due_auto_pays(date,uuid)', 'internal.due_dunning_retries(uuid)',
  'internal.claim_invoice_charge(uuid,uuid,date,integer)',
  'internal.in_flight_invoice_charges(timestamp with time zone,uuid)',
  'internal.complete_payment(uuid,uuid,bigint,text,text,jsonb)', 'internal.fail_payment(uuid,uuid,text,jsonb)'
], 'the worker executes exactly its listed functions');

SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'public')
     AND has_function_privilege('kassa_worker', p.oid, 'EXECUTE') AND NOT p.prosecdef
$$, 'every function the worker executes is security definer (it runs with no table privilege of its own)');

SELECT is_empty($$
  SELECT n.nspname || '.' || c.relname || ' ' || priv
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) priv
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'public') AND n.nspname !~ '^pg_(toast|temp)'
     AND CASE WHEN c.relkind IN ('r', 'p', 'v', 'm', 'f') THEN has_table_privilege('kassa_worker', c.oid, priv) END
  UNION ALL
  SELECT n.nspname || '.' || c.relname || ' a column' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'public') AND n.nspname !~ '^pg_(toast|temp)'
     AND CASE WHEN c.relkind IN ('r', 'p', 'v', 'm', 'f')
              THEN has_any_column_privilege('kassa_worker', c.oid, 'SELECT, INSERT, UPDATE, REFERENCES') END
  UNION ALL
  SELECT n.nspname || '.' || c.relname || ' sequence' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'public') AND n.nspname !~ '^pg_(toast|temp)'
     AND CASE WHEN c.relkind = 'S' THEN has_sequence_privilege('kassa_worker', c.oid, 'USAGE, SELECT, UPDATE') END
  UNION ALL
  SELECT 'USAGE ON SCHEMA ' || n.nspname FROM pg_namespace n
   WHERE n.nspname IN ('api', 'kassa', 'audit') AND has_schema_privilege('kassa_worker', n.oid, 'USAGE')
  UNION ALL
  SELECT 'BYPASSRLS' FROM pg_roles WHERE rolname = 'kassa_worker' AND (rolbypassrls OR rolsuper)
  UNION ALL
  SELECT 'member of ' || m.roleid::regrole FROM pg_auth_members m WHERE m.member = 'kassa_worker'::regrole
$$, 'the worker has no table, column or sequence privilege, no schema but internal, no BYPASSRLS, no other role');

-- Write privileges come in pairs (internal.grant_writes): an API role may write a column of an
-- api view exactly when it may write that column of the view's base table (the table its
-- write_by_key trigger names, else its only table), and holds no write privilege on a table
-- that no api view passes on.
CREATE TEMP TABLE view_base AS
  SELECT v.oid AS view_oid,
         coalesce((SELECT split_part(encode(t.tgargs, 'escape'), '\000', 1)::regclass::oid FROM pg_trigger t
                    WHERE t.tgrelid = v.oid AND t.tgname = 'write_one_row'),
                  (SELECT min(d.refobjid::text)::oid FROM pg_rewrite r
                     JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                     JOIN pg_class b ON b.oid = d.refobjid AND b.relkind = 'r'
                    WHERE r.ev_class = v.oid
                   HAVING count(DISTINCT d.refobjid) = 1)) AS base_oid
    FROM pg_class v WHERE v.relnamespace = 'api'::regnamespace AND v.relkind = 'v';
CREATE TEMP TABLE write_privileges AS
  SELECT c.oid AS rel, p.grantee::text AS role, p.privilege_type AS privilege, p.column_name::text AS col
    FROM information_schema.column_privileges p
    JOIN pg_class c ON c.relname = p.table_name AND c.relnamespace = p.table_schema::regnamespace
   WHERE p.table_schema IN ('api', 'kassa', 'audit') AND p.grantee IN ('anon', 'customer', 'staff')
     AND p.privilege_type IN ('INSERT', 'UPDATE')
  UNION
  SELECT c.oid, p.grantee, p.privilege_type, NULL
    FROM information_schema.table_privileges p
    JOIN pg_class c ON c.relname = p.table_name AND c.relnamespace = p.table_schema::regnamespace
   WHERE p.table_schema IN ('api', 'kassa', 'audit') AND p.grantee IN ('anon', 'customer', 'staff')
     AND p.privilege_type = 'DELETE';
SELECT is_empty($$
  SELECT w.rel::regclass || ' ' || w.role || ' ' || w.privilege || coalesce(' (' || w.col || ')', '')
    FROM write_privileges w JOIN view_base vb ON vb.view_oid = w.rel
   WHERE vb.base_oid IS NULL
      OR NOT EXISTS (SELECT FROM write_privileges b WHERE b.rel = vb.base_oid AND b.role = w.role
                        AND b.privilege = w.privilege AND b.col IS NOT DISTINCT FROM w.col)
$$, 'every write privilege on an api view is held on its base table too');
SELECT is_empty($$
  SELECT b.rel::regclass || ' ' || b.role || ' ' || b.privilege || coalesce(' (' || b.col || ')', '')
    FROM write_privileges b
   WHERE b.rel NOT IN (SELECT view_oid FROM view_base)
     AND NOT EXISTS (SELECT FROM write_privileges w JOIN view_base vb ON vb.view_oid = w.rel
                      WHERE vb.base_oid = b.rel AND w.role = b.role AND w.privilege = b.privilege
                        AND w.col IS NOT DISTINCT FROM b.col)
$$, 'no API role writes a table column that no api view passes on');

SELECT * FROM finish();
ROLLBACK;
