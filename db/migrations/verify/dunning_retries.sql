SELECT retry FROM kassa.dunning_steps WHERE false;
SELECT dunning_step FROM kassa.payments WHERE false;
SELECT retry_step FROM kassa.debit_order_items WHERE false;
SELECT resolution FROM kassa.debit_order_batches WHERE false;
