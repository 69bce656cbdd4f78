SELECT 1 / count(*) FROM pg_constraint
 WHERE conname = 'price_versions_interval_known' AND pg_get_constraintdef(oid) LIKE '%half_yearly%';
