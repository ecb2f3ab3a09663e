"""Security incidents: the third-party waits become clock pauses ("excl. wachten op derde")."""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from ..tables import RowError
from ..timeparse import NAT, TimeParseError, parse_ts


def derive(rec: dict, tz: ZoneInfo | None) -> dict[str, Any]:
    """Each wait on a named third party is a pause [start, end); an open wait (end null) runs until the measure's
    end instant (containment or as-of). Overlapping waits count once (the calendar merges them)."""
    pauses: list[tuple[int, int]] = []
    for i, w in enumerate(rec.get("third_party_waits") or ()):
        try:
            start = parse_ts(w["start"], tz)
            end = NAT if w.get("end") is None else parse_ts(w["end"], tz)
        except TimeParseError as exc:
            raise RowError(f"third_party_waits[{i}]", str(exc)) from None
        if end != NAT and end < start:
            raise RowError(f"third_party_waits[{i}].end", "the wait ends before it starts")
        pauses.append((start, end))
    return {"third_party_waits_count": len(pauses), "_pauses": pauses}
