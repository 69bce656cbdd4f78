SELECT date_window_back_days, date_window_forward_days FROM kassa.tenants WHERE false;
SELECT 1 / (SELECT count(*) FROM pg_constraint WHERE conname = 'customers_address_max_length')::int;
SELECT 1 / (SELECT count(*) FROM pg_constraint WHERE conname = 'pending_charges_quantity_finite')::int;
