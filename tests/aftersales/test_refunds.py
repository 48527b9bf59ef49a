"""The finance refund sheet (SPEC §9 as changed by §14.2 and §14.5): what is payable now whatever day
the case was solved, what is held and why (every error but the clock ones), what was paid on the day,
totals and reconciliation; the ledger (by 售后单号 and by 订单号+货号+退款方式+合计, trusted or not,
batch numbers never reused); and the money properties of SPEC §13."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aftersales.checks.cases
from aftersales.issues import Severity
from aftersales.ledger import EMPTY_LEDGER, Ledger, batch_number, next_batch, read_ledger
from aftersales.refunds import CLOCK_CODES, RefundRow, RefundSheet, refund_sheet
from aftersales.sheets import PENDING_HEADERS, REFUND_HEADERS, REFUND_SHEET, STATE_HEADER_ROW
from aftersales.state import BATCHES, EXPORTS, block_table
from aftersales.validate import Report
from tests.domain import NOW, codes, run, valid_row

D = Decimal
DAY = date(2026, 11, 21)
BATCH_1 = "FK20261121-01"
AWAITING = ("待寄回", "待入库", "已给方案")
READY = ("待退款", "已完成")
RECEIVED = datetime(2026, 11, 21, 10, 45)
"""收货时间 of goods back at 待退款 / 已完成 (SPEC §14.3.9: without it, goods-received-missing)."""


def cid(n: int) -> str:
    return f"SH20261121-{n:03d}"


def row(n: int, **overrides: object) -> dict[str, object]:
    """Case n: a valid partial refund (damaged, 12.00 by 支付宝返现, not paid yet), its own id, order, buyer."""
    return valid_row(**{"case_id": cid(n), "order_id": f"9000000000{n:08d}", "buyer": f"tb_buyer{n}",
                        "status": "已给方案", "paid_at": None, **overrides})


def partial(n: int, **overrides: object) -> dict[str, object]:
    return row(n, **overrides)


def refund_only(n: int, **overrides: object) -> dict[str, object]:
    return row(n, **{"case_type": "少货漏发", "resolution": "仅退款", "item_amount": D("15.00"), "amount": D("15.00"),
                     "severity": None, **overrides})


def return_refund(n: int, status: str = "待退款", **overrides: object) -> dict[str, object]:
    return row(n, **{"severity": "严重", "resolution": "退货退款", "amount": D("100.00"), "refund_channel": "原路退款",
                     "payee_account": None, "status": status,
                     "goods_received_at": RECEIVED if status in READY else None, **overrides})


def intercept_refund(n: int, status: str = "待退款", **overrides: object) -> dict[str, object]:
    return row(n, **{"case_type": "拦截退回", "resolution": "拦截退款", "amount": D("100.00"), "severity": None,
                     "order_stage": "已发货未签收", "signed_at": None, "liable_party": "我方",
                     "refund_channel": "原路退款", "payee_account": None, "status": status, **overrides})


def freight_only(n: int, status: str = "待退款", **overrides: object) -> dict[str, object]:
    """An exchange (size, our fault) whose only money is the freight refund."""
    return row(n, **{"case_type": "尺码问题", "liable_party": "我方", "resolution": "换货", "amount": None,
                     "freight_refund": D("10.00"), "return_tracking": "SF1234567890", "severity": None,
                     "refund_channel": "原路退款", "payee_account": None, "status": status,
                     "goods_received_at": RECEIVED if status in READY else None, **overrides})


def sheet_of(rows: Sequence[Mapping[str, object]], now: datetime = NOW, day: date = DAY,
             ledger: Ledger = EMPTY_LEDGER) -> RefundSheet:
    return refund_sheet(run(rows, now=now), day, ledger=ledger)


def ids(rows: Sequence[RefundRow]) -> list[str | None]:
    return [r.case_id for r in rows]


def by_id(rows: Sequence[RefundRow]) -> dict[str | None, RefundRow]:
    return {r.case_id: r for r in rows}


# --- columns -----------------------------------------------------------------------------------


def test_columns() -> None:
    assert REFUND_HEADERS == ("批次号", "售后单号", "订单号", "平台", "买家", "退款方式", "收款账号", "退款金额", "退运费",
                              "合计", "类别", "客服", "审批人", "方案时间", "付款时间")
    assert (*REFUND_HEADERS[1:], "原因") == PENDING_HEADERS


def test_a_payable_row_carries_the_case() -> None:
    sheet = sheet_of([partial(1)])
    (line,) = sheet.payable
    assert (line.batch, line.case_id, line.order_id, line.platform, line.buyer, line.channel, line.account) == (
        BATCH_1, cid(1), "900000000000000001", "淘宝", "tb_buyer1", "支付宝返现", "13800001234")
    assert (line.refund, line.freight, line.total, line.category) == (D("12.00"), D("0.00"), D("12.00"), "部分退款")
    assert (line.agent, line.resolved_at, line.paid_at, line.sku) == ("小王", datetime(2026, 11, 21, 10, 30), None,
                                                                     "YF-1001-黑-M")
    assert len(line.values()) == len(REFUND_HEADERS)
    assert len(line.values(with_batch=False)) == len(PENDING_HEADERS)


# --- coverage: any day, money or freight -----------------------------------------------------------


def test_coverage_is_every_money_or_freight_case_whatever_day_it_was_solved() -> None:
    rows = [
        partial(1),
        refund_only(2),
        return_refund(3),
        intercept_refund(4),
        freight_only(5),
        return_refund(6, status="待寄回"),  # covered, not payable yet
        partial(7, resolved_at=datetime(2026, 11, 17, 10, 30), registered_at=datetime(2026, 11, 17, 10, 0)),
        row(9, resolution="解释说明", amount=None, refund_channel=None, payee_account=None),  # no money
        row(10, case_type="少货漏发", resolution="补发", item_amount=D("30.00"), amount=None, refund_channel=None,
            payee_account=None),  # goods, no money
        row(11, case_type="错货错发", resolution="赠送", received_sku="YF-1001-白-M", item_amount=D("8.00"),
            amount=D("8.00"), refund_channel=None, payee_account=None),  # a gift moves no money
        freight_only(12, freight_refund=D("0.00")),  # zero freight: nothing to pay
        row(13, resolution=None, amount=None, resolved_at=None, status="待处理"),  # no solution yet
    ]
    sheet = sheet_of(rows, now=datetime(2026, 11, 22, 18, 30))
    assert sorted(ids(sheet.payable) + ids(sheet.pending)) == [cid(n) for n in (1, 2, 3, 4, 5, 6, 7)]


def test_a_return_solved_monday_is_payable_on_thursday_when_its_goods_are_back() -> None:
    """Finance's 11-20 sheet missed a return solved on 11-17 whose goods came back on 11-20."""
    solved = return_refund(1, status="待寄回", registered_at=datetime(2026, 11, 17, 9, 0),
                           resolved_at=datetime(2026, 11, 17, 10, 0), signed_at=datetime(2026, 11, 16, 15, 0),
                           ordered_at=datetime(2026, 11, 14, 9, 0))
    monday = sheet_of([solved], now=datetime(2026, 11, 17, 18, 0), day=date(2026, 11, 17))
    assert monday.payable == () and ids(monday.pending) == [cid(1)]
    thursday = sheet_of([{**solved, "status": "待退款"}], now=datetime(2026, 11, 20, 18, 0), day=date(2026, 11, 20))
    assert ids(thursday.payable) == [cid(1)]
    assert thursday.batch == "FK20261120-01"


# --- payable now or not yet --------------------------------------------------------------------


@pytest.mark.parametrize("status", ["已给方案", "待处理", "待寄回", "已完成"])
def test_partial_and_refund_only_are_payable_at_once(status: str) -> None:
    sheet = sheet_of([partial(1, status=status), refund_only(2, status=status)])
    assert ids(sheet.payable) == [cid(1), cid(2)]
    assert sheet.pending == ()


@pytest.mark.parametrize("status", READY)
@pytest.mark.parametrize("make", [return_refund, intercept_refund, freight_only], ids=["return", "intercept", "freight"])
def test_goods_back_first_are_payable_once_ready(make, status: str) -> None:  # type: ignore[no-untyped-def]
    sheet = sheet_of([make(1, status=status)])
    assert ids(sheet.payable) == [cid(1)]
    assert sheet.pending == ()


@pytest.mark.parametrize("status", AWAITING)
@pytest.mark.parametrize("make", [return_refund, intercept_refund, freight_only], ids=["return", "intercept", "freight"])
def test_awaiting_goods_is_pending_with_a_reason(make, status: str) -> None:  # type: ignore[no-untyped-def]
    sheet = sheet_of([make(1, status=status)])
    assert sheet.payable == ()
    (line,) = sheet.pending
    assert line.case_id == cid(1) and line.batch is None
    assert "等待" in line.reason


@pytest.mark.parametrize("make", [return_refund, freight_only], ids=["return", "freight"])
def test_goods_received_are_payable_whatever_the_status_says(make) -> None:  # type: ignore[no-untyped-def]
    """SPEC §14.5: 收货时间 given *or* 待退款 / 已完成 — finance is not told to wait for goods already here."""
    sheet = sheet_of([make(1, status="待入库", goods_received_at=RECEIVED)])
    assert ids(sheet.payable) == [cid(1)]


def test_an_interception_waits_for_its_status_not_a_receipt_time() -> None:
    sheet = sheet_of([intercept_refund(1, status="待寄回", goods_received_at=RECEIVED)])
    assert sheet.payable == () and ids(sheet.pending) == [cid(1)]


@pytest.mark.parametrize("resolution", ["部分退款", "仅退款"])
def test_a_freight_refund_waits_for_the_goods_even_on_a_refund_paid_at_once(resolution: str) -> None:
    waiting = partial(1, case_type="质量问题", resolution=resolution, amount=D("8.00"), liable_party="我方",
                      freight_refund=D("10.00"), return_tracking="SF1234567890")
    assert codes(run([waiting])) == []  # no cashback-unpaid either: nothing on this row may be paid yet
    assert codes(run([{**waiting, "goods_received_at": RECEIVED}])) == ["cashback-unpaid"]  # now it is late
    sheet = sheet_of([waiting])
    assert sheet.payable == ()
    (line,) = sheet.pending
    assert "退运费要等退回的货入库" in line.reason and "收货时间" in line.reason
    assert ids(sheet_of([{**waiting, "goods_received_at": RECEIVED}]).payable) == [cid(1)]


def test_paid_cases_are_never_payable_and_the_days_paid_ones_are_listed() -> None:
    today, yesterday = datetime(2026, 11, 21, 11, 0), datetime(2026, 11, 20, 17, 0)
    sheet = sheet_of([partial(1, paid_at=today), return_refund(2, status="已完成", paid_at=today),
                      partial(3, paid_at=yesterday), partial(4)])
    assert ids(sheet.payable) == [cid(4)]
    assert {r.case_id: r.paid_at for r in sheet.paid} == {cid(1): today, cid(2): today}
    assert sheet.overall.total == D("12.00")  # the paid ones are never in the payable totals


@pytest.mark.parametrize(("make", "label"), [
    (partial, "部分退款"), (refund_only, "仅退款"), (return_refund, "退货退款"), (intercept_refund, "拦截退款"),
    (freight_only, "退运费"),
])
def test_category_labels(make, label: str) -> None:  # type: ignore[no-untyped-def]
    (line,) = sheet_of([make(1)]).payable
    assert line.category == label


def test_return_refund_with_freight_pays_both() -> None:
    (line,) = sheet_of([return_refund(1, freight_refund=D("10.00"), return_tracking="YT123")]).payable
    assert (line.refund, line.freight, line.total, line.category) == (D("100.00"), D("10.00"), D("110.00"), "退货退款")


# --- §14.2 money needs a number a person typed -------------------------------------------------------


@pytest.mark.parametrize("make", [partial, refund_only, return_refund], ids=["partial", "refund-only", "return"])
def test_a_money_resolution_with_blank_amount_is_held_not_paid_in_full(make) -> None:  # type: ignore[no-untyped-def]
    """A partial return of 1 of 2 items paid 200: the whole order, on a guess."""
    report = run([make(1, amount=None)])
    assert ("required-missing", "金额") in {(i.code, i.field) for i in report.issues}
    sheet = refund_sheet(report, DAY)
    assert sheet.payable == ()
    (line,) = sheet.pending
    assert line.refund == D("0.00") and "金额" in line.reason


@pytest.mark.parametrize("make", [
    lambda: intercept_refund(1, amount=None),
    lambda: refund_only(1, case_type="未发货退款", amount=None, order_stage="未发货", signed_at=None, sku=None),
], ids=["intercept", "refund-before-ship"])
def test_blank_amount_means_the_whole_order_where_the_goods_never_arrived(make) -> None:  # type: ignore[no-untyped-def]
    (line,) = sheet_of([make()]).payable
    assert line.refund == D("100.00")


@pytest.mark.parametrize(("blank", "field"), [("resolved_at", "方案时间"), ("refund_channel", "退款方式")])
def test_a_money_case_without_time_or_channel_is_held_never_dropped(blank: str, field: str) -> None:
    report = run([partial(1, **{blank: None}), return_refund(2, **{blank: None})])
    assert {(i.row, i.code, i.field) for i in report.issues if i.code == "required-missing"} == {
        (2, "required-missing", field), (3, "required-missing", field)}
    sheet = refund_sheet(report, DAY)
    assert sheet.payable == () and sorted(ids(sheet.pending)) == [cid(1), cid(2)]


def test_a_freight_refund_needs_the_buyers_return_parcel_number() -> None:
    report = run([freight_only(1, return_tracking=None)])
    assert [(i.code, i.field) for i in report.issues] == [("required-missing", "退回单号")]
    assert ids(refund_sheet(report, DAY).pending) == [cid(1)]


def test_a_closed_case_with_money_is_never_payable() -> None:
    report = run([partial(1, status="已关闭")])
    assert "closed-with-money" in codes(report)
    sheet = refund_sheet(report, DAY)
    assert sheet.payable == () and "已关闭" in sheet.pending[0].reason


def test_a_payment_time_in_the_future_is_held_and_listed() -> None:
    report = run([partial(1, paid_at=datetime(2026, 11, 21, 20, 0))])
    sheet = refund_sheet(report, DAY)
    assert sheet.payable == () and sheet.paid == ()
    assert "付款时间" in sheet.pending[0].reason


# --- held by an error: every error but the clock ones ---------------------------------------------------

SIGNED_EARLY = datetime(2026, 11, 1, 15, 0)

HELD = [
    ("amount-exceeds-paid", [partial(1, paid_amount=D("10.00"), amount=D("12.00"), approved_by="张主管")]),
    ("order-refunds-exceed-paid", [
        partial(1, severity="严重", amount=D("60.00")),
        partial(2, severity="严重", amount=D("60.00"), order_id="900000000000000001")]),
    ("over-ceiling", [partial(1, amount=D("25.00"))]),
    ("over-ceiling", [return_refund(1, freight_refund=D("25.00"), return_tracking="YT1")]),
    ("cashback-account-missing", [partial(1, payee_account=None)]),
    ("outside-return-window", [return_refund(1, case_type="七天无理由", signed_at=SIGNED_EARLY, severity=None)]),
    ("price-protect-expired", [refund_only(1, case_type="保价退差价", ordered_at=datetime(2026, 11, 1, 9, 0),
                                           item_amount=D("5.00"), amount=D("5.00"))]),
    ("refund-type-mismatch", [refund_only(1, case_type="七天无理由", amount=D("100.00"), approved_by="张主管")]),
    ("duplicate-case-id", [partial(1), partial(2, case_id=cid(1))]),
    ("required-missing", [partial(1, paid_amount=None)]),
    ("invalid-number", [partial(1, amount="十二块")]),
    ("invalid-number", [return_refund(1, freight_refund="abc")]),
    ("invalid-choice", [partial(1, refund_channel="微信")]),
    ("invalid-choice", [partial(1, platform="小红书")]),  # an error of any cell holds (§14.5)
    ("excel-error", [partial(1, amount="#N/A")]),
    ("excel-error", [partial(1, payee_account="#REF!")]),
    ("date-in-future", [partial(1, signed_at=datetime(2026, 11, 22, 9, 0))]),
]


@pytest.mark.parametrize(("code", "rows"), [pytest.param(code, rows, id=f"{code}-{i}") for i, (code, rows) in
                                            enumerate(HELD)])
def test_an_error_puts_the_case_in_pending(code: str, rows: list[dict[str, object]]) -> None:
    report = run(rows)
    flagged = sorted({i.row for i in report.issues if i.code == code and i.severity is Severity.ERROR})
    assert flagged, f"the register should raise {code}"
    sheet = refund_sheet(report, DAY)
    flagged_ids = {report.results[r - 2].case.case_id for r in flagged}
    assert not flagged_ids & set(ids(sheet.payable))
    held = [line for line in sheet.pending if line.case_id in flagged_ids]
    assert len(held) == len(flagged)
    for line in held:
        assert code in line.reason and line.batch is None


def test_a_case_whose_rule_crashed_is_held(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(case: object, ctx: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(aftersales.checks.cases, "required_fields", crash)
    report = run([partial(1)])
    assert "rule-crashed" in codes(report)
    sheet = refund_sheet(report, DAY)
    assert sheet.payable == () and "rule-crashed" in sheet.pending[0].reason


def test_a_sheet_level_error_holds_every_payment() -> None:
    from aftersales.model import RawRegister
    from aftersales.validate import validate
    from tests.domain import HEADERS, KEYS

    index = KEYS.index("buyer")
    cells = [valid_row(**partial(1)).get(k) for i, k in enumerate(KEYS) if i != index]
    raw = RawRegister("登记表", 1, [h for i, h in enumerate(HEADERS) if i != index], [(2, cells)])
    report = validate(raw, NOW)
    assert "header-missing" in codes(report)
    sheet = refund_sheet(report, DAY)
    assert sheet.payable == () and "header-missing" in sheet.pending[0].reason


def test_warnings_do_not_hold() -> None:
    report = run([partial(1, case_type="与描述不符", severity=None, amount=D("3.00"))], now=datetime(2026, 11, 21, 17, 0))
    assert codes(report) == ["below-minimum-offer"]
    assert ids(refund_sheet(report, DAY).payable) == [cid(1)]


@pytest.mark.parametrize("late", ["cashback-unpaid", "refund-stale", "solution-late"])
def test_clock_issues_never_hold(late: str) -> None:
    rows = {"cashback-unpaid": ([partial(1)], datetime(2026, 11, 22, 9, 0)),
            "refund-stale": ([return_refund(1)], datetime(2026, 11, 26, 12, 0)),
            "solution-late": ([partial(1, resolved_at=datetime(2026, 11, 21, 18, 20))], NOW)}[late]
    report = run(rows[0], now=rows[1])
    assert late in codes(report)
    sheet = refund_sheet(report, DAY)
    assert ids(sheet.payable) == [cid(1)] and sheet.pending == ()
    assert {"solution-overdue", "cashback-unpaid"} == CLOCK_CODES


# --- totals, reconciliation, batch ---------------------------------------------------------------


def test_totals_per_channel_and_overall_reconciled() -> None:
    rows = [
        partial(1, amount=D("0.10")),
        partial(2, amount=D("0.20")),
        partial(3, amount=D("8.50"), refund_channel="千牛红包", payee_account=None),
        return_refund(4, freight_refund=D("10.00"), return_tracking="YT4"),
        refund_only(5, amount=D("15.00"), refund_channel="原路退款", payee_account=None),
        partial(6, amount=D("30.00")),  # over the ceiling: held, not in any total
        return_refund(7, status="待寄回"),  # awaiting goods: not in any total
        partial(8, paid_at=datetime(2026, 11, 21, 12, 0)),  # paid: on 已付, not in any total
    ]
    sheet = sheet_of(rows)
    assert sorted(ids(sheet.payable)) == [cid(n) for n in (1, 2, 3, 4, 5)]
    expected = {"支付宝返现": (2, D("0.30")), "千牛红包": (1, D("8.50")), "原路退款": (2, D("125.00"))}
    assert len(sheet.by_channel) == len(expected)
    for channel, (count, total) in expected.items():
        (totals,) = [t for t in sheet.by_channel if channel in t.label]
        assert (totals.count, totals.total) == (count, total)
    assert (sheet.overall.count, sheet.overall.refund, sheet.overall.freight, sheet.overall.total) == (
        5, D("123.80"), D("10.00"), D("133.80"))
    assert sheet.register_total == D("133.80") and sheet.reconciled is True


def test_batch_numbers() -> None:
    assert batch_number(date(2026, 1, 5), 1) == "FK20260105-01"
    assert batch_number(date(2026, 12, 31), 12, proposal=True) == "FK20261231-P12"
    assert sheet_of([partial(1)]).batch == BATCH_1


# --- the ledger ------------------------------------------------------------------------------------


def ledger_rows(*batches: Sequence[RefundRow], notes: int = 1) -> list[list[object]]:
    """The workbook's 退款表 as read back: note lines, the header, the rows of every batch appended so far."""
    table: list[list[object]] = [[f"说明 {n}"] for n in range(notes)]
    table.append(list(REFUND_HEADERS))
    for rows in batches:
        table.extend(r.values() for r in rows)
    return table


def state_rows(*batches: Sequence[RefundRow], issued: Sequence[str] = ()) -> list[list[object]]:
    """The hidden state sheet as the 退款表 button leaves it: issued batches and what each line was."""
    lines = [r for rows in batches for r in rows]
    numbers = list(issued) or sorted({r.batch or "" for r in lines})
    blocks = [(BATCHES, [(b, "", "", "") for b in numbers]),
              (EXPORTS, [(r.batch, r.case_id, r.order_id, r.sku, r.channel, f"{r.total:.2f}") for r in lines])]
    rows: list[list[object]] = [["当前时间", ""], [], ["工作表", "单元格", "颜色", "售后单号", "列"]]
    for block, body in blocks:
        for offset, line in enumerate(block_table(block, body)):
            target = STATE_HEADER_ROW - 1 + offset
            while len(rows) <= target:
                rows.append([])
            rows[target].extend([""] * (block.default_column + len(line) - len(rows[target])))
            rows[target][block.default_column : block.default_column + len(line)] = line
    return rows


def export(sheet: RefundSheet, ledger: Ledger = EMPTY_LEDGER) -> tuple[RefundRow, ...]:
    """What the 退款表 button appends: the payable rows in the next batch."""
    return sheet.with_batch(next_batch(sheet.day, ledger)).payable


def ledger_of(*batches: Sequence[RefundRow], notes: int = 1) -> Ledger:
    return read_ledger({REFUND_SHEET: ledger_rows(*batches, notes=notes)}, state_rows(*batches))


def test_a_case_in_the_ledger_is_never_payable_again() -> None:
    rows = [partial(1), refund_only(2), return_refund(3), return_refund(4, status="待寄回")]
    first = export(sheet_of(rows))
    assert sorted(ids(first)) == [cid(1), cid(2), cid(3)] and {r.batch for r in first} == {BATCH_1}
    again = sheet_of(rows, ledger=ledger_of(first))
    assert again.payable == () and ids(again.pending) == [cid(4)] and again.issues == ()


def test_the_next_batch_takes_the_newly_payable_cases() -> None:
    first = export(sheet_of([partial(1), return_refund(2, status="待寄回")]))
    ledger = ledger_of(first)
    rows = [partial(1), return_refund(2, status="待退款"), refund_only(3)]
    second = export(sheet_of(rows, ledger=ledger), ledger)
    assert sorted(ids(second)) == [cid(2), cid(3)] and {r.batch for r in second} == {"FK20261121-02"}
    assert sheet_of(rows, ledger=ledger_of(first, second)).payable == ()


def test_money_changed_after_export_is_an_error_not_a_second_payment() -> None:
    ledger = ledger_of(export(sheet_of([partial(1), partial(2)])))
    sheet = sheet_of([partial(1, amount=D("15.00")), partial(2)], ledger=ledger)
    assert sheet.payable == ()
    (issue,) = sheet.issues
    assert (issue.code, issue.row, issue.field, issue.severity) == ("amount-changed-after-export", 2, "金额", Severity.ERROR)
    assert "12.00" in issue.message and "15.00" in issue.message
    assert ids(sheet.pending) == [cid(1)]


def test_a_renumbered_case_is_a_possible_double_payment_not_a_payment() -> None:
    ledger = ledger_of(export(sheet_of([partial(1)])))
    sheet = sheet_of([partial(1, case_id="SH20261121-777")], ledger=ledger)
    assert sheet.payable == ()
    (issue,) = sheet.issues
    assert (issue.code, issue.field, issue.value) == ("possible-double-payment", "售后单号", "SH20261121-777")
    assert BATCH_1 in issue.message and cid(1) in issue.message
    assert "possible-double-payment" in sheet.pending[0].reason


def test_a_cleared_and_renumbered_case_is_caught_even_without_the_state_sheet() -> None:
    """Without the state sheet the ledger line's 货号 is unknown: it matches any item."""
    first = export(sheet_of([partial(1)]))
    ledger = read_ledger({REFUND_SHEET: ledger_rows(first)})
    assert ledger.lines[0].sku is None
    assert [i.code for i in sheet_of([partial(1, case_id="SH20261121-777", sku="OTHER")], ledger=ledger).issues] == [
        "possible-double-payment"]


def test_two_items_of_one_order_are_two_payments() -> None:
    first = export(sheet_of([partial(1)]))
    second = sheet_of([partial(1), partial(2, order_id="900000000000000001", sku="YF-2002")], ledger=ledger_of(first))
    assert ids(second.payable) == [cid(2)] and second.issues == ()


def test_the_ledger_found_below_notes_in_a_sorted_sheet_and_in_archives() -> None:
    first = export(sheet_of([partial(1)]))
    second = export(sheet_of([partial(1), partial(2)], ledger=ledger_of(first)), ledger_of(first))
    noted = ledger_rows(first, second, notes=12)
    sorted_sheet = [noted[-1], *noted[:-1]]  # someone sorted the sheet: a line above the header
    ledger = read_ledger({REFUND_SHEET: sorted_sheet}, state_rows(first, second))
    assert ledger.problem is None and sorted(line.case_id for line in ledger.lines) == [cid(1), cid(2)]
    archived = read_ledger({REFUND_SHEET: ledger_rows(second), "退款表归档": ledger_rows(first)},
                           state_rows(first, second))
    assert archived.problem is None and len(archived.lines) == 2
    assert sheet_of([partial(1), partial(2)], ledger=archived).payable == ()


def test_a_ledger_that_lost_its_header_or_its_batches_cannot_be_trusted() -> None:
    first = export(sheet_of([partial(1)]))
    headless = read_ledger({REFUND_SHEET: [r.values() for r in first]}, state_rows(first))
    assert headless.problem and "表头" in headless.problem
    moved = read_ledger({REFUND_SHEET: ledger_rows()}, state_rows(first))
    assert moved.problem and BATCH_1 in moved.problem
    deleted = read_ledger({}, state_rows(first))
    assert deleted.problem and "删除" in deleted.problem
    assert read_ledger({REFUND_SHEET: []}).problem is None  # a new, empty ledger


def test_batch_numbers_are_never_reused() -> None:
    first = export(sheet_of([partial(1)]))
    kept_in_state = read_ledger({REFUND_SHEET: ledger_rows(first)}, state_rows(first, issued=[BATCH_1, "FK20261121-02"]))
    assert kept_in_state.problem  # batch -02 was issued but is not in the ledger
    ledger = read_ledger({REFUND_SHEET: ledger_rows(first)}, state_rows(first))
    assert next_batch(DAY, ledger) == "FK20261121-02"
    assert next_batch(date(2026, 11, 22), ledger) == "FK20261122-01"
    assert next_batch(DAY, ledger, proposal=True) == "FK20261121-P01"
    proposed = [r.model_copy(update={"batch": "FK20261121-P03"}) for r in sheet_of([partial(5)]).payable]
    assert next_batch(DAY, read_ledger({REFUND_SHEET: ledger_rows(first, proposed)}), proposal=True) == "FK20261121-P04"


# --- properties (SPEC §13) ------------------------------------------------------------------------

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
STATUSES = ("待处理", "已给方案", "待寄回", "待入库", "待退款", "已完成", "已关闭")
CHANNELS = ("原路退款", "支付宝返现", "千牛红包")
SHARED_ORDERS = ("800000000000000001", "800000000000000002")


def cents(low: str, high: str) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=D(low), max_value=D(high), places=2, allow_nan=False, allow_infinity=False)


INJECTIONS: list[dict[str, object]] = [
    {"amount": "abc"}, {"amount": "#N/A"}, {"freight_refund": "#VALUE!"}, {"freight_refund": "x元"},
    {"paid_amount": None}, {"paid_amount": "#REF!"}, {"refund_channel": "微信"}, {"refund_channel": "#N/A"},
    {"refund_channel": "支付宝返现", "payee_account": None}, {"payee_account": "#NAME?"},
    {"amount": D("150.00")}, {"amount": D("99.00"), "approved_by": None}, {"amount": None},
    {"resolved_at": None}, {"refund_channel": None}, {"platform": "小红书"},
]


@st.composite
def case_rows(draw: st.DrawFn, n: int) -> dict[str, object]:
    """One random case n: any money resolution or a freight-only / no-money case, any status, maybe an error."""
    kind = draw(st.sampled_from(["partial", "refund-only", "return", "intercept", "freight", "explain"]))
    status = draw(st.sampled_from(STATUSES))
    channel = draw(st.sampled_from(CHANNELS))
    base: dict[str, object] = {"status": status, "refund_channel": channel,
                               "payee_account": "13800001234" if channel == "支付宝返现" else None,
                               "paid_at": draw(st.sampled_from([None, datetime(2026, 11, 21, 17, 0)]))}
    if kind == "partial":
        made = partial(n, amount=draw(cents("0.01", "20.00")), **base)
    elif kind == "refund-only":
        amount = draw(cents("0.01", "20.00"))
        made = refund_only(n, item_amount=amount, amount=amount, **base)
    elif kind == "return":
        made = return_refund(n, amount=draw(cents("0.01", "100.00")), return_tracking="YT1",
                             freight_refund=draw(st.one_of(st.none(), cents("0.00", "10.00"))), **base)
    elif kind == "intercept":
        made = intercept_refund(n, amount=draw(cents("0.01", "100.00")), return_tracking="YT1",
                                freight_refund=draw(st.one_of(st.none(), cents("0.00", "10.00"))), **base)
    elif kind == "freight":
        made = freight_only(n, freight_refund=draw(cents("0.00", "10.00")), **base)
    else:
        made = row(n, resolution="解释说明", amount=None, **base)
    if draw(st.booleans()):
        made["order_id"] = draw(st.sampled_from(SHARED_ORDERS))  # may make an order's refunds exceed its paid
    if draw(st.booleans()):
        made["resolved_at"] = datetime(2026, 11, 20, 15, 0)  # another day: payable all the same
        made["registered_at"] = datetime(2026, 11, 20, 14, 0)
    if draw(st.integers(0, 3)) == 0:
        made.update(draw(st.sampled_from(INJECTIONS)))
    return made


@st.composite
def registers(draw: st.DrawFn, first: int = 1, max_size: int = 10) -> list[dict[str, object]]:
    size = draw(st.integers(1, max_size))
    return [draw(case_rows(n)) for n in range(first, first + size)]


def erring_rows(report: Report) -> set[int]:
    """Excel rows with an error that holds (every error but the clock ones)."""
    return {i.row for i in report.issues
            if i.row is not None and i.severity is Severity.ERROR and i.code not in CLOCK_CODES}


def money(value: object) -> Decimal:
    assert value is None or isinstance(value, Decimal), value
    return value or D("0.00")


def meant(row: Mapping[str, object]) -> Decimal:
    """金额 as typed; blank means the whole 实付金额 for 拦截退款 and 未发货 仅退款 (SPEC §14.2)."""
    whole = row.get("resolution") == "拦截退款" or (row.get("resolution"), row.get("case_type")) == ("仅退款", "未发货退款")
    return money(row.get("amount")) if row.get("amount") is not None or not whole else money(row.get("paid_amount"))


@SETTINGS
@given(registers())
def test_sheet_total_equals_register_total_of_included_cases(rows: list[dict[str, object]]) -> None:
    report = run(rows)
    sheet = refund_sheet(report, DAY)
    payable = set(ids(sheet.payable))
    assert len(payable) == len(sheet.payable)
    expected = sum((meant(r) + money(r.get("freight_refund")) for r in rows if r["case_id"] in payable), D("0.00"))
    assert sheet.overall.total == expected
    assert sum((line.total for line in sheet.payable), D("0.00")) == expected
    assert sum((t.total for t in sheet.by_channel), D("0.00")) == expected
    assert sum(t.count for t in sheet.by_channel) == len(sheet.payable)
    assert sheet.register_total == expected and sheet.reconciled
    # coverage: every unpaid money / freight case exactly once, payable or pending (paid ones on 已付)
    covered = [
        r.case.case_id for r in report.results
        if (r.case.resolution in {"return-refund", "refund-only", "partial-refund", "intercept-refund"}
            or (r.case.freight_refund or 0) > 0) and r.case.paid_at is None
    ]
    assert sorted(ids(sheet.payable) + ids(sheet.pending)) == sorted(covered)


@SETTINGS
@given(registers())
def test_a_case_with_an_error_never_appears_among_payable_rows(rows: list[dict[str, object]]) -> None:
    report = run(rows)
    sheet = refund_sheet(report, DAY)
    erring = erring_rows(report)
    payable = set(ids(sheet.payable))
    pending = by_id(sheet.pending)
    for result in report.results:
        case = result.case
        if case.row in erring:
            assert case.case_id not in payable
            if case.case_id in pending:
                assert pending[case.case_id].reason
        elif case.case_id in payable or case.case_id in pending:
            due = case.resolution in ("partial-refund", "refund-only") or case.status in READY
            if due and case.status != "已关闭":
                assert case.case_id in payable
            else:
                assert case.case_id in pending and pending[case.case_id].reason


@SETTINGS
@given(st.data())
def test_no_case_appears_in_two_batches(data: st.DataObject) -> None:
    """The 退款表 button run after run on a changing register: each case is exported at most once."""
    register: dict[str, dict[str, object]] = {}
    batches: list[tuple[RefundRow, ...]] = []
    next_case = 1
    for run_number in range(data.draw(st.integers(2, 5), label="runs")):
        added = data.draw(registers(first=next_case, max_size=5), label="new cases")
        next_case += len(added)
        for made in added:
            register[str(made["case_id"])] = made
        for key in data.draw(st.lists(st.sampled_from(sorted(register)), max_size=3, unique=True), label="edits"):
            edit = data.draw(st.sampled_from([{"status": "待退款"}, {"status": "已完成"}, {"amount": D("1.00")},
                                              {"case_id": f"SH20261121-9{run_number}{key[-3:]}"},
                                              {"paid_at": datetime(2026, 11, 21, 17, 30)}]), label="edit")
            register[key] = {**register[key], **edit}
        ledger = read_ledger({REFUND_SHEET: ledger_rows(*batches)}, state_rows(*batches))
        assert ledger.problem is None
        sheet = refund_sheet(run(list(register.values())), DAY, ledger=ledger)
        new = sheet.with_batch(next_batch(DAY, ledger)).payable
        exported_ids = {line.case_id for line in ledger.lines}
        assert not exported_ids & set(ids(new))
        keys = {(line.order_id, line.channel, line.total) for line in ledger.lines}
        assert not {(r.order_id, r.channel, r.total) for r in new} & keys  # nor under another 售后单号
        if new:
            assert {r.batch for r in new} == {f"FK20261121-{len(batches) + 1:02d}"}
            batches.append(new)
    seen: dict[tuple[object, ...], set[str]] = defaultdict(set)
    for rows in batches:
        for line in rows:
            seen[(line.order_id, line.sku, line.channel, line.total)].add(line.batch or "")
    assert all(len(found) == 1 for found in seen.values())
