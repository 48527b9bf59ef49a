"""The cases as one pandas DataFrame, one row per case: copies of a case across files counted once,
and the copies that disagree listed as conflicts."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.records import CaseRecords

CATEGORIES = ("shop", "file", "sheet", "platform", "agent", "case_type", "resolution", "sku", "status",
              "refund_channel", "courier")
MONEY = ("amount_cents", "freight_cents", "given_cents", "money_cents", "ceiling_cents", "claim_cents")
CONFLICT_FIELDS = ("resolution", "amount_cents", "freight_cents")
"""What two copies of a case may not disagree on: the resolution and the money."""


def case_frame(records: CaseRecords) -> pd.DataFrame:
    """Typed columns: money as whole cents (nullable integers: exact), choices as categories."""
    frame = pd.DataFrame(records.columns())
    for name in CATEGORIES:
        frame[name] = frame[name].astype("category")
    for name in MONEY:
        frame[name] = frame[name].astype("Int64")
    for name in ("registered_at", "register_latest"):
        frame[name] = pd.to_datetime(frame[name])
    frame["on_time"] = frame["on_time"].astype("boolean")
    return frame


@dataclass(frozen=True)
class Deduplicated:
    cases: pd.DataFrame
    """One row per case: the copy from the register whose latest 登记时间 is latest (then the later file
    in the order given, then the lower row)."""
    conflicts: pd.DataFrame
    """Every copy of each case whose copies differ in resolution or money; `used` marks the one counted."""
    copies_of: pd.Series
    """key → how many copies of the case were found (1: seen once)."""

    def merged(self, keys: pd.Series | None = None) -> int:
        """Copies counted once (the same case seen in several files or rows), of the cases `keys` (all)."""
        counts = self.copies_of if keys is None else self.copies_of.reindex(keys.unique(), fill_value=1)
        return int((counts - 1).sum())


def deduplicate(frame: pd.DataFrame) -> Deduplicated:
    ordered = frame.sort_values(["register_latest", "file_order", "row"], ascending=[False, False, False],
                                na_position="last", kind="stable")
    winners = ordered.drop_duplicates("key", keep="first")
    copies = frame[frame.duplicated("key", keep=False)]
    if copies.empty:
        conflicts = copies.assign(used=pd.Series(dtype=bool))
    else:
        signature = copies[list(CONFLICT_FIELDS)].astype("string").fillna("").agg("\x1f".join, axis=1)
        differing = signature.groupby(copies["key"], observed=True).transform("nunique") > 1
        conflicts = copies[differing].assign(used=lambda f: f.index.isin(winners.index))
        conflicts = conflicts.sort_values(["shop", "key", "file_order", "row"], kind="stable")
    return Deduplicated(cases=winners.sort_index(), conflicts=conflicts, copies_of=frame["key"].value_counts())
