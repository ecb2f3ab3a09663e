"""Security exceptions: the re-evaluation history as one column of (due day, performed day) ordinal pairs."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from ..tables import RowError
from ..timeparse import NAT, TimeParseError, parse_date


@dataclass(frozen=True)
class Reevaluations:
    """(due day, performed day or NAT) ordinal pairs; a wrapper, so numpy keeps it as one object per row."""

    pairs: tuple[tuple[int, int], ...]


def _day(value: str | None, field: str) -> int:
    if value is None:
        return NAT
    try:
        return parse_date(value).toordinal()
    except TimeParseError as exc:
        raise RowError(field, str(exc)) from None


def derive(rec: dict, tz: ZoneInfo | None) -> dict[str, Any]:
    """``reevaluation_list``: the history when given, else the current pair (reeval_date, reevaluated_on)."""
    history = rec.get("reevaluations")
    if history:
        pairs = tuple((_day(h["due_on"], f"reevaluations[{i}].due_on"),
                       _day(h.get("performed_on"), f"reevaluations[{i}].performed_on")) for i, h in enumerate(history))
    else:  # no herijkdatum: (NAT, …); the measure then takes the vervaldatum as the last moment
        pairs = ((_day(rec.get("reeval_date"), "reeval_date"), _day(rec.get("reevaluated_on"), "reevaluated_on")),)
    return {"reevaluation_list": Reevaluations(pairs)}
