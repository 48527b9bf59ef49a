"""`aftersales report PATH... [--from D] [--to D] [--shop NAME] -o OUT.xlsx [--json]`: the 月报 over many
registers (issue 16). pandas is imported here, only when the command runs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from aftersales.cells import format_money
from aftersales.taxonomy import normalise_text
from analysis.figures import MonthReport, month_report
from analysis.frame import case_frame, deduplicate
from workbook.cli import EXIT_ERRORS, EXIT_OK, UsageError, _day, _json_value, _moment, _progress, emit, emit_json
from workbook.files import check_output, save_workbook
from workbook.month_sources import Sources, inputs_among, read_sources
from workbook.month_workbook import month_workbook


def month_json(report: MonthReport, skipped: list[str]) -> dict[str, Any]:
    """The same figures as the workbook: each table as a list of rows keyed by the sheet's headers."""
    period = report.period
    document: dict[str, Any] = {
        "period": None if period is None else {
            "from": period.start.isoformat(), "to": period.end.isoformat(),
            "previous_from": period.previous().start.isoformat(), "previous_to": period.previous().end.isoformat(),
        },
        "shop": report.shop,
        "files": [{"path": f.path, "shop": f.shop, "sheets": list(f.sheets), "cases": f.cases} for f in report.files],
        "skipped": skipped,
    }
    for sheet in report.sheets:
        if sheet.figures:
            document["overview"] = {label: _json_value(value) for label, value in sheet.figures}
        for table in sheet.tables:
            document[table.key] = [{h: _json_value(v) for h, v in row.items()} for row in table.records()]
    return document


def summary(report: MonthReport) -> list[str]:
    overview: dict[str, Any] = next((dict(s.figures) for s in report.sheets if s.figures), {})
    lines = [f"月报 {report.period.text() if report.period else '（没有登记时间可用的售后）'}"
             f"{' · ' + report.shop if report.shop else ''}：读入 {len(report.files)} 个登记表文件"]
    if overview:
        same_day = overview["当天给方案率"]
        lines.append(f"  售后 {overview['售后数']} 条（上期 {overview['上期售后数']}），当天给方案率 "
                     f"{'—' if same_day is None else f'{same_day:.1%}'}，退款与补偿 {format_money(overview['退款与补偿金额'])} 元，"
                     f"可向快递索赔 {format_money(overview['可向快递索赔'])} 元")
        lines.append(f"  重复登记已合并 {overview['重复登记（已合并）']} 条，冲突 {overview['冲突的售后单']} 单，"
                     f"无法读取 {overview['无法读取的文件']} 个文件")
        if overview["登记时间无法识别（未计入）"]:
            lines.append(f"  登记时间无法识别、未计入 {overview['登记时间无法识别（未计入）']} 条（见 check 的错误）")
    unreadable = next((t for s in report.sheets for t in s.tables if t.key == "unreadable"), None)
    for path, reason in (unreadable.rows if unreadable else []):
        lines.append(f"  无法读取：{path}：{reason}")
    return lines


def _shop(wanted: str, sources: Sources) -> str:
    """The shop named by --shop, as the files name it (trimmed, full-width folded, any case)."""
    shops = sorted({f.shop for f in sources.files})
    key = normalise_text(wanted).casefold()
    found = next((shop for shop in shops if normalise_text(shop).casefold() == key), None)
    if found is None:
        raise UsageError(f"没有店铺「{wanted.strip()}」：读到的店铺有 {'、'.join(shops) or '（无）'}")
    return found


def cmd_report(args: argparse.Namespace) -> int:
    if args.out is None and not args.json:
        raise UsageError("请用 -o 指定月报文件（.xlsx），或用 --json 只输出 JSON")
    paths = [Path(p) for p in args.paths]
    out = Path(args.out) if args.out is not None else None  # -o "" is refused by check_output
    if out is not None:  # never over a register it reads, even with --force (an old 月报 may be replaced)
        check_output(out, force=args.force, inputs=inputs_among(paths))
    start = _day(args.start, "--from") if args.start else None
    end = _day(args.end, "--to") if args.end else None
    if start and end and start > end:
        raise UsageError(f"--from {start} 晚于 --to {end}")
    now = _moment(args.now)
    sources = read_sources(paths, now, exclude=(out,) if out else (), progress=_progress)
    if not sources.files and not sources.problems:
        raise UsageError(f"没有找到登记表文件（.xlsx / .xlsm）：{'、'.join(map(str, paths))}")
    shop = _shop(args.shop, sources) if args.shop is not None else None
    _progress(f"汇总 {len(sources.records)} 行 …")
    found = deduplicate(case_frame(sources.records))
    report = month_report(found, sources.files, sources.problems, start=start, end=end, shop=shop, now=now)
    if out is not None:
        save_workbook(month_workbook(report), out, force=args.force, inputs=tuple(Path(f.path) for f in report.files))
    if args.json:
        emit_json(month_json(report, sources.skipped))
    else:
        for line in summary(report):
            emit(line)
        if sources.skipped:
            emit(f"  跳过本工具生成的报表 {len(sources.skipped)} 个（单据、退款表、日结、月报）")
        if out is not None:
            emit(f"月报：{out}")
    return EXIT_ERRORS if sources.problems else EXIT_OK
