"""Long fuzzing run of whole files (issue 12), not part of the default suite:

    FUZZ_EXAMPLES=10000 python -m pytest -m fuzz tests/fuzz -q

Random .xlsx packages built XML by XML, the way hostile or odd writers make them: rows and cells with
and without references, prefixed parts, stray values far right and far down, cells out of order, two
sheets of one name, extreme dates and numbers (year 9999, negative serials, 1e308, 10¹²), error
values, formulas without a cached value — and bytes that are no package at all. Every one is checked
to the end (exit 0 or 1) or refused with one line (exit 2); never a traceback, an internal error, a
Rust panic, or memory beyond the cells that hold values.
"""

from __future__ import annotations

import io
import os
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.columns import INPUT_COLUMNS, column_letter
from workbook.cli import main

pytestmark = pytest.mark.fuzz
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "10000")), deadline=None,
                suppress_health_check=list(HealthCheck))
MAX_RSS_MIB = 1500
"""Far beyond what a few hundred cells need; a reader that allocated a sheet's extent would pass it."""

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{NS}"><numFmts count="1">'
    '<numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/></numFmts><fonts count="1"><font/></fonts>'
    '<fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="14" applyNumberFormat="1"/>'
    "</cellXfs></styleSheet>"
)
HEADERS = [column.header for column in INPUT_COLUMNS]

# What a cell may hold: (type attribute, style, inner XML)
texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)
extreme_numbers = st.sampled_from(["2958465.99", "2958466", "-5.5", "0.4375", "1E+308", "-1E+308", "1000000000000",
                                   "99999999999999999999", "NaN", "1e-300", "46347.75", "0"])
cell_values = st.one_of(
    texts.map(lambda t: ("inlineStr", 0, f"<is><t>{escape(t)}</t></is>")),
    st.sampled_from(["9999-12-31 19:00", "1899-12-31", "2026年11月21日 14:30", "¥12.50", "１２．５", "破损", "部分退款",
                     "'123456789012345678", "=1+1", "#N/A"]).map(lambda t: ("inlineStr", 0, f"<is><t>{t}</t></is>")),
    extreme_numbers.map(lambda n: (None, 0, f"<v>{n}</v>")),
    extreme_numbers.map(lambda n: (None, 1, f"<v>{n}</v>")),  # as a date
    st.sampled_from(["#N/A", "#DIV/0!", "#VALUE!"]).map(lambda e: ("e", 0, f"<v>{e}</v>")),
    st.just(("str", 0, "<f>A1</f>")),  # a formula nobody calculated
    st.just((None, 0, "<f>1+1</f><v></v>")),
    st.just(("b", 0, "<v>1</v>")),
    st.just((None, 0, "")),  # formatting only
)


@st.composite
def sheets(draw: st.DrawFn) -> str:
    """One register sheet's XML."""
    positioned = draw(st.sampled_from(["all", "none", "mixed"]))
    prefix = draw(st.sampled_from(["", "", "x:"]))
    rows = [[("inlineStr", 0, f"<is><t>{h}</t></is>") for h in HEADERS]]
    rows += draw(st.lists(st.lists(cell_values, max_size=len(HEADERS) + 3), max_size=6))
    body = []
    for r, cells in enumerate(rows, start=1):
        parts = []
        for c, (kind, style, inner) in enumerate(cells):
            ref = positioned == "all" or (positioned == "mixed" and draw(st.booleans()))
            attributes = (f' r="{column_letter(c)}{r}"' if ref else "") + (f' t="{kind}"' if kind else "") + (
                f' s="{style}"' if style else "")
            parts.append(f"<{prefix}c{attributes}>{_prefixed(inner, prefix)}</{prefix}c>" if inner
                         else f"<{prefix}c{attributes}/>")
        row_ref = f' r="{r}"' if positioned != "none" else ""
        body.append(f"<{prefix}row{row_ref}>{''.join(parts)}</{prefix}row>")
    for _ in range(draw(st.integers(0, 2))):  # stray values far right, far down, out of order
        column = draw(st.integers(0, 16383))
        row = draw(st.integers(1, 1_048_576))
        stray = f'<{prefix}c r="{column_letter(column)}{row}"><{prefix}v>1</{prefix}v></{prefix}c>'
        if draw(st.booleans()):
            body.insert(draw(st.integers(0, len(body))), f'<{prefix}row r="{row}">{stray}</{prefix}row>')
        else:
            body.append(f'<{prefix}row r="{row}">{stray}</{prefix}row>')
    if draw(st.booleans()):
        body.extend([f"<{prefix}row/>"] * draw(st.integers(0, 3000)))
    namespace = f'xmlns:x="{NS}"' if prefix else f'xmlns="{NS}"'
    return (f'<?xml version="1.0" encoding="UTF-8"?><{prefix}worksheet {namespace}><{prefix}sheetData>'
            f"{''.join(body)}</{prefix}sheetData></{prefix}worksheet>")


def _prefixed(inner: str, prefix: str) -> str:
    if not prefix:
        return inner
    for tag in ("is", "t", "v", "f"):
        inner = inner.replace(f"<{tag}>", f"<{prefix}{tag}>").replace(f"</{tag}>", f"</{prefix}{tag}>")
    return inner


def package(sheet_xml: list[str], names: list[str]) -> bytes:
    workbook = "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
    rels = "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(names) + 1))
    rels += (f'<Relationship Id="rId{len(names) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
             'relationships/styles" Target="styles.xml"/>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" '
                                            f'xmlns:r="{R_NS}"><sheets>{workbook}</sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships '
                         f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
        archive.writestr("xl/styles.xml", STYLES)
        for i, xml in enumerate(sheet_xml, start=1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return buffer.getvalue()


@st.composite
def files(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["xlsx"] * 8 + ["bytes", "truncated"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    count = draw(st.integers(1, 3))
    names = draw(st.lists(st.sampled_from(["登记表", "11月", "12月", "政策", "退款表"]), min_size=count, max_size=count))
    data = package([draw(sheets()) for _ in names], names)  # names may repeat: two sheets of one name
    return data[: draw(st.integers(20, len(data)))] if kind == "truncated" else data


def _rss_mib() -> float:
    try:
        with open("/proc/self/statm") as stream:
            return int(stream.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024**2
    except OSError:
        return 0.0


@FUZZ
@given(files(), st.sampled_from([".xlsx", ".xlsm"]))
def test_random_files_are_checked_or_refused_in_one_line(tmp_path_factory: pytest.TempPathFactory, data: bytes,
                                                        suffix: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"register{suffix}"
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["check", str(path), "--now", "2026-11-21T18:30"])
    message = err.getvalue()
    assert code in (0, 1, 2), message
    assert "内部错误" not in message and "Traceback" not in message
    if code == 2:
        assert len(message.strip().splitlines()) == 1, message
    else:
        assert message == "" and out.getvalue().strip()
    assert _rss_mib() < MAX_RSS_MIB
    Path(path).unlink()
