"""Deadlines (SPEC §5). Pure functions of the case's times and the policy; `now` is always passed in.

Seed 000 八: 所有售后问题必须当天给出顾客解决方案. Seed 004: 返现当天下班前统一返款.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from aftersales.policy import DEFAULT_POLICY, Policy


def day_end_deadline(moment: datetime, day_end: time) -> datetime:
    """day_end of the moment's date, or of the next calendar day when the moment is after day_end."""
    deadline = datetime.combine(moment.date(), day_end)
    if moment > deadline:
        deadline += timedelta(days=1)
    return deadline


def solution_deadline(registered_at: datetime, policy: Policy = DEFAULT_POLICY) -> datetime:
    """The same-day solution deadline of a case registered at `registered_at`."""
    return day_end_deadline(registered_at, policy.day_end)


def cashback_deadline(resolved_at: datetime, policy: Policy = DEFAULT_POLICY) -> datetime:
    """A cashback is paid by day_end of the day the solution was given (rolling over after day_end)."""
    return day_end_deadline(resolved_at, policy.day_end)


def return_window_end(signed_at: datetime, policy: Policy = DEFAULT_POLICY) -> datetime:
    """End of 七天无理由: from 00:00 of the day after signing, no_reason_days × 24 hours (seed 004 3)."""
    return datetime.combine(signed_at.date() + timedelta(days=policy.no_reason_days + 1), time(0, 0))


def within_return_window(registered_at: datetime, signed_at: datetime, policy: Policy = DEFAULT_POLICY) -> bool:
    return registered_at < return_window_end(signed_at, policy)


def price_protect_end(ordered_at: datetime, policy: Policy = DEFAULT_POLICY) -> date:
    """Last calendar day a 保价 claim is accepted."""
    return ordered_at.date() + timedelta(days=policy.price_protect_days)


def within_price_protection(registered_at: datetime, ordered_at: datetime, policy: Policy = DEFAULT_POLICY) -> bool:
    return registered_at.date() <= price_protect_end(ordered_at, policy)


def calendar_days_since(moment: datetime, now: datetime) -> int:
    return (now.date() - moment.date()).days


def is_working_day(day: date, policy: Policy = DEFAULT_POLICY) -> bool:
    """Monday–Friday, minus 节假日, plus 调休上班日 (SPEC §14.3.9)."""
    if day in policy.workdays:
        return True
    return day.weekday() < 5 and day not in policy.holidays


def refund_due(received_at: datetime, policy: Policy = DEFAULT_POLICY) -> datetime:
    """day_end of the refund_days-th working day after the date goods were received (seed 003:
    验收合格后3个工作日内退款); 0 days: day_end of that date."""
    day, counted = received_at.date(), 0
    while counted < policy.refund_days:
        day += timedelta(days=1)
        if is_working_day(day, policy):
            counted += 1
    return datetime.combine(day, policy.day_end)
