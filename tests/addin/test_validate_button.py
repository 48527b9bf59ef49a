"""The 校验 button on xlwings' remote engine (the engine inside xlwings Lite): a real register .xlsx
becomes the payload Office.js sends, the script runs, and its actions are applied like Excel would."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.table import Table

from addin.scripts import validate_register
from aftersales.columns import BY_KEY, COLUMNS, INPUT_COLUMNS, column_letter
from aftersales.demo import demo_now, demo_rows
from tests.addin.payload import Excel, payload_from_xlsx
from tests.domain import valid_row
from workbook.template import build_register_workbook, demo_register_workbook

NOW = demo_now()
RED, YELLOW = "#FFC7CE", "#FFEB9C"
REGISTER = "登记表"
INPUT_INDEXES = {COLUMNS.index(column) for column in INPUT_COLUMNS}


def letter(key: str) -> str:
    return column_letter(COLUMNS.index(BY_KEY[key]))


def excel_for(path: Path) -> Excel:
    return Excel(payload_from_xlsx(path, clock=NOW), clock=NOW)


@pytest.fixture()
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "register.xlsx"
    demo_register_workbook().save(path)
    return path


def register_writes(actions: list[dict]) -> list[dict]:  # type: ignore[type-arg]
    return [a for a in actions if a["func"] == "setValues" and a["sheet_position"] == 0]


def test_first_run_fills_the_output_columns(demo: Path) -> None:
    excel = excel_for(demo)
    excel.run(validate_register)
    # Row 5 holds the 19-digit order number typed as a number (demo mistakes).
    assert excel.value(REGISTER, f"{letter('check')}5").startswith("[order-id-as-number]")
    assert excel.value(REGISTER, f"{letter('recommended')}2")
    assert excel.value(REGISTER, f"{letter('deadline')}2") == "2026-11-21 18:00:00"
    ceilings = [excel.value(REGISTER, f"{letter('ceiling')}{row}") for row in range(2, 64)]
    assert all(isinstance(c, float) or c == "" for c in ceilings) and any(c for c in ceilings)
    assert excel.value(REGISTER, f"{letter('check')}200") == ""  # formatted but empty table rows stay blank


def test_only_output_columns_and_blank_ids_are_written(demo: Path) -> None:
    before = payload_from_xlsx(demo)["sheets"][0]["values"]
    excel = excel_for(demo)
    actions = excel.run(validate_register)
    outputs = {COLUMNS.index(BY_KEY[key]) for key in ("recommended", "ceiling", "deadline", "check")}
    for action in register_writes(actions):
        columns = set(range(action["start_column"], action["start_column"] + action["column_count"]))
        assert columns <= outputs or columns == {0}, action
    after = excel.sheet_named(REGISTER)["values"]
    changed = {(r, c) for r, row in enumerate(before) for c, value in enumerate(row)
               if c in INPUT_INDEXES and after[r][c] != value}
    assert changed == {(41, 0)}  # Excel row 42: the blank 售后单号, now numbered
    assert re.fullmatch(r"SH20261121-\d{3}", after[41][0])
    ids = [row[0] for row in after[1:63]]
    assert len(set(ids)) == len(ids)


def test_issue_cells_are_coloured_by_severity(demo: Path) -> None:
    excel = excel_for(demo)
    excel.run(validate_register)
    assert excel.colours[(REGISTER, f"{letter('order_id')}5")] == RED  # order-id-as-number, 19 digits
    assert excel.colours[(REGISTER, f"{letter('order_id')}10")] == YELLOW  # 15 digits: a warning
    assert excel.colours[(REGISTER, f"{letter('check')}5")] == RED  # the row's 校验 cell: its worst
    coloured_rows = {int(re.sub(r"\D", "", cell)) for _, cell in excel.colours}
    assert 2 not in coloured_rows  # a correct row keeps its fill


def test_running_again_changes_nothing(demo: Path) -> None:
    excel = excel_for(demo)
    excel.run(validate_register)
    register = [list(row) for row in excel.sheet_named(REGISTER)["values"]]
    colours = dict(excel.colours)
    second = excel.run(validate_register)
    assert excel.sheet_named(REGISTER)["values"] == register
    assert excel.colours == colours  # the colours are sent again (to heal pasted rows), to the same result
    assert not [a for a in second if a["func"] == "addSheet"]
    assert not [a for a in second if a["sheet_position"] == 8 and a["func"] == "setValues"]  # state unchanged
    assert not [a for a in register_writes(second) if a["start_column"] == 0]  # no id written again
    log = [row for row in excel.sheet_named("操作记录")["values"][1:] if row[0]]
    assert [row[1] for row in log] == ["校验", "校验"]
    assert log[0][2] == log[1][2] + "；新编号 1 个"  # the same findings; nothing left to number


def test_fixing_a_cell_clears_only_its_own_colour(demo: Path) -> None:
    excel = excel_for(demo)
    excel.colours[(REGISTER, "B2")] = "#00B050"  # the user's own fill
    excel.run(validate_register)
    order = letter("order_id")
    assert excel.colours[(REGISTER, f"{order}5")] == RED
    row = excel.sheet_named(REGISTER)["values"][4]
    row[COLUMNS.index(BY_KEY["order_id"])] = "126112185119826213"  # typed again, as text
    actions = excel.run(validate_register)
    assert (REGISTER, f"{order}5") not in excel.colours
    assert excel.colours[(REGISTER, "B2")] == "#00B050"
    touched = [a for a in actions if a["func"] == "setRangeColors"]
    assert all(a["start_column"] != 1 for a in touched)  # column B never touched


KEYS = [c.key for c in INPUT_COLUMNS]


def plain_register(path: Path, rows: list[list[object]], extra_header: tuple[str, ...] = (),
                   table: bool = False) -> Path:
    """A register someone made themselves: the catalogue's input headers (and their own), no template."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = REGISTER
    sheet.append([*(BY_KEY[k].header for k in KEYS), *extra_header])
    for row in rows:
        sheet.append(row)
    if table:
        sheet.add_table(Table(displayName="Register", ref=f"A1:{column_letter(len(KEYS) + len(extra_header) - 1)}"
                                                           f"{len(rows) + 1}"))
    book.save(path)
    return path


def test_a_register_without_output_columns_gets_them_after_its_last_column(tmp_path: Path) -> None:
    keys = KEYS
    path = plain_register(tmp_path / "own.xlsx", [[*(valid_row().get(k) for k in keys), "旗舰店"]], ("店铺",),
                          table=True)

    excel = excel_for(path)
    actions = excel.run(validate_register)
    first_new = len(keys) + 1  # after the user's own 店铺 column
    header = excel.sheet_named(REGISTER)["values"][0]
    assert header[first_new : first_new + 4] == ["推荐方案", "补偿上限", "截止时间", "校验"]
    assert header[len(keys)] == "店铺"
    assert excel.sheet_named(REGISTER)["values"][1][len(keys)] == "旗舰店"
    resize = [a for a in actions if a["func"] == "resizeTable"]
    assert [a["args"][1].replace("$", "") for a in resize] == [f"A1:{column_letter(first_new + 3)}2"]
    assert excel.value(REGISTER, f"{column_letter(first_new)}2") == "部分退款（可选：退货退款）"


def test_state_sheet_is_created_hidden_when_a_register_lacks_it(tmp_path: Path) -> None:
    # Over the ceiling: a cell to colour.
    path = plain_register(tmp_path / "plain.xlsx", [[valid_row(amount=99).get(k) for k in KEYS]])
    excel = excel_for(path)
    actions = excel.run(validate_register)
    assert "_aftersales" in excel.hidden
    assert ("登记表", f"{letter('amount')}2") in excel.colours
    assert [a["values"] for a in actions if a["func"] == "setFormula"] == [[["=NOW()"]]]


def test_workbook_without_a_register_gets_a_message_not_a_traceback(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    assert book.active is not None
    book.active.append(["产品", "库存"])
    path = tmp_path / "other.xlsx"
    book.save(path)
    excel = excel_for(path)
    excel.run(validate_register)
    assert excel.alerts and "找不到登记表" in excel.alerts[0]
    log = excel.sheet_named("操作记录")["values"]
    assert log[0] == ["时间", "按钮", "摘要"] and "找不到登记表" in log[1][2]


def test_the_workbook_clock_decides_what_is_overdue(demo: Path) -> None:
    early = Excel(payload_from_xlsx(demo, clock=datetime(2026, 11, 21, 17, 0)))
    early.run(validate_register)
    late = excel_for(demo)
    late.run(validate_register)
    check = letter("check")
    overdue = [r for r in range(2, 64) if "[solution-overdue]" in str(late.value(REGISTER, f"{check}{r}"))]
    assert overdue and not [r for r in overdue if "[solution-overdue]" in str(early.value(REGISTER, f"{check}{r}"))]


def _register_of(rows: int, path: Path) -> Path:
    day = demo_rows()

    def row(i: int) -> dict[str, object]:
        base = dict(day[i % len(day)])
        if base.get("case_id") or i >= len(day):  # one blank 售后单号, as in the demo day
            base["case_id"] = f"SH20261121-{i + 1:05d}"
        # Every row its own order, keeping the demo's order numbers typed as numbers (19 and 15 digits).
        kind = {3: float(10**18 + i * 1000), 8: 10**14 + i}
        base["order_id"] = kind.get(i % len(day), f"{100000000000000000 + i}")
        base["buyer"] = f"买家{i}"
        return base

    build_register_workbook(row(i) for i in range(rows)).save(path)
    return path


def test_sheet_calls_stay_bounded_as_the_register_grows(tmp_path: Path) -> None:
    """Values in a constant number of calls; colours in blocks of at most 10,000 cells, neighbouring
    columns sharing a block when that costs no more calls — never more than one call per coloured
    column of up to 10,000 rows (issue 15 item 9)."""
    small = excel_for(_register_of(62, tmp_path / "small.xlsx")).run(validate_register)
    large = excel_for(_register_of(5000, tmp_path / "large.xlsx")).run(validate_register)

    def others(actions: list[dict[str, object]]) -> list[object]:
        return [a["func"] for a in actions if a["func"] != "setRangeColors"]

    assert others(large) == others(small)
    colours = [a for a in large if a["func"] == "setRangeColors"]
    coloured_columns = {(a["start_column"] + c) for a in colours for line in a["args"][0]
                        for c, colour in enumerate(line) if colour != "keep"}
    assert len(colours) <= len(coloured_columns)
    assert all(sum(len(line) for line in a["args"][0]) <= 10_000 for a in colours)
    assert len(large) <= 40 and len([a for a in small if a["func"] == "setRangeColors"]) == 1


def test_scattered_blank_ids_are_all_numbered_in_one_click_and_one_write(tmp_path: Path) -> None:
    """Issue 15 item 9: every blank id in one press, one write however scattered (each separate write
    makes Excel's engine rescan the sheet); the ids between are written back as they were, text as text."""
    rows = [[valid_row(case_id=None if i % 2 else f"'00{i:04d}", order_id=f"{10**17 + i}", buyer=f"b{i}").get(k)
             for k in KEYS] for i in range(130)]
    excel = excel_for(plain_register(tmp_path / "ids.xlsx", rows))
    before = [list(r) for r in excel.sheet_named(REGISTER)["values"]]
    actions = excel.run(validate_register)
    id_writes = [a for a in register_writes(actions) if a["start_column"] == 0]
    assert len(id_writes) == 1
    after = excel.sheet_named(REGISTER)["values"]
    assert all(after[r][0] == before[r][0] for r in range(1, 131) if before[r][0])  # '000123 stays '000123
    assert all(row[0] for row in after[1:131])
    log = excel.sheet_named("操作记录")["values"][1][2]
    assert "新编号 65 个" in log and "再按一次" not in log


def test_a_few_blank_ids_are_written_cell_by_cell(tmp_path: Path) -> None:
    rows = [[valid_row(case_id=None if i in (3, 40) else f"SH20261121-{i:03d}", order_id=f"{10**17 + i}",
                       buyer=f"b{i}").get(k) for k in KEYS] for i in range(60)]
    excel = excel_for(plain_register(tmp_path / "few.xlsx", rows))
    id_writes = [a for a in register_writes(excel.run(validate_register)) if a["start_column"] == 0]
    assert [a["row_count"] for a in id_writes] == [1, 1]  # only the blank cells themselves


def test_an_unrecognised_header_gets_nothing_written(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = REGISTER
    sheet.append(["XX店售后"])
    sheet.append(["编号", "日期", "订单编号", "顾客", "问题"])
    sheet.append(["1", "11-21", "123456789012", "张三", "破了"])
    path = tmp_path / "odd.xlsx"
    book.save(path)
    excel = excel_for(path)
    actions = excel.run(validate_register)
    assert not [a for a in actions if a["sheet_position"] == 0]  # the register sheet untouched
    assert excel.alerts and "找不到登记表的表头" in excel.alerts[0]


def test_outputs_go_right_of_data_that_reaches_past_the_header(tmp_path: Path) -> None:
    rows = [[*(valid_row().get(k) for k in KEYS), None, "备用列的内容"]]
    excel = excel_for(plain_register(tmp_path / "wide.xlsx", rows))
    excel.run(validate_register)
    values = excel.sheet_named(REGISTER)["values"]
    assert values[1][len(KEYS) + 1] == "备用列的内容"
    assert values[0][len(KEYS) + 2 : len(KEYS) + 6] == ["推荐方案", "补偿上限", "截止时间", "校验"]


def test_excel_error_cells_are_reported_not_taken_for_blanks(tmp_path: Path) -> None:
    path = plain_register(tmp_path / "errors.xlsx", [[valid_row().get(k) for k in KEYS]])
    payload = payload_from_xlsx(path, clock=NOW)
    payload["sheets"][0]["values"][1][KEYS.index("case_id")] = "#REF!"
    payload["sheets"][0]["values"][1][KEYS.index("paid_amount")] = "#N/A"
    excel = Excel(payload, clock=NOW)
    actions = excel.run(validate_register)
    assert not [a for a in register_writes(actions) if a["start_column"] == 0]  # not renumbered
    check = excel.value(REGISTER, f"{column_letter(len(KEYS) + 3)}2")
    assert "[excel-error] 售后单号单元格是 Excel 错误值 #REF!" in check
    assert "[excel-error] 实付金额单元格是 Excel 错误值 #N/A" in check


def test_a_fixed_output_cell_goes_back_to_grey(demo: Path) -> None:
    excel = excel_for(demo)
    excel.run(validate_register)
    excel.sheet_named(REGISTER)["values"][4][COLUMNS.index(BY_KEY["order_id"])] = "126112185119826213"
    excel.run(validate_register)
    assert excel.colours.get((REGISTER, f"{letter('check')}5")) == "#D9D9D9"
    assert (REGISTER, f"{letter('order_id')}5") not in excel.colours  # an input cell: no fill


def test_sorted_rows_keep_their_colours_and_a_users_fill_is_left_alone(demo: Path) -> None:
    excel = excel_for(demo)
    excel.run(validate_register)
    order = letter("order_id")
    values = excel.sheet_named(REGISTER)["values"]
    moved = values.pop(4)  # row 5 (the 19-digit order number) sorted to the end of the cases
    values.insert(62, moved)
    colours = {}
    for (sheet, cell), colour in excel.colours.items():  # fills move with their rows, as in Excel
        row = int(re.sub(r"\D", "", cell))
        row = 63 if row == 5 else (row - 1 if 5 < row <= 63 else row)
        colours[(sheet, f"{re.sub(r'[0-9]', '', cell)}{row}")] = colour
    excel.colours = colours
    excel.colours[(REGISTER, f"{order}5")] = "#00B050"  # the user's own fill on the new row 5
    excel.run(validate_register)
    assert excel.colours[(REGISTER, f"{order}5")] == "#00B050"
    assert excel.colours[(REGISTER, f"{order}63")] == RED


def test_a_pasted_over_fill_comes_back(demo: Path) -> None:
    excel = excel_for(demo)
    excel.run(validate_register)
    del excel.colours[(REGISTER, f"{letter('order_id')}5")]  # a paste took the fill away
    excel.run(validate_register)
    assert excel.colours[(REGISTER, f"{letter('order_id')}5")] == RED


def test_remembered_cells_of_a_deleted_sheet_are_skipped(demo: Path) -> None:
    excel = excel_for(demo)
    state = excel.sheet_named("_aftersales")["values"]
    state.append(["已删除的表", "A1", "#FFC7CE", "", ""])
    excel.run(validate_register)
    log = excel.sheet_named("操作记录")["values"][1][2]
    assert "颜色未更新" not in log and "内部错误" not in log


def test_values_and_the_log_line_come_before_the_colours(demo: Path) -> None:
    """A client that rejects one action loses the later ones: the colours go last (issue 15 item 4)."""
    from addin.scripts import end_of_day

    excel = Excel(payload_from_xlsx(demo, clock=NOW), clock=NOW)
    for script, label in ((validate_register, "校验"), (end_of_day, "日结")):
        actions = excel.run(script)
        kinds = [a["func"] for a in actions]
        log = max(i for i, a in enumerate(actions) if a["func"] == "setValues" and len(a["values"][-1]) == 3
                  and a["values"][-1][1] == label)
        assert "setRangeColors" in kinds
        assert all(i > log for i, kind in enumerate(kinds) if kind in ("setRangeColors", "addChart")), kinds
