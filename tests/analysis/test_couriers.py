"""The courier of a parcel: the shop's own 快递公司 column, else the 运单号 prefix table, else 未知."""

from __future__ import annotations

import pytest

from analysis.couriers import COURIER_PREFIXES, UNKNOWN, courier_of


@pytest.mark.parametrize(("typed", "tracking", "courier"), [
    (None, "SF1234567890123", "顺丰"),
    (None, " sf1234567890123 ", "顺丰"),
    (None, "SF 1234567", "顺丰"),  # spaces and dashes inside are ignored
    (None, "SF-123456", "顺丰"),
    (None, "JDVA00012345678", "京东"),  # 京东's numbers may have letters after the prefix
    (None, "JDX000123456", "京东"),
    (None, "YT8800001111", "圆通"),
    (None, "ZTO751230", "中通"),
    (None, "STO770010", "申通"),
    (None, "YD4300012", "韵达"),
    (None, "JDV012345678", "京东"),
    (None, "JD0012345", "京东"),
    (None, "EMS1180001", "邮政"),
    (None, "DPK364000", "德邦"),
    (None, "JT3000123", "极兔"),
    (None, "SF12", UNKNOWN),  # too few digits to be a number
    (None, "75123456789", UNKNOWN),  # digits only: no prefix to go by
    (None, "SFX-NOTE", UNKNOWN),  # a prefix must be followed by a digit
    (None, None, UNKNOWN),
    ("顺丰速运", "YT8800001111", "顺丰"),  # the shop's own column wins over the number
    (" 中通快递 ", None, "中通"),
    ("安能物流", None, "安能物流"),  # a courier not in the table keeps its typed name
    ("  ", "SF123456", "顺丰"),
    ("sf", None, "顺丰"),  # the courier's code, any case
    ("ZTO", None, "中通"),
    ("yto", None, "圆通"),
])
def test_courier_of(typed: object, tracking: str | None, courier: str) -> None:
    assert courier_of(typed, tracking) == courier


def test_every_prefix_of_the_issue_is_in_the_table() -> None:
    table = dict(COURIER_PREFIXES)
    assert {p: table[p] for p in ("SF", "YT", "ZTO", "STO", "YD", "JD", "JDV", "EMS", "DPK")} == {
        "SF": "顺丰", "YT": "圆通", "ZTO": "中通", "STO": "申通", "YD": "韵达", "JD": "京东", "JDV": "京东",
        "EMS": "邮政", "DPK": "德邦"}
