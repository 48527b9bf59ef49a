"""One case = one (shop, 售后单号): copies across files counted once, the copy from the register whose
latest 登记时间 is latest counted, copies that disagree on money or resolution listed as conflicts."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from aftersales.validate import validate
from analysis.frame import case_frame, deduplicate
from analysis.records import CaseRecords
from tests.domain import NOW, raw_register, valid_row


def records(*files: tuple[str, str, list[dict[str, object]]]) -> CaseRecords:
    """(shop, file name, rows) per file, in the order given."""
    found = CaseRecords()
    for order, (shop, name, rows) in enumerate(files):
        raw = raw_register(rows)
        found.add_report(validate(raw, NOW), raw, shop=shop, file=name, file_order=order)
    return found


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour)


def test_a_copied_forward_register_counts_each_case_once_and_identical_copies_are_no_conflict() -> None:
    first = [valid_row(case_id="SH1", registered_at=at(1)), valid_row(case_id="SH2", registered_at=at(1))]
    second = [*first, valid_row(case_id="SH3", registered_at=at(2))]
    found = deduplicate(case_frame(records(("店A", "d1.xlsx", first), ("店A", "d2.xlsx", second))))
    assert sorted(found.cases["case_id"]) == ["SH1", "SH2", "SH3"]
    assert set(found.cases["file"].astype(str)) == {"d2.xlsx"}
    assert found.merged() == 2 and found.conflicts.empty


def test_the_newest_register_wins_even_when_given_first() -> None:
    newer = [valid_row(case_id="SH1", registered_at=at(1), amount=Decimal("15")), valid_row(case_id="SH9", registered_at=at(5))]
    older = [valid_row(case_id="SH1", registered_at=at(1), amount=Decimal("12"))]
    found = deduplicate(case_frame(records(("店A", "new.xlsx", newer), ("店A", "old.xlsx", older))))
    winner = found.cases[found.cases["case_id"] == "SH1"].iloc[0]
    assert (winner["file"], winner["amount_cents"]) == ("new.xlsx", 1500)
    assert list(zip(found.conflicts["file"].astype(str), found.conflicts["used"], strict=True)) == [
        ("new.xlsx", True), ("old.xlsx", False)]


def test_a_different_resolution_is_a_conflict_a_different_status_is_not() -> None:
    base = valid_row(case_id="SH1", registered_at=at(1))
    found = deduplicate(case_frame(records(("店A", "a.xlsx", [base]), ("店A", "b.xlsx", [{**base, "status": "待处理"}]))))
    assert found.conflicts.empty and len(found.cases) == 1
    found = deduplicate(case_frame(records(("店A", "a.xlsx", [base]),
                                           ("店A", "b.xlsx", [{**base, "resolution": "退货退款", "amount": Decimal("100")}]))))
    assert len(found.conflicts) == 2 and len(found.cases) == 1
    found = deduplicate(case_frame(records(("店A", "a.xlsx", [base]), ("店A", "b.xlsx", [{**base, "freight_refund": Decimal("8")}]))))
    assert len(found.conflicts) == 2


def test_shops_may_reuse_a_case_id() -> None:
    row = valid_row(case_id="SH1", registered_at=at(1))
    found = deduplicate(case_frame(records(("店A", "a.xlsx", [row]), ("店B", "b.xlsx", [row]))))
    assert len(found.cases) == 2 and found.merged() == 0 and found.conflicts.empty


def test_a_row_without_case_id_is_matched_by_order_time_and_type() -> None:
    row = valid_row(case_id=None, registered_at=at(1))
    other = valid_row(case_id=None, registered_at=at(1, 11))
    found = deduplicate(case_frame(records(("店A", "a.xlsx", [row]), ("店A", "b.xlsx", [row, other]))))
    assert len(found.cases) == 2 and found.merged() == 1


def test_money_is_exact_to_the_cent() -> None:
    rows = [valid_row(case_id=f"SH{i}", registered_at=at(1), amount=Decimal("0.10")) for i in range(3)]
    found = deduplicate(case_frame(records(("店A", "a.xlsx", rows))))
    assert found.cases["given_cents"].sum() == 30  # 0.1 + 0.1 + 0.1 is 0.30 here, not 0.30000000000000004
    assert str(found.cases["given_cents"].dtype) == "Int64"
