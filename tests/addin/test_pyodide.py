"""The committed Lite workbook's code in its real runtime (issue 15 item 8, ../shared/research/pyodide.md):
its `main.py` runs under Node.js in the Pyodide release the workbook declares, with exactly its
requirements.txt resolved to Pyodide wheels from PyPI. All functions register, the four buttons run on
the demo day and say what `aftersales check` says, and a function answers.

Node.js, npm and the downloads (the `pyodide` npm package, the wheels) are needed: locally a machine
without them skips; in CI (.ci/run installs Node.js) they must work. Downloads are cached in
~/.cache/aftersales-pyodide (or $AFTERSALES_PYODIDE_CACHE)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from addin.build import LITE_PATH, read_embedded
from aftersales.demo import demo_now
from tests.addin.payload import payload_from_xlsx
from tests.addin.test_build import lite_settings
from tests.tools import need
from workbook.cli import run_check
from workbook.template import demo_register_workbook

HERE = Path(__file__).resolve().parent
PLATFORM = "pyemscripten_2026_0_wasm32"
"""The wheel platform of Pyodide ≥ 314 (PEP 783), Python 3.14."""


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _cache() -> Path:
    return Path(os.environ.get("AFTERSALES_PYODIDE_CACHE", Path.home() / ".cache" / "aftersales-pyodide"))


@pytest.fixture(scope="module")
def runtime() -> dict[str, Path | str]:
    settings = lite_settings(LITE_PATH)
    version, requirements = settings["pyodideVersion"], settings["requirements.txt"]
    node, npm = need("node"), need("npm")
    package = _cache() / f"pyodide-{version}"
    if not (package / "node_modules" / "pyodide" / "pyodide.asm.wasm").exists():
        done = subprocess.run([npm, "install", "--prefix", str(package), f"pyodide@{version}", "--no-audit",
                               "--no-fund", "--silent"], capture_output=True, text=True, timeout=900, check=False)
        if done.returncode:
            _unavailable(f"npm could not install pyodide@{version}: {done.stderr[-300:]}")
    digest = hashlib.sha256(requirements.encode()).hexdigest()[:12]
    wheels = _cache() / f"wheels-{version}-{digest}"
    if not wheels.exists():
        listed = _cache() / f"requirements-{digest}.txt"
        listed.parent.mkdir(parents=True, exist_ok=True)
        listed.write_text(requirements, encoding="utf-8")
        partial = wheels.with_name(wheels.name + ".partial")
        done = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:", "--platform", PLATFORM,
             "--platform", "any", "--python-version", "3.14", "--implementation", "cp", "-d", str(partial),
             "-r", str(listed)], capture_output=True, text=True, timeout=900, check=False)
        if done.returncode:
            _unavailable(f"pip could not resolve requirements.txt to Pyodide wheels: {done.stderr[-500:]}")
        partial.rename(wheels)
    return {"node": node, "pyodide": package / "node_modules" / "pyodide", "wheels": wheels, "version": version}


@pytest.fixture(scope="module")
def ran(runtime: dict[str, Path | str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    work = tmp_path_factory.mktemp("pyodide")
    (work / "main.py").write_text(lite_settings(LITE_PATH)["main.py"], encoding="utf-8")
    register = work / "register.xlsx"
    demo_register_workbook().save(register)
    (work / "payload.json").write_text(json.dumps(payload_from_xlsx(register, clock=demo_now()), default=str),
                                       encoding="utf-8")
    done = subprocess.run([str(runtime["node"]), str(HERE / "pyodide_run.js"), str(runtime["pyodide"]),
                           str(runtime["wheels"]), str(work)], capture_output=True, text=True, timeout=600,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    result["register"] = str(register)
    return result


def test_the_declared_pyodide_installs_exactly_the_pinned_requirements(runtime: dict[str, Path | str]) -> None:
    requirements = lite_settings(LITE_PATH)["requirements.txt"]
    pins = [line.split("#")[0].strip() for line in requirements.splitlines() if line.split("#")[0].strip()]
    assert pins and all("==" in pin for pin in pins), pins  # exact: the same wheels on every machine
    names = {wheel.name.split("-")[0].lower().replace("_", "-") for wheel in Path(runtime["wheels"]).iterdir()}
    assert {pin.split("==")[0].lower() for pin in pins} <= names
    assert any(PLATFORM in wheel.name for wheel in Path(runtime["wheels"]).iterdir())  # pydantic-core, xlwings


def test_every_function_and_button_registers_in_pyodide(ran: dict[str, object]) -> None:
    from addin import scripts, udfs

    assert str(ran["python"]).startswith("3.14")
    assert ran["functions"] == sorted(name for name in dir(udfs) if name.startswith("AS_"))
    assert ran["scripts"] == sorted(name for name, value in vars(scripts).items()
                                    if callable(value) and getattr(value, "__module__", "") == scripts.__name__)
    assert read_embedded(lite_settings(LITE_PATH)["main.py"])  # the workbook's own code, not this checkout's


def test_the_buttons_run_on_the_demo_day_and_agree_with_the_cli(ran: dict[str, object]) -> None:
    logs = ran["logs"]
    assert isinstance(logs, dict) and all(logs.values()), logs
    report = run_check(Path(str(ran["register"])), demo_now())
    numbered = sum(1 for issue in report.issues if issue.code == "case-id-missing")  # the button numbers them
    shown = {script: str(text).removeprefix("'") for script, text in logs.items()}  # Excel's text marker
    assert shown["validate_register"].startswith(
        f"{len(report.results)} 条售后：错误 {report.errors} 个，警告 {report.warnings - numbered} 个")
    assert shown["build_refund_sheet"].startswith("批次 FK20261121-01")
    recommended = ran["AS_RECOMMEND"]
    assert isinstance(recommended, list) and len(recommended) == 2 and recommended[0][0]
