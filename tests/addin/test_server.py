"""Runs tests/addin/server_udfs.py in its own process with XLWINGS_ON_SERVER=true (the mode xlwings
Lite runs in), because xlwings chooses its decorators when it is imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_functions_and_button_on_xlwings_server_path() -> None:
    env = {**os.environ, "XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/addin/server_udfs.py", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout and "skipped" not in result.stdout
