"""The workbook as the buttons see it (SPEC §12, §14.7): bulk reads and writes of whole sheets.

The 校验 button's code (`aftersales.check_action`) runs against this protocol: in Excel through the
add-in's xlwings `BookIO`, from the shell through `workbook.file_book.FileBook` (openpyxl) for
`aftersales check -o`. One code path decides what is written where; only the medium differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

COLOURS_PER_CALL = 10_000
"""Cells one `set_colours` call may carry (xlwings' Range.set_colors refuses more)."""


class Formula(str):
    """A value meant as a formula (written as is); every other text starting with = is escaped."""


class Book(Protocol):
    """Bulk access to one workbook. Rows and columns are 1-based where written, 0-based in `values`."""

    def sheet_names(self) -> list[str]: ...

    def values(self, name: str) -> list[list[object]]:
        """Every cell of the sheet's used range, as rows from A1 (row 0 = Excel row 1)."""
        ...

    def write(self, sheet: str, row: int, column: int, values: Sequence[Sequence[object]]) -> None:
        """Write a block whose top-left cell is (row, column)."""
        ...

    def set_formula(self, sheet: str, cell: str, formula: str) -> None: ...

    def set_number_format(self, sheet: str, address: str, number_format: str) -> None: ...

    def set_colours(self, sheet: str, row: int, column: int, colours: Sequence[Sequence[object]]) -> None:
        """Fill colours of a block: `#RRGGBB`, None to clear, `...` to keep."""
        ...

    def add_sheet(self, name: str, *, hidden: bool = False) -> None: ...

    def tables(self, sheet: str) -> list[tuple[str, str]]:
        """(name, address) of the sheet's tables, e.g. ("Register", "$A$1:$AJ$501")."""
        ...

    def resize_table(self, sheet: str, name: str, address: str) -> None: ...

    def merged_areas(self, sheet: str) -> list[str]:
        """Addresses of the sheet's merged areas (e.g. "P2:T4"), where known."""
        ...

    def alert(self, message: str, title: str) -> None: ...
