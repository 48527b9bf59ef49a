"""Recommendation and compensation ceiling (SPEC §4): the decision table, as pure functions.

Within a case type the rows are tried top to bottom and the first that matches wins. A missing input
never crashes: `recommended` is None and `missing` names the inputs (reported as required-missing).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from aftersales.columns import BY_KEY
from aftersales.deadlines import within_price_protection
from aftersales.model import Case
from aftersales.policy import DamageBasis, Policy
from aftersales.taxonomy import CaseType, Resolution
from aftersales.trusted import construct
from aftersales.windows import OUR_SIDE, applied_time, past_window, window_bound

R = Resolution
ZERO = Decimal("0.00")
OURS, BUYER = "我方", "客户"

COURIER_DEFAULT_CASES = frozenset({CaseType.DAMAGED, CaseType.LOST, CaseType.FALSE_SIGN, CaseType.NO_TRACKING})
ZERO_CEILING = frozenset({R.EXPLAIN, R.DECLINE, R.ESCALATE, R.RESHIP, R.EXCHANGE, R.REPAIR})
MONEY_WITHOUT_GOODS_BACK = frozenset({R.PARTIAL_REFUND, R.REFUND_ONLY})
EVIDENCE_CASES = frozenset({CaseType.DAMAGED, CaseType.QUALITY})
NEVER_ARRIVED = frozenset({CaseType.REFUND_BEFORE_SHIP, CaseType.INTERCEPT, CaseType.LOST, CaseType.FALSE_SIGN})
"""Cases whose goods never reached the buyer: 仅退款 refunds the whole order."""
PARTIAL_REFUND_ONLY = frozenset({CaseType.DAMAGED, CaseType.WRONG_ITEM, CaseType.QUALITY, CaseType.NOT_AS_DESCRIBED})
"""Received goods: 仅退款 is a compensation with the partial-refund ceiling (SPEC §14.3.1; 碎 → paid)."""
ZERO_REFUND_ONLY = frozenset({
    CaseType.NO_REASON, CaseType.SIZE, CaseType.TRACKING, CaseType.NO_TRACKING, CaseType.COMPLAINT, CaseType.OTHER,
})
"""仅退款 has ceiling 0 (no-reason must be return-refund; the others need approval)."""
OUR_MAKERS = frozenset({OURS, "厂家"})
"""A size problem that is ours or the maker's: we pay the freight (SPEC §14.3.4)."""


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


@dataclass(frozen=True, slots=True)
class _Row:
    resolution: Resolution
    alternatives: tuple[Resolution, ...]
    rule: str
    reason: str
    freight_payer: str | None = None
    ceiling_key: str | None = None
    """Case field that is this row's ceiling when nothing is chosen (overrides the per-resolution rule)."""


@dataclass(frozen=True, slots=True)
class _Missing:
    keys: tuple[str, ...]


# The decision table (SPEC §4): rule → resolution, alternatives, reason (filled from the policy),
# who pays the return freight, and the row's own ceiling field when it has one.
_TABLE: dict[str, tuple[Resolution, tuple[Resolution, ...], str, str | None, str | None]] = {
    "tracking": (R.EXPLAIN, (), "查件催件：解释说明，及时回复并跟进物流（售后处理流程 一）", None, None),
    "refund-before-ship": (R.REFUND_ONLY, (), "未发货退款：直接仅退款，上限为实付金额（售后手册 退款1）", None, None),
    "intercept": (R.INTERCEPT_REFUND, (), "已发货仅退款：通知快递拦截，拦截成功后退款，运费由我方承担（售后手册 退款2）", OURS, None),
    "short-small": (R.REFUND_ONLY, (R.RESHIP,), "少货金额不超过{p.short_refund_max}元：查实后可直接仅退款，上限为涉及金额（售后处理流程 二.4）", None, None),
    "short-large": (R.RESHIP, (R.REFUND_ONLY,), "少货金额超过{p.short_refund_max}元：与顾客商量补发或退款，上限为涉及金额（售后处理流程 二.5）", None, "item_amount"),
    "wrong-item-buyer": (R.EXPLAIN, (), "错货责任在客户：顾客拍错了，解释说明，不予补偿（售后处理流程 三.1）", BUYER, None),
    "wrong-item-same-sku": (R.EXPLAIN, (), "实收货号与所拍货号一致：是顾客拍错了，解释说明（售后处理流程 三.1）", BUYER, None),
    "wrong-item-valuable": (R.EXCHANGE, (R.RETURN_REFUND,), "错发商品价值高于运费：联系客户退换，运费由我方承担（售后处理流程 三.3）", OURS, None),
    "wrong-item-cheap": (R.PARTIAL_REFUND, (R.GIFT,), "错发商品价值不高于运费：折价部分退款，顾客不要则赠送并补发，上限为涉及金额（售后处理流程 三.3）", None, None),
    "damaged-evidence": (R.EXPLAIN, (), "破损凭证不足{p.min_evidence_damage}个：先请顾客提供 3–5 张照片再定方案（售后手册 4.2.1）", None, None),
    "damaged-minor": (R.PARTIAL_REFUND, (R.RETURN_REFUND,), "轻微破损：部分退款，上限{basis}（售后处理流程 四.1）", OURS, None),
    "damaged-severe": (R.RETURN_REFUND, (R.EXCHANGE, R.REFUND_ONLY), "严重破损：让顾客退回，退货退款或换货，运费由我方承担（售后处理流程 四.2）", OURS, None),
    "lost": (R.RESHIP, (R.REFUND_ONLY,), "丢件：快递核实确定丢件后补发，费用由快递承担（售后手册 4.2.2）", None, None),
    "false-sign": (R.RESHIP, (R.REFUND_ONLY,), "虚假签收：须快递确认丢失后才补发，费用由快递承担（售后手册 4.2.6）", None, None),
    "no-tracking": (R.EXPLAIN, (), "无物流更新：联系快递核实并向顾客解释说明（售后手册 4.2.5）", None, None),
    "quality-evidence": (R.EXPLAIN, (), "质量问题凭证不足{p.min_evidence_damage}个：先确认是否使用不当并请顾客提供照片（售后手册 4.3.2）", None, None),
    "quality": (R.PARTIAL_REFUND, (R.RETURN_REFUND, R.EXCHANGE), "质量问题：先折扣部分退款，上限{p.quality_discount_max}元，坚持退换则包邮退换（售后处理流程 五）", OURS, None),
    "size-ours": (R.EXCHANGE, (R.RETURN_REFUND,), "尺码问题责任在我方或厂家：换货，运费由我方承担（售后手册 4.3.1）", OURS, None),
    "size": (R.EXCHANGE, (R.RETURN_REFUND,), "尺码问题：七天内换货，运费由客户承担（售后手册 4.3.1、3.7）", BUYER, None),
    "size-expired": (R.DECLINE, (), "尺码问题申请时已过七天退换期限（签收次日零时起{p.no_reason_days}天）：委婉拒绝退换（售后手册 3.8）", None, None),
    "not-as-described": (R.PARTIAL_REFUND, (R.RETURN_REFUND,), "与描述不符：补损{p.mismatch_comp_min}–{p.mismatch_comp_max}元，或包邮退货（淘宝客服售后流程）", OURS, None),
    "not-as-described-expired": (R.DECLINE, (R.PARTIAL_REFUND,), "与描述不符申请时已过七天退换期限：委婉拒绝退换，可补损{p.mismatch_comp_min}–{p.mismatch_comp_max}元挽留（售后手册 3.8）", None, None),
    "no-reason": (R.RETURN_REFUND, (R.EXCHANGE,), "七天无理由在期限内（签收次日零时起{p.no_reason_days}天，按申请时间）：退货退款，退货运费由客户承担（售后手册 3）", BUYER, None),
    "no-reason-expired": (R.DECLINE, (), "七天无理由申请时已过期（签收次日零时起{p.no_reason_days}天）：委婉拒绝退换，可解释说明或补偿挽留（售后手册 3.8）", None, None),
    "price-protect": (R.REFUND_ONLY, (R.PARTIAL_REFUND,), "下单{p.price_protect_days}天内降价：退差价，上限为涉及金额（售后手册 3.6）", None, None),
    "price-protect-expired": (R.DECLINE, (), "超过保价{p.price_protect_days}天：委婉拒绝（售后手册 3.6）", None, None),
    "complaint": (R.ESCALATE, (), "投诉和疑难问题：立刻上报主管，补偿须主管审批（售后处理流程 六）", None, None),
    "other": (R.ESCALATE, (), "投诉和疑难问题：立刻上报主管，补偿须主管审批（售后处理流程 六）", None, None),
}

def _row(rule: str, policy: Policy) -> _Row:
    """The table row of `rule` with its reason filled from `policy`."""
    resolution, alternatives, reason, payer, ceiling_key = _TABLE[rule]
    text = reason.format(p=policy, basis=_basis_text(policy.damage_minor_basis))
    return _Row(resolution, alternatives, rule, text, payer, ceiling_key)


def _shipping(case: Case, policy: Policy) -> Decimal:
    return case.shipping_fee if case.shipping_fee is not None else policy.default_shipping_fee


def _same_sku(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def _decide(case: Case, policy: Policy, evidence: bool = True) -> str | _Missing:
    """The rule of the decision table that matches the case (rows tried top to bottom).

    evidence=False skips the evidence rows (who pays the freight is decided without them, SPEC §14.3.4).
    """
    kind = case.case_type
    if kind is None:
        return _Missing(("case_type",))
    if kind is CaseType.SHORT:
        if case.item_amount is None:
            return _Missing(("item_amount",))
        return "short-small" if case.item_amount <= policy.short_refund_max else "short-large"
    if kind is CaseType.WRONG_ITEM:
        if case.liable_party == BUYER:
            return "wrong-item-buyer"
        needed = tuple(k for k in ("sku", "received_sku") if getattr(case, k) is None)
        if needed:
            return _Missing(needed)
        assert case.sku is not None and case.received_sku is not None
        if _same_sku(case.sku, case.received_sku):
            return "wrong-item-same-sku"
        if case.item_amount is None:
            return _Missing(("item_amount",))
        return "wrong-item-valuable" if case.item_amount > _shipping(case, policy) else "wrong-item-cheap"
    if kind is CaseType.DAMAGED:
        if evidence and lacks_evidence(case, policy):
            return "damaged-evidence"
        if case.severity is None:
            return _Missing(("severity",))
        return "damaged-minor" if case.severity == "轻微" else "damaged-severe"
    if kind is CaseType.QUALITY:
        return "quality-evidence" if evidence and lacks_evidence(case, policy) else "quality"
    if kind is CaseType.SIZE:
        if case.liable_party in OUR_MAKERS:
            return "size-ours"
        return "size-expired" if window_bound(case) and past_window(case, policy) else "size"
    if kind is CaseType.NOT_AS_DESCRIBED:
        return "not-as-described-expired" if window_bound(case) and past_window(case, policy) else "not-as-described"
    if kind is CaseType.NO_REASON:
        if applied_time(case) is None:
            return _Missing(("registered_at",))
        return "no-reason-expired" if past_window(case, policy) else "no-reason"
    if kind is CaseType.PRICE_PROTECT:
        applied = applied_time(case)
        if applied is None or case.ordered_at is None:
            return _Missing(tuple(k for k in ("registered_at", "ordered_at") if getattr(case, k) is None))
        inside = within_price_protection(applied, case.ordered_at, policy)
        return "price-protect" if inside else "price-protect-expired"
    return kind.value  # one row for the whole case type


def _shattered(case: Case) -> bool:
    return case.case_type is CaseType.DAMAGED and case.severity == "严重"


def lacks_evidence(case: Case, policy: Policy) -> bool:
    """Damaged or quality case with fewer photos/videos than min_evidence_damage (seed 004 4.2.1)."""
    return case.case_type in EVIDENCE_CASES and case.evidence < policy.min_evidence_damage


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


def _refund_only_ceiling(case: Case, policy: Policy) -> tuple[Decimal | None, tuple[str, ...]]:
    """SPEC §14.3.1 (seed 004 客户收到货申请仅退款): the whole order only when the goods never arrived;
    on received goods 仅退款 is a compensation, capped like a partial refund (碎: 严重破损 → paid)."""
    if case.case_type in NEVER_ARRIVED:
        return _field(case, "paid_amount")
    if case.case_type in PARTIAL_REFUND_ONLY:
        return _partial_ceiling(case, policy)  # 严重破损 (碎): paid
    if case.case_type in ZERO_REFUND_ONLY:
        return ZERO, ()
    return _field(case, "item_amount")  # short, price-protect: the amount concerned


def amount_ceiling(case: Case, resolution: Resolution, policy: Policy) -> tuple[Decimal | None, tuple[str, ...]]:
    """Ceiling of `amount` when `resolution` is given, before the cap at paid; and missing inputs."""
    if case.case_type is None:
        return None, ("case_type",)  # every ceiling rule depends on the case type
    if resolution in ZERO_CEILING:
        return ZERO, ()
    if resolution is R.GIFT:
        return _field(case, "item_amount")
    if resolution in MONEY_WITHOUT_GOODS_BACK and case.case_type in EVIDENCE_CASES:
        if "evidence_count" in case.invalid:
            return None, ("evidence_count",)  # unusable 凭证数 (reported on its cell): no ceiling on a guess
        if lacks_evidence(case, policy):
            return ZERO, ()  # SPEC §14.3.2: evidence before money when the goods stay with the buyer
    if resolution is R.PARTIAL_REFUND:
        return _partial_ceiling(case, policy)
    if resolution is R.REFUND_ONLY:
        return _refund_only_ceiling(case, policy)
    return _field(case, "paid_amount")


def is_courier_claim(case: Case) -> bool:
    """Courier-liable: 责任方 快递, or a logistics case with liability 待定 or blank (seed 004 4.2)."""
    if case.liable_party == "快递":
        return True
    return case.case_type in COURIER_DEFAULT_CASES and case.liable_party in (None, "待定")


def freight_payer(case: Case, policy: Policy, row: _Row | None = None) -> str | None:
    """Who pays the return freight (SPEC §14.3.4): under the chosen resolution, the first row of the case
    type (evidence rows skipped) offering it; no such row: 我方 when the fault is on our side, else 客户.
    With nothing chosen, the recommended row's payer."""
    chosen = case.resolution
    if chosen is None:
        return row.freight_payer if row is not None else None
    decision = _decide(case, policy, evidence=False)
    if not isinstance(decision, _Missing):
        resolution, alternatives, _reason, payer, _key = _TABLE[decision]
        if chosen is resolution or chosen in alternatives:
            return payer
    return OURS if case.liable_party in OUR_SIDE else BUYER


def is_insured(case: Case) -> bool:
    """运费险 = 是: the insurer pays the return freight (seed 004 换货流程)."""
    return case.freight_insured == "是"


def _freight_ceiling(case: Case, policy: Policy, payer: str | None, decided: bool) -> Decimal | None:
    if case.case_type is None:
        return None
    if is_insured(case):
        return ZERO
    if payer == OURS or is_courier_claim(case):
        return policy.freight_refund_max  # what a buyer really advances (到付), not the shop's own rate
    return ZERO if decided else None


def _cap(value: Decimal | None, paid: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    if paid is not None and value > paid:
        return paid
    return value


def _notes(case: Case, policy: Policy, target: Resolution | None) -> list[str]:
    """Why the chosen resolution's ceilings are what they are, where a rule of revision 2 decided it."""
    notes: list[str] = []
    chosen, kind = case.resolution, case.case_type
    if window_bound(case) and case.signed_at is None:
        notes.append("签收时间为空，按仍在七天退换期限内推荐，退换前请补上签收时间")
    if chosen in MONEY_WITHOUT_GOODS_BACK and lacks_evidence(case, policy):
        notes.append(f"凭证不足{policy.min_evidence_damage}个，补齐照片前不退钱（售后手册 4.2.1）")
    elif chosen is R.REFUND_ONLY and kind in ZERO_REFUND_ONLY:
        notes.append("这类售后仅退款上限为 0：须退货退款，或经主管审批（售后手册 客户收到货申请仅退款）")
    elif chosen is R.REFUND_ONLY and kind in PARTIAL_REFUND_ONLY and not _shattered(case):
        notes.append("已收到货的仅退款是补偿，上限同部分退款，全额退款须退货退款（售后手册 客户收到货申请仅退款）")
    if is_insured(case) and target in (R.RETURN_REFUND, R.EXCHANGE):  # only goods sent back have freight
        notes.append("有运费险，寄回运费由保险公司承担，不退运费（售后手册 换货流程）")
    return notes


def recommended_resolution(case: Case, policy: Policy) -> tuple[Resolution | None, tuple[Resolution, ...]]:
    """Only the recommended resolution and its alternatives (what 推荐方案 shows), without ceilings."""
    decision = _decide(case, policy)
    if isinstance(decision, _Missing):
        return None, ()
    resolution, alternatives, _reason, _payer, _key = _TABLE[decision]
    return resolution, alternatives


def recommend(case: Case, policy: Policy) -> Recommendation:
    """The recommended resolution, its alternatives, and the ceilings for the chosen (or recommended) one."""
    decision = _decide(case, policy)
    missing: list[str] = []
    row: _Row | None = None
    if isinstance(decision, _Missing):
        missing.extend(decision.keys)
    else:
        row = _row(decision, policy)

    ceiling: Decimal | None = None
    target = case.resolution or (row.resolution if row else None)
    if target is not None:
        if case.resolution is None and row is not None and row.ceiling_key is not None:
            ceiling, needs = _field(case, row.ceiling_key)
        else:
            ceiling, needs = amount_ceiling(case, target, policy)
        missing.extend(k for k in needs if k not in missing)

    payer = freight_payer(case, policy, row)
    freight_ceiling = _freight_ceiling(case, policy, payer, row is not None or case.resolution is not None)
    if row is None:
        labels = "、".join(BY_KEY[k].header for k in missing)
        reason = f"缺少{labels}，无法推荐方案：请先补上"
    else:
        reason = "；".join([row.reason, *_notes(case, policy, target)])
    return construct(  # every field typed by the table and the parsers: no validation per case
        Recommendation,
        {
            "resolution": row.resolution if row else None,
            "alternatives": row.alternatives if row else (),
            "ceiling": _cap(ceiling, case.paid_amount),
            "freight_ceiling": _cap(freight_ceiling, case.paid_amount),
            "freight_payer": payer,
            "courier_claim": is_courier_claim(case),
            "missing": tuple(missing),
            "rule": row.rule if row else "missing-input",
            "reason": reason,
        },
    )
