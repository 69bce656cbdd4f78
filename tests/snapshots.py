"""What a tenant holds, as one hash per table: compared before and after a request to prove it
wrote nothing. Every table with a tenant_id column counts, so tables added later are covered."""
from __future__ import annotations

from psycopg import sql


def tenant_tables(conn) -> list[str]:
    return [r["t"] for r in conn.execute(
        "SELECT format('%I.%I', c.table_schema, c.table_name) AS t FROM information_schema.columns c"
        " JOIN information_schema.tables t USING (table_schema, table_name)"
        " WHERE c.column_name = 'tenant_id' AND c.table_schema IN ('kassa', 'audit')"
        " AND t.table_type = 'BASE TABLE' ORDER BY 1")]


def fingerprint(conn, tenant_id) -> dict[str, str]:
    """Every row a tenant owns (plus its tenants row), as `count:md5` per table."""
    prints = {"kassa.tenants": conn.execute(
        "SELECT md5(t::text) AS h FROM kassa.tenants t WHERE id = %s", [tenant_id]).fetchone()["h"]}
    for table in tenant_tables(conn):
        query = sql.SQL("SELECT count(*) AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h"
                        " FROM {} t WHERE tenant_id = %s").format(sql.SQL(table))
        row = conn.execute(query, [tenant_id]).fetchone()
        prints[table] = f"{row['n']}:{row['h']}"
    return prints
