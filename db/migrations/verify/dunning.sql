SELECT tenant_id, version, valid_from, tolerance, created_by, created_at FROM kassa.dunning_schedules WHERE false;
SELECT tenant_id, schedule_version, day_offset, kind FROM kassa.dunning_steps WHERE false;
SELECT tenant_id, invoice_id, customer_id, schedule_version, entered_on, last_step, last_step_on
  FROM kassa.invoice_dunning WHERE false;
SELECT tenant_id, invoice_id, step, kind, outcome, customer_id, as_of, notification_id, actor, at
  FROM kassa.invoice_dunning_steps WHERE false;
SELECT tenant_id, id, customer_id, invoice_id, reason, until, actor, created_at, ended_at, ended_by
  FROM kassa.dunning_pauses WHERE false;
