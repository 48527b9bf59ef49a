"""The sheet XML scan: the cheap last-value guard agrees with the full scan, and block cuts never
split a cell. (Error cells found while the register loads: tests/workbook/test_reader.py.)"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl.styles import PatternFill

from tests.domain import valid_row
from workbook.template import build_register_workbook
from workbook.xlsx_errors import _last_cell_start, last_value_row, scan_sheet


def _saved(tmp_path: Path, name: str, edit: object = None) -> Path:
    book = build_register_workbook([valid_row(), valid_row(case_id="SH2", buyer="b2")])
    if callable(edit):
        edit(book["登记表"])
    path = tmp_path / name
    book.save(path)
    return path


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


def _stray(sheet: object) -> None:
    sheet["AJ300000"] = "x"  # type: ignore[index]


@pytest.mark.parametrize("edit", [None, _formatted_tail, _stray], ids=["plain", "formatting-below", "stray-value"])
def test_the_cheap_guard_finds_the_same_last_value_row_as_the_full_scan(tmp_path: Path, edit: object) -> None:
    path = _saved(tmp_path, "register.xlsx", edit)
    expected = scan_sheet(str(path), "登记表").last_value_row
    assert last_value_row(str(path), "登记表") == expected
    assert expected == (300000 if edit is _stray else 3)


def test_the_guard_reads_prefixed_parts_too(tmp_path: Path) -> None:
    path = _prefixed(_saved(tmp_path, "plain.xlsx", _stray), tmp_path / "prefixed.xlsx")
    assert scan_sheet(str(path), "登记表").last_value_row == 300000
    assert last_value_row(str(path), "登记表") == 300000


def test_no_sheet_and_no_zip_give_row_0(tmp_path: Path) -> None:
    path = _saved(tmp_path, "register.xlsx")
    assert last_value_row(str(path), "没有这张表") == 0
    text = tmp_path / "not.xlsx"
    text.write_text("a,b\n")
    assert last_value_row(str(text), "登记表") == 0


def test_colon_c_inside_text_is_not_taken_for_a_prefixed_cell() -> None:
    buffer = b'<row r="1"><c r="A1" t="inlineStr"><is><t>note:c d</t></is></c><c r="B1"><v>1</v></c><c r="C1" t="inlineStr"><is><t>http:c x'
    assert buffer[_last_cell_start(buffer):].startswith(b'<c r="C1"')


def test_a_prefixed_cut_still_lands_on_the_cell_start() -> None:
    buffer = b'<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="B1" t="inlineStr"><x:is><x:t>a:c b'
    assert buffer[_last_cell_start(buffer):].startswith(b'<x:c r="B1"')
