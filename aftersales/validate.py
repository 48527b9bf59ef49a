"""The validation pipeline: raw register → cases → recommendations → every check → one report.

Never raises on user data: every problem is an issue, and a rule that crashes becomes rule-crashed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from aftersales.build import build_cases
from aftersales.checks import TIERS, Check
from aftersales.checks.clock import is_overdue
from aftersales.checks.context import CheckContext, crashed
from aftersales.deadlines import solution_deadline
from aftersales.gcpause import gc_paused
from aftersales.issues import Issue, Severity, sort_issues
from aftersales.model import Case, RawRegister
from aftersales.policy import DEFAULT_POLICY, Policy
from aftersales.recommend import Recommendation, recommend
from aftersales.trusted import construct


class CaseResult(BaseModel):
    """One case with what the rules say about it."""

    model_config = ConfigDict(frozen=True)

    case: Case
    recommendation: Recommendation | None
    """None only when the recommendation rule crashed (reported as rule-crashed)."""
    deadline: datetime | None
    overdue: bool


class Report(BaseModel):
    model_config = ConfigDict(frozen=True)

    sheet: str
    header_row: int
    now: datetime
    policy: Policy
    results: tuple[CaseResult, ...]
    issues: tuple[Issue, ...]

    def count(self, severity: Severity) -> int:
        return sum(1 for issue in self.issues if issue.severity is severity)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    @property
    def overdue(self) -> int:
        return sum(1 for result in self.results if result.overdue)

    def issues_of_row(self, row: int) -> list[Issue]:
        return [issue for issue in self.issues if issue.row == row and issue.sheet == self.sheet]


def _run(check: Check, cases: Sequence[Case], ctx: CheckContext) -> list[Issue]:
    try:
        return list(check(cases, ctx))
    except Exception as error:  # a rule bug must not stop the other rules
        return [crashed(check.__name__, error, ctx.sheet, None)]


def _recommend_all(cases: Sequence[Case], policy: Policy, sheet: str) -> tuple[dict[int, Recommendation], list[Issue]]:
    recommendations: dict[int, Recommendation] = {}
    issues: list[Issue] = []
    for case in cases:
        try:
            recommendations[case.row] = recommend(case, policy)
        except Exception as error:  # reported, and the other rules still run
            issues.append(crashed("recommend", error, sheet, case))
    return recommendations, issues


def validate(
    raw: RawRegister,
    now: datetime,
    policy: Policy = DEFAULT_POLICY,
    extra_issues: Iterable[Issue] = (),
    tiers: Sequence[str] = ("basic", "across", "clock"),
) -> Report:
    """Check every row of the register in one pass (see `_validate`), the GC paused meanwhile."""
    with gc_paused():
        return _validate(raw, now, policy, extra_issues, tiers)


def _validate(
    raw: RawRegister,
    now: datetime,
    policy: Policy = DEFAULT_POLICY,
    extra_issues: Iterable[Issue] = (),
    tiers: Sequence[str] = ("basic", "across", "clock"),
) -> Report:
    """Check every row of the register in one pass.

    Args:
        raw: the register's cells as read.
        now: the moment deadlines are judged against (never read from the clock here).
        policy: the shop's policy (from the 政策 sheet).
        extra_issues: issues found before (policy-invalid), reported alongside.
        tiers: which named check tiers to run.
    """
    cases, issues, match = build_cases(raw, policy)
    issues.extend(extra_issues)
    recommendations, crashes = _recommend_all(cases, policy, raw.sheet)
    issues.extend(crashes)
    ctx = CheckContext(
        policy=policy, now=now, sheet=raw.sheet, present=frozenset(match.positions), recommendations=recommendations
    )
    for tier in tiers:
        for check in TIERS[tier]:
            issues.extend(_run(check, cases, ctx))
    results = tuple(
        construct(  # trusted values from the rules: no re-validation per case
            CaseResult,
            {
                "case": case,
                "recommendation": recommendations.get(case.row),
                "deadline": solution_deadline(case.registered_at, policy) if case.registered_at else None,
                "overdue": is_overdue(case, ctx),
            },
        )
        for case in cases
    )
    return Report.model_construct(  # built from trusted parts: no re-validation of 100k results
        sheet=raw.sheet,
        header_row=raw.header_row,
        now=now,
        policy=policy,
        results=results,
        issues=tuple(sort_issues(issues)),
    )
