"""Property tests: parsers never raise, every bad cell is placed, ceilings never exceed what was paid,
and a case built valid yields no errors."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.cells import (
    EXCEL_ERROR_CODES,
    ExcelError,
    parse_choice,
    parse_datetime,
    parse_integer,
    parse_money,
    parse_order_id,
    parse_text,
)
from aftersales.columns import INPUT_COLUMNS
from aftersales.issues import Severity
from aftersales.model import RawRegister
from aftersales.policy import DEFAULT_POLICY
from aftersales.recommend import recommend
from aftersales.taxonomy import CASE_TYPE_LIST, CASE_TYPES, MONEY_RESOLUTIONS, RESOLUTIONS, Resolution
from aftersales.validate import validate
from tests.domain import HEADERS, KEYS, NOW, letter, raw_register, run, valid_row

PATTERN = re.compile(r"^\d{12,20}$")
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

cell_values = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.dates(),
    st.times(),
    st.booleans(),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from(sorted(EXCEL_ERROR_CODES)),
    st.sampled_from(sorted(EXCEL_ERROR_CODES)).map(ExcelError),
    st.sampled_from(["¥12.50", "１２．５", "1,234.50", "2026年11月21日 14:30", "非质量问题", "'123456789012345678"]),
)


@SETTINGS
@given(cell_values)
def test_parsers_never_raise(value):  # type: ignore[no-untyped-def]
    parse_money(value)
    parse_datetime(value)
    parse_integer(value, 1)
    parse_text(value)
    parse_order_id(value, PATTERN)
    parse_choice(value, CASE_TYPE_LIST)


@SETTINGS
@given(st.lists(st.lists(cell_values, min_size=len(KEYS), max_size=len(KEYS)), min_size=1, max_size=4))
def test_random_registers_never_crash_and_every_issue_is_placed(rows):  # type: ignore[no-untyped-def]
    raw = raw_register([dict(zip(KEYS, cells, strict=True)) for cells in rows])
    report = validate(raw, NOW)
    assert "rule-crashed" not in {i.code for i in report.issues}
    for issue in report.issues:
        assert issue.sheet == "登记表"
        assert issue.row is not None and 2 <= issue.row <= len(rows) + 1
        assert issue.message
        if issue.code in ("invalid-number", "invalid-datetime", "invalid-choice", "excel-error", "negative-amount"):
            key = next(c.key for c in INPUT_COLUMNS if c.header == issue.field)
            assert issue.column == letter(key)


money = st.decimals(min_value=0, max_value=5000, places=2)
maybe_money = st.none() | money


@SETTINGS
@given(
    case_type=st.sampled_from([c.label for c in CASE_TYPES]),
    resolution=st.none() | st.sampled_from([r.label for r in RESOLUTIONS]),
    paid=money,
    item=maybe_money,
    profit=maybe_money,
    ship=maybe_money,
    severity=st.sampled_from([None, "轻微", "严重"]),
    liable=st.sampled_from([None, "我方", "快递", "客户", "厂家", "待定"]),
    evidence=st.integers(0, 6),
    received=st.sampled_from([None, "YF-1001-黑-M", "OTHER"]),
)
def test_every_ceiling_is_at_most_paid(case_type, resolution, paid, item, profit, ship, severity, liable, evidence,
                                       received):  # type: ignore[no-untyped-def]
    report = run([valid_row(case_type=case_type, resolution=resolution, paid_amount=paid, item_amount=item,
                            order_profit=profit, shipping_fee=ship, severity=severity, liable_party=liable,
                            evidence_count=evidence, received_sku=received)])
    rec = report.results[0].recommendation
    assert rec is not None
    for ceiling in (rec.ceiling, rec.freight_ceiling):
        assert ceiling is None or Decimal(0) <= ceiling <= paid


@SETTINGS
@given(
    case_type=st.sampled_from(["错货错发", "运输破损", "质量问题", "与描述不符", "七天无理由", "尺码问题", "查件催件",
                               "投诉维权", "其他"]),
    paid=money,
    item=maybe_money,
    profit=maybe_money,
    ship=maybe_money,
    liable=st.sampled_from([None, "我方", "快递", "客户", "厂家"]),
    evidence=st.integers(0, 6),
    insured=st.sampled_from([None, "是", "否"]),
)
def test_refund_only_never_lifts_a_ceiling_on_received_goods(case_type, paid, item, profit, ship, liable, evidence,
                                                             insured):  # type: ignore[no-untyped-def]
    """SPEC §14.3.1: on goods the buyer has, 仅退款 pays no more than 部分退款 would (碎 aside: 严重 excluded)."""
    common = dict(case_type=case_type, paid_amount=paid, item_amount=item, order_profit=profit, shipping_fee=ship,
                  severity="轻微", liable_party=liable, evidence_count=evidence, freight_insured=insured)
    refund_only = run([valid_row(resolution="仅退款", **common)]).results[0].recommendation
    partial = run([valid_row(resolution="部分退款", **common)]).results[0].recommendation
    assert refund_only is not None and partial is not None
    if refund_only.ceiling is not None:
        assert partial.ceiling is not None and refund_only.ceiling <= partial.ceiling
    if insured == "是":
        assert refund_only.freight_ceiling in (None, Decimal(0))


@st.composite
def valid_cases(draw):  # type: ignore[no-untyped-def]
    """A case of any type, filled in as the SOP says, resolved as recommended within its ceilings."""
    case_type = draw(st.sampled_from([c.label for c in CASE_TYPES]))
    day = draw(st.dates(min_value=date(2026, 1, 10), max_value=date(2026, 11, 21)))
    registered = datetime.combine(day, time(draw(st.integers(8, 17)), draw(st.integers(0, 59))))
    paid = draw(st.decimals(min_value=Decimal("1.00"), max_value=Decimal("2000"), places=2))
    row = valid_row(
        case_type=case_type,
        registered_at=registered,
        ordered_at=registered - timedelta(days=draw(st.integers(1, 6))),
        signed_at=registered - timedelta(hours=draw(st.integers(1, 140))),
        paid_amount=paid,
        item_amount=draw(st.decimals(min_value=Decimal("0.01"), max_value=paid, places=2)),
        order_profit=draw(maybe_money),
        shipping_fee=draw(st.none() | st.decimals(min_value=0, max_value=30, places=2)),
        severity=draw(st.sampled_from(["轻微", "严重"])),
        evidence_count=draw(st.integers(3, 6)),
        liable_party=draw(st.sampled_from([None, "我方", "快递", "厂家", "待定"])),
        received_sku=draw(st.sampled_from(["YF-1001-黑-M", "KZ-2003-蓝-30"])),
        order_stage="已签收",
        resolution=None, amount=None, refund_channel=None, payee_account=None, paid_at=None, approved_by="组长",
        resolved_at=None, status="待处理",
    )
    rec = recommend(run([row]).results[0].case, DEFAULT_POLICY)
    assert rec.resolution is not None
    resolved = registered + timedelta(minutes=draw(st.integers(1, 60)))
    row.update(resolution=next(r.label for r in RESOLUTIONS if r.code == rec.resolution.value), resolved_at=resolved)
    if rec.resolution in MONEY_RESOLUTIONS or rec.resolution is Resolution.GIFT:
        assert rec.ceiling is not None
        row["amount"] = draw(st.decimals(min_value=0, max_value=rec.ceiling, places=2))
        row.update(refund_channel="支付宝返现", payee_account="13800001234", status="已完成",
                   paid_at=resolved + timedelta(minutes=5))
    if rec.freight_ceiling:
        row["freight_refund"] = draw(st.decimals(min_value=0, max_value=rec.freight_ceiling, places=2))
        if row["freight_refund"]:  # SPEC §14.2: a freight refund needs its channel and the buyer's parcel
            row.update(refund_channel=row["refund_channel"] or "原路退款", return_tracking="SF1234567890")
    return row


@SETTINGS
@given(valid_cases())
def test_a_case_built_valid_yields_no_errors(row):  # type: ignore[no-untyped-def]
    report = run([row], now=datetime.combine(row["registered_at"].date(), time(17, 59)) + timedelta(hours=2))
    errors = [(i.code, i.field, i.message) for i in report.issues if i.severity is Severity.ERROR]
    assert errors == []


@SETTINGS
@given(st.lists(st.lists(cell_values, max_size=len(KEYS) + 3), min_size=1, max_size=4))
def test_ragged_rows_never_crash(rows):  # type: ignore[no-untyped-def]
    raw = RawRegister("登记表", 1, list(HEADERS), [(index + 2, cells) for index, cells in enumerate(rows)])
    report = validate(raw, NOW)
    assert "rule-crashed" not in {i.code for i in report.issues}
    assert len(report.results) == len(rows)


def test_equal_cells_of_different_types_parse_apart():
    # True == 1 == 1.0 in Python; the parse cache must not mix them up.
    report = run([valid_row(qty=1, evidence_count=True), valid_row(case_id="B", qty=True, evidence_count=1)])
    assert [(i.row, i.field) for i in report.issues if i.code == "invalid-number"] == [(2, "凭证数"), (3, "数量")]
