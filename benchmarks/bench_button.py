"""The 校验 button on a big register, on xlwings' remote engine (the engine of xlwings Lite) in CPython:
seconds of the script, the actions it returns to Excel (count and JSON size). Issue 15 item 9.

Run: python -m benchmarks.bench_button [--rows 20000] [--blank-ids 200] [--repeat 3] [--bad-rate 0.05]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # the remote engine, in this process only

import xlwings as xw

from addin.scripts import NOT_READ, validate_register
from benchmarks.generate import BAD_RATE, rows
from tests.addin.payload import payload_from_xlsx
from workbook.template import build_register_workbook

NOW = datetime(2026, 11, 21, 18, 30)


def register(count: int, blank_ids: int, folder: Path, bad_rate: float = BAD_RATE) -> Path:
    data = rows(count, bad_rate=bad_rate)
    step = max(1, count // max(blank_ids, 1))
    for index in range(0, min(count, step * blank_ids), step):
        data[index]["case_id"] = None  # scattered blank 售后单号, as pasted-in rows leave them
    path = folder / f"register-{count}-{blank_ids}.xlsx"
    build_register_workbook(data).save(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--blank-ids", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--bad-rate", type=float, default=BAD_RATE,
                        help="share of rows with a typing mistake in a random column (0: the demo day's problems only)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        payload = payload_from_xlsx(register(args.rows, args.blank_ids, Path(folder), args.bad_rate), clock=NOW)
    for sheet in payload["sheets"]:
        if sheet["name"] in NOT_READ["validate_register"]:
            sheet["values"] = [[]]  # as xlwings' client sends an excluded sheet
    times, actions = [], []
    for _ in range(args.repeat):
        book = xw.Book(json=copy.deepcopy(payload))
        start = time.perf_counter()
        validate_register(book)
        actions = book.json()["actions"]
        times.append(time.perf_counter() - start)
    size = len(json.dumps(actions, default=str, ensure_ascii=False).encode()) / 1e6
    colours = sum(action["func"] == "setRangeColors" for action in actions)
    print(f"校验 on {args.rows:,} rows with {args.blank_ids} blank ids, bad-rate {args.bad_rate}: median {statistics.median(times):.1f} s "
          f"(min {min(times):.1f}, max {max(times):.1f}), {len(actions)} actions ({colours} of them colours), {size:.1f} MB")


if __name__ == "__main__":
    main()
