BEGIN;
SELECT tenant_id, min_top_up, max_top_up FROM kassa.payment_settings WHERE false;
SELECT tenant_id, min_amount, percent FROM kassa.bonus_tiers WHERE false;
SELECT tenant_id, id, customer_id, kind, is_primary, brand, last4, exp_month, exp_year, bank, account_type,
       account_masked, mandate_reference, mandate_status, created_at, deleted_at
  FROM kassa.payment_methods WHERE false;
SELECT tenant_id, payment_method_id, details_encrypted FROM kassa.payment_method_secrets WHERE false;
SELECT tenant_id, id, customer_id, provider, provider_ref, provider_intent_ref, method, purpose, status, amount,
       currency, bonus, amount_refunded, idempotency_key, checkout_url, payment_method_id, auto_topup,
       provider_response, failure_reason, reason, created_at, completed_at, failed_at
  FROM kassa.payments WHERE false;
SELECT tenant_id, id, payment_id, customer_id, kind, amount, bonus_reversed, provider_ref, reason, created_at
  FROM kassa.payment_refunds WHERE false;
SELECT provider, event_id, type, status, payload, error, attempts, received_at, processed_at
  FROM kassa.webhook_events WHERE false;
SELECT tenant_id, customer_id, enabled, threshold, amount, payment_method_id, requested_at, in_flight_payment_id,
       last_attempt_at, consecutive_failures, disabled_reason, updated_at
  FROM kassa.auto_topups WHERE false;
SELECT tenant_id, id, customer_id, amount, reason, created_by, created_at FROM kassa.balance_adjustments WHERE false;
SELECT tenant_id, amount FROM kassa.low_balance_thresholds WHERE false;
SELECT tenant_id, id, customer_id, kind, payload, created_at, delivered_at, attempts, last_error
  FROM kassa.notifications WHERE false;
ROLLBACK;
