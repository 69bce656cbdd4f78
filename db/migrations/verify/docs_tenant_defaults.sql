SELECT 1 / (count(*) = 4)::int FROM information_schema.columns
 WHERE table_schema = 'kassa' AND column_name = 'tenant_id' AND column_default LIKE '%request.jwt.claims%'
   AND table_name IN ('vat_rates', 'payment_settings', 'bonus_tiers', 'low_balance_thresholds');
