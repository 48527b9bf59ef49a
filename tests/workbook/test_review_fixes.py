"""Edge cases found in the final review: each pins a behaviour that was wrong before."""

from __future__ import annotations

import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from aftersales.cells import parse_money
from aftersales.columns import BY_KEY, COLUMNS, column_letter
from aftersales.validate import validate
from tests.domain import valid_row
from tests.tools import libreoffice_convert
from workbook.cli import main
from workbook.reader import read_register
from workbook.template import build_register_workbook
from workbook.xlsx_parts import last_cell_start

NOW = datetime(2026, 11, 21, 18, 30)
CHECK = column_letter(COLUMNS.index(BY_KEY["check"]))


def test_a_formula_that_returned_empty_text_is_a_blank_not_an_error(tmp_path: Path) -> None:
    book = build_register_workbook([valid_row()])
    book["登记表"]["L2"] = '=IF(1,"",1)'  # 实收货号 looked up, nothing found
    path = tmp_path / "lookup.xlsx"
    book.save(path)
    out = tmp_path / "lo"
    out.mkdir()
    register = read_register(libreoffice_convert(path, out))  # calculated: t="str" with an empty <v>
    report = validate(register.raw, NOW, register.policy)
    assert "excel-error" not in {i.code for i in report.issues}
    assert len(report.results) == 1


def test_a_placeholder_dimension_does_not_let_a_stray_value_through(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    book = build_register_workbook([valid_row()])
    book["登记表"][f"{CHECK}1048576"] = "x"  # under 校验, an output column: no case
    path = tmp_path / "stray.xlsx"
    book.save(path)
    patched = tmp_path / "patched.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(f'<dimension ref="A1:{CHECK}1048576"/>'.encode(), b'<dimension ref="A1"/>')
            target.writestr(item, data)
    assert main(["check", str(patched), "--now", "2026-11-21T18:30"]) == 0
    assert "共 1 条售后" in capsys.readouterr().out


def test_a_prefixed_cell_is_never_cut_in_two() -> None:
    buffer = b'<x:row r="1"><x:c r="A1" t="e"><x:v>#N/A</x:v></x:c><x:c r="B1" t="e"><x:v>#R'
    assert buffer[last_cell_start(buffer):].startswith(b'<x:c r="B1"')


@pytest.mark.parametrize(("cell", "expected"), [(-0.0, "0.00"), ("-0", "0.00"), (0.0, "0.00")])
def test_negative_zero_money_is_plain_zero(cell: object, expected: str) -> None:
    amount, problem = parse_money(cell)
    assert problem is None and str(amount) == expected


def test_a_tiny_negative_amount_is_still_negative() -> None:
    assert parse_money("-0.004")[1].code == "negative-amount"  # type: ignore[union-attr]


def test_a_word_line_break_in_a_cell_does_not_break_the_exports(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    # Excel stores a Word line break as _x000B_; readers give back the control character.
    row = valid_row(buyer="张三_x000B_李四", note="第一行_x000B_第二行", sku="YF_x000B_1001", paid_at=None)
    path = tmp_path / "register.xlsx"
    build_register_workbook([row]).save(path)
    for command in (["refunds", "--date", "2026-11-21"], ["eod"], ["vouchers"]):
        out = tmp_path / f"{command[0]}.xlsx"
        assert main([command[0], str(path), "--now", "2026-11-21T18:30", *command[1:], "-o", str(out)]) in (0, 1)
        assert openpyxl.load_workbook(out)
    capsys.readouterr()
    refunds = openpyxl.load_workbook(tmp_path / "refunds.xlsx")["退款表"]
    assert refunds.cell(row=2, column=5).value == "张三李四"


def test_money_out_has_no_negative_zero(tmp_path: Path) -> None:
    assert parse_money(Decimal("-0.00")) == (Decimal("0.00"), None)
