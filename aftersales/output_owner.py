"""Whose is an output column (推荐方案, 补偿上限, 截止时间, 校验)? The 校验 button writes a column only when
it is the add-in's: empty below its header, recorded in the state sheet as written by the add-in, or
— for registers the add-in filled before it kept that record — one of the four output columns side
by side in their own order, holding only what the add-in writes. A column of the same name holding a
user's own content (their own 校验 notes, their own 截止时间) is never written over.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime

from aftersales.cells import is_blank
from aftersales.columns import OUTPUT_COLUMNS, column_letter
from aftersales.issues import CATALOGUE
from aftersales.taxonomy import RESOLUTIONS

OUTPUT_KEYS = tuple(column.key for column in OUTPUT_COLUMNS)
_LABELS = "|".join(re.escape(r.label) for r in RESOLUTIONS)
_RECOMMENDED = re.compile(rf"^(?:{_LABELS})(?:（可选：(?:{_LABELS})(?:、(?:{_LABELS}))*）)?$")
_CHECK = re.compile(r"^\[([a-z-]+)\] ")


def written_by_us(key: str, value: object) -> bool:
    """Whether a cell holds what the add-in writes into output column `key`."""
    if is_blank(value):
        return True
    if key == "recommended":
        return isinstance(value, str) and bool(_RECOMMENDED.match(value.strip()))
    if key == "check":
        match = _CHECK.match(value) if isinstance(value, str) else None
        return match is not None and match.group(1) in CATALOGUE
    if key == "ceiling":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, datetime | date | int | float) and not isinstance(value, bool)


def foreign_output_columns(
    sheet: str,
    body: Sequence[Sequence[object]],
    columns: Mapping[str, int],
    owned: Collection[tuple[str, str, str]],
    created: Collection[str] = (),
) -> dict[str, str]:
    """The output columns holding a user's own content: {key: column letter}.

    `body` are the sheet's rows below the header row; `columns` the 1-based column of each output
    key; `owned` the (sheet, header, letter) the state sheet records as the add-in's; `created` the
    keys whose column the button has just added.
    """
    headers = {column.key: column.header for column in OUTPUT_COLUMNS}

    def cells(key: str) -> list[object]:
        index = columns[key] - 1
        return [row[index] for row in body if index < len(row) and not is_blank(row[index])]

    side_by_side = [columns.get(key) for key in OUTPUT_KEYS]
    block = all(c is not None for c in side_by_side) and side_by_side == list(
        range(side_by_side[0] or 0, (side_by_side[0] or 0) + len(OUTPUT_KEYS)))
    foreign: dict[str, str] = {}
    for key, column in columns.items():
        letter = column_letter(column - 1)
        if key in created or (sheet, headers[key], letter) in owned:
            continue
        found = cells(key)
        if found and not (block and all(written_by_us(key, value) for value in found)):
            foreign[key] = letter
    return foreign
