"""Turning raw register rows into cases, reporting every unusable cell where it is."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from itertools import compress, repeat
from operator import itemgetter

from aftersales.cells import (
    EARLIEST,
    LATEST,
    Problem,
    cell_text,
    parse_choice,
    parse_datetime,
    parse_integer,
    parse_money,
    parse_order_id,
    parse_text,
)
from aftersales.columns import INPUT_COLUMNS, Column, HeaderMatch, Kind, column_letter, match_headers
from aftersales.issues import Issue, make_issue
from aftersales.model import Case, RawRegister, SourcePos
from aftersales.policy import DEFAULT_POLICY, Policy
from aftersales.suggest import wrong_column_advice
from aftersales.taxonomy import INVISIBLE, CaseType, Resolution

INVISIBLE_ENDS = frozenset(map(chr, INVISIBLE))

_EXPECTED_NUMBER = {Kind.MONEY: "金额数字，如 12.50（可带 ¥ 或 元）"}


def header_issues(raw: RawRegister, match: HeaderMatch) -> list[Issue]:
    return [
        make_issue("header-missing", sheet=raw.sheet, row=raw.header_row, field=column.header, key=column.key)
        for column in match.missing_required
    ]


DECIDE_KEYS = frozenset(
    {
        "case_type", "registered_at", "ordered_at", "signed_at", "sku", "received_sku", "item_amount",
        "shipping_fee", "severity", "evidence_count", "liable_party",
    }
)
"""The inputs the decision table reads (the recommended resolution)."""
RECOMMEND_KEYS = DECIDE_KEYS | {"paid_amount", "order_profit", "resolution"}
"""The inputs `recommend()` reads, ceilings included (the deadline needs only registered_at)."""


def build_cases(
    raw: RawRegister, policy: Policy, keys: Collection[str] | None = None
) -> tuple[list[Case], list[Issue], HeaderMatch]:
    """Parse every row of the register into a Case; problems become issues on their cells.

    `keys` limits parsing to those columns (the others stay None), for functions that need few.
    The work goes column by column: a column's cells are taken out at C speed, values that repeat
    (choices, money, SKUs, agents) are parsed once per distinct value, and only the cells with a
    problem are visited one by one.
    """
    match = match_headers(raw.header)
    letters = {key: column_letter(index) for key, index in match.positions.items()}
    columns = [
        (column, match.positions[column.key])
        for column in INPUT_COLUMNS
        if column.key in match.positions and (keys is None or column.key in keys)
    ]
    row_cells = [cells for _, cells in raw.rows]
    excel_rows = [row for row, _ in raw.rows]
    # Cells column by column in one pass (zip stops at the shortest row: later columns are padded).
    width = min(map(len, row_cells), default=0)
    transposed = list(zip(*row_cells, strict=False)) if row_cells else []
    sheet = raw.sheet
    case_index = match.positions.get("case_id", -1)
    found: list[tuple[int, int, Issue]] = []
    invalid: dict[int, set[str]] = {}
    parsed_keys: list[str] = []
    value_columns: list[list[object]] = []
    for order, (column, index) in enumerate(columns):
        cells = transposed[index] if index < width else _padded_column(row_cells, index)
        outcomes = _parse_column(cells, _parser_for(column, policy), _repeats(column))
        parsed_keys.append(column.key)
        value_columns.append(list(map(_VALUE, outcomes)))
        problems = list(map(_PROBLEMS, outcomes))
        for position in compress(range(len(problems)), problems):
            for problem in problems[position]:
                if problem.severity != "warning":
                    invalid.setdefault(position, set()).add(column.key)
                case_id_cell = row_cells[position][case_index] if 0 <= case_index < len(row_cells[position]) else None
                issue = _cell_issue(sheet, excel_rows[position], column, letters, cells[position], problem, case_id_cell)
                found.append((position, order, issue))
    found.sort(key=lambda item: item[:2])  # row by row, columns in catalogue order, as people read
    issues = header_issues(raw, match) + [issue for _, _, issue in found]
    sources = [SourcePos(sheet, row, letters, match.positions, cells) for row, cells in raw.rows]
    cases = _new_cases(parsed_keys, value_columns, sources, invalid)
    return cases, issues, match


Parser = Callable[[object], tuple[object, list[Problem]]]
_VALUE = itemgetter(0)
_PROBLEMS = itemgetter(1)
_REPEATING_TEXT = frozenset({"platform", "agent", "sku", "received_sku", "approved_by"})


def _repeats(column: Column) -> bool:
    return column.kind in (Kind.CHOICE, Kind.MONEY, Kind.INTEGER) or column.key in _REPEATING_TEXT


def _padded_column(row_cells: list[Sequence[object]], index: int) -> list[object]:
    return [cells[index] if index < len(cells) else None for cells in row_cells]


_FINE: list[Problem] = []
"""The (shared, never changed) empty problem list of a good cell."""
_BLANK: tuple[object, list[Problem]] = (None, _FINE)


def _parse_column(cells: Sequence[object], parser: Parser, repeats: bool) -> list[tuple[object, list[Problem]]]:
    """(value, problems) of every cell; blank cells (None, "") give (None, [])."""
    if repeats:
        try:
            distinct = set(cells)
            # {True, 1} is one element: look at every cell's type only when 0/1 values are there.
            types = set(map(type, cells)) if True in distinct or False in distinct else set()
            if bool in types and types & {int, float}:
                # True == 1 == 1.0 but they parse differently: key by type as well.
                keyed = list(zip(map(type, cells), cells, strict=True))
                table = {key: parser(key[1]) for key in set(keyed) if not _blank(key[1])}
                table.update(dict.fromkeys(((type(None), None), (str, "")), _BLANK))
                return list(map(table.__getitem__, keyed))
            parsed = {cell: _BLANK if _blank(cell) else parser(cell) for cell in distinct}
            return list(map(parsed.__getitem__, cells))
        except TypeError:  # an unhashable cell value: parse cell by cell
            pass
    return [_BLANK if cell is None or (cell.__class__ is str and not cell) else parser(cell) for cell in cells]


def _blank(cell: object) -> bool:
    return cell is None or (cell.__class__ is str and not cell)


_NO_KEYS: frozenset[str] = frozenset()
_CASE_FIELDS = tuple(name for name in Case.model_fields if name not in ("source", "invalid"))


def _new_cases(
    keys: list[str],
    value_columns: list[list[object]],
    sources: list[SourcePos],
    invalid: dict[int, set[str]],
) -> list[Case]:
    """Cases from values the parsers already validated: `model_construct` without its per-field
    default handling, which dominated the time of a 5,000-row column function."""
    unparsed = [name for name in _CASE_FIELDS if name not in keys]
    names = (*keys, *unparsed, "source", "invalid")
    flags = [_NO_KEYS] * len(sources)
    for position, bad in invalid.items():
        flags[position] = frozenset(bad)
    rows = zip(*value_columns, *(repeat(None, len(sources)) for _ in unparsed), sources, flags, strict=True)
    fields_set = set(names)  # shared: pydantic copies it before any change
    new, set_attribute = Case.__new__, object.__setattr__
    cases: list[Case] = []
    for values in rows:
        case = new(Case)
        set_attribute(case, "__dict__", dict(zip(names, values, strict=True)))
        set_attribute(case, "__pydantic_fields_set__", fields_set)
        set_attribute(case, "__pydantic_extra__", None)
        set_attribute(case, "__pydantic_private__", None)
        cases.append(case)
    return cases


def _single(parse: Callable[[object], tuple[object, Problem | None]]) -> Parser:
    def run(cell: object) -> tuple[object, list[Problem]]:
        value, problem = parse(cell)
        return value, _FINE if problem is None else [problem]

    return run


def _datetime_parser() -> Parser:
    general = _single(parse_datetime)

    def run(cell: object) -> tuple[object, list[Problem]]:
        # The usual case, a date cell the reader already made a datetime: nothing to parse.
        if cell.__class__ is datetime and not cell.microsecond and cell.tzinfo is None and EARLIEST <= cell <= LATEST:
            return cell, _FINE
        return general(cell)

    return run


def _text_parser() -> Parser:
    general = _single(parse_text)

    def run(cell: object) -> tuple[object, list[Problem]]:
        if cell.__class__ is str:
            text = cell.strip()
            if text and text[0] != "#" and text[-1] not in INVISIBLE_ENDS:
                return text, _FINE  # plain text: no Excel error, nothing invisible at the ends
        return general(cell)

    return run


def _parser_for(column: Column, policy: Policy) -> Parser:
    if column.kind is Kind.MONEY:
        return _single(parse_money)
    if column.kind is Kind.INTEGER:
        minimum, maximum = column.minimum, column.maximum
        return _single(lambda cell: parse_integer(cell, minimum, maximum))
    if column.kind is Kind.DATETIME:
        return _datetime_parser()
    if column.kind is Kind.CHOICE:
        choices = column.choices
        assert choices is not None
        as_enum: Callable[[str], object] = {"case_type": CaseType, "resolution": Resolution}.get(column.key, str)

        def choice(cell: object) -> tuple[object, list[Problem]]:
            code, problem = parse_choice(cell, choices)
            return (None if code is None else as_enum(code)), _FINE if problem is None else [problem]

        return choice
    if column.kind is Kind.ORDER_ID:
        pattern = policy.order_id_regex
        return lambda cell: parse_order_id(cell, pattern)
    return _text_parser()


def _cell_issue(
    sheet: str,
    row: int,
    column: Column,
    letters: dict[str, str],
    cell: object,
    problem: Problem,
    case_id_cell: object,
) -> Issue:
    params = dict(problem.params)
    if problem.code == "invalid-number":
        minimum, maximum = params.pop("minimum", "0"), params.pop("maximum", None)
        bounds = f" {minimum}–{maximum} 的整数" if maximum is not None else f"不小于 {minimum} 的整数"
        params["expected"] = _EXPECTED_NUMBER.get(column.kind, bounds)
    if problem.code == "invalid-choice":
        closest = params.pop("closest")
        advice = wrong_column_advice(column.key, cell_text(cell) or "")
        params["advice"] = advice or f"请从下拉列表中选择，最接近的是「{closest}」"
    if problem.code == "order-id-as-number":
        lost = int(params["digits"]) > 15
        params["consequence"] = (
            "，Excel 只保留 15 位有效数字，后面几位已经丢失" if lost else "，容易丢掉开头的 0 或变成科学计数法"
        )
    if problem.code == "order-id-format":
        pattern = params.pop("pattern")
        default = pattern == DEFAULT_POLICY.order_id_pattern
        params["expected"] = "应为 12–20 位数字" if default else f"应符合政策中的订单号格式 {pattern}"
    case_id, _ = parse_text(case_id_cell)
    return make_issue(
        problem.code,
        sheet=sheet,
        row=row,
        column=letters[column.key],
        field=column.header,
        value=cell_text(cell),
        case_id=case_id if isinstance(case_id, str) else None,
        severity=problem.severity,
        **params,
    )
