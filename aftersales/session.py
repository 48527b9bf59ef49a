"""One button run (SPEC §12): the workbook, its clock, what has been read, and the 操作记录 line.

Shared by the add-in's buttons and `aftersales check -o`; the workbook comes in as a `Book`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from aftersales.book import Book
from aftersales.columns import column_letter, find_header_row
from aftersales.issues import Issue
from aftersales.locate import (
    HEADER_SEARCH_ROWS,
    choose_register_sheet,
    other_register_sheets,
    other_sheets_issue,
    register_from_rows,
)
from aftersales.model import RawRegister
from aftersales.policy import DEFAULT_POLICY, Policy, parse_policy
from aftersales.sheets import CLOCK_CELL, LOG_HEADERS, LOG_SHEET, POLICY_SHEET, STATE_HEADER_ROW, STATE_SHEET
from aftersales.state import StateBlock, block_column, block_lines, block_table
from aftersales.validate import Report, validate


class NoRegister(Exception):
    """The workbook has no register sheet; the message is for the user."""


@dataclass
class Session:
    """One button run: the workbook, its clock, and what has been read."""

    io: Book
    now: datetime
    sheet: str | None = None
    """The register sheet asked for (`--sheet`); None: 登记表, else the first sheet with its header row."""
    log_lines: list[str] = field(default_factory=list)
    finishing: list[Callable[[], None]] = field(default_factory=list)
    """What the action leaves for after the 操作记录 line: colours and charts. A client that rejects one
    action loses the ones after it, so the values and the log go first (issue 15 item 4)."""

    @cached_property
    def register_sheet(self) -> str:
        names = self.io.sheet_names()
        if self.sheet is not None:
            if self.sheet not in names:
                raise NoRegister(f"没有名为「{self.sheet}」的工作表：请核对工作表名（现有：{'、'.join(names)}）")
            return self.sheet
        name = choose_register_sheet(names, self.io.values)
        if name is None:
            raise NoRegister("找不到登记表：没有名为「登记表」的工作表，也没有含登记表表头（登记时间、订单号、买家…）的工作表")
        return name

    def register(self) -> RawRegister:
        rows = self.io.values(self.register_sheet)
        if find_header_row(rows, HEADER_SEARCH_ROWS) is None:
            # Writing output columns beside an unrecognised header would overwrite the user's data.
            raise NoRegister(
                f"「{self.register_sheet}」前 11 行找不到登记表的表头（登记时间、订单号、买家、客服、售后类型、问题描述）："
                "没有写入任何内容，请按模板的表头文字改好表头后再校验"
            )
        return register_from_rows(self.register_sheet, rows)

    def policy(self) -> tuple[Policy, list[Issue]]:
        if POLICY_SHEET not in self.io.sheet_names():
            return DEFAULT_POLICY, []
        return parse_policy(self.io.values(POLICY_SHEET))

    def workbook_issues(self) -> list[Issue]:
        """other-register-sheets: the sheets besides the register that also have its header row."""
        others = other_register_sheets(self.io.sheet_names(), self.register_sheet, self.io.values)
        return [other_sheets_issue(self.register(), others)] if others else []


def checked(session: Session) -> Report:
    """The register validated with the workbook's policy and the workbook-level issues."""
    policy, policy_issues = session.policy()
    return validate(session.register(), session.now, policy, [*session.workbook_issues(), *policy_issues])


def run_action(io: Book, now: datetime, label: str, action: Callable[[Session], str], sheet: str | None = None) -> str:
    """Run one button's action, then one line in 操作记录. Problems become that line, never a traceback."""
    session = Session(io, now, sheet)
    try:
        summary = action(session)
    except NoRegister as problem:
        summary = str(problem)
        io.alert(summary, title=label)
    except Exception as error:  # a bug: tell the user plainly (writes already queued still happen)
        summary = f"内部错误（{type(error).__name__}: {error}），请把文件发给技术支持"
        with contextlib.suppress(Exception):  # the log line below still says it
            io.alert(summary, title=label)
    append_log(io, now, label, summary)
    for step in session.finishing:
        try:
            step()
        except Exception as error:  # colours and charts are a help: the work is written and logged
            append_log(io, now, label, f"单元格颜色或图表未更新（{type(error).__name__}: {error}）")
            break
    return summary


def append_log(io: Book, now: datetime, label: str, summary: str) -> None:
    line = [now.strftime("%Y-%m-%d %H:%M:%S"), label, summary]
    if LOG_SHEET not in io.sheet_names():
        io.add_sheet(LOG_SHEET)
        io.write(LOG_SHEET, 1, 1, [list(LOG_HEADERS), line])
        return
    rows = io.values(LOG_SHEET)
    last = max((i for i, row in enumerate(rows) if any(v not in (None, "") for v in row)), default=-1)
    if last < 0:  # the sheet is there but empty: give it its header first
        io.write(LOG_SHEET, 1, 1, [list(LOG_HEADERS), line])
        return
    io.write(LOG_SHEET, last + 2, 1, [line])


def ensure_state_sheet(io: Book) -> None:
    if STATE_SHEET in io.sheet_names():
        return
    io.add_sheet(STATE_SHEET, hidden=True)
    io.write(STATE_SHEET, 1, 1, [["当前时间", ""]])
    io.set_formula(STATE_SHEET, CLOCK_CELL, "=NOW()")
    io.set_number_format(STATE_SHEET, CLOCK_CELL, "yyyy-mm-dd hh:mm:ss")


def write_state_block(io: Book, block: StateBlock, lines: Sequence[Sequence[object]]) -> None:
    """Rewrite one block of the state sheet (its header row 3 and its lines), as text."""
    ensure_state_sheet(io)
    rows = io.values(STATE_SHEET)
    column = block_column(rows, block)
    old = len(block_lines(rows, block))
    column = block.default_column if column is None else column
    table = block_table(block, lines, old)
    first = column_letter(column)
    last = column_letter(column + len(block.headers) - 1)
    io.set_number_format(STATE_SHEET, f"{first}{STATE_HEADER_ROW}:{last}{STATE_HEADER_ROW + len(table) - 1}", "@")
    io.write(STATE_SHEET, STATE_HEADER_ROW, column + 1, table)

