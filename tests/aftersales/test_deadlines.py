"""SPEC §5 deadline edges: day_end roll-over, the 168-hour window, 保价, cashback, stale follow-ups."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from aftersales.deadlines import (
    cashback_deadline,
    return_window_end,
    solution_deadline,
    within_price_protection,
    within_return_window,
)
from aftersales.policy import Policy
from tests.domain import codes, run, valid_row

DAY_END = datetime(2026, 11, 21, 18, 0)
MINUTE = timedelta(minutes=1)
OPEN = {"resolution": None, "amount": None, "resolved_at": None, "paid_at": None, "status": "待处理",
        "refund_channel": None}


@pytest.mark.parametrize(
    ("registered", "deadline"),
    [
        (datetime(2026, 11, 21, 9, 0), DAY_END),
        (DAY_END - MINUTE, DAY_END),
        (DAY_END, DAY_END),  # registered exactly at day_end: still due that evening
        (DAY_END + MINUTE, DAY_END + timedelta(days=1)),  # one minute after: next day's day_end
        (datetime(2026, 11, 21, 23, 59), DAY_END + timedelta(days=1)),
        (datetime(2026, 11, 21, 0, 0), DAY_END),  # a date-only cell counts as 00:00
    ],
)
def test_solution_deadline(registered, deadline):  # type: ignore[no-untyped-def]
    assert solution_deadline(registered) == deadline


def test_solution_deadline_follows_policy_day_end():
    assert solution_deadline(datetime(2026, 11, 21, 17, 45), Policy(day_end=time(17, 30))) == datetime(
        2026, 11, 22, 17, 30
    )


def test_overdue_only_after_the_deadline():
    row = valid_row(**OPEN, registered_at=datetime(2026, 11, 21, 10, 0))
    assert "solution-overdue" not in codes(run([row], now=DAY_END))
    assert "solution-overdue" in codes(run([row], now=DAY_END + MINUTE))


def test_overdue_not_for_closed_or_solved_cases():
    closed = valid_row(**{**OPEN, "status": "已关闭"})
    solved = valid_row()
    report = run([closed, solved], now=DAY_END + timedelta(hours=3))
    assert "solution-overdue" not in codes(report)
    assert [r.overdue for r in report.results] == [False, False]


def test_case_registered_after_day_end_is_not_overdue_that_evening():
    row = valid_row(**OPEN, registered_at=DAY_END + MINUTE)
    assert "solution-overdue" not in codes(run([row], now=DAY_END + timedelta(hours=5)))
    assert "solution-overdue" in codes(run([row], now=DAY_END + timedelta(days=1, minutes=1)))


def test_date_only_registration_cell():
    row = valid_row(**OPEN, registered_at=date(2026, 11, 21))
    report = run([row], now=DAY_END + MINUTE)
    assert report.results[0].deadline == DAY_END
    assert "solution-overdue" in codes(report)


def test_solution_late_when_resolved_after_deadline():
    late = valid_row(resolved_at=DAY_END + MINUTE, paid_at=DAY_END + 2 * MINUTE)
    on_time = valid_row(case_id="SH2", order_id="223456789012345678", buyer="b2", resolved_at=DAY_END)
    report = run([late, on_time], now=DAY_END + timedelta(hours=1))
    assert [(i.row, i.code) for i in report.issues if i.code == "solution-late"] == [(2, "solution-late")]


SIGNED = datetime(2026, 11, 10, 15, 0)
WINDOW_END = datetime(2026, 11, 18, 0, 0)  # 00:00 of the day after signing + 168 hours


def test_return_window_end_is_day_after_signing_plus_seven_days():
    assert return_window_end(SIGNED) == WINDOW_END
    assert return_window_end(datetime(2026, 11, 10, 0, 0)) == WINDOW_END
    assert return_window_end(SIGNED, Policy(no_reason_days=15)) == datetime(2026, 11, 26)


@pytest.mark.parametrize(
    ("registered", "inside"),
    [(WINDOW_END - MINUTE, True), (WINDOW_END, False), (WINDOW_END + MINUTE, False)],
)
def test_return_window_edges(registered, inside):  # type: ignore[no-untyped-def]
    assert within_return_window(registered, SIGNED) is inside
    row = valid_row(case_type="七天无理由", signed_at=SIGNED, registered_at=registered, resolution="退货退款",
                    amount=None, refund_channel="原路退款", payee_account=None, status="待寄回", paid_at=None,
                    resolved_at=registered + MINUTE)
    report = run([row], now=datetime(2026, 11, 18, 10, 0))
    assert ("outside-return-window" in codes(report)) is not inside
    assert report.results[0].recommendation.resolution.value == ("return-refund" if inside else "decline")


def test_return_window_with_date_only_signing_cell():
    assert return_window_end(datetime.combine(date(2026, 11, 10), time())) == WINDOW_END


@pytest.mark.parametrize(
    ("registered", "inside"),
    [(datetime(2026, 11, 17, 23, 59), True), (datetime(2026, 11, 18, 0, 0), False)],
)
def test_price_protection_window(registered, inside):  # type: ignore[no-untyped-def]
    assert within_price_protection(registered, datetime(2026, 11, 10, 20, 0)) is inside


@pytest.mark.parametrize(
    ("resolved", "due"),
    [
        (datetime(2026, 11, 21, 11, 0), DAY_END),
        (DAY_END, DAY_END),
        (DAY_END + MINUTE, DAY_END + timedelta(days=1)),
    ],
)
def test_cashback_deadline(resolved, due):  # type: ignore[no-untyped-def]
    assert cashback_deadline(resolved) == due


def test_cashback_unpaid_after_day_end_only():
    row = valid_row(paid_at=None, status="已给方案")
    assert "cashback-unpaid" not in codes(run([row], now=DAY_END))
    assert "cashback-unpaid" in codes(run([row], now=DAY_END + MINUTE))
    assert "cashback-unpaid" not in codes(run([valid_row()], now=DAY_END + MINUTE))  # paid


def test_cashback_rolls_over_when_resolved_after_day_end():
    row = valid_row(paid_at=None, status="已给方案", resolved_at=DAY_END + timedelta(minutes=10))
    assert "cashback-unpaid" not in codes(run([row], now=DAY_END + timedelta(hours=3)))


def test_refund_to_original_channel_is_not_cashback():
    row = valid_row(paid_at=None, status="已给方案", refund_channel="原路退款")
    assert "cashback-unpaid" not in codes(run([row], now=DAY_END + timedelta(days=1)))


@pytest.mark.parametrize(
    ("status", "days", "code"),
    [("待寄回", 7, None), ("待寄回", 8, "return-stale"), ("待退款", 3, None), ("待退款", 4, "refund-stale")],
)
def test_stale_follow_ups_count_calendar_days(status, days, code):  # type: ignore[no-untyped-def]
    # 待寄回 of a return, 待退款 of an interception: calendar days from 方案时间 (a return-refund's refund
    # clock counts working days from 收货时间 since SPEC §14.3.9: tests/aftersales/test_rules_revision_2.py).
    resolved = datetime(2026, 11, 10, 17, 0)
    if status == "待寄回":
        kind = {"case_type": "运输破损", "severity": "严重", "resolution": "退货退款", "signed_at": datetime(2026, 11, 9)}
    else:
        kind = {"case_type": "已发货仅退款", "severity": None, "resolution": "拦截退款", "signed_at": None,
                "order_stage": "已发货未签收"}
    row = valid_row(**kind, amount=None, refund_channel="原路退款", payee_account=None,
                    status=status, resolved_at=resolved, paid_at=None, registered_at=resolved - MINUTE)
    now = datetime.combine(resolved.date() + timedelta(days=days), time(9, 0))
    stale = [c for c in codes(run([row], now=now)) if c.endswith("-stale")]
    assert stale == ([code] if code else [])
