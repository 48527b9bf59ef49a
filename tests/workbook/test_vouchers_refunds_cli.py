"""`aftersales vouchers` and `aftersales refunds` (SPEC §8, §9, §11) and what `aftersales demo` adds.

The outputs are checked as finance and the warehouse will open them: the sheets and their exact
headers, money as numbers formatted ¥#,##0.00, the --date scope, the JSON, the exit codes, the
input never written, posted vouchers kept with a reversal for a changed case, and text that looks
like a formula staying text in openpyxl and after a LibreOffice round trip.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from aftersales.demo import demo_rows
from tests.domain import valid_row
from tests.tools import libreoffice_convert
from workbook.cli import main
from workbook.template import build_register_workbook

NOW = "2026-11-21T18:30"
DAY = "2026-11-21"
Capsys = pytest.CaptureFixture[str]
Row = dict[str, object]

# SPEC §8 and §9, literally.
VOUCHER_HEADERS = ["单据号", "单据类型", "日期", "售后单号", "订单号", "货号", "数量", "金额", "摘要", "状态", "冲销单号"]
REFUND_HEADERS = [
    "批次号", "售后单号", "订单号", "平台", "买家", "退款方式", "收款账号", "退款金额", "退运费", "合计", "类别",
    "客服", "审批人", "方案时间", "付款时间",
]
PENDING_HEADERS = [*REFUND_HEADERS[1:], "原因"]
REFUND_MONEY = ("退款金额", "退运费", "合计")
VOUCHER_TYPES = {"出库单冲单": "CC", "补出库单": "BC", "退货单": "TH", "费用单": "FY", "空退单转费用单": "KT"}
MONEY_FORMAT = "¥#,##0.00"
MONEY = re.compile(r"^-?\d+\.\d{2}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")
CHANNELS = ("原路退款", "支付宝返现", "千牛红包")

# Cases of the demo day (aftersales.demo, seeded) that the tests lean on.
CLEAN_PARTIAL = "SH20261121-011"  # 运输破损 + 部分退款 8.43, 原路退款, paid: no issue
CLEAN_RESHIP = "SH20261121-022"  # 少货漏发 + 补发: CC −1, BC +1, no issue
CLEAN_PAID = "SH20261121-014"  # 运输破损 + 部分退款, paid (only a warning)
OVER_CEILING = "SH20261121-003"  # 部分退款 30.00 over the 10.00 ceiling, no 审批人: held
NO_ACCOUNT = "SH20261121-012"  # 支付宝返现 without 收款账号: held
OUT_OF_WINDOW = "SH20261121-029"  # 七天无理由 past the window, offered a return: held
CASHBACK_UNPAID = "SH20261121-042"  # only a clock issue (cashback-unpaid): payable now
AWAITING_GOODS = "SH20261121-026"  # 退货退款, 待寄回: not payable yet


# --- helpers ---------------------------------------------------------------------------------------


def cli(capsys: Capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_cannot_run(result: tuple[int, str, str]) -> str:
    """Exit 2 with exactly one line on stderr, no traceback; returns the line."""
    code, out, err = result
    assert code == 2, (code, out, err)
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert out == ""
    return lines[0]


def save_register(rows: Iterable[Mapping[str, object]], path: Path,
                  vouchers: Sequence[Sequence[object]] = ()) -> Path:
    """A register workbook (the template) holding `rows`; text that starts with `=` is stored as
    text, as Excel stores a cell typed with a leading apostrophe; `vouchers` go under the 单据 header."""
    book = build_register_workbook(rows)
    for sheet in book.worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    for line in vouchers:
        book["单据"].append(list(line))
    book.save(path)
    return path


def sheet_values(path: Path, name: str, data_only: bool = False) -> list[list[object]]:
    sheet = openpyxl.load_workbook(path, data_only=data_only)[name]
    return [list(line) for line in sheet.iter_rows(values_only=True)]


def table(path: Path, name: str) -> list[dict[str, object]]:
    """The rows under the header, up to the first blank row, as {header: value}."""
    values = sheet_values(path, name)
    header = [str(v) for v in values[0]]
    found = []
    for line in values[1:]:
        if all(v in (None, "") for v in line):
            break
        found.append(dict(zip(header, line, strict=False)))
    return found


def money(value: object) -> Decimal:
    """A money cell as exact cents (openpyxl reads numbers as int/float)."""
    assert isinstance(value, int | float | Decimal) and not isinstance(value, bool), value
    return Decimal(str(value)).quantize(Decimal("0.01"))


def text_of(amount: Decimal) -> str:
    return f"{amount:.2f}"


def snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def moved_to_the_day_before(rows: list[Row], case_id: str) -> list[Row]:
    """The demo day with one case registered, solved and paid the day before."""
    for row in rows:
        if row.get("case_id") == case_id:
            for key in ("registered_at", "resolved_at", "paid_at", "signed_at", "ordered_at"):
                value = row.get(key)
                if isinstance(value, datetime):
                    row[key] = value - timedelta(days=1)
    return rows


def clean_rows() -> list[Row]:
    """Three correct cases of the day: a paid partial refund (FY), a short shipment reshipped
    (CC, BC) and a returned no-reason order waiting for its refund (TH; payable)."""
    return [
        valid_row(case_id="SH20261121-001", order_id="123456789012300001", buyer="b1"),
        valid_row(case_id="SH20261121-002", order_id="123456789012300002", buyer="b2", case_type="少货漏发",
                  resolution="补发", item_amount=Decimal("30.00"), amount=None, refund_channel=None,
                  payee_account=None, paid_at=None, severity=None, liable_party="我方", evidence_count=1),
        valid_row(case_id="SH20261121-003", order_id="123456789012300003", buyer="b3", case_type="七天无理由",
                  resolution="退货退款", amount=Decimal("100.00"), refund_channel="原路退款", payee_account=None,
                  paid_at=None, status="待退款", severity=None, liable_party="客户", evidence_count=0),
    ]


@pytest.fixture
def demo_register(tmp_path: Path) -> Path:
    return save_register(demo_rows(), tmp_path / "register.xlsx")


@pytest.fixture
def clean_register(tmp_path: Path) -> Path:
    return save_register(clean_rows(), tmp_path / "clean.xlsx")


@pytest.fixture
def two_day_register(tmp_path: Path) -> Path:
    """The demo day with CLEAN_PARTIAL moved to 2026-11-20."""
    return save_register(moved_to_the_day_before(demo_rows(), CLEAN_PARTIAL), tmp_path / "two-days.xlsx")


def run_vouchers(capsys: Capsys, register: Path, out: Path, *args: str) -> tuple[int, str, str]:
    return cli(capsys, "vouchers", str(register), "--now", NOW, "-o", str(out), *args)


def run_refunds(capsys: Capsys, register: Path, out: Path, *args: str, day: str = DAY) -> tuple[int, str, str]:
    return cli(capsys, "refunds", str(register), "--date", day, "--now", NOW, "-o", str(out), *args)


# --- vouchers: the workbook ----------------------------------------------------------------------------


def test_voucher_workbook_has_sheet_单据_with_the_spec_headers(capsys: Capsys, demo_register: Path,
                                                               tmp_path: Path) -> None:
    out = tmp_path / "单据.xlsx"
    code, _, err = run_vouchers(capsys, demo_register, out)
    assert code in (0, 1) and "Traceback" not in err
    book = openpyxl.load_workbook(out)
    assert "单据" in book.sheetnames
    assert sheet_values(out, "单据")[0] == VOUCHER_HEADERS


def test_voucher_rows_follow_section_8(capsys: Capsys, demo_register: Path, tmp_path: Path) -> None:
    out = tmp_path / "单据.xlsx"
    run_vouchers(capsys, demo_register, out)
    rows = table(out, "单据")
    assert rows
    for voucher in rows:
        code = VOUCHER_TYPES[str(voucher["单据类型"])]
        assert re.fullmatch(rf"{re.escape(str(voucher['售后单号']))}-{code}\d+", str(voucher["单据号"])), voucher
        assert voucher["状态"] == "草稿"
        assert voucher["冲销单号"] in (None, "")
    numbers = [v["单据号"] for v in rows]
    assert len(set(numbers)) == len(numbers)

    over = [v for v in rows if v["售后单号"] == OVER_CEILING]
    assert [(v["单据号"], v["单据类型"], money(v["金额"])) for v in over] == [
        (f"{OVER_CEILING}-FY1", "费用单", Decimal("30.00"))]
    reship = {v["单据号"]: v for v in rows if v["售后单号"] == CLEAN_RESHIP}
    assert set(reship) == {f"{CLEAN_RESHIP}-CC1", f"{CLEAN_RESHIP}-BC1"}
    assert reship[f"{CLEAN_RESHIP}-CC1"]["数量"] == -1  # short-shipped: −
    assert reship[f"{CLEAN_RESHIP}-BC1"]["数量"] == 1  # goods going out: +
    assert reship[f"{CLEAN_RESHIP}-CC1"]["货号"] == reship[f"{CLEAN_RESHIP}-BC1"]["货号"]


def test_voucher_money_is_a_number_formatted_as_yuan(capsys: Capsys, demo_register: Path, tmp_path: Path) -> None:
    out = tmp_path / "单据.xlsx"
    run_vouchers(capsys, demo_register, out)
    sheet = openpyxl.load_workbook(out)["单据"]
    header = [c.value for c in sheet[1]]
    amount, qty, day = (header.index(h) + 1 for h in ("金额", "数量", "日期"))
    amounts = 0
    last = 1 + len(table(out, "单据"))  # the total line below the vouchers is not a voucher
    assert str(sheet.cell(row=last + 2, column=1).value).startswith("合计")
    for line in range(2, last + 1):
        cell = sheet.cell(row=line, column=amount)
        if cell.value is None:
            continue
        amounts += 1
        assert isinstance(cell.value, int | float) and not isinstance(cell.value, bool), cell.value
        assert cell.number_format == MONEY_FORMAT, (cell.coordinate, cell.number_format)
        assert cell.data_type == "n"
    assert amounts >= 10
    quantities = [sheet.cell(row=r, column=qty).value for r in range(2, last + 1)]
    assert all(q is None or isinstance(q, int) for q in quantities)
    days = [sheet.cell(row=r, column=day).value for r in range(2, last + 1)]
    assert all(isinstance(d, date) and d.strftime("%Y-%m-%d") == DAY for d in days)


def test_vouchers_date_keeps_only_the_cases_solved_that_day(capsys: Capsys, two_day_register: Path,
                                                            tmp_path: Path) -> None:
    everything, day_before, today = (tmp_path / name for name in ("all.xlsx", "20.xlsx", "21.xlsx"))
    run_vouchers(capsys, two_day_register, everything)
    run_vouchers(capsys, two_day_register, day_before, "--date", "2026-11-20")
    run_vouchers(capsys, two_day_register, today, "--date", DAY)

    # SPEC §14.4: --date selects vouchers by their 日期 — 方案时间's date, or 收货时间's for what waits for
    # the goods; a returned parcel without 收货时间 is booked on the report date.
    all_cases = {v["售后单号"] for v in table(everything, "单据")}
    assert CLEAN_PARTIAL in all_cases and len(all_cases) > 10
    earlier, later = table(day_before, "单据"), table(today, "单据")
    assert all(v["日期"] == datetime(2026, 11, 20) for v in earlier)
    assert all(v["日期"] == datetime(2026, 11, 21) for v in later)
    assert CLEAN_PARTIAL in {v["售后单号"] for v in earlier} and CLEAN_PARTIAL not in {v["售后单号"] for v in later}
    undated = {v["单据号"] for v in earlier} - {v["单据号"] for v in table(everything, "单据") if v["售后单号"] == CLEAN_PARTIAL}
    assert all(number.split("-")[-1][:2] in ("TH", "BC") for number in undated)


def test_vouchers_date_with_no_solved_case_writes_the_header_only(capsys: Capsys, demo_register: Path,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "none.xlsx"
    code, _, _ = run_vouchers(capsys, demo_register, out, "--date", "2026-11-19")
    assert code == 0
    assert sheet_values(out, "单据")[0] == VOUCHER_HEADERS
    # Only goods back without 收货时间 (goods-received-missing in the demo) are booked on the report date.
    assert {row["单据类型"] for row in table(out, "单据")} <= {"退货单", "补出库单"}


def test_vouchers_json(capsys: Capsys, demo_register: Path, tmp_path: Path) -> None:
    out = tmp_path / "单据.xlsx"
    code, stdout, err = run_vouchers(capsys, demo_register, out, "--date", DAY, "--json")
    assert err == ""
    data = json.loads(stdout)
    vouchers = data["vouchers"]
    rows = table(out, "单据")
    assert len(vouchers) == len(rows) > 0
    for item, row in zip(vouchers, rows, strict=True):
        assert list(item) == VOUCHER_HEADERS
        assert item["金额"] is None or (isinstance(item["金额"], str) and MONEY.match(item["金额"])), item
        assert ISO_DATE.match(item["日期"]), item["日期"]
        assert item["数量"] is None or (isinstance(item["数量"], int) and not isinstance(item["数量"], bool))
        assert item["单据号"] == row["单据号"] and item["售后单号"] == row["售后单号"]
        if row["金额"] is not None:
            assert item["金额"] == text_of(money(row["金额"]))
    fy = next(v for v in vouchers if v["单据号"] == f"{OVER_CEILING}-FY1")
    assert (fy["金额"], fy["日期"], fy["状态"]) == ("30.00", DAY, "草稿")
    assert code == 1  # the day includes cases with errors


# --- refunds: the workbook -------------------------------------------------------------------------------


@pytest.fixture
def demo_refunds(capsys: Capsys, demo_register: Path, tmp_path: Path) -> Path:
    out = tmp_path / "退款表.xlsx"
    code, _, err = run_refunds(capsys, demo_register, out)
    assert code in (0, 1) and "Traceback" not in err
    return out


def test_refund_workbook_sheets_and_headers(demo_refunds: Path) -> None:
    book = openpyxl.load_workbook(demo_refunds)
    assert {"退款表", "待处理"} <= set(book.sheetnames)
    assert sheet_values(demo_refunds, "退款表")[0] == REFUND_HEADERS
    assert sheet_values(demo_refunds, "待处理")[0] == PENDING_HEADERS


def test_payable_rows_carry_the_batch_and_exact_money(demo_refunds: Path) -> None:
    payable = table(demo_refunds, "退款表")
    assert len(payable) >= 10
    assert {row["批次号"] for row in payable} == {"FK20261121-P01"}  # a proposal: the CLI records nothing
    for row in payable:
        assert money(row["合计"]) == money(row["退款金额"]) + money(row["退运费"])
        assert row["退款方式"] in CHANNELS
        assert row["类别"] in ("仅退款", "退货退款", "部分退款", "退运费", "拦截退款")
        assert isinstance(row["方案时间"], datetime) and row["方案时间"].date() == date(2026, 11, 21)
    sheet = openpyxl.load_workbook(demo_refunds)["退款表"]
    columns = [REFUND_HEADERS.index(h) + 1 for h in REFUND_MONEY]
    for line in range(2, len(payable) + 2):
        for column in columns:
            cell = sheet.cell(row=line, column=column)
            assert isinstance(cell.value, int | float) and cell.data_type == "n", cell.coordinate
            assert cell.number_format == MONEY_FORMAT, (cell.coordinate, cell.number_format)


def test_held_and_waiting_cases_are_on_待处理_with_a_reason_never_payable(demo_refunds: Path) -> None:
    payable = {row["售后单号"]: row for row in table(demo_refunds, "退款表")}
    pending = {row["售后单号"]: row for row in table(demo_refunds, "待处理")}
    assert not set(payable) & set(pending) - {None}
    for case_id, code in ((OVER_CEILING, "over-ceiling"), (NO_ACCOUNT, "cashback-account-missing"),
                          (OUT_OF_WINDOW, "outside-return-window")):
        assert case_id not in payable
        assert code in str(pending[case_id]["原因"]), pending[case_id]
    assert AWAITING_GOODS not in payable and pending[AWAITING_GOODS]["原因"]
    assert CASHBACK_UNPAID in payable  # clock-based issues never hold a payment
    assert CLEAN_PARTIAL in payable and money(payable[CLEAN_PARTIAL]["退款金额"]) == Decimal("8.43")
    sheet = openpyxl.load_workbook(demo_refunds)["待处理"]
    header = [c.value for c in sheet[1]]
    for name in REFUND_MONEY:
        cell = sheet.cell(row=2, column=header.index(name) + 1)
        assert isinstance(cell.value, int | float) and cell.number_format == MONEY_FORMAT
    assert all(row["原因"] for row in pending.values())


def test_totals_per_channel_overall_and_a_reconciliation_line(demo_refunds: Path) -> None:
    payable = table(demo_refunds, "退款表")
    values = sheet_values(demo_refunds, "退款表")
    header = values[0]
    below = values[len(payable) + 1:]
    totals = [line for line in below if isinstance(line[0], str) and line[header.index("合计")] is not None]
    by_channel: dict[str, list[dict[str, object]]] = {}
    for row in payable:
        by_channel.setdefault(str(row["退款方式"]), []).append(row)
    assert len(by_channel) >= 2
    for channel, rows in by_channel.items():
        lines = [line for line in totals if channel in str(line[0])]
        assert len(lines) == 1, (channel, totals)
        for name in REFUND_MONEY:
            assert money(lines[0][header.index(name)]) == sum((money(r[name]) for r in rows), Decimal("0"))
    overall = [line for line in totals if "总计" in str(line[0])]
    assert len(overall) == 1
    grand = sum((money(r["合计"]) for r in payable), Decimal("0"))
    assert money(overall[0][header.index("合计")]) == grand
    assert len(totals) == len(by_channel) + 1
    texts = [str(v) for line in below for v in line if isinstance(v, str)]
    reconciliation = [t for t in texts if "一致" in t]
    assert len(reconciliation) == 1
    assert "不一致" not in reconciliation[0]
    assert text_of(grand) in reconciliation[0]


def test_refunds_json(capsys: Capsys, demo_register: Path, tmp_path: Path) -> None:
    out = tmp_path / "退款表.xlsx"
    code, stdout, err = run_refunds(capsys, demo_register, out, "--json")
    assert err == ""
    data = json.loads(stdout)
    payable, pending = table(out, "退款表"), table(out, "待处理")
    assert len(data["payable"]) == len(payable) and len(data["pending"]) == len(pending)
    for item in data["payable"]:
        assert list(item) == REFUND_HEADERS
        assert item["批次号"] == "FK20261121-P01"
    for item in data["pending"]:
        assert list(item) == PENDING_HEADERS and item["原因"]
    for item in [*data["payable"], *data["pending"]]:
        for name in REFUND_MONEY:
            assert isinstance(item[name], str) and MONEY.match(item[name]), (name, item[name])
        assert ISO_DATETIME.match(item["方案时间"]), item["方案时间"]
        assert item["付款时间"] is None or ISO_DATETIME.match(item["付款时间"])
    by_id = {item["售后单号"]: item for item in data["payable"]}
    assert by_id[CLEAN_PARTIAL]["退款金额"] == "8.43"
    assert by_id[CLEAN_PARTIAL]["方案时间"].startswith("2026-11-21T11:37")
    grand = sum((money(r["合计"]) for r in payable), Decimal("0"))
    totals = {t["label"]: t for t in data["totals"]}
    overall = next(t for label, t in totals.items() if "总计" in label)
    assert overall["total"] == text_of(grand)
    assert all(MONEY.match(t[k]) for t in data["totals"] for k in ("refund", "freight", "total"))
    assert data["register_total"] == text_of(grand) and data["reconciled"] is True
    assert code == 1


# --- exit codes -------------------------------------------------------------------------------------------


def test_a_clean_register_exits_0(capsys: Capsys, clean_register: Path, tmp_path: Path) -> None:
    code, out, err = run_vouchers(capsys, clean_register, tmp_path / "v.xlsx")
    assert (code, err) == (0, "") and out.strip()
    code, out, err = run_refunds(capsys, clean_register, tmp_path / "r.xlsx")
    assert (code, err) == (0, "") and out.strip()
    assert len(table(tmp_path / "r.xlsx", "退款表")) == 1  # the return waiting for its refund
    assert len(table(tmp_path / "r.xlsx", "已付")) == 1  # the partial refund paid today


def test_errors_in_the_included_cases_exit_1(capsys: Capsys, demo_register: Path, tmp_path: Path) -> None:
    assert run_vouchers(capsys, demo_register, tmp_path / "v.xlsx")[0] == 1
    assert run_vouchers(capsys, demo_register, tmp_path / "v21.xlsx", "--date", DAY)[0] == 1
    assert run_refunds(capsys, demo_register, tmp_path / "r.xlsx")[0] == 1


def test_errors_only_in_cases_of_another_day_exit_0(capsys: Capsys, tmp_path: Path) -> None:
    rows = clean_rows()
    rows.append(moved_to_the_day_before([valid_row(case_id="SH20261120-009", order_id="123456789012300009",
                                                   buyer="b9", amount=Decimal("50.00"))], "SH20261120-009")[0])
    register = save_register(rows, tmp_path / "r.xlsx")  # the 11-20 case is over its ceiling
    assert run_vouchers(capsys, register, tmp_path / "v20.xlsx", "--date", "2026-11-20")[0] == 1
    assert run_vouchers(capsys, register, tmp_path / "v21.xlsx", "--date", DAY)[0] == 0
    assert run_refunds(capsys, register, tmp_path / "r20.xlsx", day="2026-11-20")[0] == 1
    assert run_refunds(capsys, register, tmp_path / "r21.xlsx")[0] == 0


def test_a_case_with_any_error_is_held_and_exits_1(capsys: Capsys, tmp_path: Path) -> None:
    """Every error of a case holds its payment (SPEC §14.5), a malformed order number too."""
    rows = clean_rows()
    rows[0].update(order_id="12ab", paid_at=None)
    register = save_register(rows, tmp_path / "r.xlsx")
    out = tmp_path / "refunds.xlsx"
    code, _, err = run_refunds(capsys, register, out)
    assert "Traceback" not in err
    assert "SH20261121-001" not in {row["售后单号"] for row in table(out, "退款表")}
    held = {row["售后单号"]: row for row in table(out, "待处理")}
    assert "order-id-format" in str(held["SH20261121-001"]["原因"])
    assert code == 1
    assert run_vouchers(capsys, register, tmp_path / "v.xlsx")[0] == 1


@pytest.mark.parametrize("argv", [
    ["refunds", "{register}", "-o", "{out}"],
    ["refunds", "{register}", "--date", "tomorrow", "-o", "{out}"],
    ["refunds", "{register}", "--date", "2026-13-45", "-o", "{out}"],
    ["refunds", "{register}", "--date", DAY],
    ["refunds", "--date", DAY, "-o", "{out}"],
    ["refunds", "{register}", "--date", DAY, "--now", "later", "-o", "{out}"],
    ["vouchers", "{register}"],
    ["vouchers", "{register}", "--date", "yesterday", "-o", "{out}"],
    ["vouchers", "{register}", "--now", "soon", "-o", "{out}"],
    ["vouchers", "-o", "{out}"],
    ["vouchers", "{register}", "-o", "{out}", "--bogus"],
], ids=lambda argv: " ".join(argv))
def test_bad_arguments_exit_2(capsys: Capsys, clean_register: Path, tmp_path: Path, argv: list[str]) -> None:
    out = tmp_path / "out.xlsx"
    args = [arg.format(register=clean_register, out=out) for arg in argv]
    assert_cannot_run(cli(capsys, *args))
    assert not out.exists()


@pytest.mark.parametrize("command", ["vouchers", "refunds"])
@pytest.mark.parametrize("kind", ["missing", "text", "folder"])
def test_an_unreadable_register_exits_2(capsys: Capsys, tmp_path: Path, command: str, kind: str) -> None:
    register = tmp_path / "登记表.xlsx"
    if kind == "text":
        register.write_text("售后单号,订单号\nSH1,123456789012\n", encoding="utf-8")
    elif kind == "folder":
        register.mkdir()
    out = tmp_path / "out.xlsx"
    assert_cannot_run(cli(capsys, command, str(register), "--date", DAY, "--now", NOW, "-o", str(out)))
    assert not out.exists()


@pytest.mark.parametrize("command", ["vouchers", "refunds"])
def test_an_existing_output_needs_force(capsys: Capsys, clean_register: Path, tmp_path: Path, command: str) -> None:
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"finance's file")
    args = [command, str(clean_register), "--date", DAY, "--now", NOW, "-o", str(out)]
    line = assert_cannot_run(cli(capsys, *args))
    assert "--force" in line
    assert out.read_bytes() == b"finance's file"
    code, _, err = cli(capsys, *args, "--force")
    assert (code, err) == (0, "")
    assert openpyxl.load_workbook(out).sheetnames
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".~tmp")] == []


@pytest.mark.parametrize("command", ["vouchers", "refunds"])
@pytest.mark.parametrize("force", [[], ["--force"]], ids=["plain", "force"])
def test_the_output_is_never_the_input(capsys: Capsys, clean_register: Path, command: str,
                                       force: list[str]) -> None:
    before = snapshot(clean_register)
    assert_cannot_run(cli(capsys, command, str(clean_register), "--date", DAY, "--now", NOW,
                          "-o", str(clean_register), *force))
    assert snapshot(clean_register) == before


@pytest.mark.parametrize("command", ["vouchers", "refunds"])
@pytest.mark.parametrize("exists", [True, False], ids=["existing", "new"])
def test_an_output_open_in_excel_is_not_written_even_with_force(capsys: Capsys, clean_register: Path,
                                                                tmp_path: Path, command: str, exists: bool) -> None:
    out = tmp_path / "out.xlsx"
    if exists:
        out.write_bytes(b"open in excel")
    lock = tmp_path / "~$out.xlsx"
    lock.write_bytes(b"\x05owner")
    line = assert_cannot_run(cli(capsys, command, str(clean_register), "--date", DAY, "--now", NOW,
                                 "-o", str(out), "--force"))
    assert "~$out.xlsx" in line or "Excel" in line
    assert (out.read_bytes() == b"open in excel") if exists else not out.exists()
    assert lock.read_bytes() == b"\x05owner"


@pytest.mark.parametrize("extra", [[], ["--json"]], ids=["human", "json"])
def test_the_register_is_never_modified(capsys: Capsys, demo_register: Path, tmp_path: Path,
                                        extra: list[str]) -> None:
    before = snapshot(demo_register)
    listing = sorted(p.name for p in demo_register.parent.iterdir())
    run_vouchers(capsys, demo_register, tmp_path / "v.xlsx", *extra)
    run_refunds(capsys, demo_register, tmp_path / "r.xlsx", *extra)
    assert snapshot(demo_register) == before
    assert sorted(p.name for p in demo_register.parent.iterdir()) == sorted([*listing, "v.xlsx", "r.xlsx"])


# --- posted vouchers --------------------------------------------------------------------------------------


def posted(rows: list[list[object]], case_ids: set[str]) -> list[list[object]]:
    """The 单据 rows with the team lead's 已过账 on the rows of `case_ids`."""
    status = VOUCHER_HEADERS.index("状态")
    return [[*line[:status], "已过账" if line[3] in case_ids else line[status], *line[status + 1:]]
            for line in rows]


def change(rows: list[Row], case_id: str, **values: object) -> list[Row]:
    for row in rows:
        if row.get("case_id") == case_id:
            row.update(values)
    return rows


@pytest.fixture
def first_vouchers(capsys: Capsys, demo_register: Path, tmp_path: Path) -> list[list[object]]:
    """The 单据 rows of a first run on the demo day."""
    out = tmp_path / "first.xlsx"
    run_vouchers(capsys, demo_register, out)
    return sheet_values(out, "单据")[1:]


def test_posted_vouchers_are_kept_and_a_changed_case_is_reversed(capsys: Capsys, tmp_path: Path,
                                                                 first_vouchers: list[list[object]]) -> None:
    booked = posted(first_vouchers, {CLEAN_PARTIAL, CLEAN_RESHIP, CLEAN_PAID})
    rows = change(change(demo_rows(), CLEAN_PARTIAL, amount=Decimal("7.00")), CLEAN_RESHIP, qty=2)
    register = save_register(rows, tmp_path / "changed.xlsx", vouchers=booked)
    out = tmp_path / "second.xlsx"
    run_vouchers(capsys, register, out)
    after = sheet_values(out, "单据")[1:]

    # Every posted line is still there, cell for cell.
    posted_lines = [line for line in booked if line[9] == "已过账"]
    for line in posted_lines:
        assert line in after, line
    by_number = {line[0]: dict(zip(VOUCHER_HEADERS, line, strict=True)) for line in after}
    assert len(by_number) == len(after), "单据号 are unique"

    # The changed partial refund: its FY reversed (negated, -R, 冲销单号) and a new draft for 7.00.
    reversal = by_number[f"{CLEAN_PARTIAL}-FY1-R"]
    assert money(reversal["金额"]) == Decimal("-8.43")
    assert (reversal["冲销单号"], reversal["状态"], reversal["单据类型"]) == (f"{CLEAN_PARTIAL}-FY1", "草稿", "费用单")
    drafts = [v for v in by_number.values()
              if v["售后单号"] == CLEAN_PARTIAL and v["状态"] == "草稿" and not v["冲销单号"]]
    assert [(v["单据类型"], money(v["金额"])) for v in drafts] == [("费用单", Decimal("7.00"))]
    assert drafts[0]["单据号"] != f"{CLEAN_PARTIAL}-FY1"

    # The reshipped short case now 2 pieces: CC and BC reversed with negated quantities, new drafts ±2.
    for code, old_qty in (("CC1", -1), ("BC1", 1)):
        undo = by_number[f"{CLEAN_RESHIP}-{code}-R"]
        assert undo["数量"] == -old_qty and undo["冲销单号"] == f"{CLEAN_RESHIP}-{code}"
        assert undo["状态"] == "草稿"
    new = sorted((v["单据类型"], v["数量"]) for v in by_number.values()
                 if v["售后单号"] == CLEAN_RESHIP and v["状态"] == "草稿" and not v["冲销单号"])
    assert new == [("出库单冲单", -2), ("补出库单", 2)]

    # The unchanged posted case: nothing new.
    assert [v["单据号"] for v in by_number.values() if v["售后单号"] == CLEAN_PAID] == [
        line[0] for line in posted_lines if line[3] == CLEAN_PAID]


def test_regenerating_over_posted_vouchers_without_a_change_adds_nothing(
        capsys: Capsys, tmp_path: Path, first_vouchers: list[list[object]]) -> None:
    booked = posted(first_vouchers, {CLEAN_PARTIAL, CLEAN_RESHIP})
    register = save_register(demo_rows(), tmp_path / "same.xlsx", vouchers=booked)
    out = tmp_path / "again.xlsx"
    run_vouchers(capsys, register, out)
    after = sheet_values(out, "单据")[1:]
    assert sorted(map(repr, after)) == sorted(map(repr, booked))
    assert not [line for line in after if str(line[0]).endswith("-R")]


# --- demo ---------------------------------------------------------------------------------------------------


def test_demo_writes_vouchers_and_refunds_and_prints_their_totals(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["demo", "--out", str(out)])
    printed = stdout.getvalue()
    assert code == 0 and "Traceback" not in stderr.getvalue()
    assert (out / "单据.xlsx").is_file() and (out / "退款表.xlsx").is_file()
    assert sheet_values(out / "单据.xlsx", "单据")[0] == VOUCHER_HEADERS
    assert sheet_values(out / "退款表.xlsx", "退款表")[0] == REFUND_HEADERS
    assert sheet_values(out / "退款表.xlsx", "待处理")[0] == PENDING_HEADERS

    vouchers = table(out / "单据.xlsx", "单据")
    assert len(vouchers) > 20
    expense = sum((money(v["金额"]) for v in vouchers if v["金额"] is not None), Decimal("0"))
    payable = table(out / "退款表.xlsx", "退款表")
    grand = sum((money(r["合计"]) for r in payable), Decimal("0"))
    for amount in (expense, grand):
        assert text_of(amount) in printed or f"{amount:,.2f}" in printed, (amount, printed)
    for channel in {str(r["退款方式"]) for r in payable}:
        total = sum((money(r["合计"]) for r in payable if r["退款方式"] == channel), Decimal("0"))
        assert any(channel in line and text_of(total) in line for line in printed.splitlines()), channel
    assert any("一致" in line and "不一致" not in line for line in printed.splitlines())


# --- text that looks like a formula -------------------------------------------------------------------------


def formula_rows() -> list[Row]:
    """A partial refund to pay, an exchange waiting for the goods (no voucher yet, SPEC §14.4) and a
    reship booked at once, full of formula-looking text."""
    return [
        valid_row(case_id="SH20261121-001", order_id="123456789012300001", buyer="=1+1", agent="@SUM(A1)",
                  payee_account="+8613800001234", approved_by="-负数审批", note="-负数", paid_at=None,
                  description='=HYPERLINK("http://example.com","点我")'),
        valid_row(case_id="-SH20261121-002", order_id="123456789012300002", buyer="+86 138", agent="=2*3",
                  case_type="尺码问题", resolution="换货", sku="=A1", amount=None, freight_refund=Decimal("10.00"),
                  refund_channel="原路退款", payee_account=None, paid_at=None, status="待寄回", severity=None,
                  liable_party="我方", evidence_count=1, note="=1+1"),
        valid_row(case_id="-SH20261121-003", order_id="123456789012300003", buyer="tb_3", case_type="少货漏发",
                  resolution="补发", sku="=B1", item_amount=Decimal("30.00"), amount=None, severity=None,
                  liable_party="我方", refund_channel=None, payee_account=None, paid_at=None),
    ]


REFUND_TEXTS = {"=1+1", "@SUM(A1)", "+8613800001234", "-负数审批"}
PENDING_TEXTS = {"-SH20261121-002", "+86 138", "=2*3"}
VOUCHER_TEXTS = {"=B1", "-SH20261121-003", "-SH20261121-003-CC1", "-SH20261121-003-BC1"}


@pytest.fixture
def formula_outputs(capsys: Capsys, tmp_path: Path) -> dict[str, Path]:
    register = save_register(formula_rows(), tmp_path / "formula.xlsx")
    (tmp_path / "out").mkdir()
    refunds, vouchers = tmp_path / "out" / "退款表.xlsx", tmp_path / "out" / "单据.xlsx"
    for result in (run_refunds(capsys, register, refunds), run_vouchers(capsys, register, vouchers)):
        assert result[0] in (0, 1) and "Traceback" not in result[2], result
    return {"refunds": refunds, "vouchers": vouchers}


def text_cells(path: Path, data_only: bool = False) -> dict[tuple[str, str], Any]:
    book = openpyxl.load_workbook(path, data_only=data_only)
    return {(sheet.title, cell.coordinate): cell for sheet in book.worksheets
            for line in sheet.iter_rows() for cell in line if cell.value is not None}


def test_formula_looking_text_stays_text_in_openpyxl(formula_outputs: dict[str, Path]) -> None:
    expected = {("refunds", "退款表"): REFUND_TEXTS, ("refunds", "待处理"): PENDING_TEXTS,
                ("vouchers", "单据"): VOUCHER_TEXTS}
    for (output, sheet), texts in expected.items():
        cells = text_cells(formula_outputs[output])
        assert not [c.coordinate for c in cells.values() if c.data_type == "f"], "no formula anywhere"
        for text in texts:
            found = [c for (name, _), c in cells.items() if name == sheet and c.value == text]
            assert found, (sheet, text)
            for cell in found:
                assert cell.data_type == "s", (sheet, cell.coordinate, cell.data_type)
                assert cell.quotePrefix, (sheet, cell.coordinate)  # Excel shows it as typed text


@pytest.mark.parametrize("output", ["refunds", "vouchers"])
def test_formula_looking_text_stays_text_after_libreoffice(formula_outputs: dict[str, Path], tmp_path: Path,
                                                           output: str) -> None:
    source = formula_outputs[output]
    converted = libreoffice_convert(source, tmp_path / f"lo-{output}")
    before = {key: cell.value for key, cell in text_cells(source).items() if isinstance(cell.value, str)}
    after = {key: cell.value for key, cell in text_cells(converted, data_only=True).items()}
    texts = REFUND_TEXTS | PENDING_TEXTS if output == "refunds" else VOUCHER_TEXTS
    assert texts <= set(before.values())
    for key, value in before.items():
        assert after.get(key) == value, (key, value, after.get(key))
    assert 2 not in after.values() and 6 not in after.values()
