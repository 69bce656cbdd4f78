-- Verify kassa:debit_order_mandates on pg
SELECT netcash_account_ref, mandate_url, mandate_requested_at, mandate_postback, mandate_postback_at,
       mandate_decided_at, netcash_mandate_ref, mandate_decline_reason
  FROM kassa.payment_methods WHERE false;
SELECT 1 / (SELECT count(*) FROM pg_constraint WHERE conname = 'payment_methods_mandate_status_known'
               AND pg_get_constraintdef(oid) LIKE '%declined%')::int;
