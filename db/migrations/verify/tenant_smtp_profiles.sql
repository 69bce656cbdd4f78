SELECT smtp_profile FROM kassa.tenants WHERE false;
