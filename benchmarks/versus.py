"""The commands of this tree against another checkout of the project (e.g. the code before a change),
on the same register, runs alternating so that a drifting machine favours neither side.

Run: python -m benchmarks.versus --base /tmp/base [--size 100000] [--repeat 3] [--tasks check,refunds]
(make the base with `git worktree add /tmp/base <commit>`; it is imported through PYTHONPATH, so both
sides use this venv's packages).
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

from benchmarks.generate import cached
from benchmarks.run import CHILD, DAY, NOW, ROOT, TASKS


def measure(task: str, tree: Path, path: Path, out: Path) -> dict[str, float]:
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(out), DAY, NOW], input=TASKS[task], cwd=tree,
        capture_output=True, text=True, check=True, env=environment,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", type=Path, required=True)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tasks", default="check,vouchers,refunds,eod")
    args = parser.parse_args()
    path = cached(args.size)
    out = path.with_name(f"out-versus-{args.size}.xlsx")
    print(f"machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores; "
          f"{args.size:,} rows, {args.repeat} alternating runs each")
    print("| task | base median s | now median s | base peak MiB | now peak MiB |")
    print("|---|---|---|---|---|")
    for task in args.tasks.split(","):
        runs: dict[str, list[dict[str, float]]] = {"base": [], "now": []}
        for _ in range(args.repeat):
            runs["base"].append(measure(task, args.base.resolve(), path, out))
            runs["now"].append(measure(task, ROOT, path, out))
        seconds = {side: statistics.median(r["seconds"] for r in runs[side]) for side in runs}
        peak = {side: max(r["peak_mib"] for r in runs[side]) for side in runs}
        print(f"| {task} | {seconds['base']:.2f} | {seconds['now']:.2f} | {peak['base']:.0f} | {peak['now']:.0f} |",
              flush=True)


if __name__ == "__main__":
    main()
