-- Verify kassa:link_payments on pg
SELECT payment_link_id FROM kassa.payments WHERE false;
SELECT link_gateways FROM kassa.payment_settings WHERE false;
