SELECT version, xact_id FROM kassa.notifications WHERE false;
SELECT urgency FROM kassa.low_balance_thresholds WHERE false;
