"""Every check of SPEC §6, as small pure functions listed in named tiers.

Cell-level issues (invalid-*, excel-error, order-id-*, negative-amount) come from parsing the cells
(`aftersales.build`); header-missing from the header row; policy-invalid from the 政策 sheet.
"""

from __future__ import annotations

from aftersales.checks.across import (
    check_buyer_agents,
    check_duplicate_case_ids,
    check_duplicate_cases,
    check_exchange_limit,
    check_order_refunds,
)
from aftersales.checks.cases import (
    check_case_id,
    check_dates,
    check_evidence,
    check_payment_details,
    check_required,
    check_resolution_dates,
    check_windows,
)
from aftersales.checks.clock import check_cashback_paid, check_solution_deadline, check_stale_follow_ups
from aftersales.checks.context import Check, CheckContext
from aftersales.checks.money import (
    check_amounts,
    check_approval,
    check_channel,
    check_freight_insured,
    check_minimum_offer,
)
from aftersales.checks.returns import check_goods_received, check_received_qty

BASIC: tuple[Check, ...] = (
    check_required,
    check_case_id,
    check_dates,
    check_resolution_dates,
    check_amounts,
    check_evidence,
    check_windows,
    check_payment_details,
    check_approval,
    check_freight_insured,
    check_channel,
    check_minimum_offer,
    check_received_qty,
    check_goods_received,
)
"""Rules of one case, always run."""

ACROSS: tuple[Check, ...] = (
    check_duplicate_case_ids,
    check_order_refunds,
    check_exchange_limit,
    check_duplicate_cases,
    check_buyer_agents,
)
"""Rules across cases of the register."""

CLOCK: tuple[Check, ...] = (check_solution_deadline, check_cashback_paid, check_stale_follow_ups)
"""Rules that depend on `now`."""

TIERS: dict[str, tuple[Check, ...]] = {"basic": BASIC, "across": ACROSS, "clock": CLOCK}

__all__ = ["ACROSS", "BASIC", "CLOCK", "TIERS", "Check", "CheckContext"]
