SELECT status_reason FROM kassa.customers WHERE false;
SELECT suspension_reason FROM kassa.services WHERE false;
