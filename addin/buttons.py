"""What every button does around its own work: read the register once, hand it to `aftersales/`,
write back in bulk, colour issue cells (clearing only its own old colours), log one line to 操作记录.

A button is `run_button(book, label, action)` with `action(session) -> summary`; the later buttons
(生成单据, 退款表, 日结) add only their action. No business rule lives here.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

import xlwings as xw

from addin.layout import ERROR_COLOUR, OUTPUT_FILL, WARNING_COLOUR
from addin.sheet_io import BookIO, Formula
from aftersales.case_ids import assign_case_ids, with_case_ids
from aftersales.cells import format_money, parse_datetime
from aftersales.columns import OUTPUT_COLUMNS, column_index, column_letter, find_header_row, match_headers
from aftersales.eod import end_of_day, report_grid
from aftersales.issues import Issue, Severity
from aftersales.ledger import Ledger, is_ledger_sheet, next_batch, read_ledger
from aftersales.locate import (
    HEADER_SEARCH_ROWS,
    choose_register_sheet,
    other_register_sheets,
    other_sheets_issue,
    register_from_rows,
)
from aftersales.model import RawRegister
from aftersales.output_owner import foreign_output_columns
from aftersales.policy import DEFAULT_POLICY, Policy, parse_policy
from aftersales.present import check_text, recommended_text
from aftersales.refunds import RefundRow, refund_sheet
from aftersales.sheets import (
    CLOCK_CELL,
    EOD_SHEET,
    LOG_HEADERS,
    LOG_SHEET,
    PAID_SHEET,
    PENDING_HEADERS,
    PENDING_SHEET,
    POLICY_SHEET,
    REFUND_HEADERS,
    REFUND_SHEET,
    STATE_HEADER_ROW,
    STATE_HEADERS,
    STATE_SHEET,
    VOUCHER_HEADERS,
    VOUCHER_SHEET,
)
from aftersales.state import BATCHES, EXPORTS, OWNED_COLUMNS, StateBlock, block_column, block_lines, block_table
from aftersales.validate import Report, validate
from aftersales.vouchers import Voucher, orphaned_vouchers, parse_voucher_rows, regenerate, vouchers_only

COLOUR_OF = {Severity.ERROR: ERROR_COLOUR, Severity.WARNING: WARNING_COLOUR}
OUTPUT_KEYS = tuple(column.key for column in OUTPUT_COLUMNS)
OUTPUT_HEADER = {column.key: column.header for column in OUTPUT_COLUMNS}
MAX_ID_RUNS = 50
"""At most this many separate blocks of blank 售后单号 are numbered in one run (the rest next run)."""


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
    """Run one button: its action, then one line in 操作记录. Problems become that line, never a traceback."""
    io = BookIO(book)
    session = Session(io, workbook_now(io))
    try:
        with io.quiet():
            summary = action(session)
    except NoRegister as problem:
        summary = str(problem)
        io.alert(summary, title=label)
    except Exception as error:  # a bug: tell the user plainly (writes already queued still happen)
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
    if last < 0:  # the sheet is there but empty: give it its header first
        io.write(LOG_SHEET, 1, 1, [list(LOG_HEADERS), line])
        return
    io.write(LOG_SHEET, last + 2, 1, [line])


# --- colours -----------------------------------------------------------------------------------

Place = tuple[str, int, int]
"""(sheet, Excel row, 1-based column)."""


def _column_number(letters: str) -> int:
    """1-based column number of Excel column letters."""
    return column_index(letters) + 1


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


@dataclass(frozen=True)
class ColourPlan:
    """The cells to colour now, and how to find and restore cells across runs.

    A register cell is remembered by its row's 售后单号 and its column's header, so sorting or
    deleting rows does not make the add-in clear someone else's cell; other cells by address.
    """

    wanted: dict[Place, str]
    keys: dict[Place, tuple[str, str]] = field(default_factory=dict)
    """Register cell → (售后单号, header)."""
    rows_by_id: dict[tuple[str, str], int] = field(default_factory=dict)
    """(sheet, 售后单号) → its (first) Excel row now."""
    columns_by_header: dict[tuple[str, str], int] = field(default_factory=dict)
    """(sheet, header) → its 1-based column now."""
    base_fills: dict[tuple[str, int], str] = field(default_factory=dict)
    """(sheet, column) → the fill a cleared cell goes back to (the template's grey output columns)."""

    def locate(self, sheet: str, case_id: str, header: str) -> Place | None:
        row = self.rows_by_id.get((sheet, case_id))
        column = self.columns_by_header.get((sheet, header))
        return None if row is None or column is None else (sheet, row, column)


def previous_colours(io: BookIO, plan: ColourPlan) -> dict[Place, str]:
    """The cells the add-in coloured last time, where they are now (gone rows and sheets skipped)."""
    if STATE_SHEET not in io.sheet_names():
        return {}
    sheets = set(io.sheet_names())
    found: dict[Place, str] = {}
    for row in io.values(STATE_SHEET)[STATE_HEADER_ROW:]:
        cells = [("" if value is None else str(value)) for value in [*row, "", "", "", "", ""][:5]]
        sheet, address, colour, case_id, header = cells
        if not (sheet and colour) or sheet not in sheets:
            continue
        place: Place | None
        if case_id and header:
            place = plan.locate(sheet, case_id, header)
        else:
            letters = "".join(ch for ch in address if ch.isalpha())
            digits = "".join(ch for ch in address if ch.isdigit())
            place = (sheet, int(digits), _column_number(letters)) if letters and digits else None
        if place is not None:
            found[place] = colour
    return found


def apply_colours(io: BookIO, plan: ColourPlan) -> None:
    """Colour the wanted cells and give the add-in's own old colours back their base fill.

    Every wanted colour is sent again (a pasted row loses its fill; this puts it back), one
    `set_colors` per column (cells between keep their fill): the number of calls depends on the
    columns, not the rows. The cells coloured are remembered in the state sheet.
    """
    before = previous_colours(io, plan)
    by_column: dict[tuple[str, int], dict[int, str | None]] = defaultdict(dict)
    for place in set(before) | set(plan.wanted):
        sheet, row, column = place
        by_column[(sheet, column)][row] = plan.wanted.get(place, plan.base_fills.get((sheet, column)))
    for (sheet, column), rows in sorted(by_column.items()):
        top, bottom = min(rows), max(rows)
        io.set_colours(sheet, top, column, [[rows.get(r, ...)] for r in range(top, bottom + 1)])
    save_colour_state(io, plan)


def ensure_state_sheet(io: BookIO) -> None:
    if STATE_SHEET in io.sheet_names():
        return
    io.add_sheet(STATE_SHEET, hidden=True)
    io.write(STATE_SHEET, 1, 1, [["当前时间", ""]])
    io.set_formula(STATE_SHEET, CLOCK_CELL, "=NOW()")
    io.set_number_format(STATE_SHEET, CLOCK_CELL, "yyyy-mm-dd hh:mm:ss")


def save_colour_state(io: BookIO, plan: ColourPlan) -> None:
    """Remember the coloured cells (written as text, so a sheet named 11-21 stays a name)."""
    rows: list[list[object]] = [list(STATE_HEADERS)]
    for place, colour in sorted(plan.wanted.items()):
        sheet, row, column = place
        case_id, header = plan.keys.get(place, ("", ""))
        rows.append([sheet, f"{column_letter(column - 1)}{row}", colour, case_id, header])
    old = io.values(STATE_SHEET)[STATE_HEADER_ROW - 1 :] if STATE_SHEET in io.sheet_names() else []
    old_rows = [[("" if v is None else str(v)) for v in [*line, "", "", "", "", ""][:5]] for line in old]
    old_rows = [line for line in old_rows if any(line)]
    if old_rows == [[str(v) for v in line] for line in rows]:
        return  # nothing changed: no write
    ensure_state_sheet(io)
    rows += [[""] * len(STATE_HEADERS)] * max(0, len(old_rows) - len(rows))
    last_row = STATE_HEADER_ROW + len(rows) - 1
    io.set_number_format(STATE_SHEET, f"A{STATE_HEADER_ROW}:{column_letter(len(STATE_HEADERS) - 1)}{last_row}", "@")
    io.write(STATE_SHEET, STATE_HEADER_ROW, 1, rows)


# --- the 校验 button ---------------------------------------------------------------------------


def output_columns(io: BookIO, raw: RawRegister) -> tuple[dict[str, int], list[str]]:
    """1-based column of each output column, appending the missing ones after the header's last
    used column (and growing the register's table to cover them); and the keys appended."""
    positions = match_headers(raw.header).positions
    found = {key: positions[key] + 1 for key in OUTPUT_KEYS if key in positions}
    missing = [key for key in OUTPUT_KEYS if key not in found]
    if not missing:
        return found, []
    # After every used column, not only the header's: data may reach further right than its header.
    rows = io.values(raw.sheet)[raw.header_row - 1 :]
    used = [i for row in rows for i, value in enumerate(row) if value not in (None, "")]
    first_new = (max(used) + 2) if used else 1
    headers = [next(c.header for c in OUTPUT_COLUMNS if c.key == key) for key in missing]
    io.write(raw.sheet, raw.header_row, first_new, [headers])
    for offset, key in enumerate(missing):
        found[key] = first_new + offset
    _grow_table(io, raw, first_new + len(missing) - 1)
    return found, missing


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


def ids_to_write(assigned: dict[int, str]) -> tuple[dict[int, str], int]:
    """The new 售后单号 written this run (at most MAX_ID_RUNS blocks of adjacent rows), and how many
    blank ones wait for the next run. Only blank cells are ever written: rewriting the ones between
    would turn a formula into its value, or '000123' into 123."""
    runs = _id_runs(list(assigned))
    kept = [row for run in runs[:MAX_ID_RUNS] for row in run]
    return {row: assigned[row] for row in kept}, len(assigned) - len(kept)


def write_case_ids(io: BookIO, raw: RawRegister, assigned: dict[int, str]) -> None:
    """Write the new 售后单号 (the one input the add-in may fill), one call per block of rows."""
    if not assigned:
        return
    column = match_headers(raw.header).positions["case_id"] + 1
    for run in _id_runs(list(assigned)):
        io.write(raw.sheet, run[0], column, [[assigned[row]] for row in run])


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
    ordered = sorted(columns, key=lambda key: columns[key])
    if not ordered:
        return
    first = columns[ordered[0]]
    if [columns[key] for key in ordered] == list(range(first, first + len(ordered))):
        io.write(raw.sheet, raw.header_row + 1, first, [[line[key] for key in ordered] for line in lines])
    else:
        for key in ordered:
            io.write(raw.sheet, raw.header_row + 1, columns[key], [[line[key]] for line in lines])


def colour_plan(raw: RawRegister, report: Report, columns: dict[str, int]) -> ColourPlan:
    """Issue cells in their severity's colour, each row's 校验 cell in its worst."""
    row_worst: dict[Place, Severity] = {}
    for issue in report.issues:
        if "check" in columns and issue.sheet == raw.sheet and issue.row is not None and issue.severity in COLOUR_OF:
            place = (raw.sheet, issue.row, columns["check"])
            if row_worst.get(place) is not Severity.ERROR:
                row_worst[place] = issue.severity
    wanted = issue_colours(report.issues, row_worst)
    headers = {index + 1: str(value) for index, value in enumerate(raw.header) if value not in (None, "")}
    for key, column in columns.items():
        headers[column] = next(c.header for c in OUTPUT_COLUMNS if c.key == key)
    ids = {result.case.row: result.case.case_id for result in report.results if result.case.case_id}
    keys = {
        place: (ids[place[1]], headers[place[2]])
        for place in wanted
        if place[0] == raw.sheet and place[1] in ids and place[2] in headers
    }
    rows_by_id: dict[tuple[str, str], int] = {}
    for row, case_id in sorted(ids.items()):
        rows_by_id.setdefault((raw.sheet, case_id), row)
    return ColourPlan(
        wanted=wanted,
        keys=keys,
        rows_by_id=rows_by_id,
        columns_by_header={(raw.sheet, header): column for column, header in headers.items()},
        base_fills={(raw.sheet, column): OUTPUT_FILL for column in columns.values()},
    )


def validate_action(session: Session) -> str:
    io = session.io
    raw = session.register()
    assigned, waiting = ids_to_write(assign_case_ids(raw, session.now))
    numbered = with_case_ids(raw, assigned)
    policy, policy_issues = session.policy()
    workbook_issues = session.workbook_issues()
    report = validate(numbered, session.now, policy, [*workbook_issues, *policy_issues])
    columns, created = output_columns(io, numbered)
    state = io.values(STATE_SHEET) if STATE_SHEET in io.sheet_names() else []
    owned_lines = block_lines(state, OWNED_COLUMNS)
    foreign = foreign_output_columns(numbered.sheet, io.values(numbered.sheet)[numbered.header_row:], columns,
                                     {(line[0], line[1], line[2]) for line in owned_lines}, created)
    ours = {key: column for key, column in columns.items() if key not in foreign}
    write_case_ids(io, numbered, assigned)
    write_outputs(io, numbered, report, ours)
    summary = (
        f"{len(report.results)} 条售后：错误 {report.errors} 个，警告 {report.warnings} 个，"
        f"超时未给方案 {report.overdue} 条"
    )
    for issue in workbook_issues:
        summary += f"；[{issue.code}] {issue.message}"
    if foreign:
        named = "、".join(f"「{OUTPUT_HEADER[key]}」列（{letter}）" for key, letter in foreign.items())
        warning = (f"{named}里有你自己的内容，这一列没有写入：请把它改个名字（如「我的{OUTPUT_HEADER[next(iter(foreign))]}」），"
                   "再按一次校验，本工具会在表头后面加上自己的列")
        summary += "；" + warning
        io.alert(warning, title="校验")
    headers_now = {(numbered.sheet, OUTPUT_HEADER[key], column_letter(column - 1)) for key, column in ours.items()}
    kept = [line for line in owned_lines if (line[0], line[1]) not in {(s, h) for s, h, _ in headers_now}]
    if set(map(tuple, kept)) | headers_now != {tuple(line) for line in owned_lines}:
        write_state_block(io, OWNED_COLUMNS, [*kept, *sorted(headers_now)])
    if assigned:
        summary += f"；新编号 {len(assigned)} 个"
    if waiting:
        summary += f"；还有 {waiting} 个空白售后单号，请再按一次校验"
    try:
        apply_colours(io, colour_plan(numbered, report, ours))
    except Exception as error:  # colours are a help: the check itself is written already
        summary += f"；单元格颜色未更新（{type(error).__name__}: {error}）"
    return summary


# --- the 生成单据 and 退款表 buttons ---------------------------------------------------------------


def _checked(session: Session) -> Report:
    policy, policy_issues = session.policy()
    return validate(session.register(), session.now, policy, [*session.workbook_issues(), *policy_issues])


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
    report = _checked(session)
    cases = [result.case for result in report.results]
    values = io.values(VOUCHER_SHEET) if VOUCHER_SHEET in io.sheet_names() else []
    top, left = _header_cell(values, VOUCHER_HEADERS[0])
    width = len(VOUCHER_HEADERS)
    typed = [(list(line[left : left + width]) + [""] * width)[:width] for line in values[top + 1 :]]
    existing = parse_voucher_rows(values)
    solved = [c for c in cases if c.resolution is not None]
    # Every case in the register: one whose 处理方案 was removed loses its drafts (posted ones reversed).
    scope = {c.case_id for c in cases if c.case_id}
    sheet = regenerate(cases, existing, scope)
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


def write_state_block(io: BookIO, block: StateBlock, lines: Sequence[Sequence[object]]) -> None:
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


def _ledger_lines(io: BookIO, ledger: Ledger, rows: Sequence[RefundRow]) -> None:
    """Append a batch under the 退款表 header, below every line already there, in the header's own
    columns: nothing above the header or over a line someone typed is ever written."""
    values = io.values(REFUND_SHEET)
    last = max((i for i, row in enumerate(values) if any(v not in (None, "") for v in row)), default=-1)
    assert ledger.header is not None
    columns = ledger.columns
    lines = [row.values() for row in rows]
    start = ledger.header[1]
    if list(columns) == list(range(start, start + len(columns))):
        io.write(REFUND_SHEET, last + 2, start + 1, lines)
        return
    for index, column in enumerate(columns):
        if column >= 0:
            io.write(REFUND_SHEET, last + 2, column + 1, [[line[index]] for line in lines])


def refund_action(session: Session) -> str:
    """退款表: append the payable cases as a new batch of the ledger, refresh 待处理 and 已付."""
    io = session.io
    report = _checked(session)
    day = session.now.date()
    names = io.sheet_names()
    state = io.values(STATE_SHEET) if STATE_SHEET in names else []
    ledger = read_ledger({name: io.values(name) for name in names if is_ledger_sheet(name)}, state)
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
ALARM_COLOUR = ERROR_COLOUR


def eod_action(session: Session) -> str:
    """日结: the day's report on sheet 日结 (figures, lists linked to the register rows, two charts)."""
    io = session.io
    report = _checked(session)
    day = session.now.date()
    eod = end_of_day(report, day)
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
    io.set_colours(EOD_SHEET, 1, 1, [[ALARM_COLOUR if r in alarms else None] * EOD_COLUMNS
                                     for r in range(1, len(lines) + 1)])
    for index, (_title, first, last) in enumerate(grid.charts):
        io.bar_chart(EOD_SHEET, f"AS_chart_{index + 1}", f"A{first - 1}:B{last}", top=15 + index * 320, left=560)
    return (f"日结 {day:%Y-%m-%d}：登记 {eod.registered} 条，当天给方案 {eod.solved_pct}%，超时 {len(eod.overdue)} 条，"
            f"未返现 {len(eod.cashback_unpaid)} 笔，错误 {eod.error_count} 个")
