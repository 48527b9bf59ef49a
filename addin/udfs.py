"""Custom functions (SPEC §12). Each column function takes the whole register with its header row
(`Register[#All]`) and returns one value per data row, so a 5,000-row register recalculates in one
call that spills. Problems with the arguments come back as readable cell text, never a traceback.

Docstrings and argument docs are Chinese: Excel shows them as the functions' help (issue 15 item 6).
Parameters carry no type hints on purpose: xlwings Lite turns hints into converters, and these
functions take cells as they come (numbers, serial dates, text, empty). Put them outside the table
(Excel does not spill inside a table, and the buttons sit in column AS), e.g. in AR2:
`=AS_RECOMMEND(Register[#All])`, `=AS_CHECK(Register[#All], NOW(), 政策!A1:B16)`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import xlwings as xw

from aftersales.build import DECIDE_KEYS, RECOMMEND_KEYS, build_cases
from aftersales.cells import is_blank, parse_datetime, parse_integer, parse_time_of_day
from aftersales.columns import find_header_row
from aftersales.deadlines import return_window_end, solution_deadline
from aftersales.gcpause import gc_paused
from aftersales.issues import Issue
from aftersales.model import Case, RawRegister
from aftersales.policy import DEFAULT_POLICY, MAX_DAYS, Policy, parse_policy
from aftersales.present import check_text, resolution_text
from aftersales.recommend import recommend, recommended_resolution
from aftersales.validate import validate

Grid = list[list[Any]]
DATE_TIME_FORMAT = "yyyy-mm-dd hh:mm"
"""Deadlines are times of day (18:00): Excel's short date format would hide them (issue 15 item 5)."""
REGISTER_HINT = "参数错误：第一个参数应为含表头的登记表区域，如 Register[#All]"


class ArgumentProblem(Exception):
    """A problem with what was passed to a function; the message goes into the cell."""


def _grid(value: object) -> Grid:
    if not isinstance(value, list | tuple) or not value:
        raise ArgumentProblem(REGISTER_HINT)
    rows = [list(row) if isinstance(row, list | tuple) else [row] for row in value]
    return rows


def _register(value: object) -> tuple[RawRegister, int]:
    """The register passed in, as raw rows (row 2 = first data row) and the number of data rows."""
    rows = _grid(value)
    if find_header_row(rows[:1], 1) is None:
        raise ArgumentProblem(REGISTER_HINT + "（第一行找不到登记时间、订单号、买家等表头）")
    body = [(index + 1, row) for index, row in enumerate(rows[1:], start=1) if any(v is not None and v != "" for v in row)]
    return RawRegister(sheet="登记表", header_row=1, header=rows[0], rows=body), len(rows) - 1


def _policy(value: object) -> Policy:
    if value is None or is_blank(value):
        return DEFAULT_POLICY
    policy, _issues = parse_policy(_grid(value))  # policy problems are shown by the 校验 button
    return policy


def _now(value: object) -> datetime:
    moment, problem = parse_datetime(value)
    if problem or moment is None:
        raise ArgumentProblem("参数错误：now 应为当前时间，如 NOW()")
    return moment


def _column(count: int, values: dict[int, object]) -> Grid:
    """One value per data row (row 2 is the first), blank where the row is empty."""
    return [[values.get(row, "")] for row in range(2, count + 2)]


def _per_case(
    register: object, policy: object, keys: frozenset[str], value: Callable[[Case, Policy], object]
) -> Grid:
    """One value per row from the parsed cases (only the `keys` columns are parsed)."""
    try:
        raw, count = _register(register)
        rules = _policy(policy)
    except ArgumentProblem as problem:
        return [[str(problem)]]
    with gc_paused():
        cases, _issues, _match = build_cases(raw, rules, keys)
        return _column(count, {case.row: value(case, rules) for case in cases})


def _money(value: object) -> object:
    return "" if value is None else float(value)  # type: ignore[arg-type]


@xw.func
@xw.arg("register", ndim=2, doc="登记表区域，含表头行，如 Register[#All]")
@xw.arg("policy", ndim=2, doc="可选：政策表区域（参数、值两列），如 政策!A1:B30；省略则用默认政策")
def AS_RECOMMEND(register, policy=None):  # type: ignore[no-untyped-def]
    """每行的推荐方案，如 部分退款（可选：退货退款）；缺少必要信息时为空。"""
    return _per_case(register, policy, DECIDE_KEYS, lambda case, rules: resolution_text(*recommended_resolution(case, rules)))


@xw.func
@xw.arg("register", ndim=2, doc="登记表区域，含表头行，如 Register[#All]")
@xw.arg("policy", ndim=2, doc="可选：政策表区域（参数、值两列），如 政策!A1:B30；省略则用默认政策")
def AS_CEILING(register, policy=None):  # type: ignore[no-untyped-def]
    """每行的补偿上限（按已选处理方案，未选则按推荐方案）；算不出时为空。"""
    return _per_case(register, policy, RECOMMEND_KEYS, lambda case, rules: _money(recommend(case, rules).ceiling))


@xw.func
@xw.arg("register", ndim=2, doc="登记表区域，含表头行，如 Register[#All]")
@xw.arg("policy", ndim=2, doc="可选：政策表区域（参数、值两列），如 政策!A1:B30；省略则用默认政策")
@xw.ret(date_format=DATE_TIME_FORMAT)
def AS_DEADLINE(register, policy=None):  # type: ignore[no-untyped-def]
    """每行的截止时间：当天给方案的期限。"""
    return _per_case(
        register, policy, frozenset({"registered_at"}),
        lambda case, rules: solution_deadline(case.registered_at, rules) if case.registered_at else "",
    )


@xw.func
@xw.arg("register", ndim=2, doc="登记表区域，含表头行，如 Register[#All]")
@xw.arg("policy", ndim=2, doc="可选：政策表区域（参数、值两列），如 政策!A1:B30；省略则用默认政策")
@xw.arg("now", doc="当前时间，通常写 NOW()")
def AS_CHECK(register, now, policy=None):  # type: ignore[no-untyped-def]
    """每行的校验结果：每个问题「[代码] 说明」，最严重的在前；没有问题时为空。"""
    try:
        raw, count = _register(register)
        moment = _now(now)
        rules = _policy(policy)
    except ArgumentProblem as problem:
        return [[str(problem)]]
    report = validate(raw, moment, rules)
    by_row: dict[int, list[Issue]] = defaultdict(list)
    for issue in report.issues:
        if issue.row is not None:
            by_row[issue.row].append(issue)
    return _column(count, {result.case.row: check_text(by_row[result.case.row]) for result in report.results})


@xw.func
@xw.arg("signed_at", doc="签收时间")
@xw.arg("no_reason_days", doc="可选：无理由退货天数，默认 7")
@xw.ret(date_format=DATE_TIME_FORMAT)
def AS_RETURN_WINDOW_END(signed_at, no_reason_days=None):  # type: ignore[no-untyped-def]
    """七天无理由的截止时间：签收次日零时起算天数（默认 7 天）。"""
    signed, problem = parse_datetime(signed_at)
    if problem or signed is None:
        return "参数错误：签收时间应为 1900–2999 年的日期时间"
    days, bad_days = parse_integer(no_reason_days, minimum=0, maximum=MAX_DAYS)
    if bad_days:
        return f"参数错误：天数应为 0–{MAX_DAYS} 的整数"
    policy = DEFAULT_POLICY if days is None else Policy(no_reason_days=days)
    return return_window_end(signed, policy)


@xw.func
@xw.arg("registered_at", doc="登记时间")
@xw.arg("day_end", doc="可选：下班时间，如 \"18:00\"，默认 18:00")
@xw.ret(date_format=DATE_TIME_FORMAT)
def AS_SOLUTION_DEADLINE(registered_at, day_end=None):  # type: ignore[no-untyped-def]
    """登记时间对应的给方案期限：当天下班时间（默认 18:00）；下班后登记的为次日下班时间。"""
    registered, problem = parse_datetime(registered_at)
    if problem or registered is None:
        return "参数错误：登记时间应为 1900–2999 年的日期时间"
    if is_blank(day_end):
        return solution_deadline(registered)
    parsed = parse_time_of_day(day_end)
    if parsed is None:
        return "参数错误：下班时间应为时刻，如 18:00"
    return solution_deadline(registered, Policy(day_end=parsed))


UDFS: Sequence[Callable[..., object]] = (
    AS_RECOMMEND, AS_CEILING, AS_CHECK, AS_DEADLINE, AS_RETURN_WINDOW_END, AS_SOLUTION_DEADLINE,
)
