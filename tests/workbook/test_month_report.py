"""`aftersales report`: the 月报 over a small multi-file set whose figures were worked out by hand —
three shops, two months, a daily register copied forward, a conflicting case, a file that cannot be read,
Excel's lock file; the JSON equals the workbook; LibreOffice renders every chart.

The set (period asked: November 2026; the previous period of the same length: 2 – 31 October):

| file                              | shop (from)        | 售后单号    | 登记        | 类型     | 货号  | 金额  | 客服 | 运单号      |
|-----------------------------------|--------------------|-------------|-------------|----------|-------|-------|------|-------------|
| 店A/2026-10.xlsx                  | 店A (folder)       | SH-A-001    | 10-15       | 质量问题 | YF-1  | 20.00 | 小王 |             |
|                                   |                    | SH-A-002    | 10-20       | 运输破损 | YF-1  | 12.00 | 小王 |             |
| 店A/daily/2026-11-01.xlsx         | 店A (政策 店铺)    | SH-A-101    | 11-01       | 运输破损 | YF-1  | 12.00 | 小王 | SF123456789 |
|                                   |                    | SH-A-102    | 11-01       | 质量问题 | YF-2  | 30.00 | 小王 |             |
| 店A/daily/2026-11-02.xlsx (copy)  | 店A (政策 店铺)    | SH-A-101    | 11-01       | same     |       | 12.00 |      |             |
|                                   |                    | SH-A-102    | 11-01       | same     |       | 35.00 (conflict: this copy wins)    |
|                                   |                    | SH-A-103    | 11-02       | 错货错发 | YF-2  |  5.00 | 小王 | YT8800001111 |
| 店B.xlsx                          | 店B (政策 店铺)    | SH-A-101    | 11-03       | 虚假签收 | YF-9  |  8.00 | 小李 | JDVA0001234567 |
|                                   |                    | SH-B-002    | 11-05       | 质量问题 | YF-3  | 10.00 | 小李 (solved a day late)       |
| 店C/c.xlsx                        | 店C (folder)       | SH-C-001    | 11-10       | 运输破损 | YF-1  | 15.00 | 小王 | ZTO75123456 (原路退款) |
|                                   |                    | SH-C-002    | 12-01       | 质量问题 | YF-1  |  9.00 | 小王 (after the period)        |
| 店A/broken.xlsx: not a workbook; 店A/~$2026-10.xlsx: Excel's lock file (skipped)                        |
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from aftersales.policy import DEFAULT_POLICY
from tests.domain import valid_row
from tests.tools import libreoffice_convert, pdf_pages_text
from workbook.cli import main
from workbook.template import build_register_workbook

NOW = "2026-12-02T18:30"
PERIOD = ["--from", "2026-11-01", "--to", "2026-11-30"]


def case(case_id: str, registered: str, kind: str, sku: str, amount: str, *, agent: str = "小王",
         tracking: str | None = None, late: bool = False, **extra: object) -> dict[str, object]:
    at = datetime.fromisoformat(registered)
    solved = at + (timedelta(days=1) if late else timedelta(minutes=30))
    return valid_row(
        case_id=case_id, registered_at=at, ordered_at=at - timedelta(days=4), signed_at=at - timedelta(days=1),
        case_type=kind, sku=sku, amount=Decimal(amount), agent=agent, tracking_no=tracking,
        resolved_at=solved, paid_at=solved + timedelta(minutes=30), **extra,
    )


def register(path: Path, rows: list[dict[str, object]], shop: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    build_register_workbook(rows, DEFAULT_POLICY.model_copy(update={"shop": shop})).save(path)


def make_set(root: Path) -> Path:
    october = [case("SH-A-001", "2026-10-15 10:00", "质量问题", "YF-1", "20"),
               case("SH-A-002", "2026-10-20 10:00", "运输破损", "YF-1", "12")]
    register(root / "店A" / "2026-10.xlsx", october)
    first_day = [case("SH-A-101", "2026-11-01 10:00", "运输破损", "YF-1", "12", tracking="SF123456789"),
                 case("SH-A-102", "2026-11-01 11:00", "质量问题", "YF-2", "30")]
    register(root / "店A" / "daily" / "2026-11-01.xlsx", first_day, shop="店A")
    second_day = [first_day[0], {**first_day[1], "amount": Decimal("35")},
                  case("SH-A-103", "2026-11-02 09:00", "错货错发", "YF-2", "5", tracking="YT8800001111")]
    register(root / "店A" / "daily" / "2026-11-02.xlsx", second_day, shop="店A")
    register(root / "店B.xlsx", [
        case("SH-A-101", "2026-11-03 10:00", "虚假签收", "YF-9", "8", agent="小李", tracking="JDVA0001234567", platform="京东"),
        case("SH-B-002", "2026-11-05 10:00", "质量问题", "YF-3", "10", agent="小李", late=True, platform="京东"),
    ], shop="店B")
    register(root / "店C" / "c.xlsx", [
        case("SH-C-001", "2026-11-10 10:00", "运输破损", "YF-1", "15", tracking="ZTO75123456", refund_channel="原路退款"),
        case("SH-C-002", "2026-12-01 10:00", "质量问题", "YF-1", "9"),
    ])
    (root / "店A" / "broken.xlsx").write_bytes(b"this is not a workbook")
    shutil.copy(root / "店A" / "2026-10.xlsx", root / "店A" / "~$2026-10.xlsx")
    return root


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = make_set(tmp_path_factory.mktemp("month") / "registers")
    out = root.parent / "月报.xlsx"
    capture = root.parent / "report.json"
    import contextlib
    import io
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["report", str(root), *PERIOD, "--now", NOW, "-o", str(out), "--json"])
    capture.write_text(buffer.getvalue(), encoding="utf-8")
    assert code == 1  # a file could not be read
    return out, json.loads(buffer.getvalue())


def by(rows: list[dict[str, Any]], header: str) -> dict[str, dict[str, Any]]:
    return {row[header]: row for row in rows}


def test_every_register_is_read_with_its_shop(month: tuple[Path, dict[str, Any]]) -> None:
    _, data = month
    files = {Path(f["path"]).name: (f["shop"], f["cases"]) for f in data["files"]}
    assert files == {"2026-10.xlsx": ("店A", 2), "2026-11-01.xlsx": ("店A", 2), "2026-11-02.xlsx": ("店A", 3),
                     "店B.xlsx": ("店B", 2), "c.xlsx": ("店C", 2)}
    assert data["period"] == {"from": "2026-11-01", "to": "2026-11-30",
                              "previous_from": "2026-10-02", "previous_to": "2026-10-31"}


def test_overview_counts_each_case_once(month: tuple[Path, dict[str, Any]]) -> None:
    overview = month[1]["overview"]
    assert overview["售后数"] == 6  # B's A-101, B-002, C-001
    assert overview["上期售后数"] == 2
    assert overview["重复登记（已合并）"] == 2  # of the copied-forward register
    assert overview["冲突的售后单"] == 1
    assert overview["无法读取的文件"] == 1
    assert overview["退款与补偿金额"] == "85.00"  # 12 + 35 + 5 + 8 + 10 + 15
    assert overview["当天给方案率"] == round(5 / 6, 4)
    assert overview["快递责任件"] == 3
    assert overview["可向快递索赔"] == "35.00"  # 12 + 8 + 15
    assert overview["店铺"] == "店A、店B、店C"


def test_the_copy_from_the_newest_register_wins_and_the_conflict_is_listed(month: tuple[Path, dict[str, Any]]) -> None:
    conflicts = month[1]["conflicts"]
    assert [(c["售后单号"], Path(c["文件"]).name, c["金额"], c["采用"]) for c in conflicts] == [
        ("SH-A-102", "2026-11-02.xlsx", "35.00", "是"), ("SH-A-102", "2026-11-01.xlsx", "30.00", "否")]
    assert by(month[1]["by_type"], "售后类型")["质量问题"]["金额"] == "45.00"  # 35 (the winner) + 10


def test_by_type_with_the_previous_period(month: tuple[Path, dict[str, Any]]) -> None:
    rows = by(month[1]["by_type"], "售后类型")
    assert {k: (r["售后数"], r["金额"], r["上期售后数"], r["变化"]) for k, r in rows.items()} == {
        "运输破损": (2, "27.00", 1, 1), "质量问题": (2, "45.00", 1, 1), "错货错发": (1, "5.00", 0, 1),
        "虚假签收": (1, "8.00", 0, 1)}
    assert rows["运输破损"]["占比"] == round(2 / 6, 4)
    assert rows["运输破损"]["变化率"] == 1.0 and rows["错货错发"]["变化率"] is None


def test_products_ranked_by_quality_damage_and_wrong_items(month: tuple[Path, dict[str, Any]]) -> None:
    rows = month[1]["products"]
    assert [(r["货号"], r["售后数"], r["问题件合计"], r["金额"]) for r in rows] == [
        ("YF-2", 2, 2, "40.00"), ("YF-1", 2, 2, "27.00"), ("YF-3", 1, 1, "10.00"), ("YF-9", 1, 0, "8.00")]
    assert rows[0]["主要原因"] == "错货错发 1、质量问题 1"
    assert (rows[1]["运输破损"], rows[1]["质量问题"]) == (2, 0)


def test_couriers_from_the_tracking_number_and_the_claim_list(month: tuple[Path, dict[str, Any]]) -> None:
    couriers = by(month[1]["couriers"], "快递公司")
    assert {k: (r["合计"], r["我方赔付金额"], r["索赔金额"]) for k, r in couriers.items()} == {
        "顺丰": (1, "12.00", "12.00"), "京东": (1, "8.00", "8.00"), "中通": (1, "15.00", "15.00")}
    claims = month[1]["claims"]
    assert [(c["快递公司"], c["运单号"], c["店铺"], c["售后单号"]) for c in claims] == [
        ("中通", "ZTO75123456", "店C", "SH-C-001"), ("京东", "JDVA0001234567", "店B", "SH-A-101"), ("顺丰", "SF123456789", "店A", "SH-A-101")]
    assert all("138" not in str(c["买家"]) or "****" in str(c["买家"]) for c in claims)


def test_agents_and_channels(month: tuple[Path, dict[str, Any]]) -> None:
    agents = by(month[1]["agents"], "客服")
    assert (agents["小王"]["售后数"], agents["小王"]["当天给方案"], agents["小王"]["补偿金额"]) == (4, 4, "67.00")
    assert (agents["小李"]["售后数"], agents["小李"]["当天给方案"], agents["小李"]["当天给方案率"]) == (2, 1, 0.5)
    platforms = by(month[1]["platforms"], "平台")
    assert {k: (r["售后数"], r["金额"]) for k, r in platforms.items()} == {"淘宝": (4, "67.00"), "京东": (2, "18.00")}
    channels = by(month[1]["refund_channels"], "退款方式")
    assert {k: (r["笔数"], r["金额"]) for k, r in channels.items()} == {"支付宝返现": (5, "70.00"), "原路退款": (1, "15.00")}


def test_the_unreadable_file_is_listed_and_the_lock_file_skipped(month: tuple[Path, dict[str, Any]]) -> None:
    unreadable = month[1]["unreadable"]
    assert [Path(u["文件"]).name for u in unreadable] == ["broken.xlsx"]
    assert unreadable[0]["原因"] and "\n" not in unreadable[0]["原因"]
    assert not any("~$" in f["path"] for f in month[1]["files"])


def test_different_shops_keep_the_same_case_id_apart(month: tuple[Path, dict[str, Any]]) -> None:
    claims = [(c["店铺"], c["售后单号"]) for c in month[1]["claims"]]
    assert ("店A", "SH-A-101") in claims and ("店B", "SH-A-101") in claims


def test_one_shop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_set(tmp_path / "registers")
    assert main(["report", str(root), *PERIOD, "--now", NOW, "--shop", "店B", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["overview"]["售后数"] == 2 and data["overview"]["退款与补偿金额"] == "18.00"
    assert data["overview"]["重复登记（已合并）"] == 0 and data["conflicts"] == []
    assert [f["shop"] for f in data["files"]] == ["店B"]


def test_without_a_period_it_spans_the_cases(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_set(tmp_path / "registers")
    assert main(["report", str(root / "店C"), "--now", NOW, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["period"]["from"], data["period"]["to"]) == ("2026-11-10", "2026-12-01")
    assert data["overview"]["售后数"] == 2


# --- the workbook --------------------------------------------------------------------------------------------


def sheet_tables(path: Path) -> dict[str, list[list[object]]]:
    """Every block of rows under a header row (a bold row after a title) of every sheet, by header tuple."""
    book = openpyxl.load_workbook(path)
    found: dict[str, list[list[object]]] = {}
    for sheet in book.worksheets:
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        for index, row in enumerate(rows):
            cell = sheet.cell(row=index + 1, column=2)
            if index and row[0] and row[1] and cell.font.bold and sheet.cell(row=index + 1, column=1).fill.fgColor.rgb.endswith("D9E1F2"):
                width = len([v for v in row if v is not None])
                body = []
                for line in rows[index + 1 :]:
                    if all(v is None for v in line[:width]):
                        break
                    body.append(line[:width])
                found["|".join(map(str, row[:width]))] = body
    return found


def as_json(value: object, header: str, money: bool) -> object:
    if value is None:
        return None
    if money:
        return f"{Decimal(str(value)):.2f}"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.hour == value.minute == 0 and header in ("日期", "周（周一）") else value.isoformat(timespec="seconds")
    if isinstance(value, float) and value.is_integer() and header not in ("占比", "变化率", "当天给方案率"):
        return int(value)
    return value


MONEY_HEADERS = {"金额", "我方赔付金额", "索赔金额", "补偿金额", "对应补偿上限", "退运费"}


def test_the_json_equals_the_workbook(month: tuple[Path, dict[str, Any]]) -> None:
    path, data = month
    tables = sheet_tables(path)
    for key in ("trend", "files_read", "by_type", "products", "couriers", "claims", "agents", "platforms", "refund_channels",
                "conflicts", "unreadable"):
        rows = data[key]
        assert rows, key
        headers = list(rows[0])
        body = tables["|".join(headers)]
        assert [[as_json(v, h, h in MONEY_HEADERS) for v, h in zip(line, headers, strict=True)] for line in body] == [
            list(row.values()) for row in rows], key
    overview = openpyxl.load_workbook(path)["概览"]
    shown = {overview.cell(row=r, column=1).value: overview.cell(row=r, column=2).value for r in range(3, 20)}
    for label, value in data["overview"].items():
        assert as_json(shown[label], label, label in ("退款与补偿金额", "其中退运费", "可向快递索赔")) == value, label


def test_native_charts_on_the_sheets_that_need_them(month: tuple[Path, dict[str, Any]]) -> None:
    book = openpyxl.load_workbook(month[0])
    assert book.sheetnames == ["概览", "按类型", "商品", "快递", "客服", "渠道", "冲突", "无法读取"]
    charts = {name: len(book[name]._charts) for name in book.sheetnames}
    assert charts == {"概览": 1, "按类型": 1, "商品": 1, "快递": 1, "客服": 1, "渠道": 2, "冲突": 0, "无法读取": 0}
    for name in book.sheetnames:
        setup = book[name].page_setup
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)


def test_libreoffice_renders_every_chart(month: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    pdf = libreoffice_convert(month[0], tmp_path, "pdf")
    text = "\n".join(pdf_pages_text(pdf))
    for title in ("售后数（按日）", "售后数（按类型）", "问题件合计", "快递责任件（按快递公司）", "售后数（按客服）",
                  "售后数（按平台）", "金额（按退款方式）"):
        assert title in text, title


# --- the command line ----------------------------------------------------------------------------------------


def test_own_outputs_and_the_report_itself_are_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--out", str(tmp_path / "店D")]) in (0, 1)
    capsys.readouterr()
    out = tmp_path / "店D" / "月报.xlsx"
    for _ in range(2):  # the second run finds the first run's 月报 in the folder: skipped, not read
        assert main(["report", str(tmp_path), "--now", NOW, "-o", str(out), "--force", "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert [Path(f["path"]).name for f in data["files"]] == ["售后登记表.xlsx"]
        assert data["unreadable"] == []
    assert {Path(p).name for p in data["skipped"]} >= {"单据.xlsx", "日结.xlsx", "退款表.xlsx"}


def test_a_register_named_as_output_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_set(tmp_path / "registers")
    target = root / "店B.xlsx"
    before = target.read_bytes()
    assert main(["report", str(target), "--now", NOW, "-o", str(target), "--force"]) == 2
    assert target.read_bytes() == before
    assert "aftersales:" in capsys.readouterr().err


@pytest.mark.parametrize(("arguments", "message"), [
    (["--from", "2026-13-01", "--json"], "--from 无法识别"),
    (["--from", "2026-11-30", "--to", "2026-11-01", "--json"], "晚于"),
    ([], "-o"),
])
def test_bad_arguments_are_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               arguments: list[str], message: str) -> None:
    assert main(["report", str(tmp_path), *arguments]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_progress_per_file_only_on_a_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_set(tmp_path / "registers")
    main(["report", str(root), "--now", NOW, "--json"])
    assert capsys.readouterr().err == ""
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    main(["report", str(root), "--now", NOW, "--json"])
    err = capsys.readouterr().err
    assert "（1/6）" in err and "（6/6）" in err


def test_human_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_set(tmp_path / "registers")
    assert main(["report", str(root), *PERIOD, "--now", NOW, "-o", str(tmp_path / "m.xlsx")]) == 1
    out = capsys.readouterr().out
    assert "售后 6 条（上期 2）" in out and "冲突 1 单" in out and "无法读取：" in out and "broken.xlsx" in out


def test_an_unknown_shop_names_the_shops_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_set(tmp_path / "registers")
    assert main(["report", str(root), "--now", NOW, "--shop", "店X", "--json"]) == 2
    assert "店A、店B、店C" in capsys.readouterr().err
    assert main(["report", str(root), "--now", NOW, "--shop", " 店Ｂ ", "--json"]) == 1  # full-width, spaces
    assert json.loads(capsys.readouterr().out)["shop"] == "店B"


def test_a_folder_without_workbooks_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path), "--json"]) == 2
    assert "没有找到登记表文件" in capsys.readouterr().err


def test_conflicts_and_merged_copies_are_those_of_the_period(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_set(tmp_path / "registers")
    assert main(["report", str(root), "--from", "2026-10-01", "--to", "2026-10-31", "--now", NOW, "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["overview"]["售后数"] == 2 and data["conflicts"] == []
    assert data["overview"]["重复登记（已合并）"] == 0 and data["overview"]["冲突的售后单"] == 0


def test_registers_without_a_dated_case_still_give_every_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    undated = {**case("SH-E-1", "2026-11-01 10:00", "质量问题", "YF-1", "5"), "registered_at": "明天"}
    register(tmp_path / "店E" / "e.xlsx", [undated])
    out = tmp_path / "m.xlsx"
    assert main(["report", str(tmp_path / "店E"), "--now", NOW, "-o", str(out), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["period"] is None and data["overview"]["登记时间无法识别（未计入）"] == 1
    assert openpyxl.load_workbook(out).sheetnames == ["概览", "按类型", "商品", "快递", "客服", "渠道", "冲突", "无法读取"]


def test_a_register_inside_the_folder_is_never_overwritten_even_with_force(tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = make_set(tmp_path / "registers")
    target = root / "店C" / "c.xlsx"
    before = target.read_bytes()
    assert main(["report", str(root), "--now", NOW, "-o", str(target), "--force"]) == 2
    assert target.read_bytes() == before
    assert "输入文件" in capsys.readouterr().err


@pytest.mark.parametrize(("relative", "shop"), [
    ("店A/2026-11.xlsx", "店A"),
    ("店A/11月/30日.xlsx", "店A"),  # folders named by date group a shop's registers
    ("店A/2026/第48周/x.xlsx", "店A"),
    ("店A/daily/x.xlsx", "店A"),
    ("店A/备份/x.xlsx", "店A"),
    ("旗舰店2/x.xlsx", "旗舰店2"),  # a shop's name may hold digits
])
def test_the_shop_is_the_nearest_folder_that_is_not_a_date(tmp_path: Path, relative: str, shop: str) -> None:
    from workbook.month_sources import shop_of
    assert shop_of("", tmp_path / relative) == shop
    assert shop_of(" 旗舰店 ", tmp_path / relative) == "旗舰店"


def test_a_quiet_day_copy_wins_by_its_later_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Copied forward on a day without new cases: the latest 登记时间 is the same; the copy worked on
    later (方案时间) counts, whatever the file names' order."""
    old = case("T1", "2026-11-09 10:00", "质量问题", "YF-1", "10")
    new = {**old, "amount": Decimal("20"), "resolved_at": datetime(2026, 11, 10, 9, 0),
           "paid_at": datetime(2026, 11, 10, 9, 30)}
    register(tmp_path / "店A" / "11月10日.xlsx", [new])
    register(tmp_path / "店A" / "11月9日.xlsx", [old])
    for order in ([tmp_path / "店A"], [tmp_path / "店A" / "11月9日.xlsx", tmp_path / "店A" / "11月10日.xlsx"],
                  [tmp_path / "店A" / "11月10日.xlsx", tmp_path / "店A" / "11月9日.xlsx"]):
        main(["report", *map(str, order), "--now", NOW, "--json"])
        assert json.loads(capsys.readouterr().out)["overview"]["退款与补偿金额"] == "20.00"


def test_a_case_numbered_by_the_check_between_copies_counts_once(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    first = case("", "2026-11-01 10:00", "质量问题", "YF-1", "10")
    register(tmp_path / "店A" / "11-01.xlsx", [{**first, "case_id": None}])
    register(tmp_path / "店A" / "11-02.xlsx", [{**first, "case_id": "SH20261101-001"},
                                               case("ｓｈ-2", "2026-11-02 10:00", "质量问题", "YF-1", "5")])
    register(tmp_path / "店A" / "11-03.xlsx", [case("sh-2", "2026-11-02 10:00", "质量问题", "YF-1", "5")])
    main(["report", str(tmp_path), "--now", NOW, "--json"])
    overview = json.loads(capsys.readouterr().out)["overview"]
    assert overview["售后数"] == 2 and overview["重复登记（已合并）"] == 2


def test_a_copy_that_lost_its_date_keeps_the_case_in_its_period(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    good = case("E4", "2026-11-04 10:00", "质量问题", "YF-1", "10")
    register(tmp_path / "店A" / "d1.xlsx", [good])
    register(tmp_path / "店A" / "d2.xlsx", [{**good, "registered_at": "#N/A", "amount": Decimal("12")},
                                            case("E5", "2026-11-05 10:00", "质量问题", "YF-1", "1")])
    main(["report", str(tmp_path), *PERIOD, "--now", NOW, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["overview"]["售后数"] == 2 and data["overview"]["冲突的售后单"] == 1


@pytest.mark.parametrize(("arguments", "period", "count"), [
    (["--from", "2026-12-05"], ("2026-12-05", "2026-12-05"), 0),
    (["--to", "2026-10-15"], ("2026-10-15", "2026-10-15"), 0),
    (["--from", "2026-11-03"], ("2026-11-03", "2026-11-10"), 3),
    (["--to", "2026-11-02"], ("2026-11-01", "2026-11-02"), 3),
])
def test_one_end_of_the_period(tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str],
                               period: tuple[str, str], count: int) -> None:
    root = make_set(tmp_path / "registers")
    for name in ("2026-10.xlsx", "broken.xlsx"):
        (root / "店A" / name).unlink()
    (root / "店C" / "c.xlsx").unlink()
    register(root / "店C" / "c.xlsx", [case("SH-C-001", "2026-11-10 10:00", "运输破损", "YF-1", "15")])
    main(["report", str(root), *arguments, "--now", NOW, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert (data["period"]["from"], data["period"]["to"]) == period
    assert data["overview"]["售后数"] == count


def test_a_wrong_year_does_not_stretch_the_period(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    register(tmp_path / "店A" / "x.xlsx", [case("S1", "2026-11-01 10:00", "质量问题", "YF-1", "1"),
                                           case("S2", "2062-11-02 10:00", "质量问题", "YF-1", "1")])
    main(["report", str(tmp_path), "--now", NOW, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert (data["period"]["from"], data["period"]["to"]) == ("2026-11-01", "2026-11-01")


@pytest.mark.parametrize("content", ["blank", "only-bad", "missing"])
def test_nothing_to_count_still_gives_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str) -> None:
    target = tmp_path / "in"
    if content == "blank":
        register(target / "店A" / "n.xlsx", [])
    elif content == "only-bad":
        (target / "店A").mkdir(parents=True)
        (target / "店A" / "empty.xlsx").write_bytes(b"")
    out = tmp_path / "m.xlsx"
    code = main(["report", str(target), "--now", NOW, "-o", str(out), "--json"])
    assert code == (0 if content == "blank" else 1)
    data = json.loads(capsys.readouterr().out)
    assert data["overview"]["售后数"] == 0
    assert len(openpyxl.load_workbook(out).sheetnames) == 8


def test_an_empty_output_name_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_set(tmp_path / "registers")
    assert main(["report", str(root), "--now", NOW, "-o", ""]) == 2
    assert "输出文件名为空" in capsys.readouterr().err


def test_long_and_unreadable_labels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    register(tmp_path / "店A" / "x.xlsx", [
        case("S1", "2026-11-01 10:00", "质量问题", "货" * 5000, "1", buyer="买" * 5000),
        case("S2", "2026-11-01 11:00", "破损严重", "YF-1", "1"),  # not a 售后类型: reported by the check
    ])
    main(["report", str(tmp_path), "--now", NOW, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert max(len(r["货号"]) for r in data["products"]) == 60
    assert {r["售后类型"] for r in data["by_type"]} == {"质量问题", "（无法识别）"}


def test_an_old_format_spreadsheet_in_a_folder_is_listed_with_what_to_do(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    register(tmp_path / "店A" / "x.xlsx", [case("S1", "2026-11-01 10:00", "质量问题", "YF-1", "1")])
    (tmp_path / "店A" / "旧登记表.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "店A" / "notes.txt").write_text("x")
    assert main(["report", str(tmp_path), "--now", NOW, "--json"]) == 1
    unreadable = json.loads(capsys.readouterr().out)["unreadable"]
    assert [Path(u["文件"]).name for u in unreadable] == ["旧登记表.xls"] and "另存为" in unreadable[0]["原因"]


def test_a_future_typo_in_an_old_register_does_not_make_its_copies_win(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    first = case("SH-1", "2026-11-01 10:00", "质量问题", "YF-1", "30")
    register(tmp_path / "店A" / "2026-11-02.xlsx", [first, case("SH-2", "2062-11-02 10:00", "质量问题", "YF-2", "5")])
    register(tmp_path / "店A" / "2026-11-03.xlsx", [{**first, "amount": Decimal("35")},
                                                    case("SH-2", "2026-11-02 10:00", "质量问题", "YF-2", "5"),
                                                    case("SH-3", "2026-11-03 09:00", "质量问题", "YF-2", "7")])
    main(["report", str(tmp_path), *PERIOD, "--now", NOW, "--json"])
    overview = json.loads(capsys.readouterr().out)["overview"]
    assert (overview["售后数"], overview["退款与补偿金额"]) == (3, "47.00")


def test_a_row_without_id_next_to_numbered_rows_is_valid_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blank = {**case("", "2026-11-01 10:00", "运输破损", "YF-1", "12", tracking="SF123456789"), "case_id": None}
    register(tmp_path / "店A" / "a.xlsx", [blank, case("SH-2", "2026-11-02 10:00", "运输破损", "YF-1", "12",
                                                       tracking="SF123456780")])
    main(["report", str(tmp_path), "--now", NOW, "--json"])
    text = capsys.readouterr().out
    assert "NaN" not in text
    assert sorted(c["售后单号"] for c in json.loads(text)["claims"]) == ["", "SH-2"]


def test_rows_without_id_and_date_are_not_merged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    undated = {**case("", "2026-11-01 10:00", "质量问题", "YF-1", "1"), "case_id": None, "registered_at": None}
    register(tmp_path / "店A" / "a.xlsx", [undated, dict(undated)])
    main(["report", str(tmp_path), "--now", NOW, "--json"])
    assert json.loads(capsys.readouterr().out)["overview"]["登记时间无法识别（未计入）"] == 2
