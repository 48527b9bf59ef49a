"""Parsing the cell values people really type (SPEC §2.3).

Every parser takes whatever a reader produced for a cell (str, int, float, bool, datetime, date,
time, None, ExcelError, …) and returns `(value, problem)`: the parsed value or None, and the problem
to report on that cell or None. Parsers never raise on user data.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Concatenate, ParamSpec, TypeVar

from aftersales.taxonomy import INVISIBLE, ChoiceList, normalise_text

CENT = Decimal("0.01")
MAX_MONEY = Decimal(10) ** 12
"""No register amount reaches a trillion yuan: larger numbers are typos (or an order number in the wrong column)."""

EXCEL_ERROR_CODES = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    }
)


@dataclass(frozen=True, slots=True)
class ExcelError:
    """An Excel error value in a cell (`#N/A`, `#VALUE!`, …), as a reader found it."""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong with one cell: an issue code and the parameters of its message."""

    code: str
    params: dict[str, str] = field(default_factory=dict)
    severity: str | None = None
    """Overrides the catalogue severity (order-id-as-number is an error or a warning)."""


def cents(amount: Decimal) -> Decimal:
    """Round money to 0.01, half-up: the one rounding rule at every boundary."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{cents(amount):.2f}"


def excel_error_of(value: object) -> str | None:
    if isinstance(value, ExcelError):
        return value.code
    if isinstance(value, str):
        text = value.strip().upper()
        if text in EXCEL_ERROR_CODES:
            return text
    return None


def is_blank(value: object) -> bool:
    """None, "", or text of nothing but spaces (incl. full-width) and zero-width characters."""
    if value is None or value == "":
        return True
    if not isinstance(value, str):
        return False
    first = value[0]
    if not first.isspace() and ord(first) not in INVISIBLE:
        return False  # the usual text: visible from its first character
    return not value.translate(INVISIBLE).strip()


def cell_text(value: object) -> str | None:
    """The cell as the user sees it, for issue messages and the JSON `value`."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return f"{value:.15g}"
    if isinstance(value, datetime):
        return datetime_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    return str(value)


def datetime_text(moment: datetime) -> str:
    """`2026-11-21 14:30` (seconds when there are some); a 4-digit year whatever the year."""
    text = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} {moment.hour:02d}:{moment.minute:02d}"
    return text + f":{moment.second:02d}" if moment.second else text


_ERROR = "excel-error"


def _excel_error(value: object) -> Problem | None:
    code = excel_error_of(value)
    return None if code is None else Problem(_ERROR, {"error": code})


P = ParamSpec("P")
T = TypeVar("T")
Parsed = tuple[T | None, Problem | None]


def _blank_or_error(parse: Callable[Concatenate[object, P], Parsed[T]]) -> Callable[Concatenate[object, P], Parsed[T]]:
    """A blank cell is None without a problem and an Excel error value is excel-error, in every parser."""

    def run(value: object, /, *args: P.args, **kwargs: P.kwargs) -> Parsed[T]:
        if is_blank(value):
            return None, None
        error = _excel_error(value)
        if error:
            return None, error
        return parse(value, *args, **kwargs)

    run.__name__, run.__doc__ = parse.__name__, parse.__doc__
    return run


# --- money -----------------------------------------------------------------------------------

_MONEY_TEXT = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?$")


@_blank_or_error
def parse_money(value: object) -> tuple[Decimal | None, Problem | None]:
    """Money as Decimal rounded to cents; negative amounts are reported, not accepted."""
    amount: Decimal | None = None
    if isinstance(value, bool):
        amount = None
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value)) if math.isfinite(value) else None
    elif isinstance(value, Decimal):
        amount = value if value.is_finite() else None
    elif isinstance(value, str):
        amount = _money_from_text(value)
    if amount is None or abs(amount) >= MAX_MONEY:
        return None, Problem("invalid-number")
    if amount < 0:
        return None, Problem("negative-amount")
    return +cents(amount), None  # unary plus: -0.00 becomes 0.00


def _money_from_text(value: str) -> Decimal | None:
    text = normalise_text(value).replace(" ", "")
    for prefix in ("RMB", "CNY", "¥"):
        if text.upper().startswith(prefix):
            text = text[len(prefix) :]
    sign = ""
    if text[:1] in "+-":
        sign, text = text[:1], text[1:]
    for prefix in ("¥",):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    for suffix in ("元", "块"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    match = _MONEY_TEXT.match(sign + text)
    if not match or (match.group(2) is None and match.group(3) is None):
        return None
    try:
        return Decimal(sign + (match.group(2) or "0").replace(",", "") + "." + (match.group(3) or "0"))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return None


# --- integers --------------------------------------------------------------------------------


@_blank_or_error
def parse_integer(value: object, minimum: int = 0, maximum: int | None = None) -> tuple[int | None, Problem | None]:
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = int(value) if math.isfinite(value) and value.is_integer() else None
    elif isinstance(value, str):
        text = normalise_text(value).replace(" ", "")
        for suffix in ("件", "个", "张", "天", "次", "日", "pcs"):
            if text.endswith(suffix):
                text = text[: -len(suffix)]
        number = int(text) if re.fullmatch(r"[+-]?\d{1,9}", text) else None
    if number is None or number < minimum or (maximum is not None and number > maximum):
        bounds = {"minimum": str(minimum)} | ({"maximum": str(maximum)} if maximum is not None else {})
        return None, Problem("invalid-number", bounds)
    return number, None


# --- datetimes -------------------------------------------------------------------------------

_EXCEL_EPOCH = datetime(1899, 12, 30)
_MAX_SERIAL = 2958465  # 9999-12-31
EARLIEST = datetime(1900, 1, 1)
LATEST = datetime(2999, 12, 31, 23, 59, 59)
"""The datetimes a register may hold: Excel has none before 1900, and keeping far from year 9999
keeps every deadline computed from a date (a year of working days at most) a valid date too."""
_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:\s+|T|\s*)(\d{1,2})\s*[:时点]\s*(\d{1,2})\s*分?(?:\s*[:]\s*(\d{1,2})(?:\.\d+)?\s*秒?)?)?$"
)


def excel_serial_to_datetime(serial: float) -> datetime | None:
    """An Excel (1900 system) serial number as a datetime, rounded to the second."""
    if not math.isfinite(serial) or not 1 <= serial <= _MAX_SERIAL:
        return None
    if serial < 61:  # Excel's phantom 1900-02-29: serials before March 1900 are one day off
        serial += 1
    seconds = round(serial * 86400)
    return _EXCEL_EPOCH + timedelta(seconds=seconds)


@_blank_or_error
def parse_datetime(value: object) -> tuple[datetime | None, Problem | None]:
    """Excel dates, serials and typed text; a date without time is 00:00 of that day."""
    result: datetime | None = None
    if isinstance(value, datetime):
        result = value.replace(tzinfo=None, microsecond=0)
    elif isinstance(value, date):
        result = datetime(value.year, value.month, value.day)
    elif isinstance(value, bool):
        result = None
    elif isinstance(value, int | float):
        result = excel_serial_to_datetime(float(value))
    elif isinstance(value, str):
        result = _datetime_from_text(value)
    if result is None or not EARLIEST <= result <= LATEST:
        return None, Problem("invalid-datetime")
    return result, None


def _datetime_from_text(value: str) -> datetime | None:
    match = _DATE_TEXT.match(normalise_text(value))
    if not match:
        return None
    year, month, day, hour, minute, second = (int(part) if part else 0 for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def parse_time_of_day(value: object) -> time | None:
    """A time of day such as the policy's 下班时间: `18:00`, an Excel time cell or a day fraction."""
    if isinstance(value, time):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, datetime):
        return value.time().replace(microsecond=0)
    if isinstance(value, float | int) and not isinstance(value, bool) and 0 <= value < 1:
        seconds = round(float(value) * 86400)
        return time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    if isinstance(value, str):
        text = normalise_text(value)
        whole_hour = re.fullmatch(r"(\d{1,2})\s*[点时](?:整)?", text)
        if whole_hour and int(whole_hour.group(1)) < 24:
            return time(int(whole_hour.group(1)), 0)
        match = re.fullmatch(r"(\d{1,2})\s*[:点时]\s*(\d{2})(?:\s*[:]\s*(\d{2}))?\s*分?", text)
        if match:
            hour, minute, second = (int(part) if part else 0 for part in match.groups())
            if hour < 24 and minute < 60 and second < 60:
                return time(hour, minute, second)
    return None


# --- choices and text ------------------------------------------------------------------------


@_blank_or_error
def parse_choice(value: object, choices: ChoiceList) -> tuple[str | None, Problem | None]:
    """The code of the choice the cell names; unknown values suggest the closest label."""
    text = cell_text(value) or ""
    choice = choices.match(text)
    if choice is None:
        return None, Problem("invalid-choice", {"closest": choices.closest_label(text)})
    return choice.code, None


@_blank_or_error
def parse_text(value: object) -> tuple[str | None, Problem | None]:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value)), None
    return (cell_text(value) or "").strip(), None


# --- order numbers ---------------------------------------------------------------------------

EXCEL_PRECISION = 15
_STRIP_FROM_ORDER_ID = re.compile("[\\s\u3000\u00a0\u200b-\u200f\ufeff\u202a-\u202e\u2060\u2066-\u2069]")


def normalise_order_id(text: str) -> str:
    """Order number as pasted from platforms and chat, cleaned before matching the pattern."""
    cleaned = normalise_text(_STRIP_FROM_ORDER_ID.sub("", text))  # NFKC: full-width digits and ＇ → ASCII
    return _STRIP_FROM_ORDER_ID.sub("", cleaned).lstrip("'‘’`")


def parse_order_id(value: object, pattern: re.Pattern[str]) -> tuple[str | None, list[Problem]]:
    """The cleaned order number and every problem with it (a number cell can break the pattern too)."""
    if value.__class__ is str and value.isdigit() and value.isascii() and pattern.fullmatch(value):
        return value, []  # the usual clean paste: nothing to normalise, nothing wrong
    if is_blank(value):
        return None, []
    error = _excel_error(value)
    if error:
        return None, [error]
    format_problem = Problem("order-id-format", {"pattern": pattern.pattern})
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            return cell_text(value), [format_problem]
        digits = str(abs(int(value)))
        lost = len(digits) > EXCEL_PRECISION
        as_number = Problem(
            "order-id-as-number", {"digits": str(len(digits))}, severity="error" if lost else "warning"
        )
        if lost or pattern.fullmatch(digits):
            # Digits already lost: the pattern says nothing more about the real number.
            return digits, [as_number]
        return digits, [as_number, format_problem]
    if not isinstance(value, str):
        return cell_text(value), [format_problem]
    if value.isascii() and value.isdigit():  # the usual clean paste: nothing to normalise
        return value, ([] if pattern.fullmatch(value) else [format_problem])
    order_id = normalise_order_id(value)
    if not pattern.fullmatch(order_id):
        return order_id or None, [format_problem]
    return order_id, []
