"""Major-incident communication logs: the send times of the updates, in order, as one column."""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

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


def derive_bulk(cols: dict[str, np.ndarray], lists: dict[str, list], updates: tuple[np.ndarray, dict[str, np.ndarray]],
                n: int) -> tuple[dict[str, np.ndarray], None]:
    """The same columns as ``derive``, for all logs at once from the flattened updates (``at`` already epoch
    seconds), so the columnar loading path takes this kind too."""
    owner, items = updates
    at = items["at"]
    order = np.lexsort((at, owner))
    owner, at = owner[order], at[order]
    count = np.bincount(owner, minlength=n).astype(np.int64)
    first = np.full(n, NAT, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if len(owner) else np.zeros(0, dtype=np.int64)
    first[owner[starts]] = at[starts]
    times = np.full(n, "", dtype=object)
    for row, chunk in zip(owner[starts].tolist(), np.split(at, starts[1:])):
        times[row] = ",".join(map(str, chunk.tolist()))
    return {"update_times": times, "first_update_at": first, "update_count": count}, None
