SELECT 'kassa.payments_in_flight_invoice_charges'::regclass;
