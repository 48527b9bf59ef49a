"""The 校验 button (SPEC §12, §14.7): number blank 售后单号, write 推荐方案 / 补偿上限 / 截止时间 / 校验,
colour the issue cells. The add-in runs it on the open workbook; `aftersales check -o` on a copy."""

from __future__ import annotations

from collections import defaultdict

from aftersales.book import Book
from aftersales.case_ids import assign_case_ids, with_case_ids
from aftersales.colouring import apply_colours, colour_plan
from aftersales.columns import OUTPUT_COLUMNS, column_index, column_letter, match_headers
from aftersales.issues import Issue
from aftersales.model import RawRegister
from aftersales.output_owner import foreign_output_columns
from aftersales.present import check_text, recommended_text
from aftersales.session import NoRegister, Session, write_state_block
from aftersales.sheets import STATE_SHEET
from aftersales.state import OWNED_COLUMNS, block_lines
from aftersales.validate import Report, validate

OUTPUT_KEYS = tuple(column.key for column in OUTPUT_COLUMNS)
OUTPUT_HEADER = {column.key: column.header for column in OUTPUT_COLUMNS}
EXCEL_COLUMNS = 16384
"""XFD: the last column of a sheet."""
SEPARATE_ID_WRITES = 3
"""Up to this many blocks of blank 售后单号 are written one by one; more, in one write (see write_case_ids)."""


def output_columns(io: Book, raw: RawRegister) -> tuple[dict[str, int], list[str]]:
    """1-based column of each output column, appending the missing ones after the header's last
    used column (and growing the register's table to cover them); and the keys appended."""
    positions = match_headers(raw.header).positions
    found = {key: positions[key] + 1 for key in OUTPUT_KEYS if key in positions}
    missing = [key for key in OUTPUT_KEYS if key not in found]
    if not missing:
        return found, []
    occupied = _occupied_columns(io, raw)
    first_new = _free_columns(occupied, len(missing), len(raw.header))
    headers = [next(c.header for c in OUTPUT_COLUMNS if c.key == key) for key in missing]
    io.write(raw.sheet, raw.header_row, first_new, [headers])
    for offset, key in enumerate(missing):
        found[key] = first_new + offset
    _grow_table(io, raw, first_new, first_new + len(missing) - 1)
    return found, missing


def _area(address: str) -> tuple[int, int, int, int]:
    """(first row, first column, last row, last column), 1-based, of "A1:C3" / "$A$1:$C$3" / "B2"."""
    first, _, last = address.replace("$", "").partition(":")
    corners = []
    for corner in (first, last or first):
        letters = "".join(ch for ch in corner if ch.isalpha())
        digits = "".join(ch for ch in corner if ch.isdigit())
        corners.append((int(digits), column_index(letters) + 1))
    return corners[0][0], corners[0][1], corners[1][0], corners[1][1]


def _occupied_columns(io: Book, raw: RawRegister) -> set[int]:
    """Columns (1-based) the outputs must not go into, from the header row down: any value (data may
    reach further right than its header), a table, a merged area."""
    rows = io.values(raw.sheet)[raw.header_row - 1 :]
    occupied = {i + 1 for row in rows for i, value in enumerate(row) if value not in (None, "")}
    for address in [address for _, address in io.tables(raw.sheet)] + io.merged_areas(raw.sheet):
        _top, left, bottom, right = _area(address)
        if bottom >= raw.header_row:
            occupied.update(range(left, right + 1))
    return occupied


def _free_columns(occupied: set[int], count: int, header_width: int) -> int:
    """The first of `count` free columns: right of everything occupied when Excel has room there, else
    the first free run right of the header (a stray value near XFD must not push them off the sheet)."""
    after_all = max(occupied, default=0) + 1
    if after_all + count - 1 <= EXCEL_COLUMNS:
        return after_all
    for start in range(header_width + 1, EXCEL_COLUMNS - count + 2):
        if not occupied.intersection(range(start, start + count)):
            return start
    raise NoRegister("登记表右边没有连续的空列可以写校验结果：请删掉表头右边不用的内容（如最右边 XFD 列附近的值）后再校验。")


def _grow_table(io: Book, raw: RawRegister, first_new: int, last_new: int) -> None:
    """Grow the register's own table (on the header row, holding its headers, ending right before the
    new columns) over them; any other table, or one with a gap before the new columns, is left as it is."""
    first_header = min(match_headers(raw.header).positions.values(), default=0) + 1
    for name, address in io.tables(raw.sheet):
        top, left, bottom, right = _area(address)
        if top == raw.header_row and left <= first_header <= right and right == first_new - 1:
            start = address.replace("$", "").partition(":")[0]
            io.resize_table(raw.sheet, name, f"{start}:{column_letter(last_new - 1)}{bottom}")


def _id_runs(rows: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for row in sorted(rows):
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    return runs


def write_case_ids(io: Book, raw: RawRegister, assigned: dict[int, str]) -> None:
    """Write the new 售后单号 (the one input the add-in may fill), every blank one in one click.

    A few blocks of blank cells are written block by block, touching nothing else. Many scattered
    ones are written in one call from the first to the last, the 售后单号 between written back as they
    were read (text stays text: '000123 is written as text): each separate write makes Excel's engine
    rescan the sheet, and 50 of them took 45 s on 20,000 rows (issue 15 item 9)."""
    if not assigned:
        return
    column = match_headers(raw.header).positions["case_id"] + 1
    runs = _id_runs(list(assigned))
    if len(runs) <= SEPARATE_ID_WRITES:
        for run in runs:
            io.write(raw.sheet, run[0], column, [[assigned[row]] for row in run])
        return
    values = io.values(raw.sheet)
    first, last = runs[0][0], runs[-1][-1]

    def as_read(row: int) -> object:
        line = values[row - 1] if row - 1 < len(values) else []
        return line[column - 1] if column - 1 < len(line) else None

    io.write(raw.sheet, first, column, [[assigned.get(row, as_read(row))] for row in range(first, last + 1)])


def write_outputs(io: Book, raw: RawRegister, report: Report, columns: dict[str, int]) -> None:
    """推荐方案, 补偿上限, 截止时间, 校验 for every row below the header (blank where no case)."""
    last_row = max(len(io.values(raw.sheet)), max((r for r, _ in raw.rows), default=raw.header_row))
    by_row = {result.case.row: result for result in report.results}
    issues: dict[int, list[Issue]] = defaultdict(list)
    for issue in report.issues:
        if issue.sheet == raw.sheet and issue.row is not None:
            issues[issue.row].append(issue)
    lines: list[dict[str, object]] = []
    blank: dict[str, object] = dict.fromkeys(OUTPUT_KEYS, "")  # one for every row without a case
    for row in range(raw.header_row + 1, last_row + 1):
        result = by_row.get(row)
        if result is None:
            lines.append(blank)
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


def validate_action(session: Session) -> str:
    io = session.io
    raw = session.register()
    assigned = assign_case_ids(raw, session.now)
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
    plan = colour_plan(numbered, report, ours)
    session.finishing.append(lambda: apply_colours(io, plan))  # after the values and the log line
    return summary


# --- the 生成单据 and 退款表 buttons ---------------------------------------------------------------
