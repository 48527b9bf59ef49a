"""SPEC §4: one test per row of the decision table, and per resolution for the chosen ceilings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from aftersales.policy import DamageBasis, Policy
from aftersales.recommend import recommend
from aftersales.taxonomy import Resolution as R
from tests.domain import case_of, recommend_for

D = Decimal
NONE: dict[str, object] = {"resolution": None, "amount": None, "refund_channel": None, "payee_account": None,
                           "status": "待处理", "resolved_at": None, "paid_at": None}


def rec(**overrides: object):  # type: ignore[no-untyped-def]
    return recommend_for(**{**NONE, **overrides})


# (table row, overrides, recommended, alternatives, amount ceiling, freight payer)
TABLE = [
    ("tracking", {"case_type": "查件催件"}, R.EXPLAIN, (), "0.00", None),
    ("refund-before-ship", {"case_type": "未发货退款"}, R.REFUND_ONLY, (), "100.00", None),
    ("intercept", {"case_type": "拦截退回"}, R.INTERCEPT_REFUND, (), "100.00", "我方"),
    ("short small", {"case_type": "少货漏发", "item_amount": D("20.00")}, R.REFUND_ONLY, (R.RESHIP,), "20.00", None),
    ("short large", {"case_type": "少货漏发", "item_amount": D("20.01")}, R.RESHIP, (R.REFUND_ONLY,), "20.01", None),
    ("wrong-item liable buyer", {"case_type": "错货错发", "liable_party": "客户"}, R.EXPLAIN, (), "0.00", "客户"),
    ("wrong-item same sku", {"case_type": "错货错发", "received_sku": "YF-1001-黑-M", "item_amount": D("50")},
     R.EXPLAIN, (), "0.00", "客户"),
    ("wrong-item valuable", {"case_type": "错货错发", "received_sku": "X-2", "item_amount": D("10.01")},
     R.EXCHANGE, (R.RETURN_REFUND,), "0.00", "我方"),
    ("wrong-item cheap", {"case_type": "错货错发", "received_sku": "X-2", "item_amount": D("10.00")},
     R.PARTIAL_REFUND, (R.GIFT,), "10.00", None),
    ("damaged few photos", {"evidence_count": 2}, R.EXPLAIN, (), "0.00", None),
    ("damaged minor", {"severity": "轻微"}, R.PARTIAL_REFUND, (R.RETURN_REFUND,), "20.00", "我方"),
    ("damaged severe", {"severity": "严重"}, R.RETURN_REFUND, (R.EXCHANGE, R.REFUND_ONLY), "100.00", "我方"),
    ("lost", {"case_type": "丢件"}, R.RESHIP, (R.REFUND_ONLY,), "0.00", None),
    ("false-sign", {"case_type": "虚假签收"}, R.RESHIP, (R.REFUND_ONLY,), "0.00", None),
    ("no-tracking", {"case_type": "无物流更新"}, R.EXPLAIN, (), "0.00", None),
    ("quality few photos", {"case_type": "质量问题", "evidence_count": 2}, R.EXPLAIN, (), "0.00", None),
    ("quality", {"case_type": "质量问题"}, R.PARTIAL_REFUND, (R.RETURN_REFUND, R.EXCHANGE), "10.00", "我方"),
    ("size liable ours", {"case_type": "尺码问题", "liable_party": "我方"}, R.EXCHANGE, (R.RETURN_REFUND,), "0.00",
     "我方"),
    ("size otherwise", {"case_type": "尺码问题", "liable_party": "客户"}, R.EXCHANGE, (R.RETURN_REFUND,), "0.00",
     "客户"),
    ("not-as-described", {"case_type": "与描述不符"}, R.PARTIAL_REFUND, (R.RETURN_REFUND,), "15.00", "我方"),
    ("no-reason in window", {"case_type": "七天无理由", "signed_at": datetime(2026, 11, 14, 9, 0)},
     R.RETURN_REFUND, (R.EXCHANGE,), "100.00", "客户"),
    ("no-reason expired", {"case_type": "七天无理由", "signed_at": datetime(2026, 11, 12, 9, 0)},
     R.DECLINE, (), "0.00", None),
    ("price-protect in window", {"case_type": "保价退差价", "ordered_at": datetime(2026, 11, 14, 23, 0),
                                 "item_amount": D("8.00")}, R.REFUND_ONLY, (R.PARTIAL_REFUND,), "8.00", None),
    ("price-protect later", {"case_type": "保价退差价", "ordered_at": datetime(2026, 11, 13, 23, 0),
                             "item_amount": D("8.00")}, R.DECLINE, (), "0.00", None),
    ("complaint", {"case_type": "投诉维权"}, R.ESCALATE, (), "0.00", None),
    ("other", {"case_type": "其他"}, R.ESCALATE, (), "0.00", None),
]


@pytest.mark.parametrize(("name", "overrides", "recommended", "alternatives", "ceiling", "payer"), TABLE,
                         ids=[row[0] for row in TABLE])
def test_decision_table_row(name, overrides, recommended, alternatives, ceiling, payer):  # type: ignore[no-untyped-def]
    result = rec(**overrides)
    assert result.resolution is recommended
    assert result.alternatives == alternatives
    assert result.ceiling == D(ceiling)
    assert result.freight_payer == payer
    assert result.missing == ()
    assert result.reason and "（" in result.reason  # names its rule and source


def test_reason_names_the_rule_of_minor_damage():
    assert rec(severity="轻微").reason == "轻微破损：部分退款，上限取订单利润与运费较高者（售后处理流程 四.1）"


def test_false_sign_reason_requires_courier_confirmation():
    assert "快递确认" in rec(case_type="虚假签收").reason


@pytest.mark.parametrize(
    ("basis", "profit", "expected"),
    [
        (DamageBasis.HIGHER, D("20.00"), "20.00"),
        (DamageBasis.HIGHER, D("4.00"), "10.00"),
        (DamageBasis.LOWER, D("20.00"), "10.00"),
        (DamageBasis.PROFIT, D("4.00"), "4.00"),
        (DamageBasis.FREIGHT, D("20.00"), "10.00"),
        (DamageBasis.HIGHER, None, "10.00"),  # profit blank → freight
        (DamageBasis.PROFIT, None, "10.00"),
    ],
)
def test_minor_damage_basis(basis, profit, expected):  # type: ignore[no-untyped-def]
    case = case_of(**NONE, severity="轻微", order_profit=profit)
    assert recommend(case, Policy(damage_minor_basis=basis)).ceiling == D(expected)


def test_blank_shipping_fee_uses_policy_default():
    result = recommend(case_of(**NONE, severity="轻微", order_profit=None, shipping_fee=None),
                       Policy(default_shipping_fee=D("8.00")))
    assert result.ceiling == D("8.00")
    # SPEC §14.3.4: the freight ceiling is 退运费上限 (what a buyer advances), not the one-way 运费.
    assert result.freight_ceiling == Policy().freight_refund_max


def test_short_threshold_comes_from_policy():
    case = case_of(**NONE, case_type="少货漏发", item_amount=D("25.00"))
    assert recommend(case, Policy(short_refund_max=D("30"))).resolution is R.REFUND_ONLY


def test_evidence_row_comes_before_severity_rows():
    # No photos and no severity: the evidence row matches, nothing is missing for the recommendation.
    result = rec(evidence_count=None, severity=None)
    assert result.resolution is R.EXPLAIN
    assert result.missing == ()


# Chosen-resolution ceilings (SPEC §4, first bullet): ceiling for what the staff chose.
CHOSEN = [
    ("return-refund", {"resolution": "退货退款"}, "100.00"),
    # SPEC §14.3.1: on received goods 仅退款 is a compensation (minor damage: the partial ceiling) …
    ("refund-only minor damage → partial", {"resolution": "仅退款"}, "20.00"),
    # … and 碎 (severe damage with evidence) may be refunded whole.
    ("refund-only severe damage → paid", {"resolution": "仅退款", "severity": "严重"}, "100.00"),
    ("intercept-refund", {"case_type": "拦截退回", "resolution": "拦截退款"}, "100.00"),
    ("short refund-only → item", {"case_type": "少货漏发", "item_amount": D("30"), "resolution": "仅退款"}, "30.00"),
    ("price-protect refund-only → item", {"case_type": "保价退差价", "item_amount": D("9"), "resolution": "仅退款"},
     "9.00"),
    ("gift → item", {"case_type": "错货错发", "received_sku": "X", "item_amount": D("6"), "resolution": "赠送"}, "6.00"),
    ("explain", {"resolution": "解释说明"}, "0.00"),
    ("decline", {"resolution": "婉拒"}, "0.00"),
    ("escalate", {"resolution": "升级主管"}, "0.00"),
    ("reship", {"resolution": "补发"}, "0.00"),
    ("exchange", {"resolution": "换货"}, "0.00"),
    ("repair", {"resolution": "维修"}, "0.00"),
    ("partial damaged minor", {"resolution": "部分退款", "severity": "轻微"}, "20.00"),
    ("partial damaged severe", {"resolution": "部分退款", "severity": "严重"}, "100.00"),
    ("partial quality", {"case_type": "质量问题", "resolution": "部分退款"}, "10.00"),
    ("partial not-as-described", {"case_type": "与描述不符", "resolution": "部分退款"}, "15.00"),
    ("partial wrong-item", {"case_type": "错货错发", "received_sku": "X", "item_amount": D("7"),
                            "resolution": "部分退款"}, "7.00"),
    ("partial short", {"case_type": "少货漏发", "item_amount": D("7"), "resolution": "部分退款"}, "7.00"),
    ("partial price-protect", {"case_type": "保价退差价", "item_amount": D("7"), "resolution": "部分退款"}, "7.00"),
    ("partial other case → 0", {"case_type": "尺码问题", "resolution": "部分退款"}, "0.00"),
    ("partial complaint → 0", {"case_type": "投诉维权", "resolution": "部分退款"}, "0.00"),
]


@pytest.mark.parametrize(("name", "overrides", "ceiling"), CHOSEN, ids=[row[0] for row in CHOSEN])
def test_chosen_resolution_ceiling(name, overrides, ceiling):  # type: ignore[no-untyped-def]
    assert recommend_for(**overrides).ceiling == D(ceiling)


def test_short_reship_chosen_has_zero_ceiling_but_recommended_reship_has_item():
    assert recommend_for(case_type="少货漏发", item_amount=D("30"), resolution="补发").ceiling == D("0.00")
    assert rec(case_type="少货漏发", item_amount=D("30")).ceiling == D("30.00")


def test_every_ceiling_is_capped_at_paid():
    assert recommend_for(case_type="质量问题", resolution="部分退款", paid_amount=D("6.00")).ceiling == D("6.00")
    assert recommend_for(resolution="部分退款", paid_amount=D("5.00")).freight_ceiling == D("5.00")


@pytest.mark.parametrize(
    ("overrides", "freight"),
    [
        ({"case_type": "尺码问题", "liable_party": "客户"}, "0.00"),  # buyer pays
        ({"case_type": "尺码问题", "liable_party": "我方"}, "20.00"),  # we pay: 退运费上限 (SPEC §14.3.4)
        ({"case_type": "查件催件", "liable_party": None}, "0.00"),  # — in the table
        ({"case_type": "查件催件", "liable_party": "快递"}, "20.00"),  # courier liable
        ({"case_type": "丢件", "liable_party": None}, "20.00"),  # logistics case, liability open
        ({"case_type": "丢件", "liable_party": "客户"}, "0.00"),
    ],
)
def test_freight_ceiling(overrides, freight):  # type: ignore[no-untyped-def]
    assert rec(**overrides).freight_ceiling == D(freight)


@pytest.mark.parametrize(
    ("overrides", "courier"),
    [
        ({"case_type": "运输破损", "liable_party": None}, True),
        ({"case_type": "运输破损", "liable_party": "待定"}, True),
        ({"case_type": "运输破损", "liable_party": "我方"}, False),
        ({"case_type": "虚假签收", "liable_party": None}, True),
        ({"case_type": "无物流更新", "liable_party": "待定"}, True),
        ({"case_type": "少货漏发", "item_amount": D("5"), "liable_party": None}, False),
        ({"case_type": "少货漏发", "item_amount": D("5"), "liable_party": "快递"}, True),
        ({"case_type": "错货错发", "received_sku": "X", "item_amount": D("5"), "liable_party": "待定"}, False),
        ({"case_type": "质量问题", "liable_party": "快递"}, True),
    ],
)
def test_courier_claim(overrides, courier):  # type: ignore[no-untyped-def]
    assert rec(**overrides).courier_claim is courier


@pytest.mark.parametrize(
    ("overrides", "missing"),
    [
        ({"case_type": None}, ("case_type",)),
        ({"case_type": "少货漏发", "item_amount": None}, ("item_amount",)),
        ({"case_type": "错货错发", "received_sku": None, "item_amount": D("5")}, ("received_sku",)),
        ({"case_type": "错货错发", "received_sku": "X", "item_amount": None}, ("item_amount",)),
        ({"severity": None}, ("severity",)),
        # SPEC §14.3.5: a blank 签收时间 assumes the window open; no time of application at all is missing.
        ({"case_type": "七天无理由", "registered_at": None}, ("registered_at",)),
        ({"case_type": "保价退差价", "ordered_at": None, "item_amount": D("3")}, ("ordered_at",)),
        ({"case_type": "未发货退款", "paid_amount": None}, ("paid_amount",)),
    ],
)
def test_missing_input_gives_no_recommendation_or_no_ceiling(overrides, missing):  # type: ignore[no-untyped-def]
    result = rec(**overrides)
    assert result.missing == missing
    if overrides.get("case_type", "x") is None or "paid_amount" not in missing:
        assert result.resolution is None
    assert result.ceiling is None


def test_missing_input_is_reported_as_required_missing():
    from tests.domain import run, valid_row

    report = run([valid_row(**NONE, case_type="少货漏发", item_amount=None)])
    assert [(i.code, i.field) for i in report.issues if i.code == "required-missing"] == [
        ("required-missing", "涉及金额")
    ]
