"""Five working days of one register, kept as a shop keeps it (SPEC §14.4, §14.5; README 每天怎么用).

Cases are added, solved, sent back, received and paid. Finance pays on Monday, Wednesday and Friday from
the 退款表 button's batch (the button's own code, `addin.buttons.refund_action`, run on the file), and on
Tuesday and Thursday from a CLI proposal (`aftersales refunds`), writing 付款时间 back into the register as
the README tells them. The warehouse books each day's vouchers with `aftersales vouchers --date`.

The proof: every case is paid exactly once, on the day it became due; every 退货单 is dated on the day
its goods arrived; the ledger and the register agree every day.
"""

from __future__ import annotations

import contextlib
import io
import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from addin.buttons import refund_action
from aftersales.payout import amount_meant
from aftersales.session import run_action
from aftersales.sheets import REFUND_HEADERS, REFUND_SHEET
from tests.domain import valid_row
from tests.workbook.xlsx import write_register
from workbook.cli import main
from workbook.file_book import FileBook
from workbook.reader import read_register

D = Decimal
MONDAY = date(2026, 11, 16)
DAYS = [MONDAY + timedelta(days=n) for n in range(5)]
BUTTON_DAYS = {DAYS[0], DAYS[2], DAYS[4]}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(DAYS[day], datetime.min.time()).replace(hour=hour, minute=minute)


def new_case(case_id: str, day: int, n: int, **fields: object) -> dict[str, object]:
    """A case registered on `day` at 9:00 and solved at 10:30, not paid."""
    defaults = {"case_id": case_id, "order_id": f"5{n:017d}", "buyer": f"tb_{case_id}", "registered_at": at(day, 9),
                "ordered_at": at(day, 8) - timedelta(days=3), "signed_at": at(day, 8) - timedelta(days=1),
                "resolved_at": at(day, 10, 30), "paid_at": None}
    return valid_row(**{**defaults, **fields})


RETURN = {"case_type": "质量问题", "resolution": "退货退款", "amount": D("100.00"), "refund_channel": "原路退款",
          "payee_account": None, "status": "待寄回", "liable_party": "我方", "evidence_count": 3}


def scenario(day: int, rows: dict[str, dict[str, object]]) -> None:
    """What the agents type on `day` (new cases, goods arriving, a fixed mistake)."""
    if day == 0:
        rows["P1"] = new_case("P1", 0, 1)  # 部分退款 12 by 支付宝返现: due at once
        rows["R1"] = new_case("R1", 0, 2, **RETURN)  # comes back on Wednesday
        rows["X1"] = new_case("X1", 0, 3, case_type="尺码问题", resolution="换货", amount=None, liable_party="我方",
                              severity=None, freight_refund=D("10.00"), return_tracking="SF100200300",
                              refund_channel="原路退款", payee_account=None, status="待寄回")  # back on Tuesday
    if day == 1:
        rows["X1"].update(goods_received_at=at(1, 15), received_qty=1, status="待退款")
        rows["P2"] = new_case("P2", 1, 4, case_type="质量问题", amount=D("8.00"), refund_channel="千牛红包",
                              payee_account="tb_P2")
        rows["I1"] = new_case("I1", 1, 5, case_type="拦截退回", order_stage="已发货未签收", signed_at=None,
                              resolution="拦截退款", amount=None, paid_amount=D("80.00"), severity=None,
                              liable_party="我方", refund_channel="原路退款", payee_account=None, status="待寄回")
    if day == 2:
        rows["R1"].update(goods_received_at=at(2, 10), received_qty=1, status="待退款")
        rows["P3"] = new_case("P3", 2, 6, amount=D("30.00"))  # over the ceiling of 20: held until fixed
    if day == 3:
        rows["P3"]["amount"] = D("15.00")  # the agent fixes it
        rows["I1"].update(goods_received_at=at(3, 11), status="已完成")  # the intercepted parcel is back
        rows["R2"] = new_case("R2", 3, 7, **{**RETURN, "case_type": "七天无理由", "liable_party": "客户",
                                             "evidence_count": 0, "severity": None})
    if day == 4:
        rows["R2"].update(goods_received_at=at(4, 9, 30), received_qty=1, status="待退款")
        rows["S1"] = new_case("S1", 4, 8, case_type="少货漏发", resolution="仅退款", item_amount=D("15.00"),
                              amount=D("15.00"), severity=None, liable_party="我方")


PAY_DAY = {"P1": 0, "X1": 1, "P2": 1, "R1": 2, "P3": 3, "I1": 3, "R2": 4, "S1": 4}
GOODS_DAY = {"X1": 1, "R1": 2, "I1": 3, "R2": 4}


def save_rows(path: Path, rows: dict[str, dict[str, object]]) -> None:
    """The register sheet as typed (rows never move); the workbook's other sheets (the ledger) kept."""
    book = openpyxl.load_workbook(path) if path.exists() else openpyxl.Workbook()
    sheet = book["登记表"] if "登记表" in book.sheetnames else book.active
    assert sheet is not None
    sheet.title = "登记表"
    write_register(sheet, list(rows.values()))
    book.save(path)


def press_refund_button(path: Path, now: datetime) -> str:
    book = openpyxl.load_workbook(path)
    summary = run_action(FileBook(book, openpyxl.load_workbook(path, data_only=True)), now, "退款表", refund_action)
    book.save(path)
    return summary


def ledger_lines(path: Path) -> list[dict[str, object]]:
    book = openpyxl.load_workbook(path)
    if REFUND_SHEET not in book.sheetnames:
        return []
    rows = list(book[REFUND_SHEET].iter_rows(values_only=True))
    return [dict(zip(REFUND_HEADERS, row, strict=False)) for row in rows[1:] if row and str(row[0] or "").startswith("FK")]


def run_cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(list(args))
    return code, out.getvalue()


def register_money(path: Path, now: datetime) -> dict[str, Decimal]:
    from aftersales.validate import validate

    register = read_register(path)
    report = validate(register.raw, now, register.policy)
    return {r.case.case_id: (amount_meant(r.case) or D(0)) + (r.case.freight_refund or D(0))
            for r in report.results if r.case.case_id}


def test_five_days_every_case_paid_once_on_its_day_and_goods_booked_when_they_arrived(tmp_path: Path) -> None:
    register = tmp_path / "售后登记表.xlsx"
    rows: dict[str, dict[str, object]] = {}
    paid_on: dict[str, date] = {}
    booked: dict[tuple[str, str], date] = {}
    for index, day in enumerate(DAYS):
        scenario(index, rows)
        save_rows(register, rows)
        now = at(index, 17)
        if day in BUTTON_DAYS:
            before = len(ledger_lines(register))
            press_refund_button(register, now)
            batch = ledger_lines(register)[before:]
            paying = {str(line["售后单号"]): D(str(line["合计"])) for line in batch}
            assert {line["批次号"] for line in batch} <= {f"FK{day:%Y%m%d}-01"}
        else:
            out = tmp_path / f"付款建议-{day}.xlsx"
            code, shown = run_cli("refunds", str(register), "--date", f"{day}", "--now", f"{now:%Y-%m-%d %H:%M}",
                                  "-o", str(out), "--json")
            assert code in (0, 1), shown
            proposal = json.loads(shown)
            assert {line["批次号"] for line in proposal["payable"]} <= {f"FK{day:%Y%m%d}-P01"}
            paying = {line["售后单号"]: D(line["合计"]) for line in proposal["payable"]}
            for case_id in paying:  # finance pays, then writes 付款时间 back (README)
                rows[case_id]["paid_at"] = at(index, 17, 30)
            save_rows(register, rows)
        for case_id in paying:
            assert case_id not in paid_on, f"{case_id} paid twice ({paid_on.get(case_id)} and {day})"
            paid_on[case_id] = day
        # The ledger and the register agree: each exported case once, with the register's money.
        money = register_money(register, now)
        exported = [str(line["售后单号"]) for line in ledger_lines(register)]
        assert len(exported) == len(set(exported))
        for line in ledger_lines(register):
            assert D(str(line["合计"])) == money[str(line["售后单号"])], line
        for case_id, total in paying.items():
            assert total == money[case_id]
        # The warehouse books the day's vouchers.
        vouchers = tmp_path / f"单据-{day}.xlsx"
        code, shown = run_cli("vouchers", str(register), "--date", f"{day}", "--now", f"{now:%Y-%m-%d %H:%M}",
                              "-o", str(vouchers), "--json")
        for voucher in json.loads(shown)["vouchers"]:
            if voucher["单据类型"] in ("退货单", "补出库单"):
                key = (voucher["售后单号"], voucher["单据号"])
                assert key not in booked, f"{key} booked on {booked.get(key)} and again on {day}"
                booked[key] = day

    assert {case: (day - MONDAY).days for case, day in paid_on.items()} == PAY_DAY
    returns = {case: (day - MONDAY).days for (case, number), day in booked.items() if "-TH" in number}
    assert returns == GOODS_DAY
    exchange = {(case, number): (day - MONDAY).days for (case, number), day in booked.items() if "-BC" in number}
    assert exchange == {("X1", "X1-BC1"): 1}  # the replacement went out when the parcel was in (seed 004 4.8)


@pytest.mark.parametrize("day", [0, 2, 4])
def test_a_button_day_writes_one_batch_numbered_by_its_day(tmp_path: Path, day: int) -> None:
    register = tmp_path / "r.xlsx"
    rows: dict[str, dict[str, object]] = {}
    for index in range(day + 1):
        scenario(index, rows)
    save_rows(register, rows)
    press_refund_button(register, at(day, 17))
    again = press_refund_button(register, at(day, 17, 5))
    batches = {line["批次号"] for line in ledger_lines(register)}
    assert batches == {f"FK{DAYS[day]:%Y%m%d}-01"} and "没有新的可付款售后" in again
