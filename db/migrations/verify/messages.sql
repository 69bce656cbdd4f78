SELECT tenant_id, id, public_id, notification_id, customer_id, channel, recipient, locale, subject, status,
       attempts, next_attempt_at, last_error, sent_at, created_at
  FROM kassa.messages WHERE false;
