BEGIN;
DROP INDEX kassa.payments_in_flight_invoice_charges;
COMMIT;
