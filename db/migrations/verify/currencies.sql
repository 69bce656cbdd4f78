SELECT code, name, minor_units FROM kassa.currencies WHERE false;
