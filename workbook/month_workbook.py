"""The 月报 workbook: one sheet per part of the report, each table under its title, a native Excel chart
beside the tables where a picture says more, every sheet printing one page wide."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from analysis.figures import MonthReport, Sheet, Table
from workbook.outputs import HEADER_FONT, append_row, put
from workbook.print_setup import fit_columns, fit_one_page_wide

TITLE_FONT = Font(bold=True, size=14)
HEADING_FONT = Font(bold=True, size=12)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
PERCENT_FORMAT = "0.0%"
CHART_WIDTH_CM = 16
FIGURE_COLUMNS = 2


def _title(report: MonthReport, sheet: Sheet) -> str:
    period = report.period.text() if report.period else "（没有可计入的售后）"
    shop = f" · {report.shop}" if report.shop else ""
    return f"售后月报 · {sheet.name} · {period}{shop}"


def _chart(target: Worksheet, table: Table, header_row: int, anchor: str) -> float:
    """The table's chart at `anchor`; returns its height in cm (0: no rows, no chart)."""
    chart_spec = table.chart
    assert chart_spec is not None
    shown = len(table.rows) if chart_spec.bars is None else min(chart_spec.bars, len(table.rows))
    if not shown:
        return 0.0
    category = table.headers.index(chart_spec.category) + 1
    values = table.headers.index(chart_spec.values) + 1
    chart = BarChart()
    chart.type = "col" if chart_spec.column else "bar"
    chart.title = chart_spec.title
    chart.legend = None
    chart.add_data(Reference(target, min_col=values, min_row=header_row, max_row=header_row + shown),
                   titles_from_data=True)
    chart.set_categories(Reference(target, min_col=category, min_row=header_row + 1, max_row=header_row + shown))
    if not chart_spec.column:
        chart.x_axis.scaling.orientation = "maxMin"  # the first (largest) row on top, as in the table
    else:
        chart.x_axis.number_format = "m-d"  # a month of days stays legible under the columns
    chart.x_axis.tickLblSkip = 1 if not chart_spec.column or shown <= 31 else None
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    counts = [row[values - 1] for row in table.rows[:shown]]
    if all(isinstance(v, int) for v in counts) and max(counts, default=0) <= 10:
        chart.y_axis.majorUnit = 1  # a few cases: whole numbers on the axis, not 0.5 steps
    chart.height = max(7.5, 0.55 * shown + 3) if not chart_spec.column else 8
    chart.width = CHART_WIDTH_CM if not chart_spec.column else max(CHART_WIDTH_CM, 0.6 * shown + 4)
    target.add_chart(chart, anchor)
    return float(chart.height)


def render_sheet(target: Worksheet, report: MonthReport, sheet: Sheet) -> None:
    put(target.cell(row=1, column=1), _title(report, sheet))
    target.cell(row=1, column=1).font = TITLE_FONT
    widths: list[Sequence[object]] = []
    row = 3
    for label, value in sheet.figures:
        put(target.cell(row=row, column=1), label)
        put(target.cell(row=row, column=2), value)
        target.cell(row=row, column=1).font = HEADER_FONT
        if label in sheet.percent_figures:
            target.cell(row=row, column=2).number_format = PERCENT_FORMAT
        widths.append([label, value])
        row += 1
    widest = max([FIGURE_COLUMNS if sheet.figures else 0, *(len(t.headers) for t in sheet.tables)])
    chart_anchor_column = widest + 2
    charts_at = 3
    if sheet.figures:
        row += 1
    for table in sheet.tables:
        put(target.cell(row=row, column=1), table.title)
        target.cell(row=row, column=1).font = HEADING_FONT
        header_row = row + 1
        for column, header in enumerate(table.headers, start=1):
            cell = target.cell(row=header_row, column=column)
            put(cell, header)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
        while target.max_row < header_row:
            target.append([])
        for values in table.rows:
            append_row(target, values)
        for column, header in enumerate(table.headers, start=1):
            if header in table.percent:
                for line in range(header_row + 1, header_row + 1 + len(table.rows)):
                    target.cell(row=line, column=column).number_format = PERCENT_FORMAT
        if table.chart is not None:
            letter = target.cell(row=1, column=chart_anchor_column).column_letter
            height = _chart(target, table, header_row, f"{letter}{charts_at}")
            charts_at += int(height * 2) + 2 if height else 0  # rows of ~0.5 cm, then a gap
        widths.append(list(table.headers))
        widths.extend(table.rows[:2000])  # enough rows to size the columns; the rest are alike
        if not table.rows:
            put(target.cell(row=header_row + 1, column=1), "（无）")
        row = max(target.max_row, header_row + 1) + 2
    fit_columns(target, widths, cap=40)
    target.column_dimensions["A"].width = max(target.column_dimensions["A"].width or 0, 14)
    fit_one_page_wide(target, title_rows=None, landscape=True)


def month_workbook(report: MonthReport) -> Workbook:
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for sheet in report.sheets:
        render_sheet(book.create_sheet(sheet.name), report, sheet)
    return book
