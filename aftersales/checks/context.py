"""What every check receives, and the helpers that place an issue on a case's cell."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum

from aftersales.cells import cell_text, datetime_text, format_money
from aftersales.columns import BY_KEY
from aftersales.issues import Issue, make_issue
from aftersales.model import Case
from aftersales.policy import Policy
from aftersales.recommend import Recommendation
from aftersales.taxonomy import CASE_TYPE_LIST, RESOLUTION_LIST, CaseType, Resolution


def value_text(value: object) -> str | None:
    """A parsed value as the user would type it."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, datetime):
        return datetime_text(value.replace(second=0))
    if isinstance(value, CaseType):
        return CASE_TYPE_LIST.by_code(value.value).label
    if isinstance(value, Resolution):
        return RESOLUTION_LIST.by_code(value.value).label
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


@dataclass(frozen=True)
class CheckContext:
    policy: Policy
    now: datetime
    sheet: str
    present: frozenset[str]
    """Keys of the columns the register has."""
    recommendations: Mapping[int, Recommendation] = field(default_factory=dict)
    """Recommendation of each case, by Excel row."""

    def recommendation(self, case: Case) -> Recommendation | None:
        return self.recommendations.get(case.source.row)

    @staticmethod
    def cell_value(case: Case, key: str) -> str | None:
        """The cell as the user typed it; the parsed value when the case was not read from cells."""
        return cell_value(case, key)

    def issue(self, code: str, case: Case, key: str | None = None, **params: str) -> Issue:
        """An issue on `case`'s cell in column `key` (row-level when key is None)."""
        return case_issue(code, case, key, **params)


def cell_value(case: Case, key: str) -> str | None:
    """The cell as the user typed it; the parsed value when the case was not read from cells."""
    if key in case.source.indices:
        return cell_text(case.source.cell(key))
    return value_text(getattr(case, key))


def case_issue(code: str, case: Case, key: str | None = None, **params: str) -> Issue:
    """An issue on `case`'s cell in column `key` (row-level when key is None)."""
    column = BY_KEY[key] if key else None
    return make_issue(
        code,
        sheet=case.sheet,
        row=case.row,
        column=case.source.columns.get(key) if key else None,
        field=column.header if column else None,
        value=cell_value(case, key) if key else None,
        case_id=case.case_id,
        **params,
    )


Check = Callable[[Sequence[Case], CheckContext], Iterable[Issue]]
CaseCheck = Callable[[Case, CheckContext], Iterable[Issue]]


def crashed(rule: str, error: BaseException, sheet: str, case: Case | None) -> Issue:
    where = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    detail = f"{type(error).__name__}: {error}" + (f" @ {where.name}:{where.lineno}" if where else "")
    return make_issue(
        "rule-crashed",
        sheet=sheet,
        row=case.row if case else None,
        case_id=case.case_id if case else None,
        rule=rule,
        error=detail,
    )


def per_case(check: CaseCheck) -> Check:
    """Run a one-case check on every case; a crash on one case becomes rule-crashed on that row
    (and drops what the rule had found on that case before it crashed)."""

    def run(cases: Sequence[Case], ctx: CheckContext) -> list[Issue]:
        found: list[Issue] = []
        extend = found.extend
        for case in cases:  # one list for the whole run: no generator chain per case
            mark = len(found)
            try:
                extend(check(case, ctx))
            except Exception as error:  # a rule bug must not stop the other rules
                del found[mark:]
                found.append(crashed(check.__name__, error, ctx.sheet, case))
        return found

    run.__name__ = check.__name__
    run.__doc__ = check.__doc__
    return run


OTHERS_SHOWN = 5
"""At most this many other rows are named in a message; the rest are counted."""


def others(rows: Sequence[int], this: int) -> str:
    """The other rows of a group, for a message: `3、7` or `3、7、9、12、15 等 41 行`.

    `rows` must be sorted (callers sort a group once, not once per member).
    """
    shown: list[str] = []
    for row in rows:
        if row != this:
            shown.append(str(row))
            if len(shown) > OTHERS_SHOWN:
                break
    if len(shown) > OTHERS_SHOWN:
        return "、".join(shown[:OTHERS_SHOWN]) + f" 等 {len(rows) - 1} 行"
    return "、".join(shown)
