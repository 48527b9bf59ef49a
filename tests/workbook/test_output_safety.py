"""Outputs never lose a user's data (issue 12 items 3–9): real OS-level write failures, outputs that
are the input under another name, outputs that are not regular files, two runs at once, runs killed
half way, and `demo` in a folder holding a user's files. Child processes run the real command where
the OS must be involved (file size limits, signals, pipes)."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbook.cli import main
from workbook.files import _held, scratch_root

NOW = "2026-11-21T18:30"
ROOT = Path(__file__).resolve().parents[2]
POSIX = pytest.mark.skipif(os.name != "posix", reason="signals, rlimits and FIFOs are POSIX")


@pytest.fixture()
def register(demo_workbook: Path) -> Path:
    """The demo day; its folder is the test's own (outputs are written beside it)."""
    return demo_workbook


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "Exception ignored" not in err
    return lines[0]


def _child(code: str, *argv: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", code, *argv], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((".~tmp-", ".~aftersales-")))


# --- 3 a real full disk (the OS refuses to write past a file size limit) ---------------------------------

FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead of killing us
limit = int(sys.argv[1])
import workbook.files as files
if sys.argv[2] == "render":
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
else:  # only the final write hits the limit
    write = files._write_new
    def limited(path, data):
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        write(path, data)
    files._write_new = limited
from workbook.cli import main
sys.exit(main(sys.argv[3:]))
"""


@POSIX
@pytest.mark.parametrize("stage", ["render", "write"])
def test_a_full_disk_is_one_line_and_the_previous_file_stays(register: Path, tmp_path: Path, stage: str) -> None:
    out = tmp_path / "eod.xlsx"
    out.write_bytes(b"yesterday's report")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    child = _child(FULL_DISK, "2000", stage, "eod", str(register), "--now", NOW, "-o", str(out), "--force",
                   env={"TMPDIR": str(scratch)})
    _, err = child.communicate(timeout=120)
    assert child.returncode == 2
    line = _one_line(err)
    assert "文件超过了允许的大小" in line and ("无法写入" in line or "无法生成" in line)
    assert out.read_bytes() == b"yesterday's report"
    assert _leftovers(tmp_path) == []
    assert [p for p in scratch.rglob("*") if p.is_file()] == []  # openpyxl's scratch files are gone too


# --- 4 arguments and pipes ------------------------------------------------------------------------------


def test_an_empty_output_name_is_one_line(register: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eod", str(register), "--now", NOW, "-o", ""]) == 2
    assert "输出文件名为空" in _one_line(capsys.readouterr().err)


def test_an_over_long_file_name_is_one_line(register: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = register.with_name("日" * 300 + ".xlsx")
    assert main(["eod", str(register), "--now", NOW, "-o", str(out)]) == 2
    assert "文件名太长" in _one_line(capsys.readouterr().err)
    assert main(["check", str(register.with_name("登" * 300 + ".xlsx")), "--now", NOW]) == 2
    assert "无法打开文件" in _one_line(capsys.readouterr().err)


@POSIX
def test_a_closed_pipe_is_a_quiet_exit(register: Path) -> None:
    """`aftersales check … | head -1`: head goes away after one line; nothing is said on stderr."""
    child = subprocess.Popen([sys.executable, "-m", "workbook.cli", "check", str(register), "--now", NOW],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.readline()
    child.stdout.close()
    err = child.stderr.read().decode()
    code = child.wait(timeout=60)
    assert err == "" and code in (1, 2)


# --- 6 the output is the input under another name ------------------------------------------------------


def test_an_output_hard_linked_to_the_input_is_refused_even_with_force(register: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    alias = register.with_name("别名.xlsx")
    os.link(register, alias)
    before = register.read_bytes()
    assert main(["eod", str(register), "--now", NOW, "-o", str(alias), "--force"]) == 2
    assert "输入文件本身" in _one_line(capsys.readouterr().err)
    assert register.read_bytes() == before


def test_the_input_through_another_folder_name_is_refused(register: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A bind mount or a folder link gives one file two paths."""
    mirror = tmp_path.parent / (tmp_path.name + "-mirror")
    mirror.symlink_to(tmp_path, target_is_directory=True)
    assert main(["refunds", str(register), "--date", "2026-11-21", "--now", NOW,
                 "-o", str(mirror / register.name), "--force"]) == 2
    assert "输入文件本身" in _one_line(capsys.readouterr().err)


# --- 7 outputs that are not regular files ----------------------------------------------------------------


@POSIX
def test_force_never_replaces_a_fifo(register: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    assert main(["eod", str(register), "--now", NOW, "-o", str(fifo), "--force"]) == 2
    assert "不是普通文件" in _one_line(capsys.readouterr().err)
    assert fifo.is_fifo()


@pytest.mark.skipif(not Path("/dev/null").is_char_device(), reason="no /dev/null")
def test_force_never_replaces_dev_null(register: Path, capsys: pytest.CaptureFixture[str]) -> None:
    try:
        assert main(["eod", str(register), "--now", NOW, "-o", "/dev/null", "--force"]) == 2
        assert "不是普通文件" in _one_line(capsys.readouterr().err)
    finally:
        if not Path("/dev/null").is_char_device() and hasattr(os, "getuid") and os.getuid() == 0:
            # Code that fails this test replaced the machine's /dev/null (as root it can): put it back.
            os.unlink("/dev/null")
            os.mknod("/dev/null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
            os.chmod("/dev/null", 0o666)
    assert Path("/dev/null").is_char_device()


def test_force_never_replaces_a_link(register: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("keep me")
    link = tmp_path / "link.xlsx"
    link.symlink_to(elsewhere)
    assert main(["eod", str(register), "--now", NOW, "-o", str(link), "--force"]) == 2
    assert "不是普通文件" in _one_line(capsys.readouterr().err)
    assert link.is_symlink() and elsewhere.read_text() == "keep me"


# --- 8 two runs writing one output ---------------------------------------------------------------------

SLOW_WRITER = """
import sys, time
import workbook.files as files
place = files._place
def slow(temporary, target, force):
    print("writing", flush=True)
    time.sleep(float(sys.argv[1]))
    place(temporary, target, force)
files._place = slow
from workbook.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_a_second_run_on_the_same_output_fails_while_the_first_writes(register: Path, tmp_path: Path) -> None:
    out = tmp_path / "eod.xlsx"
    first = _child(SLOW_WRITER, "3", "eod", str(register), "--now", NOW, "-o", str(out))
    assert first.stdout is not None and first.stdout.readline().strip() == "writing"
    second = subprocess.run([sys.executable, "-m", "workbook.cli", "refunds", str(register), "--date", "2026-11-21",
                             "--now", NOW, "-o", str(out), "--force"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=False)
    assert second.returncode == 2 and "另一个 aftersales 正在写入" in _one_line(second.stderr)
    assert first.wait(timeout=120) in (0, 1)
    import openpyxl

    assert "日结" in openpyxl.load_workbook(out).sheetnames  # the first run's report, whole
    assert _leftovers(tmp_path) == []


def test_the_lock_is_held_by_whoever_writes(register: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "eod.xlsx"
    with _held(tmp_path / f".~aftersales-{out.name}.lock") as mine:
        assert mine
        assert main(["eod", str(register), "--now", NOW, "-o", str(out)]) == 2
    assert "另一个 aftersales 正在写入" in _one_line(capsys.readouterr().err)
    assert not out.exists()
    assert main(["eod", str(register), "--now", NOW, "-o", str(out)]) in (0, 1)


# --- 9 a run killed half way -----------------------------------------------------------------------------

KILLED_WHILE_RENDERING = """
import sys, time
import openpyxl.worksheet._writer as writer
rows = writer.WorksheetWriter.write_rows
def stuck(self):
    rows(self)
    print("rendering", flush=True)
    time.sleep(60)
writer.WorksheetWriter.write_rows = stuck
from workbook.cli import main
sys.exit(main(sys.argv[1:]))
"""


@POSIX
def test_a_run_killed_while_rendering_leaves_nothing_behind_after_the_next_run(register: Path, tmp_path: Path) -> None:
    out = tmp_path / "eod.xlsx"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {"TMPDIR": str(scratch)}
    child = _child(KILLED_WHILE_RENDERING, "eod", str(register), "--now", NOW, "-o", str(out), env=env)
    assert child.stdout is not None and child.stdout.readline().strip() == "rendering"
    sheet_data = [p for p in scratch.rglob("openpyxl*") if p.is_file()]
    assert sheet_data, "openpyxl writes sheet data to scratch files"
    assert all(p.parent.parent.name.startswith("aftersales-") for p in sheet_data)  # in our own folder
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    done = subprocess.run([sys.executable, "-m", "workbook.cli", "eod", str(register), "--now", NOW, "-o", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False, env={**os.environ, **env})
    assert done.returncode in (0, 1), done.stderr
    assert [p for p in scratch.rglob("*") if p.is_file()] == []  # the stale scratch folder is gone
    assert _leftovers(tmp_path) == []


@POSIX
def test_a_run_killed_while_renaming_leaves_nothing_behind_after_the_next_run(register: Path, tmp_path: Path) -> None:
    out = tmp_path / "eod.xlsx"
    child = _child(SLOW_WRITER, "60", "eod", str(register), "--now", NOW, "-o", str(out))
    assert child.stdout is not None and child.stdout.readline().strip() == "writing"
    assert _leftovers(tmp_path)  # its temporary file and its lock, beside the output
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert main(["eod", str(register), "--now", NOW, "-o", str(out)]) in (0, 1)
    assert _leftovers(tmp_path) == [] and out.exists()


def test_the_scratch_folder_is_ours_alone() -> None:
    root = scratch_root()
    assert root.name.startswith("aftersales-")


# --- 5 demo never overwrites what it did not write -------------------------------------------------------


def test_demo_refuses_a_users_file_of_the_same_name_and_writes_nothing(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "售后登记表.xlsx"
    mine.write_bytes(b"my real register")
    assert main(["demo", "--out", str(tmp_path)]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "售后登记表.xlsx" in line and "--force" in line
    assert mine.read_bytes() == b"my real register"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["售后登记表.xlsx"]


def test_demo_checks_every_file_before_writing_any(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "~$退款表.xlsx").write_bytes(b"Excel holds it open")
    assert main(["demo", "--out", str(tmp_path)]) == 2
    assert "Excel" in _one_line(capsys.readouterr().err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["~$退款表.xlsx"]


def test_demo_rewrites_its_own_files_but_not_one_the_user_changed(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--out", str(tmp_path)]) == 0
    assert main(["demo", "--out", str(tmp_path)]) == 0  # its own files: the README command always works
    report = tmp_path / "退款表.xlsx"
    report.write_bytes(report.read_bytes() + b" edited")
    capsys.readouterr()
    assert main(["demo", "--out", str(tmp_path)]) == 2
    assert "退款表.xlsx" in _one_line(capsys.readouterr().err)
    assert main(["demo", "--out", str(tmp_path), "--force"]) == 0
    assert not report.read_bytes().endswith(b" edited")


def test_demo_refuses_a_fifo_in_its_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs")
    os.mkfifo(tmp_path / "日结.xlsx")
    assert main(["demo", "--out", str(tmp_path), "--force"]) == 2
    assert "不是普通文件" in _one_line(capsys.readouterr().err)
    time.sleep(0)
