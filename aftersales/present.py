"""How results are shown: output-column texts (SPEC §2.2) and the `check --json` shape (SPEC §11)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from aftersales.cells import format_money
from aftersales.issues import SEVERITY_RANK, Issue
from aftersales.recommend import Recommendation
from aftersales.taxonomy import Resolution, resolution_label
from aftersales.validate import CaseResult, Report


def recommended_text(rec: Recommendation | None) -> str:
    """`部分退款（可选：退货退款）`; blank when it cannot be recommended."""
    return "" if rec is None else resolution_text(rec.resolution, rec.alternatives)


def resolution_text(resolution: Resolution | None, alternatives: tuple[Resolution, ...]) -> str:
    if resolution is None:
        return ""
    text = resolution_label(resolution)
    if alternatives:
        text += "（可选：" + "、".join(resolution_label(r) for r in alternatives) + "）"
    return text


def check_text(issues: Iterable[Issue]) -> str:
    """Every issue of a row, most severe first, `；`-separated, each `[code] message`."""
    ordered = sorted(issues, key=lambda issue: SEVERITY_RANK[issue.severity])
    return "；".join(f"[{issue.code}] {issue.message}" for issue in ordered)


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


def case_json(result: CaseResult) -> dict[str, Any]:
    case, rec = result.case, result.recommendation
    return {
        "row": case.row,
        "case_id": case.case_id,
        "case_type": case.case_type.value if case.case_type else None,
        "resolution": case.resolution.value if case.resolution else None,
        "recommended": rec.resolution.value if rec and rec.resolution else None,
        "alternatives": [r.value for r in rec.alternatives] if rec else [],
        "ceiling": format_money(rec.ceiling) if rec else None,
        "freight_ceiling": format_money(rec.freight_ceiling) if rec else None,
        "deadline": iso(result.deadline),
        "overdue": result.overdue,
        "courier_claim": rec.courier_claim if rec else False,
        "freight_payer": rec.freight_payer if rec else None,
        "missing": list(rec.missing) if rec else [],
        "rule": rec.rule if rec else None,
        "reason": rec.reason if rec else None,
    }


def issue_json(issue: Issue) -> dict[str, Any]:
    return {
        "sheet": issue.sheet,
        "row": issue.row,
        "case_id": issue.case_id,
        "column": issue.column,
        "field": issue.field,
        "code": issue.code,
        "severity": issue.severity.value,
        "value": issue.value,
        "message": issue.message,
    }


def report_json(report: Report, register: str, listing: Callable[[Iterator[Any]], Any] = list) -> dict[str, Any]:
    """The `check --json` document (SPEC §11). `listing` makes the two long lists: a list, or a stream
    that the CLI writes item by item."""
    return {
        "register": register,
        "sheet": report.sheet,
        "now": iso(report.now),
        "rows": len(report.results),
        "cases": listing(case_json(result) for result in report.results),
        "issues": listing(issue_json(issue) for issue in report.issues),
        "summary": {"errors": report.errors, "warnings": report.warnings, "overdue": report.overdue},
    }


def summary_line(report: Report) -> str:
    return (
        f"共 {len(report.results)} 条售后：错误 {report.errors} 个，警告 {report.warnings} 个，"
        f"超时未给方案 {report.overdue} 条"
    )
