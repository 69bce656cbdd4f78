"""The bridge's rate limit: at most `limit` requests per client address in each window of
`window_s` seconds, counted in one SQLite file every gunicorn worker of the bridge shares (no
server process; `BEGIN IMMEDIATE` makes each count one atomic step across processes). A request
beyond the limit answers 429 P0B12 with Retry-After (the seconds until the window ends). The
client address is the connection's: behind a reverse proxy, that proxy limits per client."""
from __future__ import annotations

import math
import sqlite3
import time
from contextlib import closing


class RateLimiter:
    def __init__(self, store: str, limit: int, window_s: int = 60):
        self.store, self.limit, self.window_s = store, limit, window_s
        with closing(self.connect()) as db:
            db.execute("PRAGMA journal_mode = WAL")  # readers and the writer do not block each other
            db.execute("CREATE TABLE IF NOT EXISTS hits (client TEXT NOT NULL, window INTEGER NOT NULL,"
                       " count INTEGER NOT NULL, PRIMARY KEY (client, window))")

    def connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.store, timeout=5, isolation_level=None)

    def wait_for(self, client: str, now: float | None = None) -> int | None:
        """Counts one request of `client`; None when it may pass, else the seconds to wait."""
        now = time.time() if now is None else now
        window = int(now // self.window_s)
        with closing(self.connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM hits WHERE window < ?", [window])  # past windows: nothing to keep
            (count,) = db.execute("INSERT INTO hits VALUES (?, ?, 1) ON CONFLICT (client, window)"
                                  " DO UPDATE SET count = count + 1 RETURNING count", [client, window]).fetchone()
            db.execute("COMMIT")
        if count <= self.limit:
            return None
        return max(1, math.ceil((window + 1) * self.window_s - now))
