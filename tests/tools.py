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


def pdf_first_page_ink(pdf: Path, out_dir: Path) -> float:
    """Share of dark pixels on the PDF's first page, rendered by pdftoppm (0.0 = blank page)."""
    pdftoppm = need("pdftoppm")
    prefix = out_dir / "page"
    subprocess.run([pdftoppm, "-f", "1", "-l", "1", "-r", "40", "-gray", str(pdf), str(prefix)],
                   check=True, capture_output=True, timeout=120)
    image = next(out_dir.glob("page*.pgm")).read_bytes()
    # Binary PGM: "P5", width, height, maxval, then one byte per pixel.
    fields = image.split(maxsplit=4)
    assert fields[0] == b"P5"
    width, height = int(fields[1]), int(fields[2])
    pixels = fields[4][: width * height]
    return sum(1 for value in pixels if value < 160) / len(pixels)


def pdf_first_page_pixels(pdf: Path, out_dir: Path) -> list[tuple[int, int, int]]:
    """The RGB pixels of the PDF's first page, rendered by pdftoppm (also kept as page-1.png to look at)."""
    pdftoppm = need("pdftoppm")
    prefix = out_dir / "colour"
    subprocess.run([pdftoppm, "-f", "1", "-l", "1", "-r", "60", str(pdf), str(prefix)],
                   check=True, capture_output=True, timeout=120)
    subprocess.run([pdftoppm, "-f", "1", "-l", "1", "-r", "60", "-png", str(pdf), str(out_dir / "page")],
                   check=True, capture_output=True, timeout=120)
    image = next(out_dir.glob("colour*.ppm")).read_bytes()
    # Binary PPM: "P6", width, height, maxval, then three bytes per pixel.
    fields = image.split(maxsplit=4)
    assert fields[0] == b"P6"
    width, height = int(fields[1]), int(fields[2])
    data = fields[4][: width * height * 3]
    return [(data[i], data[i + 1], data[i + 2]) for i in range(0, len(data), 3)]


def pdf_pages_text(pdf: Path) -> list[str]:
    """The text of each page of a PDF, laid out as printed (pdftotext -layout)."""
    pdftotext = need("pdftotext")
    result = subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=120)
    pages = result.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages
