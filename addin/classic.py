"""Classic desktop xlwings: `RunPython` entry points for the sheet buttons.

VBA (see addin/vba/aftersales_buttons.bas): `RunPython "import addin.classic as c; c.validate_register()"`.
"""

from __future__ import annotations

import xlwings as xw

from addin import scripts


def validate_register() -> None:
    scripts.validate_register(xw.Book.caller())


def generate_vouchers() -> None:
    scripts.generate_vouchers(xw.Book.caller())


def build_refund_sheet() -> None:
    scripts.build_refund_sheet(xw.Book.caller())


def end_of_day() -> None:
    scripts.end_of_day(xw.Book.caller())
