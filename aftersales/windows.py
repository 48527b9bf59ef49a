"""Which cases the return and exchange window binds, and whether a case is past it (SPEC §5, §14.3.5).

Seed 004 3.7, 3.8: 超过7天…委婉拒绝客户的退换需求. The window is for the buyer's own reasons: 七天无理由, and
尺码问题 / 与描述不符 when the fault is not on our side. Our-fault cases have no window. It binds the
resolutions that take the goods back or refund them whole; explanations and compensation are free.
"""

from __future__ import annotations

from datetime import datetime

from aftersales.deadlines import return_window_end
from aftersales.model import Case
from aftersales.policy import Policy
from aftersales.taxonomy import CaseType, Resolution

OUR_SIDE = frozenset({"我方", "厂家", "快递"})
"""责任方 values that make a fault ours (the shop, its supplier, its courier)."""
WINDOW_RESOLUTIONS = frozenset({Resolution.RETURN_REFUND, Resolution.EXCHANGE, Resolution.REFUND_ONLY})
"""The chosen resolutions the window binds."""
_BUYER_REASON_CASES = frozenset({CaseType.SIZE, CaseType.NOT_AS_DESCRIBED})


def window_bound(case: Case) -> bool:
    """七天无理由, or 尺码问题 / 与描述不符 whose 责任方 is not 我方 / 厂家 / 快递."""
    if case.case_type is CaseType.NO_REASON:
        return True
    return case.case_type in _BUYER_REASON_CASES and case.liable_party not in OUR_SIDE


def applied_time(case: Case) -> datetime | None:
    """When the buyer applied: 申请时间, else 登记时间 (SPEC §14.1)."""
    return case.applied_at or case.registered_at


def past_window(case: Case, policy: Policy) -> bool | None:
    """Whether the buyer applied at or after the window end; None when 签收时间 or both times are blank."""
    applied = applied_time(case)
    if case.signed_at is None or applied is None:
        return None
    return applied >= return_window_end(case.signed_at, policy)


def window_needs_signed_at(case: Case) -> bool:
    """A chosen resolution the window binds needs 签收时间 to judge it."""
    return case.resolution in WINDOW_RESOLUTIONS and window_bound(case)
