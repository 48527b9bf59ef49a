"""The 生成单据 and 退款表 buttons on xlwings' remote engine (the engine inside xlwings Lite), SPEC
§8, §9, §12: a real register .xlsx becomes the payload Office.js sends, the script runs, and its
actions are applied like Excel would, so the next press sees what the last one wrote.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from addin.scripts import build_refund_sheet, generate_vouchers, validate_register
from aftersales.demo import demo_now, demo_rows
from tests.addin.payload import Excel, payload_from_xlsx
from workbook.template import build_register_workbook, demo_register_workbook

NOW = demo_now()  # 2026-11-21 18:30, the workbook's =NOW()
REGISTER, VOUCHERS, REFUNDS, PENDING, LOG = "登记表", "单据", "退款表", "待处理", "操作记录"
VOUCHER_HEADERS = ["单据号", "单据类型", "日期", "售后单号", "订单号", "货号", "数量", "金额", "摘要", "状态", "冲销单号"]
REFUND_HEADERS = [
    "批次号", "售后单号", "订单号", "平台", "买家", "退款方式", "收款账号", "退款金额", "退运费", "合计", "类别",
    "客服", "审批人", "方案时间", "付款时间",
]
PENDING_HEADERS = [*REFUND_HEADERS[1:], "原因"]
STATUS = VOUCHER_HEADERS.index("状态")

# Cases of the demo day (aftersales.demo, seeded).
CLEAN_PARTIAL = "SH20261121-011"  # 运输破损 + 部分退款 8.43, 原路退款, paid: payable, FY1
CLEAN_RESHIP = "SH20261121-022"  # 少货漏发 + 补发: CC1, BC1
WAITING_RETURN = "SH20261121-034"  # 七天无理由 + 退货退款 393.84, 待寄回: not payable yet
OVER_CEILING = "SH20261121-003"  # held by over-ceiling
NO_ACCOUNT = "SH20261121-012"  # held by cashback-account-missing
BATCH_1, BATCH_2 = "FK20261121-01", "FK20261121-02"

Actions = list[dict[str, Any]]


@pytest.fixture()
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "register.xlsx"
    demo_register_workbook().save(path)
    return path


def excel_for(path: Path) -> Excel:
    return Excel(payload_from_xlsx(path, clock=NOW), clock=NOW)


def position(excel: Excel, name: str) -> int:
    return next(i for i, sheet in enumerate(excel.payload["sheets"]) if sheet["name"] == name)


def writes_to(excel: Excel, actions: Actions, name: str) -> Actions:
    index = position(excel, name)
    return [a for a in actions if a["sheet_position"] == index and a["func"] in ("setValues", "setFormula")]


def rows_of(excel: Excel, name: str) -> list[list[Any]]:
    """The sheet's non-blank rows (header first), trailing blanks trimmed."""
    found = []
    for line in excel.sheet_named(name)["values"]:
        if any(v not in (None, "") for v in line):
            cells = list(line)
            while cells and cells[-1] in (None, ""):
                cells.pop()
            found.append(cells)
    return found


def records(excel: Excel, name: str, headers: list[str]) -> list[dict[str, Any]]:
    lines = rows_of(excel, name)
    assert lines and lines[0][: len(headers)] == headers, lines[:1]
    return [dict(zip(headers, [*line, *[""] * len(headers)], strict=False)) for line in lines[1:]]


def log_lines(excel: Excel) -> list[list[Any]]:
    return [line for line in excel.sheet_named(LOG)["values"][1:] if line and line[0]]


def register_set(excel: Excel, case_id: str, header: str, value: object) -> None:
    """Type into the register cell of a case (what a person does between two presses)."""
    values = excel.sheet_named(REGISTER)["values"]
    column = values[0].index(header)
    rows = [line for line in values[1:] if line[0] == case_id]
    assert len(rows) == 1, case_id
    rows[0][column] = value


def post(excel: Excel, case_ids: set[str]) -> list[int]:
    """The team lead posts the vouchers of these cases (状态 → 已过账); returns their sheet rows."""
    values = excel.sheet_named(VOUCHERS)["values"]
    case_column = VOUCHER_HEADERS.index("售后单号")
    indexes = [i for i, line in enumerate(values) if i and line[case_column] in case_ids]
    for i in indexes:
        values[i][STATUS] = "已过账"
    return indexes


def money(value: object) -> Decimal:
    assert isinstance(value, int | float) and not isinstance(value, bool), value
    return Decimal(str(value)).quantize(Decimal("0.01"))


# --- 生成单据 ----------------------------------------------------------------------------------------------


def test_generate_vouchers_writes_the_voucher_sheet(demo: Path) -> None:
    excel = excel_for(demo)
    excel.run(validate_register)
    actions = excel.run(generate_vouchers)
    assert writes_to(excel, actions, VOUCHERS)
    vouchers = records(excel, VOUCHERS, VOUCHER_HEADERS)
    assert rows_of(excel, VOUCHERS)[0] == VOUCHER_HEADERS
    assert len(vouchers) > 20
    assert {v["状态"] for v in vouchers} == {"草稿"}
    by_number = {v["单据号"]: v for v in vouchers}
    assert len(by_number) == len(vouchers)
    fy = by_number[f"{CLEAN_PARTIAL}-FY1"]
    assert (fy["单据类型"], money(fy["金额"]), fy["售后单号"]) == ("费用单", Decimal("8.43"), CLEAN_PARTIAL)
    assert by_number[f"{CLEAN_RESHIP}-CC1"]["数量"] == -1 and by_number[f"{CLEAN_RESHIP}-BC1"]["数量"] == 1
    # The case whose 售后单号 was blank got one from 校验, and with it its vouchers.
    numbered = excel.sheet_named(REGISTER)["values"][41][0]
    assert numbered and any(v["售后单号"] == numbered for v in vouchers)
    assert "生成单据" in [line[1] for line in log_lines(excel)]


def test_pressing_generate_vouchers_again_writes_nothing_to_the_sheet(demo: Path) -> None:
    excel = excel_for(demo)
    excel.run(validate_register)
    excel.run(generate_vouchers)
    sheet = copy.deepcopy(excel.sheet_named(VOUCHERS)["values"])
    actions = excel.run(generate_vouchers)
    assert writes_to(excel, actions, VOUCHERS) == []
    assert excel.sheet_named(VOUCHERS)["values"] == sheet
    assert not [a for a in actions if a["func"] == "addSheet"]


@pytest.fixture()
def posted_then_changed(demo: Path) -> tuple[Excel, dict[int, list[Any]], Actions]:
    """Vouchers generated, the team lead posts two cases' rows, one of them changes (金额 8.43 → 7.00),
    生成单据 pressed again. Returns Excel, the posted rows by sheet index, and the last actions."""
    excel = excel_for(demo)
    excel.run(validate_register)
    excel.run(generate_vouchers)
    indexes = post(excel, {CLEAN_PARTIAL, CLEAN_RESHIP})
    assert len(indexes) == 3  # FY1; CC1, BC1
    values = excel.sheet_named(VOUCHERS)["values"]
    posted = {i: list(values[i]) for i in indexes}
    register_set(excel, CLEAN_PARTIAL, "金额", 7.0)
    actions = excel.run(generate_vouchers)
    return excel, posted, actions


def test_posted_rows_keep_their_contents_and_a_changed_case_is_reversed(
        posted_then_changed: tuple[Excel, dict[int, list[Any]], Actions]) -> None:
    excel, posted, _ = posted_then_changed
    lines = rows_of(excel, VOUCHERS)[1:]
    width = len(VOUCHER_HEADERS)
    padded = [[*line, *[""] * width][:width] for line in lines]
    for line in posted.values():
        assert [*line, *[""] * width][:width] in padded, line
    vouchers = records(excel, VOUCHERS, VOUCHER_HEADERS)
    by_number = {v["单据号"]: v for v in vouchers}
    assert len(by_number) == len(vouchers), "单据号 are unique"

    reversal = by_number[f"{CLEAN_PARTIAL}-FY1-R"]
    assert money(reversal["金额"]) == Decimal("-8.43")
    assert reversal["冲销单号"] == f"{CLEAN_PARTIAL}-FY1"
    assert (reversal["单据类型"], reversal["状态"], reversal["售后单号"]) == ("费用单", "草稿", CLEAN_PARTIAL)
    drafts = [v for v in vouchers if v["售后单号"] == CLEAN_PARTIAL and v["状态"] == "草稿" and not v["冲销单号"]]
    assert [(v["单据类型"], money(v["金额"])) for v in drafts] == [("费用单", Decimal("7.00"))]
    assert drafts[0]["单据号"] != f"{CLEAN_PARTIAL}-FY1"
    # The other posted case did not change: no reversal, no second set of vouchers.
    assert sorted(v["单据号"] for v in vouchers if v["售后单号"] == CLEAN_RESHIP) == [
        f"{CLEAN_RESHIP}-BC1", f"{CLEAN_RESHIP}-CC1"]
    log = log_lines(excel)[-1]
    assert log[1] == "生成单据" and "内部错误" not in log[2]


def test_posted_rows_stay_in_their_cells(posted_then_changed: tuple[Excel, dict[int, list[Any]], Actions]) -> None:
    """Posted vouchers are never changed: the Excel rows the team lead posted hold exactly what they held."""
    excel, posted, _ = posted_then_changed
    values = excel.sheet_named(VOUCHERS)["values"]
    for index, line in posted.items():
        assert values[index][: len(line)] == line, (index + 1, values[index], line)


def test_pressing_again_after_a_reversal_leaves_the_sheet_identical(
        posted_then_changed: tuple[Excel, dict[int, list[Any]], Actions]) -> None:
    excel, _, _ = posted_then_changed
    sheet = copy.deepcopy(excel.sheet_named(VOUCHERS)["values"])
    actions = excel.run(generate_vouchers)
    assert excel.sheet_named(VOUCHERS)["values"] == sheet
    assert writes_to(excel, actions, VOUCHERS) == []
    assert len([v for v in records(excel, VOUCHERS, VOUCHER_HEADERS) if str(v["单据号"]).endswith("-R")]) == 1


# --- 退款表 ------------------------------------------------------------------------------------------------


def refund_ids(excel: Excel) -> list[str]:
    return [r["售后单号"] for r in records(excel, REFUNDS, REFUND_HEADERS)]


def test_first_press_appends_batch_01_and_fills_待处理(demo: Path) -> None:
    excel = excel_for(demo)
    excel.run(validate_register)
    excel.run(build_refund_sheet)
    payable = records(excel, REFUNDS, REFUND_HEADERS)
    assert len(payable) >= 10
    assert {r["批次号"] for r in payable} == {BATCH_1}  # the date of the workbook's clock
    by_id = {r["售后单号"]: r for r in payable}
    assert money(by_id[CLEAN_PARTIAL]["退款金额"]) == Decimal("8.43")
    assert money(by_id[CLEAN_PARTIAL]["合计"]) == Decimal("8.43")
    pending = records(excel, PENDING, PENDING_HEADERS)
    assert rows_of(excel, PENDING)[0] == PENDING_HEADERS
    held = {r["售后单号"]: r for r in pending}
    for case_id, code in ((OVER_CEILING, "over-ceiling"), (NO_ACCOUNT, "cashback-account-missing")):
        assert case_id not in by_id and code in str(held[case_id]["原因"])
    assert WAITING_RETURN in held and WAITING_RETURN not in by_id
    assert all(r["原因"] for r in pending)
    log = log_lines(excel)[-1]
    assert log[1] == "退款表" and BATCH_1 in log[2] and "一致" in log[2] and "不一致" not in log[2]


def test_second_press_appends_nothing(demo: Path) -> None:
    excel = excel_for(demo)
    excel.run(validate_register)
    excel.run(build_refund_sheet)
    ledger = copy.deepcopy(excel.sheet_named(REFUNDS)["values"])
    excel.run(build_refund_sheet)
    assert excel.sheet_named(REFUNDS)["values"] == ledger
    assert "没有新的" in log_lines(excel)[-1][2]
    assert not excel.alerts


def test_second_press_appends_nothing_even_for_a_case_without_售后单号(demo: Path) -> None:
    """Without 校验 first, the demo's case with a blank 售后单号 is on the day's sheet: it must not be
    paid again on the next press (no case paid twice)."""
    excel = excel_for(demo)
    excel.run(build_refund_sheet)
    ledger = copy.deepcopy(excel.sheet_named(REFUNDS)["values"])
    excel.run(build_refund_sheet)
    assert excel.sheet_named(REFUNDS)["values"] == ledger
    assert "没有新的" in log_lines(excel)[-1][2]


def test_a_case_that_becomes_payable_goes_into_the_next_batch_alone(demo: Path) -> None:
    excel = excel_for(demo)
    excel.run(validate_register)
    excel.run(build_refund_sheet)
    first = rows_of(excel, REFUNDS)
    register_set(excel, WAITING_RETURN, "状态", "待退款")  # the goods came back
    excel.run(build_refund_sheet)
    after = rows_of(excel, REFUNDS)
    assert after[: len(first)] == first, "the ledger is append-only"
    new = [dict(zip(REFUND_HEADERS, line, strict=False)) for line in after[len(first):]]
    assert [(r["批次号"], r["售后单号"]) for r in new] == [(BATCH_2, WAITING_RETURN)]
    assert money(new[0]["退款金额"]) == Decimal("393.84")
    assert WAITING_RETURN not in {r["售后单号"] for r in records(excel, PENDING, PENDING_HEADERS)}
    assert BATCH_2 in log_lines(excel)[-1][2]


def test_an_exported_case_whose_amount_changed_is_an_error_not_a_second_payment(demo: Path) -> None:
    excel = excel_for(demo)
    excel.run(validate_register)
    excel.run(build_refund_sheet)
    ledger = copy.deepcopy(excel.sheet_named(REFUNDS)["values"])
    register_set(excel, CLEAN_PARTIAL, "金额", 7.0)
    excel.run(build_refund_sheet)
    assert excel.alerts and CLEAN_PARTIAL in excel.alerts[-1]
    log = log_lines(excel)[-1][2]
    assert "错误" in log and CLEAN_PARTIAL in log
    assert excel.sheet_named(REFUNDS)["values"] == ledger
    assert refund_ids(excel).count(CLEAN_PARTIAL) == 1


def test_text_that_looks_like_a_formula_is_written_as_text(demo: Path) -> None:
    excel = excel_for(demo)
    excel.run(validate_register)
    register_set(excel, CLEAN_PARTIAL, "买家", "=1+1")
    register_set(excel, CLEAN_RESHIP, "货号", "@SUM(A1)")
    refund_actions = excel.run(build_refund_sheet)
    voucher_actions = excel.run(generate_vouchers)
    refund_cells = [v for a in writes_to(excel, refund_actions, REFUNDS) for line in a["values"] for v in line]
    assert "'=1+1" in refund_cells  # Excel's text marker: the buyer stays a name
    assert "=1+1" not in refund_cells
    voucher_cells = [v for a in writes_to(excel, voucher_actions, VOUCHERS) for line in a["values"] for v in line]
    assert "'@SUM(A1)" in voucher_cells and "@SUM(A1)" not in voucher_cells
    assert not [a for a in [*refund_actions, *voucher_actions] if a["func"] == "setFormula"
                and a["sheet_position"] in (position(excel, REFUNDS), position(excel, VOUCHERS))]


# --- bulk: the number of sheet calls does not depend on the rows ---------------------------------------------


def _register_of(rows: int, path: Path) -> Path:
    """`rows` cases cycling through the demo day, each its own 售后单号, order and buyer."""
    day = demo_rows()

    def row(i: int) -> dict[str, object]:
        base = dict(day[i % len(day)])
        base["case_id"] = f"SH20261121-{i + 1:05d}"
        base["order_id"] = f"{100000000000000000 + i}"
        base["buyer"] = f"买家{i}"
        return base

    build_register_workbook(row(i) for i in range(rows)).save(path)
    return path


@pytest.fixture(scope="module")
def registers(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("bulk")
    return _register_of(62, folder / "small.xlsx"), _register_of(2000, folder / "large.xlsx")


@pytest.mark.parametrize("script", [generate_vouchers, build_refund_sheet], ids=["生成单据", "退款表"])
def test_sheet_calls_do_not_grow_with_the_number_of_rows(registers: tuple[Path, Path], script: Any) -> None:
    small_path, large_path = registers
    small_excel, large_excel = excel_for(small_path), excel_for(large_path)
    small, large = small_excel.run(script), large_excel.run(script)
    assert [a["func"] for a in large] == [a["func"] for a in small]
    assert len(large) == len(small) <= 20
    # and the work was really done on the large register
    name = VOUCHERS if script is generate_vouchers else REFUNDS
    assert len(rows_of(large_excel, name)) > 10 * len(rows_of(small_excel, name)) // 2
    # pressing again stays bounded too
    assert len(large_excel.run(script)) == len(small_excel.run(script))


def test_a_column_the_team_lead_adds_to_单据_is_left_alone(demo: Path) -> None:
    excel = excel_for(demo)
    excel.run(validate_register)
    excel.run(generate_vouchers)
    values = [line for line in excel.sheet_named("单据")["values"] if line[0]]  # header and voucher lines
    extra = len(VOUCHER_HEADERS)
    for index, line in enumerate(values):
        line.extend([""] * (extra + 1 - len(line)))
        line[extra] = "过账人" if index == 0 else f"老周{index}"
    post(excel, {CLEAN_PARTIAL})
    register_set(excel, CLEAN_PARTIAL, "金额", 5)
    excel.run(generate_vouchers)
    after = excel.sheet_named("单据")["values"]
    assert [line[extra] for line in after[: len(values)]] == ["过账人", *(f"老周{i}" for i in range(1, len(values)))]


def test_the_button_books_a_return_when_its_goods_arrive(demo: Path) -> None:
    """SPEC §14.4 through the 生成单据 button: no 退货单 while 待寄回; dated by 收货时间 once back."""
    excel = excel_for(demo)
    excel.run(generate_vouchers)
    assert not [r for r in records(excel, VOUCHERS, VOUCHER_HEADERS) if r["售后单号"] == WAITING_RETURN]
    register_set(excel, WAITING_RETURN, "状态", "待退款")
    register_set(excel, WAITING_RETURN, "收货时间", "2026-11-20T16:00:00.000Z")
    register_set(excel, WAITING_RETURN, "实收数量", 1)
    excel.run(generate_vouchers)
    (booked,) = [r for r in records(excel, VOUCHERS, VOUCHER_HEADERS) if r["售后单号"] == WAITING_RETURN]
    assert booked["单据类型"] == "退货单" and str(booked["日期"]).startswith("2026-11-20")
