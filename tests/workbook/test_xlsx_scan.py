"""The sheet XML scans: the extent measured before python-calamine may load a sheet, and block cuts
that never split a cell. (Error cells found while the register loads: tests/workbook/test_reader.py.)"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl.styles import PatternFill

from aftersales.columns import COLUMNS, column_letter
from tests.domain import valid_row
from workbook.package import open_package
from workbook.template import build_register_workbook
from workbook.xlsx_extent import Extent, measure
from workbook.xlsx_parts import last_cell_start

WIDEST = column_letter(len(COLUMNS) - 1)  # the template's last column (校验)


def _saved(tmp_path: Path, name: str, edit: object = None) -> Path:
    book = build_register_workbook([valid_row(), valid_row(case_id="SH2", buyer="b2")])
    if callable(edit):
        edit(book["登记表"])
    path = tmp_path / name
    book.save(path)
    return path


def _extent(path: Path, sheet: str = "登记表") -> Extent:
    return measure(str(path), open_package(path).part(sheet))


def _prefixed(source: Path, target: Path) -> Path:
    """The same workbook with the sheet part written with an `x:` prefix, as some tools do."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                head, body = text.split("<sheetData", 1)
                body = "<sheetData" + body
                for tag in ("sheetData", "row", "c", "v", "is", "t", "f"):
                    body = body.replace(f"<{tag}>", f"<x:{tag}>").replace(f"<{tag} ", f"<x:{tag} ")
                    body = body.replace(f"</{tag}>", f"</x:{tag}>").replace(f"<{tag}/>", f"<x:{tag}/>")
                head = head.replace("<worksheet ", '<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ', 1)
                data = (head + body).encode()
            copy.writestr(item, data)
    return target


def _formatted_tail(sheet: object) -> None:
    sheet["A900000"].fill = PatternFill("solid", fgColor="FF0000")  # type: ignore[index]


def _stray_below(sheet: object) -> None:
    sheet[f"{WIDEST}300000"] = "x"  # type: ignore[index]


def _stray_right(sheet: object) -> None:
    sheet["XFD3"] = "x"  # type: ignore[index]


@pytest.mark.parametrize(
    ("edit", "rows", "columns"),
    [(None, 3, len(COLUMNS)), (_formatted_tail, 3, len(COLUMNS)), (_stray_below, 300000, len(COLUMNS)),
     (_stray_right, 3, 16384)],
    ids=["plain", "formatting-below", "stray-below", "stray-right"],
)
def test_the_extent_is_rows_of_values_times_columns(tmp_path: Path, edit: object, rows: int, columns: int) -> None:
    extent = _extent(_saved(tmp_path, "register.xlsx", edit))
    assert (extent.rows, extent.columns, extent.positioned) == (rows, columns, True)


def test_a_value_written_before_the_rows_above_it_still_counts(tmp_path: Path) -> None:
    """Cells out of order (valid to calamine, which places them by their reference)."""
    path = _saved(tmp_path, "register.xlsx")
    with zipfile.ZipFile(path) as source:
        parts = {item.filename: source.read(item.filename) for item in source.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = xml.replace(b'<c r="A1" ', b'<c r="B1048576"><v>1</v></c><c r="A1" ', 1)
    hidden = tmp_path / "hidden.xlsx"
    with zipfile.ZipFile(hidden, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    assert _extent(hidden).rows == 1048576


def test_a_prefixed_part_is_not_measured_but_left_to_the_streaming_reader(tmp_path: Path) -> None:
    path = _prefixed(_saved(tmp_path, "plain.xlsx", _stray_below), tmp_path / "prefixed.xlsx")
    assert not _extent(path).positioned


def test_colon_c_inside_text_is_not_taken_for_a_prefixed_cell() -> None:
    buffer = b'<row r="1"><c r="A1" t="inlineStr"><is><t>note:c d</t></is></c><c r="B1"><v>1</v></c><c r="C1" t="inlineStr"><is><t>http:c x'
    assert buffer[last_cell_start(buffer):].startswith(b'<c r="C1"')


def test_a_prefixed_cut_still_lands_on_the_cell_start() -> None:
    buffer = b'<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="B1" t="inlineStr"><x:is><x:t>a:c b'
    assert buffer[last_cell_start(buffer):].startswith(b'<x:c r="B1"')
