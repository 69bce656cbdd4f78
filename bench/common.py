"""What every benchmark shares: a throw-away stack and the result format described in bench/README.md."""
from __future__ import annotations

import json
import os
import resource
from datetime import datetime, timezone
from pathlib import Path

import psycopg

RESULTS = Path(__file__).resolve().parent / "results"

# The start of a wrk script replaying a file of requests, one a line of tab-separated fields
# (`wrk -s script url -- FILE STEP`): each thread walks it from its own line, STEP lines at a
# time (the number of threads: together they send each line once per round); the script's
# request() builds its request from next_row().
WRK_ROWS_LUA = """
local threads = 0
function setup(thread) thread:set("tid", threads); threads = threads + 1 end
function init(args)
  rows = {}
  for line in io.lines(args[1]) do
    local fields = {}
    for field in line:gmatch("[^\t]+") do fields[#fields + 1] = field end
    rows[#rows + 1] = fields
  end
  step, i = tonumber(args[2]), tid
end
function next_row()
  local row = rows[(i % #rows) + 1]
  i = i + step
  return row
end
"""


def machine(settings) -> dict:
    with psycopg.connect(settings.database_url) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    memory_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    return {"cpus": os.cpu_count(), "memory_gb": round(memory_kb / 1024 / 1024), "postgres": version}


def peak_rss_mb() -> float:
    """Peak resident memory of this process and its waited-for children, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def metric(name: str, value: float, unit: str, baseline: str | None = None,
           baseline_value: float | None = None) -> dict:
    entry = {"metric": name, "value": round(value, 2), "unit": unit}
    if baseline is not None:
        entry.update(baseline=baseline, baseline_value=round(baseline_value, 2),
                     ratio=round(value / baseline_value, 2) if baseline_value else None)
    return entry


def write_result(name: str, settings, params: dict, metrics: list[dict]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    result = {"name": name, "at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "machine": machine(settings), "params": params, "metrics": metrics}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return path
