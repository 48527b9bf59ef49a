"""Reader choice, measured: our register reader (python-calamine + error-cell scan) against openpyxl
read-only on the same generated register, side by side in one run; plus the whole `check`.

Run: python benchmarks/bench_reader.py [ROWS]   (default 20,000 rows; SPEC's bar is 100,000)
"""

from __future__ import annotations

import platform
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl

from aftersales.demo import demo_now, demo_rows
from aftersales.validate import validate
from workbook.reader import read_register
from workbook.template import build_register_workbook


def make_register(rows: int, path: Path) -> None:
    """The demo day repeated, each row made a case of its own (unique 售后单号, order and buyer)."""
    day = demo_rows()

    def row(i: int) -> dict[str, object]:
        base = dict(day[i % len(day)])
        base.update(case_id=f"SH20261121-{i:06d}", order_id=f"{100000000000000000 + i}", buyer=f"买家{i}")
        return base

    build_register_workbook(row(i) for i in range(rows)).save(path)


def timed(label: str, run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    print(f"  {label:44} {seconds:7.2f} s")
    return seconds


def openpyxl_read(path: Path) -> int:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in book["登记表"].iter_rows(values_only=True))
    book.close()
    return count


def full_check(path: Path) -> int:
    register = read_register(path)
    return len(validate(register.raw, demo_now(), register.policy, register.policy_issues).issues)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    print(f"machine: {platform.platform()}, Python {platform.python_version()}, {rows} rows")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.xlsx"
        make_register(rows, path)
        print(f"  file size {path.stat().st_size / 1e6:.1f} MB")
        ours = timed("read_register (calamine + error scan)", lambda: read_register(path))
        theirs = timed("openpyxl read_only iter_rows", lambda: openpyxl_read(path))
        check = timed("read + validate (aftersales check)", lambda: full_check(path))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  openpyxl / ours: {theirs / ours:.1f}x; check {check / rows * 1e6:.0f} µs/row;"
              f" peak RSS of this process {peak:.0f} MiB")


if __name__ == "__main__":
    main()
