"""Checks of the money a case moves (SPEC §6, §14.3): amounts against paid and the ceilings, approvals,
the freight insurance, the payment channel and the minimum offer."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from aftersales.approval import APPROVER_UNKNOWN, approval_problem, is_approved
from aftersales.checks.context import CheckContext, per_case, value_text
from aftersales.issues import Issue
from aftersales.model import Case
from aftersales.recommend import Recommendation, is_insured
from aftersales.taxonomy import CASHBACK_CHANNELS, CaseType, Resolution, case_type_label, resolution_label

R = Resolution
ESCALATED = frozenset({CaseType.COMPLAINT, CaseType.OTHER})


def over_ceilings(case: Case, rec: Recommendation | None) -> Iterator[tuple[str, Decimal]]:
    """(key, ceiling) of every amount above its ceiling: 金额 and 退运费 (with 运费险 the freight is
    freight-refund-insured instead)."""
    if rec is None:
        return
    if case.amount is not None and rec.ceiling is not None and case.amount > rec.ceiling:
        yield "amount", rec.ceiling
    freight = case.freight_refund
    if freight is not None and rec.freight_ceiling is not None and freight > rec.freight_ceiling and not is_insured(case):
        yield "freight_refund", rec.freight_ceiling


def qty_mismatch(case: Case) -> bool:
    """实收数量 checked and not what the case says came back (seed 000 七: 数量有误的按少货错货流程)."""
    return case.received_qty is not None and case.received_qty != case.quantity


def approval_needed_for(case: Case, ctx: CheckContext) -> str | None:
    """What on this row needs an approval, as a phrase for a message; None when nothing does."""
    if any(True for _ in over_ceilings(case, ctx.recommendation(case))):
        return "金额超过补偿上限"
    if case.case_type in ESCALATED and case.resolution:
        return f"{case_type_label(case.case_type)}须主管审批"
    if qty_mismatch(case):
        return "实收数量与数量不符"
    return None


@per_case
def check_amounts(case: Case, ctx: CheckContext) -> Iterator[Issue]:
    """amount-exceeds-paid and over-ceiling (amount and freight refund; an invalid approval is none)."""
    paid = case.paid_amount
    exceeds_paid = (
        case.amount is not None and paid is not None and case.amount > paid and case.resolution is not R.GIFT
    )
    if exceeds_paid:
        yield ctx.issue("amount-exceeds-paid", case, "amount", paid=value_text(paid) or "")
    rec = ctx.recommendation(case)
    if rec is None or is_approved(case, ctx.policy):
        return
    target = case.resolution or rec.resolution
    for key, ceiling in over_ceilings(case, rec):
        what = "退运费" if key == "freight_refund" else f"「{resolution_label(target)}」的补偿" if target else "补偿"
        yield ctx.issue("over-ceiling", case, key, what=what, ceiling=value_text(ceiling) or "")


@per_case
def check_approval(case: Case, ctx: CheckContext) -> Iterator[Issue]:
    """self-approval and approver-unknown: errors when the row needed the approval, else warnings."""
    code = approval_problem(case, ctx.policy)
    if code is None or "approved_by" in case.invalid:
        return
    needed = approval_needed_for(case, ctx)
    need = f"（本条{needed}，要有效审批）" if needed else ""
    params = {"need": need}
    if code == APPROVER_UNKNOWN:
        params["approvers"] = "、".join(ctx.policy.approvers)
    yield ctx.issue(code, case, "approved_by", severity="error" if needed else "warning", **params)


@per_case
def check_freight_insured(case: Case, ctx: CheckContext) -> Iterator[Issue]:
    """freight-refund-insured: with 运费险 the insurer pays the return freight (seed 004 换货流程)."""
    if "freight_insured" in ctx.present and is_insured(case) and case.freight_refund:
        yield ctx.issue("freight-refund-insured", case, "freight_refund")


def _refund_of_goods(case: Case) -> bool:
    """A refund that goes back through the platform: return-refund, intercept-refund, and refund-only
    of an order never shipped (seed 003: 退款方式应与客户原支付方式一致)."""
    if case.resolution in (R.RETURN_REFUND, R.INTERCEPT_REFUND):
        return True
    return case.resolution is R.REFUND_ONLY and case.case_type is CaseType.REFUND_BEFORE_SHIP


@per_case
def check_channel(case: Case, ctx: CheckContext) -> Iterator[Issue]:
    """cashback-channel: a platform refund paid as 支付宝返现 / 千牛红包 (seed 004: 返现 = 订单无法申请退款时)."""
    if case.refund_channel in CASHBACK_CHANNELS and _refund_of_goods(case) and case.amount != 0:
        assert case.resolution is not None
        yield ctx.issue(
            "cashback-channel", case, "refund_channel", resolution=resolution_label(case.resolution),
        )


@per_case
def check_minimum_offer(case: Case, ctx: CheckContext) -> Iterator[Issue]:
    """below-minimum-offer: a 与描述不符 compensation below 不符补损下限 (seed 001: 补损5-15元)."""
    low = ctx.policy.mismatch_comp_min
    offer = case.amount if case.case_type is CaseType.NOT_AS_DESCRIBED and case.resolution is R.PARTIAL_REFUND else None
    if offer is not None and offer < low:
        yield ctx.issue(
            "below-minimum-offer", case, "amount",
            minimum=value_text(low) or "", maximum=value_text(ctx.policy.mismatch_comp_max) or "",
        )
