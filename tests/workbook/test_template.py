"""The template is driven by the catalogues: columns, dropdowns, policy parameters and the help sheet."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from aftersales.columns import COLUMNS, Kind, column_letter
from aftersales.issues import CATALOGUE
from aftersales.policy import DEFAULT_POLICY, PARAMS, parse_policy
from workbook.reader import read_register
from workbook.template import HELP_SHEET, TABLE_NAME, build_register_workbook


def _saved(tmp_path: Path, rows=()) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "register.xlsx"
    build_register_workbook(rows).save(path)
    return path


def test_register_headers_table_and_formats_come_from_the_column_catalogue(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(_saved(tmp_path))
    sheet = book["登记表"]
    assert [cell.value for cell in sheet[1]] == [column.header for column in COLUMNS]
    assert sheet.tables[TABLE_NAME].ref.startswith("A1:")
    order_column = next(i for i, c in enumerate(COLUMNS) if c.kind is Kind.ORDER_ID)
    assert sheet[f"{column_letter(order_column)}2"].number_format == "@"  # order numbers stay text
    outputs = [i for i, c in enumerate(COLUMNS) if c.output]
    assert all(sheet.cell(row=1, column=i + 1).fill.fgColor.rgb.endswith("D9D9D9") for i in outputs)


def test_every_choice_column_has_its_dropdown(tmp_path: Path) -> None:
    sheet = openpyxl.load_workbook(_saved(tmp_path))["登记表"]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    for index, column in enumerate(COLUMNS):
        if column.choices is not None:
            formula = lists[f"{column_letter(index)}2"]
            assert formula.strip('"').split(",") == list(column.choices.labels)


def test_policy_sheet_reads_back_as_the_defaults(tmp_path: Path) -> None:
    path = _saved(tmp_path)
    register = read_register(path)
    assert register.policy == DEFAULT_POLICY
    assert register.policy_issues == []
    sheet = openpyxl.load_workbook(path)["政策"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [p.name for p in PARAMS]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert parse_policy(rows) == (DEFAULT_POLICY, [])


def test_help_sheet_is_generated_from_the_issue_catalogue(tmp_path: Path) -> None:
    sheet = openpyxl.load_workbook(_saved(tmp_path))[HELP_SHEET]
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == list(CATALOGUE)


def test_blank_template_is_an_empty_register(tmp_path: Path) -> None:
    register = read_register(_saved(tmp_path))
    assert register.raw.sheet == "登记表"
    assert register.raw.header_row == 1
    assert register.raw.rows == []
