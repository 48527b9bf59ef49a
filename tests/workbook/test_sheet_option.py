"""Workbooks with several register sheets (issue 12 item 19, SPEC §14.8): every command takes --sheet,
and without it the sheets that were not checked are named (other-register-sheets), never skipped
silently. Also: a policy value out of its range is policy-invalid, never a crashed rule (item 13)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.domain import valid_row
from tests.workbook.xlsx import write_register
from workbook.cli import main

NOW = "2026-11-21T18:30"
Capsys = pytest.CaptureFixture[str]


def _months(tmp_path: Path, names: tuple[str, ...] = ("11月", "12月")) -> Path:
    book = openpyxl.Workbook()
    assert book.active is not None
    book.remove(book.active)
    for number, name in enumerate(names, start=1):
        write_register(book.create_sheet(name), [valid_row(case_id=f"SH{number}", buyer=f"b{number}",
                                                           order_id=f"12345678901234567{number}")])
    book.create_sheet("汇总").append(["月份", "条数"])
    path = tmp_path / "months.xlsx"
    book.save(path)
    return path


def _check(path: Path, capsys: Capsys, *extra: str) -> dict[str, object]:
    assert main(["check", str(path), "--now", NOW, "--json", *extra]) in (0, 1)
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_without_sheet_the_first_is_checked_and_the_others_are_named(tmp_path: Path, capsys: Capsys) -> None:
    report = _check(_months(tmp_path), capsys)
    assert report["sheet"] == "11月"
    (warning,) = [i for i in report["issues"] if i["code"] == "other-register-sheets"]  # type: ignore[union-attr]
    assert (warning["severity"], warning["sheet"], warning["row"]) == ("warning", "11月", 1)
    assert "12月" in warning["message"] and "汇总" not in warning["message"]


def test_sheet_chooses_the_register(tmp_path: Path, capsys: Capsys) -> None:
    report = _check(_months(tmp_path), capsys, "--sheet", "12月")
    assert report["sheet"] == "12月"
    assert [c["case_id"] for c in report["cases"]] == ["SH2"]  # type: ignore[union-attr]
    assert "11月" in next(i["message"] for i in report["issues"] if i["code"] == "other-register-sheets")  # type: ignore[union-attr]


def test_登记表_beside_other_register_like_sheets(tmp_path: Path, capsys: Capsys) -> None:
    report = _check(_months(tmp_path, ("退货退款表", "登记表", "换货维修登记表")), capsys)
    assert report["sheet"] == "登记表"
    message = next(i["message"] for i in report["issues"] if i["code"] == "other-register-sheets")  # type: ignore[union-attr]
    assert "退货退款表" in message and "换货维修登记表" in message


@pytest.mark.parametrize("command", [["vouchers"], ["refunds", "--date", "2026-11-21"], ["eod"]])
def test_every_command_takes_sheet(tmp_path: Path, capsys: Capsys, command: list[str]) -> None:
    out = tmp_path / "out.xlsx"
    code = main([command[0], str(_months(tmp_path)), *command[1:], "--now", NOW, "-o", str(out), "--json",
                 "--sheet", "12月"])
    assert code in (0, 1), capsys.readouterr().err
    assert "SH2" in capsys.readouterr().out


def test_an_unknown_sheet_is_one_line_naming_the_sheets(tmp_path: Path, capsys: Capsys) -> None:
    assert main(["check", str(_months(tmp_path)), "--now", NOW, "--sheet", "一月"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "一月" in err and "11月" in err and "12月" in err


def test_a_sheet_name_with_stray_spaces_is_found(tmp_path: Path, capsys: Capsys) -> None:
    assert _check(_months(tmp_path), capsys, "--sheet", " 12月 ")["sheet"] == "12月"


@pytest.mark.parametrize("value", [99999999, "99999999", 366, -1])
def test_a_policy_value_out_of_range_is_policy_invalid_not_a_crash(tmp_path: Path, capsys: Capsys,
                                                                   value: object) -> None:
    from workbook.template import build_register_workbook

    book = build_register_workbook([valid_row(case_type="七天无理由", resolution="退货退款", amount=None,
                                              severity=None, paid_at=None, status="待退款")])
    sheet = book["政策"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == "无理由退货天数")
    sheet.cell(row=row, column=2, value=value)
    path = tmp_path / "policy.xlsx"
    book.save(path)
    report = _check(path, capsys)
    codes = {i["code"] for i in report["issues"]}  # type: ignore[union-attr]
    assert "policy-invalid" in codes and "rule-crashed" not in codes
    out = tmp_path / "refunds.xlsx"
    assert main(["refunds", str(path), "--date", "2026-11-21", "--now", NOW, "-o", str(out)]) in (0, 1)
    capsys.readouterr()
