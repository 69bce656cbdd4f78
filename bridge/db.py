"""The bridges' connection pool: the worker role, at the configured worker database URL.

The worker reads and writes no table itself: every step is an internal.* function
(db/functions/890_worker.sql). A step that changes data names who acts for its transaction, so
the audit log does: `acting_as` (a job, a webhook) or `acting_for` (a caller's token)."""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg_pool import ConnectionPool

from bridge import config

POOLS: dict[config.Config, ConnectionPool] = {}  # one per configuration, opened on first use


def pool() -> ConnectionPool:
    """The pool of the app answering this request."""
    settings = config.current()
    if settings not in POOLS:
        def use_payment_method_key(conn) -> None:
            """The pgcrypto key for payment-method details, as the session setting SQL reads."""
            conn.execute("SELECT set_config('app.settings.payment_method_key', %s, false)",
                         [settings.payment_method_key])
        # check: each connection is tried before it is handed out, so after a restart of
        # PostgreSQL (a crash, `kassa up`) no request fails on a connection the old server had.
        POOLS[settings] = ConnectionPool(settings.worker_database_url, min_size=1, max_size=8,
                                         kwargs={"autocommit": True}, configure=use_payment_method_key,
                                         check=ConnectionPool.check_connection, open=True)
    return POOLS[settings]


def close_pools() -> None:
    for opened in POOLS.values():
        opened.close()
    POOLS.clear()


@contextmanager
def acting_as(conn: psycopg.Connection, actor: str) -> Iterator[psycopg.Connection]:
    """A transaction whose audit rows name `actor` (`job:<job>:<run id>`, `webhook:stripe:<event id>`)."""
    with conn.transaction():
        conn.execute("SELECT internal.act_as(%s)", [actor])
        yield conn


@contextmanager
def acting_for(conn: psycopg.Connection, claims: dict) -> Iterator[psycopg.Connection]:
    """A transaction on behalf of a caller: their token's claims, as PostgREST sets them, so the
    audit rows name them (sub and role)."""
    with conn.transaction():
        conn.execute("SELECT set_config('request.jwt.claims', %s, true)", [json.dumps(claims)])
        yield conn
