"""The bridges' connection pool: the worker role, configured by KASSA_WORKER_DATABASE_URL."""
from __future__ import annotations

import os
from functools import lru_cache

from psycopg_pool import ConnectionPool


def use_payment_method_key(conn) -> None:
    """The pgcrypto key for payment-method details, as the session setting SQL reads."""
    conn.execute("SELECT set_config('app.settings.payment_method_key', %s, false)",
                 [os.environ.get("KASSA_PAYMENT_METHOD_KEY", "")])


@lru_cache(maxsize=1)
def pool() -> ConnectionPool:
    # check: each connection is tried before it is handed out, so after a restart of PostgreSQL
    # (a crash, `kassa up`) no request fails on a connection the old server had.
    return ConnectionPool(os.environ["KASSA_WORKER_DATABASE_URL"], min_size=1, max_size=8,
                          kwargs={"autocommit": True}, configure=use_payment_method_key,
                          check=ConnectionPool.check_connection, open=True)
