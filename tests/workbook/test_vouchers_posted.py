"""单据 as the team lead keeps it (issue 12 items 10 and 15, SPEC §14.4): 已过帐 / 过账 / posted all mean
posted, 状态 has a dropdown, and a posted voucher whose case left the register is kept and named
(voucher-orphaned) while the drafts of such a case go — in the CLI and in the 生成单据 button."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from addin.scripts import generate_vouchers, validate_register
from aftersales.demo import demo_rows
from tests.addin.payload import Excel
from tests.addin.test_voucher_refund_buttons import excel_for, log_lines, post, register_set
from tests.workbook.test_vouchers_refunds_cli import (
    CLEAN_PARTIAL,
    CLEAN_RESHIP,
    VOUCHER_HEADERS,
    change,
    posted,
    run_vouchers,
    save_register,
    sheet_values,
)
from workbook.template import build_register_workbook

Capsys = pytest.CaptureFixture[str]
STATUS = VOUCHER_HEADERS.index("状态")


@pytest.fixture
def first(capsys: Capsys, tmp_path: Path) -> list[list[object]]:
    register = save_register(demo_rows(), tmp_path / "register.xlsx")
    out = tmp_path / "first.xlsx"
    run_vouchers(capsys, register, out)
    return sheet_values(out, "单据")[1:]


@pytest.mark.parametrize("word", ["已过帐", "过账", "过帐", "posted"])
def test_a_posted_voucher_written_any_way_is_reversed_not_overwritten(capsys: Capsys, tmp_path: Path,
                                                                      first: list[list[object]], word: str) -> None:
    booked = [[*line[:STATUS], word if line[3] == CLEAN_PARTIAL else line[STATUS], *line[STATUS + 1:]]
              for line in first]
    register = save_register(change(demo_rows(), CLEAN_PARTIAL, amount=Decimal("7.00")), tmp_path / "r.xlsx",
                             vouchers=booked)
    out = tmp_path / "second.xlsx"
    run_vouchers(capsys, register, out)
    after = sheet_values(out, "单据")[1:]
    original = next(line for line in booked if line[0] == f"{CLEAN_PARTIAL}-FY1")
    assert original in after  # cell for cell, its 状态 as the team lead wrote it
    numbers = {line[0] for line in after}
    assert {f"{CLEAN_PARTIAL}-FY1-R", f"{CLEAN_PARTIAL}-FY2"} <= numbers


def test_a_posted_voucher_of_a_deleted_case_is_kept_and_named_its_drafts_go(capsys: Capsys, tmp_path: Path,
                                                                            first: list[list[object]]) -> None:
    booked = posted(first, {CLEAN_PARTIAL})
    rows = [row for row in demo_rows() if row.get("case_id") not in (CLEAN_PARTIAL, CLEAN_RESHIP)]
    register = save_register(rows, tmp_path / "r.xlsx", vouchers=booked)
    out = tmp_path / "second.xlsx"
    code, printed, _ = run_vouchers(capsys, register, out, "--json")
    assert code in (0, 1)
    report = json.loads(printed)
    after = sheet_values(out, "单据")[1:]
    kept = [line for line in booked if line[3] == CLEAN_PARTIAL]
    assert kept and all(line in after for line in kept)  # never reversed automatically
    assert not [line for line in after if line[3] == CLEAN_RESHIP]  # its drafts are gone
    orphans = [i for i in report["issues"] if i["code"] == "voucher-orphaned"]
    assert [(i["sheet"], i["case_id"]) for i in orphans] == [("单据", CLEAN_PARTIAL)] * len(kept)
    assert all(i["severity"] == "warning" and "不会自动冲销" in i["message"] for i in orphans)
    text = run_vouchers(capsys, register, tmp_path / "third.xlsx")[1]
    assert "voucher-orphaned" in text and CLEAN_PARTIAL in text


def _status_validation(path: Path) -> list[str]:
    sheet = openpyxl.load_workbook(path)["单据"]
    letter = openpyxl.utils.get_column_letter(STATUS + 1)
    return [v.formula1 for v in sheet.data_validations.dataValidation if f"{letter}2" in str(v.sqref)]


def test_状态_has_a_dropdown_in_the_template_and_in_the_output(capsys: Capsys, tmp_path: Path) -> None:
    template = tmp_path / "template.xlsx"
    build_register_workbook().save(template)
    assert _status_validation(template) == ['"草稿,已过账"']
    register = save_register(demo_rows(), tmp_path / "register.xlsx")
    run_vouchers(capsys, register, tmp_path / "out.xlsx")
    assert _status_validation(tmp_path / "out.xlsx") == ['"草稿,已过账"']


# --- the 生成单据 button ------------------------------------------------------------------------------


def _button_excel(demo_workbook: Path) -> Excel:
    excel = excel_for(demo_workbook)
    excel.run(validate_register)
    excel.run(generate_vouchers)
    return excel


def test_the_button_reverses_a_voucher_posted_as_过账(demo_workbook: Path) -> None:
    excel = _button_excel(demo_workbook)
    rows = post(excel, {CLEAN_PARTIAL})
    values = excel.sheet_named("单据")["values"]
    for index in rows:
        values[index][STATUS] = "过账"
    before = [list(values[index]) for index in rows]
    register_set(excel, CLEAN_PARTIAL, "金额", 7.0)
    excel.run(generate_vouchers)
    values = excel.sheet_named("单据")["values"]
    assert [list(values[index]) for index in rows] == before
    assert f"{CLEAN_PARTIAL}-FY1-R" in {line[0] for line in values}


def test_the_button_keeps_and_names_posted_vouchers_of_a_deleted_row(demo_workbook: Path) -> None:
    excel = _button_excel(demo_workbook)
    rows = post(excel, {CLEAN_PARTIAL})
    before = [list(excel.sheet_named("单据")["values"][index]) for index in rows]
    register = excel.sheet_named("登记表")["values"]
    for line in register:
        if line[0] in (CLEAN_PARTIAL, CLEAN_RESHIP):
            line[:] = [""] * len(line)  # the rows cleared (moved to an archive)
    excel.run(generate_vouchers)
    values = excel.sheet_named("单据")["values"]
    assert [list(values[index]) for index in rows] == before
    assert not [line for line in values if line and line[3] == CLEAN_RESHIP]
    summary = log_lines(excel)[-1][2]
    assert "voucher-orphaned" in summary and CLEAN_PARTIAL in summary
