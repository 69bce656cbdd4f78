"""`make bench` runs every benchmark; `make bench NAME=x` runs bench/x.py.

Each benchmark module has `main()`; it starts its own throw-away stack
(kassa.testrun.throwaway), runs ours and the baseline side by side, and writes
bench/results/<name>.json.
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOT_BENCHMARKS = {"__init__", "common", "run", "book"}


def main(names: list[str]) -> int:
    available = sorted(p.stem for p in HERE.glob("*.py") if p.stem not in NOT_BENCHMARKS)
    for name in names or available:
        if name not in available:
            print(f"unknown benchmark {name!r}; available: {', '.join(available)}", file=sys.stderr)
            return 2
        print(f"== bench {name}", flush=True)
        importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
