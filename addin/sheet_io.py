"""The one module that touches the xlwings sheet API. Everything it does is bulk: a sheet is read
once, a block is written in one call, colours go through `Range.set_colors` (≤ 10,000 cells a call),
so the number of calls never depends on the number of rows.

It works the same on xlwings Lite (the remote engine), classic xlwings (COM / AppleScript) and in
the tests (the remote engine on Linux).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import xlwings as xw

from aftersales.book import COLOURS_PER_CALL, Formula
from aftersales.columns import column_letter
from aftersales.sheets import FORMULA_STARTS

Cell = object
Matrix = list[list[Any]]


def _to_excel(value: object) -> object:
    """Values as Excel takes them: money as a number (formatted by the sheet), blanks as empty, and
    text that would start a formula behind Excel's text apostrophe (a buyer named =1+1 stays text)."""
    if isinstance(value, Formula):
        return str(value)
    if isinstance(value, str) and value and (value.startswith(FORMULA_STARTS) or value[0].isdigit() or value[0] in ".'"):
        # Excel reads what it is given like typed input: "=…" would run, and "123456789012345678"
        # or "0012" would become a number (15 digits kept), and a text's own leading ' would be taken
        # as the marker. The apostrophe keeps it text, unseen.
        return "'" + value
    if isinstance(value, Decimal):
        return float(value)
    if value is None:
        return ""
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


class BookIO:
    """Bulk access to one workbook."""

    def __init__(self, book: xw.Book) -> None:
        self.book = book
        self._values: dict[str, list[list[Cell]]] = {}
        self.calls = 0
        """Sheet calls made (reads and writes), to keep them constant in the number of rows."""

    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def values(self, name: str) -> list[list[Cell]]:
        """Every cell of the sheet's used range, as rows from A1 (row 0 = Excel row 1)."""
        if name not in self._values:
            self.calls += 1
            used = self.book.sheets[name].used_range
            # err_to_str: an error cell must read as "#N/A" (reported), not as a blank (silently renumbered).
            block = used.options(ndim=2, err_to_str=True).value or []
            top, left = used.row - 1, used.column - 1
            width = left + max((len(row) for row in block), default=0)
            rows: list[list[Cell]] = [[None] * width for _ in range(top)]
            rows.extend([*([None] * left), *row] for row in block)
            self._values[name] = rows
        return self._values[name]

    def write(self, sheet: str, row: int, column: int, values: Sequence[Sequence[object]]) -> None:
        """Write a block whose top-left cell is (row, column), 1-based, in one call."""
        if not values:
            return
        self.calls += 1
        block = [[_to_excel(v) for v in line] for line in values]
        self.book.sheets[sheet].range((row, column)).value = block

    def set_formula(self, sheet: str, cell: str, formula: str) -> None:
        self.calls += 1
        self.book.sheets[sheet][cell].formula = formula

    def set_number_format(self, sheet: str, address: str, number_format: str) -> None:
        self.calls += 1
        self.book.sheets[sheet][address].number_format = number_format

    def set_colours(self, sheet: str, row: int, column: int, colours: Sequence[Sequence[object]]) -> None:
        """Fill colours of a block (1-based top-left): `#RRGGBB`, None to clear, `...` to keep."""
        height, width = len(colours), len(colours[0])
        step = max(1, COLOURS_PER_CALL // width)
        for start in range(0, height, step):
            part = [list(line) for line in colours[start : start + step]]
            last_row = row + start + len(part) - 1
            self.calls += 1
            address = f"{column_letter(column - 1)}{row + start}:{column_letter(column + width - 2)}{last_row}"
            self.book.sheets[sheet][address].set_colors(part)

    def add_sheet(self, name: str, *, hidden: bool = False) -> None:
        self.calls += 1
        sheet = self.book.sheets.add(name=name, after=self.book.sheets[len(self.book.sheets) - 1])
        if hidden:
            sheet.visible = False
        self._values[name] = []

    def tables(self, sheet: str) -> list[tuple[str, str]]:
        """(name, address) of the sheet's tables, e.g. ("Register", "$A$1:$AJ$501")."""
        return [(table.name, table.range.address) for table in self.book.sheets[sheet].tables]

    def resize_table(self, sheet: str, name: str, address: str) -> None:
        self.calls += 1
        target = self.book.sheets[sheet]
        target.tables[name].resize(target[address])

    def merged_areas(self, sheet: str) -> list[str]:
        """Not known here: xlwings' payload carries no merged areas, and asking Excel area by area would
        cost a round trip each (what Excel does with a write into one was not tried in real Excel)."""
        return []

    @contextlib.contextmanager
    def quiet(self) -> Iterator[None]:
        """Classic Excel redraws after every call (xlwings colours cell by cell there): pause it.
        xlwings Lite queues every write until the script ends, so nothing to do there."""
        app = self.book.app
        if app.engine.name == "remote":
            yield
            return
        app.screen_updating = False
        try:
            yield
        finally:
            app.screen_updating = True

    def chart_names(self, sheet: str) -> list[str]:
        return [chart.name for chart in self.book.sheets[sheet].charts]

    def bar_chart(self, sheet: str, name: str, source: str, top: float, left: float, height: float = 300) -> None:
        """A clustered bar chart of `source` (labels, values with a header row), made once, updated after.
        Tall enough for a label per bar: Excel skips every other label on a crowded axis (SPEC §14.6)."""
        target = self.book.sheets[sheet]
        self.calls += 1
        if name in self.chart_names(sheet):
            target.charts[name].set_source_data(target[source])
            return
        chart = target.charts.add(left=left, top=top, width=420, height=height)
        chart.chart_type = "bar_clustered"
        chart.set_source_data(target[source])
        chart.name = name

    def alert(self, message: str, title: str) -> None:
        self.calls += 1
        self.book.app.alert(message, title=title)
