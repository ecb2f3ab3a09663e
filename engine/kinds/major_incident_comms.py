"""Major-incident communication logs: the send times of the updates, in order, as one column."""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from ..tables import RowError
from ..timeparse import NAT, TimeParseError, parse_ts


def derive(rec: dict, tz: ZoneInfo | None) -> dict[str, Any]:
    """``update_times``: the epoch seconds of the updates, sorted, comma-separated (a ragged list does not fit a
    numpy column); ``first_update_at`` and ``update_count`` for quick selection."""
    times = []
    for i, u in enumerate(rec.get("updates") or ()):
        try:
            times.append(parse_ts(u["at"], tz))
        except TimeParseError as exc:
            raise RowError(f"updates[{i}].at", str(exc)) from None
    times.sort()
    return {"update_times": ",".join(map(str, times)), "first_update_at": times[0] if times else NAT,
            "update_count": len(times)}
