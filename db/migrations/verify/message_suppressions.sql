SELECT tenant_id, customer_id, channel, recipient, reason, created_at FROM kassa.message_suppressions WHERE false;
SELECT mail_sender_name, mail_reply_to FROM kassa.tenants WHERE false;
