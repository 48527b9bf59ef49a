"""The `aftersales` command line (SPEC §11).

Exit codes: 0 ran and found no errors; 1 ran and found errors; 2 could not run (one line on stderr,
never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

from aftersales.cells import parse_datetime
from aftersales.demo import DEMO_DAY, demo_now, demo_rows
from aftersales.issues import SEVERITY_LABEL, Issue
from aftersales.present import report_json, summary_line
from aftersales.validate import Report, validate
from workbook.files import OutputError, save_workbook, write_text
from workbook.reader import RegisterError, read_register
from workbook.template import build_register_workbook

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


def _day(text: str) -> date:
    value, problem = parse_datetime(text)
    if problem or value is None:
        raise UsageError(f"--date 无法识别：{text}（应为 2026-11-21）")
    return value.date()


def _progress(message: str) -> None:
    """Progress on stderr, only for a person watching a terminal (never in pipes or logs)."""
    if sys.stderr.isatty():
        print(message, file=sys.stderr, flush=True)


def run_check(path: Path, now: datetime) -> Report:
    _progress(f"读取 {path} …")
    register = read_register(path)
    _progress(f"校验工作表「{register.raw.sheet}」的 {len(register.raw.rows)} 行 …")
    return validate(register.raw, now, register.policy, register.policy_issues)


def _issue_line(issue: Issue) -> str:
    where = f"{issue.column} {issue.field}" if issue.column else (issue.field or "整行")
    return f"  {where}  [{SEVERITY_LABEL[issue.severity]}] {issue.code}：{issue.message}"


def human_report(report: Report, path: Path) -> str:
    lines = [f"{path} · 工作表「{report.sheet}」· 当前时间 {report.now:%Y-%m-%d %H:%M}"]
    current: tuple[str, int | None] | None = None
    for issue in report.issues:
        if (issue.sheet, issue.row) != current:
            current = (issue.sheet, issue.row)
            row = f"第 {issue.row} 行" if issue.row else "表头/工作表"
            case = f"  售后单号 {issue.case_id}" if issue.case_id else ""
            lines.append(f"{issue.sheet}!{row}{case}")
        lines.append(_issue_line(issue))
    lines.append(summary_line(report))
    return "\n".join(lines)


def cmd_check(args: argparse.Namespace) -> int:
    path = Path(args.register)
    report = run_check(path, _moment(args.now))
    if args.json:
        print(json.dumps(report_json(report, str(path)), ensure_ascii=False, indent=1))
    else:
        print(human_report(report, path))
    return EXIT_ERRORS if report.errors else EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    target = save_workbook(build_register_workbook(), args.path, force=args.force)
    print(f"已生成空白登记表：{target}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out 应是文件夹：{out}")
    out.mkdir(parents=True, exist_ok=True)
    day = _day(args.date) if args.date else DEMO_DAY
    now = demo_now(day)
    register = save_workbook(build_register_workbook(demo_rows(day)), out / "售后登记表.xlsx", force=True)
    report = run_check(register, now)
    write_text(json.dumps(report_json(report, str(register)), ensure_ascii=False, indent=1),
               out / "check.json", force=True)
    write_text(human_report(report, register) + "\n", out / "check.txt", force=True)
    counts: dict[str, int] = {}
    for issue in report.issues:
        counts[issue.code] = counts.get(issue.code, 0) + 1
    print(f"示例登记表（{day:%Y-%m-%d}，{len(report.results)} 条售后）：{register}")
    print(f"校验时间 {now:%Y-%m-%d %H:%M}，结果：{out / 'check.txt'}、{out / 'check.json'}")
    for code, count in sorted(counts.items(), key=lambda item: -item[1]):
        print(f"  {code:28} {count}")
    print(summary_line(report))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="aftersales", description="售后登记表：校验、推荐方案与补偿上限、当天方案提醒")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    demo = commands.add_parser("demo", help="生成一天的示例登记表并校验")
    demo.add_argument("--out", default="aftersales-demo", help="输出文件夹（默认 ./aftersales-demo）")
    demo.add_argument("--date", help="示例日期（默认 2026-11-21）")
    demo.set_defaults(run=cmd_demo)

    new = commands.add_parser("new", help="生成空白登记表")
    new.add_argument("path")
    new.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    new.set_defaults(run=cmd_new)

    check = commands.add_parser("check", help="校验登记表：推荐方案、补偿上限、截止时间、所有问题")
    check.add_argument("register")
    check.add_argument("--now", help="判断超时用的当前时间（默认现在）")
    check.add_argument("--json", action="store_true", help="输出 JSON")
    check.set_defaults(run=cmd_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        code: int = args.run(args)
        return code
    except (UsageError, RegisterError, OutputError) as error:
        print(f"aftersales: {error}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    except KeyboardInterrupt:
        print("aftersales: 已中断", file=sys.stderr)
        return EXIT_CANNOT_RUN
    except Exception as error:  # a bug: still one line and exit 2, never a traceback
        print(f"aftersales: 内部错误（{type(error).__name__}: {error}）", file=sys.stderr)
        return EXIT_CANNOT_RUN


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
