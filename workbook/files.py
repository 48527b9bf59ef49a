"""Writing output files safely.

An output is never the input (compared as files, not as paths: a bind mount or a case-insensitive
disk gives one file two names), never anything but a regular file (a FIFO or /dev/null is refused
even with --force), never a file Excel holds open, and never written by two runs at once (a lock
beside it). The workbook is rendered in memory, with openpyxl's scratch files in a private folder of
ours; the bytes go to a temporary file beside the target and are renamed into place, so a failed
write (a full disk) leaves the previous file as it was. Scratch and temporary files that a killed
run left behind are removed by the next run.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import io
import os
import secrets
import shutil
import stat
import sys
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl import Workbook


class OutputError(Exception):
    """An output cannot be written; the message is one line for the user."""


_REASONS = {
    errno.ENOSPC: "磁盘已满", errno.EDQUOT: "磁盘配额已满", errno.EFBIG: "文件超过了允许的大小",
    errno.ENAMETOOLONG: "文件名太长", errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限",
    errno.EROFS: "磁盘是只读的", errno.ENOENT: "文件夹不存在", errno.ENOTDIR: "路径中有一段不是文件夹",
}


def os_reason(error: OSError) -> str:
    """Why an OS call failed, in Chinese, with the system's own words."""
    reason = _REASONS.get(error.errno or 0)
    detail = error.strerror or type(error).__name__
    return f"{reason}（{detail}）" if reason else detail


def lock_file(path: Path) -> Path:
    """Excel's owner file beside an open workbook: `~$name.xlsx`."""
    return path.with_name("~$" + path.name)


def _same_file(output: os.stat_result, source: Path) -> bool:
    try:
        info = os.stat(source)
    except OSError:
        return False
    return (info.st_dev, info.st_ino) == (output.st_dev, output.st_ino)


def check_output(path: Path, *, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Refuse an output that cannot or must not be written, before any work is done."""
    if not str(path).strip() or path.name in ("", ".", ".."):
        raise OutputError("输出文件名为空：请在 -o 后写上文件名，如 -o 退款表.xlsx")
    try:
        existing = os.lstat(path)
    except FileNotFoundError:
        existing = None
    except OSError as error:
        raise OutputError(f"无法写入 {path}：{os_reason(error)}") from None
    if existing is not None:
        target = os.stat(path) if stat.S_ISLNK(existing.st_mode) and path.exists() else existing
        if any(_same_file(target, source) for source in inputs):
            raise OutputError(f"输出文件不能是输入文件本身（同一个文件）：{path}")
        if stat.S_ISDIR(existing.st_mode):
            raise OutputError(f"这是一个文件夹：{path}")
        if not stat.S_ISREG(existing.st_mode):
            raise OutputError(f"已存在但不是普通文件（链接、管道或设备），不覆盖：{path}")
    try:
        excel_open = lock_file(path).exists()
        parent_is_dir = path.parent.is_dir()
    except OSError as error:
        raise OutputError(f"无法写入 {path}：{os_reason(error)}") from None
    if excel_open:
        raise OutputError(f"文件正在 Excel 中打开（有 {lock_file(path).name}），请先关闭：{path}")
    if existing is not None and not force:
        raise OutputError(f"文件已存在，加 --force 才会覆盖：{path}")
    if not parent_is_dir:
        raise OutputError(f"文件夹不存在：{path.parent}")


# --- locks -----------------------------------------------------------------------------------------


def _try_lock(handle: int) -> bool:
    """An exclusive lock on an open file, without waiting (released when the file is closed)."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


@contextlib.contextmanager
def _held(lock: Path) -> Iterator[bool]:
    """Hold the lock file `lock` while the block runs; yields False when another process holds it."""
    for _ in range(3):
        handle = os.open(lock, os.O_CREAT | os.O_RDWR, 0o600)
        if not _try_lock(handle):
            os.close(handle)
            yield False
            return
        try:
            same = os.fstat(handle).st_ino == os.stat(lock).st_ino
        except OSError:
            same = False
        if same:  # not a lock file another run removed meanwhile
            try:
                yield True
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(lock)
                os.close(handle)
            return
        os.close(handle)
    yield False


TEMP_PREFIX = ".~tmp-"
_TOKEN = 8


def _temporary_name(target: Path) -> Path:
    return target.with_name(f"{TEMP_PREFIX}{secrets.token_hex(_TOKEN // 2)}-{target.name}")


def _remove_stale_temporaries(target: Path) -> None:
    """Temporary files of this target left by a killed run (we hold its lock: nobody writes them)."""
    tail = "-" + target.name
    with contextlib.suppress(OSError), os.scandir(target.parent) as entries:
        for entry in entries:
            name = entry.name
            token = name[len(TEMP_PREFIX) : len(TEMP_PREFIX) + _TOKEN]
            if (name.startswith(TEMP_PREFIX) and name.endswith(tail)
                    and len(name) == len(TEMP_PREFIX) + _TOKEN + len(tail)
                    and all(ch in "0123456789abcdef" for ch in token) and entry.is_file(follow_symlinks=False)):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


# --- openpyxl's scratch files ------------------------------------------------------------------------


def scratch_root() -> Path:
    """Our own folder in the system temporary folder, for openpyxl's scratch files (sheet data)."""
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    return Path(tempfile.gettempdir()) / f"aftersales-{user}"


def _clean_stale_scratch(root: Path) -> None:
    """Scratch folders of runs that ended without cleaning up (killed): their lock is free."""
    with contextlib.suppress(OSError), os.scandir(root) as entries:
        for entry in entries:
            if not entry.name.startswith("run-") or not entry.is_dir(follow_symlinks=False):
                continue
            with _held(Path(entry.path) / "lock") as stale:
                if stale:
                    shutil.rmtree(entry.path, ignore_errors=True)


@contextlib.contextmanager
def private_scratch() -> Iterator[Path]:
    """A scratch folder only this run uses, made the temporary folder while the block runs."""
    root = scratch_root()
    try:
        root.mkdir(mode=0o700, exist_ok=True)
        usable = root.is_dir() and not root.is_symlink() and (not hasattr(os, "getuid") or root.stat().st_uid == os.getuid())
    except OSError:
        usable = False
    if not usable:  # someone else's folder of that name: a folder of our own instead
        root = Path(tempfile.mkdtemp(prefix="aftersales-"))
    _clean_stale_scratch(root)
    run = Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-", dir=root))
    lock = run / "lock"
    previous = tempfile.tempdir
    try:
        with _held(lock):
            tempfile.tempdir = str(run)
            try:
                yield run
            finally:
                tempfile.tempdir = previous
    finally:
        shutil.rmtree(run, ignore_errors=True)


def _discard_quietly(error: BaseException) -> None:
    """Let go of what a failed save left half open, now and silently. openpyxl's scratch writers
    would otherwise close when Python exits, fail to write again, and print a traceback after our
    one-line message."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        traceback.clear_frames(error.__traceback__)
        error.__traceback__ = None
        gc.collect()
    finally:
        sys.unraisablehook = hook


def render_workbook(book: Workbook) -> bytes:
    """The .xlsx bytes of a workbook, rendered in memory (openpyxl's scratch files in our folder)."""
    buffer = io.BytesIO()
    try:
        with private_scratch():
            book.save(buffer)
    except OSError as error:
        reason = os_reason(error)
        _discard_quietly(error)
        raise OutputError(f"无法生成工作簿：{reason}") from None
    return buffer.getvalue()


# --- writing -----------------------------------------------------------------------------------------


def _write_new(path: Path, data: bytes) -> None:
    """Create `path` (it must not exist) with `data`, flushed to the disk."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
        os.fsync(handle)
    finally:
        os.close(handle)


def _place(temporary: Path, target: Path, force: bool) -> None:
    """Move the finished temporary file to the target: never over a file that appeared meanwhile
    (without --force), never over anything but a regular file."""
    if not force:
        try:
            os.link(temporary, target)  # fails when the target exists: no race with another writer
        except FileExistsError:
            raise OutputError(f"文件已存在，加 --force 才会覆盖：{target}") from None
        except OSError:  # a file system without hard links
            if os.path.lexists(target):
                raise OutputError(f"文件已存在，加 --force 才会覆盖：{target}") from None
            os.replace(temporary, target)
        return
    with contextlib.suppress(FileNotFoundError):
        if not stat.S_ISREG(os.lstat(target).st_mode):
            raise OutputError(f"已存在但不是普通文件（链接、管道或设备），不覆盖：{target}")
    os.replace(temporary, target)


def write_bytes(data: bytes, path: str | os.PathLike[str], *, force: bool = False,
                inputs: tuple[Path, ...] = ()) -> Path:
    """Write `data` to `path` atomically, under the output's lock."""
    target = Path(path)
    check_output(target, force=force, inputs=inputs)
    lock = target.with_name(f".~aftersales-{target.name}.lock")
    try:
        with _held(lock) as mine:
            if not mine:
                raise OutputError(f"另一个 aftersales 正在写入这个文件，请等它完成后再试：{target}")
            _remove_stale_temporaries(target)
            check_output(target, force=force, inputs=inputs)  # again: under the lock
            temporary = _temporary_name(target)
            try:
                _write_new(temporary, data)
                _place(temporary, target, force)
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
    except OSError as error:
        raise OutputError(f"无法写入 {target}：{os_reason(error)}") from None
    return target


def save_workbook(book: Workbook, path: str | os.PathLike[str], *, force: bool = False,
                  inputs: tuple[Path, ...] = ()) -> Path:
    """Render a workbook and write it atomically (see the module docstring)."""
    check_output(Path(path), force=force, inputs=inputs)  # before rendering: fail fast
    return write_bytes(render_workbook(book), path, force=force, inputs=inputs)
