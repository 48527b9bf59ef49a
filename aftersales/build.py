"""Turning raw register rows into cases, reporting every unusable cell where it is."""

from __future__ import annotations

from collections.abc import Callable
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
from aftersales.taxonomy import CaseType, Resolution

_EXPECTED_NUMBER = {Kind.MONEY: "金额数字，如 12.50（可带 ¥ 或 元）"}


def header_issues(raw: RawRegister, match: HeaderMatch) -> list[Issue]:
    return [
        make_issue("header-missing", sheet=raw.sheet, row=raw.header_row, field=column.header, key=column.key)
        for column in match.missing_required
    ]


def build_cases(raw: RawRegister, policy: Policy) -> tuple[list[Case], list[Issue], HeaderMatch]:
    """Parse every row of the register into a Case; problems become issues on their cells."""
    match = match_headers(raw.header)
    letters = {key: column_letter(index) for key, index in match.positions.items()}
    columns = [(column, match.positions[column.key]) for column in INPUT_COLUMNS if column.key in match.positions]
    parsers = {column.key: _parser_for(column, policy) for column, _ in columns}
    cases: list[Case] = []
    issues = header_issues(raw, match)
    for excel_row, cells in raw.rows:
        values: dict[str, Any] = {}
        invalid: set[str] = set()
        case_index = match.positions.get("case_id", len(cells))
        case_id_cell = cells[case_index] if case_index < len(cells) else None
        for column, index in columns:
            cell = cells[index] if index < len(cells) else None
            if cell is None:
                continue
            value, problems = parsers[column.key](cell)
            if value is not None:
                values[column.key] = value
            for problem in problems:
                if problem.severity != "warning":
                    invalid.add(column.key)
                issues.append(_cell_issue(raw.sheet, excel_row, column, letters, cell, problem, case_id_cell))
        if "case_type" in values:
            values["case_type"] = CaseType(values["case_type"])
        if "resolution" in values:
            values["resolution"] = Resolution(values["resolution"])
        source = SourcePos(raw.sheet, excel_row, letters, match.positions, cells)
        cases.append(Case.model_construct(source=source, invalid=frozenset(invalid), **values))
    return cases, issues, match


Parser = Callable[[object], tuple[object, list[Problem]]]


def _single(parse: Callable[[object], tuple[object, Problem | None]]) -> Parser:
    def run(cell: object) -> tuple[object, list[Problem]]:
        value, problem = parse(cell)
        return value, [] if problem is None else [problem]

    return run


def _parser_for(column: Column, policy: Policy) -> Parser:
    if column.kind is Kind.MONEY:
        return _single(parse_money)
    if column.kind is Kind.INTEGER:
        minimum = column.minimum
        return _single(lambda cell: parse_integer(cell, minimum))
    if column.kind is Kind.DATETIME:
        return _single(parse_datetime)
    if column.kind is Kind.CHOICE:
        choices = column.choices
        assert choices is not None
        return _single(lambda cell: parse_choice(cell, choices))
    if column.kind is Kind.ORDER_ID:
        pattern = policy.order_id_regex
        return lambda cell: parse_order_id(cell, pattern)
    return _single(parse_text)


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
