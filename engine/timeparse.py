"""Timestamps and dates from evidence, as int64 UTC epoch seconds.

A timestamp must carry its offset: "09:12" means nothing in a contract dispute unless the zone is known. A naive
timestamp is accepted only when the bundle's manifest declares ``default_timezone``.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import numpy as np

#: the "no timestamp" sentinel in int64 columns
NAT = np.iinfo(np.int64).min


#: the years the engine accepts (evidence dates and timestamps, --as-of, periods): anything else is a typo or a
#: placeholder (``0001-01-01``, ``9999-12-31``) that would otherwise turn into a huge duration
FIRST_YEAR, LAST_YEAR = 1970, 2199
#: so evidence timestamps must lie in [1970-01-01, 2200-01-01) UTC
MIN_EPOCH = int(datetime(FIRST_YEAR, 1, 1, tzinfo=timezone.utc).timestamp())
MAX_EPOCH = int(datetime(LAST_YEAR + 1, 1, 1, tzinfo=timezone.utc).timestamp())


class TimeParseError(ValueError):
    pass


def parse_ts(text: str, default_tz: ZoneInfo | None) -> int:
    """Parse an ISO 8601 timestamp to UTC epoch seconds (fractions are truncated)."""
    try:
        dt = datetime.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        why = "" if "isoformat" in str(exc) or isinstance(exc, TypeError) else f" ({exc})"
        raise TimeParseError(f"{text!r} is not a valid ISO 8601 timestamp{why}") from None
    if dt.tzinfo is None:
        if default_tz is None:
            raise TimeParseError(
                f"{text!r} has no time zone offset and the manifest declares no default_timezone")
        naive, dt = dt, dt.replace(tzinfo=default_tz)
        if dt.astimezone(timezone.utc).astimezone(default_tz).replace(tzinfo=None) != naive:
            raise TimeParseError(f"{text!r} does not exist in {default_tz.key}: the clocks skip it (as when summer "
                                 f"time begins); expected a local time that exists, or the timestamp with its offset")
        # a time the clocks pass twice (when summer time ends) is read as the first of the two, in summer time
    return epoch_of(dt, text)


def epoch_of(dt: datetime, text: str) -> int:
    """UTC epoch seconds of an aware ``dt`` (parsed from ``text``, named in the error) within the accepted years."""
    try:
        epoch = int(dt.timestamp() // 1)
    except (OverflowError, ValueError, OSError):
        epoch = MIN_EPOCH - 1
    if not MIN_EPOCH <= epoch < MAX_EPOCH:
        raise TimeParseError(f"{text!r} is out of range (expected a time between {FIRST_YEAR} and {LAST_YEAR})")
    return epoch


def parse_date(text: str) -> date:
    try:
        d = date.fromisoformat(text)
    except (TypeError, ValueError):
        raise TimeParseError(f"{text!r} is not a date (YYYY-MM-DD)") from None
    if not FIRST_YEAR <= d.year <= LAST_YEAR:
        raise TimeParseError(f"{text!r} is out of range (expected a date between {FIRST_YEAR} and {LAST_YEAR})")
    return d


def to_iso(epoch: int, tz: ZoneInfo) -> str:
    """Render epoch seconds as local ISO time with offset, for reports and messages."""
    if epoch == NAT:
        return "—"
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).astimezone(tz).isoformat()


def local_midnight(d: date, tz: ZoneInfo) -> int:
    """Epoch seconds of 00:00 local time on day ``d`` (the start of a period day)."""
    return int(datetime(d.year, d.month, d.day, tzinfo=tz).timestamp())
