SELECT return_origins FROM kassa.payment_settings WHERE false;
