"""Long fuzzing runs (issue 8), not part of the default suite:

    FUZZ_EXAMPLES=10000 python -m pytest -m fuzz tests/fuzz -q

Whole registers of random cells of every type (Excel errors, huge strings, control characters,
emoji) never crash the engine and every bad cell is placed; the money invariants hold.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.cells import EXCEL_ERROR_CODES, ExcelError
from aftersales.columns import INPUT_COLUMNS
from aftersales.ledger import read_ledger
from aftersales.payout import goods_back, refund_money
from aftersales.refunds import refund_sheet
from aftersales.sheets import REFUND_HEADERS, REFUND_SHEET
from aftersales.taxonomy import CASE_TYPES, RESOLUTIONS
from aftersales.validate import validate
from aftersales.vouchers import VoucherType, case_vouchers
from tests.domain import KEYS, NOW, raw_register, run, valid_row

pytestmark = pytest.mark.fuzz
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "10000")), deadline=None,
                suppress_health_check=list(HealthCheck))
CELL_ISSUES = {"invalid-number", "invalid-datetime", "invalid-choice", "excel-error", "negative-amount",
               "order-id-as-number", "order-id-format"}

cells = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=5000),  # huge strings
    st.text(alphabet=st.sampled_from("\x00\x01\x07\t\n\r\x1b\u200b\ufeff\u3000 "), max_size=8),  # control chars
    st.text(alphabet=st.sampled_from("😀🧧📦🚚💰✅"), max_size=6),  # emoji
    st.integers(min_value=-(10**22), max_value=10**22),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.dates(), st.times(), st.booleans(), st.timedeltas(),
    st.sampled_from(sorted(EXCEL_ERROR_CODES)),
    st.sampled_from(sorted(EXCEL_ERROR_CODES)).map(ExcelError),
    st.sampled_from(["¥12.50", "１２．５", "2026年11月21日 14:30", "破损", "'123456789012345678", "=1+1"]),
)


@FUZZ
@given(st.lists(st.lists(cells, min_size=0, max_size=len(KEYS) + 2), min_size=1, max_size=6))
def test_random_registers_never_crash_and_bad_cells_are_placed(rows: list[list[object]]) -> None:
    raw = raw_register([dict(zip(KEYS, line, strict=False)) for line in rows])
    report = validate(raw, NOW)
    assert "rule-crashed" not in {issue.code for issue in report.issues}
    for issue in report.issues:
        assert issue.sheet == "登记表" and issue.row is not None and issue.message
        if issue.code in CELL_ISSUES:
            assert issue.column is not None and issue.field in {c.header for c in INPUT_COLUMNS}


money = st.decimals(min_value=0, max_value=5000, places=2)


@st.composite
def money_cases(draw: st.DrawFn) -> dict[str, object]:
    resolved = datetime.combine(date(2026, 11, 21), time(draw(st.integers(8, 20)), draw(st.integers(0, 59))))
    return valid_row(
        case_id=f"SH20261121-{draw(st.integers(1, 999)):03d}",
        order_id=f"{draw(st.integers(10**17, 10**18 - 1))}",
        case_type=draw(st.sampled_from([c.label for c in CASE_TYPES])),
        resolution=draw(st.sampled_from([r.label for r in RESOLUTIONS])),
        paid_amount=draw(money), amount=draw(st.none() | money), item_amount=draw(st.none() | money),
        freight_refund=draw(st.none() | money), received_sku=draw(st.sampled_from(["YF-1001-黑-M", "X-9"])),
        qty=draw(st.integers(1, 5)), refund_channel=draw(st.sampled_from(["原路退款", "支付宝返现", "千牛红包"])),
        status=draw(st.sampled_from(["待处理", "已给方案", "待寄回", "待退款", "已完成"])),
        resolved_at=resolved, registered_at=resolved - timedelta(minutes=30), paid_at=None,
    )


@FUZZ
@given(st.lists(money_cases(), min_size=1, max_size=8))
def test_money_invariants(rows: list[dict[str, object]]) -> None:
    report = run(rows, now=NOW)
    for result in report.results:
        rec, case = result.recommendation, result.case
        assert rec is not None
        for ceiling in (rec.ceiling, rec.freight_ceiling):
            assert ceiling is None or ceiling <= case.paid_amount  # type: ignore[operator]
        vouchers = case_vouchers(case)
        freight = [v for v in vouchers if v.type is VoucherType.FY and v.summary.startswith("退运费")]
        # The 退运费 is booked once the goods are back (SPEC §14.4, §14.5), and never on a closed case.
        booked = (case.freight_refund or 0) if goods_back(case) and case.status != "已关闭" else 0
        assert sum((v.amount for v in freight), Decimal(0)) == booked
        goods_money = sum((v.amount or 0 for v in vouchers if v not in freight and v.type in
                           (VoucherType.FY, VoucherType.KT)), Decimal(0))
        assert goods_money in (Decimal(0), case.amount, case.item_amount)
    sheet = refund_sheet(report, date(2026, 11, 21))
    by_row = {r.case.row: r.case for r in report.results}
    assert sheet.overall.total == sum(
        (refund_money(by_row[row.row]) + (by_row[row.row].freight_refund or 0) for row in sheet.payable), Decimal(0))
    assert not {row.row for row in sheet.payable} & {row.row for row in sheet.pending}
    ledger = read_ledger({REFUND_SHEET: [list(REFUND_HEADERS), *(row.values() for row in sheet.payable)]})
    assert refund_sheet(report, date(2026, 11, 21), ledger=ledger).payable == ()  # again: nobody paid twice
