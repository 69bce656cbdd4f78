"""Live balances over SSE at scale: 5,000 customer streams over 100 tenants plus 50 staff
streams on one gateway process, while a separate load process commits 200 balance-changing
postings per second for 60 s. Side by side, the same streams on a baseline: an aiohttp SSE
server of the same shape that publishes the same 200 events per second from inside its own
process, with no PostgreSQL in between.

- `p50_ms`, `p99_ms`: from a posting's commit (the load process's clock, after COMMIT
  returned) to each stream that covers it (the customer's, and the tenant's staff stream
  where there is one) receiving the balance; the baseline measures from publishing.
- `rss_per_client_kb`: the gateway's resident memory with every stream open, less before the
  first, per stream.
- `missing`: balances a stream should have received, neither that one nor a later one (must be 0).

Run: make bench NAME=sse   (about 4 minutes)
"""
from __future__ import annotations

import asyncio
import json
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import aiohttp
import psycopg
from aiohttp import web

from bench.common import metric, write_result
from kassa import services
from kassa.config import free_port
from kassa.testrun import throwaway
from kassa.tokens import make_token

TENANTS = 100
CUSTOMERS_PER_TENANT = 50
STAFF_STREAMS = 50          # one each for the first 50 tenants
COMMITS_PER_S = 200
SECONDS = 60
TARGET_P99_MS = 100
CONNECT_AT_ONCE = 100       # streams opened concurrently while connecting
LOAD_CONNECTIONS = 4        # the load process's connections, sharing the schedule


def tenant_id(n: int) -> str:
    return f"b0000000-0000-4000-8000-{n:012d}"


def customer_id(tenant: int, n: int) -> str:
    return f"c{tenant:07d}-0000-4000-8000-{n:012d}"


SEED = [
    f"""INSERT INTO kassa.tenants (id, slug, name, legal_name, country, currency)
        SELECT ('b0000000-0000-4000-8000-' || lpad(t::text, 12, '0'))::uuid, 'bench-sse-' || t, 'Bench ' || t,
               'Bench ' || t || ' Ltd', 'ZA', 'ZAR'
          FROM generate_series(0, {TENANTS - 1}) t""",
    f"""INSERT INTO kassa.customers (tenant_id, id, name, email)
        SELECT ('b0000000-0000-4000-8000-' || lpad(t::text, 12, '0'))::uuid,
               ('c' || lpad(t::text, 7, '0') || '-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid,
               'C' || t || '-' || n, 'c' || t || '-' || n || '@bench.example'
          FROM generate_series(0, {TENANTS - 1}) t, generate_series(0, {CUSTOMERS_PER_TENANT - 1}) n""",
    "ANALYZE",
]


def streams() -> list[tuple[int, int | None]]:
    """(tenant, customer) of every stream; customer None: the tenant's staff stream."""
    return ([(t, c) for t in range(TENANTS) for c in range(CUSTOMERS_PER_TENANT)]
            + [(t, None) for t in range(STAFF_STREAMS)])


def schedule() -> list[tuple[int, int]]:
    """The load: which customer each commit moves, the same for ours and the baseline."""
    rng = random.Random(7)
    return [(rng.randrange(TENANTS), rng.randrange(CUSTOMERS_PER_TENANT)) for _ in range(COMMITS_PER_S * SECONDS)]


# --- the load process: postings at a steady rate, each commit's time written down -------------

def load(dsn: str, out: str) -> None:
    """`python -m bench.sse load DSN OUT`: one posting of 1 cent per scheduled commit, paced to
    COMMITS_PER_S over LOAD_CONNECTIONS (a busy machine makes one connection fall behind);
    writes [customer, balance after, commit time] per commit to OUT."""
    planned = schedule()
    commits: list[list] = []
    start = time.time() + 0.5

    def post_every(connection: int) -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            for n in range(connection, len(planned), LOAD_CONNECTIONS):
                time.sleep(max(0.0, start + n / COMMITS_PER_S - time.time()))
                t, c = planned[n]
                balance = conn.execute("SELECT balance_after FROM internal.post_entry(%s, %s, 'adjustment', 1, 'bench', %s)",
                                       [tenant_id(t), customer_id(t, c), f"sse-{n}"]).fetchone()[0]
                commits.append([customer_id(t, c), balance, time.time()])

    threads = [threading.Thread(target=post_every, args=(k,)) for k in range(LOAD_CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    Path(out).write_text(json.dumps({"commits": commits, "seconds": time.time() - start}))


# --- the baseline: the same fan-out from a publisher inside the server process --------------

def baseline_server(port: int) -> None:
    """`python -m bench.sse baseline PORT`: /events streams (?tenant=&customer=) and, once
    POST /start is called, the scheduled balances published from a timer in this process."""
    by_tenant: dict[str, set[tuple[str | None, asyncio.Queue]]] = {}
    publishers: list[asyncio.Task] = []

    async def events(request: web.Request) -> web.StreamResponse:
        tenant, customer = request.query["tenant"], request.query.get("customer")
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
        await response.prepare(request)
        await response.write(b": connected\n\n")
        client = (customer, asyncio.Queue())
        by_tenant.setdefault(tenant, set()).add(client)
        try:
            while True:
                await response.write(await client[1].get())
        finally:
            by_tenant[tenant].discard(client)

    async def publish() -> None:
        balances: dict[str, int] = {}
        start = time.time()
        for n, (t, c) in enumerate(schedule()):
            await asyncio.sleep(max(0.0, start + n / COMMITS_PER_S - time.time()))
            tenant, customer = tenant_id(t), customer_id(t, c)
            balances[customer] = balances.get(customer, 0) + 1
            frame = ("event: balance\ndata: " + json.dumps({
                "tenant_id": tenant, "customer_id": customer, "balance": balances[customer],
                "published_at": time.time()}) + "\n\n").encode()
            for covered, queue in by_tenant.get(tenant, ()):
                if covered is None or covered == customer:
                    queue.put_nowait(frame)

    async def start(request: web.Request) -> web.Response:
        publishers.append(asyncio.get_running_loop().create_task(publish()))
        return web.json_response({"started": True})

    app = web.Application()
    app.router.add_get("/events", events)
    app.router.add_post("/start", start)
    web.run_app(app, host="127.0.0.1", port=port, print=None, shutdown_timeout=1)


# --- the streams: opened, read, each balance's arrival time written down ---------------------

async def read_stream(session: aiohttp.ClientSession, url: str, headers: dict, arrivals: list, opened: asyncio.Event,
                      connected: list) -> None:
    async with session.get(url, headers=headers, timeout=aiohttp.ClientTimeout(total=None, sock_read=None)) as answer:
        answer.raise_for_status()
        event = None
        async for raw in answer.content:
            line = raw.decode().rstrip("\n")
            if line == ": connected":
                connected.append(1)
                opened.set()
            elif line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "balance":
                data = json.loads(line[6:])
                arrivals.append((data["customer_id"], data["balance"], time.time(), data.get("published_at")))


async def open_all(targets: list[tuple[str, dict]]) -> tuple[aiohttp.ClientSession, list, list, list]:
    """Every stream open (CONNECT_AT_ONCE at a time), each with its own list of arrivals."""
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    tasks, arrivals, connected = [], [], []
    for first in range(0, len(targets), CONNECT_AT_ONCE):
        batch = []
        for url, headers in targets[first:first + CONNECT_AT_ONCE]:
            opened, seen = asyncio.Event(), []
            arrivals.append(seen)
            tasks.append(asyncio.create_task(read_stream(session, url, headers, seen, opened, connected)))
            batch.append(opened.wait())
        await asyncio.wait_for(asyncio.gather(*batch), timeout=120)
    return session, tasks, arrivals, connected


def expected_per_stream(commits: list) -> list[list]:
    """Per stream (in streams() order), the (customer, balance) it must receive."""
    index = {key: n for n, key in enumerate(streams())}
    expected: list[list] = [[] for _ in index]
    for customer, balance, *_ in commits:
        t, c = int(customer[1:8]), int(customer[-12:])
        expected[index[(t, c)]].append((customer, balance))
        if (t, None) in index:
            expected[index[(t, None)]].append((customer, balance))
    return expected


def latencies_ms(expected: list[list], arrivals: list[list], sent_at: dict | None) -> tuple[list[float], int]:
    """Per expected balance, ms from its commit (sent_at: (customer, balance) -> time) or from its
    published_at stamp (sent_at None) to the first arrival of that balance or a later one (the
    gateway reads balances when it is woken: two quick commits may reach a stream as one, the
    newer); and the count of expected balances no arrival covered."""
    found, missing = [], 0
    for wanted, seen in zip(expected, arrivals):
        by_customer: dict[str, list] = {}
        for customer, balance, at, published in seen:
            by_customer.setdefault(customer, []).append((balance, at, published))
        for customer, balance in wanted:
            covering = next((arrival for arrival in by_customer.get(customer, ()) if arrival[0] >= balance), None)
            if covering is None:
                missing += 1
                continue
            _, at, published = covering
            found.append((at - (published if sent_at is None else sent_at[(customer, balance)])) * 1000)
    return found, missing


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=1000)[int(p * 10) - 1] if len(values) > 1 else float("nan")


def wait_listening(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))


async def measure_ours(settings, home: Path, gateway_pid: int, tmp: Path) -> dict:
    tokens = [make_token(settings.jwt_secret, "staff" if c is None else "customer", tenant_id(t),
                         None if c is None else customer_id(t, c), ttl=3600) for t, c in streams()]
    before = rss_kb(gateway_pid)
    session, tasks, arrivals, connected = await open_all(
        [(settings.sse_url, {"Authorization": f"Bearer {token}"}) for token in tokens])
    await asyncio.sleep(2)
    with_streams = rss_kb(gateway_pid)
    out = tmp / "commits.json"
    loader = await asyncio.create_subprocess_exec(sys.executable, "-m", "bench.sse", "load", settings.database_url,
                                                  str(out))
    if await loader.wait():
        raise RuntimeError("the load process failed (its error is above)")
    await asyncio.sleep(3)  # the last events on their way
    for task in tasks:
        task.cancel()
    await session.close()
    run = json.loads(out.read_text())
    sent_at = {(customer, balance): at for customer, balance, at in run["commits"]}
    found, missing = latencies_ms(expected_per_stream(run["commits"]), arrivals, sent_at)
    return {"streams": len(connected), "commits": len(run["commits"]),
            "commits_per_s": len(run["commits"]) / run["seconds"], "deliveries": len(found), "missing": missing,
            "p50_ms": percentile(found, 50), "p99_ms": percentile(found, 99),
            "rss_per_client_kb": (with_streams - before) / len(connected), "rss_kb": with_streams}


async def measure_baseline(port: int, pid: int) -> dict:
    url = f"http://127.0.0.1:{port}/events"
    targets = [(f"{url}?tenant={tenant_id(t)}" + ("" if c is None else f"&customer={customer_id(t, c)}"), {})
               for t, c in streams()]
    before = rss_kb(pid)
    session, tasks, arrivals, connected = await open_all(targets)
    await asyncio.sleep(2)
    with_streams = rss_kb(pid)
    async with session.post(f"http://127.0.0.1:{port}/start") as started:
        started.raise_for_status()
    await asyncio.sleep(SECONDS + 3)
    for task in tasks:
        task.cancel()
    await session.close()
    balances: dict[str, int] = {}
    commits = []
    for t, c in schedule():
        customer = customer_id(t, c)
        balances[customer] = balances.get(customer, 0) + 1
        commits.append([customer, balances[customer], None])
    found, missing = latencies_ms(expected_per_stream(commits), arrivals, None)
    return {"streams": len(connected), "deliveries": len(found), "missing": missing,
            "p50_ms": percentile(found, 50), "p99_ms": percentile(found, 99),
            "rss_per_client_kb": (with_streams - before) / len(connected)}


def main() -> None:
    with throwaway(prefix="bench-sse-") as settings:
        home = Path(settings.home)
        with psycopg.connect(settings.database_url, autocommit=True) as conn:
            for statement in SEED:
                conn.execute(statement)
        gateway = next(s for s in services.stack(settings) if s.name == "sse")
        gateway.start(home, settings.environment())
        try:
            gateway.wait_healthy(home)
            ours = asyncio.run(measure_ours(settings, home, gateway.pid(home), home))
        finally:
            gateway.stop(home)
        print("ours", ours, flush=True)
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "bench.sse", "baseline", str(port)])
        try:
            wait_listening(port)
            base = asyncio.run(measure_baseline(port, server.pid))
        finally:
            server.terminate()
            server.wait(10)
        print("baseline", base, flush=True)
        assert ours["missing"] == 0 and base["missing"] == 0, "a stream missed a balance"
        baseline_name = "in-process publisher, no PostgreSQL (same streams and rate)"
        write_result("sse", settings, {
            "tenants": TENANTS, "customer_streams": TENANTS * CUSTOMERS_PER_TENANT, "staff_streams": STAFF_STREAMS,
            "commits_per_s_target": COMMITS_PER_S, "seconds": SECONDS, "target_p99_ms": TARGET_P99_MS,
            "ours": ours, "baseline": base,
        }, [
            metric("p50_ms", ours["p50_ms"], "ms", baseline_name, base["p50_ms"]),
            metric("p99_ms", ours["p99_ms"], "ms", baseline_name, base["p99_ms"]),
            metric("rss_per_client_kb", ours["rss_per_client_kb"], "kB", baseline_name, base["rss_per_client_kb"]),
        ])


if __name__ == "__main__":
    if sys.argv[1:2] == ["load"]:
        load(sys.argv[2], sys.argv[3])
    elif sys.argv[1:2] == ["baseline"]:
        baseline_server(int(sys.argv[2]))
    else:
        main()
