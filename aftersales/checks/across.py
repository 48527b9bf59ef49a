"""Checks across cases (SPEC §6): each issue about several rows is reported on every row involved,
its message naming the other rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator, Sequence
from decimal import Decimal

from aftersales.checks.context import CheckContext, others, value_text
from aftersales.issues import Issue
from aftersales.model import Case
from aftersales.payout import amount_meant
from aftersales.taxonomy import Resolution, case_type_label


def _groups(cases: Sequence[Case], key: Callable[[Case], Hashable | None]) -> list[list[Case]]:
    """Cases sharing a key (None keys are left out), only groups of two or more."""
    grouped: dict[Hashable, list[Case]] = defaultdict(list)
    for case in cases:
        value = key(case)
        if value is not None:
            grouped[value].append(case)
    return [group for group in grouped.values() if len(group) > 1]


def order_key(case: Case) -> str | None:
    """The order a case belongs to, for grouping; an unusable order number groups with nothing."""
    return None if "order_id" in case.invalid else case.order_id


def check_duplicate_case_ids(cases: Sequence[Case], ctx: CheckContext) -> Iterator[Issue]:
    """duplicate-case-id: one 售后单号 on several rows."""
    for group in _groups(cases, lambda c: c.case_id):
        rows = sorted(c.row for c in group)
        for case in group:
            yield ctx.issue("duplicate-case-id", case, "case_id", others=others(rows, case.row))


def check_order_refunds(cases: Sequence[Case], ctx: CheckContext) -> Iterator[Issue]:
    """order-refunds-exceed-paid: money of all cases of one order together above what was paid."""
    with_money = [c for c in cases if amount_meant(c) is not None and c.resolution is not Resolution.GIFT]
    for group in _groups(with_money, order_key):
        paid_values = [c.paid_amount for c in group if c.paid_amount is not None]
        if not paid_values:
            continue
        paid = max(paid_values)
        total = sum((amount_meant(c) or Decimal("0") for c in group), Decimal("0"))  # blank may mean the whole order
        if total > paid:
            rows = sorted(c.row for c in group)
            for case in group:
                yield ctx.issue(
                    "order-refunds-exceed-paid", case, "amount",
                    order_id=case.order_id or "", total=value_text(total) or "", paid=value_text(paid) or "",
                    others=others(rows, case.row),
                )


def item_key(case: Case) -> str | None:
    """The item of a case (货号 as people read it), for per-item limits; blank 货号 is one item."""
    return "".join(case.sku.casefold().split()) if case.sku else None


def _item_text(case: Case) -> str:
    return f" 货号 {case.sku}" if case.sku else ""


def check_exchange_limit(cases: Sequence[Case], ctx: CheckContext) -> Iterator[Issue]:
    """exchange-limit: more exchanges of one item of an order than the policy allows (seed 004:
    换货服务提供1次; SPEC §14.3.6: two different items of one order may each be exchanged once)."""
    limit = ctx.policy.exchange_limit
    exchanges = [c for c in cases if c.resolution is Resolution.EXCHANGE]
    grouped: dict[tuple[str, str | None], list[Case]] = defaultdict(list)
    for case in exchanges:
        order = order_key(case)
        if order is not None:
            grouped[(order, item_key(case))].append(case)
    for group in grouped.values():
        if len(group) > limit:
            rows = sorted(c.row for c in group)
            for case in group:
                yield ctx.issue(
                    "exchange-limit", case, "resolution",
                    order_id=case.order_id or "", item=_item_text(case), count=str(len(group)), limit=str(limit),
                    others=others(rows, case.row) or "无",
                )


def check_duplicate_cases(cases: Sequence[Case], ctx: CheckContext) -> Iterator[Issue]:
    """duplicate-case: the same order, case type and item registered twice while both are open."""
    open_cases = [c for c in cases if c.is_open]

    def key(case: Case) -> Hashable | None:
        order = order_key(case)
        return (order, case.case_type, item_key(case)) if order and case.case_type else None

    for group in _groups(open_cases, key):
        rows = sorted(c.row for c in group)
        for case in group:
            assert case.case_type is not None
            yield ctx.issue(
                "duplicate-case", case, "case_type",
                order_id=case.order_id or "", item=_item_text(case), case_type=case_type_label(case.case_type),
                others=others(rows, case.row),
            )


def check_buyer_agents(cases: Sequence[Case], ctx: CheckContext) -> Iterator[Issue]:
    """buyer-multiple-agents: one buyer (platform + buyer) handled by more than one agent (seed 001)."""
    with_agent = [c for c in cases if c.agent]
    for group in _groups(with_agent, lambda c: (c.platform, c.buyer) if c.buyer else None):
        agents = sorted({c.agent for c in group if c.agent})
        if len(agents) < 2:
            continue
        rows = sorted(c.row for c in group)
        for case in group:
            yield ctx.issue(
                "buyer-multiple-agents", case, "agent",
                buyer=case.buyer or "", agents="、".join(agents), others=others(rows, case.row),
            )
