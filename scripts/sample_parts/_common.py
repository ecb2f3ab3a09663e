"""Helpers shared by the sample parts. Each part module defines ``documents()`` returning a list of
``{"kind", "path", "format", "records", optional "covers"}``; ``build_sample.py`` discovers the parts by name."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Amsterdam")


def make_rng(part: str) -> random.Random:
    """Each part has its own seeded generator, so adding a part never changes the figures of another."""
    return random.Random(f"slacheck-sample-{part}")


def iso(dt: datetime) -> str:
    return dt.astimezone(TZ).isoformat(timespec="seconds")


def local(d: date, hour: int, minute: int) -> datetime:
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=TZ)


def business_moment(d: date, rng: random.Random) -> datetime:
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return local(d, rng.randint(8, 16), rng.randint(0, 59))
