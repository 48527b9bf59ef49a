"""Registers of any size that look like a real shop's: a month of cases, mixed Chinese text, dates,
money, 19–20 digit text order numbers, and about 5 % bad cells of the kinds staff type.

Run: python benchmarks/generate.py ROWS [OUT.xlsx]   (files are cached under benchmarks/.data/)
"""

from __future__ import annotations

import random
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from aftersales.columns import COLUMNS, INPUT_COLUMNS
from aftersales.demo import demo_rows

DATA = Path(__file__).with_name(".data")
MONTH_START = date(2026, 10, 22)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "明华丽伟芳娜敏静强磊军洋勇艳杰娟涛超秀霞平刚桂英"
BAD = {
    "money": ["abc", "十二元", "-5", "#N/A", "1,23"],
    "datetime": ["明天", "2026-13-01", "#VALUE!", "下午"],
    "choice": ["破损严重", "非质量问题", "仓库", "其它", "退款中"],
    "order_id": [1.2345678901234568e18, "12345", "TB-1234567"],
    "integer": ["两个", "-1", "1.5"],
    "text": ["#REF!"],
}
BAD_RATE = 0.05
DATETIME_KEYS = tuple(c.key for c in INPUT_COLUMNS if c.kind.value == "datetime")


def _kind(key: str) -> str:
    column = next(c for c in INPUT_COLUMNS if c.key == key)
    return {"money": "money", "datetime": "datetime", "choice": "choice", "order_id": "order_id",
            "integer": "integer"}.get(column.kind.value, "text")


def rows(count: int, seed: int = 7, bad_rate: float = BAD_RATE, shift_days: int = 0) -> list[dict[str, object]]:
    """`count` cases spread over a month: the demo day's mix, renumbered and varied; `bad_rate` of the
    rows carry a typing mistake in a random column (0: only the demo day's own problems); `shift_days` moves
    the month back (another month's register)."""
    rng = random.Random(seed)
    template = demo_rows()
    keys = [c.key for c in INPUT_COLUMNS]
    result = []
    for index in range(count):
        row = dict(template[index % len(template)])
        back = timedelta(days=rng.randrange(31) + shift_days)  # the same shift for all of a row's times keeps their order
        for key in DATETIME_KEYS:
            value = row.get(key)
            if isinstance(value, datetime):
                row[key] = value - back
        day = row["registered_at"].date() if isinstance(row.get("registered_at"), datetime) else MONTH_START
        row["case_id"] = f"SH{day:%Y%m%d}-{index + 1:06d}"
        row["order_id"] = f"{rng.randint(1, 4)}{rng.randrange(10**17, 10**18)}"[: rng.choice((19, 20))]
        row["buyer"] = f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(GIVEN)}{rng.randrange(100, 999)}"
        if isinstance(row.get("paid_amount"), Decimal):
            row["paid_amount"] += Decimal(rng.randrange(0, 5000)) / 100
        for key in keys:
            if rng.random() < bad_rate / 6:  # ~5 % of rows carry a bad cell somewhere
                row[key] = rng.choice(BAD[_kind(key)])
        result.append(row)
    return result


def write(count: int, path: Path, *, seed: int = 7, shift_days: int = 0) -> Path:
    """A register workbook (write-only openpyxl: what a big export looks like) with `count` rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("登记表")
    sheet.append([column.header for column in COLUMNS])
    for row in rows(count, seed=seed, shift_days=shift_days):
        cells = []
        for column in COLUMNS:
            value = row.get(column.key)
            if isinstance(value, str) and value.startswith("#") and value.endswith(("!", "A")):
                value = None  # an error value is written below as a real error cell
            cell = WriteOnlyCell(sheet, value=value)
            if column.key == "order_id" and isinstance(value, str):
                cell.number_format = "@"
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            cells.append(cell)
        sheet.append(cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def cached(count: int) -> Path:
    path = DATA / f"register-{count}.xlsx"
    return path if path.exists() else write(count, path)


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else DATA / f"register-{size}.xlsx"
    print(write(size, target))
