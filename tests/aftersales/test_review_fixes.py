"""Edge cases found in review: each pins a spec sentence the first version got wrong."""

from __future__ import annotations

import re
from datetime import datetime, time
from decimal import Decimal

from aftersales.cells import parse_order_id
from aftersales.policy import parse_policy
from tests.domain import codes, found, recommend_for, run, valid_row

D = Decimal
HEADER = ["参数", "值", "说明"]


def test_unusable_order_numbers_group_with_nothing():
    first = valid_row(case_id="A", order_id="无", buyer="张三", status="待处理")
    second = valid_row(case_id="B", order_id="无", buyer="李四", status="待处理", severity="严重",
                       resolution="退货退款", amount=D("95"), refund_channel="原路退款")
    report = run([first, second])
    assert {c for c in codes(report)} & {"order-refunds-exceed-paid", "duplicate-case"} == set()
    assert codes(report).count("order-id-format") == 2


def test_numbers_that_lost_digits_group_with_nothing():
    rows = [valid_row(case_id=x, order_id=1.2345678901234568e18, buyer=x, status="待处理") for x in "AB"]
    assert "duplicate-case" not in codes(run(rows))


def test_paid_needed_when_the_recommendation_moves_money_even_if_staff_chose_otherwise():
    row = valid_row(severity="严重", resolution="换货", amount=None, paid_amount=None, refund_channel=None,
                    payee_account=None, status="待寄回", paid_at=None)
    assert [(i.code, i.field) for i in found(run([row]), "required-missing")] == [("required-missing", "实付金额")]


def test_issue_value_is_the_cell_as_typed():
    report = run([valid_row(amount="¥25"), valid_row(case_id="SH2", buyer="b2", order_id="223456789012345678",
                                                      resolution="退换", amount=None, refund_channel=None,
                                                      payee_account=None, resolved_at=None, paid_at=None)])
    assert [(i.code, i.value) for i in report.issues if i.row == 2] == [("over-ceiling", "¥25")]
    assert [(i.code, i.value) for i in report.issues if i.code == "resolved-at-missing"] == [
        ("resolved-at-missing", None)
    ]


def test_price_protect_unconfirmed_also_when_declined():
    row = valid_row(case_type="保价", order_stage="已发货未签收", item_amount=D("5"), resolution="婉拒", amount=None,
                    refund_channel=None, payee_account=None, ordered_at=datetime(2026, 11, 1), status="已关闭")
    assert "price-protect-unconfirmed" in codes(run([row]))


def test_refund_only_on_a_signed_no_reason_order_with_blank_stage():
    row = valid_row(case_type="七天无理由", order_stage=None, resolution="仅退款", refund_channel="原路退款",
                    amount=None, payee_account=None)
    assert "refund-type-mismatch" in codes(run([row]))
    unsigned = valid_row(case_type="七天无理由", order_stage=None, signed_at=None, resolution="仅退款",
                         refund_channel="原路退款", amount=None, payee_account=None)
    assert "refund-type-mismatch" not in codes(run([unsigned]))


def test_no_freight_ceiling_without_a_case_type():
    rec = recommend_for(case_type=None, resolution=None, liable_party="快递")
    assert (rec.ceiling, rec.freight_ceiling, rec.missing) == (None, None, ("case_type",))


def test_full_width_apostrophe_before_an_order_number():
    assert parse_order_id("＇123456789012345678", re.compile(r"^\d{12,20}$")) == ("123456789012345678", [])


def test_policy_values_typed_with_units():
    policy, issues = parse_policy([HEADER, ["无理由退货天数", "7天"], ["换货次数上限", "1次"], ["下班时间", "18点"]])
    assert issues == []
    assert (policy.no_reason_days, policy.exchange_limit, policy.day_end) == (7, 1, time(18, 0))


def test_mismatch_max_below_default_min_blames_the_max_row():
    policy, issues = parse_policy([HEADER, ["不符补损上限", "3"]])
    assert [(i.row, i.column) for i in issues] == [(2, "B")]
    assert "不符补损上限" in issues[0].message
    assert policy.mismatch_comp_min <= policy.mismatch_comp_max
