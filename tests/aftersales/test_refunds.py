"""The finance refund sheet (SPEC §9): coverage, what is payable now, what is held and why, totals and
reconciliation, the batch number, the append-only ledger; and the money properties of SPEC §13."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.refunds import (
    RefundRow,
    RefundSheet,
    batch_number,
    ledger_update,
    parse_ledger,
    refund_sheet,
)
from aftersales.sheets import PENDING_HEADERS, REFUND_HEADERS
from aftersales.validate import Report
from tests.domain import NOW, codes, run, valid_row

D = Decimal
DAY = date(2026, 11, 21)
BATCH_1 = "FK20261121-01"

HOLDING_CODES = {
    "amount-exceeds-paid", "order-refunds-exceed-paid", "over-ceiling", "cashback-account-missing",
    "outside-return-window", "price-protect-expired", "refund-type-mismatch", "duplicate-case-id",
}
CELL_CODES = {"required-missing", "invalid-number", "invalid-choice", "invalid-datetime", "excel-error"}
MONEY_CELLS = {"金额", "退运费", "实付金额", "退款方式", "收款账号"}
AWAITING = ("待寄回", "待入库", "已给方案")
READY = ("待退款", "已完成")


def cid(n: int) -> str:
    return f"SH20261121-{n:03d}"


def row(n: int, **overrides: object) -> dict[str, object]:
    """Case n: a valid partial refund (damaged, 12.00 by 支付宝返现, paid) with its own id, order and buyer."""
    return valid_row(**{"case_id": cid(n), "order_id": f"9000000000{n:08d}", "buyer": f"tb_buyer{n}", **overrides})


def partial(n: int, **overrides: object) -> dict[str, object]:
    return row(n, **overrides)


def refund_only(n: int, **overrides: object) -> dict[str, object]:
    return row(n, **{"case_type": "少货漏发", "resolution": "仅退款", "item_amount": D("15.00"), "amount": D("15.00"),
                     "severity": None, **overrides})


def return_refund(n: int, status: str = "待退款", **overrides: object) -> dict[str, object]:
    return row(n, **{"severity": "严重", "resolution": "退货退款", "amount": D("100.00"), "refund_channel": "原路退款",
                     "payee_account": None, "paid_at": None, "status": status, **overrides})


def intercept_refund(n: int, status: str = "待退款", **overrides: object) -> dict[str, object]:
    return row(n, **{"case_type": "拦截退回", "resolution": "拦截退款", "amount": D("100.00"), "severity": None,
                     "order_stage": "已发货未签收", "signed_at": None, "liable_party": "我方",
                     "refund_channel": "原路退款", "payee_account": None, "paid_at": None, "status": status, **overrides})


def freight_only(n: int, status: str = "待退款", **overrides: object) -> dict[str, object]:
    """An exchange (size, our fault) whose only money is the freight refund."""
    return row(n, **{"case_type": "尺码问题", "liable_party": "我方", "resolution": "换货", "amount": None,
                     "freight_refund": D("10.00"), "severity": None, "refund_channel": "原路退款",
                     "payee_account": None, "paid_at": None, "status": status, **overrides})


def sheet_of(rows: Sequence[Mapping[str, object]], now: datetime = NOW, day: date = DAY) -> RefundSheet:
    return refund_sheet(run(rows, now=now), day)


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
    assert (line.agent, line.resolved_at, line.paid_at) == ("小王", datetime(2026, 11, 21, 10, 30),
                                                            datetime(2026, 11, 21, 11, 0))
    assert len(line.values()) == len(REFUND_HEADERS)
    assert len(line.values(with_batch=False)) == len(PENDING_HEADERS)


# --- coverage ----------------------------------------------------------------------------------


def test_coverage_money_resolutions_and_freight_resolved_on_the_day() -> None:
    rows = [
        partial(1),
        refund_only(2),
        return_refund(3),
        intercept_refund(4),
        freight_only(5),
        return_refund(6, status="待寄回"),  # covered, but not payable yet
        partial(7, resolved_at=datetime(2026, 11, 20, 10, 30), registered_at=datetime(2026, 11, 20, 10, 0)),
        return_refund(8, resolved_at=datetime(2026, 11, 22, 9, 0), status="待退款"),
        row(9, resolution="解释说明", amount=None),  # no money
        row(10, case_type="少货漏发", resolution="补发", item_amount=D("30.00"), amount=None),  # goods, no money
        row(11, case_type="错货错发", resolution="赠送", received_sku="YF-1001-白-M", item_amount=D("8.00"),
            amount=D("8.00")),  # a gift moves no money
        freight_only(12, freight_refund=D("0.00")),  # zero freight: nothing to pay
        row(13, resolution=None, amount=None, resolved_at=None, status="待处理"),  # no solution yet
    ]
    sheet = sheet_of(rows, now=datetime(2026, 11, 22, 18, 30))
    assert sorted(ids(sheet.payable) + ids(sheet.pending)) == [cid(n) for n in (1, 2, 3, 4, 5, 6)]


def test_another_day_covers_its_own_cases() -> None:
    rows = [partial(1), partial(2, resolved_at=datetime(2026, 11, 20, 16, 0), registered_at=datetime(2026, 11, 20, 9))]
    sheet = refund_sheet(run(rows), date(2026, 11, 20))
    assert ids(sheet.payable) == [cid(2)]
    assert sheet.batch == "FK20261120-01"


# --- payable now or not yet --------------------------------------------------------------------


@pytest.mark.parametrize("status", ["已给方案", "待处理", "待寄回", "已完成"])
def test_partial_and_refund_only_are_payable_at_once(status: str) -> None:
    sheet = sheet_of([partial(1, status=status, paid_at=None), refund_only(2, status=status, paid_at=None)])
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
    assert line.case_id == cid(1)
    assert line.reason.strip()
    assert line.batch is None


def test_already_paid_cases_stay_payable_with_paid_at() -> None:
    paid = datetime(2026, 11, 21, 11, 0)
    sheet = sheet_of([partial(1, paid_at=paid), return_refund(2, status="已完成", paid_at=paid)])
    assert {r.case_id: r.paid_at for r in sheet.payable} == {cid(1): paid, cid(2): paid}


@pytest.mark.parametrize(("make", "label"), [
    (partial, "部分退款"), (refund_only, "仅退款"), (return_refund, "退货退款"), (intercept_refund, "拦截退款"),
    (freight_only, "退运费"),
])
def test_category_labels(make, label: str) -> None:  # type: ignore[no-untyped-def]
    (line,) = sheet_of([make(1)]).payable
    assert line.category == label


def test_return_refund_with_freight_pays_both() -> None:
    (line,) = sheet_of([return_refund(1, freight_refund=D("10.00"))]).payable
    assert (line.refund, line.freight, line.total, line.category) == (D("100.00"), D("10.00"), D("110.00"), "退货退款")


# --- held by an error ----------------------------------------------------------------------------

SIGNED_EARLY = datetime(2026, 11, 1, 15, 0)

HELD = [
    ("amount-exceeds-paid", [partial(1, paid_amount=D("10.00"), amount=D("12.00"), approved_by="张主管")]),
    ("order-refunds-exceed-paid", [
        partial(1, severity="严重", amount=D("60.00")),
        partial(2, severity="严重", amount=D("60.00"), order_id="900000000000000001")]),
    ("over-ceiling", [partial(1, amount=D("25.00"))]),
    ("over-ceiling", [return_refund(1, freight_refund=D("15.00"))]),
    ("cashback-account-missing", [partial(1, payee_account=None)]),
    ("outside-return-window", [return_refund(1, case_type="七天无理由", signed_at=SIGNED_EARLY, severity=None)]),
    ("price-protect-expired", [refund_only(1, case_type="保价退差价", ordered_at=datetime(2026, 11, 1, 9, 0),
                                           item_amount=D("5.00"), amount=D("5.00"))]),
    ("refund-type-mismatch", [refund_only(1, case_type="七天无理由", amount=D("100.00"))]),
    ("duplicate-case-id", [partial(1), partial(2, case_id=cid(1))]),
    ("required-missing", [partial(1, paid_amount=None)]),
    ("invalid-number", [partial(1, amount="十二块")]),
    ("invalid-number", [return_refund(1, freight_refund="abc")]),
    ("invalid-number", [partial(1, paid_amount="一百")]),
    ("invalid-choice", [partial(1, refund_channel="微信")]),
    ("excel-error", [partial(1, amount="#N/A")]),
    ("excel-error", [return_refund(1, freight_refund="#DIV/0!")]),
    ("excel-error", [partial(1, paid_amount="#VALUE!")]),
    ("excel-error", [partial(1, refund_channel="#N/A")]),
    ("excel-error", [partial(1, payee_account="#REF!")]),
]


@pytest.mark.parametrize(("code", "rows"), [pytest.param(code, rows, id=f"{code}-{i}") for i, (code, rows) in
                                            enumerate(HELD)])
def test_holding_error_puts_the_case_in_pending(code: str, rows: list[dict[str, object]]) -> None:
    report = run(rows)
    flagged = sorted({i.row for i in report.issues if i.code == code})
    assert flagged, f"the register should raise {code}"
    sheet = refund_sheet(report, DAY)
    flagged_ids = {report.results[r - 2].case.case_id for r in flagged}
    assert not flagged_ids & set(ids(sheet.payable))
    held = [line for line in sheet.pending if line.case_id in flagged_ids]
    assert len(held) == len(flagged)
    for line in held:
        assert code in line.reason
        assert line.batch is None


def test_errors_elsewhere_do_not_hold() -> None:
    """Only the errors §9 lists hold a payment: an unknown 平台 is not one of them."""
    report = run([partial(1, platform="小红书")])
    assert "invalid-choice" in codes(report)
    assert ids(refund_sheet(report, DAY).payable) == [cid(1)]


def test_cashback_unpaid_never_holds() -> None:
    report = run([partial(1, paid_at=None)], now=datetime(2026, 11, 22, 9, 0))
    assert "cashback-unpaid" in codes(report)
    sheet = refund_sheet(report, DAY)
    assert ids(sheet.payable) == [cid(1)]
    assert sheet.pending == ()


def test_refund_stale_never_holds() -> None:
    report = run([return_refund(1, status="待退款")], now=datetime(2026, 11, 26, 12, 0))
    assert "refund-stale" in codes(report)
    sheet = refund_sheet(report, DAY)
    assert ids(sheet.payable) == [cid(1)]
    assert sheet.pending == ()


# --- totals, reconciliation, batch ---------------------------------------------------------------


def test_totals_per_channel_and_overall_reconciled() -> None:
    rows = [
        partial(1, amount=D("0.10")),
        partial(2, amount=D("0.20")),
        partial(3, amount=D("8.50"), refund_channel="千牛红包", payee_account=None),
        return_refund(4, freight_refund=D("10.00")),
        refund_only(5, amount=D("15.00"), refund_channel="原路退款", payee_account=None),
        partial(6, amount=D("30.00")),  # over the ceiling: held, not in any total
        return_refund(7, status="待寄回"),  # awaiting goods: not in any total
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
    assert sheet.register_total == D("133.80")
    assert sheet.reconciled is True


def test_stateless_export_batch() -> None:
    sheet = sheet_of([partial(1), refund_only(2), return_refund(3, status="待寄回")])
    assert sheet.batch == BATCH_1 == batch_number(DAY, 1)
    assert {r.batch for r in sheet.payable} == {BATCH_1}
    assert {r.batch for r in sheet.pending} == {None}


def test_batch_number_format() -> None:
    assert batch_number(date(2026, 1, 5), 1) == "FK20260105-01"
    assert batch_number(date(2026, 12, 31), 12) == "FK20261231-12"


# --- the ledger ------------------------------------------------------------------------------------


def ledger_sheet(*batches: Sequence[RefundRow]) -> list[list[object]]:
    """The workbook's 退款表 as read back: a title, the header, the rows of every batch appended so far."""
    table: list[list[object]] = [["退款表"], list(REFUND_HEADERS)]
    for rows in batches:
        table.extend(r.values() for r in rows)
    return table


def test_ledger_first_run_then_nothing_new() -> None:
    rows = [partial(1), refund_only(2), return_refund(3), return_refund(4, status="待寄回")]
    sheet = sheet_of(rows)
    first = ledger_update(sheet, [])
    assert first.batch == BATCH_1
    assert sorted(ids(first.new)) == [cid(1), cid(2), cid(3)]
    assert {r.batch for r in first.new} == {BATCH_1}
    assert first.changed == ()

    ledger = parse_ledger(ledger_sheet(first.new))
    assert sorted(e.case_id for e in ledger) == [cid(1), cid(2), cid(3)]
    assert {e.batch for e in ledger} == {BATCH_1}

    again = ledger_update(sheet_of(rows), ledger)
    assert again.batch is None
    assert again.new == ()
    assert again.changed == ()


def test_ledger_newly_payable_case_gets_the_next_batch() -> None:
    rows = [partial(1), return_refund(2, status="待寄回")]
    first = ledger_update(sheet_of(rows), [])
    assert ids(first.new) == [cid(1)]
    ledger = parse_ledger(ledger_sheet(first.new))

    rows = [partial(1), return_refund(2, status="待退款"), refund_only(3)]
    second = ledger_update(sheet_of(rows), ledger)
    assert second.batch == "FK20261121-02"
    assert sorted(ids(second.new)) == [cid(2), cid(3)]
    assert {r.batch for r in second.new} == {"FK20261121-02"}
    assert second.changed == ()

    ledger = parse_ledger(ledger_sheet(first.new, second.new))
    third = ledger_update(sheet_of(rows), ledger)
    assert (third.batch, third.new) == (None, ())


def test_ledger_case_changed_after_export_is_an_error_not_a_second_payment() -> None:
    first = ledger_update(sheet_of([partial(1), partial(2)]), [])
    ledger = parse_ledger(ledger_sheet(first.new))
    update = ledger_update(sheet_of([partial(1, amount=D("15.00")), partial(2)]), ledger)
    assert update.new == ()
    assert update.batch is None
    ((entry, now_row),) = update.changed
    assert entry.case_id == cid(1) and now_row.case_id == cid(1)
    assert (entry.refund, now_row.refund) == (D("12.00"), D("15.00"))


def test_ledger_change_and_new_case_together() -> None:
    first = ledger_update(sheet_of([partial(1)]), [])
    ledger = parse_ledger(ledger_sheet(first.new))
    update = ledger_update(sheet_of([partial(1, amount=D("9.00")), partial(2)]), ledger)
    assert update.batch == "FK20261121-02"
    assert ids(update.new) == [cid(2)]
    assert [(e.case_id, r.case_id) for e, r in update.changed] == [(cid(1), cid(1))]


def test_ledger_batches_count_per_day() -> None:
    earlier = parse_ledger(ledger_sheet([r.model_copy(update={"batch": "FK20261120-03"})
                                          for r in sheet_of([partial(9)]).payable]))
    update = ledger_update(sheet_of([partial(1)]), earlier)
    assert update.batch == BATCH_1


# --- properties (SPEC §13) ------------------------------------------------------------------------

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
STATUSES = ("待处理", "已给方案", "待寄回", "待入库", "待退款", "已完成", "已关闭")
CHANNELS = ("原路退款", "支付宝返现", "千牛红包")
SHARED_ORDERS = ("800000000000000001", "800000000000000002")


def cents(low: str, high: str) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=D(low), max_value=D(high), places=2, allow_nan=False, allow_infinity=False)


# Errors of a money, channel or account cell, or of the amount itself, that hold a payment.
INJECTIONS: list[dict[str, object]] = [
    {"amount": "abc"}, {"amount": "#N/A"}, {"freight_refund": "#VALUE!"}, {"freight_refund": "x元"},
    {"paid_amount": None}, {"paid_amount": "#REF!"}, {"refund_channel": "微信"}, {"refund_channel": "#N/A"},
    {"refund_channel": "支付宝返现", "payee_account": None}, {"payee_account": "#NAME?"},
    {"amount": D("150.00")}, {"amount": D("99.00"), "approved_by": None},
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
        made = return_refund(n, amount=draw(cents("0.01", "100.00")),
                             freight_refund=draw(st.one_of(st.none(), cents("0.00", "10.00"))), **base)
    elif kind == "intercept":
        made = intercept_refund(n, amount=draw(cents("0.01", "100.00")),
                                freight_refund=draw(st.one_of(st.none(), cents("0.00", "10.00"))), **base)
    elif kind == "freight":
        made = freight_only(n, freight_refund=draw(cents("0.00", "10.00")), **base)
    else:
        made = row(n, resolution="解释说明", amount=None, **base)
    if draw(st.booleans()):
        made["order_id"] = draw(st.sampled_from(SHARED_ORDERS))  # may make an order's refunds exceed its paid
    if draw(st.booleans()):
        made["resolved_at"] = datetime(2026, 11, 20, 15, 0)  # another day: not on this sheet
        made["registered_at"] = datetime(2026, 11, 20, 14, 0)
    if draw(st.integers(0, 3)) == 0:
        made.update(draw(st.sampled_from(INJECTIONS)))
    return made


@st.composite
def registers(draw: st.DrawFn, first: int = 1, max_size: int = 10) -> list[dict[str, object]]:
    size = draw(st.integers(1, max_size))
    return [draw(case_rows(n)) for n in range(first, first + size)]


def held_rows(report: Report) -> set[int]:
    """Excel rows held by an error of theirs, per §9."""
    return {
        i.row for i in report.issues
        if i.row is not None and (i.code in HOLDING_CODES or (i.code in CELL_CODES and i.field in MONEY_CELLS))
    }


def money(value: object) -> Decimal:
    assert value is None or isinstance(value, Decimal), value
    return value or D("0.00")


@SETTINGS
@given(registers())
def test_sheet_total_equals_register_total_of_included_cases(rows: list[dict[str, object]]) -> None:
    report = run(rows)
    sheet = refund_sheet(report, DAY)
    payable = set(ids(sheet.payable))
    assert len(payable) == len(sheet.payable)
    expected = sum((money(r.get("amount")) + money(r.get("freight_refund")) for r in rows if r["case_id"] in payable), D("0.00"))
    assert sheet.overall.total == expected
    assert sum((line.total for line in sheet.payable), D("0.00")) == expected
    assert sum((t.total for t in sheet.by_channel), D("0.00")) == expected
    assert sum(t.count for t in sheet.by_channel) == len(sheet.payable)
    assert sheet.register_total == expected
    assert sheet.reconciled
    # coverage: exactly the money / freight cases resolved on the day, each once
    covered = [
        r.case.case_id for r in report.results
        if r.case.resolved_at is not None and r.case.resolved_at.date() == DAY
        and (r.case.resolution in {"return-refund", "refund-only", "partial-refund", "intercept-refund"}
             or (r.case.freight_refund or 0) > 0)
    ]
    assert sorted(ids(sheet.payable) + ids(sheet.pending)) == sorted(covered)


@SETTINGS
@given(registers())
def test_a_held_case_never_appears_among_payable_rows(rows: list[dict[str, object]]) -> None:
    report = run(rows)
    sheet = refund_sheet(report, DAY)
    held = held_rows(report)
    payable = set(ids(sheet.payable))
    pending = by_id(sheet.pending)
    for result in report.results:
        case = result.case
        if case.row in held:
            assert case.case_id not in payable
            if case.case_id in pending:
                assert pending[case.case_id].reason
    # and the payable rules of §9 for the cases nothing holds
    for result in report.results:
        case = result.case
        if case.case_id not in payable and case.case_id not in pending:
            continue
        if case.row in held:
            continue
        if case.resolution in ("partial-refund", "refund-only") or case.status in READY:
            assert case.case_id in payable
        else:
            assert case.case_id in pending and pending[case.case_id].reason


@SETTINGS
@given(st.data())
def test_no_case_appears_in_two_batches(data: st.DataObject) -> None:
    register: dict[str, dict[str, object]] = {}
    table: list[list[object]] = [list(REFUND_HEADERS)]
    batches = 0
    next_case = 1
    for _ in range(data.draw(st.integers(2, 5), label="runs")):
        added = data.draw(registers(first=next_case, max_size=5), label="new cases")
        next_case += len(added)
        for made in added:
            register[str(made["case_id"])] = made
        for key in data.draw(st.lists(st.sampled_from(sorted(register)), max_size=3, unique=True), label="edits"):
            edit = data.draw(st.sampled_from([{"status": "待退款"}, {"status": "已完成"}, {"amount": D("1.00")},
                                              {"paid_at": datetime(2026, 11, 21, 17, 30)}]), label="edit")
            register[key] = {**register[key], **edit}
        sheet = refund_sheet(run(list(register.values())), DAY)
        ledger = parse_ledger(table)
        exported = {e.case_id for e in ledger}
        update = ledger_update(sheet, ledger)
        assert not exported & set(ids(update.new))
        assert {entry.case_id for entry, _ in update.changed} <= exported
        if update.new:
            batches += 1
            assert update.batch == f"FK20261121-{batches:02d}"
            assert {r.batch for r in update.new} == {update.batch}
            table.extend(r.values() for r in update.new)
        else:
            assert update.batch is None
        # the same register again: nothing new
        repeat = ledger_update(sheet, parse_ledger(table))
        assert (repeat.batch, repeat.new) == (None, ())
    batches_of: dict[str, set[str]] = defaultdict(set)
    for entry in parse_ledger(table):
        batches_of[entry.case_id].add(entry.batch)
    assert all(len(found) == 1 for found in batches_of.values())
    assert len(parse_ledger(table)) == len(batches_of)

