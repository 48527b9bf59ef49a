"""Test-process settings.

xlwings' remote engine (the engine inside xlwings Lite) is licence-gated; this noncommercial
open-source project's tests unlock it with the `noncommercial` key, for the test process only
(shared/research/xlwings.md). The product itself never needs a PRO key. It must be set before
xlwings is first imported, which is why it lives here.
"""

from __future__ import annotations

import os

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
collect_ignore = ["addin/server_udfs.py"]  # runs in its own process: XLWINGS_ON_SERVER changes xlwings at import


import pytest  # noqa: E402 - after the licence key, which must be set before xlwings is imported


@pytest.fixture()
def demo_workbook(tmp_path):  # type: ignore[no-untyped-def]
    """The demo day (aftersales.demo, seeded) as a register workbook built from the template."""
    from workbook.template import demo_register_workbook

    path = tmp_path / "register.xlsx"
    demo_register_workbook().save(path)
    return path
