"""Audit periods: parse ``2026-09``, ``2026-Q3``, ``2026`` and ``2026-01..2026-12``, and split a span by cadence.

A rule is evaluated on its own reporting cadence inside the requested span: a monthly KPI in a quarter audit
gives three monthly results plus the quarter's view; a yearly KPI in a month audit is not due.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from .errors import PeriodError, Problem
from .model import Cadence
from .timeparse import FIRST_YEAR, LAST_YEAR

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True, order=True)
class Period:
    """A closed range of local calendar days [first, last] with a label and a granularity."""

    first: date
    last: date
    label: str
    kind: str  # month, quarter, year, range

    @property
    def end_exclusive(self) -> date:
        return self.last + timedelta(days=1)

    def contains(self, other: "Period") -> bool:
        return self.first <= other.first and other.last <= self.last

    def __str__(self) -> str:
        return self.label


def month(year: int, m: int) -> Period:
    first = date(year, m, 1)
    nxt = date(year + (m == 12), m % 12 + 1, 1)
    return Period(first, nxt - timedelta(days=1), f"{year}-{m:02d}", "month")


def quarter(year: int, q: int) -> Period:
    first = month(year, 3 * q - 2).first
    last = month(year, 3 * q).last
    return Period(first, last, f"{year}-Q{q}", "quarter")


def year(y: int) -> Period:
    return Period(date(y, 1, 1), date(y, 12, 31), f"{y}", "year")


def _single(text: str) -> Period:
    text = text.strip()
    if (m := re.match(r"^(\d{4})", text)) and not FIRST_YEAR <= int(m.group(1)) <= LAST_YEAR:
        raise PeriodError(Problem("--period", f"{text!r} is out of range (expected a period between {FIRST_YEAR} "
                                              f"and {LAST_YEAR})"))
    if m := _MONTH.match(text):
        y, mo = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            return month(y, mo)
    elif m := _QUARTER.match(text):
        return quarter(int(m.group(1)), int(m.group(2)))
    elif m := _YEAR.match(text):
        return year(int(m.group(1)))
    raise PeriodError(Problem("--period", f"{text!r} is not a period; expected YYYY-MM, YYYY-Qn, YYYY or A..B"))


@lru_cache(maxsize=4096)
def parse_period(text: str) -> Period:
    """Parse a period argument; a range ``A..B`` runs from the start of A to the end of B.

    Memoised (a Period is immutable): the judge, roll-up, agendas and signals turn the same few result labels back
    into periods thousands of times per audit (a year audit: ~3,000 calls, ~20 labels)."""
    if ".." in text:
        left, _, right = text.partition("..")
        a, b = _single(left), _single(right)
        if b.last < a.first:
            raise PeriodError(Problem("--period", f"{text!r}: the range ends before it starts"))
        return Period(a.first, b.last, f"{a.label}..{b.label}", "range")
    return _single(text)


def months_in(span: Period) -> list[Period]:
    out, y, m = [], span.first.year, span.first.month
    while date(y, m, 1) <= span.last:
        out.append(month(y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def quarters_in(span: Period) -> list[Period]:
    seen: dict[str, Period] = {}
    for mo in months_in(span):
        q = quarter(mo.first.year, (mo.first.month - 1) // 3 + 1)
        seen.setdefault(q.label, q)
    return list(seen.values())


def years_in(span: Period) -> list[Period]:
    return [year(y) for y in range(span.first.year, span.last.year + 1)]


def _touching(span: Period, cadence: Cadence) -> list[Period]:
    """The periods of ``cadence`` that share at least one day with ``span``.

    Per-incident rules are reported monthly: each incident is judged, and the month gathers them.
    """
    if cadence in (Cadence.MONTHLY, Cadence.PER_INCIDENT):
        return months_in(span)
    if cadence is Cadence.QUARTERLY:
        return quarters_in(span)
    return years_in(span)


def sub_periods(span: Period, cadence: Cadence) -> list[Period]:
    """The periods of ``cadence`` that lie wholly inside ``span`` (a yearly KPI has none inside a month)."""
    return [p for p in _touching(span, cadence) if span.contains(p)]


def views(span: Period, cadence: Cadence) -> list[Period]:
    """Sub-periods of the cadence, plus the whole span as one aggregate view when it holds more than one."""
    subs = sub_periods(span, cadence)
    return subs + [span] if len(subs) > 1 else subs


def overlapping(span: Period, cadence: Cadence) -> list[Period]:
    """Cadence periods that touch ``span`` without lying wholly inside it: the rule is "not due" for them here
    (a yearly KPI in a month audit; the first and last quarter of a range that starts or ends mid-quarter)."""
    return [p for p in _touching(span, cadence) if not span.contains(p)]


# The governance cadence: which period one meeting of each level covers.
MEETING_CADENCE = {"operational": Cadence.MONTHLY, "tactical": Cadence.QUARTERLY, "strategic": Cadence.YEARLY}
MEETING_RANK = {"strategic": 0, "tactical": 1, "operational": 2, "none": 3}


@lru_cache(maxsize=4096)
def containing(day: date, cadence: Cadence) -> Period:
    """The month, quarter or year that holds ``day`` (memoised: the agendas ask it for every result)."""
    if cadence in (Cadence.MONTHLY, Cadence.PER_INCIDENT):
        return month(day.year, day.month)
    if cadence is Cadence.QUARTERLY:
        return quarter(day.year, (day.month - 1) // 3 + 1)
    return year(day.year)


def meeting_periods(span: Period, meeting: str) -> list[Period]:
    """The meetings of one level whose period lies wholly inside ``span`` (a quarter audit has no yearly meeting)."""
    return sub_periods(span, MEETING_CADENCE[meeting])


def meeting_for(result_period: Period, meeting: str) -> Period:
    """The meeting of ``meeting``'s level that discusses a result: the one whose period holds the result's last day."""
    return containing(result_period.last, MEETING_CADENCE[meeting])
