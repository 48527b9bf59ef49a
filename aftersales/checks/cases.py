"""Checks of one case at a time (SPEC §3.3, §6): required inputs, eligibility, dates, payment details."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from types import MappingProxyType

from aftersales.approval import is_approved
from aftersales.checks.context import CheckContext, per_case, value_text
from aftersales.columns import BY_KEY, INPUT_COLUMNS, REQUIRED_HEADERS, Kind
from aftersales.deadlines import price_protect_end, return_window_end, within_price_protection
from aftersales.issues import Issue
from aftersales.model import Case
from aftersales.payout import blank_amount_is_whole_order
from aftersales.taxonomy import (
    GOODS_CASES,
    MONEY_RESOLUTIONS,
    CaseType,
    Resolution,
    case_type_label,
    resolution_label,
)
from aftersales.windows import WINDOW_RESOLUTIONS, applied_time, past_window, window_bound, window_needs_signed_at

ALWAYS = "每条售后都要填"


def required_fields(case: Case, ctx: CheckContext) -> Mapping[str, str]:
    """Keys this case needs (SPEC §3.3, §14.2 and every input its rules need), with the reason why."""
    rec = ctx.recommendation(case)
    return _required(
        case.case_type,
        case.liable_party == "客户",
        case.resolution,
        rec.resolution if rec else None,
        rec.missing if rec else (),
        bool(case.freight_refund),
        window_needs_signed_at(case),
    )


def _money_needs(kind: CaseType | None, chosen: Resolution | None, freight: bool) -> dict[str, str]:
    """SPEC §14.2: money is paid on a number a person typed, through a channel, from a solution time."""
    needed: dict[str, str] = {}
    if chosen in MONEY_RESOLUTIONS:
        assert chosen is not None
        if not blank_amount_is_whole_order(kind, chosen):
            needed["amount"] = f"「{resolution_label(chosen)}」要退钱，请填写退给买家的金额（不按猜测付款）"
    if chosen in MONEY_RESOLUTIONS or freight:
        what = f"「{resolution_label(chosen)}」" if chosen in MONEY_RESOLUTIONS and chosen is not None else "退运费"
        needed["refund_channel"] = f"{what}要退钱，需要退款方式"
        needed["resolved_at"] = f"{what}要退钱，付款期限从方案时间算"
    if freight:
        needed["return_tracking"] = "退运费须有买家寄回的快递单号（售后手册：客户寄出时提供快递单号）"
    return needed


@lru_cache(maxsize=4096)
def _required(
    kind: CaseType | None,
    customer_liable: bool,
    chosen: Resolution | None,
    recommended: Resolution | None,
    missing: tuple[str, ...],
    freight: bool,
    window: bool,
) -> Mapping[str, str]:
    """What required_fields depends on, so each combination is worked out once (read-only result)."""
    needed = {column.key: ALWAYS for column in REQUIRED_HEADERS}
    if kind is not None:
        label = case_type_label(kind)
        because = f"{label}需要填写"
        if kind in GOODS_CASES:
            needed["sku"] = because
        if kind is CaseType.SHORT:
            needed["item_amount"] = because
        if kind is CaseType.WRONG_ITEM and not customer_liable:
            needed["received_sku"] = because
            needed["item_amount"] = because
        if kind in (CaseType.DAMAGED, CaseType.QUALITY):
            needed["severity"] = because
        if kind is CaseType.PRICE_PROTECT:
            needed["ordered_at"] = because
            needed["item_amount"] = because
    if window and chosen is not None:
        needed["signed_at"] = f"「{resolution_label(chosen)}」要核对七天退换期限（签收次日零时起算），需要签收时间"
    for moving in (chosen, recommended):
        if moving in MONEY_RESOLUTIONS:
            assert moving is not None
            needed.setdefault("paid_amount", f"「{resolution_label(moving)}」要退钱，需要实付金额来核对上限")
    for key, reason in _money_needs(kind, chosen, freight).items():
        needed.setdefault(key, reason)
    for key in missing:
        needed.setdefault(key, "推荐方案和补偿上限要用到")
    return MappingProxyType(needed)


@per_case
def check_required(case: Case, ctx: CheckContext) -> Iterator[Issue]:
    """required-missing: an input this case needs is empty."""
    for key, reason in required_fields(case, ctx).items():
        if getattr(case, key) is not None or key in case.invalid:
            continue
        if BY_KEY[key].always_required and key not in ctx.present:
            continue  # the whole column is missing: header-missing says so once
        yield ctx.issue("required-missing", case, key, reason=reason)


@per_case
def check_case_id(case: Case, ctx: CheckContext) -> Iterator[Issue]:
    """case-id-missing: blank 售后单号 (the validate button assigns one)."""
    if case.case_id is None and "case_id" not in case.invalid:
        yield ctx.issue("case-id-missing", case, "case_id")


DATETIME_KEYS = tuple(column.key for column in INPUT_COLUMNS if column.kind is Kind.DATETIME)


@per_case
def check_dates(case: Case, ctx: CheckContext) -> Iterator[Issue]:
    """date-in-future (every datetime column, SPEC §14.1) and signed-after-registered."""
    for key in DATETIME_KEYS:
        moment = getattr(case, key)
        if moment is not None and moment > ctx.now:
            yield ctx.issue("date-in-future", case, key, now=value_text(ctx.now) or "")
    if case.signed_at and case.registered_at and case.signed_at > case.registered_at:
        yield ctx.issue("signed-after-registered", case, "signed_at", registered=value_text(case.registered_at) or "")


@per_case
def check_resolution_dates(case: Case, ctx: CheckContext) -> Iterator[Issue]:
    """resolution-missing and resolved-at-missing."""
    if case.resolved_at and case.resolution is None and "resolution" not in case.invalid:
        yield ctx.issue("resolution-missing", case, "resolution", resolved=value_text(case.resolved_at) or "")
    money = case.resolution in MONEY_RESOLUTIONS or bool(case.freight_refund)  # then required-missing (§14.2)
    if case.resolution and case.resolved_at is None and "resolved_at" not in case.invalid and not money:
        yield ctx.issue("resolved-at-missing", case, "resolved_at", resolution=resolution_label(case.resolution))


_DAMAGE_EVIDENCE = frozenset({CaseType.DAMAGED, CaseType.QUALITY})
_OTHER_EVIDENCE = frozenset({CaseType.SHORT, CaseType.WRONG_ITEM, CaseType.SIZE})


@per_case
def check_evidence(case: Case, ctx: CheckContext) -> Iterator[Issue]:
    """evidence-insufficient: too few photos/videos for the case type."""
    if case.case_type is None or "evidence_count" in case.invalid:
        return
    if case.case_type in _DAMAGE_EVIDENCE:
        minimum = ctx.policy.min_evidence_damage
    elif case.case_type in _OTHER_EVIDENCE:
        minimum = ctx.policy.min_evidence_other
    else:
        return
    if case.evidence < minimum:
        yield ctx.issue(
            "evidence-insufficient", case, "evidence_count",
            count=str(case.evidence), minimum=str(minimum), case_type=case_type_label(case.case_type),
        )


def _applied_text(case: Case) -> str:
    """When the buyer applied, for a message: 申请 … (or 登记 … when 申请时间 is blank)."""
    if case.applied_at is not None:
        return f"申请 {value_text(case.applied_at)}"
    return f"登记 {value_text(case.registered_at) or '空'}"


@per_case
def check_windows(case: Case, ctx: CheckContext) -> Iterator[Issue]:
    """outside-return-window, price-protect-expired, price-protect-unconfirmed, refund-type-mismatch."""
    policy = ctx.policy
    offered = case.resolution is not None and case.resolution is not Resolution.DECLINE
    if case.resolution in WINDOW_RESOLUTIONS and window_bound(case) and past_window(case, policy):
        assert case.signed_at is not None and case.resolution is not None
        yield ctx.issue(
            "outside-return-window", case, "resolution",
            case_type=case_type_label(case.case_type) if case.case_type else "",
            signed=value_text(case.signed_at) or "", window_end=value_text(return_window_end(case.signed_at, policy)) or "",
            applied=_applied_text(case), resolution=resolution_label(case.resolution),
        )
    if case.case_type is CaseType.NO_REASON:
        signed = case.order_stage == "已签收" or (case.order_stage is None and case.signed_at is not None)
        if signed and case.resolution is Resolution.REFUND_ONLY:
            yield ctx.issue("refund-type-mismatch", case, "resolution")
    if case.case_type is CaseType.PRICE_PROTECT:
        applied = applied_time(case)
        expired = (
            offered
            and applied is not None
            and case.ordered_at is not None
            and not within_price_protection(applied, case.ordered_at, policy)
        )
        if expired:
            assert case.ordered_at is not None
            yield ctx.issue(
                "price-protect-expired", case, "resolution",
                ordered=value_text(case.ordered_at) or "", days=str(policy.price_protect_days),
                applied=_applied_text(case),
                last_day=price_protect_end(case.ordered_at, policy).isoformat(),
            )
        if case.order_stage != "已签收" and "order_stage" not in case.invalid:
            yield ctx.issue("price-protect-unconfirmed", case, "order_stage", stage=case.order_stage or "空")


@per_case
def check_payment_details(case: Case, ctx: CheckContext) -> Iterator[Issue]:
    """cashback-account-missing, completed-unpaid, closed-with-money, escalation-missing."""
    if case.refund_channel == "支付宝返现" and case.payee_account is None and "payee_account" not in case.invalid:
        yield ctx.issue("cashback-account-missing", case, "payee_account")
    unpaid = case.paid_at is None and "paid_at" not in case.invalid
    if case.status == "已完成" and case.resolution in MONEY_RESOLUTIONS and unpaid:
        assert case.resolution is not None
        yield ctx.issue("completed-unpaid", case, "paid_at", resolution=resolution_label(case.resolution))
    if case.status == "已关闭" and case.resolution in MONEY_RESOLUTIONS and unpaid:
        assert case.resolution is not None
        yield ctx.issue("closed-with-money", case, "status", resolution=resolution_label(case.resolution))
    kind = case.case_type
    escalated = kind is CaseType.COMPLAINT or kind is CaseType.OTHER
    if escalated and case.resolution and not is_approved(case, ctx.policy):  # an invalid approval is none
        assert kind is not None
        yield ctx.issue("escalation-missing", case, "approved_by", case_type=case_type_label(kind))
