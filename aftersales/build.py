"""Turning raw register rows into cases, reporting every unusable cell where it is."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

from aftersales.cells import (
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
    """
    match = match_headers(raw.header)
    letters = {key: column_letter(index) for key, index in match.positions.items()}
    columns = [
        (column, match.positions[column.key])
        for column in INPUT_COLUMNS
        if column.key in match.positions and (keys is None or column.key in keys)
    ]
    # One plan entry per parsed column: key, cell index, catalogue column, parse cache, parser.
    # Values that repeat (choices, money, SKUs, agents) are parsed once per run; unique ones
    # (times, order numbers, free text) are not cached: the cache would only cost memory.
    plan = [
        (column.key, index, column, {} if _repeats(column) else None, _parser_for(column, policy))
        for column, index in columns
    ]  # type: list[tuple[str, int, Column, dict[tuple[type, object], tuple[object, list[Problem]]] | None, Parser]]
    cases: list[Case] = []
    issues = header_issues(raw, match)
    case_index = match.positions.get("case_id", -1)
    sheet = raw.sheet
    for excel_row, cells in raw.rows:
        values: dict[str, Any] = {}
        invalid: set[str] | None = None
        width = len(cells)
        for key, index, column, cache, parser in plan:
            cell = cells[index] if index < width else None
            if cell is None or (cell.__class__ is str and not cell):
                continue
            parsed: tuple[object, list[Problem]] | None = None
            if cache is not None:
                token = (cell.__class__, cell)  # the type too: True == 1 == 1.0, but they parse differently
                try:
                    parsed = cache.get(token)
                    if parsed is None:
                        parsed = cache[token] = parser(cell)
                except TypeError:  # an unhashable cell value
                    parsed = None
            if parsed is None:
                parsed = parser(cell)
            value, problems = parsed
            if value is not None:
                values[key] = value
            for problem in problems:
                if problem.severity != "warning":
                    invalid = (invalid or set()) | {key}
                case_id_cell = cells[case_index] if 0 <= case_index < width else None
                issues.append(_cell_issue(sheet, excel_row, column, letters, cell, problem, case_id_cell))
        source = SourcePos(sheet, excel_row, letters, match.positions, cells)
        cases.append(_new_case(source, frozenset(invalid) if invalid else _NO_KEYS, values))
    return cases, issues, match


_REPEATING_TEXT = frozenset({"platform", "agent", "sku", "received_sku", "approved_by"})


def _repeats(column: Column) -> bool:
    return column.kind in (Kind.CHOICE, Kind.MONEY, Kind.INTEGER) or column.key in _REPEATING_TEXT


_NO_KEYS: frozenset[str] = frozenset()
_CASE_DEFAULTS: dict[str, Any] = {name: None for name in Case.model_fields if name not in ("source", "invalid")}


def _new_case(source: SourcePos, invalid: frozenset[str], values: dict[str, Any]) -> Case:
    """A Case from values the parsers already validated: `model_construct` without its per-field
    default handling, which dominated the time of a 5,000-row column function."""
    fields = {**_CASE_DEFAULTS, **values, "source": source, "invalid": invalid}
    case = Case.__new__(Case)
    object.__setattr__(case, "__dict__", fields)
    object.__setattr__(case, "__pydantic_fields_set__", set(values) | {"source", "invalid"})
    object.__setattr__(case, "__pydantic_extra__", None)
    object.__setattr__(case, "__pydantic_private__", None)
    return case


Parser = Callable[[object], tuple[object, list[Problem]]]


_FINE: list[Problem] = []
"""The (shared, never changed) empty problem list of a good cell."""


def _single(parse: Callable[[object], tuple[object, Problem | None]]) -> Parser:
    def run(cell: object) -> tuple[object, list[Problem]]:
        value, problem = parse(cell)
        return value, _FINE if problem is None else [problem]

    return run


def _datetime_parser() -> Parser:
    general = _single(parse_datetime)

    def run(cell: object) -> tuple[object, list[Problem]]:
        # The usual case, a date cell the reader already made a datetime: nothing to parse.
        if cell.__class__ is datetime and not cell.microsecond and cell.tzinfo is None:
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
        minimum = column.minimum
        return _single(lambda cell: parse_integer(cell, minimum))
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
        minimum = params.pop("minimum", "0")
        params["expected"] = _EXPECTED_NUMBER.get(column.kind, f"不小于 {minimum} 的整数")
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
