"""The register workbook the builder writes (issue 3): driven by the catalogues, ready for a day's work."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from aftersales.columns import BY_KEY, COLUMNS, Kind, column_letter
from aftersales.issues import CATALOGUE
from aftersales.policy import DEFAULT_POLICY, PARAMS, parse_policy
from aftersales.sheets import LOG_HEADERS, PENDING_HEADERS, REFUND_HEADERS, VOUCHER_HEADERS
from workbook.cli import main
from workbook.reader import read_register
from workbook.template import (
    DAY_END_NAME,
    FORMATTED_ROWS,
    HELP_SHEET,
    MONEY_FORMAT,
    TABLE_NAME,
    build_register_workbook,
    overdue_formula,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "register.xlsx"
    build_register_workbook().save(path)
    return path


@pytest.fixture(scope="module")
def register(template: Path) -> Worksheet:
    return openpyxl.load_workbook(template)["登记表"]


def letter(key: str) -> str:
    return column_letter(COLUMNS.index(BY_KEY[key]))


def test_sheets(template: Path) -> None:
    assert openpyxl.load_workbook(template).sheetnames == [
        "登记表", "说明", "政策", "单据", "退款表", "待处理", "日结", "操作记录", "_aftersales"
    ]
    assert openpyxl.load_workbook(template)["_aftersales"].sheet_state == "hidden"


def test_register_headers_are_inputs_then_grey_outputs(register: Worksheet) -> None:
    assert [cell.value for cell in register[1]] == [column.header for column in COLUMNS]
    outputs = [i for i, c in enumerate(COLUMNS) if c.output]
    assert outputs == list(range(len(COLUMNS) - 4, len(COLUMNS)))
    for index in outputs:
        assert register.cell(row=1, column=index + 1).fill.fgColor.rgb.endswith("D9D9D9")
        assert register.cell(row=2, column=index + 1).fill.fgColor.rgb.endswith("D9D9D9")


def test_register_is_a_table_with_a_frozen_header(register: Worksheet) -> None:
    table = register.tables[TABLE_NAME]
    assert table.ref == f"A1:{column_letter(len(COLUMNS) - 1)}{FORMATTED_ROWS + 1}"
    assert register.freeze_panes == "B2"
    assert all(register.column_dimensions[column_letter(i)].width >= 7 for i in range(len(COLUMNS)))


@pytest.mark.parametrize(
    ("key", "number_format"),
    [("paid_amount", MONEY_FORMAT), ("amount", "¥#,##0.00"), ("freight_refund", "¥#,##0.00"),
     ("registered_at", "yyyy-mm-dd hh:mm"), ("resolved_at", "yyyy-mm-dd hh:mm"), ("order_id", "@"),
     ("payee_account", "@"), ("qty", "0")],
)
def test_number_formats(register: Worksheet, key: str, number_format: str) -> None:
    assert register[f"{letter(key)}2"].number_format == number_format
    assert register[f"{letter(key)}{FORMATTED_ROWS + 1}"].number_format == number_format


def test_every_choice_column_has_a_dropdown_with_chinese_prompt_and_alert(register: Worksheet) -> None:
    validations = {str(v.sqref): v for v in register.data_validations.dataValidation}
    for column in COLUMNS:
        if column.kind is not Kind.CHOICE:
            continue
        assert column.choices is not None
        validation = validations[f"{letter(column.key)}2:{letter(column.key)}{FORMATTED_ROWS + 1}"]
        assert validation.type == "list"
        assert validation.formula1.strip('"').split(",") == list(column.choices.labels)
        assert validation.showInputMessage and validation.promptTitle == column.header
        assert validation.showErrorMessage and "请从下拉列表选择" in validation.error
        assert validation.errorStyle == "warning"  # aliases such as 破损 still go in


def test_overdue_rows_are_shaded_by_a_formula_alone(register: Worksheet) -> None:
    rules = [(str(cf.sqref), rule) for cf in register.conditional_formatting for rule in cf.rules]
    assert len(rules) == 1
    cells, rule = rules[0]
    assert cells == f"A2:{column_letter(len(COLUMNS) - 1)}{FORMATTED_ROWS + 1}"
    assert rule.type == "expression"
    assert rule.formula == [overdue_formula(2)]
    assert "NOW()" in rule.formula[0] and DAY_END_NAME in rule.formula[0]


def test_day_end_name_points_at_the_policy_sheet(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    definition = book.defined_names[DAY_END_NAME].attr_text
    assert "'政策'!$B$2" in definition
    assert book["政策"]["A2"].value == "下班时间"


def test_policy_sheet_lists_every_key_with_default_and_explanation(template: Path) -> None:
    sheet = openpyxl.load_workbook(template)["政策"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("参数", "值", "说明")
    assert [row[0] for row in rows[1:]] == [p.name for p in PARAMS]
    assert all(row[2] for row in rows[1:])
    assert sheet["B2"].value == time(18, 0) and sheet["B2"].number_format == "hh:mm"
    assert parse_policy([list(row) for row in rows]) == (DEFAULT_POLICY, [])


def test_policy_values_with_a_fixed_set_or_range_are_validated(template: Path) -> None:
    sheet = openpyxl.load_workbook(template)["政策"]
    by_cell = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    row_of = {p.key: index + 2 for index, p in enumerate(PARAMS)}
    assert by_cell[f"B{row_of['damage_minor_basis']}"].type == "list"
    assert by_cell[f"B{row_of['day_end']}"].type == "time"
    assert by_cell[f"B{row_of['no_reason_days']}"].type == "whole"
    assert by_cell[f"B{row_of['short_refund_max']}"].type == "decimal"
    assert f"B{row_of['order_id_pattern']}" not in by_cell  # free text (a pattern)


def test_help_sheet_explains_use_and_lists_the_catalogue(template: Path) -> None:
    sheet = openpyxl.load_workbook(template)[HELP_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    text = " ".join(str(v) for row in rows for v in row if v)
    for words in ("校验", "AS_RECOMMEND", "aftersales check", "政策", "下班时间"):
        assert words in text
    header = rows.index(("代码", "级别", "名称", "何时出现", "提示示例"))
    assert [row[0] for row in rows[header + 1:]] == list(CATALOGUE)


@pytest.mark.parametrize(
    ("sheet", "headers"),
    [("单据", VOUCHER_HEADERS), ("退款表", REFUND_HEADERS), ("待处理", PENDING_HEADERS), ("操作记录", LOG_HEADERS)],
)
def test_output_sheets_have_their_headers(template: Path, sheet: str, headers: tuple[str, ...]) -> None:
    assert next(openpyxl.load_workbook(template)[sheet].iter_rows(values_only=True)) == headers


def test_spec_headers_of_the_output_sheets() -> None:
    assert VOUCHER_HEADERS == ("单据号", "单据类型", "日期", "售后单号", "订单号", "货号", "数量", "金额", "摘要", "状态",
                               "冲销单号")
    assert REFUND_HEADERS[0] == "批次号" and PENDING_HEADERS[-1] == "原因" and "批次号" not in PENDING_HEADERS


def test_blank_template_is_an_empty_register(template: Path) -> None:
    register = read_register(template)
    assert (register.raw.sheet, register.raw.header_row, register.raw.rows) == ("登记表", 1, [])
    assert (register.policy, register.policy_issues) == (DEFAULT_POLICY, [])


def test_new_refuses_an_unwritable_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "/proc/aftersales-test.xlsx"]) == 2
    assert main(["new", "/proc/no-such-folder/x.xlsx"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 2 and "Traceback" not in err
    assert "内部错误" not in err and "无法写入" in err and "文件夹不存在" in err
