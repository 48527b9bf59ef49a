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
