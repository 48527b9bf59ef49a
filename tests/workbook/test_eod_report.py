"""`aftersales eod`: the standalone 日结 workbook — figures, charts with the right series, row numbers,
JSON equal to the workbook, and LibreOffice as an independent client (charts survive, page not blank)."""

from __future__ import annotations

import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.tools import libreoffice_convert, pdf_first_page_ink
from workbook.cli import main
from workbook.template import demo_register_workbook

NOW = "2026-11-21T18:30"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:  # type: ignore[type-arg]
    folder = tmp_path_factory.mktemp("eod")
    register = folder / "register.xlsx"
    demo_register_workbook().save(register)
    out = folder / "eod.xlsx"
    assert main(["eod", str(register), "--now", NOW, "-o", str(out)]) == 1  # the demo day has errors
    return out, {}


def figures_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    register = tmp_path / "register.xlsx"
    demo_register_workbook().save(register)
    main(["eod", str(register), "--now", NOW, "--date", "2026-11-21", "-o", str(tmp_path / "e.xlsx"), "--json"])
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def headline(path: Path) -> dict[str, tuple[object, ...]]:
    sheet = openpyxl.load_workbook(path)["日结"]
    return {row[0]: row[1:3] for row in sheet.iter_rows(min_row=2, max_row=10, values_only=True)}


def test_headline_figures_at_the_top(report: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    path, _ = report
    sheet = openpyxl.load_workbook(path)["日结"]
    assert str(sheet["A1"].value).startswith("日结 2026-11-21")
    top = headline(path)
    assert top["需要下班前处理"][0] > 0
    assert top["今日登记"][0] == 61
    assert top["当天给方案"] == (59, "96.7%")
    assert top["超时未给方案"][0] == 2


def test_json_figures_equal_the_workbook(report, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    path, _ = report
    data = figures_json(tmp_path, capsys)
    top = headline(path)
    assert data["registered"] == top["今日登记"][0]
    assert data["solved_same_day"] == top["当天给方案"][0] and data["solved_pct"] + "%" == top["当天给方案"][1]
    assert len(data["overdue"]) == top["超时未给方案"][0]
    assert data["cashback_count"] == top["今日应返现"][0]
    assert data["cashback_sum"] == f"{top['今日应返现'][1]:.2f}"
    assert data["cashback_unpaid_sum"] == f"{top['未返现'][1]:.2f}"
    assert data["money_out"] == f"{top['今日支出（含等待退货的退款）'][1]:.2f}"
    assert data["needs_action"] == top["需要下班前处理"][0]
    assert all(re.fullmatch(r"-?\d+\.\d{2}", v) for v in data["money_by_resolution"].values())


def test_listed_cases_show_their_id_and_register_row(report: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    path, _ = report
    rows = list(openpyxl.load_workbook(path)["日结"].iter_rows(values_only=True))
    start = rows.index(("超时未给方案（2）", None, None, None, None, None))
    assert rows[start + 1][:2] == ("售后单号", "行")
    listed = rows[start + 2 : start + 4]
    assert [(r[0], r[1]) for r in listed] == [("SH20261121-007", 8), ("SH20261121-023", 24)]
    register = openpyxl.load_workbook(path.parent / "register.xlsx")["登记表"]
    assert [register[f"A{r[1]}"].value for r in listed] == ["SH20261121-007", "SH20261121-023"]


def test_two_native_bar_charts_with_the_right_series(report: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    path, _ = report
    with zipfile.ZipFile(path) as archive:
        charts = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        xml = [archive.read(name).decode() for name in charts]
    assert len(charts) == 2 and all(re.search(r"<(c:)?barChart>", x) for x in xml)
    rows = list(openpyxl.load_workbook(path)["日结"].iter_rows(values_only=True))
    types_header = rows.index(("售后类型", "条数", None, None, None, None)) + 1
    assert f"'日结'!$B${types_header + 1}:$B${types_header + 16}" in xml[0]
    assert f"'日结'!$A${types_header + 1}:$A${types_header + 16}" in xml[0]


def test_what_needs_action_is_emphasised(report: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    path, _ = report
    sheet = openpyxl.load_workbook(path)["日结"]
    assert sheet["A2"].fill.fgColor.rgb.endswith("FFC7CE")
    rules = [rule for cf in sheet.conditional_formatting for rule in cf.rules]
    assert rules and rules[0].operator == "greaterThan"


def test_report_opens_in_libreoffice_keeps_its_charts_and_prints(report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, _ = report
    converted = libreoffice_convert(path, tmp_path)
    with zipfile.ZipFile(converted) as archive:
        assert len([n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]) == 2
    assert openpyxl.load_workbook(converted)["日结"]["A1"].value.startswith("日结")
    pdf = libreoffice_convert(path, tmp_path, "pdf")
    assert pdf_first_page_ink(pdf, tmp_path) > 0.005


def test_eod_date_defaults_to_the_date_of_now(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    register = tmp_path / "register.xlsx"
    demo_register_workbook().save(register)
    main(["eod", str(register), "--now", NOW, "-o", str(tmp_path / "e.xlsx"), "--json"])
    assert json.loads(capsys.readouterr().out)["day"] == "2026-11-21"
    assert main(["eod", str(register), "--now", NOW, "-o", str(tmp_path / "e.xlsx")]) == 2  # exists, no --force
    assert main(["eod", str(register), "-o", str(register), "--force"]) == 2  # never the input


def test_demo_runs_the_whole_day(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for name in ("售后登记表.xlsx", "check.json", "check.txt", "单据.xlsx", "退款表.xlsx", "日结.xlsx"):
        assert (tmp_path / name).exists(), name
    for words in ("校验", "单据", "退款表", "日结", "下班前要处理", "一致"):
        assert words in out


def test_demo_shows_progress_only_on_a_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    main(["demo", "--out", str(tmp_path / "a")])
    assert capsys.readouterr().err == ""
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    main(["demo", "--out", str(tmp_path / "b")])
    err = capsys.readouterr().err
    assert "1/5" in err and "5/5 日结" in err


def test_every_cell_of_every_alarm_row_is_filled_and_keeps_its_format(tmp_path: Path) -> None:
    from aftersales.eod import Grid
    from workbook.eod_report import render

    grid = Grid(
        rows=[["标题"], ["需要下班前处理", 3], [], ["第 5 行", 2, Decimal("12.50"), None, "x", "y"], ["第 6 行", 1]],
        headings=[1], alarms=[2, 4], charts=[],
    )
    book = openpyxl.Workbook()
    render(book.active, grid)  # type: ignore[arg-type]
    book.save(tmp_path / "e.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "e.xlsx").active
    assert sheet is not None
    filled = {(cell.row, cell.column) for row in sheet.iter_rows(max_col=7) for cell in row
              if cell.fill.fgColor.rgb.endswith("FFC7CE")}
    assert filled == {(row, column) for row in (2, 4) for column in range(1, 7)}
    assert sheet["C4"].number_format == "¥#,##0.00" and sheet["C4"].value == 12.5


def test_the_eod_command_reads_the_ledger_like_the_refund_button(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A case exported by the 退款表 button, then cleared and renumbered: 日结 holds it as a possible double
    payment, as the refund sheet does (SPEC §14.5, §14.6)."""
    from tests.workbook.test_five_days import at, press_refund_button, save_rows, scenario

    register = tmp_path / "r.xlsx"
    rows: dict[str, dict[str, object]] = {}
    scenario(0, rows)
    save_rows(register, rows)
    press_refund_button(register, at(0, 17))
    rows["P1"]["case_id"] = "P1-new"
    save_rows(register, rows)
    assert main(["eod", str(register), "--now", f"{at(0, 18):%Y-%m-%d %H:%M}", "-o", str(tmp_path / "e.xlsx"),
                 "--json"]) in (0, 1)
    held = json.loads(capsys.readouterr().out)["held_refunds"]
    assert any(line["case_id"] == "P1-new" and "possible-double-payment" in line["detail"] for line in held)
