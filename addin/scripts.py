"""The sheet buttons, as xlwings scripts taking the book (xlwings Lite `@script`; plain functions in
classic xlwings, called from addin.classic). Each is one line around addin.buttons."""

from __future__ import annotations

import xlwings as xw

from addin.buttons import eod_action, refund_action, run_button, validate_action, voucher_action
from addin.layout import button
from aftersales.sheets import EOD_SHEET, HELP_SHEET, PAID_SHEET, PENDING_SHEET, REFUND_SHEET, VOUCHER_SHEET

# Sheets a button never reads are left out of what Excel sends to Python (a big workbook stays under
# Office.js request limits; issue 15 item 9). Only our own output sheets: a sheet of the shop's may be
# a second register, which 校验 names (other-register-sheets).
NOT_READ = {
    "validate_register": [HELP_SHEET, VOUCHER_SHEET, REFUND_SHEET, PENDING_SHEET, PAID_SHEET, EOD_SHEET],
    "generate_vouchers": [HELP_SHEET, REFUND_SHEET, PENDING_SHEET, PAID_SHEET, EOD_SHEET],
    "build_refund_sheet": [HELP_SHEET, VOUCHER_SHEET, EOD_SHEET],
    "end_of_day": [HELP_SHEET, VOUCHER_SHEET, PENDING_SHEET, PAID_SHEET],
}


@xw.script(button=button("validate_register").reference, show_taskpane=True, exclude=NOT_READ["validate_register"])
def validate_register(book: xw.Book) -> None:
    """校验: check every row, fill 推荐方案/补偿上限/截止时间/校验, number blank 售后单号, colour issues."""
    run_button(book, "校验", validate_action)


@xw.script(button=button("generate_vouchers").reference, show_taskpane=True, exclude=NOT_READ["generate_vouchers"])
def generate_vouchers(book: xw.Book) -> None:
    """生成单据: update sheet 单据 in place (posted rows kept; reversals and new drafts when a case changed)."""
    run_button(book, "生成单据", voucher_action)


@xw.script(button=button("build_refund_sheet").reference, show_taskpane=True, exclude=NOT_READ["build_refund_sheet"])
def build_refund_sheet(book: xw.Book) -> None:
    """退款表: append today's new payable cases as a batch FK{date}-{nn}; refresh 待处理."""
    run_button(book, "退款表", refund_action)


@xw.script(button=button("end_of_day").reference, show_taskpane=True, exclude=NOT_READ["end_of_day"])
def end_of_day(book: xw.Book) -> None:
    """日结: the day's report on sheet 日结 — overdue cases, cashback, money out, agents, errors."""
    run_button(book, "日结", eod_action)
