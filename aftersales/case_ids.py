"""Numbering blank 售后单号 (SPEC §2.1): `SH` + registered date `YYYYMMDD` + `-` + a 3-digit sequence.

The sequence continues after the highest number already used for that date, so numbering the same
register again gives no duplicates, and numbers once given never change.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime

from aftersales.cells import is_blank, parse_datetime, parse_text
from aftersales.columns import match_headers
from aftersales.model import RawRegister

_CASE_ID = re.compile(r"^SH(\d{8})-(\d+)$")


def format_case_id(day: date, number: int) -> str:
    return f"SH{day:%Y%m%d}-{number:03d}"


def assign_case_ids(raw: RawRegister, now: datetime) -> dict[int, str]:
    """New 售后单号 for every case row whose 售后单号 is blank: {Excel row: id}.

    The date is the row's 登记时间 (today's date, from `now`, when it is missing or unreadable).
    A register without a 售后单号 column gets none.
    """
    positions = match_headers(raw.header).positions
    id_index = positions.get("case_id")
    if id_index is None:
        return {}
    registered_index = positions.get("registered_at")
    used: dict[str, int] = defaultdict(int)
    blank: list[tuple[int, date]] = []
    for row, cells in raw.rows:
        cell = cells[id_index] if id_index < len(cells) else None
        if not is_blank(cell):
            text, _ = parse_text(cell)
            match = _CASE_ID.match(text or "")
            if match:
                used[match.group(1)] = max(used[match.group(1)], int(match.group(2)))
            continue
        registered = cells[registered_index] if registered_index is not None and registered_index < len(cells) else None
        moment, _ = parse_datetime(registered)
        blank.append((row, (moment or now).date()))
    assigned: dict[int, str] = {}
    for row, day in blank:
        key = f"{day:%Y%m%d}"
        used[key] += 1
        assigned[row] = format_case_id(day, used[key])
    return assigned


def with_case_ids(raw: RawRegister, assigned: dict[int, str]) -> RawRegister:
    """The register as it reads once the assigned 售后单号 are written."""
    if not assigned:
        return raw
    id_index = match_headers(raw.header).positions["case_id"]
    rows = []
    for row, cells in raw.rows:
        if row in assigned:
            cells = list(cells) + [None] * max(0, id_index + 1 - len(cells))
            cells[id_index] = assigned[row]
        rows.append((row, cells))
    return RawRegister(sheet=raw.sheet, header_row=raw.header_row, header=raw.header, rows=rows)
