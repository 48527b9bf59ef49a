"""The sheet buttons, as xlwings scripts taking the book (xlwings Lite `@script`; plain functions in
classic xlwings, called from addin.classic). Each is one line around addin.buttons."""

from __future__ import annotations

import xlwings as xw

from addin.buttons import eod_action, refund_action, run_button, validate_action, voucher_action
from addin.layout import button


@xw.script(button=button("validate_register").reference, show_taskpane=True)
def validate_register(book: xw.Book) -> None:
    """校验: check every row, fill 推荐方案/补偿上限/截止时间/校验, number blank 售后单号, colour issues."""
    run_button(book, "校验", validate_action)


@xw.script(button=button("generate_vouchers").reference, show_taskpane=True)
def generate_vouchers(book: xw.Book) -> None:
    """生成单据: update sheet 单据 in place (posted rows kept; reversals and new drafts when a case changed)."""
    run_button(book, "生成单据", voucher_action)


@xw.script(button=button("build_refund_sheet").reference, show_taskpane=True)
def build_refund_sheet(book: xw.Book) -> None:
    """退款表: append today's new payable cases as a batch FK{date}-{nn}; refresh 待处理."""
    run_button(book, "退款表", refund_action)


@xw.script(button=button("end_of_day").reference, show_taskpane=True)
def end_of_day(book: xw.Book) -> None:
    """日结: the day's report on sheet 日结 — overdue cases, cashback, money out, agents, errors."""
    run_button(book, "日结", eod_action)
