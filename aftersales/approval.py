"""Whether a case's 审批人 is a valid approval (SPEC §14.3.3; seed 004 支持组, 000 六 主管).

An approval is invalid when 审批人 is the row's own 客服, or when the shop listed its approvers
(政策 审批人名单) and the name is not on the list. An invalid approval counts as none.
"""

from __future__ import annotations

from aftersales.model import Case
from aftersales.policy import Policy
from aftersales.taxonomy import normalise_text

SELF_APPROVAL = "self-approval"
APPROVER_UNKNOWN = "approver-unknown"


def same_person(a: str, b: str) -> bool:
    """Names compared as people read them: width, case and spaces do not matter."""
    return _folded(a) == _folded(b)


def _folded(name: str) -> str:
    return "".join(normalise_text(name).casefold().split())


def approval_problem(case: Case, policy: Policy) -> str | None:
    """The issue code that makes this case's approval invalid, or None (no approval, or a valid one)."""
    name = case.approved_by
    if not name:
        return None
    if case.agent and same_person(name, case.agent):
        return SELF_APPROVAL
    if policy.approvers and not any(same_person(name, approver) for approver in policy.approvers):
        return APPROVER_UNKNOWN
    return None


def is_approved(case: Case, policy: Policy) -> bool:
    """审批人 is filled and the approval is valid."""
    return bool(case.approved_by) and approval_problem(case, policy) is None
