"""Recommendation and compensation ceiling (SPEC §4): the decision table, as pure functions.

Within a case type the rows are tried top to bottom and the first that matches wins. A missing input
never crashes: `recommended` is None and `missing` names the inputs (reported as required-missing).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from aftersales.columns import BY_KEY
from aftersales.deadlines import within_price_protection, within_return_window
from aftersales.model import Case
from aftersales.policy import DamageBasis, Policy
from aftersales.taxonomy import CaseType, Resolution

R = Resolution
ZERO = Decimal("0.00")
OURS, BUYER = "我方", "客户"

COURIER_DEFAULT_CASES = frozenset({CaseType.DAMAGED, CaseType.LOST, CaseType.FALSE_SIGN, CaseType.NO_TRACKING})
ZERO_CEILING = frozenset({R.EXPLAIN, R.DECLINE, R.ESCALATE, R.RESHIP, R.EXCHANGE, R.REPAIR})
FULL_REFUNDS = frozenset({R.RETURN_REFUND, R.REFUND_ONLY, R.INTERCEPT_REFUND})


class Recommendation(BaseModel):
    """What the rules recommend for a case, and the ceilings for the chosen (or recommended) resolution."""

    model_config = ConfigDict(frozen=True)

    resolution: Resolution | None
    """Recommended resolution; None when an input the rule needs is missing."""
    alternatives: tuple[Resolution, ...] = ()
    ceiling: Decimal | None = None
    """Ceiling of `amount` under the chosen resolution (or the recommended one when none is chosen)."""
    freight_ceiling: Decimal | None = None
    """Ceiling of `freight_refund`."""
    freight_payer: str | None = None
    """Who pays the return freight under the matched rule: 我方, 客户, or None (not applicable)."""
    courier_claim: bool = False
    missing: tuple[str, ...] = ()
    """Keys of the inputs that are needed but empty."""
    rule: str = ""
    """Identifier of the decision-table row that matched."""
    reason: str = ""
    """One Chinese sentence naming the rule."""


@dataclass(frozen=True)
class _Row:
    resolution: Resolution
    alternatives: tuple[Resolution, ...]
    rule: str
    reason: str
    freight_payer: str | None = None
    ceiling_key: str | None = None
    """Case field that is this row's ceiling when nothing is chosen (overrides the per-resolution rule)."""


@dataclass(frozen=True)
class _Missing:
    keys: tuple[str, ...]


def _shipping(case: Case, policy: Policy) -> Decimal:
    return case.shipping_fee if case.shipping_fee is not None else policy.default_shipping_fee


def _same_sku(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def _decide(case: Case, policy: Policy) -> _Row | _Missing:
    kind = case.case_type
    if kind is None:
        return _Missing(("case_type",))
    if kind is CaseType.TRACKING:
        return _Row(R.EXPLAIN, (), "tracking", "查件催件：解释说明，及时回复并跟进物流（售后处理流程 一）")
    if kind is CaseType.REFUND_BEFORE_SHIP:
        return _Row(R.REFUND_ONLY, (), "refund-before-ship", "未发货退款：直接仅退款，上限为实付金额（售后手册 退款1）")
    if kind is CaseType.INTERCEPT:
        return _Row(R.INTERCEPT_REFUND, (), "intercept", "已发货仅退款：通知快递拦截，拦截成功后退款，运费由我方承担（售后手册 退款2）", OURS)
    if kind is CaseType.SHORT:
        if case.item_amount is None:
            return _Missing(("item_amount",))
        if case.item_amount <= policy.short_refund_max:
            return _Row(R.REFUND_ONLY, (R.RESHIP,), "short-small", f"少货金额不超过{policy.short_refund_max}元：查实后可直接仅退款，上限为涉及金额（售后处理流程 二.4）")
        return _Row(R.RESHIP, (R.REFUND_ONLY,), "short-large", f"少货金额超过{policy.short_refund_max}元：与顾客商量补发或退款，上限为涉及金额（售后处理流程 二.5）", None, "item_amount")
    if kind is CaseType.WRONG_ITEM:
        if case.liable_party == BUYER:
            return _Row(R.EXPLAIN, (), "wrong-item-buyer", "错货责任在客户：顾客拍错了，解释说明，不予补偿（售后处理流程 三.1）", BUYER)
        needed = tuple(k for k in ("sku", "received_sku") if getattr(case, k) is None)
        if needed:
            return _Missing(needed)
        assert case.sku is not None and case.received_sku is not None
        if _same_sku(case.sku, case.received_sku):
            return _Row(R.EXPLAIN, (), "wrong-item-buyer", "实收货号与所拍货号一致：是顾客拍错了，解释说明（售后处理流程 三.1）", BUYER)
        if case.item_amount is None:
            return _Missing(("item_amount",))
        if case.item_amount > _shipping(case, policy):
            return _Row(R.EXCHANGE, (R.RETURN_REFUND,), "wrong-item-valuable", "错发商品价值高于运费：联系客户退换，运费由我方承担（售后处理流程 三.3）", OURS)
        return _Row(R.PARTIAL_REFUND, (R.GIFT,), "wrong-item-cheap", "错发商品价值不高于运费：折价部分退款，顾客不要则赠送并补发，上限为涉及金额（售后处理流程 三.3）")
    if kind is CaseType.DAMAGED:
        if case.evidence < policy.min_evidence_damage:
            return _Row(R.EXPLAIN, (), "damaged-evidence", f"破损凭证不足{policy.min_evidence_damage}个：先请顾客提供 3–5 张照片再定方案（售后手册 4.2.1）")
        if case.severity is None:
            return _Missing(("severity",))
        if case.severity == "轻微":
            return _Row(R.PARTIAL_REFUND, (R.RETURN_REFUND,), "damaged-minor", f"轻微破损：部分退款，上限{_basis_text(policy.damage_minor_basis)}（售后处理流程 四.1）", OURS)
        return _Row(R.RETURN_REFUND, (R.EXCHANGE, R.REFUND_ONLY), "damaged-severe", "严重破损：让顾客退回，退货退款或换货，运费由我方承担（售后处理流程 四.2）", OURS)
    if kind in (CaseType.LOST, CaseType.FALSE_SIGN):
        if kind is CaseType.LOST:
            reason = "丢件：快递核实确定丢件后补发，费用由快递承担（售后手册 4.2.2）"
        else:
            reason = "虚假签收：须快递确认丢失后才补发，费用由快递承担（售后手册 4.2.6）"
        return _Row(R.RESHIP, (R.REFUND_ONLY,), kind.value, reason)
    if kind is CaseType.NO_TRACKING:
        return _Row(R.EXPLAIN, (), "no-tracking", "无物流更新：联系快递核实并向顾客解释说明（售后手册 4.2.5）")
    if kind is CaseType.QUALITY:
        if case.evidence < policy.min_evidence_damage:
            return _Row(R.EXPLAIN, (), "quality-evidence", f"质量问题凭证不足{policy.min_evidence_damage}个：先确认是否使用不当并请顾客提供照片（售后手册 4.3.2）")
        return _Row(R.PARTIAL_REFUND, (R.RETURN_REFUND, R.EXCHANGE), "quality", f"质量问题：先折扣部分退款，上限{policy.quality_discount_max}元，坚持退换则包邮退换（售后处理流程 五）", OURS)
    if kind is CaseType.SIZE:
        if case.liable_party == OURS:
            return _Row(R.EXCHANGE, (R.RETURN_REFUND,), "size-ours", "尺码问题责任在我方：换货，运费由我方承担（售后手册 4.3.1）", OURS)
        return _Row(R.EXCHANGE, (R.RETURN_REFUND,), "size", "尺码问题：换货，运费由客户承担（售后手册 4.3.1）", BUYER)
    if kind is CaseType.NOT_AS_DESCRIBED:
        return _Row(R.PARTIAL_REFUND, (R.RETURN_REFUND,), "not-as-described", f"与描述不符：补损{policy.mismatch_comp_min}–{policy.mismatch_comp_max}元，或包邮退货（淘宝客服售后流程）", OURS)
    if kind is CaseType.NO_REASON:
        needed = tuple(k for k in ("registered_at", "signed_at") if getattr(case, k) is None)
        if needed:
            return _Missing(needed)
        assert case.registered_at is not None and case.signed_at is not None
        if within_return_window(case.registered_at, case.signed_at, policy):
            return _Row(R.RETURN_REFUND, (R.EXCHANGE,), "no-reason", f"七天无理由在期限内（签收次日零时起{policy.no_reason_days}天）：退货退款，退货运费由客户承担（售后手册 3）", BUYER)
        return _Row(R.DECLINE, (), "no-reason-expired", "七天无理由已过期：委婉拒绝，订单不允许退换（售后手册 3.8）")
    if kind is CaseType.PRICE_PROTECT:
        needed = tuple(k for k in ("registered_at", "ordered_at") if getattr(case, k) is None)
        if needed:
            return _Missing(needed)
        assert case.registered_at is not None and case.ordered_at is not None
        if within_price_protection(case.registered_at, case.ordered_at, policy):
            return _Row(R.REFUND_ONLY, (R.PARTIAL_REFUND,), "price-protect", f"下单{policy.price_protect_days}天内降价：退差价，上限为涉及金额（售后手册 3.6）")
        return _Row(R.DECLINE, (), "price-protect-expired", f"超过保价{policy.price_protect_days}天：委婉拒绝（售后手册 3.6）")
    return _Row(R.ESCALATE, (), kind.value, "投诉和疑难问题：立刻上报主管，补偿须主管审批（售后处理流程 六）")


def _basis_text(basis: DamageBasis) -> str:
    return {
        DamageBasis.HIGHER: "取订单利润与运费较高者",
        DamageBasis.LOWER: "取订单利润与运费较低者",
        DamageBasis.PROFIT: "为订单利润（空时取运费）",
        DamageBasis.FREIGHT: "为运费",
    }[basis]


def minor_damage_basis(case: Case, policy: Policy) -> Decimal:
    """Ceiling of a minor damage partial refund: order profit against freight (seed 000 四.1)."""
    ship = _shipping(case, policy)
    profit = case.order_profit
    if profit is None or policy.damage_minor_basis is DamageBasis.FREIGHT:
        return ship
    if policy.damage_minor_basis is DamageBasis.HIGHER:
        return max(profit, ship)
    if policy.damage_minor_basis is DamageBasis.LOWER:
        return min(profit, ship)
    return profit


def _field(case: Case, key: str) -> tuple[Decimal | None, tuple[str, ...]]:
    value = getattr(case, key)
    return (value, ()) if value is not None else (None, (key,))


def _partial_ceiling(case: Case, policy: Policy) -> tuple[Decimal | None, tuple[str, ...]]:
    kind = case.case_type
    if kind is CaseType.DAMAGED:
        if case.severity is None:
            return None, ("severity",)
        if case.severity == "轻微":
            return minor_damage_basis(case, policy), ()
        return _field(case, "paid_amount")  # seed 000 四.2: 协商部分退款或者全部退款
    if kind is CaseType.QUALITY:
        return policy.quality_discount_max, ()
    if kind is CaseType.NOT_AS_DESCRIBED:
        return policy.mismatch_comp_max, ()
    if kind in (CaseType.WRONG_ITEM, CaseType.SHORT, CaseType.PRICE_PROTECT):
        return _field(case, "item_amount")
    return ZERO, ()  # any other partial refund needs a supervisor's approval


def amount_ceiling(case: Case, resolution: Resolution, policy: Policy) -> tuple[Decimal | None, tuple[str, ...]]:
    """Ceiling of `amount` when `resolution` is given, before the cap at paid; and missing inputs."""
    if case.case_type is None:
        return None, ("case_type",)  # every ceiling rule depends on the case type
    if resolution in ZERO_CEILING:
        return ZERO, ()
    if resolution is R.GIFT:
        return _field(case, "item_amount")
    if resolution is R.PARTIAL_REFUND:
        return _partial_ceiling(case, policy)
    if resolution is R.REFUND_ONLY and case.case_type in (CaseType.SHORT, CaseType.PRICE_PROTECT):
        return _field(case, "item_amount")
    return _field(case, "paid_amount")


def is_courier_claim(case: Case) -> bool:
    """Courier-liable: 责任方 快递, or a logistics case with liability 待定 or blank (seed 004 4.2)."""
    if case.liable_party == "快递":
        return True
    return case.case_type in COURIER_DEFAULT_CASES and case.liable_party in (None, "待定")


def _cap(value: Decimal | None, paid: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    if paid is not None and value > paid:
        return paid
    return value


def recommend(case: Case, policy: Policy) -> Recommendation:
    """The recommended resolution, its alternatives, and the ceilings for the chosen (or recommended) one."""
    decision = _decide(case, policy)
    courier = is_courier_claim(case)
    missing: list[str] = []
    row: _Row | None = None
    if isinstance(decision, _Missing):
        missing.extend(decision.keys)
    else:
        row = decision

    ceiling: Decimal | None = None
    target = case.resolution or (row.resolution if row else None)
    if target is not None:
        if case.resolution is None and row is not None and row.ceiling_key is not None:
            ceiling, needs = _field(case, row.ceiling_key)
        else:
            ceiling, needs = amount_ceiling(case, target, policy)
        missing.extend(k for k in needs if k not in missing)

    freight_ceiling: Decimal | None
    if case.case_type is None:
        freight_ceiling = None
    elif courier or (row is not None and row.freight_payer == OURS):
        freight_ceiling = _shipping(case, policy)
    elif row is not None:
        freight_ceiling = ZERO
    else:
        freight_ceiling = None

    if row is None:
        labels = "、".join(BY_KEY[k].header for k in missing)
        reason = f"缺少{labels}，无法推荐方案：请先补上"
    else:
        reason = row.reason
    return Recommendation(
        resolution=row.resolution if row else None,
        alternatives=row.alternatives if row else (),
        ceiling=_cap(ceiling, case.paid_amount),
        freight_ceiling=_cap(freight_ceiling, case.paid_amount),
        freight_payer=row.freight_payer if row else None,
        courier_claim=courier,
        missing=tuple(missing),
        rule=row.rule if row else "missing-input",
        reason=reason,
    )
