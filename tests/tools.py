"""External tools the tests use as independent clients (LibreOffice, pdftoppm).

Locally a missing tool skips its tests; in CI (CI set) a missing tool fails them, so a green CI
never hides an untested client.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} is not installed (.ci/run installs it from Debian packages)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def libreoffice_convert(source: Path, out_dir: Path, target: str = "xlsx") -> Path:
    """Open `source` in LibreOffice Calc headless (own profile, full recalc) and save it as `target`."""
    soffice = need("soffice")
    profile = out_dir / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_PROFILE, encoding="utf-8")
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
         "--outdir", str(out_dir), str(source)],
        capture_output=True, text=True, timeout=180, check=False,
    )
    converted = out_dir / (source.stem + "." + target.split(":")[0])
    assert converted.exists(), f"LibreOffice did not convert {source.name}: {result.stdout} {result.stderr}"
    return converted
