"""`aftersales check REGISTER -o OUT.xlsx` (SPEC §14.7): a copy of the register with exactly what the
校验 button writes — the button's own code (`aftersales.check_action`) run on the file through
`FileBook` — for shops on WPS / 金山文档 or without Python in Excel. The input is only read.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from aftersales.check_action import validate_action
from aftersales.session import run_action
from workbook.file_book import FileBook, formula_results, with_formula_results
from workbook.files import check_output, render_workbook, write_bytes
from workbook.reader import RegisterError

CHECK_LABEL = "校验"


@dataclass(frozen=True)
class CheckedCopy:
    path: Path
    summary: str
    """The 操作记录 line the button writes."""
    alerts: tuple[str, ...]
    """What the button would have shown in a message box."""


def write_checked_copy(register: Path, out: Path, now: datetime, sheet: str | None, *, force: bool) -> CheckedCopy:
    """Write the checked copy of `register` (already read and checked as a spreadsheet) to `out`."""
    check_output(out, force=force, inputs=(register,))
    try:
        data = register.read_bytes()
        macros = zipfile.ZipFile(io.BytesIO(data)).namelist().count("xl/vbaProject.bin") > 0
        book = load_workbook(io.BytesIO(data), keep_vba=macros, keep_links=True)
        cached = load_workbook(io.BytesIO(data), data_only=True, keep_links=True)
    except OSError as error:
        raise RegisterError(f"无法读取 {register}：{error.strerror or error}") from None
    except Exception as error:  # openpyxl refuses what calamine could read
        raise RegisterError(f"无法生成副本，openpyxl 打不开这个文件（{type(error).__name__}: {error}）：{register}") from None
    if macros and out.suffix.lower() != ".xlsm":
        raise RegisterError(f"输入文件带宏，副本请用 .xlsm 结尾（否则 Excel 打不开）：{out}")
    results = formula_results(book, cached)
    target = FileBook(book, cached)
    summary = run_action(target, now, CHECK_LABEL, validate_action, sheet)
    written = write_bytes(with_formula_results(render_workbook(book), results), out, force=force, inputs=(register,))
    return CheckedCopy(written, summary, tuple(target.alerts))
