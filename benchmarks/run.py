"""Side-by-side speed and memory, in one run: python-calamine alone (the floor), openpyxl read-only
(the common baseline), `aftersales check` / `vouchers` / `refunds` / `eod`, and frictionless-py
validating the same file against the same rules (the peer; `pip install "frictionless[excel]"`).

Each measurement runs in its own process (so its peak memory is its own) and is repeated; the
table gives median / min / max seconds and the peak RSS.

Run: python benchmarks/run.py [--sizes 1000,10000,100000] [--repeat 3] [--skip openpyxl,frictionless]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks.generate import cached

ROOT = Path(__file__).resolve().parents[1]
DAY, NOW = "2026-11-21", "2026-11-21T18:30"

TASKS = {
    "calamine": "import python_calamine as c; c.CalamineWorkbook.from_path(PATH).get_sheet_by_name('登记表').to_python()",
    "openpyxl": (
        "import openpyxl; b = openpyxl.load_workbook(PATH, read_only=True, data_only=True)\n"
        "for row in b['登记表'].iter_rows(values_only=True): pass"
    ),
    # The commands as the console script runs them (workbook.cli.run: the cyclic GC off).
    "check": "import gc; gc.disable(); from workbook.cli import main; main(['check', PATH, '--now', NOW])",
    "check-json": "import gc; gc.disable(); from workbook.cli import main; main(['check', PATH, '--now', NOW, '--json'])",
    "vouchers": "import gc; gc.disable(); from workbook.cli import main; main(['vouchers', PATH, '--date', DAY, '--now', NOW, '-o', OUT, '--force'])",
    "refunds": "import gc; gc.disable(); from workbook.cli import main; main(['refunds', PATH, '--date', DAY, '--now', NOW, '-o', OUT, '--force'])",
    "eod": "import gc; gc.disable(); from workbook.cli import main; main(['eod', PATH, '--date', DAY, '--now', NOW, '-o', OUT, '--force'])",
    "frictionless": "from benchmarks.peer import validate; validate(PATH)",
}

CHILD = """
import io, json, resource, sys, time, contextlib
PATH, OUT, DAY, NOW = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
code = sys.stdin.read()
start = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    exec(code)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(task: str, path: Path, out: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(out), DAY, NOW], input=TASKS[task], cwd=ROOT,
        capture_output=True, text=True, check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip", default="")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}; {args.repeat} runs each")
    print("| rows | task | median s | min s | max s | peak MiB |")
    print("|---|---|---|---|---|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        path = cached(size)
        out = path.with_name(f"out-{size}.xlsx")
        medians: dict[str, float] = {}
        for task in TASKS:
            if task in skip:
                continue
            runs = [measure(task, path, out) for _ in range(args.repeat)]
            times = [r["seconds"] for r in runs]
            medians[task] = statistics.median(times)
            print(f"| {size:,} | {task} | {medians[task]:.2f} | {min(times):.2f} | {max(times):.2f} | "
                  f"{max(r['peak_mib'] for r in runs):.0f} |", flush=True)
        floor = medians.get("calamine")
        if floor and "check" in medians:
            ratios = [f"check ÷ calamine = {medians['check'] / floor:.2f}"]
            ratios += [f"{t} ÷ calamine = {medians[t] / floor:.2f}" for t in ("vouchers", "refunds", "eod") if t in medians]
            if "frictionless" in medians:
                ratios.append(f"frictionless ÷ check = {medians['frictionless'] / medians['check']:.1f}")
            print(f"|  | {'; '.join(ratios)} | | | | |", flush=True)


if __name__ == "__main__":
    main()
