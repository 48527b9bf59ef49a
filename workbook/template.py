"""The register workbook: one builder, driven by the catalogues in `aftersales/`, makes both
`aftersales new` and the committed template file (regenerate: `python -m workbook.template`).

Sheets: 登记表 (table `Register`, dropdowns, formats, a formula-only overdue shading that needs no
Python), 说明 (how to use it, and the issue catalogue), 政策 (every policy key with its default),
单据 / 退款表 / 待处理 / 日结 / 操作记录 (headers ready for the buttons).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from aftersales.columns import BY_KEY, COLUMNS, Column, Kind, column_letter
from aftersales.demo import DEMO_DAY, DEMO_POLICY, demo_rows
from aftersales.issues import CATALOGUE, SEVERITY_LABEL
from aftersales.policy import (
    DEFAULT_POLICY,
    MAX_DAYS,
    MAX_EXCHANGES,
    MAX_POLICY_MONEY,
    PARAMS,
    DamageBasis,
    Policy,
    PolicyParam,
    policy_value_text,
)
from aftersales.sheets import (
    EOD_SHEET,
    FORMULA_STARTS,
    HELP_SHEET,
    LOG_HEADERS,
    LOG_SHEET,
    OUTPUT_GREY,
    PENDING_HEADERS,
    PENDING_SHEET,
    POLICY_SHEET,
    REFUND_HEADERS,
    REFUND_SHEET,
    REGISTER_SHEET,
    STATE_HEADER_ROW,
    STATE_HEADERS,
    STATE_SHEET,
    VOUCHER_HEADERS,
    VOUCHER_SHEET,
)
from workbook.outputs import status_dropdown

TABLE_NAME = "Register"
TEMPLATE_PATH = Path(__file__).with_name("register_template.xlsx")
DAY_END_NAME = "AS_DAY_END"
"""Defined name: the policy's 下班时间 as a day fraction (18:00 when blank or unreadable)."""
FORMATTED_ROWS = 500
"""Rows below the header that a blank template formats (the table, dropdowns, shading)."""

HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
OUTPUT_FILL = PatternFill("solid", fgColor=OUTPUT_GREY)
OVERDUE_FILL = PatternFill("solid", fgColor="F8CBAD")
MONEY_FORMAT = "¥#,##0.00"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TEXT_FORMAT = "@"
NUMBER_FORMATS = {Kind.DATETIME: DATETIME_FORMAT, Kind.MONEY: MONEY_FORMAT, Kind.INTEGER: "0", Kind.ORDER_ID: TEXT_FORMAT}
TEXT_COLUMNS = frozenset({"order_id", "payee_account", "return_tracking", "tracking_no"})
"""Typed as text so 18–19 digit numbers keep every digit (Excel keeps 15 significant digits)."""
WIDTHS = {Kind.ORDER_ID: 22, Kind.DATETIME: 17, Kind.TEXT: 14, Kind.MONEY: 11, Kind.INTEGER: 7, Kind.CHOICE: 12}
WIDE = {"description": 28, "note": 20, "payee_account": 18, "recommended": 26, "check": 60, "deadline": 17}


def _letter(key: str) -> str:
    return column_letter(COLUMNS.index(BY_KEY[key]))


def day_end_definition() -> str:
    """The 政策 cell of 下班时间 as a day fraction; text like "18:00" works too, anything else is 18:00."""
    row = 2 + [p.key for p in PARAMS].index("day_end")
    cell = f"'{POLICY_SHEET}'!$B${row}"
    return f"IF(ISNUMBER({cell}),MOD({cell},1),IFERROR(TIMEVALUE({cell}),0.75))"


def deadline_formula(row: int) -> str:
    """Same-day deadline of a register row (SPEC §5): registered date at 下班时间, next day when later."""
    registered = f"${_letter('registered_at')}{row}"
    return (
        f"INT({registered})+IF(ROUND(MOD({registered},1)*1440,0)>ROUND({DAY_END_NAME}*1440,0),1,0)"
        f"+{DAY_END_NAME}"
    )


def overdue_formula(row: int) -> str:
    """TRUE when the row's deadline has passed with no 处理方案 and the case is not 已关闭."""
    registered = f"${_letter('registered_at')}{row}"
    resolution = f"${_letter('resolution')}{row}"
    status = f"${_letter('status')}{row}"
    return f'AND(ISNUMBER({registered}),{resolution}="",{status}<>"已关闭",NOW()>{deadline_formula(row)})'


def _choice_validation(column: Column, cells: str) -> DataValidation:
    assert column.choices is not None
    labels = column.choices.labels
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(labels) + '"',
        allow_blank=True,
        showInputMessage=True,
        promptTitle=column.header,
        prompt="请从下拉列表选择",
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="不在下拉选项中",
        error=f"「{column.header}」请从下拉列表选择：{'、'.join(labels)}。",
    )
    validation.add(cells)
    return validation


def _register_sheet(sheet: Worksheet, rows: Iterable[Mapping[str, object]]) -> None:
    sheet.append([column.header for column in COLUMNS])
    count = 0
    for values in rows:
        line = [values.get(column.key) for column in COLUMNS]
        sheet.append(line)
        count += 1
        for index, value in enumerate(line):
            if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                cell = sheet.cell(row=count + 1, column=index + 1)
                cell.data_type, cell.quotePrefix = "s", True  # text a person typed, never a formula
    last_row = max(count, FORMATTED_ROWS) + 1
    for index, column in enumerate(COLUMNS):
        letter = column_letter(index)
        header = sheet.cell(row=1, column=index + 1)
        header.font = HEADER_FONT
        header.alignment = Alignment(horizontal="center", vertical="center")
        if column.output:
            header.fill = OUTPUT_FILL
        sheet.column_dimensions[letter].width = WIDE.get(column.key, WIDTHS[column.kind])
        _format_column(sheet, index, column, last_row)
        if column.choices is not None:
            sheet.add_data_validation(_choice_validation(column, f"{letter}2:{letter}{last_row}"))
    last_letter = column_letter(len(COLUMNS) - 1)
    table = Table(displayName=TABLE_NAME, ref=f"A1:{last_letter}{last_row}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    sheet.add_table(table)
    sheet.conditional_formatting.add(
        f"A2:{last_letter}{last_row}", FormulaRule(formula=[overdue_formula(2)], fill=OVERDUE_FILL, stopIfTrue=False)
    )
    sheet.freeze_panes = "B2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = "1:1"


def _format_column(sheet: Worksheet, index: int, column: Column, last_row: int) -> None:
    number_format = TEXT_FORMAT if column.key in TEXT_COLUMNS else NUMBER_FORMATS.get(column.kind)
    for row in range(2, last_row + 1):
        cell = sheet.cell(row=row, column=index + 1)
        if isinstance(cell.value, date) and not isinstance(cell.value, datetime):
            cell.number_format = "yyyy-mm-dd"
        elif number_format and not (number_format == TEXT_FORMAT and isinstance(cell.value, int | float)):
            cell.number_format = number_format  # a number typed into a text column stays a number: as people do
        if column.output:
            cell.fill = OUTPUT_FILL


def _policy_value(param: PolicyParam, policy: Policy) -> object:
    value = getattr(policy, param.key)
    if isinstance(value, DamageBasis):
        return value.value
    if isinstance(value, bool | tuple):
        return policy_value_text(param.key, policy) or None  # 否; an empty list is a blank cell
    return value or None


def _policy_validation(param: PolicyParam) -> DataValidation | None:
    value = getattr(DEFAULT_POLICY, param.key)
    common = {"allow_blank": True, "showErrorMessage": True, "errorTitle": "政策值无效", "showInputMessage": True,
              "promptTitle": param.name, "prompt": param.description[:250]}
    if isinstance(value, DamageBasis):
        labels = [basis.value for basis in DamageBasis]
        return DataValidation(type="list", formula1='"' + ",".join(labels) + '"',
                              error=f"请选择：{'、'.join(labels)}", **common)
    if isinstance(value, time):
        return DataValidation(type="time", operator="between", formula1="0", formula2="0.999305555555556",
                              error="请填写时刻，如 18:00", **common)
    if isinstance(value, bool):
        return DataValidation(type="list", formula1='"是,否"', error="请选择：是 或 否", **common)
    if isinstance(value, str | tuple):
        return None
    if isinstance(value, int):
        top = MAX_EXCHANGES if param.key == "exchange_limit" else MAX_DAYS
        return DataValidation(type="whole", operator="between", formula1="0", formula2=str(top),
                              error=f"请填写 0 到 {top} 的整数", **common)
    return DataValidation(type="decimal", operator="between", formula1="0", formula2=str(MAX_POLICY_MONEY),
                          error=f"请填写 0 到 {MAX_POLICY_MONEY} 元的金额", **common)


def _policy_format(value: object) -> str:
    if isinstance(value, time):
        return "hh:mm"
    if isinstance(value, Decimal):
        return "0.00"
    return TEXT_FORMAT if isinstance(value, str | tuple | bool) else "General"


def _policy_sheet(sheet: Worksheet, policy: Policy) -> None:
    sheet.append(["参数", "值", "说明"])
    for row, param in enumerate(PARAMS, start=2):
        sheet.append([param.name, _policy_value(param, policy), param.description])
        cell = sheet.cell(row=row, column=2)
        value = getattr(DEFAULT_POLICY, param.key)
        cell.number_format = _policy_format(value)
        validation = _policy_validation(param)
        if validation is not None:
            validation.add(f"B{row}")
            sheet.add_data_validation(validation)
    for cell in sheet[1]:
        cell.font = HEADER_FONT
    for letter, width in zip("ABC", (20, 16, 64), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


USAGE = (
    ("登记", "每个售后一行，填在「登记表」里；下拉列可选，也认常用别名（如 破损、补偿）。订单号、收款账号列是文本格式，"
             "直接粘贴 18–19 位订单号不会丢位。标题行、自己加的列、列的顺序都可以改：按表头文字找列。"),
    ("当天方案", "登记当天 下班时间（政策表，默认 18:00）前必须给出方案；过了时间还没有处理方案、且不是已关闭的行会自动"
                 "标成橙色（不需要 Python）。"),
    ("按钮", "「校验」检查每一行、写推荐方案/补偿上限/截止时间/校验四列（灰色），并给有问题的单元格上色；"
             "「生成单据」「退款表」「日结」分别生成对应工作表。每次按按钮都会在「操作记录」记一行。"),
    ("函数", "AS_RECOMMEND(Register[#All])、AS_CEILING(Register[#All])、AS_CHECK(Register[#All], NOW())、"
             "AS_DEADLINE(Register[#All]) 整列返回结果；AS_RETURN_WINDOW_END(签收时间)、AS_SOLUTION_DEADLINE(登记时间)。"),
    ("选填列", "申请时间（买家在平台申请的时间，七天退换按它算）、运单号、运费险（是/否，有运费险不退运费）、"
               "收货时间（退回的货验收入库的时间，退款时限从它起算）、实收数量（与数量不符时先核实再退款）。"
               "没有这些列的旧登记表照常可用。"),
    ("审批", "超上限补偿和升级须由他人审批：审批人不能是本条的客服。请在「政策」表「审批人名单」填上可以审批的人"
             "（如 组长老周、张主管）；名单空着时，除本条客服外谁都算。"),
    ("命令行", "没有 Excel 也能用：aftersales check 登记表.xlsx（校验）、aftersales check 登记表.xlsx -o 已校验.xlsx"
               "（写一份和「校验」按钮结果一样的副本）、aftersales new 新登记表.xlsx（空白模板）、"
               "aftersales demo（示例）。命令行从不修改输入文件。"),
    ("政策", "「政策」表的值可按店铺规则修改；留空即用默认值；填错的值会在校验时报 policy-invalid，并按默认值运行。"),
)


def _help_sheet(sheet: Worksheet) -> None:
    """How to use the workbook, then the issue catalogue, generated from the code (SPEC §6)."""
    sheet.append(["售后登记表 使用说明"])
    sheet["A1"].font = TITLE_FONT
    for topic, text in USAGE:
        sheet.append([topic, text])
    sheet.append([])
    sheet.append(["校验问题代码（由程序的问题目录生成）"])
    sheet.cell(row=sheet.max_row, column=1).font = TITLE_FONT
    sheet.append(["代码", "级别", "名称", "何时出现", "提示示例"])
    for cell in sheet[sheet.max_row]:
        cell.font = HEADER_FONT
    for spec in CATALOGUE.values():
        sheet.append([spec.code, SEVERITY_LABEL[spec.severity], spec.title, spec.when, spec.template])
    for letter, width in zip("ABCDE", (26, 60, 18, 48, 80), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2, max_row=len(USAGE) + 1):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")


def _header_sheet(sheet: Worksheet, headers: Iterable[str]) -> None:
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        sheet.column_dimensions[cell.column_letter].width = 14
    sheet.freeze_panes = "A2"


def _eod_sheet(sheet: Worksheet) -> None:
    sheet.append(["日结"])
    sheet["A1"].font = TITLE_FONT
    sheet.append(["点「日结」按钮（或运行 aftersales eod）生成当天的报告：未当天给方案、返现、超上限、各客服汇总。"])


def _state_sheet(sheet: Worksheet) -> None:
    """The add-in's hidden sheet: Excel's clock for the buttons, and the cells they coloured."""
    sheet.sheet_state = "hidden"
    sheet["A1"] = "当前时间"
    sheet["B1"] = "=NOW()"
    sheet["B1"].number_format = "yyyy-mm-dd hh:mm:ss"
    for index, header in enumerate(STATE_HEADERS, start=1):
        sheet.cell(row=STATE_HEADER_ROW, column=index, value=header)


def build_register_workbook(rows: Iterable[Mapping[str, object]] = (), policy: Policy = DEFAULT_POLICY) -> Workbook:
    """A register workbook: 登记表 holding `rows` (column key → cell value), 政策 holding `policy`, and
    every other sheet."""
    book = Workbook()
    register = book.active
    assert register is not None
    register.title = REGISTER_SHEET
    _register_sheet(register, rows)
    _help_sheet(book.create_sheet(HELP_SHEET))
    _policy_sheet(book.create_sheet(POLICY_SHEET), policy)
    vouchers = book.create_sheet(VOUCHER_SHEET)
    _header_sheet(vouchers, VOUCHER_HEADERS)
    status_dropdown(vouchers, 1)
    _header_sheet(book.create_sheet(REFUND_SHEET), REFUND_HEADERS)
    _header_sheet(book.create_sheet(PENDING_SHEET), PENDING_HEADERS)
    _eod_sheet(book.create_sheet(EOD_SHEET))
    _header_sheet(book.create_sheet(LOG_SHEET), LOG_HEADERS)
    _state_sheet(book.create_sheet(STATE_SHEET))
    book.defined_names[DAY_END_NAME] = DefinedName(DAY_END_NAME, attr_text=day_end_definition())
    book.properties.creator = "aftersales"
    book.properties.created = datetime(2026, 1, 1)
    return book


def demo_register_workbook(day: date = DEMO_DAY) -> Workbook:
    """The demo day's register (`aftersales demo`), with the demo shop's policy."""
    return build_register_workbook(demo_rows(day), DEMO_POLICY)


def main(argv: list[str] | None = None) -> int:
    """Regenerate the committed template: `python -m workbook.template [PATH]`."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else TEMPLATE_PATH
    build_register_workbook().save(target)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
