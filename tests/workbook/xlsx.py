"""Building real .xlsx registers for the workbook tests, and patching their XML where openpyxl cannot.

openpyxl cannot write an error cell with a cached value, nor a cell styled with one of Excel's
zh-CN built-in date formats (IDs 27–36, 50–58) without defining it: both are what Excel, WPS and
Mac Excel CN write, so the helpers write a placeholder with openpyxl and patch the zip afterwards.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from aftersales.columns import BY_KEY, column_letter
from tests.domain import KEYS

Row = Mapping[str, object]


def header_text(key: str) -> str:
    """The Chinese header of a column key."""
    return BY_KEY[key].header


def write_register(
    sheet: Worksheet,
    rows: Iterable[Row | None],
    *,
    keys: Sequence[str] = KEYS,
    headers: Sequence[str] | None = None,
    extra: Mapping[int, tuple[str, Callable[[int], object]]] | None = None,
    titles: Sequence[str] = (),
    first_row: int = 1,
    first_col: int = 1,
    table: str | None = None,
) -> int:
    """Write a register onto `sheet` and return the Excel row number of its header row.

    `keys` are the catalogue columns in sheet order; `headers` their header cells (default the
    Chinese headers). `extra` inserts user columns: {position: (header, value of the n-th data row)}.
    A `None` row holds no catalogue cell (only prefilled user columns). `titles` are title rows above the header, one text each.
    """
    labels = list(headers) if headers is not None else [header_text(key) for key in keys]
    columns: list[tuple[str, str | None, Callable[[int], object] | None]] = [
        (label, key, None) for label, key in zip(labels, keys, strict=True)
    ]
    for position, (label, values) in sorted((extra or {}).items()):
        columns.insert(position, (label, None, values))
    row_number = first_row
    for title in titles:
        sheet.cell(row=row_number, column=first_col, value=title)
        row_number += 1
    header_row = row_number
    for offset, (label, _, _) in enumerate(columns):
        sheet.cell(row=header_row, column=first_col + offset, value=label)
    data = list(rows)
    for index, row in enumerate(data):
        excel_row = header_row + 1 + index
        for offset, (_, key, prefill) in enumerate(columns):
            # a user column is prefilled even on rows holding no catalogue cell
            value = prefill(index) if prefill is not None else _catalogue_value(row, key)
            if value is not None:
                sheet.cell(row=excel_row, column=first_col + offset, value=value)
    if table:
        last_row = header_row + max(len(data), 1)
        ref = (
            f"{column_letter(first_col - 1)}{header_row}:"
            f"{column_letter(first_col - 1 + len(columns) - 1)}{last_row}"
        )
        registered = Table(displayName=table, ref=ref)
        registered.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        sheet.add_table(registered)
    return header_row


def _catalogue_value(row: Row | None, key: str | None) -> object:
    return row.get(key) if row is not None and key else None


def register_book(rows: Iterable[Row | None], *, sheet: str = "登记表", **options: object) -> Workbook:
    """A one-sheet workbook holding a register (see write_register for the options)."""
    book = Workbook()
    active = book.active
    assert active is not None
    active.title = sheet
    write_register(active, rows, **options)  # type: ignore[arg-type]
    return book


def save(book: Workbook, path: Path) -> Path:
    book.save(path)
    return path


def letter_of(key: str, keys: Sequence[str] = KEYS, first_col: int = 1) -> str:
    """The column letter of a key in a register written with these keys from `first_col`."""
    return column_letter(first_col - 1 + list(keys).index(key))


# --- patching the zip -------------------------------------------------------------------------


def rewrite_part(path: Path, part: str, change: Callable[[str], str]) -> None:
    """Rewrite one XML part of an .xlsx in place."""
    with zipfile.ZipFile(path) as archive:
        items = [(info, archive.read(info.filename)) for info in archive.infolist()]
    names = [info.filename for info, _ in items]
    assert part in names, f"{part} not in {names}"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in items:
            if info.filename == part:
                changed = change(data.decode("utf-8"))
                assert changed != data.decode("utf-8"), f"nothing changed in {part}"
                data = changed.encode("utf-8")
            archive.writestr(info, data)


def sheet_xml(index: int) -> str:
    """The part openpyxl writes the `index`-th sheet (1-based) to."""
    return f"xl/worksheets/sheet{index}.xml"


def put_error_cells(path: Path, cells: Mapping[str, str], *, sheet: int = 1, formula: str | None = None) -> None:
    """Turn cells (which must hold a value) into Excel error cells: `<c r="D2" t="e"><v>#N/A</v></c>`.

    With `formula`, the cell is a formula whose cached result is the error, as Excel writes a failed
    VLOOKUP: `<c r="D2" t="e"><f>VLOOKUP(…)</f><v>#N/A</v></c>`.
    """

    def change(xml: str) -> str:
        for ref, code in cells.items():
            pattern = re.compile(rf'<c r="{ref}"(?:\s[^>]*)?(?:/>|>.*?</c>)', re.S)
            assert pattern.search(xml), f"cell {ref} not found (write a placeholder value first)"
            body = f"<f>{formula}</f>" if formula else ""
            xml = pattern.sub(f'<c r="{ref}" t="e">{body}<v>{code}</v></c>', xml, count=1)
        return xml

    rewrite_part(path, sheet_xml(sheet), change)


BUILTIN_PLACEHOLDER = "builtin-{id}"


def use_builtin_formats(path: Path) -> None:
    """Replace every placeholder number format `builtin-NN` by Excel's built-in format NN.

    The styles then reference e.g. numFmtId 31 (zh-CN `yyyy"年"m"月"d"日"`) without defining it, as
    Excel, WPS and Mac Excel CN write it.
    """

    def change(xml: str) -> str:
        definition = re.compile(r'<numFmt numFmtId="(\d+)" formatCode="builtin-(\d+)"\s*/>')
        placeholders = dict(definition.findall(xml))
        assert placeholders, "no placeholder formats"
        xml = definition.sub("", xml)
        for custom, builtin in placeholders.items():
            xml = xml.replace(f'<xf numFmtId="{custom}" ', f'<xf numFmtId="{builtin}" ')
        remaining = len(re.findall(r"<numFmt ", xml))
        if remaining:
            xml = re.sub(r'<numFmts count="\d+">', f'<numFmts count="{remaining}">', xml)
        else:
            xml = re.sub(r'<numFmts count="\d+">\s*</numFmts>', "", xml)
        return xml

    rewrite_part(path, "xl/styles.xml", change)
