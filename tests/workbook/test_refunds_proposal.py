"""`aftersales refunds` is a proposal (SPEC §14.5): it reads the register's own 退款表 ledger (cases in
it are never proposed again, a renumbered one is held), names its batch FK{D}-P{nn}, records nothing,
and refuses to propose when the ledger cannot be trusted."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from aftersales.sheets import REFUND_HEADERS, STATE_HEADER_ROW
from aftersales.state import BATCHES, EXPORTS
from tests.domain import valid_row
from workbook.cli import main
from workbook.template import build_register_workbook

NOW = "2026-11-21T18:30"
DAY = "2026-11-21"


def unpaid(n: int, **overrides: object) -> dict[str, object]:
    return valid_row(**{"case_id": f"SH20261121-{n:03d}", "order_id": f"90000000000000{n:04d}", "buyer": f"b{n}",
                        "refund_channel": "原路退款", "payee_account": None, "paid_at": None, "status": "待退款",
                        **overrides})


def ledger_line(n: int, batch: str, total: str = "12.00") -> list[object]:
    line: list[object] = [""] * len(REFUND_HEADERS)
    line[0], line[1], line[2], line[5] = batch, f"SH20261121-{n:03d}", f"90000000000000{n:04d}", "原路退款"
    line[7], line[8], line[9] = float(total), 0.0, float(total)
    return line


def register(tmp_path: Path, rows: list[dict[str, object]], ledger: list[list[object]] | None,
             issued: list[str] = (), exports: list[tuple[str, ...]] = ()) -> Path:  # type: ignore[assignment]
    book = build_register_workbook(rows)
    if ledger is not None:
        sheet = book["退款表"]
        for line in ledger:
            sheet.append(line)
    else:
        del book["退款表"]
    state = book["_aftersales"]
    for block, lines in ((BATCHES, [(b, "1", "12.00", "2026-11-21 17:00:00") for b in issued]), (EXPORTS, exports)):
        for offset, line in enumerate([block.headers, *lines]):
            for index, value in enumerate(line):
                state.cell(row=STATE_HEADER_ROW + offset, column=block.default_column + index + 1, value=value)
    path = tmp_path / "register.xlsx"
    book.save(path)
    return path


def propose(path: Path, capsys: pytest.CaptureFixture[str], out: Path) -> tuple[int, dict[str, object], str]:
    code = main(["refunds", str(path), "--date", DAY, "--now", NOW, "-o", str(out), "--json"])
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if captured.out else {}), captured.err


def test_cases_in_the_ledger_are_not_proposed_and_the_batch_is_a_proposal(tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = register(tmp_path, [unpaid(1), unpaid(2)], [ledger_line(1, "FK20261121-01"), ledger_line(9, "FK20261121-P02")],
                    issued=["FK20261121-01"])
    before = path.read_bytes()
    code, data, err = propose(path, capsys, tmp_path / "proposal.xlsx")
    assert code == 0, err
    assert data["batch"] == "FK20261121-P03"
    assert [row["售后单号"] for row in data["payable"]] == ["SH20261121-002"]
    assert path.read_bytes() == before  # nothing recorded
    sheet = openpyxl.load_workbook(tmp_path / "proposal.xlsx")["退款表"]
    batches = {sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row + 1)} - {None}
    assert "FK20261121-01" not in batches  # ledger lines are not copied


def test_a_renumbered_case_is_held_not_proposed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = register(tmp_path, [unpaid(1, case_id="SH20261121-555")], [ledger_line(1, "FK20261121-01")],
                    issued=["FK20261121-01"],
                    exports=[("FK20261121-01", "SH20261121-001", "900000000000000001", "YF-1001-黑-M", "原路退款", "12.00")])
    code, data, _ = propose(path, capsys, tmp_path / "proposal.xlsx")
    assert code == 1 and data["payable"] == []
    assert [i["code"] for i in data["issues"]] == ["possible-double-payment"]
    assert "possible-double-payment" in data["pending"][0]["原因"]


def test_a_ledger_that_lost_a_batch_gives_no_proposal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = register(tmp_path, [unpaid(1)], [], issued=["FK20261121-01"])
    out = tmp_path / "proposal.xlsx"
    code, _, err = propose(path, capsys, out)
    assert code == 2 and "FK20261121-01" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_the_days_paid_cases_are_on_已付(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paid = valid_row()  # paid today at 11:00
    path = register(tmp_path, [paid, unpaid(2, amount=Decimal("8.00"))], None)
    code, data, err = propose(path, capsys, tmp_path / "proposal.xlsx")
    assert code == 0, err
    assert [row["售后单号"] for row in data["paid"]] == ["SH20261121-001"]
    assert [row["售后单号"] for row in data["payable"]] == ["SH20261121-002"]
    book = openpyxl.load_workbook(tmp_path / "proposal.xlsx")
    assert book["已付"].cell(row=2, column=2).value == "SH20261121-001"
