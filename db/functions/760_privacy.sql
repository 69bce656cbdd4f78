-- Privacy (docs/operations.md, "Privacy"; GDPR art. 15/17/20, POPIA s23/s24): a customer's data
-- as one machine-readable document, and the anonymisation of closed customers once their
-- tenant's retention period has passed, keeping what tax law requires (issued invoices and
-- credit notes with their frozen parties, documents, the ledger).

-- Everything the API shows the caller about one customer: every api view the caller may read
-- that has a customer_id, or a <parent>_id of a view <parent>s that has one (lines follow their
-- invoice, ticket messages their ticket), filtered to that customer, as the caller sees it
-- (security invoker: row-level security applies, so a customer never gets another's rows or
-- staff's internal notes); each view under its name. A new view joins the export by itself.
CREATE OR REPLACE FUNCTION internal.customer_data_export(p_customer_id uuid) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
DECLARE
  who    constant uuid := coalesce(p_customer_id, internal.jwt_customer_id());
  export jsonb;
  part   jsonb;
  view   name;
  parent name;  -- the view the rows follow (NULL: they name the customer themselves)
  key    name;  -- and the column that names its row
BEGIN
  SELECT jsonb_build_object('format', 'kassa-customer-export/1', 'exported_at', internal.clock_now(),
                            'customer', to_jsonb(c))
    INTO export FROM api.customers c WHERE c.id = who;
  IF export IS NULL THEN
    PERFORM internal.raise_error('P0G31', format('customer %s not found', coalesce(who::text, '(none given)')),
      NULL, 'Staff name a customer of their tenant; a customer exports themselves (no customer_id).');
  END IF;
  FOR view, parent, key IN
    SELECT DISTINCT ON (v.relname) v.relname, p.relname, k.attname
      FROM pg_catalog.pg_class v
      JOIN pg_catalog.pg_attribute k ON k.attrelid = v.oid AND NOT k.attisdropped
      LEFT JOIN pg_catalog.pg_class p ON p.relnamespace = v.relnamespace AND p.relkind = 'v'
                                     AND p.relname = left(k.attname, -3) || 's' AND k.attname <> 'customer_id'
     WHERE v.relnamespace = 'api'::regnamespace AND v.relkind = 'v' AND v.relname <> 'customers'
       AND pg_catalog.has_table_privilege(v.oid, 'SELECT')
       AND (k.attname = 'customer_id'
            OR (p.oid IS NOT NULL AND pg_catalog.has_table_privilege(p.oid, 'SELECT')
                AND NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a WHERE a.attrelid = v.oid AND a.attname = 'customer_id')
                AND EXISTS (SELECT FROM pg_catalog.pg_attribute a WHERE a.attrelid = p.oid AND a.attname = 'customer_id')))
     ORDER BY v.relname, p.relname NULLS FIRST
  LOOP
    EXECUTE CASE WHEN parent IS NULL
                 THEN format('SELECT coalesce(jsonb_agg(to_jsonb(v)), ''[]'') FROM api.%I v WHERE v.customer_id = $1', view)
                 ELSE format('SELECT coalesce(jsonb_agg(to_jsonb(v)), ''[]'') FROM api.%I v'
                             ' WHERE v.%I IN (SELECT p.id FROM api.%I p WHERE p.customer_id = $1)', view, key, parent) END
      INTO part USING who;
    export := export || jsonb_build_object(view, part);
  END LOOP;
  RETURN export;
END $$;
GRANT EXECUTE ON FUNCTION internal.customer_data_export(uuid) TO customer, staff;

CREATE OR REPLACE FUNCTION api.customer_data_export(customer_id uuid DEFAULT NULL) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT internal.customer_data_export(customer_id)
$$;
GRANT EXECUTE ON FUNCTION api.customer_data_export(uuid) TO customer, staff;

-- The personal data of a row (a customer's, or a row naming a customer in the audit log or a
-- notification) with the personal keys removed or replaced.
CREATE OR REPLACE FUNCTION internal.without_personal_data(p_row jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT (p_row - '{name,company_name,email,phone,address,street,postcode,city,vat_number,buyer_reference,status_reason,
                    recipient,subject,body,file_name,customer_name,installation_address}'::text[])
         || CASE WHEN p_row ? 'customer_name' THEN '{"customer_name": "Anonymised customer"}'::jsonb ELSE '{}' END
$$;

-- The privacy-anonymise job for one tenant: each closed customer whose closing lies longer than
-- the tenant's privacy_retention_days before p_now loses their personal data: name, e-mail,
-- phone, addresses, VAT number and references on the customer (the account number stays, the
-- key of the issued documents); their logins; the recipient of their messages; their payment methods'
-- details and secrets; their push subscriptions; their tickets' subjects, messages and files;
-- and the same keys in their notifications and in the audit log's rows about them. Issued
-- invoices, credit notes and kept documents keep their frozen parties: tax law requires them
-- (Germany 10 years, South Africa 5). The append-only guards let this function, and only it,
-- redact (internal.redacting). Answers the number of customers anonymised; a second run finds
-- none left.
CREATE OR REPLACE FUNCTION internal.anonymise_customers(p_tenant_id uuid, p_now timestamptz DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  ids     uuid[];
  tickets uuid[];
BEGIN
  SELECT array_agg(c.id) INTO ids
    FROM kassa.customers c JOIN kassa.tenants t ON t.id = c.tenant_id
   WHERE c.tenant_id = p_tenant_id AND c.status = 'closed' AND c.anonymised_at IS NULL
     AND c.closed_at <= coalesce(p_now, internal.clock_now()) - make_interval(days => t.privacy_retention_days);
  IF ids IS NULL THEN
    RETURN 0;
  END IF;
  tickets := ARRAY(SELECT t.id FROM kassa.tickets t WHERE t.tenant_id = p_tenant_id AND t.customer_id = ANY (ids));
  PERFORM pg_catalog.set_config('kassa.redacting', 'on', true);
  UPDATE kassa.customers c
     SET name = 'Anonymised customer', company_name = NULL, email = 'anonymised-' || c.id || '@anonymised.invalid',
         phone = NULL, address = '', street = NULL, postcode = NULL, city = NULL, vat_number = NULL,
         buyer_reference = NULL, status_reason = NULL, anonymised_at = coalesce(p_now, internal.clock_now())
   WHERE c.tenant_id = p_tenant_id AND c.id = ANY (ids);
  UPDATE kassa.messages m SET recipient = 'anonymised', subject = NULL
   WHERE m.tenant_id = p_tenant_id AND m.customer_id = ANY (ids);
  UPDATE kassa.notifications n SET payload = internal.without_personal_data(n.payload)
   WHERE n.tenant_id = p_tenant_id AND n.customer_id = ANY (ids);
  UPDATE kassa.payment_methods p
     SET brand = NULL, last4 = NULL, exp_month = NULL, exp_year = NULL, bank = NULL, account_type = NULL,
         account_masked = NULL, netcash_account_ref = NULL, mandate_url = NULL, mandate_postback = NULL,
         is_primary = false, deleted_at = coalesce(p.deleted_at, coalesce(p_now, internal.clock_now()))
   WHERE p.tenant_id = p_tenant_id AND p.customer_id = ANY (ids);
  DELETE FROM kassa.payment_method_secrets s USING kassa.payment_methods p
   WHERE s.tenant_id = p_tenant_id AND p.tenant_id = s.tenant_id AND p.id = s.payment_method_id
     AND p.customer_id = ANY (ids);
  -- Their logins: the identity with its password hash, its families and refresh tokens, its links.
  DELETE FROM kassa.refresh_tokens r USING kassa.login_families f, kassa.identities i
   WHERE r.tenant_id = p_tenant_id AND f.tenant_id = r.tenant_id AND f.id = r.family_id
     AND i.tenant_id = f.tenant_id AND i.id = f.identity_id AND i.customer_id = ANY (ids);
  DELETE FROM kassa.login_families f USING kassa.identities i
   WHERE f.tenant_id = p_tenant_id AND i.tenant_id = f.tenant_id AND i.id = f.identity_id AND i.customer_id = ANY (ids);
  DELETE FROM kassa.login_links l USING kassa.identities i
   WHERE l.tenant_id = p_tenant_id AND i.tenant_id = l.tenant_id AND i.id = l.identity_id AND i.customer_id = ANY (ids);
  DELETE FROM kassa.oidc_links l USING kassa.identities i
   WHERE l.tenant_id = p_tenant_id AND i.tenant_id = l.tenant_id AND i.id = l.identity_id AND i.customer_id = ANY (ids);
  DELETE FROM kassa.identities i WHERE i.tenant_id = p_tenant_id AND i.customer_id = ANY (ids);
  DELETE FROM kassa.push_subscriptions s WHERE s.tenant_id = p_tenant_id AND s.customer_id = ANY (ids);
  DELETE FROM kassa.message_suppressions s WHERE s.tenant_id = p_tenant_id AND s.customer_id = ANY (ids);
  UPDATE kassa.tickets t SET subject = 'Anonymised' WHERE t.tenant_id = p_tenant_id AND t.id = ANY (tickets);
  DELETE FROM kassa.ticket_attachments a USING kassa.ticket_messages m
   WHERE a.tenant_id = p_tenant_id AND m.tenant_id = a.tenant_id AND m.id = a.message_id AND m.ticket_id = ANY (tickets);
  UPDATE kassa.ticket_messages m SET body = 'Anonymised' WHERE m.tenant_id = p_tenant_id AND m.ticket_id = ANY (tickets);
  -- Last, so the rows the statements above logged are redacted too.
  UPDATE audit.log l SET old_row = internal.without_personal_data(l.old_row), new_row = internal.without_personal_data(l.new_row)
   WHERE l.tenant_id = p_tenant_id
     AND ((l.table_name = 'kassa.customers' AND l.row_key ->> 'id' = ANY (ids::text[]))
          OR coalesce(l.new_row, l.old_row) ->> 'customer_id' = ANY (ids::text[])
          OR coalesce(l.new_row, l.old_row) ->> 'ticket_id' = ANY (tickets::text[]));
  PERFORM pg_catalog.set_config('kassa.redacting', '', true);
  RETURN cardinality(ids);
END $$;
