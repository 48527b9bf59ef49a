"""The register template: 登记表 (a table named Register, driven by the column catalogue), 政策 and 说明.

Everything here comes from the catalogues in `aftersales/`: columns, choice lists, policy
parameters and the issue catalogue, so the template cannot drift from the rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from aftersales.columns import COLUMNS, Column, Kind, column_letter
from aftersales.issues import CATALOGUE, SEVERITY_LABEL
from aftersales.policy import DEFAULT_POLICY, PARAMS, POLICY_SHEET, policy_value_text
from workbook.reader import REGISTER_SHEET

TABLE_NAME = "Register"
HELP_SHEET = "说明"
OUTPUT_FILL = PatternFill("solid", fgColor="D9D9D9")
HEADER_FONT = Font(bold=True)
NUMBER_FORMATS = {
    Kind.ORDER_ID: "@",
    Kind.DATETIME: "yyyy-mm-dd hh:mm",
    Kind.MONEY: "0.00",
    Kind.INTEGER: "0",
}
WIDTHS = {Kind.ORDER_ID: 22, Kind.DATETIME: 17, Kind.TEXT: 14, Kind.MONEY: 10, Kind.INTEGER: 8, Kind.CHOICE: 12}
FORMATTED_ROWS = 500
"""Rows below the header that get number formats and dropdowns in a blank template."""


def _register_sheet(sheet: Worksheet, rows: Iterable[Mapping[str, object]]) -> None:
    sheet.append([column.header for column in COLUMNS])
    count = 0
    for values in rows:
        sheet.append([values.get(column.key) for column in COLUMNS])
        count += 1
    last_row = max(count, 1) + 1
    formatted_to = max(last_row, FORMATTED_ROWS + 1)
    for index, column in enumerate(COLUMNS):
        letter = column_letter(index)
        header = sheet.cell(row=1, column=index + 1)
        header.font = HEADER_FONT
        header.alignment = Alignment(horizontal="center")
        if column.output:
            header.fill = OUTPUT_FILL
        sheet.column_dimensions[letter].width = 40 if column.key == "check" else WIDTHS[column.kind]
        _format_column(sheet, index, column, formatted_to)
        if column.choices is not None:
            validation = DataValidation(
                type="list", formula1='"' + ",".join(column.choices.labels) + '"', allow_blank=True,
                showErrorMessage=False,
            )
            validation.add(f"{letter}2:{letter}{formatted_to}")
            sheet.add_data_validation(validation)
    table = Table(displayName=TABLE_NAME, ref=f"A1:{column_letter(len(COLUMNS) - 1)}{last_row}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    sheet.add_table(table)
    sheet.freeze_panes = "B2"


def _format_column(sheet: Worksheet, index: int, column: Column, last_row: int) -> None:
    number_format = NUMBER_FORMATS.get(column.kind)
    for row in range(2, last_row + 1):
        cell = sheet.cell(row=row, column=index + 1)
        if number_format and not (column.kind is Kind.ORDER_ID and isinstance(cell.value, int | float)):
            cell.number_format = number_format
        if isinstance(cell.value, date) and not isinstance(cell.value, datetime):
            cell.number_format = "yyyy-mm-dd"
        if column.output:
            cell.fill = OUTPUT_FILL


def _policy_sheet(sheet: Worksheet) -> None:
    sheet.append(["参数", "值", "说明"])
    for param in PARAMS:
        sheet.append([param.name, policy_value_text(param.key, DEFAULT_POLICY), param.description])
    for cell in sheet[1]:
        cell.font = HEADER_FONT
    for row in range(2, len(PARAMS) + 2):
        sheet.cell(row=row, column=2).number_format = "@"
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["C"].width = 60


def _help_sheet(sheet: Worksheet) -> None:
    """The issue catalogue, generated from the code (SPEC §6)."""
    sheet.append(["代码", "级别", "名称", "何时出现", "提示示例"])
    for spec in CATALOGUE.values():
        sheet.append([spec.code, SEVERITY_LABEL[spec.severity], spec.title, spec.when, spec.template])
    for cell in sheet[1]:
        cell.font = HEADER_FONT
    for letter, width in zip("ABCDE", (26, 8, 18, 48, 80), strict=True):
        sheet.column_dimensions[letter].width = width


def build_register_workbook(rows: Iterable[Mapping[str, object]] = ()) -> Workbook:
    """A register workbook: 登记表 holding `rows` (key → cell value), 政策 with defaults, and 说明."""
    book = Workbook()
    register = book.active
    assert register is not None
    register.title = REGISTER_SHEET
    _register_sheet(register, rows)
    _policy_sheet(book.create_sheet(POLICY_SHEET))
    _help_sheet(book.create_sheet(HELP_SHEET))
    return book
