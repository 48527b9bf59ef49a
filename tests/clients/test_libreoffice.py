"""LibreOffice Calc (headless) as an independent client of the workbooks we write (issue 3).

Freeze panes and table styles do not survive a LibreOffice round trip (shared/research/clients.md);
those are checked on our own file in tests/workbook/test_template.py, not here.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest

from aftersales.columns import BY_KEY, COLUMNS, column_letter
from aftersales.deadlines import solution_deadline
from aftersales.demo import demo_now, demo_rows
from aftersales.policy import Policy
from aftersales.validate import validate
from tests.tools import libreoffice_convert, pdf_first_page_ink
from workbook.reader import read_register
from workbook.template import (
    DAY_END_NAME,
    TABLE_NAME,
    build_register_workbook,
    deadline_formula,
    demo_register_workbook,
    overdue_formula,
)

EXCEL_EPOCH = datetime(1899, 12, 30)


def letter(key: str) -> str:
    return column_letter(COLUMNS.index(BY_KEY[key]))


def from_serial(value: float | datetime) -> datetime:
    """A computed date: LibreOffice may store it with a date format (openpyxl then gives a datetime)."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    return EXCEL_EPOCH + timedelta(seconds=round(value * 86400))


def _issues(path: Path) -> list[tuple[int | None, str | None, str]]:
    register = read_register(path)
    report = validate(register.raw, demo_now(), register.policy, register.policy_issues)
    return [(i.row, i.column, i.code) for i in report.issues]


@pytest.fixture(scope="module")
def demo_register(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("demo")
    ours = folder / "register.xlsx"
    demo_register_workbook().save(ours)
    out = folder / "lo"
    out.mkdir()
    return ours, libreoffice_convert(ours, out)


def test_demo_register_round_trips_and_checks_the_same(demo_register: tuple[Path, Path]) -> None:
    ours, theirs = demo_register
    register = read_register(theirs)
    assert register.raw.sheet == "登记表"
    assert [str(h) for h in register.raw.header[: len(COLUMNS)]] == [c.header for c in COLUMNS]
    assert len(register.raw.rows) == len(demo_rows())
    assert _issues(theirs) == _issues(ours)  # same cases, same issues, same cells


def test_table_validations_and_text_columns_survive(demo_register: tuple[Path, Path]) -> None:
    _, theirs = demo_register
    book = openpyxl.load_workbook(theirs)
    sheet = book["登记表"]
    assert TABLE_NAME in sheet.tables
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert len(lists) == sum(1 for c in COLUMNS if c.choices is not None)
    order = letter("order_id")
    assert sheet[f"{order}2"].number_format == "@"
    assert sheet[f"{order}100"].number_format == "@"  # the empty formatted rows too
    assert sheet[f"{letter('payee_account')}2"].number_format == "@"
    texts = [sheet[f"{order}{row}"].value for row in range(2, 20)]
    assert any(isinstance(v, str) and len(v) >= 18 and v.isdigit() for v in texts)  # every digit kept
    assert {"政策", "说明", "单据", "退款表", "日结"} <= set(book.sheetnames)
    assert [c.value for c in book["单据"][1]][:3] == ["单据号", "单据类型", "日期"]


ROWS = [  # (registered_at, resolution, status) of helper rows; overdue judged against LibreOffice's NOW()
    (datetime(2026, 11, 20, 18, 0), None, None),  # exactly at 下班: due the same evening
    (datetime(2026, 11, 20, 18, 1), None, None),  # one minute later: due the next evening
    (datetime(2026, 11, 20, 0, 0), None, None),  # a date-only cell
    (datetime(2099, 1, 1, 9, 0), None, None),  # not due yet
    (datetime(2020, 1, 1, 9, 0), None, "已关闭"),  # closed: never shaded
    (datetime(2020, 1, 1, 9, 0), "补发", "已完成"),  # solved: never shaded
]


@pytest.mark.parametrize(("day_end_cell", "day_end"), [(None, time(18, 0)), (time(17, 0), time(17, 0)),
                                                        ("17:30", time(17, 30))])
def test_overdue_shading_formula_computes_in_libreoffice(tmp_path: Path, day_end_cell: object,
                                                         day_end: time) -> None:
    book = build_register_workbook(
        [{"registered_at": r, "resolution": s, "status": t, "case_id": f"T{i}"} for i, (r, s, t) in enumerate(ROWS)]
    )
    book["政策"]["B2"] = day_end_cell
    sheet = book["登记表"]
    for row in range(2, 2 + len(ROWS)):  # the conditional format's own formula, in helper cells
        sheet[f"BA{row}"] = "=" + deadline_formula(row)
        sheet[f"BB{row}"] = "=" + overdue_formula(row)
    sheet["BC2"] = "=" + DAY_END_NAME
    ours = tmp_path / "helpers.xlsx"
    book.save(ours)
    out = tmp_path / "lo"
    out.mkdir()
    computed = openpyxl.load_workbook(libreoffice_convert(ours, out), data_only=True)["登记表"]

    value = computed["BC2"].value  # LibreOffice may give the name's result its time format
    minutes = value.hour * 60 + value.minute if isinstance(value, time | datetime) else round(value * 1440)
    assert minutes == day_end.hour * 60 + day_end.minute
    policy = Policy(day_end=day_end)
    now = datetime.now()
    for offset, (registered, resolution, status) in enumerate(ROWS):
        row = 2 + offset
        expected_deadline = solution_deadline(registered, policy)
        assert from_serial(computed[f"BA{row}"].value) == expected_deadline, row
        expected_overdue = resolution is None and status != "已关闭" and now > expected_deadline
        assert computed[f"BB{row}"].value is expected_overdue, row


@pytest.mark.parametrize(("kind", "ink"), [("template", 0.0002), ("demo", 0.01)])
def test_pdf_renders_a_non_blank_page(tmp_path: Path, kind: str, ink: float) -> None:
    """The blank template's first page shows its header row; the demo's a page of cases."""
    ours = tmp_path / f"{kind}.xlsx"
    (demo_register_workbook() if kind == "demo" else build_register_workbook()).save(ours)
    pdf = libreoffice_convert(ours, tmp_path, "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf_first_page_ink(pdf, tmp_path) > ink


def _near(pixel: tuple[int, int, int], colour: str, tolerance: int = 6) -> bool:
    wanted = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, wanted, strict=True))


def test_libreoffice_renders_the_colours_of_a_checked_copy(tmp_path: Path) -> None:
    """SPEC §14.7: `check -o` on the demo register; LibreOffice opens the copy and prints the issue
    colours (the first page shows 订单号, red where 19 digits were typed as a number, yellow at 15)."""
    from aftersales.sheets import ERROR_COLOUR, WARNING_COLOUR
    from tests.tools import pdf_first_page_pixels
    from workbook.cli import main

    register = tmp_path / "register.xlsx"
    demo_register_workbook().save(register)
    copy = tmp_path / "checked.xlsx"
    assert main(["check", str(register), "-o", str(copy), "--now", f"{demo_now():%Y-%m-%d %H:%M}"]) == 1
    pdf = libreoffice_convert(copy, tmp_path, "pdf")
    pixels = pdf_first_page_pixels(pdf, tmp_path)
    red = sum(1 for p in pixels if _near(p, ERROR_COLOUR))
    yellow = sum(1 for p in pixels if _near(p, WARNING_COLOUR))
    assert red > 100 and yellow > 100, (red, yellow)
    # The same register unchecked has neither colour: the colours are the check's.
    unchecked = tmp_path / "unchecked"
    unchecked.mkdir()
    untouched = pdf_first_page_pixels(libreoffice_convert(register, unchecked, "pdf"), unchecked)
    assert not any(_near(p, ERROR_COLOUR) or _near(p, WARNING_COLOUR) for p in untouched)
