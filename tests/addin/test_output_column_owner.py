"""The 校验 button never writes over a user's own column that happens to be named like one of its
output columns (issue 12 item 11): 校验, 截止时间, " 校验 " … It takes over a column only when it is
empty, recorded in the state sheet as its own, or (registers it filled before keeping that record)
the four output columns side by side holding only what it writes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from addin.scripts import validate_register
from aftersales.columns import column_letter
from aftersales.output_owner import foreign_output_columns, written_by_us
from tests.addin.test_validate_button import KEYS, REGISTER, excel_for, plain_register
from tests.addin.test_voucher_refund_buttons import log_lines
from tests.domain import valid_row

OWN = len(KEYS)  # 0-based index of the user's own column, right after the catalogue's inputs


def _row(**overrides: object) -> list[object]:
    return [valid_row(**overrides).get(k) for k in KEYS]


@pytest.mark.parametrize(("header", "value"), [("校验", "已核对"), (" 校验 ", "老王看过"),
                                               ("截止时间", datetime(2026, 11, 25, 12, 0))])
def test_a_users_own_column_is_left_alone_and_named(tmp_path: Path, header: str, value: object) -> None:
    path = plain_register(tmp_path / "own.xlsx", [[*_row(amount=99), value]], (header,))
    excel = excel_for(path)
    before = excel.sheet_named(REGISTER)["values"][1][OWN]
    excel.run(validate_register)
    values = excel.sheet_named(REGISTER)["values"]
    assert values[1][OWN] == before  # the user's cell, unchanged
    letter = column_letter(OWN)
    assert (REGISTER, f"{letter}2") not in excel.colours  # not coloured either
    appended = values[0][OWN + 1:]
    assert header.strip() not in appended and len([h for h in appended if h]) == 3  # the other three were added
    assert excel.alerts and f"（{letter}）" in excel.alerts[-1]
    assert f"（{letter}）" in log_lines(excel)[-1][2] and "改个名字" in log_lines(excel)[-1][2]


def test_an_empty_column_of_that_name_is_taken_over_and_remembered(tmp_path: Path) -> None:
    path = plain_register(tmp_path / "own.xlsx", [[*_row(amount=99), None]], ("校验",))
    excel = excel_for(path)
    excel.run(validate_register)
    assert str(excel.sheet_named(REGISTER)["values"][1][OWN]).startswith("[over-ceiling]")
    assert not excel.alerts
    state = excel.sheet_named("_aftersales")["values"]
    assert ["登记表", "校验", column_letter(OWN)] in [[str(c) for c in line[18:21]] for line in state]
    # Its own column from now on: someone typing into it does not make it theirs.
    excel.sheet_named(REGISTER)["values"][1][OWN] = "我看过了"
    excel.run(validate_register)
    assert str(excel.sheet_named(REGISTER)["values"][1][OWN]).startswith("[over-ceiling]")


def test_a_register_the_add_in_filled_before_it_kept_a_record_is_still_its_own(tmp_path: Path) -> None:
    outputs = ["部分退款（可选：退货退款）", 20.0, datetime(2026, 11, 21, 18, 0), "[over-ceiling] 金额 99 超过…"]
    path = plain_register(tmp_path / "old.xlsx", [[*_row(amount=99), *outputs]], ("推荐方案", "补偿上限", "截止时间", "校验"))
    excel = excel_for(path)
    excel.run(validate_register)
    assert not excel.alerts
    written = str(excel.sheet_named(REGISTER)["values"][1][OWN + 3])
    assert written.startswith("[over-ceiling]") and written != outputs[3]


def test_the_template_columns_are_the_add_ins(tmp_path: Path) -> None:
    from workbook.template import demo_register_workbook

    path = tmp_path / "register.xlsx"
    demo_register_workbook().save(path)
    excel = excel_for(path)
    excel.run(validate_register)
    assert not excel.alerts


@pytest.mark.parametrize(("key", "value", "ours"), [
    ("recommended", "部分退款", True), ("recommended", "部分退款（可选：退货退款、换货）", True),
    ("recommended", "先问主管", False), ("check", "[over-ceiling] 金额…", True), ("check", "[我的] 备注", False),
    ("check", "ok", False), ("ceiling", 12.5, True), ("ceiling", "12", False), ("deadline", 46347.75, True),
    ("deadline", "明天", False), ("check", "", True), ("check", None, True),
])
def test_what_the_add_in_writes(key: str, value: object, ours: bool) -> None:
    assert written_by_us(key, value) is ours


def test_foreign_columns_by_rule() -> None:
    columns = {"recommended": 5, "ceiling": 6, "deadline": 7, "check": 8}
    ours = [["", "", "", "", "部分退款", 20.0, 46347.75, "[over-ceiling] x"]]
    assert foreign_output_columns("登记表", ours, columns, set()) == {}  # side by side, our content
    theirs = [["", "", "", "", "部分退款", 20.0, 46347.75, "已核对"]]
    assert foreign_output_columns("登记表", theirs, columns, set()) == {"check": "H"}
    apart = {"recommended": 5, "ceiling": 6, "deadline": 2, "check": 8}
    assert foreign_output_columns("登记表", [["", datetime(2026, 1, 1)]], apart, set()) == {"deadline": "B"}
    assert foreign_output_columns("登记表", [["", datetime(2026, 1, 1)]], apart, {("登记表", "截止时间", "B")}) == {}


def test_other_register_sheets_are_named_in_the_log(tmp_path: Path) -> None:
    import openpyxl

    path = plain_register(tmp_path / "months.xlsx", [_row()])
    book = openpyxl.load_workbook(path)
    december = book.create_sheet("12月")
    for line in book[REGISTER].iter_rows(values_only=True):
        december.append(list(line))
    book.save(path)
    excel = excel_for(path)
    excel.run(validate_register)
    assert "other-register-sheets" in log_lines(excel)[-1][2] and "12月" in log_lines(excel)[-1][2]
