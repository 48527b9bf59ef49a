"""Which courier carried a parcel: the register's own 快递公司 column when it has one, else the 运单号's
prefix (the companies' published number formats), else 未知."""

from __future__ import annotations

from aftersales.taxonomy import normalise_text

UNKNOWN = "未知"

COURIER_PREFIXES: tuple[tuple[str, str], ...] = (
    ("SF", "顺丰"),
    ("YT", "圆通"),
    ("ZTO", "中通"),
    ("STO", "申通"),
    ("YD", "韵达"),
    ("JDV", "京东"),
    ("JD", "京东"),
    ("EMS", "邮政"),
    ("DPK", "德邦"),
    ("JT", "极兔"),
)
"""运单号 prefix → courier. Matched on the number upper-cased without spaces and dashes, longest prefix
first, and only when the rest holds at least MIN_DIGITS digits (京东's JDVA…/JDX… numbers have letters
after the prefix; a note such as "SFX" is no number)."""
MIN_DIGITS = 6

COURIER_NAMES: tuple[tuple[str, str], ...] = (
    ("顺丰", "顺丰"), ("圆通", "圆通"), ("中通", "中通"), ("申通", "申通"), ("韵达", "韵达"),
    ("京东", "京东"), ("邮政", "邮政"), ("EMS", "邮政"), ("德邦", "德邦"), ("极兔", "极兔"),
)
"""A typed 快递公司 naming one of these (顺丰速运, 中通快递 …) is counted under the short name."""
COURIER_CODES = {"SF": "顺丰", "YT": "圆通", "YTO": "圆通", "ZTO": "中通", "STO": "申通", "YD": "韵达",
                 "YUNDA": "韵达", "JD": "京东", "JDL": "京东", "EMS": "邮政", "DPK": "德邦", "DBL": "德邦",
                 "JT": "极兔", "J&T": "极兔", "JTEXPRESS": "极兔"}
"""A typed 快递公司 that is the courier's code, any case (sf, ZTO …)."""

COURIER_HEADERS = frozenset({"快递公司", "快递", "物流公司", "承运商", "快递名称"})
"""Headers of a shop's own courier column (not in the catalogue: read from the row as typed)."""

_BY_LENGTH = sorted(COURIER_PREFIXES, key=lambda item: -len(item[0]))


def _compact(text: str) -> str:
    return "".join(ch for ch in normalise_text(text).upper() if ch not in " -_")


def courier_from_name(typed: str) -> str:
    code = COURIER_CODES.get(_compact(typed))
    if code:
        return code
    text = normalise_text(typed).upper()
    return next((short for name, short in COURIER_NAMES if name in text), normalise_text(typed))


def courier_from_tracking(tracking_no: str | None) -> str:
    text = _compact(tracking_no or "")
    for prefix, name in _BY_LENGTH:
        if text.startswith(prefix) and sum(ch.isdigit() for ch in text[len(prefix) :]) >= MIN_DIGITS:
            return name
    return UNKNOWN


def courier_of(typed: object, tracking_no: str | None) -> str:
    """The 快递公司 cell when it holds text, else the 运单号 prefix, else 未知."""
    if isinstance(typed, str) and typed.strip():
        return courier_from_name(typed)
    return courier_from_tracking(tracking_no)
