BEGIN;
DROP TABLE kassa.notifications, kassa.low_balance_thresholds, kassa.balance_adjustments, kassa.auto_topups, kassa.webhook_events,
  kassa.payment_refunds, kassa.payments, kassa.payment_method_secrets, kassa.payment_methods, kassa.bonus_tiers, kassa.payment_settings;
COMMIT;
