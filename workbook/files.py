"""Writing output files safely: never over the input, never over a file Excel holds open, atomically."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl import Workbook


class OutputError(Exception):
    """An output cannot be written; the message is one line for the user."""


def lock_file(path: Path) -> Path:
    """Excel's owner file beside an open workbook: `~$name.xlsx`."""
    return path.with_name("~$" + path.name)


def check_output(path: Path, *, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    for source in inputs:
        if path.resolve() == source.resolve():
            raise OutputError(f"输出文件不能是输入文件本身：{path}")
    if lock_file(path).exists():
        raise OutputError(f"文件正在 Excel 中打开（有 {lock_file(path).name}），请先关闭：{path}")
    if path.exists() and not force:
        raise OutputError(f"文件已存在，加 --force 才会覆盖：{path}")
    if path.exists() and path.is_dir():
        raise OutputError(f"这是一个文件夹：{path}")
    if not path.parent.exists():
        raise OutputError(f"文件夹不存在：{path.parent}")


def _temporary_beside(target: Path) -> tuple[int, str]:
    """A temporary file in the target's folder, so the final rename is atomic."""
    try:
        return tempfile.mkstemp(prefix=".~tmp-", suffix=target.suffix, dir=target.parent)
    except OSError as error:
        raise OutputError(f"无法写入 {target}：{error.strerror or error}") from None


def _readable_like_any_new_file(path: str) -> None:
    """mkstemp makes 0600 files; give the output the mode a plain new file would get (umask)."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


def save_workbook(book: Workbook, path: str | os.PathLike[str], *, force: bool = False,
                  inputs: tuple[Path, ...] = ()) -> Path:
    """Save through a temporary file in the same folder and an atomic rename."""
    target = Path(path)
    check_output(target, force=force, inputs=inputs)
    handle, temporary = _temporary_beside(target)
    os.close(handle)
    try:
        book.save(temporary)
        _readable_like_any_new_file(temporary)
        os.replace(temporary, target)
    except OSError as error:
        raise OutputError(f"无法写入 {target}：{error.strerror or error}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    return target


def write_text(text: str, path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Write a text file atomically (same rules as workbooks)."""
    target = Path(path)
    check_output(target, force=force)
    handle, temporary = _temporary_beside(target)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        _readable_like_any_new_file(temporary)
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    return target
