"""MeasureContext.window: a period's [start, end) as local midnights, remembered per period and zone."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from engine.measures.common import MeasureContext
from engine.periods import parse_period


class _Calendar:
    def __init__(self, zone: str) -> None:
        self.tz = ZoneInfo(zone)


def test_windows_are_local_midnights_across_dst_and_follow_the_calendar_zone():
    ctx = MeasureContext(bundle=None, calendar=_Calendar("Europe/Amsterdam"), as_of=0)
    march, october, year = parse_period("2026-03"), parse_period("2026-10"), parse_period("2026")
    assert ctx.window(march) == (1772319600, 1774994400)  # 2026-03-01T00:00+01:00 .. 2026-04-01T00:00+02:00
    assert ctx.window(october) == (1790805600, 1793487600)  # 2026-10-01T00:00+02:00 .. 2026-11-01T00:00+01:00
    assert ctx.window(year) == (1767222000, 1798758000)
    assert ctx.window(march) == (1772319600, 1774994400)  # asked again: the same
    ctx.calendar = _Calendar("UTC")  # another zone: its own midnights, not the remembered ones
    assert ctx.window(march) == (1772323200, 1775001600)
