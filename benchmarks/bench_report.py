"""The 月报 over a year of registers against `check` on the same files one by one (issue 16 item 4):
12 monthly registers of 20,000 rows (240,000 cases), each command in its own process as the console
script runs it; seconds and peak memory.

Run: python -m benchmarks.bench_report [--months 12] [--rows 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks.generate import DATA, write
from benchmarks.run import NOW, ROOT

CHILD = """
import gc, io, json, resource, sys, time, contextlib
gc.disable()
from workbook.cli import main
args = json.loads(sys.argv[1])
start = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    main(args)
print(json.dumps({"seconds": time.perf_counter() - start,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def year(months: int, rows: int) -> Path:
    folder = DATA / f"year-{months}x{rows}"
    for month in range(months):
        path = folder / f"登记表-{month + 1:02d}.xlsx"
        if not path.exists():
            write(rows, path, seed=100 + month, shift_days=30 * (months - 1 - month))
    return folder


def measure(args: list[str]) -> dict[str, float]:
    result = subprocess.run([sys.executable, "-c", CHILD, json.dumps(args)], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = year(args.months, args.rows)
    files = sorted(folder.glob("*.xlsx"))
    out = folder.parent / f"月报-{args.months}x{args.rows}.xlsx"
    print(f"machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores; "
          f"{args.months} registers × {args.rows:,} rows, {args.repeat} alternating runs")
    checks, reports, peaks, check_peaks = [], [], [], []
    for _ in range(args.repeat):
        one_by_one = [measure(["check", str(path), "--now", NOW]) for path in files]
        checks.append(sum(run["seconds"] for run in one_by_one))
        check_peaks.append(max(run["peak_mib"] for run in one_by_one))
        report = measure(["report", str(folder), "--now", NOW, "-o", str(out), "--force"])
        reports.append(report["seconds"])
        peaks.append(report["peak_mib"])
    check_s, report_s = statistics.median(checks), statistics.median(reports)
    print("| task | median s | peak MiB |")
    print("|---|---|---|")
    print(f"| check, each file in turn | {check_s:.1f} | {max(check_peaks):.0f} (one file) |")
    print(f"| report, all files | {report_s:.1f} | {max(peaks):.0f} |")
    print(f"report ÷ checks = {report_s / check_s:.2f}")


if __name__ == "__main__":
    main()
