"""Reading a sheet that python-calamine must not load: cells placed by sequence instead of their own
reference, a prefixed part, or an extent far larger than its values (a stray value at XFD3 or at
row 1,048,576).

The sheet's XML is parsed as a stream, each row dropped once read. Only the columns up to the last
known header are kept (a cell under no header is ignored, as any user column is), and only rows
holding a value are stored (blank rows share one empty tuple): memory follows the cells that hold
values, not the sheet's extent nor the size of its XML. Values come out as python-calamine gives
them: text, float, bool, datetime (date formats), time (time-of-day formats below 1), ExcelError.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import datetime, time, timedelta
from typing import IO
from xml.etree import ElementTree

from aftersales.cells import ExcelError, excel_serial_to_datetime
from aftersales.columns import column_index
from workbook.package import RegisterError
from workbook.xlsx_head import read_shared_strings
from workbook.xlsx_parts import local_name
from workbook.xlsx_styles import Styles

WIDTH_SEARCH_ROWS = 50
"""The header row of any sheet we read lies within these rows."""
UNKNOWN_WIDTH = 256
"""Columns kept when no known header is found (nothing will be read from the sheet anyway)."""
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384
"""Excel's own limits: a cell beyond them cannot exist in a real workbook."""
_EMPTY: tuple[object, ...] = ()
_EPOCH_1900, _EPOCH_1904 = datetime(1899, 12, 30), datetime(1904, 1, 1)


def known_width(head: Sequence[Sequence[object]], known: Collection[str], normalise: Callable[[str], str]) -> int:
    """Columns to keep: up to the last cell naming a known header in the first rows."""
    last = -1
    for row in head:
        for index, value in enumerate(row):
            if isinstance(value, str) and index > last and normalise(value) in known:
                last = index
    if last >= 0:
        return last + 1
    filled = [i for row in head for i, value in enumerate(row) if value not in (None, "")]
    return min(max(filled, default=0) + 1, UNKNOWN_WIDTH)


def _column(reference: str) -> tuple[int, int | None]:
    """(0-based column, 0-based row or None) of a reference like "AB12" (either case)."""
    letters = "".join(ch for ch in reference if ch.isalpha())
    digits = reference[len(letters):]
    return column_index(letters), (int(digits) - 1 if digits.isdigit() else None)


def _text(element: ElementTree.Element) -> str:
    """The visible text of an inline string (rich-text runs joined, phonetic guides left out)."""
    parts: list[str] = []
    for child in element.iter():
        if local_name(child.tag) == "rPh":
            child.clear()
        elif local_name(child.tag) == "t" and child.text:
            parts.append(child.text)
    return "".join(parts)


class _Cells:
    """Cell values as python-calamine gives them."""

    def __init__(self, strings: Sequence[str], styles: Styles, date1904: bool) -> None:
        self.strings, self.styles, self.date1904 = strings, styles, date1904

    def value(self, cell: ElementTree.Element) -> object:
        kind = cell.get("t", "n")
        raw: str | None = None
        inline: ElementTree.Element | None = None
        for child in cell:
            name = local_name(child.tag)
            if name == "v":
                raw = child.text or ""
            elif name == "is":
                inline = child
        if kind == "inlineStr" or inline is not None:
            return _text(inline) if inline is not None else raw
        if raw is None or raw == "":
            return None
        if kind == "s":
            index = int(raw) if raw.strip().isdigit() else -1
            return self.strings[index] if 0 <= index < len(self.strings) else None
        if kind in ("str", "d"):
            return self._iso(raw) if kind == "d" else raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "e":
            return ExcelError(raw.strip())
        try:
            number = float(raw)
        except ValueError:
            return raw
        return self._dated(number, int(cell.get("s", "0") or 0))

    def _dated(self, number: float, style: int) -> object:
        if style in self.styles.dates:
            return self._datetime(number)
        if style in self.styles.times and 0 <= number < 1:
            seconds = round(number * 86400) % 86400
            return time(seconds // 3600, seconds // 60 % 60, seconds % 60)
        return number

    def _datetime(self, serial: float) -> object:
        try:
            if self.date1904:
                return _EPOCH_1904 + timedelta(seconds=round(serial * 86400))
            # Excel's phantom 1900-02-29 is handled by the shared parser; before 1900 the plain epoch.
            return excel_serial_to_datetime(serial) or _EPOCH_1900 + timedelta(seconds=round(serial * 86400))
        except (OverflowError, ValueError):
            return serial

    @staticmethod
    def _iso(text: str) -> object:
        try:
            return datetime.fromisoformat(text.strip().rstrip("Z"))
        except ValueError:
            return text


def _cells(stream: IO[bytes], cells: _Cells) -> Iterator[tuple[int, int, object]]:
    """(0-based row, 0-based column, value) of every cell holding a value, in document order. Each
    cell and row is dropped from the tree as soon as it is read."""
    sheet_data: ElementTree.Element | None = None
    row: ElementTree.Element | None = None
    row_index, column = -1, -1
    for event, element in ElementTree.iterparse(stream, events=("start", "end")):
        name = local_name(element.tag)
        if event == "start":
            if name == "sheetData":
                sheet_data = element
            elif name == "row" and sheet_data is not None:
                row = element
                number = element.get("r", "")
                row_index = int(number) - 1 if number.isdigit() else row_index + 1
                column = -1
            continue
        if name == "c" and row is not None:
            reference = element.get("r")
            cell_row = row_index
            if reference:
                column, found_row = _column(reference)
                cell_row = row_index if found_row is None else found_row
            else:
                column += 1
            value = cells.value(element)
            row.remove(element)
            if cell_row >= MAX_ROWS or column >= MAX_COLUMNS or cell_row < 0 or column < 0:
                raise RegisterError(f"单元格超出了 Excel 的范围（第 {cell_row + 1} 行第 {column + 1} 列），文件可能已损坏")
            if value is not None and value != "":
                yield cell_row, column, value
        elif name == "row" and sheet_data is not None and row is not None:
            sheet_data.remove(element)
            row = None
            if row_index >= MAX_ROWS:
                raise RegisterError(f"行数超出了 Excel 的范围（第 {row_index + 1} 行），文件可能已损坏")


class _Table:
    """The rows kept: only cells left of `width`, each row as long as its last kept cell."""

    def __init__(self, max_cells: int) -> None:
        self.rows: dict[int, list[object]] = {}
        self.kept = 0
        self.max_cells = max_cells

    def put(self, row: int, column: int, value: object) -> None:
        line = self.rows.setdefault(row, [])
        if column >= len(line):
            self.kept += column + 1 - len(line)
            if self.kept > self.max_cells:
                raise RegisterError(
                    f"工作表太大（表头下超过 {self.max_cells:,} 个单元格），不读取：请按月拆分成几个文件后再试"
                )
            line.extend([None] * (column + 1 - len(line)))
        line[column] = value

    def as_rows(self) -> list[Sequence[object]]:
        rows: list[Sequence[object]] = [_EMPTY] * (max(self.rows) + 1 if self.rows else 0)
        for index, line in self.rows.items():
            rows[index] = line
        return rows


def stream_rows(
    path: str, part: str, *, strings_part: str | None, styles: Styles, date1904: bool,
    known: Collection[str], normalise: Callable[[str], str], max_cells: int,
) -> list[Sequence[object]]:
    """Every row of the sheet part (rows[0] is Excel row 1), cut to the known columns.

    Raises:
        RegisterError: the part cannot be parsed, or holds more than `max_cells` cells under its headers.
    """
    values = _Cells(read_shared_strings(path, strings_part), styles, date1904)
    table = _Table(max_cells)
    head: list[tuple[int, int, object]] = []
    width = -1
    try:
        with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
            for row, column, value in _cells(stream, values):
                if width < 0 and row < WIDTH_SEARCH_ROWS:
                    head.append((row, column, value))
                    continue
                if width < 0:
                    width = _place_head(head, table, known, normalise)
                if column < width:
                    table.put(row, column, value)
    except RegisterError:
        raise
    except (ElementTree.ParseError, zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error, ValueError) as error:
        raise RegisterError(f"无法读取工作表（{type(error).__name__}），文件可能已损坏：{path}") from None
    if width < 0:
        _place_head(head, table, known, normalise)
    return table.as_rows()


def _place_head(head: list[tuple[int, int, object]], table: _Table, known: Collection[str],
                normalise: Callable[[str], str]) -> int:
    """The width the first rows' headers give; the first rows kept, cut to it."""
    dense: dict[int, list[object]] = {}
    for row, column, value in head:
        line = dense.setdefault(row, [])
        line.extend([None] * (column + 1 - len(line)))
        line[column] = value
    width = known_width([dense[row] for row in sorted(dense)], known, normalise)
    for row, column, value in head:
        if column < width:
            table.put(row, column, value)
    head.clear()
    return width
