-- Usage (docs/billing.md "Usage"): what a service used, reported by network systems in batches
-- (api.record_usage over HTTP, the usage-import job from files), each record with a source and
-- an idempotency key unique per tenant: a record sent again with the same content changes
-- nothing, with other content it is refused (P0O02). A batch is all or nothing. Every ingest
-- adds its records to the service's daily totals (tenant-local days) and period totals (the
-- service's billing periods) by upserts, and in the same transaction writes a usage_cap_warning
-- event for each of the tenant's warning percentages of the plan's cap the period total passes,
-- once per period. The invoice run bills what a finished period used above the plan's
-- allowance (internal.invoice_run_stage_usage below).
--
-- Errors (P0O): 01 a record is malformed, 02 a key already recorded with other content, 03 the
-- batch is not a list of 1 to 1000 records, 04 a service not of the tenant, 05 usage outside
-- the time the service was active (or in the future), 06 a recorded fact changed.

-- The unit a plan meters for a record's unit: data up and down count together.
CREATE OR REPLACE FUNCTION internal.usage_meter(p_unit text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN p_unit IN ('bytes_up', 'bytes_down') THEN 'bytes' ELSE p_unit END
$$;

-- The steps billed for p_used of a period with p_allowance included: every step begun above it.
CREATE OR REPLACE FUNCTION internal.usage_steps(p_used bigint, p_allowance bigint, p_step bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN p_used > p_allowance THEN ceil((p_used - p_allowance)::numeric / p_step)::bigint ELSE 0 END
$$;

-- An instant as ISO 8601 with its offset (2026-04-01T10:00:00Z, ...+02:00), checked without a
-- cast that could fail (a failed cast would need a subtransaction per record): null if not.
CREATE OR REPLACE FUNCTION internal.parse_usage_instant(p_text text) RETURNS timestamptz
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
DECLARE
  part text[] := regexp_match(p_text, '^([1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[T ]'
                                      '([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?'
                                      '(Z|[+-](0[0-9]|1[0-4])(:?[0-5][0-9])?)$');
BEGIN
  IF part IS NULL OR part[3]::integer > extract(day FROM pg_catalog.make_date(part[1]::integer, part[2]::integer, 1)
                                                         + interval '1 month - 1 day') THEN
    RETURN NULL;
  END IF;
  RETURN p_text::timestamptz;
END $$;

-- One record of a batch, checked (P0O01, naming records[i]) and placed: its service, customer,
-- tenant-local day and billing period.
CREATE OR REPLACE FUNCTION internal.check_usage_record(p_tenant kassa.tenants, p_index integer, p_record jsonb)
RETURNS kassa.usage_records
LANGUAGE plpgsql STABLE SET search_path = '' AS $$
DECLARE
  fields   constant text[] := ARRAY['source', 'key', 'service_id', 'unit', 'quantity', 'usage_at'];
  at       text := format('records[%s]', p_index);
  r        kassa.usage_records;
  s        kassa.services;
  months   integer;
  unknown  text;
BEGIN
  IF jsonb_typeof(p_record) IS DISTINCT FROM 'object' THEN
    PERFORM internal.raise_error('P0O01', format('%s: a record is an object with the fields %s', at, array_to_string(fields, ', ')));
  END IF;
  SELECT string_agg(k, ', ') INTO unknown FROM jsonb_object_keys(p_record) k WHERE NOT k = ANY (fields);
  IF unknown IS NOT NULL THEN
    PERFORM internal.raise_error('P0O01', format('%s: unknown field %s', at, unknown),
      hint => format('A record has the fields %s.', array_to_string(fields, ', ')));
  END IF;
  IF jsonb_typeof(p_record -> 'source') IS DISTINCT FROM 'string' OR char_length(p_record ->> 'source') NOT BETWEEN 1 AND 100
     OR internal.is_blank(p_record ->> 'source') THEN
    PERFORM internal.raise_error('P0O01', format('%s: source must be a text of 1 to 100 characters (the system that measured it)', at));
  END IF;
  IF jsonb_typeof(p_record -> 'key') IS DISTINCT FROM 'string' OR char_length(p_record ->> 'key') NOT BETWEEN 1 AND 200
     OR internal.is_blank(p_record ->> 'key') THEN
    PERFORM internal.raise_error('P0O01', format('%s: key must be a text of 1 to 200 characters, unique per source', at));
  END IF;
  IF jsonb_typeof(p_record -> 'service_id') IS DISTINCT FROM 'string'
     OR p_record ->> 'service_id' !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
    PERFORM internal.raise_error('P0O01', format('%s: service_id must be a service''s id (a uuid)', at));
  END IF;
  IF NOT coalesce(p_record ->> 'unit' IN ('bytes_up', 'bytes_down', 'seconds', 'units'), false)
     OR jsonb_typeof(p_record -> 'unit') <> 'string' THEN
    PERFORM internal.raise_error('P0O01', format('%s: unit must be bytes_up, bytes_down, seconds or units', at));
  END IF;
  IF jsonb_typeof(p_record -> 'quantity') IS DISTINCT FROM 'number'
     OR (p_record ->> 'quantity')::numeric NOT BETWEEN 0 AND 1e15
     OR (p_record ->> 'quantity')::numeric <> trunc((p_record ->> 'quantity')::numeric) THEN
    PERFORM internal.raise_error('P0O01', format('%s: quantity must be a whole number from 0 to 10^15', at));
  END IF;
  r.usage_at := CASE WHEN jsonb_typeof(p_record -> 'usage_at') = 'string'
                     THEN internal.parse_usage_instant(p_record ->> 'usage_at') END;
  IF r.usage_at IS NULL THEN
    PERFORM internal.raise_error('P0O01', format('%s: usage_at must be an ISO 8601 time with its offset, e.g. 2026-04-01T10:00:00Z', at));
  END IF;
  SELECT * INTO s FROM kassa.services sv WHERE sv.tenant_id = p_tenant.id AND sv.id = (p_record ->> 'service_id')::uuid;
  IF NOT FOUND THEN
    PERFORM internal.raise_error('P0O04', format('%s: service %s not found', at, p_record ->> 'service_id'));
  END IF;
  r.usage_on := (r.usage_at AT TIME ZONE p_tenant.timezone)::date;
  IF r.usage_at > internal.clock_now() + interval '5 minutes' THEN
    PERFORM internal.raise_error('P0O05', format('%s: usage_at %s is in the future', at, p_record ->> 'usage_at'));
  END IF;
  IF s.activated_on IS NULL OR r.usage_on < s.activated_on OR r.usage_on > s.cancelled_on THEN
    PERFORM internal.raise_error('P0O05', format('%s: service %s was not active on %s', at, s.id, r.usage_on),
      hint => CASE WHEN s.activated_on IS NULL THEN 'It was never activated.'
                   ELSE format('It was active from %s%s.', s.activated_on, coalesce(' to ' || s.cancelled_on, '')) END);
  END IF;
  months := (SELECT internal.interval_months(v.interval) FROM kassa.price_versions v
              WHERE v.tenant_id = s.tenant_id AND v.id = s.price_version_id);
  SELECT p.period_start, p.period_end - 1 INTO r.period_start, r.period_end
    FROM internal.billing_periods(s.billing_day, months, s.next_billing_date, r.usage_on, r.usage_on + 1) p;
  r.tenant_id := p_tenant.id;
  r.service_id := s.id;
  r.customer_id := s.customer_id;
  r.source := p_record ->> 'source';
  r.key := p_record ->> 'key';
  r.unit := p_record ->> 'unit';
  r.quantity := (p_record ->> 'quantity')::bigint;
  RETURN r;
END $$;

-- The daily and period totals of the records just added, and the cap warnings they cross: one
-- usage_cap_warning for each of the tenant's percentages of the cap of the plan the service is
-- on that the period total passed with these records (totals only grow, so each is passed once;
-- warned_percents keeps it once even if the cap changes within the period). The upserts' row
-- locks order concurrent ingests of one service and period: the statements after them see the
-- total the other left.
CREATE OR REPLACE FUNCTION internal.add_usage_totals(p_tenant kassa.tenants, p_ids bigint[]) RETURNS void
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  warning record;
BEGIN
  INSERT INTO kassa.usage_daily AS d (tenant_id, service_id, usage_on, unit, customer_id, quantity, records)
  SELECT r.tenant_id, r.service_id, r.usage_on, r.unit, r.customer_id, sum(r.quantity), count(*)
    FROM kassa.usage_records r WHERE r.tenant_id = p_tenant.id AND r.id = ANY (p_ids)
   GROUP BY r.tenant_id, r.service_id, r.usage_on, r.unit, r.customer_id
   ORDER BY r.service_id, r.usage_on, r.unit
  ON CONFLICT (tenant_id, service_id, usage_on, unit)
  DO UPDATE SET quantity = d.quantity + excluded.quantity, records = d.records + excluded.records;

  INSERT INTO kassa.usage_periods AS p (tenant_id, service_id, period_start, meter, period_end, customer_id, quantity)
  SELECT r.tenant_id, r.service_id, r.period_start, internal.usage_meter(r.unit), r.period_end, r.customer_id, sum(r.quantity)
    FROM kassa.usage_records r WHERE r.tenant_id = p_tenant.id AND r.id = ANY (p_ids)
   GROUP BY r.tenant_id, r.service_id, r.period_start, internal.usage_meter(r.unit), r.period_end, r.customer_id
   ORDER BY r.service_id, r.period_start, internal.usage_meter(r.unit)
  ON CONFLICT (tenant_id, service_id, period_start, meter) DO UPDATE SET quantity = p.quantity + excluded.quantity;

  FOR warning IN
    WITH added AS (
      SELECT r.service_id, r.period_start, internal.usage_meter(r.unit) AS meter, sum(r.quantity) AS quantity
        FROM kassa.usage_records r WHERE r.tenant_id = p_tenant.id AND r.id = ANY (p_ids)
       GROUP BY r.service_id, r.period_start, internal.usage_meter(r.unit)
    )
    SELECT p.service_id, p.customer_id, p.period_start, p.period_end, p.meter, p.quantity, v.usage_cap, pct
      FROM added a
      JOIN kassa.usage_periods p ON p.tenant_id = p_tenant.id AND p.service_id = a.service_id
                                AND p.period_start = a.period_start AND p.meter = a.meter
      JOIN kassa.services s ON s.tenant_id = p.tenant_id AND s.id = p.service_id
      JOIN kassa.price_versions v ON v.tenant_id = s.tenant_id AND v.id = s.price_version_id AND v.usage_unit = p.meter
     CROSS JOIN unnest(p_tenant.usage_warning_percents) pct
     WHERE p.quantity * 100 >= v.usage_cap::numeric * pct AND (p.quantity - a.quantity) * 100 < v.usage_cap::numeric * pct
       AND NOT pct = ANY (p.warned_percents)
     ORDER BY p.service_id, p.period_start, pct
  LOOP
    UPDATE kassa.usage_periods p SET warned_percents = p.warned_percents || warning.pct
     WHERE p.tenant_id = p_tenant.id AND p.service_id = warning.service_id AND p.period_start = warning.period_start
       AND p.meter = warning.meter;
    PERFORM internal.emit(p_tenant.id, warning.customer_id, 'usage_cap_warning',
      jsonb_build_object('service_id', warning.service_id, 'percent', warning.pct, 'used', warning.quantity,
                         'cap', warning.usage_cap, 'unit', warning.meter,
                         'period_start', warning.period_start, 'period_end', warning.period_end));
  END LOOP;
END $$;

-- A batch of 1 to 1000 records of a tenant, all or nothing. Returns how many it received, how
-- many were new and how many had been recorded before (same source, key and content).
CREATE OR REPLACE FUNCTION internal.record_usage(p_tenant_id uuid, p_records jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  tenant  kassa.tenants;
  item    record;
  r       kassa.usage_records;
  known   kassa.usage_records;
  new_id  bigint;
  new_ids bigint[] := '{}';
BEGIN
  SELECT * INTO tenant FROM kassa.tenants t WHERE t.id = p_tenant_id;
  PERFORM internal.require_found(FOUND, 'P0O03', format('unknown tenant %s', p_tenant_id));
  IF jsonb_typeof(p_records) IS DISTINCT FROM 'array' OR jsonb_array_length(p_records) NOT BETWEEN 1 AND 1000 THEN
    PERFORM internal.raise_error('P0O03', 'records must be a list of 1 to 1000 usage records',
      hint => 'Send larger amounts in several batches; each is recorded on its own.');
  END IF;
  -- In key order, so two batches that share keys take their locks in the same order.
  FOR item IN SELECT e.value, e.ordinality - 1 AS index
                FROM jsonb_array_elements(p_records) WITH ORDINALITY e
               ORDER BY e.value ->> 'source', e.value ->> 'key', e.ordinality LOOP
    r := internal.check_usage_record(tenant, item.index::integer, item.value);
    INSERT INTO kassa.usage_records (tenant_id, service_id, customer_id, source, key, unit, quantity, usage_at, usage_on,
                                     period_start, period_end)
    VALUES (r.tenant_id, r.service_id, r.customer_id, r.source, r.key, r.unit, r.quantity, r.usage_at, r.usage_on,
            r.period_start, r.period_end)
    ON CONFLICT (tenant_id, source, key) DO NOTHING
    RETURNING id INTO new_id;
    IF new_id IS NOT NULL THEN
      new_ids := new_ids || new_id;
      CONTINUE;
    END IF;
    SELECT * INTO known FROM kassa.usage_records u WHERE u.tenant_id = r.tenant_id AND u.source = r.source AND u.key = r.key;
    IF (known.service_id, known.unit, known.quantity, known.usage_at) IS DISTINCT FROM (r.service_id, r.unit, r.quantity, r.usage_at) THEN
      PERFORM internal.raise_error('P0O02',
        format('records[%s]: key "%s" of source "%s" was recorded with other content', item.index, r.key, r.source),
        format('recorded: service %s, %s %s at %s', known.service_id, known.quantity, known.unit, known.usage_at),
        'A key names one fact: send a correction under a new key.');
    END IF;
  END LOOP;
  IF cardinality(new_ids) > 0 THEN
    PERFORM internal.add_usage_totals(tenant, new_ids);
  END IF;
  RETURN jsonb_build_object('received', jsonb_array_length(p_records), 'recorded', cardinality(new_ids),
                            'already_recorded', jsonb_array_length(p_records) - cardinality(new_ids));
END $$;

-- A recorded fact never changes; the invoice run marks it counted (and billed) once.
CREATE OR REPLACE FUNCTION internal.guard_usage_record() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  IF (to_jsonb(NEW) - 'counted_on' - 'invoice_line_id') <> (to_jsonb(OLD) - 'counted_on' - 'invoice_line_id')
     OR OLD.counted_on IS NOT NULL THEN
    PERFORM internal.raise_error('P0O06', 'a usage record never changes once recorded, and is counted once',
      hint => 'Send a correction as a new record under a new key.');
  END IF;
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER guard_usage_record BEFORE UPDATE ON kassa.usage_records
  FOR EACH ROW EXECUTE FUNCTION internal.guard_usage_record();
CREATE OR REPLACE TRIGGER append_only BEFORE DELETE ON kassa.usage_records
  FOR EACH ROW EXECUTE FUNCTION internal.refuse_change('P0O06', 'usage records are never deleted');

-- --- The invoice run's part (called by internal.invoice_run, 340_invoice_run.sql) ----------
-- Usage is billed in arrears: a run bills the records of periods that ended before its date
-- and that no run counted yet, for each service, period and metered unit on one line:
--     steps(counted before + new, allowance) - steps(counted before, allowance)
-- at the price per step of the plan the service is on, where steps are those begun above the
-- allowance, itself pro-rated (internal.prorate) to the days of the period the service was
-- active (from activation, up to cancellation). Records that arrive after a run counted their
-- period are billed by a later run on a line of their own, "late usage for <period>", priced
-- on top of what that period already used, so the sum of a period's lines is what its whole
-- usage costs. Each record is counted by exactly one run (the lock and the re-check of
-- counted_on), and marked with the line that billed it.

-- Stages the usage lines of one tenant under the run's id; returns the ids of the records they
-- count (internal.invoice_run_mark_usage marks them once the lines are written).
CREATE OR REPLACE FUNCTION internal.invoice_run_stage_usage(p_tenant_id uuid, p_run uuid, p_as_of date) RETURNS bigint[]
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  ids bigint[];
BEGIN
  SELECT array_agg(due.id) INTO ids FROM (
    SELECT r.id FROM kassa.usage_records r
      JOIN kassa.services s ON s.tenant_id = r.tenant_id AND s.id = r.service_id
      JOIN kassa.price_versions v ON v.tenant_id = s.tenant_id AND v.id = s.price_version_id
     WHERE r.tenant_id = p_tenant_id AND r.counted_on IS NULL AND r.period_end < p_as_of
       AND v.usage_step IS NOT NULL AND internal.usage_meter(r.unit) = v.usage_unit
     ORDER BY r.tenant_id, r.id
       FOR UPDATE OF r) due;
  IF ids IS NULL THEN
    RETURN '{}';
  END IF;
  INSERT INTO kassa.invoice_run_lines (tenant_id, run_id, customer_id, service_id, charge_kind, description,
                                       price_version_id, quantity, unit_price, period_start, period_end)
  SELECT p_tenant_id, p_run, g.customer_id, g.service_id, 'usage',
         format('%s: %s %s to %s, %s %s included, per %s %s above', p.name,
                CASE WHEN before.late THEN 'late usage for' ELSE 'usage' END, g.period_start, g.period_end,
                allowance.included, v.usage_unit, v.usage_step, v.usage_unit),
         v.id, billed.steps, v.usage_step_price, g.period_start, g.period_end
    FROM (SELECT r.service_id, r.customer_id, r.period_start, r.period_end, sum(r.quantity)::bigint AS added
            FROM kassa.usage_records r WHERE r.tenant_id = p_tenant_id AND r.id = ANY (ids)
           GROUP BY r.service_id, r.customer_id, r.period_start, r.period_end) g
    JOIN kassa.services s ON s.tenant_id = p_tenant_id AND s.id = g.service_id
    JOIN kassa.price_versions v ON v.tenant_id = p_tenant_id AND v.id = s.price_version_id
    JOIN kassa.products p ON p.tenant_id = p_tenant_id AND p.id = v.product_id
   CROSS JOIN LATERAL (SELECT coalesce(sum(b.quantity), 0)::bigint AS quantity, count(*) > 0 AS late
                         FROM kassa.usage_records b
                        WHERE b.tenant_id = p_tenant_id AND b.service_id = g.service_id
                          AND b.period_start = g.period_start AND b.counted_on IS NOT NULL
                          AND internal.usage_meter(b.unit) = v.usage_unit) before
   CROSS JOIN LATERAL (SELECT internal.prorate(v.usage_allowance, g.period_start, g.period_end + 1,
                                               greatest(g.period_start, s.activated_on),
                                               least(g.period_end + 1, coalesce(s.cancelled_on, g.period_end + 1)))
                              AS included) allowance
   CROSS JOIN LATERAL (SELECT internal.usage_steps(before.quantity + g.added, allowance.included, v.usage_step)
                            - internal.usage_steps(before.quantity, allowance.included, v.usage_step) AS steps) billed
   WHERE billed.steps > 0 AND v.usage_step_price > 0;
  RETURN ids;
END $$;

-- After the run wrote its invoices: the records it counted, each with the line that billed it
-- (none when its period stayed within the allowance). The run's usage lines are read once into
-- arrays: the staging table's statistics say it is empty, so a join with it would be planned
-- as a scan of the run's every line per record.
CREATE OR REPLACE FUNCTION internal.invoice_run_mark_usage(p_tenant_id uuid, p_run uuid, p_as_of date, p_ids bigint[])
RETURNS void
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  line_ids      uuid[];
  service_ids   uuid[];
  period_starts date[];
BEGIN
  SELECT array_agg(l.line_id), array_agg(l.service_id), array_agg(l.period_start)
    INTO line_ids, service_ids, period_starts
    FROM kassa.invoice_run_lines l
   WHERE l.tenant_id = p_tenant_id AND l.run_id = p_run AND l.charge_kind = 'usage' AND l.billed;
  UPDATE kassa.usage_records r SET counted_on = p_as_of, invoice_line_id = m.line_id
    FROM unnest(line_ids, service_ids, period_starts) m (line_id, service_id, period_start)
   WHERE r.tenant_id = p_tenant_id AND r.id = ANY (p_ids) AND r.service_id = m.service_id
     AND r.period_start = m.period_start;
  UPDATE kassa.usage_records r SET counted_on = p_as_of
   WHERE r.tenant_id = p_tenant_id AND r.id = ANY (p_ids) AND r.counted_on IS NULL;
END $$;

-- --- Over the API --------------------------------------------------------------------------
-- The batch RPC of a network system (staff token until API keys exist).
CREATE OR REPLACE FUNCTION api.record_usage(records jsonb) RETURNS jsonb
LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT internal.record_usage(internal.jwt_tenant_id(), records)
$$;
GRANT EXECUTE ON FUNCTION api.record_usage(jsonb) TO staff;

SELECT internal.allow('staff', 'SELECT', internal.tenant_rows(), 'kassa.usage_records', 'kassa.usage_daily',
                      'kassa.usage_periods');
SELECT internal.allow('customer', 'SELECT', internal.own_rows(), 'kassa.usage_records', 'kassa.usage_daily',
                      'kassa.usage_periods');
GRANT SELECT ON kassa.usage_records, kassa.usage_daily, kassa.usage_periods TO customer, staff;

CREATE VIEW api.usage_records WITH (security_invoker = true) AS
  SELECT public_id AS id, tenant_id, service_id, customer_id, source, key, unit, quantity, usage_at, usage_on,
         period_start, period_end, counted_on, invoice_line_id, created_at
    FROM kassa.usage_records;
CREATE VIEW api.usage_daily WITH (security_invoker = true) AS
  SELECT tenant_id, service_id, customer_id, usage_on, unit, quantity, records FROM kassa.usage_daily;
CREATE VIEW api.usage_periods WITH (security_invoker = true) AS
  SELECT tenant_id, service_id, customer_id, period_start, period_end, meter, quantity, warned_percents
    FROM kassa.usage_periods;
GRANT SELECT ON api.usage_records, api.usage_daily, api.usage_periods TO customer, staff;
