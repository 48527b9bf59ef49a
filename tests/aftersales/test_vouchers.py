"""Vouchers (单据, SPEC §8): one test per row of the §8 table, numbering, signs, posting and reversal,
the sheet round trip, and the money property of SPEC §13 (FY/KT money of a case is exactly what §8 gives)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.model import Case
from aftersales.sheets import VOUCHER_HEADERS
from aftersales.taxonomy import CASE_TYPES, RESOLUTIONS
from aftersales.vouchers import (
    DRAFT,
    POSTED,
    Voucher,
    VoucherType,
    case_vouchers,
    orphaned_vouchers,
    parse_voucher_rows,
    regenerate,
    reversal,
)
from tests.domain import case_of

D = Decimal
CID = "SH20261121-001"
SKU = "YF-1001-黑-M"
RECV = "YF-1001-白-M"
RESOLVED = datetime(2026, 11, 21, 10, 30)

# Every case below, unless a row overrides it: 售后单号 CID, 2 pieces of SKU, the wrong item RECV,
# 涉及金额 15.00, 金额 12.00, no freight refund.
BASE = {"case_id": CID, "sku": SKU, "received_sku": RECV, "qty": 2, "item_amount": D("15.00"),
        "amount": D("12.00"), "freight_refund": None, "resolved_at": RESOLVED, "liable_party": "我方"}

Line = tuple[str, str | None, int | None, Decimal | None]
"""(code, 货号, signed 数量, 金额)."""


def cc(sku: str, qty: int) -> Line:
    return ("CC", sku, qty, None)


def bc(sku: str = SKU, qty: int = 2) -> Line:
    return ("BC", sku, qty, None)


def th(sku: str = SKU, qty: int = 2) -> Line:
    return ("TH", sku, qty, None)


def fy(amount: str) -> Line:
    return ("FY", None, None, D(amount))


def kt(amount: str, sku: str = RECV, qty: int = 2) -> Line:
    return ("KT", sku, qty, D(amount))


def case(case_type: str, resolution: str | None, **overrides: object) -> Case:
    return case_of(**{**BASE, "case_type": case_type, "resolution": resolution, **overrides})


def lines(vouchers: list[Voucher]) -> list[Line]:
    return [(v.code, v.sku, v.qty, v.amount) for v in vouchers]


def numbers_for(expected: list[Line], case_id: str = CID) -> list[str]:
    """`{售后单号}-{code}{n}`, n counting each type within the case from 1."""
    seen: Counter[str] = Counter()
    numbers = []
    for code, *_ in expected:
        seen[code] += 1
        numbers.append(f"{case_id}-{code}{seen[code]}")
    return numbers


GOODS_EXCEPT_WRONG = ["少货漏发", "运输破损", "质量问题", "尺码问题", "与描述不符", "七天无理由", "丢件", "虚假签收", "拦截退回"]

# The §8 table: (row of the table, case type, resolution, overrides) → the exact voucher lines.
SECTION_8 = [
    ("short+refund-only", "少货漏发", "仅退款", {},
     [cc(SKU, -2), fy("12.00")]),
    ("short+reship", "少货漏发", "补发", {},
     [cc(SKU, -2), bc()]),
    ("courier-short+refund-only", "少货漏发", "仅退款", {"liable_party": "快递"},  # §14.4: 空包裹, no CC
     [fy("12.00")]),
    ("courier-short+reship", "少货漏发", "补发", {"liable_party": "快递"},
     [bc()]),
    ("wrong-item+exchange", "错货错发", "换货", {},
     [cc(SKU, -2), cc(RECV, +2), th(RECV), bc()]),
    ("wrong-item+return-refund", "错货错发", "退货退款", {},
     [cc(SKU, -2), cc(RECV, +2), th(RECV)]),
    ("wrong-item+partial-refund", "错货错发", "部分退款", {},
     [cc(SKU, -2), cc(RECV, +2), fy("12.00")]),
    ("wrong-item+gift", "错货错发", "赠送", {"amount": D("9.90")},
     [cc(SKU, -2), cc(RECV, +2), kt("9.90"), bc()]),
    *[(f"any+partial-refund[{kind}]", kind, "部分退款", {}, [fy("12.00")])
      for kind in ("运输破损", "质量问题", "与描述不符", "少货漏发", "尺码问题", "丢件", "查件催件", "投诉维权", "其他")],
    *[(f"goods+refund-only[{kind}]", kind, "仅退款", {}, [fy("12.00")])
      for kind in ("运输破损", "质量问题", "与描述不符", "尺码问题")],
    *[(f"goods+return-refund[{kind}]", kind, "退货退款", {}, [th()]) for kind in GOODS_EXCEPT_WRONG],
    *[(f"goods+exchange[{kind}]", kind, "换货", {}, [th(), bc()]) for kind in GOODS_EXCEPT_WRONG],
    *[(f"lost/false-sign+reship[{kind}]", kind, "补发", {}, [bc()]) for kind in ("丢件", "虚假签收")],
    *[(f"price-protect+{res}", "保价退差价", res, {"amount": D("5.00")}, [fy("5.00")]) for res in ("仅退款", "部分退款")],
    ("intercept+intercept-refund", "拦截退回", "拦截退款", {},
     [th()]),
    *[(f"platform-refund+refund-only[{kind}]", kind, "仅退款", {"amount": D("100.00")}, [])
      for kind in ("未发货退款", "拦截退回", "丢件", "虚假签收", "七天无理由")],
    ("freight[damaged+partial-refund]", "运输破损", "部分退款", {"freight_refund": D("10.00")},
     [fy("12.00"), fy("10.00")]),
    ("freight[size+exchange]", "尺码问题", "换货", {"freight_refund": D("8.00")},
     [th(), bc(), fy("8.00")]),
    ("freight[quality+explain]", "质量问题", "解释说明", {"freight_refund": D("6.50")},
     [fy("6.50")]),
    ("freight[refund-before-ship+refund-only]", "未发货退款", "仅退款", {"freight_refund": D("10.00")},
     [fy("10.00")]),
]


@pytest.mark.parametrize(("case_type", "resolution", "overrides", "expected"),
                         [pytest.param(*row[1:], id=row[0]) for row in SECTION_8])
def test_section_8_table_row(case_type: str, resolution: str, overrides: dict[str, object],
                             expected: list[Line]) -> None:
    subject = case(case_type, resolution, **overrides)
    vouchers = case_vouchers(subject)
    assert lines(vouchers) == expected
    assert [v.number for v in vouchers] == numbers_for(expected)
    for voucher in vouchers:
        assert voucher.type is VoucherType[voucher.code]
        assert voucher.case_id == CID
        assert voucher.order_id == subject.order_id
        assert voucher.day == date(2026, 11, 21)  # 日期 = date of 方案时间
        assert voucher.status == DRAFT
        assert voucher.reverses is None


def test_voucher_types_and_codes() -> None:
    assert {t.name: t.value for t in VoucherType} == {
        "CC": "出库单冲单", "BC": "补出库单", "TH": "退货单", "FY": "费用单", "KT": "空退单转费用单"}
    assert len(VOUCHER_HEADERS) == len(Voucher.model_fields)
    assert VOUCHER_HEADERS == ("单据号", "单据类型", "日期", "售后单号", "订单号", "货号", "数量", "金额", "摘要", "状态",
                               "冲销单号")


def test_numbers_are_deterministic() -> None:
    first = case_vouchers(case("错货错发", "换货"))
    again = case_vouchers(case("错货错发", "换货"))
    assert first == again
    assert [v.number for v in first] == [f"{CID}-CC1", f"{CID}-CC2", f"{CID}-TH1", f"{CID}-BC1"]


def test_quantity_signs() -> None:
    """Short-shipped −, over-shipped +, goods coming back +, goods going out +."""
    wrong = {(v.code, v.sku): v.qty for v in case_vouchers(case("错货错发", "换货", qty=3))}
    assert wrong[("CC", SKU)] == -3  # the ordered item was short-shipped
    assert wrong[("CC", RECV)] == 3  # the wrong item was over-shipped
    assert wrong[("TH", RECV)] == 3  # coming back
    assert wrong[("BC", SKU)] == 3  # going out
    short = case_vouchers(case("少货漏发", "补发", qty=4))
    assert [(v.code, v.qty) for v in short] == [("CC", -4), ("BC", 4)]


def test_blank_quantity_counts_as_one() -> None:
    assert lines(case_vouchers(case("少货漏发", "补发", qty=None))) == [cc(SKU, -1), bc(qty=1)]


def test_kt_money_is_the_amount_when_given() -> None:
    vouchers = case_vouchers(case("错货错发", "赠送", amount=D("7.30"), item_amount=D("15.00")))
    assert [v.amount for v in vouchers if v.code == "KT"] == [D("7.30")]


def test_kt_money_is_the_item_amount_when_amount_blank() -> None:
    vouchers = case_vouchers(case("错货错发", "赠送", amount=None, item_amount=D("15.00")))
    assert [v.amount for v in vouchers if v.code == "KT"] == [D("15.00")]


def test_freight_voucher_summary_starts_with_tuifei() -> None:
    vouchers = case_vouchers(case("运输破损", "部分退款", freight_refund=D("10.00")))
    freight = [v for v in vouchers if v.code == "FY" and v.amount == D("10.00")]
    assert len(freight) == 1
    assert freight[0].summary.startswith("退运费")
    others = [v for v in vouchers if v is not freight[0]]
    assert all(not v.summary.startswith("退运费") for v in others)
    assert all(v.summary for v in vouchers)  # every line says what it is


@pytest.mark.parametrize("freight", [None, D("0.00")])
def test_no_freight_voucher_without_freight_refund(freight: Decimal | None) -> None:
    assert lines(case_vouchers(case("尺码问题", "换货", freight_refund=freight))) == [th(), bc()]


@pytest.mark.parametrize("overrides", [
    pytest.param({"case_id": None}, id="no-case-id"),
    pytest.param({"resolution": None}, id="no-resolution"),
    pytest.param({"resolution": None, "freight_refund": D("10.00")}, id="no-resolution-with-freight"),
    pytest.param({"case_id": None, "freight_refund": D("10.00")}, id="no-case-id-with-freight"),
])
def test_no_vouchers_without_case_id_or_resolution(overrides: dict[str, object]) -> None:
    assert case_vouchers(case_of(**{**BASE, "case_type": "错货错发", "resolution": "换货", **overrides})) == []


@pytest.mark.parametrize(("case_type", "resolution"), [
    ("查件催件", "解释说明"), ("运输破损", "补发"), ("质量问题", "补发"), ("投诉维权", "升级主管"),
    ("错货错发", "仅退款"), ("错货错发", "补发"), ("无物流更新", "解释说明"), ("运输破损", "赠送"),
    ("少货漏发", "赠送"), ("运输破损", "婉拒"), ("质量问题", "维修"), ("查件催件", "退货退款"),
    ("保价退差价", "退货退款"), ("未发货退款", "拦截退款"), ("运输破损", "拦截退款"), ("投诉维权", "仅退款"),
    ("其他", "换货"), ("七天无理由", "婉拒"),
])
def test_cases_not_in_the_table_give_none(case_type: str, resolution: str) -> None:
    assert case_vouchers(case(case_type, resolution)) == []


# --- posting and reversal ----------------------------------------------------------------------


def post(vouchers: list[Voucher]) -> list[Voucher]:
    return [v.model_copy(update={"status": POSTED}) for v in vouchers]


def test_posted_then_changed_gives_reversal_and_new_drafts() -> None:
    before = case("错货错发", "换货", qty=1)
    posted = post(regenerate([before], [], [CID]))
    assert [v.number for v in posted] == [f"{CID}-CC1", f"{CID}-CC2", f"{CID}-TH1", f"{CID}-BC1"]

    after = case("错货错发", "换货", qty=2)
    sheet = regenerate([after], posted, [CID])

    assert sheet[: len(posted)] == posted  # every original untouched and still first
    added = sheet[len(posted):]
    reversals = [v for v in added if v.reverses is not None]
    drafts = [v for v in added if v.reverses is None]
    assert len(reversals) == len(posted)
    for original in posted:
        (rev,) = [v for v in reversals if v.reverses == original.number]
        assert rev.number == original.number + "-R"
        assert rev.type is original.type
        assert rev.case_id == original.case_id
        assert rev.sku == original.sku
        assert rev.qty == -original.qty  # type: ignore[operator]
        assert rev.amount == (None if original.amount is None else -original.amount)
        assert rev.status == DRAFT
    # new drafts continue the numbering after the posted ones
    assert sorted((v.number, v.sku, v.qty) for v in drafts) == sorted([
        (f"{CID}-CC3", SKU, -2), (f"{CID}-CC4", RECV, 2), (f"{CID}-TH2", RECV, 2), (f"{CID}-BC2", SKU, 2)])
    assert all(v.status == DRAFT for v in drafts)

    assert regenerate([after], sheet, [CID]) == sheet  # again: identical

    all_posted = post(sheet)
    assert regenerate([after], all_posted, [CID]) == all_posted  # posted correction: nothing new


def test_amount_changed_after_posting() -> None:
    posted = post(case_vouchers(case("运输破损", "部分退款", amount=D("12.00"))))
    sheet = regenerate([case("运输破损", "部分退款", amount=D("15.00"))], posted, [CID])
    assert sheet[0] == posted[0]
    assert sorted((v.number, v.amount, v.reverses, v.status) for v in sheet[1:]) == sorted([
        (f"{CID}-FY1-R", D("-12.00"), f"{CID}-FY1", DRAFT),
        (f"{CID}-FY2", D("15.00"), None, DRAFT),
    ])


def test_resolution_changed_after_posting() -> None:
    posted = post(case_vouchers(case("少货漏发", "补发")))  # CC1 (−2), BC1 (+2)
    changed = case("少货漏发", "仅退款", amount=D("15.00"))
    sheet = regenerate([changed], posted, [CID])
    assert sheet[:2] == posted
    added = sheet[2:]
    assert {(v.number, v.reverses) for v in added if v.reverses} == {
        (f"{CID}-CC1-R", f"{CID}-CC1"), (f"{CID}-BC1-R", f"{CID}-BC1")}
    assert sorted(lines([v for v in added if not v.reverses])) == sorted([cc(SKU, -2), fy("15.00")])
    assert {v.number for v in added if not v.reverses} == {f"{CID}-CC2", f"{CID}-FY1"}
    assert regenerate([changed], sheet, [CID]) == sheet


def test_regenerating_posted_without_change_is_a_no_op() -> None:
    subject = case("错货错发", "赠送")
    posted = post(case_vouchers(subject))
    assert regenerate([subject], posted, [CID]) == posted


def test_regenerating_drafts_without_change_is_a_no_op() -> None:
    subject = case("错货错发", "赠送")
    drafts = regenerate([subject], [], [CID])
    assert drafts == case_vouchers(subject)
    assert regenerate([subject], drafts, [CID]) == drafts


def test_drafts_are_replaced_when_the_case_changes_before_posting() -> None:
    drafts = regenerate([case("运输破损", "部分退款", amount=D("12.00"))], [], [CID])
    changed = case("运输破损", "退货退款", amount=D("100.00"))
    sheet = regenerate([changed], drafts, [CID])
    assert sheet == case_vouchers(changed)
    assert all(v.reverses is None for v in sheet)
    assert [v.number for v in sheet] == [f"{CID}-TH1"]


def test_out_of_scope_rows_are_kept_as_they_are() -> None:
    other = "SH20261120-009"
    gone = "SH20261119-003"
    old_other = case("少货漏发", "补发", case_id=other)
    existing = [
        *post(case_vouchers(case("少货漏发", "补发", case_id=gone))),  # a case no longer in the register
        *case_vouchers(old_other),  # drafts of a case out of scope
        *post(case_vouchers(case("运输破损", "部分退款", case_id=other, amount=D("3.00"))))[:1],
    ]
    changed_other = case("少货漏发", "仅退款", case_id=other)  # changed, but not in scope
    ours = case("运输破损", "部分退款")
    sheet = regenerate([changed_other, ours], existing, [CID])
    assert sheet[: len(existing)] == existing
    assert sheet[len(existing):] == case_vouchers(ours)


# --- the sheet round trip --------------------------------------------------------------------


def _sample_sheet() -> list[Voucher]:
    posted = post(case_vouchers(case("错货错发", "赠送", amount=D("9.90"), freight_refund=D("10.00"))))
    return regenerate([case("错货错发", "赠送", amount=D("8.80"), freight_refund=D("10.00"))], posted, [CID])


def test_parse_voucher_rows_round_trips() -> None:
    sheet = _sample_sheet()
    assert any(v.amount is not None and v.amount < 0 for v in sheet)
    assert any(v.qty is not None and v.qty < 0 for v in sheet)
    rows = [list(VOUCHER_HEADERS), *(v.row() for v in sheet)]
    assert parse_voucher_rows(rows) == sheet


def test_parse_voucher_rows_as_excel_gives_them_back() -> None:
    """As openpyxl reads the sheet back: dates as datetimes, money and quantities as floats."""
    sheet = _sample_sheet()

    def as_read(value: object) -> object:
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, date) and not isinstance(value, datetime):
            return datetime(value.year, value.month, value.day)
        if isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        return value

    rows = [["标题：单据"], list(VOUCHER_HEADERS), *([as_read(c) for c in v.row()] for v in sheet), [None] * 11]
    assert parse_voucher_rows(rows) == sheet


def test_parse_voucher_rows_reads_negative_money_text() -> None:
    rows = [list(VOUCHER_HEADERS),
            [f"{CID}-FY1-R", "费用单", "2026-11-21", CID, "123456789012345678", None, None, "-12.50", "冲销",
             DRAFT, f"{CID}-FY1"]]
    (voucher,) = parse_voucher_rows(rows)
    assert voucher.amount == D("-12.50")
    assert voucher.day == date(2026, 11, 21)
    assert voucher.type is VoucherType.FY
    assert voucher.reverses == f"{CID}-FY1"


def test_reversal_of_a_voucher() -> None:
    (original,) = post(case_vouchers(case("运输破损", "部分退款")))
    rev = reversal(original)
    assert (rev.number, rev.amount, rev.reverses, rev.status) == (f"{CID}-FY1-R", D("-12.00"), f"{CID}-FY1", DRAFT)


# --- money property (SPEC §13) -----------------------------------------------------------------

FY_AMOUNT_REFUND_ONLY = {"short", "damaged", "quality", "not-as-described", "size", "price-protect"}

money = st.decimals(min_value=D("0.00"), max_value=D("9999.99"), places=2, allow_nan=False, allow_infinity=False)


def section_8_money(case_type: str, resolution: str, amount: Decimal, item: Decimal,
                    freight: Decimal | None) -> Decimal:
    """FY + KT money of a case as §8 gives it: FY (amount), KT (the gift value), FY 退运费 (freight)."""
    total = D("0.00")
    if resolution == "partial-refund" or (resolution == "refund-only" and case_type in FY_AMOUNT_REFUND_ONLY):
        total += amount
    if case_type == "wrong-item" and resolution == "gift":
        total += amount if amount is not None else item
    if freight is not None and freight > 0:
        total += freight
    return total


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(CASE_TYPES),
    resolution=st.sampled_from(RESOLUTIONS),
    amount=money,
    gift_blank=st.booleans(),
    item=money,
    freight=st.one_of(st.none(), money),
    qty=st.integers(min_value=1, max_value=50),
)
def test_voucher_money_is_exactly_what_section_8_gives(  # type: ignore[no-untyped-def]
    kind, resolution, amount, gift_blank, item, freight, qty
):
    given_amount = None if resolution.code == "gift" and gift_blank else amount
    subject = case_of(**{**BASE, "case_type": kind.label, "resolution": resolution.label, "amount": given_amount,
                         "item_amount": item, "freight_refund": freight, "qty": qty})
    vouchers = case_vouchers(subject)
    got = sum((v.amount for v in vouchers if v.code in ("FY", "KT") and v.amount is not None), D("0.00"))
    assert got == section_8_money(kind.code, resolution.code, given_amount, item, freight)  # type: ignore[arg-type]
    assert all(isinstance(v.amount, Decimal) for v in vouchers if v.amount is not None)
    freight_lines = [v for v in vouchers if v.code == "FY" and v.summary.startswith("退运费")]
    if freight:
        assert [v.amount for v in freight_lines] == [freight]
    else:
        assert freight_lines == []
    assert len({v.number for v in vouchers}) == len(vouchers)
    assert all(v.number.startswith(f"{CID}-{v.code}") for v in vouchers)


# --- SPEC §14.4: how people write 已过账, and vouchers whose case is gone ----------------------------------


@pytest.mark.parametrize("status", ["已过账", "已过帐", "过账", "过帐", "posted", "Posted", " 已过账 "])
def test_every_way_of_writing_posted_keeps_the_voucher_and_reverses_it(status: str) -> None:
    """A voucher typed as 已过帐 was overwritten in place with a new amount, no reversal."""
    posted = [v.model_copy(update={"status": status}) for v in case_vouchers(case("运输破损", "部分退款"))]
    rows = [list(VOUCHER_HEADERS), *(v.row() for v in posted)]
    (read,) = parse_voucher_rows(rows)
    assert read.posted and read.status == status.strip()  # the team lead's word is kept
    sheet = regenerate([case("运输破损", "部分退款", amount=D("15.00"))], parse_voucher_rows(rows), [CID])
    assert sheet[0] == read  # untouched, in its own line
    assert sorted((v.number, v.amount) for v in sheet[1:] if v) == [(f"{CID}-FY1-R", D("-12.00")),
                                                                    (f"{CID}-FY2", D("15.00"))]


@pytest.mark.parametrize("status", ["草稿", "", "待过账", "未过账"])
def test_anything_else_is_a_draft(status: str) -> None:
    voucher = case_vouchers(case("运输破损", "部分退款"))[0].model_copy(update={"status": status})
    assert not voucher.posted


def test_drafts_of_a_case_no_longer_in_the_register_go_posted_ones_stay_and_are_named() -> None:
    gone = "SH20261119-003"
    drafts = case_vouchers(case("少货漏发", "补发", case_id="SH20261119-004"))
    posted = post(case_vouchers(case("运输破损", "部分退款", case_id=gone)))
    existing = [*posted, *drafts]
    ours = case("运输破损", "部分退款")
    sheet = regenerate([ours], existing, [CID])
    assert sheet[: len(posted)] == posted  # never reversed automatically
    assert [v for v in sheet if v is not None and v.case_id == "SH20261119-004"] == []  # drafts removed
    rows = [list(VOUCHER_HEADERS), *(v.row() for v in existing)]
    (issue,) = orphaned_vouchers([ours], rows)
    assert (issue.code, issue.sheet, issue.row, issue.column, issue.value) == ("voucher-orphaned", "单据", 2, "D", gone)
    assert f"{gone}-FY1" in issue.message and "不会自动冲销" in issue.message


def test_a_case_renumbered_after_posting_names_its_old_posted_vouchers() -> None:
    posted = post(case_vouchers(case("运输破损", "部分退款")))
    renumbered = case("运输破损", "部分退款", case_id="SH20261121-099")
    sheet = regenerate([renumbered], posted, ["SH20261121-099"])
    assert sheet[: len(posted)] == posted
    assert [v.number for v in sheet[len(posted):] if v] == ["SH20261121-099-FY1"]
    rows = [["XX 店"], list(VOUCHER_HEADERS), *(v.row() for v in posted)]
    (issue,) = orphaned_vouchers([renumbered], rows)
    assert (issue.row, issue.value) == (3, CID)  # under a title row: the sheet's own row


# --- SPEC §14.4: vouchers follow the goods -------------------------------------------------------------

RECEIVED_AT = datetime(2026, 11, 23, 14, 0)
REPORT_DAY = date(2026, 11, 24)


def dated(vouchers: list[Voucher]) -> list[tuple[str, date | None]]:
    return [(v.code, v.day) for v in vouchers]


@pytest.mark.parametrize("status", ["已给方案", "待寄回", "待入库"])
def test_no_return_voucher_before_the_goods_are_back(status: str) -> None:
    subject = case("质量问题", "退货退款", status=status)
    assert case_vouchers(subject, today=REPORT_DAY) == []
    exchange = case("尺码问题", "换货", status=status)
    assert case_vouchers(exchange, today=REPORT_DAY) == []  # the replacement waits too (seed 004 4.8)


def test_the_goods_back_are_booked_on_the_day_they_arrived() -> None:
    subject = case("尺码问题", "换货", status="待入库", goods_received_at=RECEIVED_AT, freight_refund=D("8.00"))
    assert dated(case_vouchers(subject, today=REPORT_DAY)) == [
        ("TH", date(2026, 11, 23)), ("BC", date(2026, 11, 23)), ("FY", date(2026, 11, 23))]  # 退运费 too


def test_a_freight_refund_voucher_waits_for_the_goods_on_a_partial_refund() -> None:
    waiting = case("质量问题", "部分退款", status="已给方案", amount=D("8.00"), freight_refund=D("12.00"))
    assert lines(case_vouchers(waiting, today=REPORT_DAY)) == [fy("8.00")]
    back = case("质量问题", "部分退款", status="已给方案", amount=D("8.00"), freight_refund=D("12.00"),
                goods_received_at=RECEIVED_AT)
    assert lines(case_vouchers(back, today=REPORT_DAY)) == [fy("8.00"), fy("12.00")]


def test_the_return_voucher_books_what_came_back() -> None:
    short = case("质量问题", "退货退款", status="待退款", qty=2, received_qty=1)
    assert lines(case_vouchers(short, today=REPORT_DAY)) == [th(qty=1)]
    assert case_vouchers(case("质量问题", "退货退款", status="待退款", received_qty=0), today=REPORT_DAY) == []


def test_a_closed_case_books_no_expense() -> None:
    assert case_vouchers(case("运输破损", "部分退款", status="已关闭"), today=REPORT_DAY) == []


def test_a_correction_after_posting_is_booked_on_the_day_it_is_made() -> None:
    first = case("运输破损", "部分退款", amount=D("12.00"))
    (posted,) = [v.model_copy(update={"status": POSTED}) for v in case_vouchers(first, today=date(2026, 11, 21))]
    changed = case("运输破损", "部分退款", amount=D("10.00"))
    sheet = regenerate([changed], [posted], [CID], today=REPORT_DAY)
    assert [(v.number, v.amount, v.day) for v in sheet if v is not None] == [
        (posted.number, D("12.00"), date(2026, 11, 21)), (f"{posted.number}-R", D("-12.00"), REPORT_DAY),
        (f"{CID}-FY2", D("10.00"), REPORT_DAY)]


def test_goods_back_without_a_receipt_time_are_booked_on_the_report_day() -> None:
    subject = case("质量问题", "退货退款", status="待退款")
    assert dated(case_vouchers(subject, today=REPORT_DAY)) == [("TH", REPORT_DAY)]


@pytest.mark.parametrize(("status", "received", "booked"), [
    ("待退款", None, False), ("已完成", None, True), ("待退款", RECEIVED_AT, True)])
def test_an_interception_is_back_when_completed_or_received(status: str, received: datetime | None,
                                                            booked: bool) -> None:
    subject = case("拦截退回", "拦截退款", status=status, goods_received_at=received)
    assert bool(case_vouchers(subject, today=REPORT_DAY)) is booked


def test_a_shop_that_ships_first_sends_the_replacement_at_once() -> None:
    subject = case("尺码问题", "换货", status="待寄回")
    assert dated(case_vouchers(subject, today=REPORT_DAY, ship_first=True)) == [("BC", date(2026, 11, 21))]


def test_reships_go_at_once_and_a_wrong_items_exchange_waits() -> None:
    gift = case("错货错发", "赠送", status="已给方案", amount=D("9.90"))
    assert [code for code, *_ in lines(case_vouchers(gift, today=REPORT_DAY))] == ["CC", "CC", "KT", "BC"]
    exchange = case("错货错发", "换货", status="待寄回")
    assert [code for code, *_ in lines(case_vouchers(exchange, today=REPORT_DAY))] == ["CC", "CC"]


def test_a_posted_return_voucher_dated_by_the_report_day_does_not_move_the_next_day() -> None:
    subject = case("质量问题", "退货退款", status="待退款")
    (posted,) = [v.model_copy(update={"status": POSTED}) for v in case_vouchers(subject, today=REPORT_DAY)]
    sheet = regenerate([subject], [posted], [CID], today=date(2026, 11, 25))
    assert sheet == [posted]
