"""Test helpers that read like the domain: rows of a register in, cases/issues/recommendations out.

`valid_row(...)` gives a complete, correct case (override any field by key); `run(rows)` validates a
register of those rows (header row 1, data from row 2) and returns the report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from aftersales.columns import BY_KEY, INPUT_COLUMNS, column_letter
from aftersales.issues import Issue
from aftersales.model import Case, RawRegister
from aftersales.policy import DEFAULT_POLICY, Policy
from aftersales.recommend import Recommendation, recommend
from aftersales.validate import Report, validate

NOW = datetime(2026, 11, 21, 18, 30)
HEADERS = tuple(column.header for column in INPUT_COLUMNS)
KEYS = tuple(column.key for column in INPUT_COLUMNS)


def valid_row(**overrides: object) -> dict[str, object]:
    """A handled damaged-goods case with every input right; overrides by column key."""
    row: dict[str, object] = {
        "case_id": "SH20261121-001",
        "registered_at": datetime(2026, 11, 21, 10, 0),
        "platform": "淘宝",
        "order_id": "123456789012345678",
        "ordered_at": datetime(2026, 11, 17, 9, 0),
        "buyer": "tb_buyer1",
        "agent": "小王",
        "case_type": "运输破损",
        "order_stage": "已签收",
        "signed_at": datetime(2026, 11, 20, 15, 0),
        "sku": "YF-1001-黑-M",
        "qty": 1,
        "paid_amount": Decimal("100.00"),
        "order_profit": Decimal("20.00"),
        "shipping_fee": Decimal("10.00"),
        "severity": "轻微",
        "evidence_count": 3,
        "liable_party": "快递",
        "description": "外箱压坏",
        "resolution": "部分退款",
        "amount": Decimal("12.00"),
        "refund_channel": "支付宝返现",
        "payee_account": "13800001234",
        "status": "已完成",
        "resolved_at": datetime(2026, 11, 21, 10, 30),
        "paid_at": datetime(2026, 11, 21, 11, 0),
    }
    row.update(overrides)
    return row


def raw_register(rows: Sequence[Mapping[str, object]], sheet: str = "登记表") -> RawRegister:
    """A register whose columns are the catalogue's input columns, in catalogue order (A, B, …)."""
    return RawRegister(
        sheet=sheet,
        header_row=1,
        header=list(HEADERS),
        rows=[(index + 2, [row.get(key) for key in KEYS]) for index, row in enumerate(rows)],
    )


def run(rows: Sequence[Mapping[str, object]], now: datetime = NOW, policy: Policy = DEFAULT_POLICY) -> Report:
    return validate(raw_register(rows), now, policy)


def codes(report: Report, row: int | None = None) -> list[str]:
    return [i.code for i in report.issues if row is None or i.row == row]


def found(report: Report, code: str) -> list[Issue]:
    return [i for i in report.issues if i.code == code]


def case_of(**overrides: object) -> Case:
    """One parsed case from a valid row with overrides (through the real parsing)."""
    report = run([valid_row(**overrides)])
    return report.results[0].case


def recommend_for(policy: Policy = DEFAULT_POLICY, **overrides: object) -> Recommendation:
    return recommend(case_of(**overrides), policy)


def letter(key: str) -> str:
    return column_letter(KEYS.index(key))


assert set(KEYS) <= set(BY_KEY)
