"""What a case pays the buyer for the goods (SPEC §14.2): 金额 as a person typed it; a blank 金额 means
the whole 实付金额 only where the goods never reached the buyer, so nothing is guessed. One definition
for the checks (order totals, required 金额) and for the refund sheet."""

from __future__ import annotations

from decimal import Decimal

from aftersales.model import Case
from aftersales.taxonomy import MONEY_RESOLUTIONS, CaseType, Resolution

ZERO = Decimal("0.00")
READY_STATUSES = frozenset({"待退款", "已完成"})
"""The statuses that say returned goods are back (or an interception succeeded)."""


def blank_amount_is_whole_order(kind: CaseType | None, chosen: Resolution | None) -> bool:
    """拦截退款, and 仅退款 of 未发货退款: the goods never reached the buyer."""
    return chosen is Resolution.INTERCEPT_REFUND or (
        chosen is Resolution.REFUND_ONLY and kind is CaseType.REFUND_BEFORE_SHIP
    )


def pays_whole_order(case: Case) -> bool:
    return blank_amount_is_whole_order(case.case_type, case.resolution)


def amount_meant(case: Case) -> Decimal | None:
    """金额, or 实付金额 where a blank 金额 means the whole order; None when nothing is meant."""
    if case.amount is not None:
        return case.amount
    return case.paid_amount if pays_whole_order(case) else None


def goods_back(case: Case) -> bool:
    """The returned goods arrived: 收货时间 given, or status 待退款 / 已完成 (SPEC §14.5)."""
    return case.goods_received_at is not None or case.status in READY_STATUSES


def freight_waits(case: Case) -> bool:
    """A row is paid whole, so a 退运费 on it waits for the goods whatever its resolution."""
    return bool(case.freight_refund) and not goods_back(case)


def refund_money(case: Case) -> Decimal:
    """Money to the buyer for the goods; a money resolution with blank 金额 otherwise pays nothing (it is
    held as required-missing)."""
    if case.resolution not in MONEY_RESOLUTIONS:
        return ZERO
    return amount_meant(case) or ZERO
