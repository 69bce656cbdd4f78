SELECT tenant_id, id, public_id, customer_id, endpoint, p256dh, auth, user_agent, created_at, last_pushed_at
  FROM kassa.push_subscriptions WHERE false;
