"""Invariants of the 月报 over random multi-file sets (hypothesis): every table adds up to 概览, each case
is counted once, and the counted copy is one of its copies."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from aftersales.validate import validate
from analysis.figures import month_report
from analysis.frame import case_frame, deduplicate
from analysis.records import CaseRecords
from tests.domain import NOW, raw_register, valid_row

KINDS = ("运输破损", "质量问题", "错货错发", "丢件", "虚假签收", "尺码问题", "查件催件")
copy_of_a_case = st.fixed_dictionaries({
    "shop": st.sampled_from(("店A", "店B")),
    "case_id": st.sampled_from(("S1", "S2", "S3", "S4", "S5", None)),
    "day": st.integers(1, 20),
    "kind": st.sampled_from(KINDS),
    "amount": st.integers(0, 3000).map(lambda cents: Decimal(cents).scaleb(-2)),
    "agent": st.sampled_from(("小王", "小李")),
    "platform": st.sampled_from(("淘宝", "京东")),
    "tracking": st.sampled_from((None, "SF12345678", "YT99887766", "75123456")),
})
files = st.lists(st.lists(copy_of_a_case, min_size=1, max_size=6), min_size=1, max_size=4)


def build(sets: list[list[dict[str, object]]]) -> CaseRecords:
    records = CaseRecords()
    for order, rows in enumerate(sets):
        for shop in ("店A", "店B"):
            mine = [r for r in rows if r["shop"] == shop]
            if not mine:
                continue
            registered = [datetime(2026, 11, int(r["day"]), 10) for r in mine]  # type: ignore[call-overload]
            raw = raw_register([valid_row(
                case_id=r["case_id"], registered_at=at, ordered_at=at - timedelta(days=3),
                signed_at=at - timedelta(days=1), case_type=r["kind"], amount=r["amount"], agent=r["agent"],
                platform=r["platform"], tracking_no=r["tracking"], resolved_at=at + timedelta(minutes=30),
                paid_at=at + timedelta(hours=1)) for r, at in zip(mine, registered, strict=True)])
            records.add_report(validate(raw, NOW), raw, shop=shop, file=f"f{order}-{shop}.xlsx", file_order=order)
    return records


@settings(max_examples=60, deadline=None)
@given(files)
def test_every_table_adds_up_and_each_case_counts_once(sets: list[list[dict[str, object]]]) -> None:
    frame = case_frame(build(sets))
    found = deduplicate(frame)
    report = month_report(found, [], [], start=date(2026, 11, 1), end=date(2026, 11, 30), now=NOW)
    tables = {t.key: t for s in report.sheets for t in s.tables}
    overview = dict(next(s.figures for s in report.sheets if s.figures))
    cases = overview["售后数"]
    assert cases == found.cases["key"].nunique() == len(found.cases)
    assert cases + overview["重复登记（已合并）"] == len(frame)
    money = overview["退款与补偿金额"]
    for key, count, value in (("by_type", "售后数", "金额"), ("products", "售后数", "金额"),
                              ("platforms", "售后数", "金额"), ("trend", "售后数", "金额")):
        rows = tables[key].records()
        assert sum(r[count] for r in rows) == cases, key  # type: ignore[misc]
        assert sum((r[value] for r in rows), Decimal("0.00")) == money, key  # type: ignore[misc]
    assert sum(r["售后数"] for r in tables["agents"].records()) == cases  # type: ignore[misc]
    assert sum((r["金额"] for r in tables["refund_channels"].records()), Decimal("0.00")) == money  # type: ignore[misc]
    claims = tables["claims"].records()
    assert len(claims) == overview["快递责任件"] == sum(r["合计"] for r in tables["couriers"].records())  # type: ignore[misc]
    assert sum((r["索赔金额"] for r in claims), Decimal("0.00")) == overview["可向快递索赔"]  # type: ignore[misc]
    # the counted copy comes from the newest register holding the case; a conflict marks exactly it
    newest = frame.groupby("key")["register_latest"].max()
    counted = found.cases.set_index("key")["register_latest"]
    assert (counted == newest.reindex(counted.index)).all()
    marked = [(r["店铺"], r["售后单号"]) for r in tables["conflicts"].records() if r["采用"] == "是"]
    assert len(marked) == found.conflicts["key"].nunique()  # one counted version per conflicting case
