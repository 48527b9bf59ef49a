"""`check --json` is written item by item (issue 15 item 10) and reads exactly as one json.dumps would."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aftersales.demo import demo_now
from aftersales.present import report_json
from workbook.cli import main, run_check
from workbook.json_stream import Streamed, write_json

leaves = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
values = st.recursive(leaves, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                                             max_size=3), max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=6), values, max_size=5))
def test_streamed_text_equals_json_dumps(document: dict[str, object]) -> None:
    streamed = {key: Streamed(iter(value)) if isinstance(value, list) else value for key, value in document.items()}
    out = io.StringIO()
    write_json(streamed, out.write, batch=7)
    assert out.getvalue() == json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def test_check_json_is_the_same_document_streamed(demo_workbook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    now = demo_now()
    main(["check", str(demo_workbook), "--now", f"{now:%Y-%m-%d %H:%M}", "--json"])
    expected = json.dumps(report_json(run_check(demo_workbook, now, None), str(demo_workbook)), ensure_ascii=False,
                          indent=1)
    assert capsys.readouterr().out == expected + "\n"
