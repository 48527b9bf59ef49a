"""Printing the output sheets (SPEC §14.5, §14.6): one page wide, landscape, the header row on every
page, columns wide enough that an 18–20 digit 订单号, a 收款账号 or a 单据号 is never cut."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from aftersales.cells import format_money


def fit_one_page_wide(sheet: Worksheet, *, title_rows: str | None = "1:1", landscape: bool = True) -> None:
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    if title_rows:
        sheet.print_title_rows = title_rows


def display_width(value: object) -> int:
    """Characters as Excel lays them out: a Chinese character takes two."""
    if value is None:
        return 0
    if isinstance(value, Decimal):
        text = "¥ " + (format_money(value) or "") + "  "  # right-aligned: room before the next column's text
    elif isinstance(value, datetime):
        text = "2026-11-21 18:00"
    else:
        text = str(value)
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit_columns(sheet: Worksheet, rows: Iterable[Iterable[object]], *, first_row: int = 1, cap: int = 60,
                minimum: int = 6) -> None:
    """Each column as wide as its widest value among `rows` (header included), up to `cap`."""
    widths: dict[int, int] = {}
    for line in rows:
        for index, value in enumerate(line):
            widths[index] = max(widths.get(index, minimum), display_width(value))
    for index, width in widths.items():
        letter = sheet.cell(row=first_row, column=index + 1).column_letter
        sheet.column_dimensions[letter].width = min(width, cap) + 2
