"""日结 figures against hand-computed values for a small register (SPEC §10)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from aftersales.eod import end_of_day, mask, mask_buyer, report_grid
from tests.domain import run, valid_row

D = Decimal
DAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 18, 30)
OPEN = {"resolution": None, "amount": None, "resolved_at": None, "paid_at": None, "refund_channel": None,
        "payee_account": None, "status": "待处理"}

ROWS = [
    # row 2: damaged, partial refund 12 by Alipay cashback, paid — solved the same day
    valid_row(case_id="A1", buyer="13800001234", agent="小王"),
    # row 3: quality, partial refund 8 by 千牛红包 — not paid yet (cashback-unpaid)
    valid_row(case_id="A2", order_id="223456789012345678", buyer="b2", agent="小王", case_type="质量问题",
              amount=D("8"), refund_channel="千牛红包", payee_account=None, paid_at=None, status="已给方案"),
    # row 4: tracking, no solution yet → overdue at 18:30
    valid_row(case_id="A3", order_id="323456789012345678", buyer="b3", agent="小李", case_type="查件催件",
              **OPEN),
    # row 5: lost parcel, reshipped, courier liable
    valid_row(case_id="A4", order_id="423456789012345678", buyer="b4", agent="小李", case_type="丢件",
              resolution="补发", amount=None, refund_channel=None, payee_account=None, paid_at=None,
              liable_party=None, status="已完成"),
    # row 6: registered yesterday, solved late today: not counted as today's
    valid_row(case_id="A5", order_id="523456789012345678", buyer="b5", agent="小张",
              registered_at=datetime(2026, 11, 20, 17, 0), resolved_at=datetime(2026, 11, 21, 9, 0),
              paid_at=datetime(2026, 11, 21, 9, 10), amount=D("20")),
    # row 7: return-refund 99.50 to the original channel, waiting for the goods
    valid_row(case_id="A6", order_id="623456789012345678", buyer="b6", agent="小张", severity="严重",
              resolution="退货退款", amount=D("99.50"), refund_channel="原路退款", payee_account=None,
              paid_at=None, status="待寄回"),
]


def figures():  # type: ignore[no-untyped-def]
    return end_of_day(run(ROWS, now=NOW), DAY)


def test_headline_figures() -> None:
    eod = figures()
    assert eod.registered == 5  # A5 was registered yesterday
    assert eod.solved_same_day == 4  # all but the overdue A3
    assert eod.solved_pct == D("80.0")
    assert [(c.case_id, c.row) for c in eod.overdue] == [("A3", 4)]


def test_cashback_due_today() -> None:
    eod = figures()
    # Due today: A1 (12.00, paid), A2 (8.00, unpaid), A5 (20.00, paid; solved this morning).
    assert (eod.cashback_count, eod.cashback_sum, eod.cashback_paid) == (3, D("40.00"), D("32.00"))
    assert eod.cashback_unpaid_sum == D("8.00")
    assert [(c.case_id, c.row) for c in eod.cashback_unpaid] == [("A2", 3)]


def test_money_out_by_resolution_and_channel() -> None:
    eod = figures()
    assert dict(eod.money_by_resolution) == {"部分退款": D("40.00"), "退货退款": D("99.50")}
    assert dict(eod.money_by_channel) == {"支付宝返现": D("32.00"), "千牛红包": D("8.00"), "原路退款": D("99.50")}
    assert eod.money_out == D("139.50")


def test_counts_by_type_and_per_agent() -> None:
    eod = figures()
    counts = dict(eod.by_case_type)
    assert len(counts) == 16 and sum(counts.values()) == 5
    assert (counts["运输破损"], counts["质量问题"], counts["查件催件"], counts["丢件"]) == (2, 1, 1, 1)
    agents = {a.agent: (a.cases, a.overdue, a.errors) for a in eod.agents}
    assert agents == {"小王": (2, 0, 1), "小李": (2, 1, 1), "小张": (1, 0, 0)}


def test_courier_follow_up_held_refunds_and_errors() -> None:
    eod = figures()
    assert {c.case_id for c in eod.courier} >= {"A4"}  # lost, liability open: the courier pays
    assert [c.case_id for c in eod.held_refunds] == ["A6"]
    assert {(c.case_id, c.row) for c in eod.errors} == {("A2", 3), ("A3", 4)}  # cashback-unpaid, overdue
    assert eod.needs_action == 2  # cases, each once: A2 (unpaid cashback, its error), A3 (overdue, its error)


def test_pii_is_masked_to_the_last_four_characters() -> None:
    assert mask("13800001234") == "*******1234"
    assert mask("abc") == "abc"
    assert mask_buyer("tb_13800001234") == "tb_*******1234"
    eod = figures()
    listed = [*eod.cashback_unpaid, *eod.overdue, *eod.errors]
    assert all("13800001234" not in (c.buyer + c.detail) for c in listed)
    grid = report_grid(end_of_day(run([valid_row(paid_at=None, status="已给方案")], now=NOW), DAY))
    text = " ".join(str(v) for row in grid.rows for v in row)
    assert "*******1234" in text and "13800001234" not in text


def test_report_grid_links_every_listed_case_to_its_row_and_charts_its_tables() -> None:
    grid = report_grid(figures())
    for sheet_row, register_row in grid.links.items():
        line = grid.rows[sheet_row - 1]
        assert line[1] == register_row  # the 行 column shows the register row
        assert line[0] in {"A1", "A2", "A3", "A4", "A5", "A6"}
    titles = [title for title, _, _ in grid.charts]
    assert titles == ["今日售后类型", "今日支出（元）"]
    first, last = grid.charts[0][1], grid.charts[0][2]
    assert grid.rows[first - 2] == ["售后类型", "条数"] and last - first + 1 == 16
    assert grid.rows[1][0] == "需要下班前处理" and 2 in grid.alarms


# --- SPEC §14.6: the lead's questions ---------------------------------------------------------------------


def test_yesterdays_unpaid_cashback_stays_on_the_list_with_its_due_time() -> None:
    yesterday = valid_row(case_id="B1", registered_at=datetime(2026, 11, 20, 9, 0),
                          resolved_at=datetime(2026, 11, 20, 10, 0), paid_at=None, status="已给方案")
    eod = end_of_day(run([yesterday], now=NOW), DAY)
    (line,) = eod.cashback_unpaid
    assert line.case_id == "B1" and line.detail.startswith("应于 11-20 18:00 前付") and line.money == D("12.00")
    assert eod.cashback_unpaid_sum == D("12.00") and eod.cashback_count == 0  # not due today, still unpaid


def test_due_tomorrow_lists_open_cases_registered_after_closing_time() -> None:
    late = valid_row(case_id="C1", registered_at=datetime(2026, 11, 21, 18, 20), **OPEN)
    answered = valid_row(case_id="C2", order_id="923456789012345678", registered_at=datetime(2026, 11, 21, 18, 25),
                         resolved_at=datetime(2026, 11, 21, 18, 28), paid_at=None, status="已给方案")
    eod = end_of_day(run([late, answered], now=NOW), DAY)
    assert [(c.case_id, c.detail) for c in eod.due_tomorrow] == [("C1", "截止 11-22 18:00")]


def test_open_cases_by_age() -> None:
    def opened(n: int, days: int) -> dict[str, object]:
        return valid_row(case_id=f"D{n}", order_id=f"8{n:017d}", registered_at=datetime(2026, 11, 21 - days, 9, 0),
                         **{**OPEN, "status": "待寄回"})
    rows = [opened(1, 0), opened(2, 1), opened(3, 2), opened(4, 5), opened(5, 8), opened(6, 12),
            valid_row(case_id="D7", order_id="812345678901234567", registered_at=datetime(2026, 11, 1, 9, 0))]
    eod = end_of_day(run(rows, now=NOW), DAY)
    assert eod.open_ages == (("0–1 天", 2), ("2–3 天", 1), ("4–7 天", 1), ("7 天以上", 2))  # D7 is 已完成


def test_courier_follow_up_shows_the_tracking_number_and_the_claim() -> None:
    damaged = valid_row(case_id="E1", paid_at=None, status="已给方案", tracking_no="SF1234567890",
                        freight_refund=D("10.00"), return_tracking="SF999")
    lost = valid_row(case_id="E2", order_id="723456789012345678", case_type="丢件", resolution="补发", amount=None,
                     item_amount=D("59.00"), refund_channel=None, payee_account=None, paid_at=None,
                     liable_party="快递", status="已给方案", tracking_no="YT0001")
    eod = end_of_day(run([damaged, lost], now=NOW), DAY)
    claims = {c.case_id: (c.money, c.detail.split("；")[:2]) for c in eod.courier}
    assert claims == {"E1": (D("22.00"), ["运单号 SF1234567890", "索赔 22.00 元"]),
                      "E2": (D("59.00"), ["运单号 YT0001", "索赔 59.00 元"])}


def test_a_case_with_several_errors_is_one_line_and_counted_once() -> None:
    row = valid_row(case_id="F1", amount=D("60.00"), refund_channel=None, paid_at=None, status="已给方案")
    report = run([row], now=NOW)
    assert len([i for i in report.issues if i.severity.value == "error"]) >= 2
    eod = end_of_day(report, DAY)
    (line,) = eod.errors
    assert line.case_id == "F1" and "over-ceiling" in line.detail and "required-missing" in line.detail
    assert eod.needs_action == 1


def test_paid_counts_are_todays_and_never_negative_and_a_future_payment_is_not_paid() -> None:
    yesterday = [valid_row(case_id=f"G{n}", order_id=f"6{n:017d}", registered_at=datetime(2026, 11, 20, 9, 0),
                           resolved_at=datetime(2026, 11, 20, 10, 0), paid_at=None, status="已给方案")
                 for n in range(3)]
    promised = valid_row(case_id="G9", order_id="690000000000000009", paid_at=datetime(2026, 11, 23, 10, 0),
                         status="已给方案")  # 付款时间 typed ahead: not paid yet
    eod = end_of_day(run([*yesterday, promised], now=NOW), DAY)
    assert (eod.cashback_count, eod.cashback_paid_count, eod.cashback_paid) == (1, 0, D("0.00"))
    assert {c.case_id for c in eod.cashback_unpaid} == {"G0", "G1", "G2", "G9"}
    grid = report_grid(eod)
    paid_line = next(row for row in grid.rows if row and row[0] == "已返现")
    assert paid_line[1] == 0


def test_agents_show_what_is_overdue_or_wrong_on_their_older_cases() -> None:
    old = valid_row(case_id="H1", agent="小张", registered_at=datetime(2026, 11, 19, 9, 0), **OPEN)
    eod = end_of_day(run([old], now=NOW), DAY)
    assert [(a.agent, a.cases, a.overdue) for a in eod.agents] == [("小张", 0, 1)]


def test_a_cashback_with_freight_is_due_once_its_goods_are_back_for_the_whole_row() -> None:
    row = valid_row(case_id="K1", case_type="质量问题", amount=D("8.00"), liable_party="我方", paid_at=None,
                    status="已给方案", freight_refund=D("10.00"), return_tracking="SF1",
                    goods_received_at=datetime(2026, 11, 21, 16, 0))
    eod = end_of_day(run([row], now=NOW), DAY)
    (line,) = eod.cashback_unpaid
    assert line.money == D("18.00") and line.detail.startswith("应于 11-21 18:00 前付")
    waiting = end_of_day(run([{**row, "goods_received_at": None}], now=NOW), DAY)
    assert waiting.cashback_unpaid == ()
