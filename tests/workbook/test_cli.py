"""The `aftersales` command line (SPEC §11): bad files, `check` (JSON and human), `new`, `demo`."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.domain import valid_row
from tests.workbook.xlsx import letter_of, register_book, rewrite_part, save, sheet_xml
from workbook.cli import main

NOW = "2026-11-21T18:30"
Capsys = pytest.CaptureFixture[str]

CASE_TYPES = {
    "tracking", "refund-before-ship", "intercept", "short", "wrong-item", "damaged", "lost", "no-tracking",
    "false-sign", "quality", "size", "not-as-described", "no-reason", "price-protect", "complaint", "other",
}
RESOLUTIONS = {
    "explain", "reship", "exchange", "return-refund", "refund-only", "partial-refund", "gift", "intercept-refund",
    "decline", "escalate", "repair",
}
TOP_KEYS = {"register", "sheet", "now", "rows", "cases", "issues", "summary"}
CASE_KEYS = {
    "row", "case_id", "case_type", "resolution", "recommended", "alternatives", "ceiling", "freight_ceiling",
    "deadline", "overdue", "courier_claim",
}
ISSUE_KEYS = {"row", "case_id", "column", "field", "code", "severity", "value", "message"}
MONEY = re.compile(r"^\d+\.\d{2}$")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")


def cli(capsys: Capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_cannot_run(result: tuple[int, str, str]) -> str:
    """Exit 2 with exactly one line on stderr, nothing on stdout, no traceback; returns the line."""
    code, out, err = result
    assert code == 2, (code, out, err)
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert out == ""
    return lines[0]


def row(n: int, **overrides: object) -> dict[str, object]:
    values = valid_row(case_id=f"SH20261121-{n:03d}", order_id=f"1234567890123{n:05d}", buyer=f"tb_buyer{n}")
    values.update(overrides)
    return values


@pytest.fixture
def good_register(tmp_path: Path) -> Path:
    return save(register_book([row(1), row(2)]), tmp_path / "good.xlsx")


@pytest.fixture
def mixed_register(tmp_path: Path) -> Path:
    """Rows with an error, a warning, an overdue case and a case whose recommendation lacks an input."""
    rows = [
        row(1),  # row 2: clean
        row(2, order_id=1234567890123456789),  # row 3: order-id-as-number (error)
        row(3, evidence_count=1),  # row 4: evidence-insufficient (warning)
        row(4, resolution=None, resolved_at=None, amount=None, refund_channel=None, paid_at=None,
            status="待处理"),  # row 5: overdue
        row(5, severity=None),  # row 6: recommended null (missing 程度)
        row(6, order_id="12ab", qty="两件"),  # row 7: two issues on one row
    ]
    return save(register_book(rows), tmp_path / "mixed.xlsx")


# --- files that cannot be checked ------------------------------------------------------------------


def test_text_file_renamed_xlsx(tmp_path: Path, capsys: Capsys) -> None:
    path = tmp_path / "登记表.xlsx"
    path.write_text("售后单号,订单号\nSH1,123456789012\n", encoding="utf-8")
    assert_cannot_run(cli(capsys, "check", str(path), "--now", NOW))


def test_empty_file_named_xlsx(tmp_path: Path, capsys: Capsys) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert_cannot_run(cli(capsys, "check", str(path), "--now", NOW))


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_xlsx(tmp_path: Path, capsys: Capsys, good_register: Path, keep: float) -> None:
    data = good_register.read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: int(len(data) * keep)])
    assert_cannot_run(cli(capsys, "check", str(path), "--now", NOW))


def test_zip_with_a_damaged_sheet_part(tmp_path: Path, capsys: Capsys, good_register: Path) -> None:
    path = tmp_path / "damaged.xlsx"
    shutil.copy(good_register, path)
    rewrite_part(path, sheet_xml(1), lambda xml: xml[: len(xml) // 2])
    result = cli(capsys, "check", str(path), "--now", NOW)
    assert "Traceback" not in result[1] + result[2]
    if result[0] == 2:
        assert_cannot_run(result)
    else:  # a reader that recovers what it can must still have checked something
        assert result[0] in (0, 1) and result[1].strip()


def test_zip_that_is_not_a_workbook(tmp_path: Path, capsys: Capsys) -> None:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    assert_cannot_run(cli(capsys, "check", str(path), "--now", NOW))


def test_csv_file(tmp_path: Path, capsys: Capsys) -> None:
    path = tmp_path / "登记表.csv"
    path.write_text("售后单号,登记时间,订单号,买家,客服,售后类型,问题描述\n", encoding="utf-8")
    assert_cannot_run(cli(capsys, "check", str(path), "--now", NOW))


def test_encrypted_workbook_container(tmp_path: Path, capsys: Capsys) -> None:
    """A password-protected .xlsx is an OLE compound file, not a zip."""
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    assert_cannot_run(cli(capsys, "check", str(path), "--now", NOW))


def test_missing_path(tmp_path: Path, capsys: Capsys) -> None:
    assert_cannot_run(cli(capsys, "check", str(tmp_path / "nowhere.xlsx"), "--now", NOW))


def test_directory(tmp_path: Path, capsys: Capsys) -> None:
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    assert_cannot_run(cli(capsys, "check", str(folder), "--now", NOW))
    assert_cannot_run(cli(capsys, "check", str(tmp_path), "--now", NOW))


def test_workbook_without_any_register_sheet(tmp_path: Path, capsys: Capsys) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "销售"
    sheet.append(["日期", "商品", "数量", "金额"])
    sheet.append([datetime(2026, 11, 21), "T恤", 2, 99.0])
    book.create_sheet("Sheet2")
    path = save(book, tmp_path / "sales.xlsx")
    assert_cannot_run(cli(capsys, "check", str(path), "--now", NOW))


# --- arguments ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("now", ["tomorrow", "2026-13-45T99:00", "", "21/11/2026 25:00"])
def test_bad_now(capsys: Capsys, good_register: Path, now: str) -> None:
    line = assert_cannot_run(cli(capsys, "check", str(good_register), "--now", now))
    assert "--now" in line


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["frobnicate"],
        ["check"],
        ["check", "{register}", "--bogus"],
        ["check", "{register}", "--now"],
        ["check", "{register}", "{register}"],
        ["new"],
        ["demo", "--out"],
    ],
    ids=lambda argv: " ".join(argv) or "no-args",
)
def test_bad_arguments(capsys: Capsys, good_register: Path, argv: list[str]) -> None:
    args = [arg.format(register=good_register) for arg in argv]
    assert_cannot_run(cli(capsys, *args))


# --- check --json -----------------------------------------------------------------------------------


def check_json(capsys: Capsys, path: Path, now: str = NOW) -> tuple[int, dict[str, Any]]:
    code, out, err = cli(capsys, "check", str(path), "--now", now, "--json")
    assert err == ""
    return code, json.loads(out)


def test_check_json_shape(capsys: Capsys, mixed_register: Path) -> None:
    code, report = check_json(capsys, mixed_register)

    assert set(report) == TOP_KEYS
    assert report["register"] == str(mixed_register)
    assert report["sheet"] == "登记表"
    assert report["now"] == "2026-11-21T18:30:00"
    assert report["rows"] == len(report["cases"]) == 6
    assert set(report["summary"]) == {"errors", "warnings", "overdue"}

    for case in report["cases"]:
        assert set(case) >= CASE_KEYS, sorted(CASE_KEYS - set(case))
        assert isinstance(case["row"], int) and not isinstance(case["row"], bool)
        assert case["case_id"] is None or isinstance(case["case_id"], str)
        assert case["case_type"] is None or case["case_type"] in CASE_TYPES
        assert case["resolution"] is None or case["resolution"] in RESOLUTIONS
        assert case["recommended"] is None or case["recommended"] in RESOLUTIONS
        assert isinstance(case["alternatives"], list)
        assert set(case["alternatives"]) <= RESOLUTIONS
        for key in ("ceiling", "freight_ceiling"):
            assert case[key] is None or MONEY.match(case[key]), (key, case[key])
        assert case["deadline"] is None or ISO.match(case["deadline"]), case["deadline"]
        if case["deadline"]:
            assert datetime.fromisoformat(case["deadline"]).tzinfo is None
        assert isinstance(case["overdue"], bool)
        assert isinstance(case["courier_claim"], bool)

    for issue in report["issues"]:
        assert set(issue) >= ISSUE_KEYS, sorted(ISSUE_KEYS - set(issue))
        assert issue["severity"] in ("error", "warning", "info")
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", issue["code"])
        assert issue["row"] is None or isinstance(issue["row"], int)
        assert issue["column"] is None or re.fullmatch(r"[A-Z]{1,3}", issue["column"])
        assert issue["value"] is None or isinstance(issue["value"], str)
        assert isinstance(issue["message"], str) and issue["message"]

    assert code == 1


def test_check_json_values(capsys: Capsys, mixed_register: Path) -> None:
    _, report = check_json(capsys, mixed_register)
    cases = {case["row"]: case for case in report["cases"]}

    assert sorted(cases) == [2, 3, 4, 5, 6, 7]
    clean = cases[2]
    assert clean["case_id"] == "SH20261121-001"
    assert (clean["case_type"], clean["resolution"], clean["recommended"]) == ("damaged", "partial-refund",
                                                                             "partial-refund")
    assert clean["alternatives"] == ["return-refund"]
    assert (clean["ceiling"], clean["freight_ceiling"]) == ("20.00", "20.00")  # 退运费上限 (SPEC §14.3.4)
    assert clean["deadline"] == "2026-11-21T18:00:00"
    assert clean["overdue"] is False
    assert clean["courier_claim"] is True

    assert cases[5]["overdue"] is True
    assert cases[6]["recommended"] is None
    assert cases[6]["ceiling"] is None, "ceiling of 部分退款 on a 破损 case without 程度 is unknown"

    by_place = {(i["row"], i["column"], i["code"]): i for i in report["issues"]}
    number = by_place[(3, "D", "order-id-as-number")]
    assert (number["field"], number["severity"], number["case_id"]) == ("订单号", "error", "SH20261121-002")
    assert number["value"] == "1.23456789012346e+18", "shown as Excel shows it (SPEC §11 example)"
    assert by_place[(4, letter_of("evidence_count"), "evidence-insufficient")]["severity"] == "warning"
    assert (5, letter_of("resolution"), "solution-overdue") in by_place
    assert (7, "D", "order-id-format") in by_place
    assert (7, letter_of("qty"), "invalid-number") in by_place
    assert not [i for i in report["issues"] if i["row"] == 2]


def test_check_json_summary_counts_issues(capsys: Capsys, mixed_register: Path) -> None:
    code, report = check_json(capsys, mixed_register)
    severities = [issue["severity"] for issue in report["issues"]]

    assert report["summary"]["errors"] == severities.count("error") > 0
    assert report["summary"]["warnings"] == severities.count("warning") > 0
    assert report["summary"]["overdue"] == sum(case["overdue"] for case in report["cases"]) == 1
    assert code == 1


def test_check_exit_0_without_errors(capsys: Capsys, good_register: Path) -> None:
    code, report = check_json(capsys, good_register)
    assert report["summary"]["errors"] == 0
    assert report["issues"] == []
    assert code == 0
    code, _out, err = cli(capsys, "check", str(good_register), "--now", NOW)
    assert (code, err) == (0, "")


def test_check_exit_0_with_only_warnings(capsys: Capsys, tmp_path: Path) -> None:
    # Explained, not paid: with one photo a partial refund's ceiling would be 0 (SPEC §14.3.2).
    path = save(register_book([row(1, evidence_count=1, resolution="解释说明", amount=None)]), tmp_path / "warn.xlsx")
    code, report = check_json(capsys, path)
    assert report["summary"] == {"errors": 0, "warnings": 1, "overdue": 0}
    assert code == 0


def test_check_exit_1_with_errors(capsys: Capsys, tmp_path: Path) -> None:
    path = save(register_book([row(1), row(2, order_id="12ab")]), tmp_path / "err.xlsx")
    code, report = check_json(capsys, path)
    assert report["summary"]["errors"] == 1
    assert code == 1
    assert cli(capsys, "check", str(path), "--now", NOW)[0] == 1


@pytest.mark.parametrize("now", ["2026-11-21T18:30", "2026-11-21 18:30", "2026/11/21 18:30"])
def test_now_formats(capsys: Capsys, good_register: Path, now: str) -> None:
    _, report = check_json(capsys, good_register, now)
    assert report["now"] == "2026-11-21T18:30:00"


def test_now_defaults_to_the_current_time(capsys: Capsys, good_register: Path) -> None:
    code, out, err = cli(capsys, "check", str(good_register), "--json")
    assert err == ""
    now = datetime.fromisoformat(json.loads(out)["now"])
    assert now.tzinfo is None
    assert abs((datetime.now() - now).total_seconds()) < 120
    assert code in (0, 1)


# --- check: human output ------------------------------------------------------------------------------


def test_human_output_groups_issues_by_row_and_ends_with_summary(capsys: Capsys, mixed_register: Path) -> None:
    _, report = check_json(capsys, mixed_register)
    code, out, err = cli(capsys, "check", str(mixed_register), "--now", NOW)
    lines = out.rstrip("\n").splitlines()

    assert (code, err) == (1, "")
    row_issues: dict[int, list[dict[str, Any]]] = {}
    for issue in report["issues"]:
        row_issues.setdefault(issue["row"], []).append(issue)
    assert len(row_issues[7]) >= 2
    for number, group in row_issues.items():
        positions = []
        for issue in group:
            matching = [
                index for index, line in enumerate(lines)
                if issue["code"] in line and issue["message"] in line
                and re.search(rf"(?<![A-Z]){issue['column']}(?![A-Z])", line) and issue["field"] in line
            ]
            assert matching, f"no line with column letter and header for {issue}"
            positions.append(matching[0])
        positions.sort()
        assert positions == list(range(positions[0], positions[0] + len(positions))), "a row's issues stay together"
        heading = lines[positions[0] - 1]
        assert str(number) in re.findall(r"\d+", heading), f"group of row {number} under {heading!r}"

    summary = lines[-1]
    numbers = re.findall(r"\d+", summary)
    assert str(report["summary"]["errors"]) in numbers
    assert str(report["summary"]["warnings"]) in numbers
    assert str(len(report["cases"])) in numbers


def test_human_output_of_a_clean_register_is_the_summary(capsys: Capsys, good_register: Path) -> None:
    code, out, _ = cli(capsys, "check", str(good_register), "--now", NOW)
    assert code == 0
    lines = out.strip().splitlines()
    assert {"2", "0"} <= set(re.findall(r"\d+", lines[-1])), "summary: 2 cases, 0 errors"


# --- check never writes --------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [[], ["--json"]], ids=["human", "json"])
@pytest.mark.parametrize("fixture", ["good_register", "mixed_register"])
def test_check_never_modifies_its_input(
    request: pytest.FixtureRequest, capsys: Capsys, args: list[str], fixture: str
) -> None:
    path: Path = request.getfixturevalue(fixture)
    before = (path.read_bytes(), path.stat().st_mtime_ns, sorted(path.parent.iterdir()))

    code, _, _ = cli(capsys, "check", str(path), "--now", NOW, *args)

    assert code in (0, 1)
    assert (path.read_bytes(), path.stat().st_mtime_ns, sorted(path.parent.iterdir())) == before


def test_check_reads_a_register_open_in_excel(capsys: Capsys, good_register: Path) -> None:
    lock = good_register.with_name("~$" + good_register.name)
    lock.write_bytes(b"\x05owner")
    code, _out, err = cli(capsys, "check", str(good_register), "--now", NOW)
    assert (code, err) == (0, "")
    assert lock.read_bytes() == b"\x05owner"


# --- new ---------------------------------------------------------------------------------------------------


def test_new_writes_a_register_that_check_reads(capsys: Capsys, tmp_path: Path) -> None:
    path = tmp_path / "售后登记表.xlsx"
    code, _out, err = cli(capsys, "new", str(path))
    assert (code, err) == (0, "")
    assert path.is_file()
    assert "登记表" in openpyxl.load_workbook(path).sheetnames

    code, report = check_json(capsys, path)
    assert report["sheet"] == "登记表"
    assert report["rows"] == 0
    assert report["cases"] == []
    assert report["issues"] == []
    assert code == 0


def test_new_refuses_to_overwrite_without_force(capsys: Capsys, tmp_path: Path) -> None:
    path = tmp_path / "existing.xlsx"
    path.write_bytes(b"precious")
    assert_cannot_run(cli(capsys, "new", str(path)))
    assert path.read_bytes() == b"precious"


def test_new_overwrites_with_force(capsys: Capsys, tmp_path: Path) -> None:
    path = tmp_path / "existing.xlsx"
    path.write_bytes(b"old")
    code, _, err = cli(capsys, "new", str(path), "--force")
    assert (code, err) == (0, "")
    assert zipfile.is_zipfile(path)
    assert check_json(capsys, path)[0] == 0


def test_new_refuses_even_with_force_when_excel_holds_the_file(capsys: Capsys, tmp_path: Path) -> None:
    path = tmp_path / "existing.xlsx"
    path.write_bytes(b"open in excel")
    path.with_name("~$existing.xlsx").write_bytes(b"\x05owner")
    line = assert_cannot_run(cli(capsys, "new", str(path), "--force"))
    assert "~$existing.xlsx" in line or "Excel" in line
    assert path.read_bytes() == b"open in excel"


def test_new_onto_a_folder(capsys: Capsys, tmp_path: Path) -> None:
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    assert_cannot_run(cli(capsys, "new", str(folder), "--force"))
    assert folder.is_dir()


def test_new_into_a_missing_folder(capsys: Capsys, tmp_path: Path) -> None:
    assert_cannot_run(cli(capsys, "new", str(tmp_path / "no" / "such" / "r.xlsx")))


def test_new_leaves_no_temporary_files(capsys: Capsys, tmp_path: Path) -> None:
    assert cli(capsys, "new", str(tmp_path / "a.xlsx"))[0] == 0
    assert cli(capsys, "new", str(tmp_path / "a.xlsx"), "--force")[0] == 0
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


# --- demo --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str, str]:
    """One demo run shared by the demo tests (capsys is per test, so output is captured by hand)."""
    out = tmp_path_factory.mktemp("demo") / "aftersales-demo"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["demo", "--out", str(out)])
    return out, code, stdout.getvalue(), stderr.getvalue()


def test_demo_writes_register_and_check_outputs(demo_dir: tuple[Path, int, str, str]) -> None:
    out, code, stdout, stderr = demo_dir
    assert code == 0
    assert "Traceback" not in stderr
    assert {p.name for p in out.iterdir()} >= {"售后登记表.xlsx", "check.json", "check.txt"}
    assert stdout.strip(), "the demo prints a summary"


def test_demo_register_has_about_60_cases_of_every_type(demo_dir: tuple[Path, int, str, str]) -> None:
    out = demo_dir[0]
    report = json.loads((out / "check.json").read_text(encoding="utf-8"))
    assert 50 <= len(report["cases"]) <= 70
    assert {case["case_type"] for case in report["cases"]} >= CASE_TYPES

    sheet = openpyxl.load_workbook(out / "售后登记表.xlsx")["登记表"]
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("售后类型")
    labels = {r[column] for r in sheet.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)}
    assert len(labels - {None}) >= 16


def test_demo_check_finds_the_typical_mistakes(demo_dir: tuple[Path, int, str, str]) -> None:
    out = demo_dir[0]
    report = json.loads((out / "check.json").read_text(encoding="utf-8"))
    codes = {issue["code"] for issue in report["issues"]}
    assert codes >= {"order-id-as-number", "evidence-insufficient", "over-ceiling", "solution-late", "cashback-unpaid"}
    assert "rule-crashed" not in codes
    severities = [issue["severity"] for issue in report["issues"]]
    assert report["summary"]["errors"] == severities.count("error")
    assert report["summary"]["warnings"] == severities.count("warning")


REVISION_2_CODES = {
    "self-approval", "approver-unknown", "freight-refund-insured", "cashback-channel", "below-minimum-offer",
    "goods-received-missing", "return-qty-mismatch", "closed-with-money",
}
REVISION_2_COLUMNS = ("申请时间", "运单号", "运费险", "收货时间", "实收数量")


def test_demo_exercises_the_revision_2_columns_and_codes(demo_dir: tuple[Path, int, str, str]) -> None:
    out = demo_dir[0]
    report = json.loads((out / "check.json").read_text(encoding="utf-8"))
    codes = [issue["code"] for issue in report["issues"]]
    assert {code: codes.count(code) for code in REVISION_2_CODES} == dict.fromkeys(REVISION_2_CODES, 1)

    sheet = openpyxl.load_workbook(out / "售后登记表.xlsx")["登记表"]
    headers = [cell.value for cell in sheet[1]]
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]
    for header in REVISION_2_COLUMNS:
        filled = [r[headers.index(header)] for r in rows if r[headers.index(header)] not in (None, "")]
        assert len(filled) >= 3, header
    insured = {r[headers.index("运费险")] for r in rows} - {None}
    assert insured == {"是", "否"}


def test_demo_outputs_agree_with_check(capsys: Capsys, demo_dir: tuple[Path, int, str, str]) -> None:
    out = demo_dir[0]
    saved = json.loads((out / "check.json").read_text(encoding="utf-8"))
    code, fresh = check_json(capsys, out / "售后登记表.xlsx", saved["now"])
    for key in ("sheet", "now", "rows", "cases", "issues", "summary"):
        assert fresh[key] == saved[key], key
    assert code == (1 if saved["summary"]["errors"] else 0)

    text = (out / "check.txt").read_text(encoding="utf-8").rstrip("\n").splitlines()
    numbers = re.findall(r"\d+", text[-1])
    assert str(saved["summary"]["errors"]) in numbers and str(saved["summary"]["warnings"]) in numbers


def test_demo_is_seeded(capsys: Capsys, tmp_path: Path, demo_dir: tuple[Path, int, str, str]) -> None:
    assert cli(capsys, "demo", "--out", str(tmp_path / "again"))[0] == 0
    first = json.loads((demo_dir[0] / "check.json").read_text(encoding="utf-8"))
    second = json.loads((tmp_path / "again" / "check.json").read_text(encoding="utf-8"))
    first.pop("register")
    second.pop("register")
    assert first == second


def test_demo_default_out_folder(capsys: Capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli(capsys, "demo")[0] == 0
    assert (tmp_path / "aftersales-demo" / "售后登记表.xlsx").is_file()


def test_demo_out_is_a_file(capsys: Capsys, tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_text("x")
    assert_cannot_run(cli(capsys, "demo", "--out", str(path)))
