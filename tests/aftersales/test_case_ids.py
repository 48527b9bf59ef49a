"""Blank 售后单号 get SH + registered date + sequence, continuing after the numbers already used."""

from __future__ import annotations

from datetime import datetime

from aftersales.case_ids import assign_case_ids, with_case_ids
from tests.domain import NOW, raw_register, run, valid_row


def test_blank_ids_continue_the_sequence_of_their_registered_date():
    rows = [
        valid_row(case_id="SH20261121-007"),
        valid_row(case_id=None),
        valid_row(case_id="  "),
        valid_row(case_id=None, registered_at=datetime(2026, 11, 20, 9, 0)),
        valid_row(case_id="SH20261120-001"),
        valid_row(case_id=None, registered_at="坏日期"),
    ]
    assert assign_case_ids(raw_register(rows), NOW) == {
        3: "SH20261121-008",
        4: "SH20261121-009",
        5: "SH20261120-002",
        7: "SH20261121-010",  # unreadable 登记时间: today's date
    }


def test_numbering_again_gives_nothing_new_and_no_duplicates():
    raw = raw_register([valid_row(case_id=None), valid_row(case_id=None)])
    assigned = assign_case_ids(raw, NOW)
    assert assigned == {2: "SH20261121-001", 3: "SH20261121-002"}
    numbered = with_case_ids(raw, assigned)
    assert assign_case_ids(numbered, NOW) == {}
    report = run([valid_row(case_id=i) for i in assigned.values()])
    assert "duplicate-case-id" not in {i.code for i in report.issues}


def test_register_without_an_id_column_gets_none():
    raw = raw_register([valid_row(case_id=None)])
    raw = type(raw)(raw.sheet, raw.header_row, ["x", *raw.header[1:]], raw.rows)
    assert assign_case_ids(raw, NOW) == {}
