"""Finding the register in a workbook's cell values (SPEC §2): which sheet, which header row, which
rows are cases. Shared by the file reader and the add-in, which get the cells in different ways."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aftersales.cells import is_blank
from aftersales.columns import INPUT_COLUMNS, find_header_row
from aftersales.issues import Issue, make_issue
from aftersales.model import RawRegister
from aftersales.sheets import REGISTER_SHEET

HEADER_SEARCH_ROWS = 11
"""The header row is within rows 1–11 (up to 10 title rows above it)."""
_INPUT_KEYS = frozenset(column.key for column in INPUT_COLUMNS)


def choose_register_sheet(names: Sequence[str], head: Callable[[str], Sequence[Sequence[object]]]) -> str | None:
    """The register sheet: 登记表; else the first sheet whose header row has every required header;
    else the first with a partial one (it then reports header-missing); None when there is none.

    `head(name)` gives at least the first HEADER_SEARCH_ROWS rows of a sheet.
    """
    if REGISTER_SHEET in names:
        return REGISTER_SHEET
    partial: str | None = None
    for name in names:
        found = find_header_row(head(name), HEADER_SEARCH_ROWS)
        if found is not None and not found[1].missing_required:
            return name
        if found is not None and partial is None:
            partial = name
    return partial


def has_register_header(rows: Sequence[Sequence[object]]) -> bool:
    """Whether a sheet's first rows hold a complete register header row."""
    found = find_header_row(rows, HEADER_SEARCH_ROWS)
    return found is not None and not found[1].missing_required


def other_register_sheets(
    names: Sequence[str], chosen: str, head: Callable[[str], Sequence[Sequence[object]]]
) -> list[str]:
    """The sheets besides `chosen` that also have the register's header row (SPEC §14.8): monthly
    sheets, 退货退款表 beside 换货维修登记表 … — they are not checked in this run."""
    return [name for name in names if name != chosen and has_register_header(head(name))]


def other_sheets_issue(raw: RawRegister, others: Sequence[str]) -> Issue:
    """other-register-sheets, on the header row of the sheet that was checked."""
    return make_issue("other-register-sheets", sheet=raw.sheet, row=raw.header_row, sheets="、".join(others))


def register_from_rows(sheet: str, rows: Sequence[Sequence[object]]) -> RawRegister:
    """The register in a sheet's rows (rows[0] is Excel row 1, cells from column A).

    A row is a case when any catalogue input cell holds something: a prefilled 序号 column or
    leftover output columns do not make cases.
    """
    found = find_header_row(rows, HEADER_SEARCH_ROWS)
    header_index = found[0] if found else 0
    positions = found[1].positions if found else {}
    inputs = sorted(index for key, index in positions.items() if key in _INPUT_KEYS)

    def has_input(cells: Sequence[object]) -> bool:
        width = len(cells)
        for i in inputs:  # noqa: SIM110 (a plain loop: no generator per row, most rows answer at once)
            if i < width and not is_blank(cells[i]):
                return True
        return False

    body = [
        (index + 1, cells) for index, cells in enumerate(rows[header_index + 1 :], start=header_index + 1) if has_input(cells)
    ]
    header = rows[header_index] if rows else []
    return RawRegister(sheet=sheet, header_row=header_index + 1, header=header, rows=body)
