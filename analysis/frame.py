"""The cases as one pandas DataFrame, one row per case: copies of a case across files counted once,
and the copies that disagree listed as conflicts."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.records import CaseRecords

CATEGORIES = ("shop", "file", "sheet", "platform", "agent", "case_type", "resolution", "sku", "status",
              "refund_channel", "courier")
MONEY = ("amount_cents", "freight_cents", "given_cents", "money_cents", "ceiling_cents", "claim_cents")
CONFLICT_FIELDS = ("resolution", "given_cents", "freight_cents")
"""What two copies of a case may not disagree on: the resolution and the money (金额 as meant: a blank
金额 that means the whole 实付 equals that amount typed; a blank 退运费 equals 0)."""
NEWEST_FIRST = ["register_latest", "register_activity", "file_modified", "file_order", "row"]
"""Which copy of a case counts: the register whose latest 登记时间 is latest; between equals the one
worked on last (latest 方案/付款/收货时间), then the file saved last, then the later file and row."""


def case_frame(records: CaseRecords) -> pd.DataFrame:
    """Typed columns: money as whole cents (nullable integers: exact), choices as categories."""
    frame = pd.DataFrame(records.columns())
    for name in CATEGORIES:
        frame[name] = frame[name].astype("category")
    for name in MONEY:
        frame[name] = frame[name].astype("Int64")
    for name in ("registered_at", "register_latest", "register_activity"):
        frame[name] = pd.to_datetime(frame[name])
    for name in ("courier_case", "overdue"):
        frame[name] = frame[name].astype(bool)
    for name in ("row", "file_order", "errors", "warnings"):
        frame[name] = frame[name].astype("int64")
    frame["file_modified"] = frame["file_modified"].astype("float64")
    frame["case_id"] = frame["case_id"].fillna("")  # pandas' str columns would turn a missing id into NaN
    frame["on_time"] = frame["on_time"].astype("boolean")
    return frame


@dataclass(frozen=True)
class Deduplicated:
    cases: pd.DataFrame
    """One row per case: its newest copy (NEWEST_FIRST); a 登记时间 the newest copy lost is taken from
    an older one."""
    conflicts: pd.DataFrame
    """Each version of a case whose copies differ in resolution or money (one row per version: the one
    counted, marked `used`, and the newest copy of every other)."""
    copies_of: pd.Series
    """key → how many copies of the case were found (1: seen once)."""

    def merged(self, keys: pd.Series | None = None) -> int:
        """Copies counted once (the same case seen in several files or rows), of the cases `keys` (all)."""
        counts = self.copies_of if keys is None else self.copies_of.reindex(keys.unique(), fill_value=1)
        return int((counts - 1).sum())


def _join_numbered(frame: pd.DataFrame) -> pd.DataFrame:
    """A row without 售后单号 is the same case as a numbered row with its 订单号, 登记时间 and 售后类型
    (校验 numbered it in a later copy)."""
    numbered = frame[frame["key"] != frame["natural_key"]]
    if numbered.empty or not (frame["key"] == frame["natural_key"]).any():
        return frame
    by_natural = numbered.drop_duplicates("natural_key").set_index("natural_key")["key"]
    blank = frame["key"] == frame["natural_key"]
    joined = frame.loc[blank, "natural_key"].map(by_natural)
    return frame.assign(key=frame["key"].where(~blank, joined.fillna(frame["natural_key"])))


def deduplicate(frame: pd.DataFrame) -> Deduplicated:
    frame = _join_numbered(frame)
    ordered = frame.sort_values(NEWEST_FIRST, ascending=False, na_position="last", kind="stable")
    winners = ordered.drop_duplicates("key", keep="first")
    lost = winners["registered_at"].isna()
    known = ordered.dropna(subset=["registered_at"]).drop_duplicates("key").set_index("key")["registered_at"]
    if lost.any() and not known.empty:
        found = pd.to_datetime(winners["key"].map(known))
        winners = winners.assign(registered_at=winners["registered_at"].where(~lost, found))
    copies = ordered[ordered.duplicated("key", keep=False)]
    signature = (copies["resolution"].astype(str) + "\x1f" + copies["given_cents"].astype("string").fillna("")
                 + "\x1f" + copies["freight_cents"].fillna(0).astype("string"))
    differing = signature.groupby(copies["key"]).transform("nunique") > 1
    versions = copies[differing].assign(used=lambda f: f.index.isin(winners.index), version=signature[differing])
    # the counted copy first, then the newest copy of each other version
    versions = versions.sort_values("used", ascending=False, kind="stable").drop_duplicates(["key", "version"])
    conflicts = versions.sort_values(["shop", "key", "used"], ascending=[True, True, False], kind="stable")
    return Deduplicated(cases=winners.sort_index(), conflicts=conflicts.drop(columns="version"),
                        copies_of=frame["key"].value_counts())
