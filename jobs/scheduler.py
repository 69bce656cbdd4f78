"""The scheduler: runs every job on its schedule, and the runs staff queue, through jobs.runner.

`python -m jobs.scheduler` (started by `kassa up`). One scheduler is active per database: it
holds a PostgreSQL advisory lock, and a second one waits as a standby until the lock is free.

Each tick reads the one clock (`internal.clock_now()`, never the machine's), asks `due()` which
schedule slots have come since the last run of each job (tenant jobs per active tenant, in the
tenant's time zone), queues one run for each in kassa.job_runs (status `queued`, with its slot)
and hands queued runs to one worker thread per job, which runs them one after another. So a job
never runs twice at once, a slot runs once, and after downtime only the latest missed slot runs.
A NOTIFY on kassa_job_queue (api.start_invoice_run) wakes the loop; it also ticks every
KASSA_SCHEDULER_POLL_SECONDS.

GET /health on KASSA_SCHEDULER_URL's port answers 200 while the loop ticks (or waits as a
standby), with each job's schedule and next run.
"""
from __future__ import annotations

import logging
import os
import signal
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import psycopg
from croniter import croniter

from bridge import plain_http
from jobs import runner
from jobs.config import JobConfig

log = logging.getLogger("kassa.scheduler")

# name: (default schedule, runs per tenant at the tenant's local time?) — docs/configuration.md.
DEFAULTS = {
    "invoice-run": ("0 2 * * *", True),
    "invoice-overdue": ("0 3 * * *", True),
    "dunning": ("0 4 * * *", True),
    "auto-topup": ("* * * * *", False),
    "auto-pay": ("0 6 * * *", True),
    "debit-order-mandates": ("*/15 * * * *", False),
    "debit-order-run": ("0 8 * * 1-6", True),
    "ledger-check": ("30 1 * * *", False),
    "usage-import": ("*/5 * * * *", False),
    "privacy-anonymise": ("45 1 * * *", False),
}
UTC = timezone.utc
LOCK = "hashtext('kassa.scheduler')"


@dataclass(frozen=True)
class Schedule:
    job: str
    cron: str
    per_tenant: bool

    @property
    def variable(self) -> str:
        return schedule_variable(self.job)


@dataclass(frozen=True)
class Tenant:
    id: str
    timezone: str
    since: datetime  # slots before this instant were never due (the tenant did not exist)


@dataclass(frozen=True)
class Due:
    job: str
    tenant: str | None
    as_of: date
    slot: datetime


def schedule_variable(job: str) -> str:
    return "KASSA_SCHEDULE_" + job.upper().replace("-", "_")


def load_schedules(env=os.environ) -> list[Schedule]:
    """The schedules in force: the defaults, each overridable by KASSA_SCHEDULE_<JOB> (a cron
    expression, or `off`). Raises ValueError naming the variable for a bad expression."""
    schedules = []
    for job, (default, per_tenant) in DEFAULTS.items():
        cron = env.get(schedule_variable(job), default).strip()
        if cron == "off":
            continue
        if not croniter.is_valid(cron) or len(cron.split()) != 5:
            raise ValueError(f"{schedule_variable(job)}: not a cron expression of five fields: {cron!r}")
        schedules.append(Schedule(job, cron, per_tenant))
    return schedules


def slot_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The instant of a wall-clock slot in `zone`. A time skipped by a daylight-saving change
    becomes the next valid minute; a time that happens twice is its first occurrence."""
    while True:
        instant = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
        if instant.astimezone(zone).replace(tzinfo=None) == wall:
            return instant
        wall += timedelta(minutes=1)


def _wall(now: datetime, zone: ZoneInfo) -> datetime:
    return now.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)


def latest_slot(cron: str, zone: ZoneInfo, now: datetime) -> datetime:
    """The last slot at or before `now` (croniter's get_prev is strictly before its start)."""
    wall = croniter(cron, _wall(now, zone) + timedelta(minutes=1)).get_prev(datetime)
    return slot_instant(wall, zone)


def next_slot(cron: str, zone: ZoneInfo, now: datetime) -> datetime:
    """The first slot after `now`."""
    walls = croniter(cron, _wall(now, zone))
    while (instant := slot_instant(walls.get_next(datetime), zone)) <= now:
        pass  # a repeated wall time maps to its first occurrence, which may have passed
    return instant


def _targets(schedule: Schedule, tenants: list[Tenant], started: datetime):
    if schedule.per_tenant:
        return [(t.id, t.timezone, t.since) for t in tenants]
    return [(None, "UTC", started)]


def due(schedules: list[Schedule], tenants: list[Tenant], last_slots: dict, now: datetime,
        started: datetime) -> list[Due]:
    """What to run at instant `now`: for each job (and tenant, for tenant jobs) whose latest
    slot is after the slot of its last scheduled run, one run dated the tenant's today (UTC's
    for platform jobs). `last_slots` maps (job, tenant id or None) to that slot; with none, the
    tenant's creation (platform jobs: the scheduler's start, `started`) stands for it."""
    runs = []
    for schedule in schedules:
        # Many tenants share a time zone: each zone's slot and today are worked out once.
        by_zone = {zone: (latest_slot(schedule.cron, ZoneInfo(zone), now), now.astimezone(ZoneInfo(zone)).date())
                   for zone in {zone for _, zone, _ in _targets(schedule, tenants, started)}}
        for tenant, zone, since in _targets(schedule, tenants, started):
            slot, today = by_zone[zone]
            if slot > last_slots.get((schedule.job, tenant), since):
                runs.append(Due(schedule.job, tenant, today, slot))
    return runs


def next_runs(schedules: list[Schedule], tenants: list[Tenant], now: datetime) -> dict[str, datetime | None]:
    """Each job's next slot after `now` (the earliest over tenants; None: no active tenant)."""
    return {s.job: min((next_slot(s.cron, ZoneInfo(zone), now) for zone in {z for _, z, _ in _targets(s, tenants, now)}),
                       default=None)
            for s in schedules}


class Scheduler:
    def __init__(self, dsn: str, schedules: list[Schedule], poll: float, config: JobConfig):
        self.dsn, self.schedules, self.poll, self.config = dsn, schedules, poll, config
        self.stopping = threading.Event()
        self.workers: dict[str, threading.Thread] = {}
        self.active = False
        self.waiting = False  # in the wait for notifications, where a stop need not wait for the poll
        self.last_tick = time.monotonic()  # machine time only for liveness, never for decisions
        self.next: dict[str, datetime | None] = {}

    def serve(self) -> None:
        """Ticks until stopped; after a database error (connection lost, …) it starts over after
        a poll interval, as a standby first (the lock went with the connection)."""
        while not self.stopping.is_set():
            try:
                with psycopg.connect(self.dsn, autocommit=True) as conn:
                    self.lead(conn)
            except psycopg.Error as error:
                self.active = False
                log.warning("database error, starting over: %s", error)
                self.stopping.wait(self.poll)

    def lead(self, conn: psycopg.Connection) -> None:
        while not conn.execute(f"SELECT pg_try_advisory_lock({LOCK})").fetchone()[0]:
            self.last_tick = time.monotonic()  # a standby is healthy while it waits
            if self.stopping.wait(self.poll):
                return
        self.active = True
        interrupted = conn.execute("SELECT internal.fail_interrupted_job_runs()").fetchone()[0]
        if interrupted:
            log.warning("%d runs were interrupted by the previous scheduler's stop", interrupted)
        started = self.clock(conn)
        conn.execute("LISTEN kassa_job_queue")
        log.info("active: %s", ", ".join(f"{s.job} {s.cron!r}" for s in self.schedules) or "no schedules")
        while not self.stopping.is_set():
            self.tick(conn, started)
            self.waiting = True
            try:
                for _ in conn.notifies(timeout=self.poll, stop_after=1):
                    pass
            finally:
                self.waiting = False

    @staticmethod
    def clock(conn: psycopg.Connection) -> datetime:
        return conn.execute("SELECT internal.clock_now()").fetchone()[0]

    def tick(self, conn: psycopg.Connection, started: datetime) -> None:
        now = self.clock(conn)
        tenants = [Tenant(str(i), tz, since) for i, tz, since in conn.execute(
            "SELECT id, timezone, created_at FROM internal.list_tenants() WHERE status = 'active'")]
        last_slots = {(job, str(tenant) if tenant else None): slot for job, tenant, slot in conn.execute(
            "SELECT job, tenant_id, slot FROM internal.last_scheduled_slots()")}
        for run in due(self.schedules, tenants, last_slots, now, started):
            conn.execute("SELECT internal.queue_job_run(%s, %s, %s, 'schedule', %s)",
                         [run.job, run.tenant, run.as_of, run.slot])
        for (job,) in conn.execute("SELECT internal.queued_jobs()").fetchall():
            if not (job in self.workers and self.workers[job].is_alive()):
                self.workers[job] = threading.Thread(target=self.work, args=(job,), name=job, daemon=True)
                self.workers[job].start()
        self.next = next_runs(self.schedules, tenants, now)
        self.last_tick = time.monotonic()

    def work(self, job: str) -> None:
        """Runs the queued runs of one job, oldest first, until none is left."""
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            while not self.stopping.is_set():
                row = conn.execute("SELECT id, as_of, tenant_id FROM internal.next_queued_job_run(%s)", [job]).fetchone()
                if row is None:
                    return
                run_id, as_of, tenant = row
                status, _ = runner.run(job, as_of, self.dsn, self.config, str(tenant) if tenant else None, run_id=run_id)
                log.info("%s run %d (tenant %s, %s): %s", job, run_id, tenant or "all", as_of, status)

    def health(self) -> tuple[int, dict]:
        fresh = time.monotonic() - self.last_tick < max(30.0, 3 * self.poll)
        body = {"status": "ok" if fresh else "stalled", "active": self.active,
                "jobs": {s.job: {"schedule": s.cron, "per_tenant": s.per_tenant,
                                 "next": self.next[s.job].isoformat() if self.next.get(s.job) else None}
                         for s in self.schedules}}
        return (200 if fresh else 503), body


def health_server(scheduler: Scheduler, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            status, body = scheduler.health() if self.path == "/health" else (404, {"message": "not found"})
            plain_http.send_json(self, status, body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, name="health", daemon=True).start()
    return server


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    scheduler = Scheduler(os.environ["KASSA_WORKER_DATABASE_URL"], load_schedules(),
                          float(os.environ.get("KASSA_SCHEDULER_POLL_SECONDS", "5")),
                          JobConfig.from_environment(os.environ))
    server = health_server(scheduler, urlsplit(os.environ["KASSA_SCHEDULER_URL"]).port)
    def stop(*_) -> None:
        scheduler.stopping.set()
        if scheduler.waiting:  # leave the wait now, not after the poll; a running job finishes first
            raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
    try:
        scheduler.serve()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
