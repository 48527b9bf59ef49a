"""Issues and per-case results share one set of field names per model (memory at 100,000 rows,
issue 15 item 10): each still reports every field as set, and a copy with changes gets its own set."""

from __future__ import annotations

from aftersales.demo import demo_now, demo_rows
from aftersales.issues import Issue, make_issue
from aftersales.validate import CaseResult, validate
from tests.domain import raw_register


def test_an_issue_reports_every_field_set_and_a_changed_copy_does_not_touch_the_others() -> None:
    first = make_issue("required-missing", sheet="登记表", row=3, column="B", field="订单号", reason="必填")
    second = make_issue("required-missing", sheet="登记表", row=4, column="B", field="订单号", reason="必填")
    assert first.model_fields_set == set(Issue.model_fields) == second.model_fields_set
    changed = first.model_copy(update={"case_id": "SH1"})
    assert changed.case_id == "SH1" and first.case_id is None
    assert first.model_fields_set == set(Issue.model_fields)
    assert first.model_dump() == Issue.model_validate(first.model_dump()).model_dump()


def test_case_results_report_every_field_set() -> None:
    report = validate(raw_register(demo_rows()), demo_now())
    result = report.results[0]
    assert result.model_fields_set == set(CaseResult.model_fields)
    recommendation = next(r.recommendation for r in report.results if r.recommendation is not None)
    assert recommendation.model_fields_set == set(type(recommendation).model_fields)
    assert CaseResult.model_validate(result.model_dump()) == result
