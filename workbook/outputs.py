"""Output workbooks for finance and the warehouse: 单据 (vouchers) and 退款表 + 待处理 (refunds).

Text cells are written as text, always: a buyer named `=1+1` or `@SUM(A1)` stays a name when
finance opens the file (SPEC §9). Money is a number formatted `¥#,##0.00`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from aftersales.refunds import RefundSheet
from aftersales.sheets import (
    FORMULA_STARTS,
    PAID_SHEET,
    PENDING_HEADERS,
    PENDING_SHEET,
    REFUND_HEADERS,
    REFUND_SHEET,
    VOUCHER_HEADERS,
    VOUCHER_SHEET,
)
from aftersales.vouchers import STATUSES as VOUCHER_STATUSES
from aftersales.vouchers import Voucher
from workbook.print_setup import fit_columns, fit_one_page_wide

MONEY_FORMAT = "¥#,##0.00"
HEADER_FONT = Font(bold=True)
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
MONEY_HEADERS = frozenset({"金额", "退款金额", "退运费", "合计"})


def put(cell: Cell, value: object) -> None:
    """Write a value so it reads back as itself: text is always text (never a formula)."""
    if isinstance(value, Decimal):
        cell.value = value
        cell.number_format = MONEY_FORMAT
    elif isinstance(value, datetime):
        cell.value = value
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # a Word line break (\x0b) cannot be stored in xlsx
        cell.value = value
        cell.data_type = "s"  # openpyxl would store "=…" as a formula
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True  # and Excel shows it as typed text, never evaluates it
    else:
        cell.value = value


def append_row(sheet: Worksheet, values: Iterable[object]) -> None:
    """One row below the last one, every value written by `put` (sheet.append takes ready cells at
    a fraction of the cost of sheet.cell() per cell: it counts at 100,000 rows)."""
    cells = []
    for value in values:
        cell = Cell(sheet)
        put(cell, value)
        cells.append(cell)
    sheet.append(cells)


def fill_cells(cells: Iterable[Cell], fill: PatternFill) -> None:
    """One fill on many cells. Setting `cell.fill` hashes the fill again for every cell (seconds on
    a long list), so the style index the first cell got is given to the others, the way openpyxl's
    own setter stores it."""
    fill_id: int | None = None
    for cell in cells:
        if fill_id is None:
            cell.fill = fill
            fill_id = cell._style.fillId
            continue
        if not cell._style:
            cell._style = StyleArray()
        cell._style.fillId = fill_id


def write_table(sheet: Worksheet, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Header row then rows, on an empty sheet; returns the last row written."""
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=column, value=header)
        cell.font = HEADER_FONT
        sheet.column_dimensions[cell.column_letter].width = 22 if header in ("摘要", "原因") else 15
    for values in rows:
        append_row(sheet, values)
    sheet.freeze_panes = "A2"
    return sheet.max_row


STATUS_ROWS = 1000
"""Rows of 单据 below the header that get the 状态 dropdown (more than a busy day writes)."""


def status_dropdown(sheet: Worksheet, last_row: int) -> None:
    """状态 of 单据 as a dropdown 草稿 / 已过账 (SPEC §14.4). A warning, not a stop: 已过帐, 过账 … still
    go in, and mean posted all the same."""
    letter = get_column_letter(VOUCHER_HEADERS.index("状态") + 1)
    validation = DataValidation(
        type="list", formula1='"' + ",".join(VOUCHER_STATUSES) + '"', allow_blank=True, showDropDown=False,
        showInputMessage=True, promptTitle="状态", prompt="在 ERP 里录入后改为「已过账」：已过账的单据不会再被改动",
        showErrorMessage=True, errorStyle="warning", errorTitle="状态", error="请选择：草稿 或 已过账",
    )
    validation.add(f"{letter}2:{letter}{max(last_row, STATUS_ROWS)}")
    sheet.add_data_validation(validation)


SIGN_OFF = ("制表：", "审核：", "付款流水号：", "日期：")
"""The block finance signs under the totals (SPEC §14.5)."""


def printable(sheet: Worksheet, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """One page wide, landscape, header on every page, no ID or account cut (SPEC §14.5)."""
    fit_columns(sheet, [headers, *rows], cap=50)
    fit_one_page_wide(sheet)


def voucher_workbook(vouchers: Sequence[Voucher]) -> Workbook:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = VOUCHER_SHEET
    rows = [v.row() for v in vouchers]
    last = write_table(sheet, VOUCHER_HEADERS, rows)
    status_dropdown(sheet, last)
    printable(sheet, VOUCHER_HEADERS, rows)
    total = sum((v.amount for v in vouchers if v.amount is not None), Decimal("0.00"))
    line = last + 2
    put(sheet.cell(row=line, column=1), f"合计 {len(vouchers)} 行")
    put(sheet.cell(row=line, column=VOUCHER_HEADERS.index("金额") + 1), total)
    sheet.cell(row=line, column=1).font = HEADER_FONT
    return book


def refund_workbook(refunds: RefundSheet) -> Workbook:
    """Sheet 退款表 (payable rows, a total per 退款方式, the overall total, the reconciliation line),
    sheet 待处理 (rows not payable yet, with 原因) and sheet 已付 (paid on the report date)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = REFUND_SHEET
    payable = [row.values() for row in refunds.payable]
    last = write_table(sheet, REFUND_HEADERS, payable)
    printable(sheet, REFUND_HEADERS, payable)
    refund_col, freight_col, total_col = (REFUND_HEADERS.index(h) + 1 for h in ("退款金额", "退运费", "合计"))
    row = last + 2
    for totals in [*refunds.by_channel, refunds.overall]:
        put(sheet.cell(row=row, column=1), totals.label)
        put(sheet.cell(row=row, column=2), f"{totals.count} 条")
        put(sheet.cell(row=row, column=refund_col), totals.refund)
        put(sheet.cell(row=row, column=freight_col), totals.freight)
        put(sheet.cell(row=row, column=total_col), totals.total)
        for column in range(1, len(REFUND_HEADERS) + 1):
            sheet.cell(row=row, column=column).fill = TOTAL_FILL
        sheet.cell(row=row, column=1).font = HEADER_FONT
        row += 1
    put(sheet.cell(row=row + 1, column=1), refunds.reconciliation())
    sign_row = row + 3
    for index, label in enumerate(SIGN_OFF):
        cell = sheet.cell(row=sign_row, column=1 + index * 2)
        put(cell, label)
        cell.font = HEADER_FONT
    pending = book.create_sheet(PENDING_SHEET)
    held = [r.values(with_batch=False) for r in refunds.pending]
    write_table(pending, PENDING_HEADERS, held)
    printable(pending, PENDING_HEADERS, held)
    paid = book.create_sheet(PAID_SHEET)
    done = [r.values() for r in refunds.paid]
    write_table(paid, REFUND_HEADERS, done)
    printable(paid, REFUND_HEADERS, done)
    return book
