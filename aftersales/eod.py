"""End-of-day figures (日结, SPEC §10) for a date and a `now`, and the report's layout as a grid that
both the standalone workbook and the in-workbook 日结 button render the same way."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict

from aftersales.checks.clock import cashback_due, cashback_due_at
from aftersales.issues import CATALOGUE, Issue, Severity
from aftersales.payout import refund_money
from aftersales.refunds import RefundSheet, refund_sheet
from aftersales.taxonomy import CASE_TYPES, MONEY_RESOLUTIONS, Resolution, case_type_label, resolution_label
from aftersales.validate import CaseResult, Report

ZERO = Decimal("0.00")
_SEPARATOR = r"(?:\s*[.\-‐‑–—]\s*|\s+)?"
_PHONE = re.compile(
    rf"(?<!\d)(?:(?:\+|00)?86{_SEPARATOR}|\(\+?86\){_SEPARATOR})?1\d{{2}}{_SEPARATOR}\d{{4}}{_SEPARATOR}\d{{4}}(?!\d)"
)
"""A mainland mobile number in the ways people write it: 13800001234, 138-0000-1234, 138 0000 1234,
138.0000.1234, 138 - 0000 - 1234, +86 138 0000 1234, 8613800001234, (+86)13800001234 (full-width digits
are folded first)."""
_EMAIL = re.compile(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)+")


def mask(text: str | None) -> str:
    """Only the last 4 characters shown: 6222 0210 0011 2233 → ***************2233."""
    if not text:
        return ""
    return "*" * max(0, len(text) - 4) + text[-4:]


def _masked_phone(match: re.Match[str]) -> str:
    return "*******" + re.sub(r"\D", "", match.group(0))[-4:]


def _masked_email(match: re.Match[str]) -> str:
    name, _, domain = match.group(0).partition("@")
    return f"{name[:2]}***@{domain}"


_HALF_WIDTH = {
    **{code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))},
    0xFF0B: ord("+"), 0xFF0D: ord("-"), 0xFF0E: ord("."), 0xFF20: ord("@"), 0x3000: ord(" "),
}
"""Full-width digits, letters and the signs of phones and e-mails, as their ASCII selves (the rest of
the text, Chinese punctuation included, is left as typed)."""
_FULL_WIDTH = re.compile("[" + "".join(map(chr, _HALF_WIDTH)) + "]")
_DIGITS = re.compile(r"\d\d\d")


def mask_text(text: str | None) -> str:
    """Text shown as typed, except the phone numbers and e-mail addresses in it (SPEC §14.6): a phone
    shows its last 4 digits, an e-mail its first 2 characters, *** and its domain."""
    if not text:
        return ""
    if _FULL_WIDTH.search(text):
        text = text.translate(_HALF_WIDTH)
    if _DIGITS.search(text):  # a phone has digits; the e-mail pattern is costly, so only where an @ is
        text = _PHONE.sub(_masked_phone, text)
    return _EMAIL.sub(_masked_email, text) if "@" in text else text


def mask_account(account: str | None) -> str:
    """A 收款账号: a phone or an e-mail masked as such; any other account shows its last 4 characters."""
    if not account:
        return ""
    folded = account.translate(_HALF_WIDTH).strip()
    if _PHONE.fullmatch(folded) or _EMAIL.fullmatch(folded):
        return mask_text(folded)
    return mask(folded)


def mask_buyer(buyer: str | None) -> str:
    """A buyer shown as typed, except phone numbers and e-mails inside it."""
    return mask_text(buyer)


class ListedCase(BaseModel):
    """A case in one of the report's lists: always its 售后单号 and Excel row."""

    model_config = ConfigDict(frozen=True)

    row: int
    case_id: str | None
    case_type: str
    agent: str | None
    buyer: str
    detail: str
    money: Decimal | None = None
    """The money the line is about (an unpaid cashback, a courier claim)."""


class AgentLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    agent: str
    cases: int
    overdue: int
    errors: int
    warnings: int


class EndOfDay(BaseModel):
    """Everything the team lead needs before going home."""

    model_config = ConfigDict(frozen=True)

    day: date
    now: datetime
    registered: int
    solved_same_day: int
    overdue: tuple[ListedCase, ...]
    cashback_count: int
    cashback_sum: Decimal
    cashback_paid: Decimal
    cashback_paid_count: int
    cashback_unpaid: tuple[ListedCase, ...]
    money_by_resolution: tuple[tuple[str, Decimal], ...]
    money_by_channel: tuple[tuple[str, Decimal], ...]
    by_case_type: tuple[tuple[str, int], ...]
    agents: tuple[AgentLine, ...]
    due_tomorrow: tuple[ListedCase, ...]
    open_ages: tuple[tuple[str, int], ...]
    """Open cases by days since registered (SPEC §14.6: 0–1, 2–3, 4–7, > 7 天)."""
    action_cases: int
    """Cases that need action before going home (each once), plus problems not on a case row."""
    courier: tuple[ListedCase, ...]
    held_refunds: tuple[ListedCase, ...]
    errors: tuple[ListedCase, ...]
    error_count: int
    warning_count: int

    @property
    def solved_pct(self) -> Decimal:
        if not self.registered:
            return ZERO
        share = Decimal(self.solved_same_day * 100) / Decimal(self.registered)
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def cashback_unpaid_sum(self) -> Decimal:
        """Every unpaid cashback due by the end of the day, from any day."""
        return sum((case.money or ZERO for case in self.cashback_unpaid), ZERO)

    @property
    def money_out(self) -> Decimal:
        return sum((amount for _, amount in self.money_by_resolution), ZERO)

    @property
    def needs_action(self) -> int:
        """Cases to handle before going home (overdue, unpaid cashback, errors), each counted once."""
        return self.action_cases


def _listed(result: CaseResult, detail: str, money: Decimal | None = None) -> ListedCase:
    case = result.case
    kind = case_type_label(case.case_type) if case.case_type else "（未填类型）"
    return ListedCase(row=case.row, case_id=case.case_id, case_type=kind, agent=case.agent,
                      buyer=mask_buyer(case.buyer), detail=mask_text(detail), money=money)


AGE_BUCKETS = (("0–1 天", 0, 1), ("2–3 天", 2, 3), ("4–7 天", 4, 7), ("7 天以上", 8, None))


def _open_ages(results: tuple[CaseResult, ...], day: date) -> tuple[tuple[str, int], ...]:
    ages = [(day - r.case.registered_at.date()).days for r in results
            if r.case.is_open and r.case.registered_at is not None and r.case.registered_at.date() <= day]
    return tuple((label, sum(1 for age in ages if low <= age and (high is None or age <= high)))
                 for label, low, high in AGE_BUCKETS)


def courier_claim_money(result: CaseResult) -> Decimal:
    """What the shop claims from the courier: money given (金额 + 退运费) and reshipped goods (涉及金额)."""
    case = result.case
    goods = case.item_amount or ZERO if case.resolution is Resolution.RESHIP else ZERO
    return refund_money(case) + (case.freight_refund or ZERO) + goods


def _courier_line(result: CaseResult) -> ListedCase:
    case = result.case
    claim = courier_claim_money(result)
    detail = (f"运单号 {case.tracking_no or '（未填）'}；索赔 {claim:.2f} 元；{case.liable_party or '责任待定'}；"
              f"{case.status or '待处理'}")
    return _listed(result, detail, claim)


def _errors_text(issues: list[Issue]) -> str:
    """A case's errors on one printed line: the whole message when there is one, else each field with
    the error's short title (the row's 校验 cell has the messages)."""
    if len(issues) == 1:
        issue = issues[0]
        return f"{issue.field or issue.column or ''}：[{issue.code}] {issue.message}"
    return "；".join(f"{i.field or i.column or ''}：{CATALOGUE[i.code].title}（{i.code}）" for i in issues)


def _error_lines(report: Report, by_row: dict[int, CaseResult]) -> tuple[list[ListedCase], list[ListedCase]]:
    """One line per case with all its errors; and a line for each problem outside the register's rows."""
    lines: list[ListedCase] = []
    by_case: dict[int, list[Issue]] = defaultdict(list)
    for issue in report.issues:
        if issue.severity is not Severity.ERROR:
            continue
        if issue.sheet == report.sheet and issue.row in by_row:
            by_case[issue.row or 0].append(issue)
        else:
            lines.append(ListedCase(row=issue.row or 0, case_id=None, case_type=issue.sheet, agent=None, buyer="",
                                    detail=mask_text(f"[{issue.code}] {issue.message}")))
    cases = [_listed(by_row[row], _errors_text(issues)) for row, issues in sorted(by_case.items())]
    return cases, lines


def _registered_on(result: CaseResult, day: date) -> bool:
    return result.case.registered_at is not None and result.case.registered_at.date() == day


def end_of_day(report: Report, day: date, refunds: RefundSheet | None = None) -> EndOfDay:
    """The day's figures from a validated register (`report.now` is the moment of the check)."""
    policy = report.policy
    results = report.results
    by_row = {result.case.row: result for result in results}
    today = [r for r in results if _registered_on(r, day)]
    solved = [r for r in today if r.deadline and r.case.resolved_at and r.case.resolved_at <= r.deadline]
    overdue = [_listed(r, f"截止 {r.deadline:%m-%d %H:%M}") for r in results if r.overdue and r.deadline]

    def paid(result: CaseResult) -> bool:  # a 付款时间 in the future is not a payment yet
        return result.case.paid_at is not None and result.case.paid_at <= report.now

    def money_of(result: CaseResult) -> Decimal:  # the whole row is paid at once, 退运费 included
        return refund_money(result.case) + (result.case.freight_refund or ZERO)

    due = [r for r in results if cashback_due(r.case, policy) and r.case.resolved_at
           and cashback_due_at(r.case, policy).date() == day]
    cash = [(r, money_of(r)) for r in due]
    unpaid = []  # every unpaid cashback due by the day's end, from any day (SPEC §14.6)
    for r in results:
        if not (cashback_due(r.case, policy) and r.case.resolved_at and not paid(r)):
            continue
        deadline = cashback_due_at(r.case, policy)
        if deadline.date() <= day:
            money = money_of(r)
            unpaid.append(_listed(r, f"应于 {deadline:%m-%d %H:%M} 前付；{r.case.refund_channel} {money:.2f} 元，"
                                     f"收款账号 {mask_account(r.case.payee_account)}", money))
    tomorrow = day + timedelta(days=1)
    due_tomorrow = [_listed(r, f"截止 {r.deadline:%m-%d %H:%M}") for r in results
                    if r.deadline and r.deadline.date() == tomorrow and r.case.resolution is None and r.case.is_open]

    money_out = [r for r in results if r.case.resolved_at and r.case.resolved_at.date() == day
                 and (r.case.resolution in MONEY_RESOLUTIONS or r.case.freight_refund)]
    by_resolution: dict[str, Decimal] = defaultdict(lambda: ZERO)
    by_channel: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in money_out:
        money = refund_money(r.case) + (r.case.freight_refund or ZERO)
        label = resolution_label(r.case.resolution) if r.case.resolution in MONEY_RESOLUTIONS else "退运费"
        by_resolution[label] += money
        by_channel[r.case.refund_channel or "（未填退款方式）"] += money

    kinds = Counter(case_type_label(r.case.case_type) for r in today if r.case.case_type)
    issues_by_row: dict[int, list[Issue]] = defaultdict(list)
    for issue in report.issues:
        if issue.sheet == report.sheet and issue.row is not None:
            issues_by_row[issue.row].append(issue)
    # Per 客服: today's registrations, and what is overdue or wrong on any of their cases, whatever day.
    agents: dict[str, list[CaseResult]] = defaultdict(list)
    for r in results:
        if _registered_on(r, day) or r.overdue or issues_by_row[r.case.row]:
            agents[r.case.agent or "（未填客服）"].append(r)
    agent_lines = tuple(
        AgentLine(
            agent=name, cases=sum(1 for r in rows if _registered_on(r, day)), overdue=sum(1 for r in rows if r.overdue),
            errors=sum(1 for r in rows for i in issues_by_row[r.case.row] if i.severity is Severity.ERROR),
            warnings=sum(1 for r in rows for i in issues_by_row[r.case.row] if i.severity is Severity.WARNING),
        )
        for name, rows in sorted(agents.items())
    )
    courier = [
        _courier_line(r)
        for r in results
        if r.recommendation and r.recommendation.courier_claim
        and (_registered_on(r, day) or r.case.is_open)
    ]
    refunds = refunds or refund_sheet(report, day)
    held = [_listed(by_row[row.row], row.reason) for row in refunds.pending if row.row in by_row]
    case_errors, other_errors = _error_lines(report, by_row)
    errors = [*case_errors, *other_errors]
    acting = {c.row for c in (*overdue, *unpaid, *case_errors)}
    return EndOfDay(
        day=day, now=report.now, registered=len(today), solved_same_day=len(solved), overdue=tuple(overdue),
        cashback_count=len(cash), cashback_sum=sum((m for _, m in cash), ZERO),
        cashback_paid=sum((m for r, m in cash if paid(r)), ZERO),
        cashback_paid_count=sum(1 for r, _ in cash if paid(r)), cashback_unpaid=tuple(unpaid),
        money_by_resolution=tuple(sorted(by_resolution.items())), money_by_channel=tuple(sorted(by_channel.items())),
        by_case_type=tuple((c.label, kinds.get(c.label, 0)) for c in CASE_TYPES), agents=agent_lines,
        due_tomorrow=tuple(due_tomorrow), open_ages=_open_ages(results, day), action_cases=len(acting) + len(other_errors),
        courier=tuple(courier), held_refunds=tuple(held), errors=tuple(errors),
        error_count=report.errors, warning_count=report.warnings,
    )


# --- the report as a grid ---------------------------------------------------------------------------

CASE_LIST_HEADERS = ("售后单号", "行", "售后类型", "客服", "买家", "说明")


@dataclass
class Grid:
    """The 日结 sheet as rows of cells, with what the renderers add on top.

    Rows are 1-based in `links`, `alarms`, `headings` and the chart ranges, as Excel shows them.
    """

    rows: list[list[object]] = field(default_factory=list)
    links: dict[int, int] = field(default_factory=dict)
    """Sheet row of a listed case → its register row (the 售后单号 cell links there)."""
    alarms: list[int] = field(default_factory=list)
    """Rows that need action before going home (emphasised)."""
    headings: list[int] = field(default_factory=list)
    charts: list[tuple[str, int, int]] = field(default_factory=list)
    """(title, first data row, last data row) of two-column tables to chart (label, value)."""

    def add(self, *cells: object) -> int:
        self.rows.append(list(cells))
        return len(self.rows)

    def heading(self, text: str) -> None:
        self.add()
        self.headings.append(self.add(text))

    def case_list(self, title: str, cases: tuple[ListedCase, ...], alarm: bool) -> None:
        self.heading(f"{title}（{len(cases)}）")
        if not cases:
            self.add("无")
            return
        self.add(*CASE_LIST_HEADERS)
        for case in cases:
            row = self.add(case.case_id or "（无单号）", case.row, case.case_type, case.agent or "", case.buyer,
                           case.detail)
            self.links[row] = case.row
            if alarm:
                self.alarms.append(row)


def report_grid(eod: EndOfDay) -> Grid:
    """The 日结 sheet: headline figures first, then what needs action, then the breakdowns."""
    grid = Grid()
    grid.headings.append(grid.add(f"日结 {eod.day:%Y-%m-%d}（截至 {eod.now:%m-%d %H:%M}）"))
    grid.add("需要下班前处理", eod.needs_action)
    if eod.needs_action:
        grid.alarms.append(len(grid.rows))
    grid.add("今日登记", eod.registered)
    grid.add("当天给方案", eod.solved_same_day, f"{eod.solved_pct}%")
    grid.add("超时未给方案", len(eod.overdue))
    grid.add("今日应返现", eod.cashback_count, eod.cashback_sum)
    grid.add("已返现", eod.cashback_paid_count, eod.cashback_paid)
    grid.add("未返现", len(eod.cashback_unpaid), eod.cashback_unpaid_sum)
    grid.add("今日支出（含等待退货的退款）", "", eod.money_out)
    grid.add("错误 / 警告", eod.error_count, eod.warning_count)
    grid.case_list("超时未给方案", eod.overdue, alarm=True)
    grid.case_list("未返现（下班前付给买家，含往日）", eod.cashback_unpaid, alarm=True)
    grid.case_list("明天到期（明天下班前要给方案）", eod.due_tomorrow, alarm=False)
    grid.heading("未结案件账龄（按登记至今天数）")
    grid.add("账龄", "条数")
    for label, count in eod.open_ages:
        grid.add(label, count)
    grid.heading("按售后类型（今日登记）")
    first = grid.add("售后类型", "条数") + 1
    for label, count in eod.by_case_type:
        grid.add(label, count)
    grid.charts.append(("今日售后类型", first, len(grid.rows)))
    grid.heading("今日支出：按处理方案")
    first = grid.add("处理方案", "金额") + 1
    for label, money in eod.money_by_resolution or (("无", ZERO),):
        grid.add(label, money)
    grid.charts.append(("今日支出（元）", first, len(grid.rows)))
    grid.heading("今日支出：按退款方式")
    grid.add("退款方式", "金额")
    for label, money in eod.money_by_channel or (("无", ZERO),):
        grid.add(label, money)
    grid.heading("客服（条数为今日登记；超时、错误、警告含往日未了的）")
    grid.add("客服", "今日登记", "超时", "错误", "警告")
    for line in eod.agents:
        grid.add(line.agent, line.cases, line.overdue, line.errors, line.warnings)
    grid.case_list("快递跟进（快递责任：运单号、索赔金额）", eod.courier, alarm=False)
    grid.case_list("退款暂缓（待处理）", eod.held_refunds, alarm=False)
    grid.case_list("错误", eod.errors, alarm=True)
    return grid
