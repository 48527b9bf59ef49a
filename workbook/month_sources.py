"""The registers behind a 月报: files and folders named on the command line, each register sheet read
and checked with the same engine as `check`, its rows kept as case records and its report dropped."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from aftersales.gcpause import gc_paused
from aftersales.locate import has_register_header, register_from_rows
from aftersales.policy import DEFAULT_POLICY, parse_policy
from aftersales.sheets import EOD_SHEET, PAID_SHEET, PENDING_SHEET, POLICY_SHEET, REFUND_SHEET, VOUCHER_SHEET
from aftersales.validate import validate
from analysis.figures import SourceFile
from analysis.records import CaseRecords
from workbook.files import TEMP_PREFIX
from workbook.package import SAVE_AS_XLSX, RegisterError, open_package
from workbook.reader import WorkbookReader

SUFFIXES = (".xlsx", ".xlsm")
OLD_FORMATS = (".xls", ".et", ".ods")
"""Spreadsheets in a folder that may be registers but cannot be read: listed, with what to do."""
MONTH_SHEETS = ("概览", "按类型", "商品", "快递", "客服", "渠道", "冲突", "无法读取")
OUTPUT_SHEETS = frozenset({VOUCHER_SHEET, REFUND_SHEET, PENDING_SHEET, PAID_SHEET, EOD_SHEET, *MONTH_SHEETS})
"""Sheets of this tool's own outputs: a workbook holding only these is an output, not a register."""


@dataclass
class Sources:
    records: CaseRecords = field(default_factory=CaseRecords)
    files: list[SourceFile] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    """(file, one-line reason) of every file not read."""
    skipped: list[str] = field(default_factory=list)
    """This tool's own outputs found among the files (单据, 退款表, 日结, 月报): not registers, not problems."""


def _skipped(path: Path) -> bool:
    """Excel's lock files (~$name.xlsx), macOS's resource files (._name.xlsx) and this tool's
    half-written temporaries."""
    return path.name.startswith(("~$", "._", TEMP_PREFIX))


def register_files(paths: Iterable[Path], exclude: Sequence[Path] = ()) -> tuple[list[Path], list[tuple[str, str]]]:
    """The workbooks named, and those under the folders named (recursively), each once, in path order;
    and the names that are neither."""
    found: dict[Path, None] = {}
    problems: list[tuple[str, str]] = []
    left_out = {os.path.realpath(p) for p in exclude}
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES + OLD_FORMATS and p.is_file())
            for p in inside:
                if _skipped(p) or os.path.realpath(p) in left_out:
                    continue
                if p.suffix.lower() in OLD_FORMATS:
                    problems.append((str(p), f"不是 .xlsx 格式：{SAVE_AS_XLSX}"))
                else:
                    found[p] = None
        elif path.exists() or path.is_symlink():
            if os.path.realpath(path) not in left_out:
                found[path] = None
        else:
            problems.append((str(path), "文件或文件夹不存在"))
    unique: dict[str, Path] = {}
    for path in found:
        unique.setdefault(os.path.realpath(path), path)
    return list(unique.values()), problems


def is_own_output(path: Path) -> bool:
    """A workbook holding only this tool's output sheets (a 月报 from an earlier run, 单据, 日结 …)."""
    try:
        return set(open_package(path).sheet_names) <= OUTPUT_SHEETS
    except (RegisterError, OSError):
        return False


def inputs_among(paths: Iterable[Path]) -> tuple[Path, ...]:
    """The workbooks the report would read that are not this tool's own outputs: none may be written."""
    files, _ = register_files(paths)
    return tuple(path for path in files if not is_own_output(path))


DATE_LIKE = re.compile(r"[\d\s._\-/年月日号周第季度期qQwW]*")
"""A folder named like a date or a period (11月, 2026-11, 30日, 第1周): it groups a shop's registers."""
GROUPING = frozenset({"daily", "weekly", "monthly", "backup", "archive", "old", "备份", "归档", "日报", "每日", "旧"})
"""Other folder names that group registers rather than name a shop."""


def shop_of(policy_shop: str, path: Path) -> str:
    """The 政策 sheet's 店铺 when set, else the nearest folder whose name is not a date or a grouping word
    (店A/11月/30日.xlsx → 店A), else the file's own folder."""
    if policy_shop.strip():
        return policy_shop.strip()
    folders = path.resolve().parents
    for folder in folders:
        name = folder.name
        if name and not DATE_LIKE.fullmatch(name) and name.casefold() not in GROUPING:
            return name
    return folders[0].name or "（未命名店铺）"


def read_sources(paths: Iterable[Path], now: datetime, *, exclude: Sequence[Path] = (),
                 progress: Callable[[str], None] = lambda _: None) -> Sources:
    files, problems = register_files(paths, exclude)
    sources = Sources(problems=problems)
    for order, path in enumerate(files):
        progress(f"读取 {path}（{order + 1}/{len(files)}）…")
        try:
            read_one(path, order, now, sources)
        except RegisterError as error:
            reason = str(error).removesuffix(f"：{path}")  # the file is named beside it
            sources.problems.append((str(path), reason))
        except OSError as error:
            sources.problems.append((str(path), f"无法读取：{error.strerror or error}"))
    return sources


def read_one(path: Path, order: int, now: datetime, sources: Sources) -> None:
    """Every sheet of the workbook with the register's header row, checked, its rows kept as records."""
    with gc_paused():
        reader = WorkbookReader(path)
        names = reader.sheet_names
        if set(names) <= OUTPUT_SHEETS:
            sources.skipped.append(str(path))
            return
        sheets = [name for name in names if has_register_header(reader.head(name))]
        if not sheets:
            raise RegisterError("没有登记表：没有哪个工作表的前 11 行有登记表的表头（如 登记时间、订单号、买家）")
        policy = DEFAULT_POLICY
        if POLICY_SHEET in names:
            policy, _ = parse_policy(reader.rows(POLICY_SHEET))  # a bad 政策 cell falls back, as in check
        shop = shop_of(policy.shop, path)
        before = len(sources.records)
        for sheet in sheets:
            raw = register_from_rows(sheet, reader.rows(sheet))
            report = validate(raw, now, policy)
            sources.records.add_report(report, raw, shop=shop, file=str(path), file_order=order,
                                       file_modified=path.stat().st_mtime)
        sources.files.append(SourceFile(str(path), shop, tuple(sheets), len(sources.records) - before))
