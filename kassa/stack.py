"""Bringing a whole stack up and down: cluster (when embedded), deploy, demo data, services.

psycopg and kassa.deploy are imported only by what uses them: without them `kassa down` and
`kassa status` start in half the time.
"""
from __future__ import annotations

from pathlib import Path

from kassa.cluster import Cluster
from kassa.config import ROOT, Settings
from kassa.services import Service, stack, start_all, stop_all

DEMO_SQL = ROOT / "db" / "demo.sql"


def cluster(settings: Settings) -> Cluster:
    return Cluster(Path(settings.home), settings.ports["postgres"], settings.superuser_password)


def services(settings: Settings) -> list[Service]:
    return stack(settings)


def running(settings: Settings) -> bool:
    database_up = cluster(settings).healthy() if settings.embedded else True
    return database_up and all(s.pid(Path(settings.home)) and s.healthy() for s in services(settings))


def load_demo(settings: Settings) -> None:
    import psycopg
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        if not conn.execute("SELECT EXISTS (SELECT FROM kassa.tenants)").fetchone()[0]:
            conn.execute(DEMO_SQL.read_text())


def up(settings: Settings, demo: bool = True) -> None:
    from kassa import deploy
    if settings.embedded:
        cluster(settings).start()
        deploy.ensure_database(settings)
    deploy.deploy(settings)
    if demo:
        load_demo(settings)
    start_all(settings, services(settings))


def down(settings: Settings) -> None:
    stop_all(settings, services(settings))
    if settings.embedded:
        cluster(settings).stop()
