"""Issue colours in the register (SPEC §12): errors light red, warnings light yellow, each row's 校验
cell in its worst; the add-in's own old colours cleared (and only those), remembered in the state sheet."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from aftersales.book import COLOURS_PER_CALL, Book
from aftersales.columns import OUTPUT_COLUMNS, column_index, column_letter
from aftersales.issues import Issue, Severity
from aftersales.model import RawRegister
from aftersales.session import ensure_state_sheet
from aftersales.sheets import (
    ERROR_COLOUR,
    OUTPUT_FILL,
    POLICY_SHEET,
    STATE_HEADER_ROW,
    STATE_HEADERS,
    STATE_SHEET,
    WARNING_COLOUR,
)
from aftersales.validate import Report

COLOUR_OF = {Severity.ERROR: ERROR_COLOUR, Severity.WARNING: WARNING_COLOUR}

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
    sheets: frozenset[str] = frozenset()
    """The sheets this run judges: remembered colours on other sheets (another register sheet checked
    with --sheet) are neither cleared nor forgotten."""

    def judges(self, sheet: str) -> bool:
        return not self.sheets or sheet in self.sheets

    def locate(self, sheet: str, case_id: str, header: str) -> Place | None:
        row = self.rows_by_id.get((sheet, case_id))
        column = self.columns_by_header.get((sheet, header))
        return None if row is None or column is None else (sheet, row, column)


def previous_colours(io: Book, plan: ColourPlan) -> dict[Place, str]:
    """The cells the add-in coloured last time, where they are now (gone rows and sheets skipped)."""
    if STATE_SHEET not in io.sheet_names():
        return {}
    sheets = set(io.sheet_names())
    found: dict[Place, str] = {}
    for row in io.values(STATE_SHEET)[STATE_HEADER_ROW:]:
        cells = [("" if value is None else str(value)) for value in [*row, "", "", "", "", ""][:5]]
        sheet, address, colour, case_id, header = cells
        if not (sheet and colour) or sheet not in sheets or not plan.judges(sheet):
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


def apply_colours(io: Book, plan: ColourPlan) -> None:
    """Colour the wanted cells and give the add-in's own old colours back their base fill.

    Every wanted colour is sent again (a pasted row loses its fill; this puts it back), in blocks from
    the first to the last cell to change, every other cell in them kept as it is. Neighbouring columns
    share a block when that needs no more calls (a call carries at most COLOURS_PER_CALL cells): the
    number of calls depends on where the problems are, not on the rows (issue 15 item 9). The cells
    coloured are remembered in the state sheet.
    """
    before = previous_colours(io, plan)
    by_column: dict[tuple[str, int], dict[int, str | None]] = defaultdict(dict)
    for place in set(before) | set(plan.wanted):
        sheet, row, column = place
        by_column[(sheet, column)][row] = plan.wanted.get(place, plan.base_fills.get((sheet, column)))
    for sheet, columns in _blocks(by_column):
        cells = {(row, column): colour for column in columns for row, colour in by_column[(sheet, column)].items()}
        top, bottom = min(r for r, _ in cells), max(r for r, _ in cells)
        left, right = columns[0], columns[-1]
        io.set_colours(sheet, top, left, [[cells.get((r, c), ...) for c in range(left, right + 1)]
                                          for r in range(top, bottom + 1)])
    save_colour_state(io, plan)


def _calls(top: int, bottom: int, left: int, right: int) -> int:
    return -(-((bottom - top + 1) * (right - left + 1)) // COLOURS_PER_CALL)


def _blocks(by_column: dict[tuple[str, int], dict[int, str | None]]) -> list[tuple[str, list[int]]]:
    """Columns to colour, grouped left to right into blocks that cost no more calls than apart."""
    blocks: list[tuple[str, list[int], int, int, int]] = []  # sheet, columns, top, bottom, calls
    for (sheet, column), rows in sorted(by_column.items()):
        top, bottom = min(rows), max(rows)
        if blocks and blocks[-1][0] == sheet:
            _, columns, block_top, block_bottom, calls = blocks[-1]
            merged_top, merged_bottom = min(top, block_top), max(bottom, block_bottom)
            if _calls(merged_top, merged_bottom, columns[0], column) <= calls + _calls(top, bottom, column, column):
                blocks[-1] = (sheet, [*columns, column], merged_top, merged_bottom,
                              _calls(merged_top, merged_bottom, columns[0], column))
                continue
        blocks.append((sheet, [column], top, bottom, _calls(top, bottom, column, column)))
    return [(sheet, columns) for sheet, columns, *_ in blocks]


def save_colour_state(io: Book, plan: ColourPlan) -> None:
    """Remember the coloured cells (written as text, so a sheet named 11-21 stays a name)."""
    rows: list[list[object]] = [list(STATE_HEADERS)]
    for place, colour in sorted(plan.wanted.items()):
        sheet, row, column = place
        case_id, header = plan.keys.get(place, ("", ""))
        rows.append([sheet, f"{column_letter(column - 1)}{row}", colour, case_id, header])
    old = io.values(STATE_SHEET)[STATE_HEADER_ROW - 1 :] if STATE_SHEET in io.sheet_names() else []
    old_rows = [[("" if v is None else str(v)) for v in [*line, "", "", "", "", ""][:5]] for line in old]
    old_rows = [line for line in old_rows if any(line)]
    sheets = set(io.sheet_names())
    rows += [list[object](line) for line in old_rows[1:] if line[0] in sheets and not plan.judges(line[0])]
    if old_rows == [[str(v) for v in line] for line in rows]:
        return  # nothing changed: no write
    ensure_state_sheet(io)
    rows += [[""] * len(STATE_HEADERS)] * max(0, len(old_rows) - len(rows))
    last_row = STATE_HEADER_ROW + len(rows) - 1
    io.set_number_format(STATE_SHEET, f"A{STATE_HEADER_ROW}:{column_letter(len(STATE_HEADERS) - 1)}{last_row}", "@")
    io.write(STATE_SHEET, STATE_HEADER_ROW, 1, rows)


# --- the 校验 button ---------------------------------------------------------------------------


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
        sheets=frozenset({raw.sheet, POLICY_SHEET, *(place[0] for place in wanted)}),
    )

