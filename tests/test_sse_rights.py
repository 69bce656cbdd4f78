"""An SSE stream lasts only as long as the right that opened it: it ends when its customer is
closed (and, tested with the tenant CLI, when its tenant is suspended). And the gateway
survives a PostgreSQL restart: it listens again, so old and new streams get events, and an
outbox event written before it listens again still arrives."""
from __future__ import annotations

import queue
import time
from pathlib import Path

import psycopg
import requests
from psycopg.rows import dict_row

from factories import create_customer, create_tenant, open_stream
from kassa import services
from kassa.cluster import Cluster
from kassa.testrun import throwaway
from kassa.tokens import make_token


def test_a_closed_customers_open_stream_ends(settings, db, api, token, tenant):
    leaving = create_customer(db, tenant["id"], "Leaving Soon")
    lines = open_stream(settings.sse_url, token("customer", tenant["id"], leaving["id"]))
    staff = api(token("staff", tenant["id"]))
    closed = staff.rpc("close_customer", customer_id=str(leaving["id"]), reason="moved away")
    assert closed.status_code == 200, closed.text
    assert lines.get(timeout=10) is None, "the stream should end, not deliver"


def test_the_gateway_listens_again_after_a_postgresql_restart():
    with throwaway("sse-restart-") as settings:
        home = Path(settings.home)
        gateway = next(s for s in services.stack(settings) if s.name == "sse")
        gateway.start(home, settings.environment())
        try:
            gateway.wait_healthy(home)
            with psycopg.connect(settings.database_url, autocommit=True, row_factory=dict_row) as conn:
                tenant = create_tenant(conn)
                customer = create_customer(conn, tenant["id"])
            token = make_token(settings.jwt_secret, "customer", tenant["id"], customer["id"], ttl=600)
            before = open_stream(settings.sse_url, token)
            outbox = open_stream(settings.sse_url, token, names=("restart_test",))

            cluster = Cluster(home, settings.ports["postgres"], settings.superuser_password)
            cluster.stop()
            cluster.start(fast=True)
            # An event written at once, while the gateway is still connecting again, is not lost.
            with psycopg.connect(settings.database_url, autocommit=True) as conn:
                conn.execute("SELECT internal.emit(%s, %s, 'restart_test', '{}')", [tenant["id"], customer["id"]])

            # Postings until one arrives: the gateway reconnects within a few seconds.
            deadline, n, event = time.monotonic() + 30, 0, None
            while event is None and time.monotonic() < deadline:
                n += 1
                with psycopg.connect(settings.database_url, autocommit=True) as conn:
                    conn.execute("SELECT internal.post_entry(%s, %s, 'adjustment', 100, 'test', %s)",
                                 [tenant["id"], customer["id"], f"restart-{n}"])
                try:
                    event = before.get(timeout=1)
                except queue.Empty:
                    pass
            assert event is not None and event["customer_id"] == str(customer["id"]), "no event after the restart"
            assert outbox.get(timeout=10)["kind"] == "restart_test"
            after = open_stream(settings.sse_url, token)
            with psycopg.connect(settings.database_url, autocommit=True) as conn:
                conn.execute("SELECT internal.post_entry(%s, %s, 'adjustment', 100, 'test', 'restart-final')",
                             [tenant["id"], customer["id"]])
            assert after.get(timeout=10)["balance"] == 100 * (n + 1)
        finally:
            gateway.stop(home)
