"""The `aftersales` command line (SPEC §11).

Exit codes: 0 ran and found no errors; 1 ran and found errors; 2 could not run (one line on stderr,
never a traceback).

Modules that write workbooks (and so import openpyxl) are imported by the commands that write one:
`check` starts faster without them.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

from aftersales.cells import format_money, parse_datetime
from aftersales.demo import DEMO_DAY, demo_now
from aftersales.eod import EndOfDay, end_of_day
from aftersales.issues import SEVERITY_LABEL, Issue, Severity
from aftersales.ledger import EMPTY_LEDGER, next_batch
from aftersales.present import issue_json, recommended_text, report_json, summary_line
from aftersales.refunds import RefundRow, refund_sheet
from aftersales.sheets import PENDING_HEADERS, REFUND_HEADERS, VOUCHER_HEADERS
from aftersales.validate import CaseResult, Report, validate
from aftersales.vouchers import Voucher, orphaned_vouchers, parse_voucher_rows, regenerate, vouchers_only
from workbook.files import OutputError, check_output, os_reason, render_workbook, save_workbook, write_bytes
from workbook.json_stream import Streamed, write_json
from workbook.reader import RegisterError, RegisterFile, read_register, register_ledger

EXIT_OK, EXIT_ERRORS, EXIT_CANNOT_RUN = 0, 1, 2


class UsageError(Exception):
    """Bad arguments; the message is one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _moment(text: str | None) -> datetime:
    if text is None:
        return datetime.now().replace(microsecond=0)  # the CLI is where the clock is read
    value, problem = parse_datetime(text)
    if problem or value is None:
        raise UsageError(f"--now 无法识别：{text}（应为 2026-11-21T18:30 或 2026-11-21 18:30）")
    return value


def _day(text: str, option: str = "--date") -> date:
    value, problem = parse_datetime(text)
    if problem or value is None:
        raise UsageError(f"{option} 无法识别：{text}（应为 2026-11-21）")
    return value.date()


class _Output:
    """Standard output that a closed pipe (`aftersales check … | head`) silences instead of failing."""

    closed = False


def emit(text: str) -> None:
    """One line (or block) of a command's result on standard output."""
    if _Output.closed:
        return
    try:
        print(text, flush=True)
    except BrokenPipeError:
        _pipe_closed()


def emit_json(fields: dict[str, Any]) -> None:
    """A JSON document on standard output, its `Streamed` lists written item by item."""
    if _Output.closed:
        return
    try:
        write_json(fields, sys.stdout.write)
        sys.stdout.flush()
    except BrokenPipeError:
        _pipe_closed()


def _pipe_closed() -> None:
    _Output.closed = True
    # Whatever is still buffered would fail again when Python exits: send it nowhere instead.
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _progress(message: str) -> None:
    """Progress on stderr, only for a person watching a terminal (never in pipes or logs)."""
    if sys.stderr.isatty():
        print(message, file=sys.stderr, flush=True)


def run_check(path: Path, now: datetime, sheet: str | None = None) -> Report:
    _progress(f"读取 {path} …")
    register = read_register(path, sheet)
    _progress(f"校验工作表「{register.raw.sheet}」的 {len(register.raw.rows)} 行 …")
    return validate(register.raw, now, register.policy, register.extra_issues)


def _issue_line(issue: Issue) -> str:
    where = f"{issue.column} {issue.field}" if issue.column else (issue.field or "整行")
    return f"  {where}  [{SEVERITY_LABEL[issue.severity]}] {issue.code}：{issue.message}"


def _advice(result: CaseResult | None) -> str:
    """`  推荐方案 部分退款（可选：退货退款）  补偿上限 20.00` of a listed row (SPEC §14.7)."""
    rec = result.recommendation if result else None
    if rec is None:
        return ""
    shown = recommended_text(rec) or "（缺少信息，无法推荐）"
    ceiling = format_money(rec.ceiling) if rec.ceiling is not None else "—"
    return f"  推荐方案 {shown}  补偿上限 {ceiling}"


def human_report(report: Report, path: Path) -> str:
    lines = [f"{path} · 工作表「{report.sheet}」· 当前时间 {report.now:%Y-%m-%d %H:%M}"]
    by_row = {result.case.row: result for result in report.results}
    current: tuple[str, int | None] | None = None
    for issue in report.issues:
        if (issue.sheet, issue.row) != current:
            current = (issue.sheet, issue.row)
            row = f"第 {issue.row} 行" if issue.row else "表头/工作表"
            case = f"  售后单号 {issue.case_id}" if issue.case_id else ""
            advice = _advice(by_row.get(issue.row)) if issue.sheet == report.sheet and issue.row else ""
            lines.append(f"{issue.sheet}!{row}{case}{advice}")
        lines.append(_issue_line(issue))
    lines.append(summary_line(report))
    return "\n".join(lines)


def cmd_check(args: argparse.Namespace) -> int:
    path = Path(args.register)
    now = _moment(args.now)
    if args.out is None:
        report = run_check(path, now, args.sheet)
        if args.json:
            emit_json(report_json(report, str(path), Streamed))
        else:
            emit(human_report(report, path))
        return EXIT_ERRORS if report.errors else EXIT_OK
    from workbook.checked_copy import write_checked_copy

    out = Path(args.out)
    check_output(out, force=args.force, inputs=(path,))  # fail fast, before any reading
    sheet = read_register(path, args.sheet).raw.sheet  # the input checks of every command
    _progress(f"写校验后的副本 {out} …")
    copy = write_checked_copy(path, out, now, sheet, force=args.force)
    report = run_check(copy.path, now, sheet)  # the copy, read back: what the shop will see
    if args.json:
        shown = report_json(report, str(copy.path), Streamed)
        shown["copy"] = {"path": str(copy.path), "log": copy.summary, "alerts": list(copy.alerts)}
        emit_json(shown)
    else:
        emit(human_report(report, copy.path))
        for alert in copy.alerts:
            emit(f"注意：{alert}")
        emit(f"已写入校验后的副本：{copy.path}（原文件未改动）")
    return EXIT_ERRORS if report.errors else EXIT_OK


def _money(value: Decimal | None) -> str | None:
    return format_money(value)


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def voucher_rows(register: RegisterFile, report: Report, day: date | None) -> tuple[list[Voucher], list[int]]:
    """The 单据 rows (the register's posted ones kept, drafts regenerated; with `day`, those dated that
    day, SPEC §14.4), and the Excel rows of solved cases that have no 售后单号 to number vouchers with."""
    cases = [result.case for result in report.results]
    solved = [c for c in cases if c.resolution is not None]
    # Every case is in scope: one whose 处理方案 was removed loses its drafts.
    scope = {c.case_id for c in cases if c.case_id}
    rows = vouchers_only(regenerate(cases, parse_voucher_rows(register.voucher_rows), scope,
                                    today=day or report.now.date(), ship_first=register.policy.exchange_ship_first))
    if day is not None:
        rows = [v for v in rows if v.day == day]
    return rows, [c.row for c in solved if not c.case_id]


def _errors_in(report: Report, rows: set[int]) -> int:
    return sum(1 for i in report.issues if i.severity is Severity.ERROR and i.row in rows and i.sheet == report.sheet)


def cmd_vouchers(args: argparse.Namespace) -> int:
    from workbook.outputs import voucher_workbook
    path = Path(args.register)
    check_output(Path(args.out), force=args.force, inputs=(path,))
    register = read_register(path, args.sheet)
    report = validate(register.raw, _moment(args.now), register.policy, register.extra_issues)
    rows, unnumbered = voucher_rows(register, report, _day(args.date) if args.date else None)
    save_workbook(voucher_workbook(rows), args.out, force=args.force, inputs=(path,))
    voucher_cases = {v.case_id for v in rows}
    case_rows = {r.case.row for r in report.results if r.case.case_id in voucher_cases}
    errors = _errors_in(report, case_rows)
    orphans = orphaned_vouchers([r.case for r in report.results], register.voucher_rows)
    if args.json:
        emit(json.dumps({"register": str(path), "date": args.date, "out": args.out,
                         "vouchers": [dict(zip(VOUCHER_HEADERS, map(_json_value, v.row()), strict=True)) for v in rows],
                         "cases_without_id": unnumbered, "errors": errors,
                         "issues": [issue_json(issue) for issue in orphans]}, ensure_ascii=False, indent=1))
    else:
        kinds: dict[str, int] = {}
        for voucher in rows:
            kinds[voucher.type.value] = kinds.get(voucher.type.value, 0) + 1
        money = sum((v.amount for v in rows if v.amount is not None), Decimal("0"))
        detail = "，".join(f"{name} {count}" for name, count in kinds.items()) or "无"
        emit(f"单据 {len(rows)} 行（{detail}），费用合计 {format_money(money)} 元：{args.out}")
        if unnumbered:
            emit(f"注意：第 {'、'.join(map(str, unnumbered))} 行已给方案但没有售后单号，未生成单据（先按「校验」编号）")
        for issue in orphans:
            emit(f"  单据!第 {issue.row} 行：[{SEVERITY_LABEL[issue.severity]}] {issue.code}：{issue.message}")
        if errors:
            emit(f"这些售后有 {errors} 个错误，请先用 aftersales check 查看并改正")
    return EXIT_ERRORS if errors else EXIT_OK


def cmd_refunds(args: argparse.Namespace) -> int:
    """A proposal (`FK{D}-P{nn}`) of what to pay now: the register's own 退款表 ledger is read (cases
    in it are never proposed again) and nothing is recorded (SPEC §14.5)."""
    from workbook.outputs import refund_workbook
    path = Path(args.register)
    check_output(Path(args.out), force=args.force, inputs=(path,))
    register = read_register(path, args.sheet)
    ledger = register_ledger(register)
    if ledger.problem:
        raise RegisterError(ledger.problem.replace("本次不导出", "不生成付款建议"))
    day = _day(args.date)
    report = validate(register.raw, _moment(args.now), register.policy, register.extra_issues)
    sheet = refund_sheet(report, day, next_batch(day, ledger, proposal=True), ledger)
    save_workbook(refund_workbook(sheet), args.out, force=args.force, inputs=(path,))
    included = {row.row for row in (*sheet.payable, *sheet.pending, *sheet.paid)}
    errors = _errors_in(report, included) + len(sheet.issues)
    if args.json:
        def line(row: RefundRow, headers: tuple[str, ...], with_batch: bool) -> dict[str, object]:
            return dict(zip(headers, map(_json_value, row.values(with_batch)), strict=True))

        emit(json.dumps({
            "register": str(path), "date": day.isoformat(), "batch": sheet.batch, "out": args.out,
            "payable": [line(r, REFUND_HEADERS, True) for r in sheet.payable],
            "pending": [line(r, PENDING_HEADERS, False) for r in sheet.pending],
            "paid": [line(r, REFUND_HEADERS, True) for r in sheet.paid],
            "totals": [{"label": t.label, "count": t.count, "refund": _money(t.refund), "freight": _money(t.freight),
                        "total": _money(t.total)} for t in [*sheet.by_channel, sheet.overall]],
            "register_total": _money(sheet.register_total), "reconciled": sheet.reconciled,
            "issues": [issue_json(issue) for issue in sheet.issues],
        }, ensure_ascii=False, indent=1))
    else:
        emit(f"付款建议 {day:%Y-%m-%d} 批次 {sheet.batch}：应付 {len(sheet.payable)} 条，待处理 {len(sheet.pending)} 条，"
             f"当天已付 {len(sheet.paid)} 条：{args.out}")
        for totals in [*sheet.by_channel, sheet.overall]:
            emit(f"  {totals.label}：{totals.count} 条，退款 {format_money(totals.refund)}，退运费 "
                 f"{format_money(totals.freight)}，合计 {format_money(totals.total)} 元")
        emit(sheet.reconciliation())
        for issue in sheet.issues:
            emit(f"  登记表第 {issue.row} 行 {issue.case_id or ''}：[{SEVERITY_LABEL[issue.severity]}] {issue.code}：{issue.message}")
        emit("这是付款建议，不会记入登记表：按它付款后，请在登记表中填写付款时间（付过的不会再出现在建议里）")
        if errors:
            emit(f"这些售后有 {errors} 个错误，请先用 aftersales check 查看并改正")
    return EXIT_ERRORS if errors or not sheet.reconciled else EXIT_OK


def eod_json(eod: EndOfDay, path: Path) -> dict[str, object]:
    figures = eod.model_dump(mode="json")
    figures.update(
        register=str(path), solved_pct=str(eod.solved_pct), money_out=format_money(eod.money_out),
        cashback_unpaid_sum=format_money(eod.cashback_unpaid_sum), needs_action=eod.needs_action,
        money_by_resolution=dict(figures["money_by_resolution"]), money_by_channel=dict(figures["money_by_channel"]),
        by_case_type=dict(figures["by_case_type"]),
    )
    return figures


def cmd_eod(args: argparse.Namespace) -> int:
    from workbook.eod_report import eod_workbook
    path = Path(args.register)
    check_output(Path(args.out), force=args.force, inputs=(path,))
    now = _moment(args.now)
    day = _day(args.date) if args.date else now.date()
    register = read_register(path, args.sheet)
    report = validate(register.raw, now, register.policy, register.extra_issues)
    ledger = register_ledger(register)  # what is already exported is not held as new (SPEC §14.5)
    eod = end_of_day(report, day, refund_sheet(report, day, ledger=ledger if not ledger.problem else EMPTY_LEDGER))
    save_workbook(eod_workbook(eod), args.out, force=args.force, inputs=(path,))
    if args.json:
        emit(json.dumps(eod_json(eod, path), ensure_ascii=False, indent=1))
    else:
        emit(eod_summary(eod))
        emit(f"日结报告：{args.out}")
    return EXIT_ERRORS if eod.error_count else EXIT_OK


def eod_summary(eod: EndOfDay) -> str:
    lines = [
        f"日结 {eod.day:%Y-%m-%d}（截至 {eod.now:%H:%M}）：登记 {eod.registered} 条，当天给方案 {eod.solved_same_day} 条"
        f"（{eod.solved_pct}%），今日支出 {format_money(eod.money_out)} 元",
        f"  返现 {eod.cashback_count} 笔 {format_money(eod.cashback_sum)} 元，已付 {format_money(eod.cashback_paid)}，"
        f"未付 {len(eod.cashback_unpaid)} 笔 {format_money(eod.cashback_unpaid_sum)} 元",
        f"  下班前要处理：超时未给方案 {len(eod.overdue)} 条，未返现 {len(eod.cashback_unpaid)} 笔，错误 {eod.error_count} 个",
    ]
    return "\n".join(lines)


def cmd_report(args: argparse.Namespace) -> int:
    from workbook.month_command import cmd_report as run_report  # pandas only when the 月报 runs
    return run_report(args)


def cmd_new(args: argparse.Namespace) -> int:
    from workbook.template import build_register_workbook
    target = save_workbook(build_register_workbook(), args.path, force=args.force)
    emit(f"已生成空白登记表：{target}")
    return EXIT_OK


DEMO_MANIFEST = ".aftersales-demo.json"
"""What `demo` wrote into its folder ({file: [sha256, …]}): only those files may be overwritten."""
DEMO_FILES = ("售后登记表.xlsx", "check.json", "check.txt", "单据.xlsx", "退款表.xlsx", "日结.xlsx")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _demo_manifest(folder: Path) -> dict[str, list[str]]:
    try:
        found = json.loads((folder / DEMO_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {str(k): [str(h) for h in v] for k, v in found.items() if isinstance(v, list)}


def _check_demo_targets(folder: Path, manifest: dict[str, list[str]], force: bool) -> None:
    """Every file demo will write, checked before any is written: none open in Excel, none but a
    regular file, and without --force none that demo did not write itself (a user's 售后登记表.xlsx)."""
    foreign = []
    for name in DEMO_FILES:
        target = folder / name
        check_output(target, force=True)
        if force or not target.exists():
            continue
        try:
            ours = _digest(target.read_bytes()) in manifest.get(name, [])
        except OSError as error:
            raise OutputError(f"无法读取 {target}：{error.strerror or error}") from None
        if not ours:
            foreign.append(name)
    if foreign:
        raise OutputError(
            f"{folder} 里已有这些文件，不是示例写的（或已被改过），不覆盖：{'、'.join(foreign)}。"
            "请换一个 --out 文件夹，或加 --force 覆盖"
        )


def _write_demo(folder: Path, files: dict[str, bytes], manifest: dict[str, list[str]]) -> None:
    """Write the demo's files, each recorded in the manifest before it is written (a run killed half
    way still knows its own files)."""
    for name, data in files.items():
        manifest[name] = [*manifest.get(name, [])[-3:], _digest(data)]
        write_bytes(json.dumps(manifest, ensure_ascii=False, indent=1).encode(), folder / DEMO_MANIFEST, force=True)
        write_bytes(data, folder / name, force=True)
        manifest[name] = [_digest(data)]
    write_bytes(json.dumps(manifest, ensure_ascii=False, indent=1).encode(), folder / DEMO_MANIFEST, force=True)


def cmd_demo(args: argparse.Namespace) -> int:
    """The whole day: register → check → vouchers → refund sheet → end-of-day report, all in --out."""
    from workbook.eod_report import eod_workbook
    from workbook.outputs import refund_workbook, voucher_workbook
    from workbook.template import demo_register_workbook

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out 应是文件夹：{out}")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"无法创建文件夹 {out}：{os_reason(error)}") from None
    manifest = _demo_manifest(out)
    _check_demo_targets(out, manifest, args.force)
    day = _day(args.date) if args.date else DEMO_DAY
    now = demo_now(day)
    files: dict[str, bytes] = {}
    _progress("1/5 生成示例登记表 …")
    files["售后登记表.xlsx"] = render_workbook(demo_register_workbook(day))
    register = out / "售后登记表.xlsx"
    _progress("2/5 校验 …")
    with tempfile.TemporaryDirectory(prefix="aftersales-demo-") as scratch:
        draft = Path(scratch) / "售后登记表.xlsx"
        draft.write_bytes(files["售后登记表.xlsx"])
        register_file = read_register(draft)
    report = validate(register_file.raw, now, register_file.policy, register_file.extra_issues)
    files["check.json"] = json.dumps(report_json(report, str(register)), ensure_ascii=False, indent=1).encode()
    files["check.txt"] = (human_report(report, register) + "\n").encode()
    _progress("3/5 生成单据 …")
    vouchers, _ = voucher_rows(register_file, report, day)
    files["单据.xlsx"] = render_workbook(voucher_workbook(vouchers))
    _progress("4/5 退款表 …")
    refunds = refund_sheet(report, day, next_batch(day, EMPTY_LEDGER, proposal=True))
    files["退款表.xlsx"] = render_workbook(refund_workbook(refunds))
    _progress("5/5 日结 …")
    eod = end_of_day(report, day, refunds)
    files["日结.xlsx"] = render_workbook(eod_workbook(eod))
    _write_demo(out, files, manifest)

    counts: dict[str, int] = {}
    for issue in report.issues:
        counts[issue.code] = counts.get(issue.code, 0) + 1
    expense = sum((v.amount for v in vouchers if v.amount is not None), Decimal("0"))
    emit(f"示例的一天 {day:%Y-%m-%d}，{len(report.results)} 条售后，校验时间 {now:%H:%M}，文件在 {out}/")
    emit(f"  校验：{summary_line(report)}（check.txt、check.json）")
    emit("    " + "，".join(f"{code} {count}" for code, count in sorted(counts.items(), key=lambda i: -i[1])))
    emit(f"  单据：{len(vouchers)} 行，费用单/空退单 {format_money(expense)} 元（单据.xlsx）")
    emit(f"  退款表：应付 {len(refunds.payable)} 条 {format_money(refunds.overall.total)} 元"
          f"（{'，'.join(f'{t.label[3:-1]} {format_money(t.total)}' for t in refunds.by_channel)}），"
          f"待处理 {len(refunds.pending)} 条；{refunds.reconciliation()}（退款表.xlsx）")
    emit("  " + eod_summary(eod).replace("\n", "\n  ") + "（日结.xlsx）")
    return EXIT_OK


SHEET_HELP = "要校验的登记表工作表（默认「登记表」，否则第一个有登记表表头的工作表）"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="aftersales", description="售后登记表：校验、推荐方案与补偿上限、当天方案提醒")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    demo = commands.add_parser("demo", help="生成一天的示例登记表并校验")
    demo.add_argument("--out", default="aftersales-demo", help="输出文件夹（默认 ./aftersales-demo）")
    demo.add_argument("--date", help="示例日期（默认 2026-11-21）")
    demo.add_argument("--force", action="store_true", help="覆盖文件夹里不是示例写的同名文件")
    demo.set_defaults(run=cmd_demo)

    new = commands.add_parser("new", help="生成空白登记表")
    new.add_argument("path")
    new.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    new.set_defaults(run=cmd_new)

    # The three commands that write a workbook share their arguments (SPEC §11).
    for name, help_text, date_help, date_required, run_command in (
        ("vouchers", "生成单据（出库单冲单、补出库单、退货单、费用单、空退单转费用单）",
         "只要这一天给出方案的售后（默认全部）", False, cmd_vouchers),
        ("refunds", "财务退款/返现表（退款表 + 待处理）", "方案日期，如 2026-11-21", True, cmd_refunds),
        ("eod", "日结报告：未当天给方案、返现、支出、各客服、快递跟进、错误", "日期（默认为 --now 的日期）", False, cmd_eod),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("register")
        command.add_argument("--date", required=date_required, help=date_help)
        command.add_argument("--now", help="判断超时用的当前时间（默认现在）")
        command.add_argument("-o", "--out", required=True, help="输出的 .xlsx")
        command.add_argument("--json", action="store_true", help="输出 JSON")
        command.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
        command.add_argument("--sheet", help=SHEET_HELP)
        command.set_defaults(run=run_command)

    report = commands.add_parser("report", help="月报：多个登记表（多个店铺、多天）汇总：类型、商品、快递、客服、渠道、冲突")
    report.add_argument("paths", nargs="+", metavar="PATH", help="登记表文件或文件夹（文件夹里的 .xlsx/.xlsm 都读）")
    report.add_argument("--from", dest="start", help="起始日期（按登记时间，含当天；默认最早的登记时间）")
    report.add_argument("--to", dest="end", help="结束日期（含当天；默认最晚的登记时间）")
    report.add_argument("--shop", help="只看这个店铺（政策表的「店铺」，未填时为文件所在文件夹的名字）")
    report.add_argument("--now", help="判断超时用的当前时间（默认现在）")
    report.add_argument("-o", "--out", help="输出的月报 .xlsx")
    report.add_argument("--json", action="store_true", help="输出 JSON（与月报工作簿相同的数字）")
    report.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
    report.set_defaults(run=cmd_report)

    check = commands.add_parser("check", help="校验登记表：推荐方案、补偿上限、截止时间、所有问题")
    check.add_argument("register")
    check.add_argument("--now", help="判断超时用的当前时间（默认现在）")
    check.add_argument("--json", action="store_true", help="输出 JSON")
    check.add_argument("--sheet", help=SHEET_HELP)
    check.add_argument("-o", "--out", help="另存一份校验后的副本（.xlsx）：写上推荐方案、补偿上限、截止时间、校验，标出问题单元格")
    check.add_argument("--force", action="store_true", help="覆盖已存在的副本")
    check.set_defaults(run=cmd_check)
    return parser


def run() -> None:
    """The `aftersales` console script: one command, then the process ends, so the cyclic GC
    (whose passes over a 100,000-row heap cost seconds, and which finds no cycles) stays off."""
    gc.disable()
    sys.exit(main())


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        code: int = args.run(args)
        return code
    except (UsageError, RegisterError, OutputError) as error:
        _complain(str(error))
        return EXIT_CANNOT_RUN
    except KeyboardInterrupt:
        _complain("已中断")
        return EXIT_CANNOT_RUN
    except BrokenPipeError:  # the reader of our output went away: nothing left to say
        _Output.closed = True
        return EXIT_CANNOT_RUN
    except (SystemExit, GeneratorExit):
        raise
    except BaseException as error:  # a bug (or a Rust panic): still one line and exit 2, never a traceback
        _complain(f"内部错误（{type(error).__name__}: {error}）")
        return EXIT_CANNOT_RUN


def _complain(message: str) -> None:
    """The one line on standard error (a closed standard error is no reason to fail)."""
    with contextlib.suppress(OSError, ValueError):
        print(f"aftersales: {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":  # pragma: no cover
    run()
