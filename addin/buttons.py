"""What every button does around its own work: read the register once, hand it to `aftersales/`,
write back in bulk, colour issue cells (clearing only its own old colours), log one line to 操作记录.

A button is `run_button(book, label, action)` with `action(session) -> summary`; the later buttons
(生成单据, 退款表, 日结) add only their action. No business rule lives here.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

import xlwings as xw

from addin.layout import ERROR_COLOUR, WARNING_COLOUR
from addin.sheet_io import BookIO
from aftersales.case_ids import assign_case_ids, with_case_ids
from aftersales.cells import excel_serial_to_datetime
from aftersales.columns import OUTPUT_COLUMNS, column_letter, match_headers
from aftersales.issues import Issue, Severity
from aftersales.locate import choose_register_sheet, register_from_rows
from aftersales.model import RawRegister
from aftersales.policy import DEFAULT_POLICY, Policy, parse_policy
from aftersales.present import check_text, recommended_text
from aftersales.sheets import (
    CLOCK_CELL,
    LOG_HEADERS,
    LOG_SHEET,
    POLICY_SHEET,
    STATE_HEADER_ROW,
    STATE_HEADERS,
    STATE_SHEET,
)
from aftersales.validate import Report, validate

COLOUR_OF = {Severity.ERROR: ERROR_COLOUR, Severity.WARNING: WARNING_COLOUR}
OUTPUT_KEYS = tuple(column.key for column in OUTPUT_COLUMNS)
MAX_ID_RUNS = 10
"""Blank 售后单号 in more separate runs than this are written as one block of the whole column."""


class NoRegister(Exception):
    """The workbook has no register sheet; the message is for the user."""


@dataclass
class Session:
    """One button run: the workbook, its clock, and what has been read."""

    io: BookIO
    now: datetime
    log_lines: list[str] = field(default_factory=list)

    @cached_property
    def register_sheet(self) -> str:
        names = self.io.sheet_names()
        name = choose_register_sheet(names, self.io.values)
        if name is None:
            raise NoRegister("找不到登记表：没有名为「登记表」的工作表，也没有含登记表表头（登记时间、订单号、买家…）的工作表")
        return name

    def register(self) -> RawRegister:
        return register_from_rows(self.register_sheet, self.io.values(self.register_sheet))

    def policy(self) -> tuple[Policy, list[Issue]]:
        if POLICY_SHEET not in self.io.sheet_names():
            return DEFAULT_POLICY, []
        return parse_policy(self.io.values(POLICY_SHEET))


def workbook_now(io: BookIO) -> datetime:
    """The workbook's clock: =NOW() in the state sheet (Excel's time, the shop's time zone), else
    this computer's clock."""
    if STATE_SHEET in io.sheet_names():
        rows = io.values(STATE_SHEET)
        value = rows[0][1] if rows and len(rows[0]) > 1 else None
        if isinstance(value, datetime):
            return value.replace(microsecond=0)
        if isinstance(value, int | float) and not isinstance(value, bool):
            moment = excel_serial_to_datetime(float(value))
            if moment is not None:
                return moment
    return datetime.now().replace(microsecond=0)


def run_button(book: xw.Book, label: str, action: Callable[[Session], str]) -> str:
    """Run one button: its action, then one line in 操作记录. Problems become that line, never a traceback."""
    io = BookIO(book)
    session = Session(io, workbook_now(io))
    try:
        summary = action(session)
    except NoRegister as problem:
        summary = str(problem)
        io.alert(summary, title=label)
    except Exception as error:  # a bug: tell the user plainly, keep the workbook as it was
        summary = f"内部错误（{type(error).__name__}: {error}），请把文件发给技术支持"
        with contextlib.suppress(Exception):
            io.alert(summary, title=label)
    append_log(io, session.now, label, summary)
    return summary


def append_log(io: BookIO, now: datetime, label: str, summary: str) -> None:
    line = [now.strftime("%Y-%m-%d %H:%M:%S"), label, summary]
    if LOG_SHEET not in io.sheet_names():
        io.add_sheet(LOG_SHEET)
        io.write(LOG_SHEET, 1, 1, [list(LOG_HEADERS), line])
        return
    rows = io.values(LOG_SHEET)
    last = max((i for i, row in enumerate(rows) if any(v not in (None, "") for v in row)), default=-1)
    io.write(LOG_SHEET, max(last + 2, 2), 1, [line])


# --- colours -----------------------------------------------------------------------------------

Place = tuple[str, int, int]
"""(sheet, Excel row, 1-based column)."""


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def issue_colours(issues: Iterable[Issue], extra: dict[Place, Severity] | None = None) -> dict[Place, str]:
    """The colour of each cell with an issue: errors light red, warnings light yellow (errors win)."""
    worst: dict[Place, Severity] = dict(extra or {})
    for issue in issues:
        if issue.row is None or issue.column is None or issue.severity not in COLOUR_OF:
            continue
        place = (issue.sheet, issue.row, _column_number(issue.column))
        if place not in worst or issue.severity is Severity.ERROR:
            worst[place] = issue.severity
    return {place: COLOUR_OF[severity] for place, severity in worst.items()}


def previous_colours(io: BookIO) -> dict[Place, str]:
    if STATE_SHEET not in io.sheet_names():
        return {}
    found: dict[Place, str] = {}
    for row in io.values(STATE_SHEET)[STATE_HEADER_ROW:]:
        if len(row) >= 3 and row[0] and row[1] and row[2]:
            letters = "".join(ch for ch in str(row[1]) if ch.isalpha())
            digits = "".join(ch for ch in str(row[1]) if ch.isdigit())
            if letters and digits:
                found[(str(row[0]), int(digits), _column_number(letters))] = str(row[2])
    return found


def apply_colours(io: BookIO, wanted: dict[Place, str]) -> None:
    """Colour `wanted` cells and clear the add-in's own old colours, touching nothing else.

    One `set_colors` call per column with a change (cells between keep their fill), so the number
    of calls depends on columns, not rows. The cells coloured are remembered in the state sheet.
    """
    before = previous_colours(io)
    changes: dict[tuple[str, int], dict[int, str | None]] = defaultdict(dict)
    for place in set(before) | set(wanted):
        colour = wanted.get(place)
        if before.get(place) != colour:
            sheet, row, column = place
            changes[(sheet, column)][row] = colour
    for (sheet, column), rows in sorted(changes.items()):
        top, bottom = min(rows), max(rows)
        io.set_colours(sheet, top, column, [[rows.get(r, ...)] for r in range(top, bottom + 1)])
    if wanted.keys() != before.keys() or any(before[p] != c for p, c in wanted.items()):
        save_colour_state(io, wanted, len(before))


def ensure_state_sheet(io: BookIO) -> None:
    if STATE_SHEET in io.sheet_names():
        return
    io.add_sheet(STATE_SHEET, hidden=True)
    io.write(STATE_SHEET, 1, 1, [["当前时间", ""]])
    io.set_formula(STATE_SHEET, CLOCK_CELL, "=NOW()")
    io.set_number_format(STATE_SHEET, CLOCK_CELL, "yyyy-mm-dd hh:mm:ss")


def save_colour_state(io: BookIO, colours: dict[Place, str], previous_count: int) -> None:
    ensure_state_sheet(io)
    rows: list[list[object]] = [list(STATE_HEADERS)]
    rows += [[sheet, f"{column_letter(column - 1)}{row}", colour] for (sheet, row, column), colour in sorted(colours.items())]
    rows += [["", "", ""]] * max(0, previous_count - len(colours))
    io.write(STATE_SHEET, STATE_HEADER_ROW, 1, rows)


# --- the 校验 button ---------------------------------------------------------------------------


def output_columns(io: BookIO, raw: RawRegister) -> dict[str, int]:
    """1-based column of each output column, appending the missing ones after the header's last
    used column (and growing the register's table to cover them)."""
    positions = match_headers(raw.header).positions
    found = {key: positions[key] + 1 for key in OUTPUT_KEYS if key in positions}
    missing = [key for key in OUTPUT_KEYS if key not in found]
    if not missing:
        return found
    used = [i for i, value in enumerate(raw.header) if value not in (None, "")]
    first_new = (max(used) + 2) if used else 1
    headers = [next(c.header for c in OUTPUT_COLUMNS if c.key == key) for key in missing]
    io.write(raw.sheet, raw.header_row, first_new, [headers])
    for offset, key in enumerate(missing):
        found[key] = first_new + offset
    _grow_table(io, raw, first_new + len(missing) - 1)
    return found


def _grow_table(io: BookIO, raw: RawRegister, last_column: int) -> None:
    for name, address in io.tables(raw.sheet):
        start, _, end = address.replace("$", "").partition(":")
        start_row = int("".join(ch for ch in start if ch.isdigit()))
        end_letters = "".join(ch for ch in end if ch.isalpha())
        if start_row == raw.header_row and _column_number(end_letters) < last_column:
            end_row = "".join(ch for ch in end if ch.isdigit())
            io.resize_table(raw.sheet, name, f"{start}:{column_letter(last_column - 1)}{end_row}")


def _id_runs(rows: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for row in sorted(rows):
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    return runs


def write_case_ids(io: BookIO, raw: RawRegister, assigned: dict[int, str]) -> None:
    """Write only the blank 售后单号 (the one input the add-in may fill), in few bulk calls."""
    if not assigned:
        return
    column = match_headers(raw.header).positions["case_id"] + 1
    runs = _id_runs(list(assigned))
    if len(runs) <= MAX_ID_RUNS:
        for run in runs:
            io.write(raw.sheet, run[0], column, [[assigned[row]] for row in run])
        return
    values = io.values(raw.sheet)
    top, bottom = min(assigned), max(assigned)
    block = []
    for row in range(top, bottom + 1):
        current = values[row - 1][column - 1] if row - 1 < len(values) and column - 1 < len(values[row - 1]) else None
        block.append([assigned.get(row, current)])
    io.write(raw.sheet, top, column, block)


def write_outputs(io: BookIO, raw: RawRegister, report: Report, columns: dict[str, int]) -> None:
    """推荐方案, 补偿上限, 截止时间, 校验 for every row below the header (blank where no case)."""
    last_row = max(len(io.values(raw.sheet)), max((r for r, _ in raw.rows), default=raw.header_row))
    by_row = {result.case.row: result for result in report.results}
    issues: dict[int, list[Issue]] = defaultdict(list)
    for issue in report.issues:
        if issue.sheet == raw.sheet and issue.row is not None:
            issues[issue.row].append(issue)
    lines: list[dict[str, object]] = []
    for row in range(raw.header_row + 1, last_row + 1):
        result = by_row.get(row)
        if result is None:
            lines.append(dict.fromkeys(OUTPUT_KEYS, ""))
            continue
        rec = result.recommendation
        lines.append({
            "recommended": recommended_text(rec),
            "ceiling": rec.ceiling if rec and rec.ceiling is not None else "",
            "deadline": result.deadline or "",
            "check": check_text(issues.get(row, [])),
        })
    ordered = sorted(OUTPUT_KEYS, key=lambda key: columns[key])
    first = columns[ordered[0]]
    if [columns[key] for key in ordered] == list(range(first, first + len(ordered))):
        io.write(raw.sheet, raw.header_row + 1, first, [[line[key] for key in ordered] for line in lines])
    else:
        for key in OUTPUT_KEYS:
            io.write(raw.sheet, raw.header_row + 1, columns[key], [[line[key]] for line in lines])


def validate_action(session: Session) -> str:
    io = session.io
    raw = session.register()
    assigned = assign_case_ids(raw, session.now)
    numbered = with_case_ids(raw, assigned)
    policy, policy_issues = session.policy()
    report = validate(numbered, session.now, policy, policy_issues)
    columns = output_columns(io, numbered)
    write_case_ids(io, numbered, assigned)
    write_outputs(io, numbered, report, columns)
    row_worst: dict[Place, Severity] = {}
    for issue in report.issues:
        if issue.sheet == numbered.sheet and issue.row is not None and issue.severity in COLOUR_OF:
            place = (numbered.sheet, issue.row, columns["check"])
            if row_worst.get(place) is not Severity.ERROR:
                row_worst[place] = issue.severity
    apply_colours(io, issue_colours(report.issues, row_worst))
    summary = (
        f"{len(report.results)} 条售后：错误 {report.errors} 个，警告 {report.warnings} 个，"
        f"超时未给方案 {report.overdue} 条"
    )
    if assigned:
        summary += f"；新编号 {len(assigned)} 个"
    return summary
