"""SPEC §14.3: one test (or table) per numbered rule, each with the scenario from the issue that found
the loophole, and its boundary (window end − 1 minute / exactly, approver list empty vs not, freight
exactly at the ceiling). Rules that read a §14.1 column are skipped when the register lacks it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from aftersales.model import RawRegister
from aftersales.policy import DEFAULT_POLICY, Policy, parse_policy
from aftersales.refunds import refund_sheet
from aftersales.taxonomy import Resolution as R
from aftersales.validate import Report, validate
from tests.domain import HEADERS, KEYS, NOW, codes, found, recommend_for, run, valid_row

D = Decimal
MINUTE = timedelta(minutes=1)
DAY = date(2026, 11, 21)
SIGNED = datetime(2026, 11, 10, 15, 0)
WINDOW_END = datetime(2026, 11, 18, 0, 0)
"""签收 11-10 → 七天无理由 ends 11-18 00:00 (SPEC §5)."""
RECEIVED = datetime(2026, 11, 21, 10, 45)
PAID = datetime(2026, 11, 21, 11, 0)
NEW_COLUMNS = ("applied_at", "tracking_no", "freight_insured", "goods_received_at", "received_qty")


def money_codes(report: Report) -> list[str]:
    return [code for code in codes(report) if code in (
        "over-ceiling", "self-approval", "approver-unknown", "escalation-missing", "freight-refund-insured")]


def old_register(rows: list[dict[str, object]], now: datetime = NOW) -> Report:
    """A register of revision 1: none of the five §14.1 columns."""
    keep = [i for i, key in enumerate(KEYS) if key not in NEW_COLUMNS]
    raw = RawRegister("登记表", 1, [HEADERS[i] for i in keep],
                      [(n + 2, [row.get(KEYS[i]) for i in keep]) for n, row in enumerate(rows)])
    return validate(raw, now)


# --- 1. 仅退款 cannot lift a ceiling --------------------------------------------------------------

# The issue: choosing 仅退款 instead of 部分退款 lifted the ceiling from 10 to the whole 实付.
REFUND_ONLY = [
    ("quality: the partial ceiling", {"case_type": "质量问题"}, "10.00"),
    ("not-as-described: the partial ceiling", {"case_type": "与描述不符"}, "15.00"),
    ("wrong-item: the item", {"case_type": "错货错发", "received_sku": "X-2", "item_amount": D("30")}, "30.00"),
    ("minor damage: the basis", {"severity": "轻微"}, "20.00"),
    ("severe damage with photos (碎): paid", {"severity": "严重"}, "100.00"),
    ("0-photo damage: nothing until the photos", {"severity": "严重", "evidence_count": 0}, "0.00"),
    ("complaint: needs approval", {"case_type": "投诉维权"}, "0.00"),
    ("no-tracking: needs approval", {"case_type": "无物流更新"}, "0.00"),
    ("size: needs approval", {"case_type": "尺码问题"}, "0.00"),
    ("no-reason: must be a return", {"case_type": "七天无理由"}, "0.00"),
    ("refund-before-ship: paid", {"case_type": "未发货退款", "order_stage": "未发货"}, "100.00"),
    ("intercept: paid", {"case_type": "拦截退回", "order_stage": "已发货未签收"}, "100.00"),
    ("lost: paid", {"case_type": "丢件"}, "100.00"),
    ("false-sign: paid", {"case_type": "虚假签收"}, "100.00"),
    ("short: the item", {"case_type": "少货漏发", "item_amount": D("15")}, "15.00"),
    ("price-protect: the item", {"case_type": "保价退差价", "item_amount": D("8")}, "8.00"),
]


@pytest.mark.parametrize(("name", "overrides", "ceiling"), REFUND_ONLY, ids=[r[0] for r in REFUND_ONLY])
def test_refund_only_ceiling_by_case_type(name: str, overrides: dict[str, object], ceiling: str) -> None:
    assert recommend_for(**{**overrides, "resolution": "仅退款"}).ceiling == D(ceiling)


@pytest.mark.parametrize("stage", [None, "已签收"], ids=["stage blank", "signed"])
def test_refund_only_of_a_quality_case_above_the_partial_ceiling_is_over_it(stage: str | None) -> None:
    report = run([valid_row(case_type="质量问题", severity=None, resolution="仅退款", amount=D("100.00"),
                            order_stage=stage)])
    (issue,) = found(report, "over-ceiling")
    assert "上限 10.00" in issue.message
    assert "全额退款须退货退款" in report.results[0].recommendation.reason  # type: ignore[union-attr]


# --- 2. Evidence before money without the goods back -------------------------------------------


@pytest.mark.parametrize(("evidence", "ceiling"), [(2, "0.00"), (3, "20.00")], ids=["one short", "exactly enough"])
def test_minor_damage_partial_refund_needs_the_photos_first(evidence: int, ceiling: str) -> None:
    result = recommend_for(resolution="部分退款", evidence_count=evidence)
    assert result.ceiling == D(ceiling)
    assert ("凭证不足" in result.reason) is (evidence < 3)


def test_quality_partial_refund_with_two_photos_is_over_a_ceiling_of_zero() -> None:
    report = run([valid_row(case_type="质量问题", severity=None, evidence_count=2, amount=D("5.00"))])
    assert "over-ceiling" in codes(report)


@pytest.mark.parametrize("resolution", ["退货退款", "换货"])
def test_returns_and_exchanges_do_not_wait_for_photos(resolution: str) -> None:
    result = recommend_for(case_type="质量问题", evidence_count=0, resolution=resolution)
    assert result.ceiling == (D("100.00") if resolution == "退货退款" else D("0.00"))


# --- 3. Approval --------------------------------------------------------------------------------

APPROVERS = Policy(approvers=("张主管", "老周"))


def test_the_agents_own_name_no_longer_switches_the_ceiling_off() -> None:
    report = run([valid_row(amount=D("60.00"), approved_by="小王")])
    assert money_codes(report) == ["over-ceiling", "self-approval"]
    assert found(report, "self-approval")[0].severity == "error"


@pytest.mark.parametrize("name", ["小王", " 小王 ", "小 王"])
def test_self_approval_compares_names_as_people_read_them(name: str) -> None:
    assert "self-approval" in codes(run([valid_row(approved_by=name)]))


@pytest.mark.parametrize(
    ("policy", "approver", "expected"),
    [
        (DEFAULT_POLICY, "李四", []),  # empty list: anyone but the agent
        (APPROVERS, "李四", ["over-ceiling", "approver-unknown"]),
        (APPROVERS, "张主管", []),
        (APPROVERS, " 老 周 ", []),
    ],
    ids=["list empty", "not on the list", "on the list", "spaces"],
)
def test_approver_list_empty_vs_not(policy: Policy, approver: str, expected: list[str]) -> None:
    report = run([valid_row(amount=D("60.00"), approved_by=approver)], policy=policy)
    assert money_codes(report) == expected


def test_an_invalid_approval_not_needed_is_a_warning() -> None:
    (issue,) = found(run([valid_row(approved_by="李四")], policy=APPROVERS), "approver-unknown")
    assert issue.severity == "warning" and "要有效审批" not in issue.message


def test_an_escalation_approved_by_the_agent_is_still_missing() -> None:
    row = valid_row(case_type="投诉维权", severity=None, resolution="升级主管", amount=None, refund_channel=None,
                    payee_account=None, paid_at=None, approved_by="小王")
    report = run([row])
    assert {"escalation-missing", "self-approval"} <= set(codes(report))
    assert found(report, "self-approval")[0].severity == "error"


def test_policy_approvers_are_read_with_any_separator() -> None:
    policy, issues = parse_policy([["参数", "值"], ["审批人名单", "张主管，老周、 小林 ,阿梅"]])
    assert issues == [] and policy.approvers == ("张主管", "老周", "小林", "阿梅")


# --- 4. Freight follows the chosen resolution ----------------------------------------------------


@pytest.mark.parametrize(("freight", "codes_expected"), [(D("20.00"), []), (D("20.01"), ["over-ceiling"])],
                         ids=["exactly at the ceiling", "a cent above"])
def test_a_buyers_real_return_freight_is_within_the_freight_ceiling(freight: Decimal,
                                                                    codes_expected: list[str]) -> None:
    # 到付 12–15 元 against the shop's 6–10 元 rate: the ceiling is 退运费上限 [20], not 运费.
    row = valid_row(case_type="质量问题", severity=None, shipping_fee=D("6.00"), resolution="退货退款",
                    amount=D("100.00"), refund_channel="原路退款", payee_account=None, goods_received_at=RECEIVED,
                    freight_refund=freight, return_tracking="YT1234567890")
    assert money_codes(run([row])) == codes_expected


def test_quality_return_with_two_photos_is_still_ours_to_pay_the_freight() -> None:
    # The evidence row (explain) no longer decides the payer: the quality row offers 退货退款 → 我方.
    result = recommend_for(case_type="质量问题", evidence_count=2, resolution="退货退款")
    assert (result.freight_payer, result.freight_ceiling) == ("我方", D("20.00"))


@pytest.mark.parametrize(
    ("overrides", "payer"),
    [
        ({"case_type": "尺码问题", "liable_party": "厂家", "resolution": "换货"}, "我方"),  # counts as size-ours
        ({"case_type": "尺码问题", "liable_party": "客户", "resolution": "换货"}, "客户"),
        ({"case_type": "七天无理由", "liable_party": None, "resolution": "退货退款"}, "客户"),
        # No row offers 部分退款 for no-reason: 客户 unless the fault is ours.
        ({"case_type": "七天无理由", "liable_party": None, "resolution": "部分退款"}, "客户"),
        ({"case_type": "错货错发", "received_sku": "X-2", "item_amount": D("5"), "liable_party": "我方",
          "resolution": "退货退款"}, "我方"),
    ],
)
def test_freight_payer_follows_the_chosen_resolution(overrides: dict[str, object], payer: str) -> None:
    assert recommend_for(signed_at=datetime(2026, 11, 20, 15, 0), **overrides).freight_payer == payer


def test_with_freight_insurance_no_freight_is_refunded() -> None:
    row = valid_row(freight_insured="是", freight_refund=D("8.00"), return_tracking="YT1234567890")
    report = run([row])
    assert money_codes(report) == ["freight-refund-insured"]
    assert report.results[0].recommendation.freight_ceiling == D("0.00")  # type: ignore[union-attr]
    assert refund_sheet(report, DAY).payable == ()


@pytest.mark.parametrize(("resolution", "said"), [("退货退款", True), ("换货", True), ("部分退款", False),
                                               ("解释说明", False)])
def test_the_insurance_note_is_said_only_when_goods_go_back(resolution: str, said: bool) -> None:
    recommendation = recommend_for(case_type="质量问题", resolution=resolution, freight_insured="是")
    assert ("有运费险" in recommendation.reason) is said


def test_freight_insurance_is_skipped_without_its_column() -> None:
    row = valid_row(freight_refund=D("8.00"), return_tracking="YT1234567890")
    assert "freight-refund-insured" not in codes(old_register([row]))


# --- 5. Windows on 申请时间, for the buyer's own reasons -------------------------------------------


def exchange(**overrides: object) -> dict[str, object]:
    return valid_row(**{"case_type": "尺码问题", "liable_party": "客户", "severity": None, "resolution": "换货",
                        "amount": None, "refund_channel": None, "payee_account": None, "paid_at": None,
                        "status": "已给方案", "signed_at": SIGNED, **overrides})


@pytest.mark.parametrize(("applied", "late"), [(WINDOW_END - MINUTE, False), (WINDOW_END, True)],
                         ids=["end - 1 minute", "exactly at the end"])
def test_size_exchange_window_boundary(applied: datetime, late: bool) -> None:
    report = run([exchange(applied_at=applied)])
    assert ("outside-return-window" in codes(report)) is late


def test_a_size_exchange_twelve_days_after_signing_is_refused() -> None:
    report = run([exchange(registered_at=SIGNED + timedelta(days=12))])
    assert "outside-return-window" in codes(report)
    assert report.results[0].recommendation.resolution is R.DECLINE  # type: ignore[union-attr]


def test_a_buyer_who_applied_at_2330_on_day_7_is_in_time_though_registered_next_morning() -> None:
    row = valid_row(case_type="七天无理由", severity=None, resolution="退货退款", amount=D("100.00"),
                    refund_channel="原路退款", payee_account=None, paid_at=None, status="待寄回", signed_at=SIGNED,
                    applied_at=datetime(2026, 11, 17, 23, 30), registered_at=datetime(2026, 11, 18, 9, 0),
                    resolved_at=datetime(2026, 11, 18, 9, 30))
    report = run([row])
    assert "outside-return-window" not in codes(report)
    assert report.results[0].recommendation.resolution is R.RETURN_REFUND  # type: ignore[union-attr]


def test_a_return_five_days_after_receiving_the_exchanged_item_is_in_time() -> None:
    # The row's own 签收时间 is when the buyer signed for the replacement (seed 004 3.7: 换货收到后7天内).
    row = exchange(case_type="七天无理由", resolution="退货退款", amount=D("100.00"), refund_channel="原路退款",
                   signed_at=datetime(2026, 11, 16, 12, 0), registered_at=datetime(2026, 11, 21, 9, 0))
    assert "outside-return-window" not in codes(run([row]))


@pytest.mark.parametrize("resolution", ["部分退款", "解释说明", "婉拒"])
def test_compensation_and_explanations_are_not_window_bound(resolution: str) -> None:
    amount = D("5.00") if resolution == "部分退款" else None
    row = valid_row(case_type="与描述不符", liable_party=None, severity=None, resolution=resolution, amount=amount,
                    signed_at=SIGNED)
    assert "outside-return-window" not in codes(run([row]))


@pytest.mark.parametrize("liable", ["我方", "厂家", "快递"])
def test_our_fault_has_no_window(liable: str) -> None:
    assert "outside-return-window" not in codes(run([exchange(liable_party=liable)]))


def test_not_as_described_past_the_window_recommends_decline_with_compensation() -> None:
    result = recommend_for(case_type="与描述不符", liable_party=None, signed_at=SIGNED, resolution=None)
    assert (result.resolution, result.alternatives) == (R.DECLINE, (R.PARTIAL_REFUND,))


def test_no_signed_time_assumes_the_window_open_and_says_so() -> None:
    result = recommend_for(case_type="七天无理由", signed_at=None, resolution=None, amount=None)
    assert result.resolution is R.RETURN_REFUND and "签收时间为空" in result.reason
    report = run([valid_row(case_type="七天无理由", severity=None, signed_at=None, order_stage=None,
                            resolution=None, amount=None, refund_channel=None, payee_account=None, paid_at=None,
                            resolved_at=None, status="待处理")], now=datetime(2026, 11, 21, 12, 0))
    assert codes(report) == []


def test_a_chosen_return_needs_the_signed_time() -> None:
    report = run([exchange(signed_at=None, order_stage=None)])
    assert [(i.code, i.field) for i in found(report, "required-missing")] == [("required-missing", "签收时间")]


# --- 6. Exchange limit and duplicates per item ----------------------------------------------------


def test_two_items_of_one_order_may_each_be_exchanged_once() -> None:
    rows = [exchange(liable_party="我方", status="待处理"),
            exchange(liable_party="我方", status="待处理", case_id="SH20261121-002", sku="YF-1002-白-L")]
    assert {"exchange-limit", "duplicate-case"}.isdisjoint(codes(run(rows)))


def test_the_same_item_exchanged_twice_is_over_the_limit() -> None:
    rows = [exchange(liable_party="我方"), exchange(liable_party="我方", case_id="SH20261121-002", sku="yf-1001-黑-m")]
    assert len(found(run(rows), "exchange-limit")) == 2


# --- 7. Payment channel ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "warned"),
    [
        ({"severity": "严重", "resolution": "退货退款", "amount": D("100.00"), "goods_received_at": RECEIVED}, True),
        ({"case_type": "拦截退回", "severity": None, "resolution": "拦截退款", "amount": None,
          "order_stage": "已发货未签收", "signed_at": None, "status": "待退款"}, True),
        ({"resolution": "部分退款"}, False),  # compensation by cashback is normal (seed 004 返现)
    ],
    ids=["return-refund", "intercept-refund", "partial-refund"],
)
def test_a_platform_refund_paid_as_cashback_is_warned(overrides: dict[str, object], warned: bool) -> None:
    assert ("cashback-channel" in codes(run([valid_row(**overrides)]))) is warned


def test_a_freight_refund_by_cashback_is_never_warned() -> None:
    row = exchange(liable_party="我方", freight_refund=D("10.00"), return_tracking="YT1234567890",
                   refund_channel="支付宝返现", payee_account="13800001234", resolved_at=datetime(2026, 11, 21, 10, 30))
    assert "cashback-channel" not in codes(run([row]))


# --- 8. Minimum offer -----------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "warned"), [(D("3.00"), True), (D("4.99"), True), (D("5.00"), False)])
def test_not_as_described_offer_below_the_minimum(amount: Decimal, warned: bool) -> None:
    row = valid_row(case_type="与描述不符", severity=None, amount=amount)
    assert ("below-minimum-offer" in codes(run([row]))) is warned


# --- 9. Refund clock in working days ---------------------------------------------------------------


def returned(received: datetime | None, **overrides: object) -> dict[str, object]:
    return valid_row(**{"severity": "严重", "resolution": "退货退款", "amount": D("100.00"), "refund_channel": "原路退款",
                        "payee_account": None, "paid_at": None, "status": "待退款", "goods_received_at": received,
                        "registered_at": datetime(2026, 11, 2, 9, 0), "ordered_at": datetime(2026, 10, 30, 9, 0),
                        "signed_at": datetime(2026, 11, 1, 9, 0), "resolved_at": datetime(2026, 11, 2, 10, 0),
                        **overrides})


FRIDAY = datetime(2026, 11, 13, 16, 0)
"""Received Friday: three working days after are Mon, Tue, Wed → due Wednesday 11-18 18:00."""


@pytest.mark.parametrize(("now", "stale"), [(datetime(2026, 11, 18, 18, 0), False),
                                            (datetime(2026, 11, 18, 18, 1), True)],
                         ids=["due moment", "a minute after"])
def test_refund_clock_counts_working_days_after_receipt(now: datetime, stale: bool) -> None:
    assert ("refund-stale" in codes(run([returned(FRIDAY)], now=now))) is stale


def test_holidays_and_worked_weekends_move_the_due_day() -> None:
    now = datetime(2026, 11, 19, 9, 0)
    holiday = Policy(holidays=(date(2026, 11, 16),))  # Monday off → due Thursday
    assert "refund-stale" not in codes(run([returned(FRIDAY)], now=now, policy=holiday))
    worked = Policy(workdays=(date(2026, 11, 14),))  # Saturday worked → due Tuesday
    assert "refund-stale" in codes(run([returned(FRIDAY)], now=datetime(2026, 11, 17, 18, 1), policy=worked))


def test_policy_dates_must_parse() -> None:
    policy, issues = parse_policy([["参数", "值"], ["节假日", "2026-10-01、国庆"]])
    assert policy.holidays == () and [i.code for i in issues] == ["policy-invalid"]
    assert "国庆" in issues[0].message


def test_goods_back_without_a_receipt_time_is_warned_not_timed() -> None:
    report = run([returned(None)], now=datetime(2026, 11, 30, 9, 0))
    assert "goods-received-missing" in codes(report) and "refund-stale" not in codes(report)


def test_without_the_receipt_column_the_clock_starts_at_the_solution() -> None:
    # 方案时间 Monday 11-02 10:00 → due Thursday 11-05 18:00; no goods-received-missing (no column).
    assert "refund-stale" not in codes(old_register([returned(None)], now=datetime(2026, 11, 5, 18, 0)))
    report = old_register([returned(None)], now=datetime(2026, 11, 5, 18, 1))
    assert "refund-stale" in codes(report) and "goods-received-missing" not in codes(report)


def test_a_short_return_is_held_until_it_matches_or_is_approved() -> None:
    base: dict[str, object] = {"qty": 2, "received_qty": 1}
    held = run([returned(RECEIVED, **base)])
    assert "return-qty-mismatch" in codes(held)
    assert refund_sheet(held, DAY).payable == () and "return-qty-mismatch" in refund_sheet(held, DAY).pending[0].reason
    approved = run([returned(RECEIVED, **base, approved_by="张主管")])
    assert "return-qty-mismatch" not in codes(approved) and len(refund_sheet(approved, DAY).payable) == 1
    by_self = run([returned(RECEIVED, **base, approved_by="小王")])
    assert {"return-qty-mismatch", "self-approval"} <= set(codes(by_self))
    assert refund_sheet(by_self, DAY).payable == ()


# --- 10. Closed cases ------------------------------------------------------------------------------


def test_a_closed_case_with_money_is_warned_and_never_paid() -> None:
    report = run([valid_row(status="已关闭", paid_at=None)])
    assert codes(report) == ["closed-with-money"]
    assert refund_sheet(report, DAY).payable == ()


# --- §14.2 with §14.3: no money on a guess ----------------------------------------------------------


def test_a_partial_return_with_blank_amount_pays_nothing() -> None:
    # 1 of 2 items returned, 金额 blank: before, the whole 200 went out.
    report = run([returned(RECEIVED, qty=2, paid_amount=D("200.00"), amount=None)])
    assert [(i.code, i.field) for i in found(report, "required-missing")] == [("required-missing", "金额")]
    assert refund_sheet(report, DAY).payable == ()


def test_a_blank_amount_meaning_the_whole_order_counts_in_the_order_total() -> None:
    # Found in review: 未发货 仅退款 and 拦截退款 on one order of 100, both 金额 blank: 200 went out silently.
    before_ship = valid_row(case_type="未发货退款", order_stage="未发货", signed_at=None, sku=None, severity=None,
                            resolution="仅退款", amount=None, refund_channel="原路退款", payee_account=None, paid_at=None)
    intercepted = valid_row(case_id="SH20261121-002", case_type="拦截退回", order_stage="已发货未签收", signed_at=None,
                            severity=None, liable_party="我方", resolution="拦截退款", amount=None,
                            refund_channel="原路退款", payee_account=None, status="待退款", paid_at=None)
    report = run([before_ship, intercepted])
    assert [i.row for i in found(report, "order-refunds-exceed-paid")] == [2, 3]
    assert refund_sheet(report, DAY).payable == ()
    alone = run([before_ship])
    assert found(alone, "order-refunds-exceed-paid") == [] and len(refund_sheet(alone, DAY).payable) == 1
