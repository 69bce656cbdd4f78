"""The bridge's rate limits: at most `limit` requests per bucket (a client address, a payment
link's token) in each window of `window_s` seconds, counted in PostgreSQL
(internal.count_request) so that every worker process of every bridge host counts the same
requests. A request beyond a limit answers 429 P0B12 with Retry-After (the seconds until the
window ends). The client address is the connection's: behind a reverse proxy, that proxy
limits per client."""
from __future__ import annotations

from bridge.db import pool


def wait_for(bucket: str, limit: int, window_s: int = 60) -> int | None:
    """Counts one request in `bucket`; None when it may pass, else the seconds to wait."""
    with pool().connection() as conn:
        return conn.execute("SELECT internal.count_request(%s, %s, %s)", [bucket, limit, window_s]).fetchone()[0]

