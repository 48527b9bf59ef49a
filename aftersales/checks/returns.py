"""Checks of goods the buyer sent back (SPEC §14.3.9, seed 003 验收 and 000 七): what came back and when."""

from __future__ import annotations

from collections.abc import Iterator

from aftersales.approval import is_approved
from aftersales.checks.context import CheckContext, per_case
from aftersales.checks.money import qty_mismatch
from aftersales.issues import Issue
from aftersales.model import Case
from aftersales.payout import READY_STATUSES
from aftersales.taxonomy import Resolution, resolution_label

GOODS_BACK = frozenset({Resolution.RETURN_REFUND, Resolution.EXCHANGE})


@per_case
def check_received_qty(case: Case, ctx: CheckContext) -> Iterator[Issue]:
    """return-qty-mismatch: 实收数量 ≠ 数量 and no valid approval (the refund is held meanwhile)."""
    if qty_mismatch(case) and not is_approved(case, ctx.policy):
        yield ctx.issue("return-qty-mismatch", case, "received_qty", qty=str(case.quantity))


@per_case
def check_goods_received(case: Case, ctx: CheckContext) -> Iterator[Issue]:
    """goods-received-missing: a return or exchange at 待退款 / 已完成 without 收货时间."""
    if "goods_received_at" not in ctx.present or "goods_received_at" in case.invalid:
        return
    if case.resolution in GOODS_BACK and case.status in READY_STATUSES and case.goods_received_at is None:
        assert case.resolution is not None
        yield ctx.issue(
            "goods-received-missing", case, "goods_received_at",
            resolution=resolution_label(case.resolution), status=case.status or "",
        )

