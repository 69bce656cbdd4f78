SELECT tenant_id, id, email, name, role, status, created_at FROM kassa.staff_users WHERE false;
