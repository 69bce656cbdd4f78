SELECT tenant_id, id, table_name, row_key, operation, old_row, new_row, actor_sub, actor_role, txid, at
  FROM audit.log WHERE false;
