"""A workbook file as the 校验 button sees a workbook (the `aftersales.book.Book` protocol), on openpyxl.

`aftersales check -o` runs the button's own code on it (SPEC §14.7), so the copy gets what the button
would write in Excel. It behaves like the add-in's xlwings `BookIO`: a sheet is read once (values as
Excel shows them: the cached results of formulas, error cells as their text), later writes do not
change what was read, text is always written as text (a buyer named =1+1 stays text).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import PatternFill
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.table import TableColumn
from openpyxl.worksheet.worksheet import Worksheet

from aftersales.book import Formula
from aftersales.cells import EXCEL_ERROR_CODES
from aftersales.columns import column_index
from workbook.package import sheet_part

_NO_FILL = PatternFill(fill_type=None)


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=colour.lstrip("#").upper())


class FileBook:
    """Bulk access to an openpyxl workbook: `book` is written; `cached` (the same file loaded with
    data_only=True) is what is read, as Excel would show it."""

    def __init__(self, book: Workbook, cached: Workbook) -> None:
        self.book = book
        self.cached = cached
        self._values: dict[str, list[list[object]]] = {}
        self.alerts: list[str] = []
        """What the button would have shown in a message box."""
        self._skipped: set[str] = set()
        """Cells inside merged areas that a write reached (openpyxl holds no value there)."""

    @property
    def skipped(self) -> list[str]:
        return sorted(self._skipped)

    def sheet_names(self) -> list[str]:
        return list(self.book.sheetnames)

    def values(self, name: str) -> list[list[object]]:
        if name not in self._values:
            source = self.cached[name] if name in self.cached.sheetnames else self.book[name]
            self._values[name] = _sparse_rows(source)
        return self._values[name]

    def write(self, sheet: str, row: int, column: int, values: Sequence[Sequence[object]]) -> None:
        target = self.book[sheet]
        cells = target._cells  # what exists: a blank written where no cell is needs no cell (memory)
        for r, line in enumerate(values):
            for c, value in enumerate(line):
                place = (row + r, column + c)
                if value in (None, "") and place not in cells:
                    continue
                cell = target.cell(row=place[0], column=place[1])
                if isinstance(cell, MergedCell):
                    self._skipped.add(f"{sheet}!{cell.coordinate}")
                    continue
                if cell.data_type == "f" and value == self._shown(sheet, place):
                    continue  # a formula written back as what it shows stays a formula
                _put(cell, value)

    def _shown(self, sheet: str, place: tuple[int, int]) -> object:
        line = self.values(sheet)[place[0] - 1] if place[0] - 1 < len(self.values(sheet)) else []
        return line[place[1] - 1] if place[1] - 1 < len(line) else None

    def set_formula(self, sheet: str, cell: str, formula: str) -> None:
        self.book[sheet][cell] = formula

    def set_number_format(self, sheet: str, address: str, number_format: str) -> None:
        cells = self.book[sheet][address]
        rows = cells if isinstance(cells, tuple) else ((cells,),)
        for line in rows:
            for cell in line if isinstance(line, tuple) else (line,):
                cell.number_format = number_format

    def set_colours(self, sheet: str, row: int, column: int, colours: Sequence[Sequence[object]]) -> None:
        target = self.book[sheet]
        for r, line in enumerate(colours):
            for c, colour in enumerate(line):
                if colour is ... or (colour is None and (row + r, column + c) not in target._cells):
                    continue
                cell = target.cell(row=row + r, column=column + c)
                if isinstance(cell, MergedCell):
                    continue
                cell.fill = _fill(colour) if isinstance(colour, str) else _NO_FILL

    def add_sheet(self, name: str, *, hidden: bool = False) -> None:
        sheet = self.book.create_sheet(name)
        if hidden:
            sheet.sheet_state = "hidden"
        self._values[name] = []

    def tables(self, sheet: str) -> list[tuple[str, str]]:
        return [(name, str(ref)) for name, ref in self.book[sheet].tables.items()]

    def resize_table(self, sheet: str, name: str, address: str) -> None:
        """Resize a table, naming its new columns after their header cells (as Excel does)."""
        target = self.book[sheet]
        table = target.tables[name]
        first, _, last = address.replace("$", "").partition(":")
        header_row = int(re.sub(r"\D", "", first))
        left = column_index(re.sub(r"\d", "", first))
        right = column_index(re.sub(r"\d", "", last))
        names = [column.name for column in table.tableColumns]
        for index in range(left + len(names), right + 1):
            header = target.cell(row=header_row, column=index + 1).value
            label = str(header) if header not in (None, "") else f"列{index + 1}"
            while label in names:
                label += "_"
            names.append(label)
            table.tableColumns.append(TableColumn(id=len(names), name=label))
        table.ref = f"{first}:{last}"
        if table.autoFilter is not None:
            table.autoFilter.ref = table.ref

    def merged_areas(self, sheet: str) -> list[str]:
        return [str(area) for area in self.book[sheet].merged_cells.ranges]

    def alert(self, message: str, title: str) -> None:
        self.alerts.append(f"{title}：{message}")


def _sparse_rows(sheet: Worksheet) -> list[list[object]]:
    """The sheet's values as rows from A1, each only as long as its last cell (iter_rows would create
    a cell for every place of the bounding box: millions for one stray value at row 1,048,576)."""
    rows: list[list[object]] = [[] for _ in range(sheet.max_row if sheet._cells else 0)]
    for (row, column), cell in sheet._cells.items():
        line = rows[row - 1]
        if len(line) < column:
            line.extend([None] * (column - len(line)))
        line[column - 1] = cell.value
    return rows


def _put(cell: Cell, value: object) -> None:
    """A value as the add-in writes it through Excel (see addin.sheet_io._to_excel)."""
    if isinstance(value, Formula):
        cell.value = str(value)
        return
    if isinstance(value, Decimal):
        value = float(value)
    elif value == "":
        value = None
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula


# --- cached results of formulas -----------------------------------------------------------------

_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+\d+)"([^>]*)>(<f[^>]*/>|<f[^>]*>.*?</f>)<v\s*/>\s*</c>', re.S)
_TYPE = re.compile(rb'\st="[^"]*"')


def formula_results(book: Workbook, cached: Workbook) -> dict[str, dict[str, object]]:
    """{sheet: {cell: value}} of the formula cells whose result the file had cached."""
    found: dict[str, dict[str, object]] = {}
    for sheet in book.worksheets:
        if sheet.title not in cached.sheetnames:
            continue
        values = cached[sheet.title]
        for place, cell in list(sheet._cells.items()):  # only cells that exist (iter_rows would create more)
            if cell.data_type == "f":
                result = values._cells.get(place)
                if result is not None and result.value is not None:
                    found.setdefault(sheet.title, {})[cell.coordinate] = result.value
    return found


def _cached(value: object) -> tuple[bytes, bytes]:
    """(type attribute, <v> text) of a formula's cached result."""
    if isinstance(value, bool):
        return b' t="b"', b"1" if value else b"0"
    if isinstance(value, (int, float, Decimal)):
        return b"", repr(float(value)).encode() if isinstance(value, float) else str(value).encode()
    if isinstance(value, datetime | date):
        return b"", repr(float(to_excel(value))).encode()
    text = str(value)
    kind = b' t="e"' if text in EXCEL_ERROR_CODES else b' t="str"'
    return kind, escape(text).encode()


def with_formula_results(data: bytes, results: dict[str, dict[str, object]]) -> bytes:
    """The .xlsx `data` with each formula's cached result put back (openpyxl drops them on load), so
    a reader that does not calculate (ours, a viewer) sees what Excel showed."""
    if not results:
        return data
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {sheet_part(source, name): cells for name, cells in results.items()}
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            cells = parts.get(item.filename)
            if cells:
                def fill(match: re.Match[bytes], cells: dict[str, object] = cells) -> bytes:
                    value = cells.get(match.group(1).decode())
                    if value is None:
                        return match.group(0)
                    kind, text = _cached(value)
                    attributes = _TYPE.sub(b"", match.group(2)) + kind
                    return b'<c r="' + match.group(1) + b'"' + attributes + b">" + match.group(3) + b"<v>" + text + b"</v></c>"

                content = _FORMULA_CELL.sub(fill, content)
            target.writestr(item, content)
    return output.getvalue()
