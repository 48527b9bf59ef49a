"""The 月报's figures: pure functions from the deduplicated cases (a DataFrame) to tables of cells.

Each sheet of the report workbook and each list of `report --json` is one `Table`, so the two cannot
disagree. Money leaves here as `Decimal` (summed as whole cents), rates as fractions rounded to 4 places.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import pandas as pd

from aftersales.taxonomy import CASE_TYPES, CaseType, case_type_label
from analysis.frame import Deduplicated

DAILY_UP_TO = 62
"""Periods up to this many days trend by day; longer ones by week (weeks start on Monday)."""
TOP_BARS = 15
"""Bars in a ranking chart (the table below lists every row)."""
GOODS_FAULTS = (CaseType.QUALITY, CaseType.DAMAGED, CaseType.WRONG_ITEM)
COURIER_FAULTS = (CaseType.DAMAGED, CaseType.LOST, CaseType.FALSE_SIGN)
TYPE_ORDER = {choice.label: index for index, choice in enumerate(CASE_TYPES)}


@dataclass(frozen=True)
class Chart:
    title: str
    category: str
    """Header of the column naming the bars."""
    values: str
    """Header of the column the bars measure."""
    bars: int | None = None
    """Only the first rows (a ranking's top); None: every row."""
    column: bool = False
    """Vertical columns (a trend over time) instead of horizontal bars."""


@dataclass(frozen=True)
class Table:
    key: str
    """Its name in `report --json`."""
    title: str
    headers: tuple[str, ...]
    rows: Sequence[Sequence[object]]
    money: frozenset[str] = frozenset()
    percent: frozenset[str] = frozenset()
    chart: Chart | None = None

    def records(self) -> list[dict[str, object]]:
        return [dict(zip(self.headers, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Sheet:
    name: str
    tables: tuple[Table, ...]
    figures: tuple[tuple[str, object], ...] = ()
    """Label and value lines above the tables (概览)."""
    percent_figures: frozenset[str] = frozenset()
    money_figures: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def text(self) -> str:
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"


@dataclass(frozen=True)
class SourceFile:
    path: str
    shop: str
    sheets: tuple[str, ...]
    cases: int


@dataclass(frozen=True)
class MonthReport:
    period: Period | None
    """None when no case has a 登记时间 and none was asked for."""
    shop: str | None
    files: tuple[SourceFile, ...]
    sheets: tuple[Sheet, ...] = field(default_factory=tuple)


def money(cents: object) -> Decimal:
    """Whole cents (a pandas sum) as yuan, exact."""
    return Decimal(int(cents)).scaleb(-2) if not pd.isna(cents) else Decimal("0.00")  # type: ignore[call-overload]


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def choose_period(cases: pd.DataFrame, start: date | None, end: date | None, now: datetime | None = None) -> Period | None:
    """The period asked for. A missing end is the first or last 登记时间 found on its side of the other
    end (the other end itself when there is none); 登记时间 after `now` (typing mistakes, reported by
    the check) do not stretch it."""
    moments = cases["registered_at"].dropna()
    if now is not None:
        moments = moments[moments <= pd.Timestamp(now)]
    days = sorted({m.date() for m in moments})
    if start is None and end is None:
        return Period(days[0], days[-1]) if days else None
    if start is None:
        assert end is not None
        return Period(min([d for d in days if d <= end], default=end), end)
    if end is None:
        return Period(start, max([d for d in days if d >= start], default=start))
    return Period(start, end)


def within(cases: pd.DataFrame, period: Period) -> pd.DataFrame:
    day = cases["registered_at"].dt.date
    return cases[(day >= period.start) & (day <= period.end)]


def _count_by(cases: pd.DataFrame, column: str) -> pd.Series:
    return cases.groupby(column, observed=True).size()


def _sum_by(cases: pd.DataFrame, column: str, value: str) -> pd.Series:
    return cases.groupby(column, observed=True)[value].sum()


# --- 概览 ------------------------------------------------------------------------------------------


def overview(cases: pd.DataFrame, previous: pd.DataFrame, period: Period | None, *, merged: int, conflicts: int,
             unreadable: int, undated: int, files: Sequence[SourceFile]) -> Sheet:
    due = int(cases["on_time"].notna().sum())
    solved = int(cases["on_time"].fillna(False).sum())
    figures: tuple[tuple[str, object], ...] = (
        ("期间", period.text() if period else "—"),
        ("店铺", "、".join(sorted({f.shop for f in files})) or "—"),
        ("登记表文件", len(files)),
        ("售后数", len(cases)),
        ("上期售后数", len(previous)),
        ("当天给方案率", rate(solved, due)),
        ("超时未给方案", int(cases["overdue"].sum())),
        ("退款与补偿金额", money(cases["money_cents"].sum())),
        ("其中退运费", money(cases["freight_cents"].sum())),
        ("快递责任件", int(cases["courier_case"].sum())),
        ("可向快递索赔", money(cases["claim_cents"].sum())),
        ("错误", int(cases["errors"].sum())),
        ("警告", int(cases["warnings"].sum())),
        ("重复登记（已合并）", merged),
        ("冲突的售后单", conflicts),
        ("无法读取的文件", unreadable),
        ("登记时间无法识别（未计入）", undated),
    )
    return Sheet("概览", (trend(cases, period), files_read(files)), figures, percent_figures=frozenset({"当天给方案率"}),
                 money_figures=frozenset({"退款与补偿金额", "其中退运费", "可向快递索赔"}))


def trend(cases: pd.DataFrame, period: Period | None) -> Table:
    """Cases, solutions in time and money per day (per week for long periods), every day shown."""
    if period is None:
        return Table("trend", "按日趋势", ("日期", "售后数", "当天给方案", "金额"), [], money=frozenset({"金额"}))
    weekly = period.days > DAILY_UP_TO
    day = cases["registered_at"].dt.normalize()
    if weekly:
        day = day - pd.to_timedelta(day.dt.weekday, unit="D")
    by = cases.assign(bucket=day.dt.date).groupby("bucket")
    counts, solved, out = by.size(), by["on_time"].sum(), by["money_cents"].sum()
    first = period.start - timedelta(days=period.start.weekday()) if weekly else period.start
    step = timedelta(days=7 if weekly else 1)
    rows: list[tuple[object, ...]] = []
    bucket = first
    while bucket <= period.end:
        rows.append((bucket, int(counts.get(bucket, 0)), int(solved.get(bucket, 0)), money(out.get(bucket, 0))))
        bucket += step
    label = "周（周一）" if weekly else "日期"
    return Table("trend", "按周趋势" if weekly else "按日趋势", (label, "售后数", "当天给方案", "金额"), rows,
                 money=frozenset({"金额"}), chart=Chart("售后数" + ("（按周）" if weekly else "（按日）"), label,
                                                         "售后数", column=True))


def files_read(files: Sequence[SourceFile]) -> Table:
    """Which file counted for which shop: a wrong shop (a folder named 11月) shows here."""
    rows = [(f.path, f.shop, "、".join(f.sheets), f.cases) for f in files]
    return Table("files_read", "读入的登记表", ("文件", "店铺", "工作表", "行数"), rows)


# --- 按类型 ----------------------------------------------------------------------------------------


def by_type(cases: pd.DataFrame, previous: pd.DataFrame) -> Table:
    counts, before = _count_by(cases, "case_type"), _count_by(previous, "case_type")
    out = _sum_by(cases, "case_type", "money_cents")
    total = len(cases)
    kinds = sorted(set(counts.index) | set(before.index),
                   key=lambda k: (-int(counts.get(k, 0)), TYPE_ORDER.get(k, len(TYPE_ORDER)), str(k)))
    rows: list[tuple[object, ...]] = []
    for kind in kinds:
        now, then = int(counts.get(kind, 0)), int(before.get(kind, 0))
        rows.append((kind, now, rate(now, total), money(out.get(kind, 0)), then, now - then,
                     rate(now - then, then)))
    return Table("by_type", "按售后类型", ("售后类型", "售后数", "占比", "金额", "上期售后数", "变化", "变化率"), rows,
                 money=frozenset({"金额"}), percent=frozenset({"占比", "变化率"}),
                 chart=Chart("售后数（按类型）", "售后类型", "售后数"))


# --- 商品 ------------------------------------------------------------------------------------------


def _main_reasons(kinds: pd.Series) -> str:
    counted = kinds.value_counts()
    ranked = sorted(((k, int(n)) for k, n in counted.items() if n), key=lambda kn: (-kn[1], TYPE_ORDER.get(kn[0], 99)))
    return "、".join(f"{kind} {count}" for kind, count in ranked[:3])


def products(cases: pd.DataFrame) -> Table:
    """货号 ranked by what the factory or the packing should fix: quality, damage and wrong-item cases."""
    labels = [case_type_label(kind) for kind in GOODS_FAULTS]
    faults = {label: (cases["case_type"] == label) for label in labels}
    frame = cases.assign(**{f"fault{i}": faults[label] for i, label in enumerate(labels)})
    grouped = frame.groupby("sku", observed=True)
    summary = pd.DataFrame({
        "count": grouped.size(),
        **{f"fault{i}": grouped[f"fault{i}"].sum() for i in range(len(labels))},
        "money": grouped["money_cents"].sum(),
    })
    summary["faults"] = summary[[f"fault{i}" for i in range(len(labels))]].sum(axis=1)
    summary = summary.rename_axis("sku").reset_index()
    summary["sku"] = summary["sku"].astype(str)
    summary = summary.sort_values(["faults", "money", "count", "sku"], ascending=[False, False, False, True],
                                  kind="stable").set_index("sku")
    reasons = grouped["case_type"].agg(_main_reasons)
    rows = [(str(sku), int(line["count"]), *(int(line[f"fault{i}"]) for i in range(len(labels))), int(line["faults"]),
             money(line["money"]), reasons[sku]) for sku, line in summary.iterrows()]
    return Table("products", "按货号（质量、破损、错发排前）",
                 ("货号", "售后数", *labels, "问题件合计", "金额", "主要原因"), rows, money=frozenset({"金额"}),
                 chart=Chart(f"问题件合计（前 {TOP_BARS} 个货号）", "货号", "问题件合计", bars=TOP_BARS))


# --- 快递 ------------------------------------------------------------------------------------------


def couriers(cases: pd.DataFrame) -> Table:
    liable = cases[cases["courier_case"]]
    labels = [case_type_label(kind) for kind in COURIER_FAULTS]
    rows: list[tuple[object, ...]] = []
    for courier, group in liable.groupby("courier", observed=True):
        kinds = group["case_type"].value_counts()
        rows.append((str(courier), *(int(kinds.get(label, 0)) for label in labels), len(group),
                     money(group["money_cents"].sum()), money(group["claim_cents"].sum())))
    rows.sort(key=lambda r: (-int(r[4]), str(r[0])))  # type: ignore[call-overload]
    return Table("couriers", "按快递公司（破损、丢件、虚假签收）",
                 ("快递公司", *labels, "合计", "我方赔付金额", "索赔金额"), rows,
                 money=frozenset({"我方赔付金额", "索赔金额"}), chart=Chart("快递责任件（按快递公司）", "快递公司", "合计"))


def claims(cases: pd.DataFrame) -> Table:
    """The list to send each courier: one line per damaged, lost or falsely signed parcel."""
    liable = cases[cases["courier_case"]].sort_values(["courier", "registered_at", "shop", "row"], kind="stable")
    rows = [(str(c.courier), c.tracking_no or "（未填运单号）", str(c.shop), c.case_id or "", str(c.case_type),
             _moment(c.registered_at), c.buyer, money(c.claim_cents), c.status, str(c.file), str(c.sheet), int(c.row))
            for c in liable.itertuples(index=False)]
    return Table("claims", "索赔清单", ("快递公司", "运单号", "店铺", "售后单号", "售后类型", "登记时间", "买家",
                                        "索赔金额", "状态", "文件", "工作表", "行"), rows, money=frozenset({"索赔金额"}))


def _moment(value: object) -> datetime | None:
    return None if pd.isna(value) else value.to_pydatetime()  # type: ignore[attr-defined]


# --- 客服 ------------------------------------------------------------------------------------------


def agents(cases: pd.DataFrame) -> Table:
    rows: list[tuple[object, ...]] = []
    for agent, group in cases.groupby("agent", observed=True):
        due = int(group["on_time"].notna().sum())
        solved = int(group["on_time"].fillna(False).sum())
        gave = group[group["given_cents"] > 0]
        with_ceiling = gave[gave["ceiling_cents"].notna()]
        over = int((with_ceiling["given_cents"] > with_ceiling["ceiling_cents"]).sum())
        rows.append((str(agent), len(group), solved, rate(solved, due), int(group["overdue"].sum()),
                     int(group["errors"].sum()), int(group["warnings"].sum()), money(gave["given_cents"].sum()),
                     money(with_ceiling["ceiling_cents"].sum()), over))
    rows.sort(key=lambda r: (-int(r[1]), str(r[0])))  # type: ignore[call-overload]
    return Table("agents", "按客服", ("客服", "售后数", "当天给方案", "当天给方案率", "超时未给方案", "错误", "警告",
                                       "补偿金额", "对应补偿上限", "超上限件数"), rows,
                 money=frozenset({"补偿金额", "对应补偿上限"}), percent=frozenset({"当天给方案率"}),
                 chart=Chart("售后数（按客服）", "客服", "售后数", bars=TOP_BARS))


# --- 渠道 ------------------------------------------------------------------------------------------


def platforms(cases: pd.DataFrame) -> Table:
    counts, out = _count_by(cases, "platform"), _sum_by(cases, "platform", "money_cents")
    rows = sorted(((str(p), int(n), money(out.get(p, 0))) for p, n in counts.items()), key=lambda r: (-r[1], r[0]))
    return Table("platforms", "按平台", ("平台", "售后数", "金额"), list(rows), money=frozenset({"金额"}),
                 chart=Chart("售后数（按平台）", "平台", "售后数"))


def refund_channels(cases: pd.DataFrame) -> Table:
    paying = cases[cases["money_cents"] > 0]
    counts, out = _count_by(paying, "refund_channel"), _sum_by(paying, "refund_channel", "money_cents")
    rows = sorted(((str(c), int(n), money(out.get(c, 0))) for c, n in counts.items()), key=lambda r: (-r[2], r[0]))
    return Table("refund_channels", "按退款方式（有退款或补偿的售后）", ("退款方式", "笔数", "金额"), list(rows),
                 money=frozenset({"金额"}), chart=Chart("金额（按退款方式）", "退款方式", "金额"))


# --- 冲突, 无法读取 ---------------------------------------------------------------------------------


def conflicts(copies: pd.DataFrame) -> Table:
    rows = [(str(c.shop), c.case_id or "（无售后单号）", str(c.file), str(c.sheet), int(c.row), str(c.resolution),
             None if pd.isna(c.amount_cents) else money(c.amount_cents),
             None if pd.isna(c.freight_cents) else money(c.freight_cents), _moment(c.registered_at),
             "是" if c.used else "否") for c in copies.itertuples(index=False)]
    return Table("conflicts", "同一售后单的几份记录处理方案或金额不一致（每个不同版本一行；采用=计入本报表的那一份）",
                 ("店铺", "售后单号", "文件", "工作表", "行", "处理方案", "金额", "退运费", "登记时间", "采用"), rows,
                 money=frozenset({"金额", "退运费"}))


def unreadable(problems: Sequence[tuple[str, str]]) -> Table:
    return Table("unreadable", "没有读入本报表的文件", ("文件", "原因"), [tuple(p) for p in problems])


# --- the whole report ------------------------------------------------------------------------------


def month_report(found: Deduplicated, files: Sequence[SourceFile], problems: Sequence[tuple[str, str]], *,
                 start: date | None = None, end: date | None = None, shop: str | None = None,
                 now: datetime | None = None) -> MonthReport:
    """Every sheet's figures for the cases registered in the period (in one shop when `shop` is given).
    Copies merged and conflicts are those of the cases counted in the period."""
    cases, copies = found.cases, found.conflicts
    if shop is not None:
        cases, copies = cases[cases["shop"] == shop], copies[copies["shop"] == shop]
        files = [f for f in files if f.shop == shop]
    period = choose_period(cases, start, end, now)
    dated = cases[cases["registered_at"].notna()]
    undated = len(cases) - len(dated)
    now = within(dated, period) if period else dated.iloc[0:0]
    before = within(dated, period.previous()) if period else dated.iloc[0:0]
    copies = copies[copies["key"].isin(now["key"])]
    sheets = (
        overview(now, before, period, merged=found.merged(now["key"]), conflicts=copies["key"].nunique(),
                 unreadable=len(problems), undated=undated, files=files),
        Sheet("按类型", (by_type(now, before),)),
        Sheet("商品", (products(now),)),
        Sheet("快递", (couriers(now), claims(now))),
        Sheet("客服", (agents(now),)),
        Sheet("渠道", (platforms(now), refund_channels(now))),
        Sheet("冲突", (conflicts(copies),)),
        Sheet("无法读取", (unreadable(problems),)),
    )
    return MonthReport(period, shop, tuple(files), sheets)
