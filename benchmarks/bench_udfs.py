"""AS_RECOMMEND (and friends) on a 5,000-row register in one call: Python CPU time per call.

SPEC §13: AS_RECOMMEND on 5,000 rows under 50 ms of Python time.
Run: python benchmarks/bench_udfs.py [ROWS]
"""

from __future__ import annotations

import platform
import statistics
import sys
import time

from addin.udfs import AS_CEILING, AS_CHECK, AS_DEADLINE, AS_RECOMMEND
from aftersales.columns import INPUT_COLUMNS
from aftersales.demo import demo_rows


def register(rows: int) -> list[list[object]]:
    day = demo_rows()
    keys = [c.key for c in INPUT_COLUMNS]
    return [[c.header for c in INPUT_COLUMNS], *([day[i % len(day)].get(k) for k in keys] for i in range(rows))]


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    grid = register(rows)
    print(f"machine: {platform.platform()}, Python {platform.python_version()}, {rows} rows, 9 calls each")
    calls = [("AS_RECOMMEND", lambda: AS_RECOMMEND(grid)), ("AS_CEILING", lambda: AS_CEILING(grid)),
             ("AS_DEADLINE", lambda: AS_DEADLINE(grid)), ("AS_CHECK", lambda: AS_CHECK(grid, 46347.77))]
    for name, call in calls:
        times = []
        for _ in range(9):
            start = time.process_time()
            call()
            times.append(time.process_time() - start)
        print(f"  {name:13} median {statistics.median(times) * 1000:6.1f} ms   best {min(times) * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
