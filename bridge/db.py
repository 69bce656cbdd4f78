"""The bridges' connection pool: the worker role, configured by KASSA_WORKER_DATABASE_URL."""
from __future__ import annotations

import os
from functools import lru_cache

from psycopg_pool import ConnectionPool


@lru_cache(maxsize=1)
def pool() -> ConnectionPool:
    return ConnectionPool(os.environ["KASSA_WORKER_DATABASE_URL"], min_size=1, max_size=8,
                          kwargs={"autocommit": True}, open=True)
