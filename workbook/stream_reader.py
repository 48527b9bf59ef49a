"""Reading a sheet that python-calamine must not load: cells placed by sequence instead of their own
reference, a prefixed part, or an extent far larger than its values (a stray value at XFD3 or at
row 1,048,576). openpyxl's read-only mode streams the rows; only the columns under a known header
are kept (a cell under no header is ignored, as any user column is), and an empty row is one
shared empty tuple, so memory follows the cells that hold values, not the sheet's extent.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from workbook.package import RegisterError
from workbook.xlsx_head import MAX_COLUMNS

WIDTH_SEARCH_ROWS = 50
"""The header row of any sheet we read lies within these rows."""
UNKNOWN_WIDTH = 256
"""Columns kept when no known header is found (nothing will be read from the sheet anyway)."""
_EMPTY: tuple[object, ...] = ()


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


def stream_rows(
    path: str, sheet: str, known: Collection[str], normalise: Callable[[str], str], max_cells: int
) -> list[Sequence[object]]:
    """Every row of `sheet` (rows[0] is Excel row 1), cut to the known columns.

    Raises:
        RegisterError: the sheet cannot be read, or holds more than `max_cells` cells under its headers.
    """
    from openpyxl import load_workbook  # only the odd files need it

    try:
        book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # a file openpyxl cannot open
        raise RegisterError(f"无法读取 Excel 文件（{type(error).__name__}）：{path}") from None
    try:
        worksheet = book[sheet]
        worksheet.reset_dimensions()  # <dimension> is not trusted: read every row there is
        head = list(worksheet.iter_rows(min_row=1, max_row=WIDTH_SEARCH_ROWS, max_col=MAX_COLUMNS, values_only=True))
        width = known_width(head, known, normalise)
        del head
        rows: list[Sequence[object]] = []
        kept = 0
        for row in worksheet.iter_rows(min_row=1, max_col=width, values_only=True):
            if row.count(None) == len(row):
                rows.append(_EMPTY)
                continue
            kept += width
            if kept > max_cells:
                raise RegisterError(
                    f"工作表「{sheet}」太大（表头下超过 {max_cells:,} 个单元格），不读取：请按月拆分成几个文件后再试"
                )
            rows.append(row)
        while rows and rows[-1] is _EMPTY:
            rows.pop()
        return rows
    except RegisterError:
        raise
    except Exception as error:  # a damaged part, an impossible cell reference
        raise RegisterError(f"无法读取工作表「{sheet}」（{type(error).__name__}）：{path}") from None
    finally:
        book.close()
