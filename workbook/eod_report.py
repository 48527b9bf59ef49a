"""The standalone end-of-day report workbook (`aftersales eod`): the 日结 grid, native bar charts,
emphasis on what needs action before going home. Listed cases show their register row number."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from aftersales.eod import EndOfDay, Grid, report_grid
from aftersales.sheets import EOD_SHEET
from workbook.outputs import append_row, fill_cells
from workbook.print_setup import display_width, fit_one_page_wide

ALARM_FILL = PatternFill("solid", fgColor="FFC7CE")
HEADING_FONT = Font(bold=True, size=12)
TITLE_FONT = Font(bold=True, size=14)
WIDTHS = {"A": 30, "B": 10, "C": 14, "D": 10, "E": 14, "F": 70}
CHART_ROWS = 30
"""Rows the print area keeps for each chart below the report."""
DETAIL_CAP = 110
CENTRED = Alignment(horizontal="center")
"""Widest 说明 column: beyond it a very long line is cut rather than printed microscopic."""


def render(sheet: Worksheet, grid: Grid) -> None:
    for cells in grid.rows:
        append_row(sheet, cells)
    for letter, width in WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    # Each listed case on one line (SPEC §14.6): 说明 as wide as the longest one, the page scaled to fit.
    details = [display_width(grid.rows[row - 1][5]) for row in grid.links if len(grid.rows[row - 1]) > 5]
    sheet.column_dimensions["F"].width = min(max([WIDTHS["F"], *details]) + 2, DETAIL_CAP)
    fit_one_page_wide(sheet, title_rows=None, landscape=True)
    for row in grid.links:  # the register row, centred: not run into the case type beside it
        sheet.cell(row=row, column=2).alignment = CENTRED
    sheet.print_area = f"A1:F{len(grid.rows) + 2 + CHART_ROWS * len(grid.charts)}"
    sheet["A1"].font = TITLE_FONT
    for row in grid.headings[1:]:
        sheet.cell(row=row, column=1).font = HEADING_FONT
    fill_cells((sheet.cell(row=row, column=column) for row in grid.alarms for column in range(1, 7)), ALARM_FILL)
    # The headline "需要下班前处理" turns red by itself while anything is left (also after edits).
    sheet.conditional_formatting.add("B2", CellIsRule(operator="greaterThan", formula=["0"], fill=ALARM_FILL,
                                                      font=Font(bold=True, color="9C0006")))
    top = len(grid.rows) + 2  # below the report, inside what prints (one page wide)
    for title, first, last in grid.charts:
        chart = BarChart()
        chart.type = "bar"
        chart.title = title
        chart.legend = None
        chart.add_data(Reference(sheet, min_col=2, min_row=first - 1, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
        bars = last - first + 1
        chart.height, chart.width = max(7.0, 0.6 * bars + 3), 16  # cm: room for a label per bar
        chart.x_axis.tickLblSkip = 1  # every label, not every other one (SPEC §14.6)
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        sheet.add_chart(chart, f"A{top}")
        top += int(chart.height * 2) + 2  # rows of ~0.5 cm
    sheet.freeze_panes = "A2"


def eod_workbook(eod: EndOfDay) -> Workbook:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = EOD_SHEET
    render(sheet, report_grid(eod))
    return book
