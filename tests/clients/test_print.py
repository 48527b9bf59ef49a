"""Print proof (SPEC §14.5, §14.6): the demo's output workbooks printed by LibreOffice to PDF.

One page wide means every column's header is on the same page as the first: a page that shows 批次号
but not 付款时间 is a sheet cut in two. IDs and accounts must print whole. The PNGs of the first pages
are kept in the test's folder to look at (see tests/tools.py)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import openpyxl
import pytest

from aftersales.sheets import REFUND_HEADERS, VOUCHER_HEADERS
from tests.tools import libreoffice_convert, pdf_first_page_ink, pdf_pages_text
from workbook.cli import main


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[str]]]:
    folder = tmp_path_factory.mktemp("print")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["demo", "--out", str(folder / "demo")]) == 0
    found = {}
    for name in ("退款表", "单据", "日结"):
        pdf = libreoffice_convert(folder / "demo" / f"{name}.xlsx", folder / name, "pdf")
        found[name] = (pdf, pdf_pages_text(pdf))
    return found


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_refund_sheet_prints_one_page_wide_with_ids_accounts_and_sign_off(
        printed: dict[str, tuple[Path, list[str]]], tmp_path: Path) -> None:
    pdf, pages = printed["退款表"]
    book = openpyxl.load_workbook(pdf.parents[1] / "demo" / "退款表.xlsx")
    payable = [row for row in book["退款表"].iter_rows(min_row=2, values_only=True) if row[0]]
    payable = [row for row in payable if str(row[0]).startswith("FK")]
    assert 3 <= len(pages) <= 6, len(pages)  # 退款表, 待处理, 已付: a page or so each, never a column per page
    first = squeezed(pages[0])
    assert all(header in first for header in REFUND_HEADERS), "every column on the first page"
    for page in pages:
        if "批次号" in page:
            assert "付款时间" in page, "a page with the first column also has the last"
    for row in payable:
        order_id, account = row[REFUND_HEADERS.index("订单号")], row[REFUND_HEADERS.index("收款账号")]
        assert str(order_id) in first, order_id  # all 18–20 digits
        if account:
            assert squeezed(str(account)) in first, account
    assert all(label in first for label in ("制表：", "审核：", "付款流水号：", "日期："))
    assert pdf_first_page_ink(pdf, tmp_path) > 0.005


def test_the_voucher_sheet_prints_one_page_wide_with_whole_numbers_and_a_total(
        printed: dict[str, tuple[Path, list[str]]]) -> None:
    pdf, pages = printed["单据"]
    book = openpyxl.load_workbook(pdf.parents[1] / "demo" / "单据.xlsx")
    numbers = [row[0] for row in book["单据"].iter_rows(min_row=2, values_only=True) if row[0] and "-" in str(row[0])]
    text = squeezed("".join(pages))
    assert all(header in squeezed(pages[0]) for header in VOUCHER_HEADERS)
    for page in pages:
        if "单据号" in page:
            assert "冲销单号" in page
    assert all(str(number) in text for number in numbers)  # SH20261121-003-TH1, never cut
    assert "合计" in text


def test_the_end_of_day_report_prints_one_page_wide_one_line_per_case(
        printed: dict[str, tuple[Path, list[str]]]) -> None:
    pdf, pages = printed["日结"]
    book = openpyxl.load_workbook(pdf.parents[1] / "demo" / "日结.xlsx")
    listed = [row for row in book.active.iter_rows(values_only=True)
              if row[0] and re.fullmatch(r"SH\d{8}-\d{3}", str(row[0])) and len(row) > 5 and row[5]]
    assert listed
    lines = [line for page in pages for line in page.splitlines()]
    for case_id, register_row, *_rest, detail in (row[:6] for row in listed[:20]):
        holding = [line for line in lines if case_id in line and str(register_row) in line]
        assert holding, case_id
        assert any(squeezed(str(detail))[:12] in squeezed(line) for line in holding), (case_id, detail)
    assert "需要下班前处理" in "".join(pages)
    assert len(pages) <= 6
