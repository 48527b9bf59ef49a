"""The sheet buttons, as xlwings scripts taking the book (xlwings Lite `@script`; plain functions in
classic xlwings, called from addin.classic). Each is one line around addin.buttons."""

from __future__ import annotations

import xlwings as xw

from addin.buttons import run_button, validate_action
from addin.layout import button


@xw.script(button=button("validate_register").reference)
def validate_register(book: xw.Book) -> None:
    """校验: check every row, fill 推荐方案/补偿上限/截止时间/校验, number blank 售后单号, colour issues."""
    run_button(book, "校验", validate_action)
