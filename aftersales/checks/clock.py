"""Checks that depend on `now` (SPEC §5, §14.3.9): overdue solutions, unpaid cashback, stale follow-ups."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from aftersales.checks.context import CheckContext, per_case, value_text
from aftersales.deadlines import calendar_days_since, cashback_deadline, refund_due, solution_deadline
from aftersales.issues import Issue
from aftersales.model import Case
from aftersales.payout import freight_waits
from aftersales.policy import Policy
from aftersales.taxonomy import CASHBACK_CHANNELS, Resolution

CASHBACK_RESOLUTIONS = frozenset({Resolution.PARTIAL_REFUND, Resolution.REFUND_ONLY})


def is_overdue(case: Case, ctx: CheckContext) -> bool:
    """No solution yet and the same-day deadline has passed (and the case is not closed)."""
    if case.registered_at is None or case.resolution is not None or "resolution" in case.invalid:
        return False
    if case.status == "已关闭":
        return False
    return ctx.now > solution_deadline(case.registered_at, ctx.policy)


@per_case
def check_solution_deadline(case: Case, ctx: CheckContext) -> Iterator[Issue]:
    """solution-overdue and solution-late (seed 000 八: 当天给出顾客解决方案)."""
    if case.registered_at is None:
        return
    deadline = solution_deadline(case.registered_at, ctx.policy)
    if is_overdue(case, ctx):
        yield ctx.issue("solution-overdue", case, "resolution", deadline=value_text(deadline) or "")
    if case.resolved_at is not None and case.resolved_at > deadline:
        yield ctx.issue("solution-late", case, "resolved_at", deadline=value_text(deadline) or "")


def cashback_due(case: Case, policy: Policy) -> bool:
    """Whether the case is a cashback that must be paid by day_end of its resolved date."""
    return (
        case.refund_channel in CASHBACK_CHANNELS
        and case.resolution in CASHBACK_RESOLUTIONS
        and case.resolved_at is not None
        and case.amount != 0
        and case.status != "已关闭"  # a closed case is never paid (closed-with-money says so)
        and not freight_waits(case)  # its row is held for the freight's goods: the refund sheet says so
    )


def cashback_due_at(case: Case, policy: Policy) -> datetime:
    """When a due cashback must be paid: day_end of the day of 方案时间, or of the day its goods came
    back when the row also refunds the freight (it could not be paid before)."""
    assert case.resolved_at is not None
    start = case.resolved_at
    if case.freight_refund and case.goods_received_at is not None and case.goods_received_at > start:
        start = case.goods_received_at
    return cashback_deadline(start, policy)


@per_case
def check_cashback_paid(case: Case, ctx: CheckContext) -> Iterator[Issue]:
    """cashback-unpaid (seed 004: 当天下班前统一返款)."""
    if not cashback_due(case, ctx.policy) or case.paid_at is not None or "paid_at" in case.invalid:
        return
    due = cashback_due_at(case, ctx.policy)
    if ctx.now > due:
        yield ctx.issue(
            "cashback-unpaid", case, "paid_at",
            channel=case.refund_channel or "", amount=value_text(case.amount) or "全额", due=value_text(due) or "",
        )


@per_case
def check_stale_follow_ups(case: Case, ctx: CheckContext) -> Iterator[Issue]:
    """return-stale (待寄回, calendar days) and refund-stale (the refund clock, SPEC §14.3.9)."""
    if case.resolved_at is not None and case.status == "待寄回":
        days = calendar_days_since(case.resolved_at, ctx.now)
        if days > ctx.policy.stale_return_days:
            yield ctx.issue("return-stale", case, "status", days=str(days), limit=str(ctx.policy.stale_return_days))
    late = _refund_late(case, ctx)
    if late:
        yield ctx.issue("refund-stale", case, "status", overdue=late)


def _refund_late(case: Case, ctx: CheckContext) -> str | None:
    """Why the refund is late, or None. A return-refund is due by day_end of the refund_days-th working
    day after 收货时间 (after 方案时间 without that column); other refunds at 待退款 within refund_days
    calendar days of 方案时间."""
    if case.paid_at is not None or "paid_at" in case.invalid or case.status == "已关闭":
        return None
    days = ctx.policy.refund_days
    if case.resolution is Resolution.RETURN_REFUND:
        if "goods_received_at" in ctx.present:
            start, what = case.goods_received_at, "收货验收"
        else:
            start, what = (case.resolved_at, "给方案") if case.status == "待退款" else (None, "")
        if start is None:
            return None
        due = refund_due(start, ctx.policy)
        if ctx.now <= due:
            return None
        return f"退货退款 {value_text(start)} {what}，应在 {days} 个工作日内（{value_text(due)} 前）退款，已超时"
    if case.resolved_at is None or case.status != "待退款":
        return None
    elapsed = calendar_days_since(case.resolved_at, ctx.now)
    return f"待退款已 {elapsed} 天（超过 {days} 天）" if elapsed > days else None
