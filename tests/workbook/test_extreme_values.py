"""Dates and numbers at the edge of what a cell can hold (issue 12 items 2 and 20): each is an issue on
its cell and the rest of the register is checked, in every command, the 校验 button and the AS_*
functions — never `内部错误（OverflowError）` or a Python error in a cell."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from addin.scripts import validate_register
from addin.udfs import AS_CHECK, AS_DEADLINE, AS_RETURN_WINDOW_END, AS_SOLUTION_DEADLINE
from aftersales.columns import COLUMNS, INPUT_COLUMNS, column_letter
from tests.addin.payload import Excel, payload_from_xlsx
from tests.domain import valid_row
from workbook.cli import main
from workbook.template import build_register_workbook

NOW = "2026-11-21T18:30"
CLOCK = datetime(2026, 11, 21, 18, 30)
LATE = datetime(9999, 12, 31, 19, 0)
KEYS = [c.key for c in INPUT_COLUMNS]
HEADER = [c.header for c in INPUT_COLUMNS]


def _second() -> dict[str, object]:
    return valid_row(case_id="SH20261121-002", order_id="223456789012345678", buyer="tb2", amount=Decimal("8.00"))


def _book(first: dict[str, object], path: Path) -> Path:
    """Row 2 (`first`, not paid yet: on every command's list) and a clean row 3."""
    build_register_workbook([{**first, "paid_at": None, "refund_channel": "原路退款", "status": "已给方案"},
                             _second()]).save(path)
    return path


def _largest_serial(path: Path) -> Path:
    """登记时间 of row 2 as Excel's largest serial (9999-12-31) plus 19:00, as a number cell."""
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="B2" s="3" t="inlineStr"><is><t>placeholder</t></is></c>',
                                    b'<c r="B2" s="3"><v>2958465.79166667</v></c>')
                assert b"2958465" in data
            target.writestr(info, data)
    return path


LATE_FORMS = {
    "datetime-cell": lambda path: _book(valid_row(registered_at=LATE), path),
    "text": lambda path: _book(valid_row(registered_at="9999-12-31 19:00"), path),
    "largest-serial": lambda path: _largest_serial(_book(valid_row(registered_at="placeholder"), path)),
}


@pytest.mark.parametrize("form", list(LATE_FORMS))
@pytest.mark.parametrize("command", ["check", "vouchers", "refunds", "eod"])
def test_a_year_9999_date_is_an_issue_on_its_cell_in_every_command(tmp_path: Path, form: str, command: str,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = LATE_FORMS[form](tmp_path / "late.xlsx")
    extra = [] if command == "check" else ["-o", str(tmp_path / "out.xlsx")]
    extra += ["--date", "2026-11-21"] if command == "refunds" else []
    code = main([command, str(path), "--now", NOW, *extra])
    err = capsys.readouterr().err
    assert code == 1, err
    assert err == ""
    main(["check", str(path), "--now", NOW, "--json"])
    report = json.loads(capsys.readouterr().out)
    late = [i for i in report["issues"] if i["row"] == 2 and i["field"] == "登记时间"]
    assert [i["code"] for i in late] == ["invalid-datetime"]
    assert "9999-12-31" in late[0]["value"]
    assert len(report["cases"]) == 2 and not [i for i in report["issues"] if i["row"] == 3]


def test_a_year_9999_date_in_the_validate_button(tmp_path: Path) -> None:
    path = _book(valid_row(registered_at=LATE), tmp_path / "late.xlsx")
    excel = Excel(payload_from_xlsx(path, clock=CLOCK), clock=CLOCK)
    excel.run(validate_register)
    check = column_letter(COLUMNS.index(next(c for c in COLUMNS if c.key == "check")))
    assert str(excel.value("登记表", f"{check}2")).startswith("[invalid-datetime]")
    assert excel.value("登记表", f"{check}3") == ""
    assert not excel.alerts
    log = excel.sheet_named("操作记录")["values"]
    assert "内部错误" not in str(log)


def test_the_functions_return_text_for_a_year_9999_date() -> None:
    assert AS_SOLUTION_DEADLINE(LATE).startswith("参数错误")
    assert AS_SOLUTION_DEADLINE(2958465.79).startswith("参数错误")
    assert AS_RETURN_WINDOW_END(datetime(9999, 12, 30)).startswith("参数错误")
    assert AS_RETURN_WINDOW_END(datetime(2026, 11, 20), 99999999).startswith("参数错误")
    register = [HEADER, [valid_row(registered_at=LATE).get(k) for k in KEYS], [_second().get(k) for k in KEYS]]
    assert AS_DEADLINE(register) == [[""], [datetime(2026, 11, 21, 18, 0)]]
    assert AS_CHECK(register, CLOCK)[0][0].startswith("[invalid-datetime]")


@pytest.mark.parametrize("now", ["9999-12-31 23:00", "1899-12-31 10:00"])
def test_now_outside_the_calendar_is_a_usage_error(tmp_path: Path, now: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = _book(valid_row(), tmp_path / "register.xlsx")
    assert main(["check", str(path), "--now", now]) == 2
    assert "--now" in capsys.readouterr().err


@pytest.mark.parametrize(("written", "shown"), [
    (datetime(1850, 1, 1, 10, 0), "1850-01-01 10:00"),
    (datetime(1899, 12, 30, 10, 0), "1899-12-30 10:00"),
])
def test_a_date_before_1900_shows_its_date(tmp_path: Path, written: datetime, shown: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = _book(valid_row(signed_at=written), tmp_path / "old.xlsx")
    main(["check", str(path), "--now", NOW, "--json"])
    issues = [i for i in json.loads(capsys.readouterr().out)["issues"] if i["field"] == "签收时间"]
    assert [i["code"] for i in issues] == ["invalid-datetime"]
    assert issues[0]["value"] == shown and shown in issues[0]["message"]


def test_a_time_typed_alone_shows_as_a_time(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = build_register_workbook([valid_row(), _second()])
    cell = book["登记表"]["J2"]
    cell.value, cell.number_format = 0.4375, "hh:mm"  # 签收时间: someone typed 10:30
    path = tmp_path / "time.xlsx"
    book.save(path)
    main(["check", str(path), "--now", NOW, "--json"])
    issue = next(i for i in json.loads(capsys.readouterr().out)["issues"] if i["field"] == "签收时间")
    assert (issue["code"], issue["value"]) == ("invalid-datetime", "10:30")


# --- 20 integers out of range ----------------------------------------------------------------------


@pytest.mark.parametrize(("key", "value", "text"), [
    ("qty", 10**12, "1000000000000"), ("qty", 100001, "100001"), ("evidence_count", 1e308, "1e+308"),
    ("evidence_count", 1001, "1001"),
])
def test_integers_outside_their_range_are_invalid_numbers(tmp_path: Path, key: str, value: object, text: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = _book(valid_row(**{key: value}), tmp_path / "big.xlsx")
    assert main(["check", str(path), "--now", NOW, "--json"]) == 1
    issues = [i for i in json.loads(capsys.readouterr().out)["issues"] if i["row"] == 2]
    assert [(i["code"], i["value"]) for i in issues] == [("invalid-number", text)]
    assert "的整数" in issues[0]["message"]


@pytest.mark.parametrize(("key", "value"), [("qty", 100000), ("evidence_count", 1000), ("evidence_count", 0)])
def test_integers_at_the_ends_of_their_range_are_fine(tmp_path: Path, key: str, value: int) -> None:
    book = build_register_workbook([valid_row(**{key: value})])
    path = tmp_path / "edge.xlsx"
    book.save(path)
    assert main(["check", str(path), "--now", NOW]) in (0, 1)
    workbook = openpyxl.load_workbook(path)
    assert workbook["登记表"].max_row >= 2
