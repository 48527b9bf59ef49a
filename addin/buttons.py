"""The add-in's buttons: each is `run_button(book, label, action)` with `action(session) -> summary`.

The 校验 button's action lives in `aftersales.check_action` (shared with `aftersales check -o`);
生成单据, 退款表 and 日结 are here. What every button does around its own work (read the register
once, write back in bulk, one line in 操作记录) is `aftersales.session`. No business rule lives here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal

import xlwings as xw

from addin.sheet_io import BookIO, Formula
from aftersales.cells import format_money, parse_datetime
from aftersales.check_action import validate_action
from aftersales.eod import end_of_day, report_grid
from aftersales.ledger import EMPTY_LEDGER, Ledger, is_ledger_sheet, next_batch, read_ledger
from aftersales.refunds import RefundRow, refund_sheet
from aftersales.session import NoRegister, Session, checked, run_action, write_state_block
from aftersales.sheets import (
    EOD_SHEET,
    ERROR_COLOUR,
    PAID_SHEET,
    PENDING_HEADERS,
    PENDING_SHEET,
    REFUND_HEADERS,
    REFUND_SHEET,
    STATE_SHEET,
    VOUCHER_HEADERS,
    VOUCHER_SHEET,
)
from aftersales.state import BATCHES, CHARTS, EXPORTS, block_lines
from aftersales.vouchers import Voucher, orphaned_vouchers, parse_voucher_rows, regenerate, vouchers_only

__all__ = ["NoRegister", "Session", "eod_action", "refund_action", "run_button", "validate_action", "voucher_action"]


def workbook_now(io: BookIO) -> datetime:
    """The workbook's clock: =NOW() in the state sheet (Excel's time, the shop's time zone), else
    this computer's clock."""
    if STATE_SHEET in io.sheet_names():
        rows = io.values(STATE_SHEET)
        value = rows[0][1] if rows and len(rows[0]) > 1 else None
        moment, problem = parse_datetime(value)
        if moment is not None and problem is None:
            return moment  # a clock that reads year 9999 or 1900 is not believed
    return datetime.now().replace(microsecond=0)


def run_button(book: xw.Book, label: str, action: Callable[[Session], str]) -> str:
    """Run one button on the open workbook (its clock, its screen quiet meanwhile)."""
    io = BookIO(book)
    with io.quiet():
        return run_action(io, workbook_now(io), label, action)


# --- the 生成单据 and 退款表 buttons ---------------------------------------------------------------


def replace_rows(io: BookIO, sheet: str, headers: Sequence[str], rows: Sequence[Sequence[object]],
                 keep_identical: Sequence[Sequence[object]] = (), top: int = 1, left: int = 1) -> None:
    """Make `sheet` hold the header and `rows` (creating it when missing), in one write from the
    first row that differs from `keep_identical` (rows already right are not rewritten); rows left
    over below are blanked. Only the header's columns are written, from the header's own cell
    (`top`, `left`, 1-based): a title above it or a column someone added beside it stays."""
    if sheet not in io.sheet_names():
        io.add_sheet(sheet)
    old = io.values(sheet)
    table = [list(headers), *[list(r) for r in rows]]
    same = 0
    while same < min(len(keep_identical), len(rows)) and list(keep_identical[same]) == list(rows[same]):
        same += 1
    start = same + 1 if same else 0  # sheet index of the first row to write (0 = header)
    width = len(headers)
    block = [(line + [""] * (width - len(line)))[:width] for line in table[start:]]
    block += [[""] * width] * max(0, len(old) - (top - 1) - len(table))
    io.write(sheet, top + start, left, block)


def voucher_action(session: Session) -> str:
    io = session.io
    report = checked(session)
    cases = [result.case for result in report.results]
    values = io.values(VOUCHER_SHEET) if VOUCHER_SHEET in io.sheet_names() else []
    top, left = _header_cell(values, VOUCHER_HEADERS[0])
    width = len(VOUCHER_HEADERS)
    typed = [(list(line[left : left + width]) + [""] * width)[:width] for line in values[top + 1 :]]
    existing = parse_voucher_rows(values)
    solved = [c for c in cases if c.resolution is not None]
    # Every case in the register: one whose 处理方案 was removed loses its drafts (posted ones reversed).
    scope = {c.case_id for c in cases if c.case_id}
    sheet = regenerate(cases, existing, scope, today=session.now.date(),
                       ship_first=session.policy()[0].exchange_ship_first)
    if sheet != existing or VOUCHER_SHEET not in io.sheet_names():
        blank = [""] * width

        def line(index: int, voucher: Voucher | None) -> list[object]:
            if voucher is not None:
                return voucher.row()
            # A line that was not a voucher (a total, a note someone typed) keeps what it holds.
            was_voucher = index < len(existing) and existing[index] is not None
            return blank if was_voucher or index >= len(typed) else typed[index]

        lines = [line(i, v) for i, v in enumerate(sheet)]
        before = [line(i, v) for i, v in enumerate(existing)]
        replace_rows(io, VOUCHER_SHEET, VOUCHER_HEADERS, lines, before, top=top + 1, left=left + 1)
    vouchers = vouchers_only(sheet)
    posted = sum(1 for v in vouchers if v.posted)
    reversals = sum(1 for v in vouchers if v.reverses and not v.posted)
    summary = (f"单据 {len(vouchers)} 行：草稿 {len(vouchers) - posted}（其中冲销 {reversals}），"
               f"已过账 {posted} 行保持不变")
    unnumbered = [c.row for c in solved if not c.case_id]
    if unnumbered:
        summary += f"；第 {'、'.join(map(str, unnumbered[:10]))} 行没有售后单号，先按「校验」编号"
    orphans = orphaned_vouchers(cases, values)
    if orphans:
        named = "、".join(f"{issue.case_id}（单据第 {issue.row} 行）" for issue in orphans[:10])
        summary += (f"；[voucher-orphaned] {len(orphans)} 行已过账单据在登记表里找不到售后：{named}，"
                    "不会自动冲销，请组长决定是否手工冲销")
    return summary


def _header_cell(rows: Sequence[Sequence[object]], first_header: str) -> tuple[int, int]:
    """0-based (row, column) of a sheet's header cell within its first 11 rows; (0, 0) when absent."""
    for index, row in enumerate(rows[:11]):
        for column, value in enumerate(row):
            if isinstance(value, str) and value.strip() == first_header:
                return index, column
    return 0, 0


def _ledger_lines(io: BookIO, ledger: Ledger, rows: Sequence[RefundRow]) -> None:
    """Append a batch under the 退款表 header, below every line already there, in the header's own
    columns: nothing above the header or over a line someone typed is ever written."""
    values = io.values(REFUND_SHEET)
    assert ledger.header is not None
    # Below the header too when it was written this run (what was read does not show it yet).
    last = max([ledger.header[0], *(i for i, row in enumerate(values) if any(v not in (None, "") for v in row))])
    columns = ledger.columns
    lines = [row.values() for row in rows]
    start = ledger.header[1]
    if list(columns) == list(range(start, start + len(columns))):
        io.write(REFUND_SHEET, last + 2, start + 1, lines)
        return
    for index, column in enumerate(columns):
        if column >= 0:
            io.write(REFUND_SHEET, last + 2, column + 1, [[line[index]] for line in lines])


def workbook_ledger(io: BookIO) -> Ledger:
    """The 退款表 ledger of the open workbook (its archives and the state sheet's record included)."""
    names = io.sheet_names()
    state = io.values(STATE_SHEET) if STATE_SHEET in names else []
    return read_ledger({name: io.values(name) for name in names if is_ledger_sheet(name)}, state)


def refund_action(session: Session) -> str:
    """退款表: append the payable cases as a new batch of the ledger, refresh 待处理 and 已付."""
    io = session.io
    report = checked(session)
    day = session.now.date()
    names = io.sheet_names()
    state = io.values(STATE_SHEET) if STATE_SHEET in names else []
    ledger = workbook_ledger(io)
    if ledger.problem:
        io.alert(ledger.problem, title="退款表")
        return "没有导出：" + ledger.problem
    if ledger.header is None:  # a new (or empty) 退款表: its header first
        if REFUND_SHEET not in names:
            io.add_sheet(REFUND_SHEET)
        io.write(REFUND_SHEET, 1, 1, [list(REFUND_HEADERS)])
        ledger = ledger.model_copy(update={"header": (0, 0), "columns": tuple(range(len(REFUND_HEADERS)))})
    sheet = refund_sheet(report, day, next_batch(day, ledger), ledger)
    if sheet.payable:
        _ledger_lines(io, ledger, sheet.payable)
        issued = [*block_lines(state, BATCHES), (sheet.batch, str(len(sheet.payable)),
                                                 format_money(sheet.overall.total), f"{session.now:%Y-%m-%d %H:%M:%S}")]
        write_state_block(io, BATCHES, issued)
        exports = [*block_lines(io.values(STATE_SHEET), EXPORTS),
                   *((sheet.batch, r.case_id or "", r.order_id or "", r.sku or "", r.channel or "",
                      format_money(r.total)) for r in sheet.payable)]
        write_state_block(io, EXPORTS, exports)
    replace_rows(io, PENDING_SHEET, PENDING_HEADERS, [row.values(with_batch=False) for row in sheet.pending])
    replace_rows(io, PAID_SHEET, REFUND_HEADERS, [row.values() for row in sheet.paid])
    if sheet.payable:
        summary = f"批次 {sheet.batch}：{len(sheet.payable)} 条，合计 {format_money(sheet.overall.total)} 元"
    else:
        summary = f"{day:%Y-%m-%d} 没有新的可付款售后，退款表未追加"
    summary += f"；待处理 {len(sheet.pending)} 条；今日已付 {len(sheet.paid)} 条；{sheet.reconciliation()}"
    if sheet.issues:
        named = "；".join(f"登记表第 {i.row} 行 {i.case_id or ''} [{i.code}] {i.message}" for i in sheet.issues[:5])
        summary += f"；错误 {len(sheet.issues)} 个（见待处理）：{named}"
        io.alert(summary, title="退款表")
    return summary


# --- the 日结 button -----------------------------------------------------------------------------

EOD_COLUMNS = 6
CHART_DATA_COLUMN = 8
"""1-based column H: the charts' own cells, beside the six columns of the report."""
CHART_LEFT = 700
MONEY_CHART_LABELS = ("部分退款", "仅退款", "退货退款", "拦截退款", "退运费")
"""Every money 处理方案, zero or not, so the chart's cells never move."""
BAR_POINTS = 22
"""Chart height per bar (points): room for every label."""
ALARM_COLOUR = ERROR_COLOUR


def eod_action(session: Session) -> str:
    """日结: the day's report on sheet 日结 (figures, lists linked to the register rows, two charts)."""
    io = session.io
    report = checked(session)
    day = session.now.date()
    ledger = workbook_ledger(io)  # exported cases are not new: as the 退款表 button sees them
    eod = end_of_day(report, day, refund_sheet(report, day, ledger=EMPTY_LEDGER if ledger.problem else ledger))
    grid = report_grid(eod)
    register = report.sheet
    lines: list[list[object]] = []
    for number, cells in enumerate(grid.rows, start=1):
        line = (list(cells) + [""] * EOD_COLUMNS)[:EOD_COLUMNS]
        if number in grid.links and line[0]:
            sheet_name = register.replace("'", "''")  # quoted sheet name; then "" inside the string
            target = f"#'{sheet_name}'!A{grid.links[number]}".replace('"', '""')
            label = str(line[0]).replace('"', '""')
            line[0] = Formula(f'=HYPERLINK("{target}","{label}")')
        lines.append(line)
    if EOD_SHEET not in io.sheet_names():
        io.add_sheet(EOD_SHEET)
    old = io.values(EOD_SHEET)
    lines += [[""] * EOD_COLUMNS] * max(0, len(old) - len(lines))
    io.write(EOD_SHEET, 1, 1, lines)
    alarms = set(grid.alarms)
    # The charts read fixed cells (H:I, beside the report): made once, they never need a new source, so
    # an Excel that does not report its charts to Python (Office.js may not) is not given them again.
    money = dict(eod.money_by_resolution)
    by_type = [["售后类型", "条数"], *([label, count] for label, count in eod.by_case_type)]
    by_money = [["处理方案", "金额"], *([label, money.get(label, Decimal("0.00"))] for label in MONEY_CHART_LABELS)]
    io.write(EOD_SHEET, 1, CHART_DATA_COLUMN, [*by_type, ["", ""], *by_money])
    sources = [(f"H1:I{len(by_type)}", len(by_type) - 1),
               (f"H{len(by_type) + 2}:I{len(by_type) + 1 + len(by_money)}", len(by_money) - 1)]
    state = io.values(STATE_SHEET) if STATE_SHEET in io.sheet_names() else []
    made = set(block_lines(state, CHARTS))

    def charts() -> None:
        top = 15.0
        recorded = list(made)
        for index, (source, bars) in enumerate(sources):
            name = f"AS_chart_{index + 1}"
            height = max(300.0, BAR_POINTS * bars + 80)
            if name in io.chart_names(EOD_SHEET) or (EOD_SHEET, name) not in made:
                io.bar_chart(EOD_SHEET, name, source, top=top, left=CHART_LEFT, height=height)
                recorded.append((EOD_SHEET, name))
            top += height + 20
        if set(recorded) != made:
            write_state_block(io, CHARTS, sorted(set(recorded)))

    def colours() -> None:
        io.set_colours(EOD_SHEET, 1, 1, [[ALARM_COLOUR if r in alarms else None] * EOD_COLUMNS
                                         for r in range(1, len(lines) + 1)])

    session.finishing.extend((charts, colours))  # after the values and the 操作记录 line
    return (f"日结 {day:%Y-%m-%d}：登记 {eod.registered} 条，当天给方案 {eod.solved_pct}%，超时 {len(eod.overdue)} 条，"
            f"未返现 {len(eod.cashback_unpaid)} 笔，错误 {eod.error_count} 个")

