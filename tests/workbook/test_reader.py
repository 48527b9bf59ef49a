"""The register reader on real .xlsx files (SPEC §2, §2.3, §6 header-missing, §7 policy-invalid).

Every workbook here is written with openpyxl; what openpyxl cannot write (error cells with a cached
value, zh-CN built-in date formats) is patched into the zip as Excel writes it.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from aftersales.columns import column_letter
from aftersales.issues import Severity
from aftersales.validate import Report, validate
from tests.domain import HEADERS, KEYS, NOW, valid_row
from tests.workbook.xlsx import (
    BUILTIN_PLACEHOLDER,
    letter_of,
    put_error_cells,
    register_book,
    rewrite_part,
    save,
    sheet_xml,
    use_builtin_formats,
    write_register,
)
from workbook import xlsx_parts
from workbook.cli import main
from workbook.reader import RegisterError, RegisterFile, read_register


def check(path: Path) -> tuple[RegisterFile, Report]:
    register = read_register(path)
    return register, validate(register.raw, NOW, register.policy, register.policy_issues)


def case_rows(report: Report) -> list[int]:
    return [result.case.row for result in report.results]


def issues(report: Report, code: str) -> list[tuple[str, int | None, str | None]]:
    """(sheet, row, column) of every issue of a code."""
    return [(i.sheet, i.row, i.column) for i in report.issues if i.code == code]


def row(n: int, **overrides: object) -> dict[str, object]:
    """A valid case with its own case id and order number (so rows do not collide)."""
    values = valid_row(case_id=f"SH20261121-{n:03d}", order_id=f"1234567890123{n:05d}", buyer=f"tb_buyer{n}")
    values.update(overrides)
    return values


def assert_positions_match_headers(path: Path, report: Report, header_row: int) -> None:
    """Every cell issue on the register names the header actually standing above its column."""
    sheet = openpyxl.load_workbook(path)[report.sheet]
    for issue in report.issues:
        if issue.sheet == report.sheet and issue.column:
            assert sheet[f"{issue.column}{header_row}"].value == issue.field, issue


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_polite(code: int, out: str, err: str) -> None:
    """A result (exit 0/1 with a report) or one line on stderr and exit 2; never a traceback."""
    assert "Traceback" not in out + err
    assert code in (0, 1, 2)
    if code == 2:
        assert len(err.strip().splitlines()) == 1, err
        assert out == ""
    else:
        assert out.strip()


# --- which sheet -------------------------------------------------------------------------------


def test_register_is_the_sheet_named_登记表_even_when_another_sheet_has_the_headers(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    old = book.active
    assert old is not None
    old.title = "上月登记表"
    write_register(old, [row(90), row(91), row(92)])
    write_register(book.create_sheet("登记表"), [row(1)])
    path = save(book, tmp_path / "book.xlsx")

    register, report = check(path)

    assert register.raw.sheet == "登记表"
    assert report.sheet == "登记表"
    assert [r.case.case_id for r in report.results] == ["SH20261121-001"]


def test_without_登记表_the_first_sheet_with_a_header_row_is_the_register(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "封面"
    cover["A1"] = "XX旗舰店 售后登记"
    cover["A3"] = "说明：每个售后一行，订单号请设为文本格式"
    write_register(book.create_sheet("Sheet2"), [row(1), row(2, order_id="12ab")])
    write_register(book.create_sheet("Sheet3"), [row(7)])
    path = save(book, tmp_path / "book.xlsx")

    register, report = check(path)

    assert register.raw.sheet == "Sheet2"
    assert case_rows(report) == [2, 3]
    assert issues(report, "order-id-format") == [("Sheet2", 3, "D")]


def test_without_登记表_a_sheet_sharing_only_some_headers_is_not_the_register(tmp_path: Path) -> None:
    """SPEC §2: the register is the first sheet whose header row holds the *required* headers.

    A finance 退款表 (SPEC §9) before it shares 订单号, 买家, 客服, … but lacks 登记时间, 售后类型, 问题描述.
    """
    book = openpyxl.Workbook()
    refunds = book.active
    assert refunds is not None
    refunds.title = "退款表"
    refunds.append(["批次号", "售后单号", "订单号", "平台", "买家", "退款方式", "收款账号", "退款金额", "退运费",
                    "合计", "类别", "客服", "审批人", "方案时间", "付款时间"])
    refunds.append(["FK20261121-01", "SH20261121-001", "123456789012300001", "淘宝", "tb_buyer1", "支付宝返现",
                    "13800001234", 12, 0, 12, "部分退款", "小王", None, datetime(2026, 11, 21, 10, 30), None])
    write_register(book.create_sheet("售后登记"), [row(1), row(2, order_id="12ab")])
    path = save(book, tmp_path / "book.xlsx")

    register, report = check(path)

    assert register.raw.sheet == "售后登记"
    assert not issues(report, "header-missing")
    assert issues(report, "order-id-format") == [("售后登记", 3, "D")]


def test_only_sheet_lacking_a_required_header_is_handled_politely(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    keys = tuple(key for key in KEYS if key != "buyer")
    path = save(register_book([row(1)], sheet="Sheet1", keys=keys), tmp_path / "no-buyer.xlsx")

    code, out, err = run_cli(capsys, "check", str(path), "--now", "2026-11-21T18:30")

    assert_polite(code, out, err)
    assert code == 2 or "header-missing" in out


# --- where the header row is ---------------------------------------------------------------------


@pytest.mark.parametrize("titles", [0, 1, 3, 10])
def test_header_row_below_up_to_ten_title_rows(tmp_path: Path, titles: int) -> None:
    texts = ["XX旗舰店 售后登记表", "日期：2026年11月21日", "填表人：小王"] + [f"备注 {n}" for n in range(7)]
    book = register_book([row(1), row(2, order_id="12ab")], titles=texts[:titles])
    path = save(book, tmp_path / "titled.xlsx")

    register, report = check(path)

    header_row = titles + 1
    assert register.raw.header_row == header_row
    assert case_rows(report) == [header_row + 1, header_row + 2]
    assert issues(report, "order-id-format") == [("登记表", header_row + 2, "D")]
    assert not issues(report, "header-missing")
    assert_positions_match_headers(path, report, header_row)


def test_header_row_at_row_12_is_not_found_on_an_unnamed_sheet(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    book = register_book([row(1)], sheet="Sheet1", titles=[f"标题 {n}" for n in range(11)])
    path = save(book, tmp_path / "deep.xlsx")

    with pytest.raises(RegisterError) as raised:
        read_register(path)
    assert "\n" not in str(raised.value)

    code, out, err = run_cli(capsys, "check", str(path), "--now", "2026-11-21T18:30")
    assert code == 2
    assert_polite(code, out, err)


def test_header_row_at_row_12_on_登记表_is_handled_politely(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    book = register_book([row(1)], titles=[f"标题 {n}" for n in range(11)])
    path = save(book, tmp_path / "deep.xlsx")

    code, out, err = run_cli(capsys, "check", str(path), "--now", "2026-11-21T18:30", "--json")

    assert_polite(code, out, err)
    if code != 2:
        result = json.loads(out)
        assert code == 1
        assert {i["code"] for i in result["issues"]} >= {"header-missing"}


def test_register_not_starting_at_a1_keeps_excel_rows_and_column_letters(tmp_path: Path) -> None:
    """Rows 1–2 and column A left empty: the header is at B3 and letters still count from A."""
    book = register_book([row(1), row(2, order_id="12ab"), row(3, amount="x")], first_row=3, first_col=2)
    path = save(book, tmp_path / "offset.xlsx")
    put_error_cells(path, {f"{letter_of('paid_amount', first_col=2)}6": "#N/A"})

    register, report = check(path)

    assert register.raw.header_row == 3
    assert case_rows(report) == [4, 5, 6]
    assert issues(report, "order-id-format") == [("登记表", 5, "E")]
    assert issues(report, "invalid-number") == [("登记表", 6, letter_of("amount", first_col=2))]
    assert issues(report, "excel-error") == [("登记表", 6, letter_of("paid_amount", first_col=2))]
    assert_positions_match_headers(path, report, 3)


# --- headers by text or key, reordered, extra columns ---------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(HEADERS, id="chinese"),
        pytest.param(KEYS, id="english-keys"),
        pytest.param([k if n % 2 else h for n, (h, k) in enumerate(zip(HEADERS, KEYS, strict=True))], id="mixed"),
    ],
)
def test_headers_by_chinese_text_or_english_key(tmp_path: Path, headers: tuple[str, ...]) -> None:
    book = register_book([row(1), row(2, order_id="12ab")], headers=headers)
    path = save(book, tmp_path / "keys.xlsx")

    _, report = check(path)

    assert not issues(report, "header-missing")
    assert case_rows(report) == [2, 3]
    first = report.results[0].case
    assert first.order_id == "123456789012300001"
    assert first.registered_at == datetime(2026, 11, 21, 10, 0)
    assert first.paid_amount == Decimal("100.00")
    assert [(i.code, i.row, i.column, i.field) for i in report.issues] == [("order-id-format", 3, "D", "订单号")]


def test_header_given_as_english_key_order_id(tmp_path: Path) -> None:
    headers = ["order_id" if key == "order_id" else header for key, header in zip(KEYS, HEADERS, strict=True)]
    book = register_book([row(1, order_id="12ab")], headers=headers)
    path = save(book, tmp_path / "order_id.xlsx")

    _, report = check(path)

    assert not issues(report, "header-missing")
    (issue,) = [i for i in report.issues if i.code == "order-id-format"]
    assert (issue.row, issue.column, issue.field, issue.value) == (2, "D", "订单号", "12ab")


def test_reordered_columns_and_user_columns_are_kept_and_ignored(tmp_path: Path) -> None:
    keys = tuple(reversed(KEYS))
    extra = {
        0: ("序号", lambda n: n + 1),  # prefilled down the sheet, far below the last case
        5: ("内部备注", lambda n: "加急" if n == 0 else None),
    }
    rows: list[dict[str, object] | None] = [row(1), row(2, order_id="12ab", qty="两件")]
    book = register_book([*rows, *([None] * 30)], keys=keys, extra=extra)
    path = save(book, tmp_path / "reordered.xlsx")
    header = [cell.value for cell in openpyxl.load_workbook(path)["登记表"][1]]

    register, report = check(path)

    assert case_rows(report) == [2, 3], "rows holding only the prefilled 序号 are not cases"
    assert "序号" in register.raw.header and "内部备注" in register.raw.header
    assert register.raw.rows[0][1][0] == 1, "the user column is kept as it is"
    order_letter = column_letter(header.index("订单号"))
    qty_letter = column_letter(header.index("数量"))
    assert issues(report, "order-id-format") == [("登记表", 3, order_letter)]
    assert issues(report, "invalid-number") == [("登记表", 3, qty_letter)]
    assert not any(i.field in ("序号", "内部备注") for i in report.issues)
    assert report.results[0].case.order_id == "123456789012300001"
    assert_positions_match_headers(path, report, 1)


# --- rows -----------------------------------------------------------------------------------------


def test_entirely_empty_rows_are_ignored_and_excel_row_numbers_kept(tmp_path: Path) -> None:
    rows = [row(1), None, None, row(2), None, None, None, row(3, order_id="12ab")]
    book = register_book(rows)
    sheet = book["登记表"]
    for column in range(1, len(KEYS) + 1):  # formatted but empty cells, as a template leaves them
        sheet.cell(row=3, column=column).number_format = "0.00"
        sheet.cell(row=7, column=column).number_format = "@"
    path = save(book, tmp_path / "gaps.xlsx")

    _, report = check(path)

    assert case_rows(report) == [2, 5, 9]
    assert issues(report, "order-id-format") == [("登记表", 9, "D")]
    assert not issues(report, "required-missing")


@pytest.mark.parametrize("table", [None, "Register"], ids=["plain-range", "table"])
@pytest.mark.parametrize("titles", [0, 2])
def test_plain_range_or_table(tmp_path: Path, table: str | None, titles: int) -> None:
    rows: list[dict[str, object] | None] = [row(1), row(2, order_id="12ab"), None, row(3), None, None]
    book = register_book(rows, table=table, titles=["售后登记表", "2026-11-21"][:titles])
    path = save(book, tmp_path / "register.xlsx")
    assert bool(openpyxl.load_workbook(path)["登记表"].tables) is bool(table)

    register, report = check(path)

    header_row = titles + 1
    assert register.raw.header_row == header_row
    assert case_rows(report) == [header_row + 1, header_row + 2, header_row + 4]
    assert issues(report, "order-id-format") == [("登记表", header_row + 2, "D")]


# --- cell values ------------------------------------------------------------------------------------


def test_excel_error_cells_are_reported_where_they_are(tmp_path: Path) -> None:
    rows: list[dict[str, object] | None] = [
        row(1, order_id="placeholder"),
        row(2, paid_amount=1),
        row(3, registered_at=1),
        None,
        {"amount": 1},  # a row holding nothing but an error cell is not empty
    ]
    path = save(register_book(rows), tmp_path / "errors.xlsx")
    order, paid, registered, amount = (letter_of(k) for k in ("order_id", "paid_amount", "registered_at", "amount"))
    # a failed VLOOKUP exactly as Excel writes it (see realworld-xlsx/calamine_errors.xlsx)
    put_error_cells(path, {f"{order}2": "#N/A"}, formula="VLOOKUP(B1,B1,B1,3)")
    put_error_cells(path, {f"{paid}3": "#VALUE!", f"{registered}4": "#DIV/0!", f"{amount}6": "#REF!"})

    _, report = check(path)

    found = {(i.row, i.column): i for i in report.issues if i.code == "excel-error"}
    assert set(found) == {(2, order), (3, paid), (4, registered), (6, amount)}
    for issue in found.values():
        assert issue.severity is Severity.ERROR
        assert issue.sheet == "登记表"
    assert "#N/A" in f"{found[(2, order)].value} {found[(2, order)].message}"
    assert "#VALUE!" in f"{found[(3, paid)].value} {found[(3, paid)].message}"
    assert "#DIV/0!" in f"{found[(4, registered)].value} {found[(4, registered)].message}"
    assert "#REF!" in f"{found[(6, amount)].value} {found[(6, amount)].message}"
    assert found[(2, order)].field == "订单号"
    assert found[(3, paid)].field == "实付金额"
    assert 6 in case_rows(report)
    assert 5 not in case_rows(report)


def test_excel_error_cells_in_a_table_below_title_rows(tmp_path: Path) -> None:
    book = register_book([row(1), row(2)], titles=["售后登记表", "2026-11-21"], table="Register")
    path = save(book, tmp_path / "table-errors.xlsx")
    put_error_cells(path, {f"{letter_of('amount')}5": "#N/A"})

    _, report = check(path)

    assert issues(report, "excel-error") == [("登记表", 5, letter_of("amount"))]


@pytest.mark.parametrize(
    ("number", "severity"),
    [(1234567890123456789, Severity.ERROR), (123456789012345, Severity.WARNING)],
    ids=["19-digits", "15-digits"],
)
def test_order_number_typed_as_a_number(tmp_path: Path, number: int, severity: Severity) -> None:
    path = save(register_book([row(1), row(2, order_id=number)]), tmp_path / "numbers.xlsx")

    _, report = check(path)

    found = [i for i in report.issues if i.code == "order-id-as-number"]
    assert [(i.row, i.column, i.field, i.severity) for i in found] == [(3, "D", "订单号", severity)]
    assert found[0].value


def test_19_digit_order_number_as_text_is_fine(tmp_path: Path) -> None:
    book = register_book([row(1, order_id="1234567890123456789")])
    book["登记表"]["D2"].number_format = "@"
    path = save(book, tmp_path / "text.xlsx")

    _, report = check(path)

    assert report.results[0].case.order_id == "1234567890123456789"
    assert not [i for i in report.issues if i.code.startswith("order-id")]


@pytest.mark.parametrize(
    "number_format",
    [
        'yyyy"年"m"月"d"日"',
        'yyyy"年"m"月"d"日" h"时"mm"分"',
        BUILTIN_PLACEHOLDER.format(id=31),  # zh-CN built-in: 2020年1月1日
        BUILTIN_PLACEHOLDER.format(id=57),  # zh-CN built-in: 2020年1月
        BUILTIN_PLACEHOLDER.format(id=58),  # zh-CN built-in: 1月1日
    ],
)
def test_zh_cn_date_cells_are_read_as_datetimes(tmp_path: Path, number_format: str) -> None:
    """Dates, not floats (openpyxl's trap); a date-only cell is 00:00 of that day."""
    book = register_book([row(1), row(2, registered_at=datetime(2026, 11, 21))])
    sheet = book["登记表"]
    registered, signed = letter_of("registered_at"), letter_of("signed_at")
    for cell in (f"{registered}2", f"{registered}3", f"{signed}2"):
        sheet[cell].number_format = number_format
    path = save(book, tmp_path / "zh-dates.xlsx")
    if number_format.startswith("builtin-"):
        use_builtin_formats(path)

    register, report = check(path)

    registered_index = KEYS.index("registered_at")
    raw_values = [cells[registered_index] for _, cells in register.raw.rows]
    assert all(isinstance(value, date) for value in raw_values), f"read as numbers: {raw_values}"
    cases = [result.case for result in report.results]
    assert cases[0].registered_at == datetime(2026, 11, 21, 10, 0)
    assert cases[0].signed_at == datetime(2026, 11, 20, 15, 0)
    assert cases[1].registered_at == datetime(2026, 11, 21, 0, 0)
    assert not [i for i in report.issues if i.severity is Severity.ERROR]


# --- 政策 ------------------------------------------------------------------------------------------


def test_policy_sheet_bad_value_is_reported_and_the_default_used(tmp_path: Path) -> None:
    book = register_book([row(1, resolution=None, resolved_at=None, status="待处理", amount=None,
                             refund_channel=None, paid_at=None)])
    policy = book.create_sheet("政策")
    policy.append(["参数", "值", "说明"])
    policy.append(["下班时间", "晚上六点", "当天方案截止时刻"])
    policy.append(["保价天数", 10, ""])
    policy.append(["换货次数上限", 2, ""])
    path = save(book, tmp_path / "policy.xlsx")
    put_error_cells(path, {"B4": "#N/A"}, sheet=2)

    register, report = check(path)

    bad = [i for i in report.issues if i.sheet == "政策"]
    assert [(i.code, i.row, i.column) for i in bad if i.row == 2] == [("policy-invalid", 2, "B")]
    assert [(i.row, i.column) for i in bad if i.row == 4] == [(4, "B")]
    assert all(i.code in ("policy-invalid", "excel-error") and i.severity is Severity.ERROR for i in bad)
    assert len(bad) == 2
    policy_issue = next(i for i in bad if i.row == 2)
    assert "18:00" in policy_issue.message, "the message says the default is used"
    assert register.policy.day_end == time(18, 0)
    assert register.policy.exchange_limit == 1
    assert register.policy.price_protect_days == 10, "the good values of the sheet still apply"
    assert report.results[0].deadline == datetime(2026, 11, 21, 18, 0)
    assert report.results[0].overdue, "the run still judged the deadline with the default day_end"


def test_policy_sheet_good_value_is_used(tmp_path: Path) -> None:
    book = register_book([row(1)])
    policy = book.create_sheet("政策")
    policy.append(["参数", "值", "说明"])
    policy.append(["day_end", "17:00", ""])
    path = save(book, tmp_path / "policy.xlsx")

    register, report = check(path)

    assert register.policy.day_end == time(17, 0)
    assert report.results[0].deadline == datetime(2026, 11, 21, 17, 0)
    assert not [i for i in report.issues if i.sheet == "政策"]


# --- missing headers, empty registers -----------------------------------------------------------------


def test_register_missing_a_required_header_reports_header_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = tuple(key for key in KEYS if key != "buyer")
    book = register_book([row(1), row(2, order_id="12ab")], keys=keys, titles=["售后登记表", ""])
    path = save(book, tmp_path / "no-buyer.xlsx")

    _, report = check(path)

    missing = [i for i in report.issues if i.code == "header-missing"]
    assert [(i.sheet, i.row, i.field, i.severity) for i in missing] == [("登记表", 3, "买家", Severity.ERROR)]
    assert case_rows(report) == [4, 5], "the rest of the register is still checked"
    assert issues(report, "order-id-format") == [("登记表", 5, letter_of("order_id", keys))]

    code, out, err = run_cli(capsys, "check", str(path), "--now", "2026-11-21T18:30")
    assert code == 1
    assert_polite(code, out, err)
    assert "header-missing" in out


def test_empty_register_headers_only_has_no_cases(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = save(register_book([]), tmp_path / "empty.xlsx")

    _, report = check(path)

    assert report.results == ()
    assert report.issues == ()
    code, _out, err = run_cli(capsys, "check", str(path), "--now", "2026-11-21T18:30")
    assert (code, err) == (0, "")


def test_empty_register_table_with_blank_rows_has_no_cases(tmp_path: Path) -> None:
    path = save(register_book([None] * 20, table="Register"), tmp_path / "blank-table.xlsx")

    _, report = check(path)

    assert report.results == ()
    assert report.issues == ()


def test_blank_登记表_sheet_is_handled_politely(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "登记表"
    path = save(book, tmp_path / "blank.xlsx")

    code, out, err = run_cli(capsys, "check", str(path), "--now", "2026-11-21T18:30", "--json")

    assert_polite(code, out, err)
    if code != 2:
        assert code == 1
        assert "header-missing" in out


# --- what other writers put in the file -----------------------------------------------------------


@pytest.mark.parametrize("dimension", [None, "A1:AF105", "A1:C2", "A1:AF1048576"],
                         ids=["no-dimension", "grown", "stale-small", "whole-sheet"])
def test_sheet_dimension_is_not_trusted(tmp_path: Path, dimension: str | None) -> None:
    """write_only openpyxl writes none, LibreOffice grows it (research/clients.md): read the cells."""
    path = save(register_book([row(1), row(2, order_id="12ab")]), tmp_path / "dimension.xlsx")
    replacement = f'<dimension ref="{dimension}"/>' if dimension else ""
    rewrite_part(path, sheet_xml(1), lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', replacement, xml))

    _, report = check(path)

    assert case_rows(report) == [2, 3]
    assert [(i.code, i.row, i.column) for i in report.issues] == [("order-id-format", 3, "D")]


def test_mac_1904_date_system(tmp_path: Path) -> None:
    book = register_book([row(1)])
    book.epoch = CALENDAR_MAC_1904
    path = save(book, tmp_path / "mac.xlsx")

    _, report = check(path)

    case = report.results[0].case
    assert (case.registered_at, case.signed_at) == (datetime(2026, 11, 21, 10, 0), datetime(2026, 11, 20, 15, 0))
    assert report.issues == ()


def test_merged_title_rows_and_padded_headers(tmp_path: Path) -> None:
    headers = [f" {header} " if n % 3 == 0 else header for n, header in enumerate(HEADERS)]
    book = register_book([row(1), row(2, order_id="12ab")], headers=headers, titles=["XX旗舰店 售后登记表", ""])
    book["登记表"].merge_cells("A1:H1")
    path = save(book, tmp_path / "merged.xlsx")

    _, report = check(path)

    assert not issues(report, "header-missing")
    assert case_rows(report) == [4, 5]
    assert issues(report, "order-id-format") == [("登记表", 5, "D")]


def _tracking_row_xml(r: int) -> str:
    def text(ref: str, value: str) -> str:
        return f'<c r="{ref}{r}" t="inlineStr"><is><t>{value}</t></is></c>'

    return (
        f'<row r="{r}">' + text("A", f"SH20261121-{r:06d}") + f'<c r="B{r}" t="n"><v>46347.5</v></c>'
        + text("D", str(123456789012000000 + r)) + text("F", f"tb_buyer{r}") + text("G", "小王")
        + text("H", "查件催件") + text("U", "买家催发货，问什么时候到") + text("V", "解释说明")
        + f'<c r="W{r}" t="e"><f>VLOOKUP(A{r},订单!A:B,2,FALSE)</f><v>#N/A</v></c></row>'
    )


@pytest.mark.parametrize("offset", [1, 14, 45, 62])
def test_excel_error_cells_in_a_large_sheet_are_all_found(tmp_path: Path, offset: int) -> None:
    """Thousands of error cells (a failed VLOOKUP filled down), one cut by the reader's read boundary.

    The sheet part is larger than the block the error scan reads at a time; a cell is placed so the
    boundary falls `offset` bytes into it.
    """
    block = xlsx_parts.CHUNK
    path = save(register_book([]), tmp_path / "large.xlsx")
    rows_written: list[int] = []

    def fill(xml: str) -> str:
        head, rest = xml.split("</row>", 1)
        data = (head + "</row>").encode()
        parts, size, r = [], len(data), 2
        while size < block + 50_000:
            part = _tracking_row_xml(r).encode()
            parts.append(part)
            size += len(part)
            rows_written.append(r)
            r += 1
        full = data + b"".join(parts)
        starts = [m.start() for m in re.finditer(rb'<c r="W\d+" t="e">', full) if m.start() <= block - offset]
        row_start = full.rfind(b"<row ", 0, starts[-1])
        full = full[:row_start] + b" " * (block - offset - starts[-1]) + full[row_start:]
        assert full[block - offset : block - offset + 5] == b"<c r="
        return full.decode() + rest

    rewrite_part(path, sheet_xml(1), fill)

    _, report = check(path)

    assert len(rows_written) > 5000
    found = [(i.row, i.column) for i in report.issues if i.code == "excel-error"]
    assert found == [(r, letter_of("amount")) for r in rows_written]
